/* SPDX-License-Identifier: MIT */
/*
 * hvrun's save and restore: a machine to and from one file in the record
 * stream (docs/stream.md), the same format live migration and HA use.
 * State records: STATE_VCPU and STATE_DEVICES (migrate/stream.h).
 */
#ifndef HV_TOOLS_HVRUN_SAVE_H
#define HV_TOOLS_HVRUN_SAVE_H

#include "hv/log.h"
#include "hv/machine.h"

/*
 * Writes the paused machine @m (built from @cfg) to @path (created or
 * truncated, mode 0600, fsync'd before return). 0 or a negative errno,
 * logged with what failed.
 */
int hvrun_save(struct hv_machine *m, const struct hv_machine_config *cfg,
	       const char *path, const struct hv_log *log)
	__attribute__((warn_unused_result));

/*
 * Creates a machine from the saved file @path: its config from the file,
 * console callbacks from @tmpl (the rest of @tmpl is ignored), RAM and
 * state restored and verified. On success *out is ready for
 * hv_machine_start(); *cfg_out holds the saved config (strings owned by
 * the returned machine's restore context, valid until hvrun_restore_free).
 */
struct hvrun_restored;
int hvrun_restore(const char *path, const struct hv_machine_config *tmpl,
		  struct hv_machine **out, struct hvrun_restored **ctx,
		  const struct hv_log *log) __attribute__((warn_unused_result));
const struct hv_machine_config *hvrun_restored_config(
	const struct hvrun_restored *ctx);
void hvrun_restore_free(struct hvrun_restored *ctx);	/* NULL: no-op */

#endif
