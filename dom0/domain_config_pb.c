// SPDX-License-Identifier: MIT
/*
 * A domain config as the DomainConfig message (proto/state.proto) that
 * domain_args_from_config turns into hvdomain's command line. Every
 * action is written out (never ACTION_DEFAULT, though it means xl's
 * defaults too); and back, for domains that arrive in a stream.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

static enum domain_action from_pb_action(Hv__DomainAction a,
					 enum domain_action dflt)
{
	switch (a) {
	case HV__DOMAIN_ACTION__ACTION_DESTROY: return DOMAIN_ACTION_DESTROY;
	case HV__DOMAIN_ACTION__ACTION_RESTART: return DOMAIN_ACTION_RESTART;
	case HV__DOMAIN_ACTION__ACTION_PRESERVE: return DOMAIN_ACTION_PRESERVE;
	default: return dflt;
	}
}

/* A copy of @s, or NULL for "" (none); *ret -ENOMEM when out of memory. */
static char *copy_or_null(const char *s, int *ret)
{
	char *d;

	if (!s || !*s)
		return NULL;
	d = strdup(s);
	if (!d)
		*ret = -ENOMEM;
	return d;
}

int domain_config_from_pb(struct domain_config *c, const Hv__DomainConfig *pb)
{
	int ret = 0;

	domain_config_init(c);
	if ((pb->uuid.len && pb->uuid.len != sizeof(c->uuid)) ||
	    strlen(pb->name) > DOMAIN_CONFIG_NAME_MAX)
		return -EINVAL;
	memcpy(c->name, pb->name, strlen(pb->name) + 1);
	if (pb->uuid.len) {
		memcpy(c->uuid, pb->uuid.data, sizeof(c->uuid));
		c->has_uuid = true;
	}
	c->vcpus = pb->vcpus;
	c->memory_mib = (unsigned int)(pb->memory_bytes >> 20);
	c->kernel = copy_or_null(pb->kernel, &ret);
	c->initrd = copy_or_null(pb->initrd, &ret);
	c->cmdline = copy_or_null(pb->cmdline, &ret);
	c->on_poweroff = from_pb_action(pb->on_poweroff, DOMAIN_ACTION_DESTROY);
	c->on_reboot = from_pb_action(pb->on_reboot, DOMAIN_ACTION_RESTART);
	c->on_crash = from_pb_action(pb->on_crash, DOMAIN_ACTION_DESTROY);
	if (ret)
		domain_config_free(c);
	return ret;
}
