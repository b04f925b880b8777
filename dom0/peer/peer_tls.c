// SPDX-License-Identifier: MIT
/*
 * TLS 1.3 with the cluster key as an external PSK (RFC 8446, 2.2 and
 * 4.2.11), OpenSSL 3:
 *  1. the client offers the identity "hv1-KEYID" with an SSL_SESSION that
 *     carries the derived PSK and TLS_AES_128_GCM_SHA256 (its hash is the
 *     binder's); only psk_dhe_ke (SSL_OP_ALLOW_NO_DHE_KEX stays off);
 *  2. the server knows the identity only if its key has the same id; then
 *     OpenSSL checks the binder, which proves the client holds the key;
 *  3. without a matching PSK the server would need a certificate, and it
 *     has none: the handshake fails. The client likewise accepts only a
 *     server that took its PSK (no certificate is ever verified because
 *     none can be sent: a server without the key cannot finish).
 * No session tickets: every session is a full PSK+ECDHE handshake.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>
#include "peer_priv.h"

#define TLS_RECORD_HANDSHAKE 0x16

static const unsigned char psk_suite[2] = { 0x13, 0x01 };

static SSL_SESSION *psk_session(SSL *ssl, const struct peer_tls *t)
{
	const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, psk_suite);
	SSL_SESSION *s = cipher ? SSL_SESSION_new() : NULL;

	if (s && SSL_SESSION_set1_master_key(s, t->key.psk,
					     sizeof(t->key.psk)) &&
	    SSL_SESSION_set_cipher(s, cipher) &&
	    SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION))
		return s;
	SSL_SESSION_free(s);
	return NULL;
}

/* Client: called for the ClientHello (md NULL) and after a
 * HelloRetryRequest (md the negotiated hash). */
static int use_session_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id,
			  size_t *idlen, SSL_SESSION **sess)
{
	struct peer_conn *c = SSL_get_app_data(ssl);

	*sess = NULL;
	if (md && EVP_MD_get_type(md) != NID_sha256)
		return 1;	/* no PSK for this hash: the handshake fails */
	*sess = psk_session(ssl, c->tls);
	*id = (const unsigned char *)c->tls->identity;
	*idlen = strlen(c->tls->identity);
	return *sess != NULL;
}

/* Server: the client's identity; our session only for our key id. */
static int find_session_cb(SSL *ssl, const unsigned char *id, size_t idlen,
			   SSL_SESSION **sess)
{
	struct peer_conn *c = SSL_get_app_data(ssl);
	size_t i;

	*sess = NULL;
	c->psk_offered = true;
	if (idlen == strlen(c->tls->identity) &&
	    !memcmp(id, c->tls->identity, idlen)) {
		*sess = psk_session(ssl, c->tls);
		return *sess != NULL;
	}
	/* for the log: printable characters only, cut short */
	for (i = 0; i < idlen && i < sizeof(c->their_id) - 1; i++)
		c->their_id[i] = id[i] >= 0x20 && id[i] < 0x7f ? (char)id[i] :
				 '?';
	c->their_id[i] = '\0';
	return 1;
}

int peer_tls_create(const struct peer_key *key, struct peer_tls **out,
		    char *err, size_t errlen)
{
	struct peer_tls *t = calloc(1, sizeof(*t));

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	t->key = *key;
	snprintf(t->identity, sizeof(t->identity), "hv1-%s", key->id);
	t->ctx = SSL_CTX_new(TLS_method());
	if (!t->ctx ||
	    !SSL_CTX_set_min_proto_version(t->ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(t->ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(t->ctx, "TLS_AES_128_GCM_SHA256:"
				      "TLS_CHACHA20_POLY1305_SHA256") ||
	    !SSL_CTX_set_num_tickets(t->ctx, 0)) {
		snprintf(err, errlen, "OpenSSL: cannot make a TLS 1.3 "
			 "context: %s", ERR_reason_error_string(
			 ERR_get_error()));
		peer_tls_destroy(t);
		return -EPROTO;
	}
	SSL_CTX_set_options(t->ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_psk_use_session_callback(t->ctx, use_session_cb);
	SSL_CTX_set_psk_find_session_callback(t->ctx, find_session_cb);
	*out = t;
	return 0;
}

void peer_tls_destroy(struct peer_tls *t)
{
	if (!t)
		return;
	SSL_CTX_free(t->ctx);
	OPENSSL_cleanse(&t->key, sizeof(t->key));
	free(t);
}

int peer_conn_create(struct peer_tls *t, int fd, bool server,
		     const char *name, struct peer_conn **out)
{
	struct peer_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->tls = t;
	c->fd = fd;
	c->server = server;
	c->events = server ? EPOLLIN : EPOLLOUT;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->ssl = SSL_new(t->ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, fd)) {
		SSL_free(c->ssl);
		free(c);
		return -ENOMEM;
	}
	SSL_set_app_data(c->ssl, c);
	if (server)
		SSL_set_accept_state(c->ssl);
	else
		SSL_set_connect_state(c->ssl);
	*out = c;
	return 0;
}

void peer_conn_destroy(struct peer_conn *c)
{
	if (!c)
		return;
	SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	free(c->in);
	free(c);
}

int peer_conn_fd(const struct peer_conn *c)
{
	return c->fd;
}

const char *peer_conn_name(const struct peer_conn *c)
{
	return c->name;
}

uint32_t peer_conn_events(const struct peer_conn *c)
{
	return c->events;
}

const char *peer_conn_error(const struct peer_conn *c)
{
	return c->error;
}

static bool reason_in(int r, const int *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == r)
			return true;
	return false;
}

/* Why a handshake failed, from OpenSSL's error queue and what we saw. */
static void handshake_error(struct peer_conn *c, unsigned long e)
{
	static const int version[] = {
		SSL_R_UNSUPPORTED_PROTOCOL, SSL_R_NO_PROTOCOLS_AVAILABLE,
		SSL_R_TLSV1_ALERT_PROTOCOL_VERSION, SSL_R_WRONG_SSL_VERSION,
	};
	static const int plain[] = {
		SSL_R_WRONG_VERSION_NUMBER, SSL_R_HTTP_REQUEST,
		SSL_R_HTTPS_PROXY_REQUEST, SSL_R_PACKET_LENGTH_TOO_LONG,
		SSL_R_RECORD_LENGTH_MISMATCH,
	};
	static const int key[] = {
		SSL_R_BINDER_DOES_NOT_VERIFY, SSL_R_TLSV1_ALERT_DECRYPT_ERROR,
		SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE, SSL_R_NO_SHARED_CIPHER,
		SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM,
		SSL_R_MISSING_PSK_KEX_MODES_EXTENSION,
		SSL_R_TLSV1_ALERT_UNKNOWN_PSK_IDENTITY,
	};
	int r = ERR_GET_REASON(e);
	const char *what = e ? ERR_reason_error_string(e) : NULL;

	if (c->server && c->their_id[0]) {
		snprintf(c->error, sizeof(c->error), "TLS handshake failed: "
			 "wrong cluster key (or none): it offered key %s, this "
			 "host has %s", c->their_id, c->tls->identity);
	} else if (reason_in(r, version, sizeof(version) / sizeof(*version))) {
		snprintf(c->error, sizeof(c->error), "TLS handshake failed: "
			 "TLS version too old (the peer port speaks TLS 1.3 "
			 "only): %s", what);
	} else if (reason_in(r, plain, sizeof(plain) / sizeof(*plain))) {
		snprintf(c->error, sizeof(c->error), "not TLS (plaintext?): "
			 "%s", what);
	} else if (reason_in(r, key, sizeof(key) / sizeof(*key)) ||
		   (c->server && !c->psk_offered && e)) {
		snprintf(c->error, sizeof(c->error), "TLS handshake failed: "
			 "wrong cluster key (or none)%s%s", what ? ": " : "",
			 what ? what : "");
	} else {
		snprintf(c->error, sizeof(c->error), "TLS handshake failed: "
			 "%s", what ? what : "unknown reason");
	}
}

int peer_ssl_result(struct peer_conn *c, int ret, const char *what)
{
	int e = SSL_get_error(c->ssl, ret), saved = errno;
	unsigned long q;

	switch (e) {
	case SSL_ERROR_WANT_READ:
		c->events = EPOLLIN;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		c->events = EPOLLOUT;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		snprintf(c->error, sizeof(c->error), "%s: closed by the peer",
			 what);
		return -ECONNRESET;
	case SSL_ERROR_SYSCALL:
		q = ERR_get_error();
		if (q && !c->handshake_done) {
			handshake_error(c, q);
			return -EPROTO;
		}
		snprintf(c->error, sizeof(c->error), "%s: %s", what,
			 saved && ret < 0 ? strerror(saved) :
			 "connection closed by the peer");
		return saved && ret < 0 ? -saved : -ECONNRESET;
	default:
		/* the first error is the cause; the rest are consequences */
		q = ERR_get_error();
		if (!c->handshake_done) {
			handshake_error(c, q);
			return -EPROTO;
		}
		snprintf(c->error, sizeof(c->error), "%s: %s", what,
			 q ? ERR_reason_error_string(q) : "TLS error");
		return -EPROTO;
	}
}

/*
 * Server: look at the first byte before OpenSSL reads anything: a TLS
 * connection starts with a handshake record (0x16). Anything else is
 * refused as plaintext without feeding it to the TLS parser.
 */
static int peek_first_byte(struct peer_conn *c)
{
	unsigned char b;
	ssize_t n;

	do
		n = recv(c->fd, &b, 1, MSG_PEEK);	/* blocks if fd does */
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN) {
		c->events = EPOLLIN;
		return -EAGAIN;
	}
	if (n < 0) {
		snprintf(c->error, sizeof(c->error), "before the TLS "
			 "handshake: %s", strerror(errno));
		return -errno;
	}
	if (n == 0) {
		snprintf(c->error, sizeof(c->error), "closed the connection "
			 "before the TLS handshake");
		return -ECONNRESET;
	}
	if (b != TLS_RECORD_HANDSHAKE) {
		snprintf(c->error, sizeof(c->error), "not TLS (plaintext?): "
			 "the first byte is 0x%02x, a TLS handshake starts with "
			 "0x16", b);
		return -EPROTO;
	}
	c->tls_seen = true;
	return 0;
}

int peer_conn_handshake(struct peer_conn *c)
{
	int ret;

	if (c->handshake_done)
		return 0;
	if (c->server && !c->tls_seen) {
		ret = peek_first_byte(c);
		if (ret)
			return ret;
	}
	ERR_clear_error();
	errno = 0;
	ret = SSL_do_handshake(c->ssl);
	if (ret == 1) {
		/* a session that did not use our PSK cannot get here (no
		 * certificate exists to authenticate one); say so loudly if
		 * a future OpenSSL thinks otherwise */
		if (!SSL_session_reused(c->ssl)) {
			snprintf(c->error, sizeof(c->error), "TLS handshake "
				 "without the cluster key: refused");
			return -EPROTO;
		}
		c->handshake_done = true;
		c->error[0] = '\0';
		return 0;
	}
	return peer_ssl_result(c, ret, "TLS handshake");
}

void peer_conn_shutdown(struct peer_conn *c)
{
	if (!c->handshake_done)
		return;
	ERR_clear_error();
	(void)SSL_shutdown(c->ssl);
	ERR_clear_error();
}
