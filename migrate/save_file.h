/* SPDX-License-Identifier: MIT */
/*
 * A save file: one stream channel (docs/stream.md) in one file, as
 * `hvrun --save-to` and `hvdomctl save` write it. A file that could not
 * be written completely is removed: a save file is whole or absent.
 * Messages go to @log as "save: PATH: ..." or "restore: PATH: ...".
 */
#ifndef HV_MIGRATE_SAVE_FILE_H
#define HV_MIGRATE_SAVE_FILE_H

#include "hv/log.h"
#include "stream.h"

struct domain_progress;

/* Creates or truncates @path (mode 0600): the fd, or a negative errno. */
int save_file_create(const char *path, const struct hv_log *log)
	__attribute__((warn_unused_result));

/*
 * Ends a save to @fd (created by save_file_create) that so far returned
 * @ret: fsync and close; if @ret or either of those failed, removes @path.
 * Returns the first error, or 0.
 */
int save_file_close(int fd, const char *path, int ret,
		    const struct hv_log *log) __attribute__((warn_unused_result));

/* Reads and applies the whole stream in @path through @ops/@opaque. */
int save_file_read(const char *path, const struct stream_sink_ops *ops,
		   void *opaque, const struct hv_log *log)
	__attribute__((warn_unused_result));
/* The same, reporting bytes read of the file's size to @p (NULL: none). */
int save_file_read_progress(const char *path,
			    const struct stream_sink_ops *ops, void *opaque,
			    const struct domain_progress *p,
			    const struct hv_log *log)
	__attribute__((warn_unused_result));

#endif
