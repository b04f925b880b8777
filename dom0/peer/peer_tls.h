/* SPDX-License-Identifier: MIT */
/*
 * The peer link (docs/security.md, section 3): TLS 1.3 sessions between
 * the hvds of a cluster, both ends authenticated by the cluster key as an
 * external PSK (no certificates), with (EC)DHE on top of it (psk_dhe_ke)
 * for forward secrecy. Used by hvd's peer port and `hvctl ping`, and by
 * what streams guest memory between hosts.
 *
 * Threads: a struct peer_tls is read-only once made and may be shared by
 * every thread (OpenSSL's SSL_CTX is); a struct peer_conn belongs to one
 * thread at a time. Non-blocking fds: every call returns -EAGAIN instead
 * of waiting and peer_conn_events() says what to wait for (epoll).
 * Blocking fds work too: then no call returns -EAGAIN.
 */
#ifndef HV_DOM0_PEER_TLS_H
#define HV_DOM0_PEER_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <protobuf-c/protobuf-c.h>

#define PEER_DEFAULT_PORT	7800
#define PEER_KEY_DEFAULT	"/etc/hv/cluster.key"
#define PEER_KEY_BYTES		32		/* hvctl keygen: 64 hex digits */
#define PEER_HDR_SIZE		4u
#define PEER_MSG_MAX		65536u		/* proto/peer.proto */

/* A cluster key, and what is derived from it. Plain data, no resources. */
struct peer_key {
	uint8_t psk[32];	/* HMAC-SHA256(key, "hv peer tls psk 1") */
	char id[17];		/* 16 hex digits naming the key (not secret) */
};

/*
 * Reads the key file @path that `hvctl keygen` writes: 64 hex digits and
 * an optional newline, a regular file not readable by group or others.
 * 0, or a negative errno with "PATH: why" in @err.
 */
int peer_key_load(const char *path, struct peer_key *key, char *err,
		  size_t errlen) __attribute__((warn_unused_result));
/* The same for the file's text (@len bytes): -EINVAL with why in @err. */
int peer_key_parse(const char *text, size_t len, struct peer_key *key,
		   char *err, size_t errlen)
	__attribute__((warn_unused_result));

struct peer_tls;
struct peer_conn;

/*
 * A TLS 1.3-only context for both directions with @key (copied). 0 and
 * *out, or -ENOMEM/-EPROTO with why in @err. Free with peer_tls_destroy
 * (NULL: nothing) once no peer_conn uses it.
 */
int peer_tls_create(const struct peer_key *key, struct peer_tls **out,
		    char *err, size_t errlen)
	__attribute__((warn_unused_result));
void peer_tls_destroy(struct peer_tls *t);

/*
 * A session on the connected socket @fd (handed over: peer_conn_destroy
 * closes it), accepting when @server, else connecting. @name names the
 * other end in messages ("10.77.0.3:41234"). 0 and *out, or -ENOMEM.
 */
int peer_conn_create(struct peer_tls *t, int fd, bool server,
		     const char *name, struct peer_conn **out)
	__attribute__((warn_unused_result));
/* Closes the fd without waiting for anything; NULL: nothing. */
void peer_conn_destroy(struct peer_conn *c);
int peer_conn_fd(const struct peer_conn *c);
const char *peer_conn_name(const struct peer_conn *c);

/*
 * Drives the handshake as far as it goes. 0: done, the other end holds
 * the cluster key; -EAGAIN: call again when peer_conn_events() are ready;
 * another negative errno: refused or failed, peer_conn_error() says why
 * ("TLS handshake failed: wrong cluster key (or none)", "not TLS
 * (plaintext?)", "TLS version too old ..."). A server reads nothing but
 * TLS records before it returns 0.
 */
int peer_conn_handshake(struct peer_conn *c)
	__attribute__((warn_unused_result));
/* EPOLLIN and/or EPOLLOUT: what the last -EAGAIN waits for. */
uint32_t peer_conn_events(const struct peer_conn *c);
/* The last failure, for logs; "" when none. Valid until the next call. */
const char *peer_conn_error(const struct peer_conn *c);

/*
 * Messages (after the handshake): a little-endian u32 length and a
 * protobuf message of at most PEER_MSG_MAX bytes.
 *
 * peer_conn_send queues @m and sends what it can: 0 when all is sent,
 * -EAGAIN when some is left for peer_conn_flush (on EPOLLOUT), or an
 * error. peer_conn_flush: the same for what is queued.
 */
int peer_conn_send(struct peer_conn *c, const ProtobufCMessage *m)
	__attribute__((warn_unused_result));
int peer_conn_flush(struct peer_conn *c) __attribute__((warn_unused_result));
/*
 * One whole message: 0 with *msg (@*len bytes, inside @c, valid until
 * the next call) or -EAGAIN, -ECONNRESET (closed), -EMSGSIZE (a length
 * over PEER_MSG_MAX), -EPROTO. Decrypted bytes may wait inside the
 * session where epoll cannot see them: call until -EAGAIN.
 */
int peer_conn_recv(struct peer_conn *c, const uint8_t **msg, size_t *len)
	__attribute__((warn_unused_result));
/* Sends close_notify if it can, without waiting. */
void peer_conn_shutdown(struct peer_conn *c);

#endif
