/* SPDX-License-Identifier: MIT */
/*
 * The TLS transport (docs/migration.md, "Transports"): a migration
 * stream's channels, each its own TCP connection and TLS 1.3 session with
 * the cluster key (peer_tls.h), behind struct mig_transport_ops. In
 * libhvpeer, not libhvmigrate, so that only what links the peer link
 * links OpenSSL.
 *
 * Setup of each channel, in channel order, on blocking sockets:
 *  1. the TLS handshake (peer_conn_handshake): both ends hold the key;
 *  2. the client sends a PeerHello with PEER_PURPOSE_MIGRATE;
 *  3. the server answers PeerHelloReply (a server only serves MIGRATE
 *     here) and both check it;
 *  4. from then on the session carries the stream's bytes, nothing else.
 * A refusal at any step fails the whole setup before the engine starts:
 * no record, so no page, crosses.
 */
#ifndef HV_DOM0_PEER_MIG_TLS_H
#define HV_DOM0_PEER_MIG_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "migrate.h"
#include "peer_tls.h"

/* Who this end says it is in the hello (borrowed for the call). */
struct mig_tls_self {
	const char *host;		/* hvd --name */
	const char *hv_version;		/* "hvd 0.1" */
};

/*
 * The TLS transport over @n (1..MIG_MAX_CHANNELS) connected blocking TCP
 * sockets @fds, channel i on fds[i], as the connecting end (@server
 * false: the source) or the accepting one (the destination). The sockets
 * are handed over, also on failure: destroy (or this call) closes them.
 * @tls is borrowed and must outlive the transport. Runs the handshakes
 * and hellos above; blocks until the other end has run its own: call it
 * on both ends at once (another thread or host). 0 and *@out, or a
 * negative errno with "channel I: why" in @err (-EPROTO: the other end
 * holds another key or is not TLS). Any thread; once per transport.
 *
 * The transport: send and recv from the channel's thread, abort from any
 * thread (shutdown(2) of the sockets wakes SSL_read and SSL_write); a
 * send never raises SIGPIPE (-EPIPE instead). MIG_XPORT_PEER.
 */
int mig_xport_tls_create(struct mig_transport **out, struct peer_tls *tls,
			 const int *fds, unsigned int n, bool server,
			 const struct mig_tls_self *self, char *err,
			 size_t errlen) __attribute__((warn_unused_result));

#endif
