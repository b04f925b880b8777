// SPDX-License-Identifier: MIT
/*
 * Length-prefixed protobuf messages over a peer session: a little-endian
 * u32 length and the message (proto/peer.proto). The receive side never
 * trusts the length beyond PEER_MSG_MAX; the send side queues what the
 * socket does not take so that a slow peer never blocks the caller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include "peer_priv.h"

int peer_conn_flush(struct peer_conn *c)
{
	while (c->out_off < c->out_len) {
		int n;

		ERR_clear_error();
		errno = 0;
		n = SSL_write(c->ssl, c->out + c->out_off,
			      (int)(c->out_len - c->out_off));
		if (n <= 0)
			return peer_ssl_result(c, n, "TLS write");
		c->out_off += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	return 0;
}

int peer_conn_send(struct peer_conn *c, const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *buf;

	if (len > PEER_MSG_MAX)
		return -EMSGSIZE;
	buf = realloc(c->out, c->out_len + PEER_HDR_SIZE + len);
	if (!buf)
		return -ENOMEM;
	c->out = buf;
	buf += c->out_len;
	buf[0] = (uint8_t)len;
	buf[1] = (uint8_t)(len >> 8);
	buf[2] = (uint8_t)(len >> 16);
	buf[3] = (uint8_t)(len >> 24);
	protobuf_c_message_pack(m, buf + PEER_HDR_SIZE);
	c->out_len += PEER_HDR_SIZE + len;
	return peer_conn_flush(c);
}

/* Reads until @c->in holds @want bytes: 0, -EAGAIN or an error. */
static int fill(struct peer_conn *c, size_t want)
{
	while (c->in_len < want) {
		int n;

		ERR_clear_error();
		errno = 0;
		n = SSL_read(c->ssl, c->in + c->in_len,
			     (int)(want - c->in_len));
		if (n <= 0)
			return peer_ssl_result(c, n, "TLS read");
		c->in_len += (size_t)n;
	}
	return 0;
}

int peer_conn_recv(struct peer_conn *c, const uint8_t **msg, size_t *len)
{
	size_t body;
	int ret;

	if (!c->in) {
		c->in = malloc(PEER_HDR_SIZE + PEER_MSG_MAX);
		if (!c->in)
			return -ENOMEM;
	}
	if (c->in_whole) {
		c->in_len = 0;
		c->in_whole = false;
	}
	ret = fill(c, PEER_HDR_SIZE);
	if (ret)
		return ret;
	body = (size_t)c->in[0] | (size_t)c->in[1] << 8 |
	       (size_t)c->in[2] << 16 | (size_t)c->in[3] << 24;
	if (body > PEER_MSG_MAX) {
		snprintf(c->error, sizeof(c->error), "a message of %zu bytes "
			 "(at most %u)", body, PEER_MSG_MAX);
		return -EMSGSIZE;
	}
	ret = fill(c, PEER_HDR_SIZE + body);
	if (ret)
		return ret;
	c->in_whole = true;
	*msg = c->in + PEER_HDR_SIZE;
	*len = body;
	return 0;
}
