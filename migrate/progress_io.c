// SPDX-License-Identifier: MIT
/*
 * Counting bytes on their way to or from a save file, reported at most
 * once per 1/128 of the total (and at phase changes): a 1 GiB save makes
 * about 130 reports, not one per record. A total of 0 is unknown (a
 * restore from a pipe): done is reported as it is.
 */
#include "progress_io.h"

/* An unknown total (a pipe): a report per 4 MiB. */
#define STEP_UNKNOWN (4u << 20)

static void maybe_report(struct progress_io *pio)
{
	uint64_t step = pio->total ? pio->total / 128 : STEP_UNKNOWN;

	if (pio->done - pio->reported >= (step ? step : 1))
		progress_io_report(pio);
}

static ssize_t pio_read(void *opaque, void *buf, size_t len)
{
	struct progress_io *pio = opaque;
	ssize_t n = pio->inner->ops->read(pio->inner->opaque, buf, len);

	if (n > 0) {
		pio->done += (uint64_t)n;
		maybe_report(pio);
	}
	return n;
}

static int pio_write(void *opaque, const void *buf, size_t len)
{
	struct progress_io *pio = opaque;
	int ret = pio->inner->ops->write(pio->inner->opaque, buf, len);

	if (!ret) {
		pio->done += len;
		maybe_report(pio);
	}
	return ret;
}

static const struct stream_io_ops pio_ops = {
	.read = pio_read,
	.write = pio_write,
};

void progress_io_init(struct progress_io *pio, const struct stream_io *inner,
		      const struct domain_progress *p, uint64_t total)
{
	pio->io.ops = &pio_ops;
	pio->io.opaque = pio;
	pio->inner = inner;
	pio->p = p;
	pio->phase = "";
	pio->done = pio->reported = 0;
	pio->total = total;
}

void progress_io_report(struct progress_io *pio)
{
	pio->reported = pio->done;
	if (pio->p && pio->p->fn)
		pio->p->fn(pio->p->opaque, pio->phase,
			   pio->done < pio->total || !pio->total ? pio->done :
			   pio->total, pio->total);
}
