// SPDX-License-Identifier: MIT
/*
 * A domain config as the DomainConfig message (proto/state.proto) that
 * domain_args_from_config turns into hvdomain's command line. Every
 * action is written out (never ACTION_DEFAULT): xl's default for
 * on_crash is destroy, the message's is preserve.
 */
#include <stdint.h>
#include "domain_config.h"
#include "proto/state.pb-c.h"

static Hv__DomainAction pb_action(enum domain_action a)
{
	switch (a) {
	case DOMAIN_ACTION_RESTART: return HV__DOMAIN_ACTION__ACTION_RESTART;
	case DOMAIN_ACTION_PRESERVE: return HV__DOMAIN_ACTION__ACTION_PRESERVE;
	default: return HV__DOMAIN_ACTION__ACTION_DESTROY;
	}
}

void domain_config_to_pb(const struct domain_config *c, Hv__DomainConfig *pb)
{
	hv__domain_config__init(pb);
	pb->name = (char *)c->name;
	if (c->has_uuid) {
		pb->uuid.data = (uint8_t *)c->uuid;
		pb->uuid.len = sizeof(c->uuid);
	}
	pb->vcpus = c->vcpus;
	pb->memory_bytes = (uint64_t)c->memory_mib << 20;
	if (c->kernel)
		pb->kernel = c->kernel;
	if (c->initrd)
		pb->initrd = c->initrd;
	if (c->cmdline)
		pb->cmdline = c->cmdline;
	pb->on_poweroff = pb_action(c->on_poweroff);
	pb->on_reboot = pb_action(c->on_reboot);
	pb->on_crash = pb_action(c->on_crash);
}
