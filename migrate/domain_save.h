/* SPDX-License-Identifier: MIT */
/*
 * Save and restore of a domain through domctl (hv/domctl.h), to and from
 * one file in the record stream (docs/stream.md): the dom0 side of
 * `hvdomctl save/restore`, and what a migration's single channel does.
 * The file is the one hvrun --save-to writes: DOMAIN_CONFIG (the
 * domain's packed DomainConfig), its populated pages, SYNC, a STATE_VCPU
 * record per vCPU and STATE_DEVICES (the packed bytes domctl hands over),
 * END.
 */
#ifndef HV_MIGRATE_DOMAIN_SAVE_H
#define HV_MIGRATE_DOMAIN_SAVE_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/domctl.h"
#include "hv/log.h"
#include "proto/state.pb-c.h"

/*
 * How far a save or restore is: @fn is called from the thread doing it,
 * with the phase ("saving memory", "restoring"), bytes done and the
 * total expected (done never goes back within a phase and never passes
 * a total other than 0, which means unknown); a few hundred calls for a
 * whole save at most. NULL fn: none.
 */
struct domain_progress {
	void (*fn)(void *opaque, const char *phase, uint64_t done,
		   uint64_t total);
	void *opaque;
};

/*
 * Saves the domain behind @d to @path (created or truncated, mode 0600,
 * fsync'd). It pauses the domain first. On success the domain stays
 * paused, for the caller to destroy (as `xl save`), unless @keep_running:
 * then it goes back to the state it had (running, or paused/created).
 * On failure nothing is left at @path and the domain goes back to the
 * state it had: a failed save never stops a running guest. A domain that
 * shut down, crashed or is still incoming is refused (-EINVAL). 0 or a
 * negative errno, logged with what failed.
 */
int domain_save(struct domctl *d, const char *path, bool keep_running,
		const struct hv_log *log) __attribute__((warn_unused_result));
/* The same, reporting to @p (borrowed; NULL: no reports), with dom0's
 * full @config in the stream instead of hvdomain's (NULL: hvdomain's;
 * see domain_config_override). */
int domain_save_progress(struct domctl *d, const char *path,
			 bool keep_running, const Hv__DomainConfig *config,
			 const struct domain_progress *p,
			 const struct hv_log *log)
	__attribute__((warn_unused_result));

/*
 * Creates the incoming domain for the DomainConfig @cfg (borrowed for the
 * call; validated by hvdomain) and connects to it: 0 and *out, or a
 * negative errno after logging why.
 */
typedef int (*domain_create_fn)(void *opaque, const Hv__DomainConfig *cfg,
				struct domctl **out);

/*
 * Restores the file @path: on its DomainConfig calls @create, fills the
 * new domain's RAM through its memfd, marks what it wrote
 * (domctl_log_dirty_mark), sets each vCPU's context and the devices, and
 * returns 0 once END's manifest matched guest RAM, with *out the
 * connection and the domain still incoming (the caller unpauses it). On
 * failure the incoming domain, if any, has been destroyed and its
 * connection closed; the caller still reaps its process. 0 or a negative
 * errno, logged with what failed.
 */
int domain_restore(const char *path, domain_create_fn create, void *opaque,
		   struct domctl **out, const struct hv_log *log)
	__attribute__((warn_unused_result));
/* The same, reporting the file's bytes read to @p (NULL: none). */
int domain_restore_progress(const char *path, domain_create_fn create,
			    void *opaque, const struct domain_progress *p,
			    struct domctl **out, const struct hv_log *log)
	__attribute__((warn_unused_result));

#endif
