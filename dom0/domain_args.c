// SPDX-License-Identifier: MIT
/*
 * A DomainConfig as hvdomain's arguments. hvdomain checks the values
 * itself (ranges of vCPUs and memory); here only what cannot be said on
 * its command line at all is refused.
 */
#include <errno.h>
#include <stdio.h>
#include "domain_args.h"

static void add(struct domain_args *a, const char *opt, const char *val)
{
	a->argv[a->argc++] = opt;
	if (val)
		a->argv[a->argc++] = val;
	a->argv[a->argc] = NULL;
}

static void add_set(struct domain_args *a, const char *opt, const char *val)
{
	if (val && *val)
		add(a, opt, val);
}

static void format_uuid(char *out, size_t len, const uint8_t *u)
{
	snprintf(out, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
		 u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		 u[14], u[15]);
}

int domain_args_from_config(struct domain_args *a, const Hv__DomainConfig *c,
			    const char *name, bool incoming,
			    const struct hv_log *log)
{
	a->argc = 0;
	a->argv[0] = NULL;
	if (!c->vcpus) {
		log_err(log, "domain config: no vCPUs");
		return -EINVAL;
	}
	if (!c->memory_bytes || c->memory_bytes % (1ull << 20)) {
		log_err(log, "domain config: memory of %llu bytes is not a "
			"whole number of MiB",
			(unsigned long long)c->memory_bytes);
		return -EINVAL;
	}
	if (c->uuid.len && c->uuid.len != 16) {
		log_err(log, "domain config: a uuid of %zu bytes, not 16",
			c->uuid.len);
		return -EINVAL;
	}
	snprintf(a->vcpus, sizeof(a->vcpus), "%u", c->vcpus);
	snprintf(a->memory, sizeof(a->memory), "%lluM",
		 (unsigned long long)(c->memory_bytes >> 20));
	add(a, "--vcpus", a->vcpus);
	add(a, "--memory", a->memory);
	add_set(a, "--name", name ? name : c->name);
	if (c->uuid.len) {
		format_uuid(a->uuid, sizeof(a->uuid), c->uuid.data);
		add(a, "--uuid", a->uuid);
	}
	add_set(a, "--kernel", c->kernel);
	add_set(a, "--initrd", c->initrd);
	add_set(a, "--cmdline", c->cmdline);
	if (incoming)
		add(a, "--incoming", NULL);
	return 0;
}
