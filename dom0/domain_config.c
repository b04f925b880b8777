// SPDX-License-Identifier: MIT
/*
 * struct domain_config and the rules for its values (domain_config.h,
 * docs/config.md): defaults, freeing, comparing, the UUID, the check a
 * parse applies and hvd's refusal of devices it does not have yet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain_config.h"
#include "domain_config_rules.h"

static const char *const action_names[] = {
	[DOMAIN_ACTION_DESTROY] = "destroy",
	[DOMAIN_ACTION_RESTART] = "restart",
	[DOMAIN_ACTION_PRESERVE] = "preserve",
};

/* xl's other actions, which hv does not have. */
static const char *const xl_only_actions[] = {
	"rename-restart", "coredump-destroy", "coredump-restart", "soft-reset",
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

const char *domain_action_name(enum domain_action a)
{
	if ((unsigned int)a >= ARRAY_SIZE(action_names))
		return "?";
	return action_names[a];
}

void domain_config_init(struct domain_config *c)
{
	memset(c, 0, sizeof(*c));
	c->vcpus = 1;
	c->memory_mib = 256;
	c->on_poweroff = DOMAIN_ACTION_DESTROY;
	c->on_reboot = DOMAIN_ACTION_RESTART;
	c->on_crash = DOMAIN_ACTION_DESTROY;
}

static void free_list(struct domain_config_list *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

void domain_config_free(struct domain_config *c)
{
	free(c->kernel);
	free(c->initrd);
	free(c->cmdline);
	free_list(&c->disks);
	free_list(&c->nics);
	domain_config_init(c);
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       is_digit(ch) || ch == '_' || ch == '.' || ch == '-';
}

static int bad_name_char(char ch, char *why, size_t n)
{
	unsigned char u = (unsigned char)ch;

	if (u >= 0x20 && u < 0x7f)
		snprintf(why, n, "name has '%c': only A-Z a-z 0-9 _ . - are "
			 "allowed", ch);
	else
		snprintf(why, n, "name has byte 0x%02x: only A-Z a-z 0-9 _ . - "
			 "are allowed", u);
	return -EINVAL;
}

int dc_rule_name(const char *s, char *why, size_t n)
{
	size_t len = strlen(s), i;
	bool digits = true;
	uuid_t u;

	if (!len) {
		snprintf(why, n, "name is empty");
		return -EINVAL;
	}
	if (len > DOMAIN_CONFIG_NAME_MAX) {
		snprintf(why, n, "name is longer than %d characters",
			 DOMAIN_CONFIG_NAME_MAX);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (!is_name_char(s[i]))
			return bad_name_char(s[i], why, n);
		digits = digits && is_digit(s[i]);
	}
	if (s[0] == '.' || s[0] == '-') {
		snprintf(why, n, "name must start with a letter, a digit or "
			 "'_'");
		return -EINVAL;
	}
	if (digits) {
		snprintf(why, n, "name '%s' is all digits: it would read as a "
			 "domain id", s);
		return -EINVAL;
	}
	if (!uuid_parse(s, u)) {
		snprintf(why, n, "name '%s' is a UUID: it would read as one",
			 s);
		return -EINVAL;
	}
	return 0;
}

int dc_rule_uuid(const uuid_t u, char *why, size_t n)
{
	if (uuid_is_null(u)) {
		snprintf(why, n, "uuid is the nil UUID");
		return -EINVAL;
	}
	return 0;
}

int dc_rule_vcpus(uint64_t v, char *why, size_t n)
{
	if (v < 1 || v > DOMAIN_CONFIG_VCPUS_MAX) {
		snprintf(why, n, "vcpus = %llu is out of range 1..%d",
			 (unsigned long long)v, DOMAIN_CONFIG_VCPUS_MAX);
		return -EINVAL;
	}
	return 0;
}

int dc_rule_memory(uint64_t mib, char *why, size_t n)
{
	if (mib < DOMAIN_CONFIG_MEMORY_MIN || mib > DOMAIN_CONFIG_MEMORY_MAX) {
		snprintf(why, n, "memory = %llu is out of range %d..%d (MiB)",
			 (unsigned long long)mib, DOMAIN_CONFIG_MEMORY_MIN,
			 DOMAIN_CONFIG_MEMORY_MAX);
		return -EINVAL;
	}
	return 0;
}

int dc_rule_text(const char *what, const char *s, bool may_be_empty,
		 char *why, size_t n)
{
	size_t len = strlen(s), i;

	if (!len && !may_be_empty) {
		snprintf(why, n, "%s is empty", what);
		return -EINVAL;
	}
	if (len > DOMAIN_CONFIG_STRING_MAX) {
		snprintf(why, n, "%s is longer than %d bytes", what,
			 DOMAIN_CONFIG_STRING_MAX);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f) {
			snprintf(why, n, "%s has control character 0x%02x",
				 what, ch);
			return -EINVAL;
		}
	}
	return 0;
}

int dc_rule_action(const char *key, const char *s, enum domain_action *a,
		   char *why, size_t n)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(action_names); i++) {
		if (!strcmp(s, action_names[i])) {
			*a = (enum domain_action)i;
			return 0;
		}
	}
	for (i = 0; i < ARRAY_SIZE(xl_only_actions); i++) {
		if (!strcmp(s, xl_only_actions[i])) {
			snprintf(why, n, "%s = \"%s\" is not supported by hv "
				 "(destroy, restart or preserve)", key, s);
			return -EINVAL;
		}
	}
	snprintf(why, n, "%s = \"%.40s\" is not an action (destroy, restart "
		 "or preserve)", key, s);
	return -EINVAL;
}

int dc_rule_list(const char *key, const struct domain_config_list *l,
		 char *why, size_t n)
{
	char what[32];
	unsigned int i;
	int ret;

	if (l->n > DOMAIN_CONFIG_DEVICES_MAX) {
		snprintf(why, n, "%s has %u entries, at most %d", key, l->n,
			 DOMAIN_CONFIG_DEVICES_MAX);
		return -EINVAL;
	}
	for (i = 0; i < l->n; i++) {
		snprintf(what, sizeof(what), "%s entry %u", key, i + 1);
		ret = dc_rule_text(what, l->v[i], false, why, n);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_action(const char *key, enum domain_action a, char *why,
			size_t n)
{
	if ((unsigned int)a >= ARRAY_SIZE(action_names)) {
		snprintf(why, n, "%s is not an action (%d)", key, (int)a);
		return -EINVAL;
	}
	return 0;
}

int domain_config_check(const struct domain_config *c, char *err,
			size_t errlen)
{
	char why[256];
	int ret;

	ret = dc_rule_name(c->name, why, sizeof(why));
	if (!ret && c->has_uuid)
		ret = dc_rule_uuid(c->uuid, why, sizeof(why));
	if (!ret)
		ret = dc_rule_vcpus(c->vcpus, why, sizeof(why));
	if (!ret)
		ret = dc_rule_memory(c->memory_mib, why, sizeof(why));
	if (!ret && !c->kernel) {
		snprintf(why, sizeof(why), "no kernel");
		ret = -EINVAL;
	}
	if (!ret)
		ret = dc_rule_text("kernel", c->kernel, false, why,
				   sizeof(why));
	if (!ret && c->initrd)
		ret = dc_rule_text("initrd", c->initrd, false, why,
				   sizeof(why));
	if (!ret && c->cmdline)
		ret = dc_rule_text("cmdline", c->cmdline, true, why,
				   sizeof(why));
	if (!ret)
		ret = check_action("on_poweroff", c->on_poweroff, why,
				   sizeof(why));
	if (!ret)
		ret = check_action("on_reboot", c->on_reboot, why, sizeof(why));
	if (!ret)
		ret = check_action("on_crash", c->on_crash, why, sizeof(why));
	if (!ret)
		ret = dc_rule_list("disk", &c->disks, why, sizeof(why));
	if (!ret)
		ret = dc_rule_list("vif", &c->nics, why, sizeof(why));
	if (ret)
		snprintf(err, errlen, "domain config: %s", why);
	return ret;
}

static bool same_string(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool same_list(const struct domain_config_list *a,
		      const struct domain_config_list *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

bool domain_config_equal(const struct domain_config *a,
			 const struct domain_config *b)
{
	return !strcmp(a->name, b->name) && a->has_uuid == b->has_uuid &&
	       (!a->has_uuid || !uuid_compare(a->uuid, b->uuid)) &&
	       a->vcpus == b->vcpus && a->memory_mib == b->memory_mib &&
	       same_string(a->kernel, b->kernel) &&
	       same_string(a->initrd, b->initrd) &&
	       same_string(a->cmdline, b->cmdline) &&
	       a->on_poweroff == b->on_poweroff &&
	       a->on_reboot == b->on_reboot && a->on_crash == b->on_crash &&
	       same_list(&a->disks, &b->disks) && same_list(&a->nics, &b->nics);
}

bool domain_config_fill_uuid(struct domain_config *c)
{
	if (c->has_uuid)
		return false;
	uuid_generate_random(c->uuid);
	c->has_uuid = true;
	return true;
}

int domain_config_check_devices(const struct domain_config *c, char *err,
				size_t errlen)
{
	if (!c->disks.n && !c->nics.n)
		return 0;
	snprintf(err, errlen, "domain %s: %u disk and %u vif entries, but hv "
		 "has no virtual disks or nics yet: remove them from its "
		 "config", c->name, c->disks.n, c->nics.n);
	return -EOPNOTSUPP;
}
