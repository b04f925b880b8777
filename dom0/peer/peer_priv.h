/* SPDX-License-Identifier: MIT */
/* The peer link's structures, shared by peer_tls.c and peer_msg.c. */
#ifndef HV_DOM0_PEER_PRIV_H
#define HV_DOM0_PEER_PRIV_H

#include <openssl/ssl.h>
#include "peer_tls.h"

struct peer_tls {
	SSL_CTX *ctx;
	struct peer_key key;
	char identity[32];	/* "hv1-" KEYID: the PSK identity */
};

struct peer_conn {
	struct peer_tls *tls;	/* borrowed */
	SSL *ssl;
	int fd;
	bool server;
	bool tls_seen;		/* server: the first byte was a TLS record */
	bool psk_offered;	/* server: the client offered a PSK identity */
	bool handshake_done;
	uint32_t events;
	char name[64];
	char their_id[24];	/* server: a key id that was not ours */
	char error[256];
	/* messages: what is left to send, what is received so far */
	uint8_t *out;
	size_t out_len, out_off;
	uint8_t *in;		/* PEER_HDR_SIZE + PEER_MSG_MAX */
	size_t in_len;
	bool in_whole;		/* in holds a message handed out last time */
};

/* Maps SSL_get_error() after @ret to -EAGAIN (events set) or an error
 * with c->error said for @what ("TLS read"). */
int peer_ssl_result(struct peer_conn *c, int ret, const char *what);

#endif
