/* SPDX-License-Identifier: MIT */
/*
 * What the stream tests share: a source and a destination guest of NPAGES
 * pages, a writer into memory, a recording sink, a reader, and tools to
 * take a stream apart (record offsets) and reseal it after an edit
 * (checksums recomputed) so a test reaches the check behind the checksums.
 */
#ifndef HV_TESTS_STREAM_FIXTURE_H
#define HV_TESTS_STREAM_FIXTURE_H

#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "stream.h"
#include "stream_format.h"

#define NPAGES 64
#define RAM_BYTES ((size_t)NPAGES * STREAM_PAGE_SIZE)
#define STREAM_ID 0x1234abcd5678ef00ull

struct fx {
	uint8_t *src, *dst;
	struct stream_io_mem out;
	struct stream_writer *w;
	/* sink state */
	uint64_t dst_pages;	/* what map_guest_ram reports */
	int config_calls, state_calls, sync_calls, end_calls;
	char config[64];
	size_t config_len;
	uint32_t last_state_type, last_instance;
	int refuse_config, refuse_state;
	struct stream_manifest end;
	/* result of the last read */
	char msg[256];
};

static inline uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Fills RAM: a page is zero with probability zero_pct %, else random. */
static inline void fill_ram(uint8_t *ram, uint64_t seed, int zero_pct)
{
	uint64_t s = seed | 1, p, i;

	for (p = 0; p < NPAGES; p++) {
		uint64_t *w = (uint64_t *)(ram + p * STREAM_PAGE_SIZE);

		if ((int)(rnd(&s) % 100) < zero_pct) {
			memset(w, 0, STREAM_PAGE_SIZE);
			continue;
		}
		for (i = 0; i < STREAM_PAGE_SIZE / 8; i++)
			w[i] = rnd(&s);
	}
}

static inline int sink_config(void *o, const void *buf, size_t len)
{
	struct fx *fx = o;

	fx->config_calls++;
	fx->config_len = len;
	memcpy(fx->config, buf, len < sizeof(fx->config) ? len :
			   sizeof(fx->config));
	return fx->refuse_config;
}

static inline int sink_map(void *o, void **base, uint64_t *size)
{
	struct fx *fx = o;

	*base = fx->dst;
	*size = fx->dst_pages * STREAM_PAGE_SIZE;
	return 0;
}

static inline int sink_sync(void *o, uint64_t round)
{
	struct fx *fx = o;

	fx->sync_calls++;
	return 0;
}

static inline int sink_state(void *o, uint32_t type, uint32_t inst,
			     const void *buf, size_t len)
{
	struct fx *fx = o;

	fx->state_calls++;
	fx->last_state_type = type;
	fx->last_instance = inst;
	return fx->refuse_state;
}

static inline int sink_end(void *o, const struct stream_manifest *m)
{
	struct fx *fx = o;

	fx->end_calls++;
	fx->end = *m;
	return 0;
}

static const struct stream_sink_ops fx_sink = {
	.on_config = sink_config,
	.map_guest_ram = sink_map,
	.on_sync = sink_sync,
	.on_state = sink_state,
	.on_end = sink_end,
};

static inline struct fx *fx_new(void)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return NULL;
	fx->src = calloc(1, RAM_BYTES);
	fx->dst = calloc(1, RAM_BYTES);
	fx->dst_pages = NPAGES;
	stream_io_mem_init_writer(&fx->out);
	return fx;
}

static inline void fx_free(struct fx *fx)
{
	stream_writer_destroy(fx->w);
	stream_io_mem_fini(&fx->out);
	free(fx->src);
	free(fx->dst);
	free(fx);
}

/* A new writer (replacing any) of channel ch of n into fx->out. */
static inline int fx_writer(struct fx *fx, unsigned int ch, unsigned int n,
			    int zstd, unsigned int batch)
{
	struct stream_writer_config cfg = {
		.io = &fx->out.io, .ram = fx->src, .nr_pages = NPAGES,
		.channel = ch, .nr_channels = n, .stream_id = STREAM_ID,
		.zstd_level = zstd, .batch_pages = batch,
	};

	stream_writer_destroy(fx->w);
	fx->w = NULL;
	stream_io_mem_fini(&fx->out);
	stream_io_mem_init_writer(&fx->out);
	return stream_writer_create(&fx->w, &cfg);
}

/* Reads buf into fx->dst; the message lands in fx->msg. */
static inline int fx_read_buf(struct fx *fx, const void *buf, size_t len)
{
	struct stream_io_mem in;
	struct stream_reader *r;
	int ret;

	fx->config_calls = fx->state_calls = fx->sync_calls = 0;
	fx->end_calls = 0;
	stream_io_mem_init_reader(&in, buf, len);
	ret = stream_reader_create(&r, &in.io, &fx_sink, fx);
	if (ret)
		return ret;
	ret = stream_read(r);
	snprintf(fx->msg, sizeof(fx->msg), "%s", stream_reader_error(r));
	if (ret && !fx->msg[0])
		ret = -1000;	/* an error without a message is a bug */
	stream_reader_destroy(r);
	return ret;
}

static inline int fx_read(struct fx *fx)
{
	return fx_read_buf(fx, fx->out.buf, fx->out.len);
}

/* Offsets of the records of a well-formed stream; returns how many. */
static inline size_t rec_offsets(const uint8_t *buf, size_t len,
				 size_t *offs, size_t max)
{
	size_t off = sizeof(struct stream_hdr), n = 0;

	while (off + sizeof(struct stream_rec_hdr) <= len && n < max) {
		const struct stream_rec_hdr *h = (const void *)(buf + off);
		uint32_t l = le32toh(h->length);

		offs[n++] = off;
		off += sizeof(*h) + l + stream_pad_len(l);
	}
	return n;
}

/* Recomputes the header's and every record's checksums in place. */
static inline void reseal(uint8_t *buf, size_t len)
{
	struct stream_hdr *sh = (struct stream_hdr *)buf;
	uint64_t id = le64toh(sh->stream_id);
	size_t offs[4096], n, i;

	sh->hdr_sum = htole64(XXH3_64bits_withSeed(buf, 56, 0));
	n = rec_offsets(buf, len, offs, 4096);
	for (i = 0; i < n; i++) {
		struct stream_rec_hdr *h = (void *)(buf + offs[i]);
		uint32_t l = le32toh(h->length);

		if (offs[i] + sizeof(*h) + l <= len)
			h->body_sum = htole64(XXH3_64bits_withSeed(h + 1, l,
								   id));
		h->hdr_sum = htole64(XXH3_64bits_withSeed(h, 24, id));
	}
}

#endif
