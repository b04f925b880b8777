// SPDX-License-Identifier: MIT
/*
 * Byte transports for the record stream (an fd, a memory buffer) and the
 * helpers the writer and reader share: the manifest digest, the zero-page
 * test and record names.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "stream.h"
#include "stream_format.h"

/* ---- fd backend ------------------------------------------------------- */

static ssize_t fd_read(void *opaque, void *buf, size_t len)
{
	struct stream_io_fd *f = opaque;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(f->fd, (uint8_t *)buf + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

static int fd_write(void *opaque, const void *buf, size_t len)
{
	struct stream_io_fd *f = opaque;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(f->fd, (const uint8_t *)buf + done,
				  len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += n;
	}
	return 0;
}

static const struct stream_io_ops fd_ops = {
	.read = fd_read,
	.write = fd_write,
};

void stream_io_fd_init(struct stream_io_fd *f, int fd)
{
	f->io.ops = &fd_ops;
	f->io.opaque = f;
	f->fd = fd;
}

/* ---- memory backend --------------------------------------------------- */

static ssize_t mem_read(void *opaque, void *buf, size_t len)
{
	struct stream_io_mem *m = opaque;
	size_t n = m->len - m->pos;

	if (n > len)
		n = len;
	if (!n)
		return 0;
	memcpy(buf, m->buf + m->pos, n);
	m->pos += n;
	return n;
}

static int mem_write(void *opaque, const void *buf, size_t len)
{
	struct stream_io_mem *m = opaque;

	if (!len)
		return 0;
	if (len > SIZE_MAX / 2 - m->len)
		return -ENOMEM;
	if (m->len + len > m->cap) {
		size_t cap = m->cap ? m->cap : 4096;
		uint8_t *p;

		while (cap < m->len + len)
			cap *= 2;
		p = realloc(m->buf, cap);
		if (!p)
			return -ENOMEM;
		m->buf = p;
		m->cap = cap;
	}
	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	return 0;
}

static const struct stream_io_ops mem_read_ops = { .read = mem_read };
static const struct stream_io_ops mem_write_ops = { .write = mem_write };

void stream_io_mem_init_reader(struct stream_io_mem *m, const void *buf,
			       size_t len)
{
	memset(m, 0, sizeof(*m));
	m->io.ops = &mem_read_ops;
	m->io.opaque = m;
	m->buf = (uint8_t *)buf;
	m->len = len;
}

void stream_io_mem_init_writer(struct stream_io_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->io.ops = &mem_write_ops;
	m->io.opaque = m;
}

void stream_io_mem_fini(struct stream_io_mem *m)
{
	if (m->cap)
		free(m->buf);
	m->buf = NULL;
	m->len = m->cap = m->pos = 0;
}

/* ---- shared helpers --------------------------------------------------- */

int stream_page_is_zero(const void *p)
{
	const uint64_t *w = p;
	uint64_t acc = 0;
	size_t i;

	/* OR whole cache lines: faster than an early exit per word. */
	for (i = 0; i < STREAM_PAGE_SIZE / 8; i += 8) {
		acc |= w[i] | w[i + 1] | w[i + 2] | w[i + 3] | w[i + 4] |
		       w[i + 5] | w[i + 6] | w[i + 7];
		if (acc)
			return 0;
	}
	return 1;
}

/* Adds the class's pages in [first, end) to the sums. */
static void digest_range(const uint8_t *base, uint64_t first, uint64_t end,
			 unsigned int channel, unsigned int nr_channels,
			 struct stream_manifest *m)
{
	uint64_t pfn = first + (channel + nr_channels - first % nr_channels) %
			       nr_channels;

	for (; pfn < end; pfn += nr_channels) {
		const uint8_t *page = base + (pfn << STREAM_PAGE_SHIFT);
		XXH128_hash_t h;

		if (stream_page_is_zero(page))
			continue;
		h = XXH3_128bits_withSeed(page, STREAM_PAGE_SIZE, pfn);
		m->digest_lo += h.low64;
		m->digest_hi += h.high64;
		m->nonzero_pages++;
	}
}

struct digest_runs {
	const void *ram;
	unsigned int channel, nr_channels;
	struct stream_manifest *m;
	uint64_t pos;		/* pages before this are done */
};

static int digest_run(void *opaque, uint64_t first, uint64_t end)
{
	struct digest_runs *d = opaque;

	digest_range(d->ram, first, end, d->channel, d->nr_channels, d->m);
	d->pos = end;
	return 0;
}

void stream_digest_sparse(const void *ram, uint64_t nr_pages,
			  unsigned int channel, unsigned int nr_channels,
			  int ram_fd, struct stream_manifest *m)
{
	struct digest_runs d = {
		.ram = ram, .channel = channel,
		.nr_channels = nr_channels ? nr_channels : 1, .m = m,
	};

	m->nonzero_pages = 0;
	m->digest_lo = 0;
	m->digest_hi = 0;
	/* Without hole support (or ram_fd), read every page from d.pos. */
	if (ram_fd < 0 || stream_for_each_data(ram_fd, nr_pages, digest_run,
					       &d) < 0)
		digest_range(ram, d.pos, nr_pages, d.channel, d.nr_channels, m);
}

void stream_digest(const void *ram, uint64_t nr_pages, unsigned int channel,
		   unsigned int nr_channels, struct stream_manifest *m)
{
	stream_digest_sparse(ram, nr_pages, channel, nr_channels, -1, m);
}

const char *stream_rec_name(uint32_t type)
{
	switch (type) {
	case STREAM_REC_END:
		return "END";
	case STREAM_REC_DOMAIN_CONFIG:
		return "DOMAIN_CONFIG";
	case STREAM_REC_PAGE_BATCH:
		return "PAGE_BATCH";
	case STREAM_REC_STATE:
		return "STATE";
	case STREAM_REC_SYNC:
		return "SYNC";
	case STREAM_REC_CHECKPOINT:
		return "CHECKPOINT";
	}
	return type & STREAM_REC_OPTIONAL ? "unknown optional" :
					    "unknown mandatory";
}
