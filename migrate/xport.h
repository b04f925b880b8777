/* SPDX-License-Identifier: MIT */
/*
 * What the transports and the engine share inside migrate/: whole-buffer
 * fd I/O, and a transport channel seen as the record stream's byte I/O
 * (struct stream_io), counting the bytes that crossed it.
 */
#ifndef HV_MIGRATE_XPORT_H
#define HV_MIGRATE_XPORT_H

#include <stdint.h>
#include <sys/types.h>

#include "migrate.h"
#include "stream.h"

/* Writes all of @buf to @fd (send with MSG_NOSIGNAL on a socket). */
int mig_fd_write_all(int fd, const void *buf, size_t len);
/* Reads until @len bytes or the end: the count, or a negative errno. */
ssize_t mig_fd_read_full(int fd, void *buf, size_t len);

/* Channel @ch of @t as a stream_io. Used by the channel's thread only. */
struct mig_chan_io {
	struct stream_io io;
	struct mig_transport *t;
	unsigned int ch;
	_Atomic uint64_t bytes;	/* sent or received; read by others */
};

void mig_chan_io_init(struct mig_chan_io *c, struct mig_transport *t,
		      unsigned int ch);

#endif
