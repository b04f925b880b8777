/* SPDX-License-Identifier: MIT */
/*
 * The peer hello (proto/peer.proto): the first message each way inside a
 * peer session, once the TLS handshake has authenticated both ends. Pure
 * functions over buffers: any thread, no state. The peer's strings are
 * its own claims, for logs only; they come back cleaned (printable
 * ASCII, cut short) so that they cannot forge log lines.
 */
#ifndef HV_DOM0_PEER_HELLO_H
#define HV_DOM0_PEER_HELLO_H

#include <stddef.h>
#include <stdint.h>
#include "proto/peer.pb-c.h"

/* What the other end said about itself. */
struct peer_hello_info {
	char host[64];
	char hv_version[32];
	uint32_t version;		/* the protocol version agreed */
	Hv__PeerPurpose purpose;	/* what the client came for */
};

/* The client's hello (strings borrowed) for @purpose. */
void peer_hello_make(Hv__PeerHello *m, const char *host,
		     const char *hv_version, Hv__PeerPurpose purpose);

/*
 * Server: the client's hello (@len bytes at @msg) and the answer to send
 * in @r (its strings point to @host, @hv_version and @why, which must
 * outlive it). @served(purpose) says which purposes this server serves.
 * 0: accepted, @peer filled; or the negative errno also in r->status
 * (-EBADMSG, -EPROTONOSUPPORT, -EOPNOTSUPP) with why in @why.
 */
int peer_hello_answer(const uint8_t *msg, size_t len, const char *host,
		      const char *hv_version,
		      int (*served)(Hv__PeerPurpose purpose),
		      Hv__PeerHelloReply *r, struct peer_hello_info *peer,
		      char *why, size_t whylen)
	__attribute__((warn_unused_result));

/*
 * Client: the server's reply. 0 with @peer filled, or a negative errno
 * (its status, or -EPROTO) with why in @why.
 */
int peer_hello_reply_check(const uint8_t *msg, size_t len,
			   struct peer_hello_info *peer, char *why,
			   size_t whylen) __attribute__((warn_unused_result));

#endif
