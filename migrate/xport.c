// SPDX-License-Identifier: MIT
/*
 * Transports in general: destroy and abort, and a channel as the byte
 * I/O the stream writer and reader use.
 */
#include <errno.h>

#include "xport.h"

void mig_transport_destroy(struct mig_transport *t)
{
	if (t)
		t->ops->destroy(t);
}

void mig_transport_abort(struct mig_transport *t)
{
	if (t)
		t->ops->abort(t);
}

static ssize_t chan_read(void *opaque, void *buf, size_t len)
{
	struct mig_chan_io *c = opaque;
	ssize_t n;

	if (!c->t->ops->recv)
		return -EBADF;
	n = c->t->ops->recv(c->t, c->ch, buf, len);
	if (n > 0)
		atomic_fetch_add_explicit(&c->bytes, (uint64_t)n,
					  memory_order_relaxed);
	return n;
}

static int chan_write(void *opaque, const void *buf, size_t len)
{
	struct mig_chan_io *c = opaque;
	int ret = c->t->ops->send(c->t, c->ch, buf, len);

	if (!ret)
		atomic_fetch_add_explicit(&c->bytes, len,
					  memory_order_relaxed);
	return ret;
}

static const struct stream_io_ops chan_ops = {
	.read = chan_read,
	.write = chan_write,
};

void mig_chan_io_init(struct mig_chan_io *c, struct mig_transport *t,
		      unsigned int ch)
{
	c->io.ops = &chan_ops;
	c->io.opaque = c;
	c->t = t;
	c->ch = ch;
	atomic_init(&c->bytes, 0);
}
