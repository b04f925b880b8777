// SPDX-License-Identifier: MIT
/*
 * domctl records: framing checks, envelope decoding, sending and receiving
 * one record with an optional descriptor.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "frame.h"

_Static_assert(DOMCTL_MSG_MAX == HV__DOMCTL_PROTOCOL__DOMCTL_MESSAGE_MAX,
	       "frame.h and domctl.proto disagree on the message limit");
_Static_assert(DOMCTL_HDR_SIZE == HV__DOMCTL_PROTOCOL__DOMCTL_HEADER_SIZE,
	       "frame.h and domctl.proto disagree on the header");
_Static_assert(DOMCTL_PROTO_VERSION == HV__DOMCTL_PROTOCOL__DOMCTL_VERSION,
	       "frame.h and domctl.proto disagree on the version");

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

ssize_t domctl_frame_check(const uint8_t *rec, size_t len, char *err,
			   size_t errlen)
{
	uint32_t n;

	if (len < DOMCTL_HDR_SIZE) {
		snprintf(err, errlen, "record of %zu bytes: shorter than "
			 "the %u-byte header", len, DOMCTL_HDR_SIZE);
		return -EBADMSG;
	}
	n = get_le32(rec);
	if (n > DOMCTL_MSG_MAX) {
		snprintf(err, errlen, "message length %u over the limit of "
			 "%u bytes", n, DOMCTL_MSG_MAX);
		return -EMSGSIZE;
	}
	if (len != DOMCTL_HDR_SIZE + (size_t)n) {
		snprintf(err, errlen, "record of %zu bytes for a message of "
			 "%u bytes (expected %zu)", len, n,
			 DOMCTL_HDR_SIZE + (size_t)n);
		return -EBADMSG;
	}
	return n;
}

/* Decodes with @desc; the envelope's oneof (at @case_off) must be set. */
static void *decode(const ProtobufCMessageDescriptor *desc, size_t case_off,
		    const char *what, const uint8_t *rec, size_t len,
		    int *status, char *err, size_t errlen)
{
	ProtobufCMessage *msg;
	ssize_t n;
	int st = 0;

	n = domctl_frame_check(rec, len, err, errlen);
	if (n < 0) {
		st = (int)n;
		goto fail;
	}
	msg = protobuf_c_message_unpack(desc, NULL, (size_t)n,
					rec + DOMCTL_HDR_SIZE);
	if (!msg) {
		snprintf(err, errlen, "%s of %zd bytes does not decode", what,
			 n);
		st = -EBADMSG;
		goto fail;
	}
	if (*(const int *)((const uint8_t *)msg + case_off) == 0) {
		snprintf(err, errlen, "%s with nothing set", what);
		protobuf_c_message_free_unpacked(msg, NULL);
		st = -EBADMSG;
		goto fail;
	}
	return msg;
fail:
	if (status)
		*status = st;
	return NULL;
}

Hv__DomctlClientMessage *domctl_decode_client(const uint8_t *rec, size_t len,
					      int *status, char *err,
					      size_t errlen)
{
	return decode(&hv__domctl_client_message__descriptor,
		      offsetof(Hv__DomctlClientMessage, msg_case),
		      "client message", rec, len, status, err, errlen);
}

Hv__DomctlServerMessage *domctl_decode_server(const uint8_t *rec, size_t len,
					      int *status, char *err,
					      size_t errlen)
{
	return decode(&hv__domctl_server_message__descriptor,
		      offsetof(Hv__DomctlServerMessage, msg_case),
		      "server message", rec, len, status, err, errlen);
}

int domctl_frame_pack(const ProtobufCMessage *msg, uint8_t **rec,
		      size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf;

	if (n > DOMCTL_MSG_MAX)
		return -EMSGSIZE;
	buf = malloc(DOMCTL_HDR_SIZE + n);
	if (!buf)
		return -ENOMEM;
	buf[0] = (uint8_t)n;
	buf[1] = (uint8_t)(n >> 8);
	buf[2] = (uint8_t)(n >> 16);
	buf[3] = (uint8_t)(n >> 24);
	protobuf_c_message_pack(msg, buf + DOMCTL_HDR_SIZE);
	*rec = buf;
	*len = DOMCTL_HDR_SIZE + n;
	return 0;
}

int domctl_frame_send(int sock, const uint8_t *rec, size_t len, int fd,
		      int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)rec, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL | flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;	/* SEQPACKET: all or error */
}

ssize_t domctl_frame_recv(int sock, uint8_t *buf, size_t cap, int *fd,
			  int flags)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, cap };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	int got = -1, extra = 0;
	ssize_t n;

	if (fd)
		*fd = -1;
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c;
	     c = CMSG_NXTHDR(&mh, c)) {
		size_t nfds;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfds; i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(f));
			if (got < 0) {
				got = f;
			} else {
				close(f);
				extra = 1;
			}
		}
	}
	if (extra || (got >= 0 && !fd)) {
		if (got >= 0)
			close(got);
		return -EBADMSG;
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		if (got >= 0)
			close(got);
		return -EMSGSIZE;
	}
	if (fd)
		*fd = got;
	return n;
}

int domctl_socket_setup(int sock)
{
	int size = 2 * DOMCTL_RECORD_MAX + 4096;

	if (setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) < 0 ||
	    setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0)
		return -errno;
	return 0;
}
