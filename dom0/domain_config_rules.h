/* SPDX-License-Identifier: MIT */
/*
 * Private to domain_config*.c: the rules for each value, shared by the
 * parser (domain_config_parse.c) and domain_config_check. Each returns 0,
 * or -EINVAL with a reason (no file or line) in @why.
 */
#ifndef HV_DOM0_DOMAIN_CONFIG_RULES_H
#define HV_DOM0_DOMAIN_CONFIG_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "domain_config.h"

int dc_rule_name(const char *s, char *why, size_t n);
int dc_rule_uuid(const uuid_t u, char *why, size_t n);
int dc_rule_vcpus(uint64_t v, char *why, size_t n);
int dc_rule_memory(uint64_t mib, char *why, size_t n);
/* A path, cmdline or device spec called @what in the reason. */
int dc_rule_text(const char *what, const char *s, bool may_be_empty,
		 char *why, size_t n);
/* @s as an action of key @key (on_poweroff, ...) into *@a. */
int dc_rule_action(const char *key, const char *s, enum domain_action *a,
		   char *why, size_t n);
int dc_rule_list(const char *key, const struct domain_config_list *l,
		 char *why, size_t n);

#endif
