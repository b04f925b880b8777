/* SPDX-License-Identifier: MIT */
/*
 * domctl records (docs/domctl.md, Framing): a little-endian u32 length and
 * one protobuf envelope, one record per SOCK_SEQPACKET message, at most one
 * fd riding along. Shared by the client (hv/domctl.h) and the server in
 * hvdomain; pure functions over buffers and sockets, no state.
 */
#ifndef HV_DOMCTL_FRAME_H
#define HV_DOMCTL_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "proto/domctl.pb-c.h"

#define DOMCTL_HDR_SIZE		4u
#define DOMCTL_MSG_MAX		196608u		/* 192 KiB */
#define DOMCTL_RECORD_MAX	(DOMCTL_HDR_SIZE + DOMCTL_MSG_MAX)
/* A receive buffer: one byte more than a record, to see oversize. */
#define DOMCTL_RECV_BUF		(DOMCTL_RECORD_MAX + 1)
#define DOMCTL_PROTO_VERSION	1u

/*
 * Checks a record's framing: at least the header, length <= the maximum,
 * record exactly header + length. Returns the message length, or
 * -EBADMSG / -EMSGSIZE with @err (@errlen bytes) saying what was wrong.
 */
ssize_t domctl_frame_check(const uint8_t *rec, size_t len, char *err,
			   size_t errlen);

/*
 * Decodes one record into its envelope, checking framing and that the
 * envelope has a member set. NULL with @err filled for anything else;
 * *status (may be NULL) gets -EBADMSG or -EMSGSIZE. Free the result with
 * the generated __free_unpacked(msg, NULL).
 */
Hv__DomctlClientMessage *domctl_decode_client(const uint8_t *rec, size_t len,
					      int *status, char *err,
					      size_t errlen);
Hv__DomctlServerMessage *domctl_decode_server(const uint8_t *rec, size_t len,
					      int *status, char *err,
					      size_t errlen);

/*
 * Packs @msg into a new record (malloc'd; caller frees). -EMSGSIZE when
 * the message exceeds DOMCTL_MSG_MAX, -ENOMEM.
 */
int domctl_frame_pack(const ProtobufCMessage *msg, uint8_t **rec,
		      size_t *len);

/*
 * Sends one record, with @fd in SCM_RIGHTS when fd >= 0. @flags are added
 * to MSG_NOSIGNAL (MSG_DONTWAIT for a non-blocking send). 0 or -errno.
 */
int domctl_frame_send(int sock, const uint8_t *rec, size_t len, int fd,
		      int flags);

/*
 * Receives one record into @buf (@cap >= DOMCTL_RECV_BUF). Returns its
 * length, 0 at EOF, -EAGAIN, or -errno; a record cut short (MSG_TRUNC,
 * MSG_CTRUNC) is -EMSGSIZE. Received descriptors: the first is returned
 * in *fd (when @fd is not NULL; else closed), any more are closed and
 * make it -EBADMSG. *fd is -1 when none came.
 */
ssize_t domctl_frame_recv(int sock, uint8_t *buf, size_t cap, int *fd,
			  int flags);

/* Socket buffers big enough for the largest record (both directions). */
int domctl_socket_setup(int sock);

#endif
