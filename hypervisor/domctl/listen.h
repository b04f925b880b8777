/* SPDX-License-Identifier: MIT */
/*
 * Listening on a UNIX SOCK_SEQPACKET socket by path, as hvdomain does for
 * domctl and hvd for its control socket.
 */
#ifndef HV_DOMCTL_LISTEN_H
#define HV_DOMCTL_LISTEN_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Listens (non-blocking, close-on-exec) on @path, created with the bits
 * of @umask_bits cleared from 0777. A socket file already at @path is
 * replaced only when nothing answers on it (a dead server's); a live one
 * is -EADDRINUSE. Returns the descriptor, or -errno with "PATH: why" in
 * @err.
 */
int seqpacket_listen(const char *path, mode_t umask_bits, int backlog,
		     char *err, size_t errlen)
	__attribute__((warn_unused_result));

#endif
