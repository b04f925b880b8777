/* SPDX-License-Identifier: MIT */
/*
 * A DomainConfig (proto/state.proto) as hvdomain's command line
 * (docs/hvdomain.md): how dom0 creates the domain a config describes.
 */
#ifndef HV_DOM0_DOMAIN_ARGS_H
#define HV_DOM0_DOMAIN_ARGS_H

#include <stdbool.h>
#include "hv/log.h"
#include "proto/state.pb-c.h"

#define DOMAIN_ARGS_MAX	20

struct domain_args {
	const char *argv[DOMAIN_ARGS_MAX + 1];	/* NULL-terminated */
	int argc;
	char vcpus[12];
	char memory[24];
	char uuid[40];
};

/*
 * Fills @a with hvdomain's arguments for a domain of config @c: --vcpus,
 * --memory, --name (@name when not NULL, else the config's, if any),
 * --uuid, --kernel, --initrd, --cmdline (those that are set) and
 * --incoming when @incoming; not --socket nor --ready-fd. Strings are
 * borrowed from @c, @name and @a itself. 0, or -EINVAL (logged) for a
 * config hvdomain cannot be told: no vCPUs, a memory size that is not
 * whole MiB, a uuid that is not 16 bytes.
 */
int domain_args_from_config(struct domain_args *a, const Hv__DomainConfig *c,
			    const char *name, bool incoming,
			    const struct hv_log *log)
	__attribute__((warn_unused_result));

#endif
