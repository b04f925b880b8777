/* SPDX-License-Identifier: MIT */
/*
 * What domain save and restore share: a domain's guest RAM mapped here
 * through its memfd (domctl_get_memory), and saying why a domctl call
 * failed. Messages read "WHAT: PATH: STEP: why", WHAT being "save" or
 * "restore" and PATH the file.
 */
#ifndef HV_MIGRATE_DOMAIN_RAM_H
#define HV_MIGRATE_DOMAIN_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/domctl.h"
#include "hv/log.h"

struct domain_ram {
	struct domctl_memory mem;	/* mem.fd: -1 when not mapped */
	void *base;			/* NULL when not mapped */
	size_t len;
};

#define DOMAIN_RAM_INIT { .mem = { .fd = -1 } }

/* Maps all of @d's RAM shared, read-only or @writable. 0 or -errno. */
int domain_ram_map(struct domctl *d, bool writable, struct domain_ram *r,
		   const char *what, const char *path,
		   const struct hv_log *log)
	__attribute__((warn_unused_result));
/* Unmaps and closes the memfd; a no-op when not mapped. */
void domain_ram_unmap(struct domain_ram *r);

/* Logs a failed domctl call @step with the server's words if any;
 * returns @ret. */
int domain_call_failed(struct domctl *d, const char *what, const char *path,
		       const char *step, int ret, const struct hv_log *log);

/*
 * @d's packed DomainConfig into *buf (malloc'd, caller frees) and *len,
 * and its vCPU count (at least 1) into *vcpus. 0 or -errno, logged.
 */
int domain_get_config(struct domctl *d, uint8_t **buf, size_t *len,
		      uint32_t *vcpus, const char *what, const char *path,
		      const struct hv_log *log)
	__attribute__((warn_unused_result));

/*
 * Replaces the config domain_get_config read (*buf, *len) with dom0's own
 * full one, @full: hvdomain knows the machine (vCPUs, memory, kernel) but
 * not what dom0 adds (the on_poweroff/on_reboot/on_crash policies), and a
 * saved or migrated domain must keep those. @full must describe the same
 * machine (vCPUs, memory) and carry the same UUID when hvdomain reports
 * one: -EINVAL otherwise. 0 or -errno, logged.
 */
struct Hv__DomainConfig;
int domain_config_override(uint8_t **buf, size_t *len,
			   const struct Hv__DomainConfig *full,
			   const char *what, const char *path,
			   const struct hv_log *log)
	__attribute__((warn_unused_result));

/*
 * Writes @d's state as STATE records to @w (channel 0, after the last
 * SYNC): a STATE_VCPU per vCPU, then STATE_DEVICES. @d must be paused.
 */
struct stream_writer;
int domain_write_state(struct domctl *d, struct stream_writer *w,
		       uint32_t vcpus, const char *what, const char *path,
		       const struct hv_log *log)
	__attribute__((warn_unused_result));

/*
 * Marks (domctl_log_dirty_mark) every page of @r that holds data: after
 * dom0 filled an incoming domain, whose RAM started as one hole, those
 * are exactly the pages it wrote.
 */
int domain_mark_populated(struct domctl *d, const struct domain_ram *r)
	__attribute__((warn_unused_result));

#endif
