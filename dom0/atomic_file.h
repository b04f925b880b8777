/* SPDX-License-Identifier: MIT */
/*
 * Files written whole: a write that retries short writes, and replacing
 * a file so that after a crash it is either the old one or the whole new
 * one (hvd's state: domain configs).
 */
#ifndef HV_DOM0_ATOMIC_FILE_H
#define HV_DOM0_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* All of @buf to @fd, short writes and EINTR retried: 0 or -errno. */
int write_full(int fd, const void *buf, size_t len)
	__attribute__((warn_unused_result));

/*
 * Replaces @path by @len bytes at @buf: a temporary file beside it
 * (PATH.tmp-XXXXXX, mode @mode) is written and fsync'd, renamed over
 * @path, and the directory fsync'd. 0, or -errno with "PATH: what: why"
 * in @err; the temporary file is removed on failure.
 */
int atomic_file_write(const char *path, const void *buf, size_t len,
		      mode_t mode, char *err, size_t errlen)
	__attribute__((warn_unused_result));

#endif
