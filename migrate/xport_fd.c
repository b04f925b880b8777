// SPDX-License-Identifier: MIT
/*
 * The fd transport: one connected stream socket (or pipe) per channel,
 * borrowed from the caller. The TLS transport (dom0/peer/mig_tls.c) has
 * the same shape with an SSL* per channel. send uses MSG_NOSIGNAL so
 * that a peer that went away is -EPIPE, not a signal; abort shuts the
 * sockets down, which wakes every thread blocked in send or recv.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate.h"
#include "xport.h"

struct xport_fd {
	struct mig_transport t;
	int fds[MIG_MAX_CHANNELS];
};

static struct xport_fd *to_fd(struct mig_transport *t)
{
	return t->priv;
}

static int fd_open(struct mig_transport *t)
{
	struct xport_fd *x = to_fd(t);
	struct stat st;

	for (unsigned int i = 0; i < t->nr_channels; i++)
		if (fstat(x->fds[i], &st) < 0)
			return -errno;
	return 0;
}

int mig_fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t mig_fd_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int fd_send(struct mig_transport *t, unsigned int ch, const void *buf,
		   size_t len)
{
	return mig_fd_write_all(to_fd(t)->fds[ch], buf, len);
}

static ssize_t fd_recv(struct mig_transport *t, unsigned int ch, void *buf,
		       size_t len)
{
	return mig_fd_read_full(to_fd(t)->fds[ch], buf, len);
}

static void fd_abort(struct mig_transport *t)
{
	struct xport_fd *x = to_fd(t);

	/* pipes (ENOTSOCK) cannot be woken: documented in migrate.h */
	for (unsigned int i = 0; i < t->nr_channels; i++)
		shutdown(x->fds[i], SHUT_RDWR);
}

static void fd_destroy(struct mig_transport *t)
{
	free(to_fd(t));
}

static const struct mig_transport_ops fd_peer_ops = {
	.name = "fd",
	.flags = MIG_XPORT_PEER,
	.open = fd_open,
	.send = fd_send,
	.recv = fd_recv,
	.abort = fd_abort,
	.destroy = fd_destroy,
};

static const struct mig_transport_ops fd_oneway_ops = {
	.name = "fd",
	.open = fd_open,
	.send = fd_send,
	.recv = fd_recv,
	.abort = fd_abort,
	.destroy = fd_destroy,
};

int mig_xport_fd_create(struct mig_transport **out, const int *fds,
			unsigned int n, bool peer)
{
	struct xport_fd *x;

	if (!n || n > MIG_MAX_CHANNELS)
		return -EINVAL;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		if (fds[i] < 0) {
			free(x);
			return -EBADF;
		}
		x->fds[i] = fds[i];
	}
	x->t.ops = peer ? &fd_peer_ops : &fd_oneway_ops;
	x->t.nr_channels = n;
	x->t.priv = x;
	*out = &x->t;
	return 0;
}
