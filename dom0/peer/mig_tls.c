// SPDX-License-Identifier: MIT
/*
 * The TLS transport (mig_tls.h): the fd transport's shape with a
 * peer_conn (an SSL*) per channel. Blocking sockets: SSL_read and
 * SSL_write wait in the kernel, so abort's shutdown(2) wakes them (the
 * read sees the end, the write EPIPE). OpenSSL writes with write(2), not
 * send(MSG_NOSIGNAL), and SSL_read may write an alert: SIGPIPE is
 * blocked in the calling thread around every SSL call and a pending one
 * is taken back before it is unblocked.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "mig_tls.h"
#include "peer_hello.h"
#include "peer_priv.h"

struct xport_tls {
	struct mig_transport t;
	struct peer_conn *conns[MIG_MAX_CHANNELS];
	int fds[MIG_MAX_CHANNELS];	/* for abort: owned by conns */
};

static struct xport_tls *to_tls(struct mig_transport *t)
{
	return t->priv;
}

/* Blocks SIGPIPE in this thread; @old for sigpipe_restore. */
static void sigpipe_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Takes back a SIGPIPE our writes raised, then restores the mask. */
static void sigpipe_restore(const sigset_t *old)
{
	const struct timespec zero = { 0, 0 };
	sigset_t set, pending;

	if (!sigismember(old, SIGPIPE) && !sigpending(&pending) &&
	    sigismember(&pending, SIGPIPE)) {
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

static int tls_open(struct mig_transport *t)
{
	(void)t;
	return 0;		/* the sessions are up since create */
}

static int tls_send(struct mig_transport *t, unsigned int ch, const void *buf,
		    size_t len)
{
	struct peer_conn *c = to_tls(t)->conns[ch];
	const char *p = buf;
	sigset_t old;
	int ret = 0;

	sigpipe_block(&old);
	while (len) {
		int want = len > INT_MAX ? INT_MAX : (int)len;
		int n;

		ERR_clear_error();
		errno = 0;
		n = SSL_write(c->ssl, p, want);
		if (n <= 0) {
			ret = peer_ssl_result(c, n, "TLS write");
			if (ret == -EAGAIN)	/* blocking: cannot be */
				ret = -EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	sigpipe_restore(&old);
	return ret;
}

static ssize_t tls_recv(struct mig_transport *t, unsigned int ch, void *buf,
			size_t len)
{
	struct peer_conn *c = to_tls(t)->conns[ch];
	char *p = buf;
	size_t got = 0;
	ssize_t ret = 0;
	sigset_t old;

	/* SSL_read writes too: an alert when the session fails */
	sigpipe_block(&old);
	while (got < len) {
		size_t left = len - got;
		int want = left > INT_MAX ? INT_MAX : (int)left;
		int n, e, saved;

		ERR_clear_error();
		errno = 0;
		n = SSL_read(c->ssl, p + got, want);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		saved = errno;
		e = SSL_get_error(c->ssl, n);
		errno = saved;
		if (e == SSL_ERROR_ZERO_RETURN)	/* close_notify: the end */
			break;
		n = peer_ssl_result(c, n, "TLS read");
		ret = n == -EAGAIN ? -EIO : n;
		break;
	}
	sigpipe_restore(&old);
	return ret ? ret : (ssize_t)got;
}

static void tls_abort(struct mig_transport *t)
{
	struct xport_tls *x = to_tls(t);

	for (unsigned int i = 0; i < t->nr_channels; i++)
		shutdown(x->fds[i], SHUT_RDWR);
}

/* A good stream ends with close_notify on every channel. */
static int tls_finish(struct mig_transport *t, int status)
{
	struct xport_tls *x = to_tls(t);
	sigset_t old;

	if (status)
		return 0;
	sigpipe_block(&old);
	for (unsigned int i = 0; i < t->nr_channels; i++)
		peer_conn_shutdown(x->conns[i]);
	sigpipe_restore(&old);
	return 0;
}

static void tls_destroy(struct mig_transport *t)
{
	struct xport_tls *x = to_tls(t);

	for (unsigned int i = 0; i < t->nr_channels; i++)
		peer_conn_destroy(x->conns[i]);
	free(x);
}

static const struct mig_transport_ops tls_ops = {
	.name = "tls",
	.flags = MIG_XPORT_PEER,
	.open = tls_open,
	.send = tls_send,
	.recv = tls_recv,
	.abort = tls_abort,
	.finish = tls_finish,
	.destroy = tls_destroy,
};

/* A peer_conn call's failure @ret with @c's reason in @why. */
static int conn_failed(struct peer_conn *c, int ret, const char *what,
		       char *why, size_t whylen)
{
	snprintf(why, whylen, "%s%s", what, peer_conn_error(c));
	return ret == -EAGAIN ? -EIO : ret;	/* blocking: cannot be */
}

static int served_migrate(Hv__PeerPurpose purpose)
{
	return purpose == HV__PEER_PURPOSE__PEER_PURPOSE_MIGRATE;
}

/* Steps 2 and 3 of mig_tls.h, client side. */
static int hello_client(struct peer_conn *c, const struct mig_tls_self *self,
			char *why, size_t whylen)
{
	struct peer_hello_info peer;
	Hv__PeerHello m;
	const uint8_t *msg;
	size_t len;
	int ret;

	peer_hello_make(&m, self->host, self->hv_version,
			HV__PEER_PURPOSE__PEER_PURPOSE_MIGRATE);
	ret = peer_conn_send(c, &m.base);
	if (!ret)
		ret = peer_conn_recv(c, &msg, &len);
	if (ret)
		return conn_failed(c, ret, "hello: ", why, whylen);
	return peer_hello_reply_check(msg, len, &peer, why, whylen);
}

/* Steps 2 and 3, server side: the reply is sent also when it refuses. */
static int hello_server(struct peer_conn *c, const struct mig_tls_self *self,
			char *why, size_t whylen)
{
	struct peer_hello_info peer;
	Hv__PeerHelloReply r;
	const uint8_t *msg;
	size_t len;
	int ret, sent;

	ret = peer_conn_recv(c, &msg, &len);
	if (ret)
		return conn_failed(c, ret, "hello: ", why, whylen);
	ret = peer_hello_answer(msg, len, self->host, self->hv_version,
				served_migrate, &r, &peer, why, whylen);
	sent = peer_conn_send(c, &r.base);
	if (ret)
		return ret;
	return sent ? conn_failed(c, sent, "hello: ", why, whylen) : 0;
}

static int channel_setup(struct peer_conn *c, bool server,
			 const struct mig_tls_self *self, char *why,
			 size_t whylen)
{
	int ret = peer_conn_handshake(c);

	if (ret)
		return conn_failed(c, ret, "", why, whylen);
	return server ? hello_server(c, self, why, whylen) :
			hello_client(c, self, why, whylen);
}

int mig_xport_tls_create(struct mig_transport **out, struct peer_tls *tls,
			 const int *fds, unsigned int n, bool server,
			 const struct mig_tls_self *self, char *err,
			 size_t errlen)
{
	struct xport_tls *x = NULL;
	unsigned int i = 0;
	char why[320];
	sigset_t old;
	int ret;

	sigpipe_block(&old);
	if (!n || n > MIG_MAX_CHANNELS) {
		snprintf(err, errlen, "%u channels (1 to %u)", n,
			 MIG_MAX_CHANNELS);
		ret = -EINVAL;
		goto cleanup;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto cleanup;
	}
	x->t.ops = &tls_ops;
	x->t.nr_channels = n;
	x->t.priv = x;
	for (i = 0; i < n; i++) {
		char name[32];

		if (fds[i] < 0) {
			snprintf(err, errlen, "channel %u: no socket", i);
			ret = -EBADF;
			goto cleanup;
		}
		snprintf(name, sizeof(name), "migration channel %u", i);
		x->fds[i] = fds[i];
		ret = peer_conn_create(tls, fds[i], server, name,
				       &x->conns[i]);
		if (ret) {
			snprintf(err, errlen, "channel %u: out of memory", i);
			goto cleanup;
		}
		ret = channel_setup(x->conns[i], server, self, why,
				    sizeof(why));
		if (ret) {
			snprintf(err, errlen, "channel %u: %s", i, why);
			i++;		/* conns[i] holds fds[i] */
			goto cleanup;
		}
	}
	*out = &x->t;
	ret = 0;
cleanup:
	if (ret) {
		/* conns[0..i) hold their fds; the rest are still ours */
		for (unsigned int j = 0; j < n; j++) {
			if (x && j < i)
				peer_conn_destroy(x->conns[j]);
			else if (fds[j] >= 0)
				close(fds[j]);
		}
		free(x);
	}
	sigpipe_restore(&old);
	return ret;
}
