// SPDX-License-Identifier: MIT
/*
 * Restore of a saved domain through domctl: the stream's DomainConfig
 * creates an incoming domain (the caller's callback), the reader writes
 * the pages into its RAM memfd mapped here, and the STATE records go to
 * the domain as they arrive: first a log-dirty mark of every page written
 * (docs/domctl.md: required after any dom0 write), then each vCPU's
 * context and the devices. END's manifest is checked against guest RAM
 * before the caller may unpause.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "domain_save.h"
#include "domain_ram.h"
#include "save_file.h"

#define VCPUS_MAX	256	/* far above hvdomain's; bounds vcpu_seen */

struct restoring {
	const char *path;
	const struct hv_log *log;
	domain_create_fn create;
	void *opaque;
	struct domctl *d;
	struct domain_ram ram;
	uint32_t vcpus;
	bool *vcpu_seen;
	bool devices_seen;
	bool marked;
};

static int call_failed(struct restoring *r, const char *step, int ret)
{
	return domain_call_failed(r->d, "restore", r->path, step, ret,
				  r->log);
}

static int on_config(void *opaque, const void *buf, size_t len)
{
	struct restoring *r = opaque;
	Hv__DomainConfig *c = hv__domain_config__unpack(NULL, len, buf);
	int ret;

	if (!c) {
		log_err(r->log, "restore: %s: the saved config is not a "
			"DomainConfig message", r->path);
		return -EBADMSG;
	}
	r->vcpus = c->vcpus;
	if (!r->vcpus || r->vcpus > VCPUS_MAX) {
		log_err(r->log, "restore: %s: the saved config has %u vCPUs",
			r->path, r->vcpus);
		ret = -EINVAL;
	} else {
		ret = r->create(r->opaque, c, &r->d);
	}
	hv__domain_config__free_unpacked(c, NULL);
	if (ret)
		return ret;
	r->vcpu_seen = calloc(r->vcpus, sizeof(bool));
	if (!r->vcpu_seen)
		return -ENOMEM;
	return domain_ram_map(r->d, true, &r->ram, "restore", r->path,
			      r->log);
}

static int map_ram(void *opaque, void **base, uint64_t *size)
{
	struct restoring *r = opaque;

	if (!r->ram.base)
		return -EPROTO;
	*base = r->ram.base;
	*size = r->ram.len;
	return 0;
}

static int ram_fd(void *opaque)
{
	struct restoring *r = opaque;

	return r->ram.mem.fd;
}

/* Marks every page the reader wrote (the docs/domctl.md rule). */
static int mark_written(struct restoring *r)
{
	int ret = domain_mark_populated(r->d, &r->ram);

	if (ret)
		return call_failed(r, "log-dirty mark of the restored pages",
				   ret);
	r->marked = true;
	return 0;
}

static int on_state(void *opaque, uint32_t type, uint32_t instance,
		    const void *buf, size_t len)
{
	struct restoring *r = opaque;
	char what[48];
	int ret;

	/* The grammar puts every page before the first STATE record. */
	if (!r->marked) {
		ret = mark_written(r);
		if (ret)
			return ret;
	}
	if (type == STATE_VCPU) {
		if (instance >= r->vcpus || r->vcpu_seen[instance]) {
			log_err(r->log, "restore: %s: vCPU state %u %s",
				r->path, instance, instance >= r->vcpus ?
				"out of range" : "twice");
			return -EINVAL;
		}
		r->vcpu_seen[instance] = true;
		ret = domctl_set_vcpu_context(r->d, instance, buf, len);
		snprintf(what, sizeof(what), "set vCPU %u context", instance);
		return ret ? call_failed(r, what, ret) : 0;
	}
	if (type == STATE_DEVICES && !instance && !r->devices_seen) {
		r->devices_seen = true;
		ret = domctl_restore_devices(r->d, buf, len);
		return ret ? call_failed(r, "restore devices", ret) : 0;
	}
	log_err(r->log, "restore: %s: unexpected state record type %u "
		"instance %u", r->path, type, instance);
	return -EINVAL;
}

static int on_end(void *opaque, const struct stream_manifest *m)
{
	struct restoring *r = opaque;

	(void)m;
	for (uint32_t v = 0; v < r->vcpus; v++) {
		if (!r->vcpu_seen[v]) {
			log_err(r->log, "restore: %s: no state for vCPU %u",
				r->path, v);
			return -ENODATA;
		}
	}
	if (!r->devices_seen) {
		log_err(r->log, "restore: %s: no device state", r->path);
		return -ENODATA;
	}
	return 0;
}

static const struct stream_sink_ops restore_ops = {
	.on_config = on_config,
	.map_guest_ram = map_ram,
	.on_state = on_state,
	.on_end = on_end,
	.ram_fd = ram_fd,
};

int domain_restore(const char *path, domain_create_fn create, void *opaque,
		   struct domctl **out, const struct hv_log *log)
{
	return domain_restore_progress(path, create, opaque, NULL, out, log);
}

int domain_restore_progress(const char *path, domain_create_fn create,
			    void *opaque, const struct domain_progress *p,
			    struct domctl **out, const struct hv_log *log)
{
	struct restoring r = { .path = path, .log = log, .create = create,
			       .opaque = opaque, .ram = DOMAIN_RAM_INIT };
	int ret;

	ret = save_file_read_progress(path, &restore_ops, &r, p, log);
	domain_ram_unmap(&r.ram);
	free(r.vcpu_seen);
	if (ret && r.d) {
		/* Best effort: the caller reaps (or kills) the process. */
		domctl_set_timeout(r.d, 10000);
		if (domctl_destroy(r.d))
			log_warn(log, "restore: %s: destroying the incoming "
				 "domain: %s", path, domctl_error(r.d));
		domctl_close(r.d);
		r.d = NULL;
	}
	*out = r.d;
	return ret;
}
