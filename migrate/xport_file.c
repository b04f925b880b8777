// SPDX-License-Identifier: MIT
/*
 * The file transport: a single channel in the save-file format, written
 * whole or removed (save_file.c), or read. No peer answers, so the
 * engine skips the handover: what a live save or a restore through the
 * engine needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate.h"
#include "save_file.h"
#include "xport.h"

struct xport_file {
	struct mig_transport t;
	char *path;
	bool writing;
	int fd;
	const struct hv_log *log;
};

static struct xport_file *to_file(struct mig_transport *t)
{
	return t->priv;
}

static int file_open(struct mig_transport *t)
{
	struct xport_file *x = to_file(t);

	if (x->writing) {
		x->fd = save_file_create(x->path, x->log);
		return x->fd < 0 ? x->fd : 0;
	}
	x->fd = open(x->path, O_RDONLY | O_CLOEXEC);
	if (x->fd >= 0)
		return 0;
	log_err(x->log, "restore: %s: %s", x->path, strerror(errno));
	return -errno;
}

static int file_send(struct mig_transport *t, unsigned int ch,
		     const void *buf, size_t len)
{
	struct xport_file *x = to_file(t);

	return x->writing ? mig_fd_write_all(x->fd, buf, len) : -EBADF;
}

static ssize_t file_recv(struct mig_transport *t, unsigned int ch, void *buf,
			 size_t len)
{
	struct xport_file *x = to_file(t);

	return x->writing ? -EBADF : mig_fd_read_full(x->fd, buf, len);
}

static void file_abort(struct mig_transport *t)
{
	/* a file's reads and writes do not block on a peer */
}

static int file_finish(struct mig_transport *t, int status)
{
	struct xport_file *x = to_file(t);
	int ret = status;

	if (x->fd < 0)
		return status;
	if (x->writing)
		ret = save_file_close(x->fd, x->path, status, x->log);
	else
		close(x->fd);
	x->fd = -1;
	return ret;
}

static void file_destroy(struct mig_transport *t)
{
	struct xport_file *x = to_file(t);

	if (x->fd >= 0)
		(void)file_finish(t, -ECANCELED);
	free(x->path);
	free(x);
}

static const struct mig_transport_ops file_ops = {
	.name = "file",
	.open = file_open,
	.send = file_send,
	.recv = file_recv,
	.abort = file_abort,
	.finish = file_finish,
	.destroy = file_destroy,
};

int mig_xport_file_create(struct mig_transport **out, const char *path,
			  bool writing, const struct hv_log *log)
{
	struct xport_file *x = calloc(1, sizeof(*x));

	if (!x)
		return -ENOMEM;
	x->path = strdup(path);
	if (!x->path) {
		free(x);
		return -ENOMEM;
	}
	x->writing = writing;
	x->fd = -1;
	x->log = log;
	x->t.ops = &file_ops;
	x->t.nr_channels = 1;
	x->t.priv = x;
	*out = &x->t;
	return 0;
}
