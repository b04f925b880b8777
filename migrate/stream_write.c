// SPDX-License-Identifier: MIT
/*
 * The stream writer: frames records (sequence number, checksums, padding),
 * packs guest pages into batches with zero-page detection and optional
 * zstd, and closes the channel with its manifest. docs/stream.md is the
 * format; this file only produces it.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "stream.h"
#include "stream_format.h"

enum wstate { W_NEW, W_PAGES, W_STATE, W_DONE, W_BROKEN };

struct stream_writer {
	struct stream_writer_config cfg;
	enum wstate state;
	uint64_t seq;
	uint64_t round;
	uint64_t round_pages;	/* entries sent in the current round */
	bool round_open;	/* a batch was sent since the last SYNC */
	struct stream_manifest m;	/* counts so far */
	uint8_t *body;		/* one record body, maximum size */
	uint8_t *zbuf;		/* compressed payload */
	size_t zcap;
	ZSTD_CCtx *cctx;
	XXH3_state_t *xxh;	/* body checksum over two pieces */
};

int stream_writer_create(struct stream_writer **out,
			 const struct stream_writer_config *cfg)
{
	struct stream_writer *w;
	unsigned int n = cfg->nr_channels ? cfg->nr_channels : 1;

	if (!cfg->io || !cfg->ram || !cfg->nr_pages ||
	    cfg->nr_pages > STREAM_MAX_PAGES || n > STREAM_MAX_CHANNELS ||
	    cfg->channel >= n || cfg->batch_pages > STREAM_MAX_BATCH_PAGES)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->cfg = *cfg;
	w->cfg.nr_channels = n;
	if (!w->cfg.batch_pages)
		w->cfg.batch_pages = STREAM_MAX_BATCH_PAGES;
	w->body = malloc(STREAM_MAX_RECORD_LEN);
	w->xxh = XXH3_createState();
	if (!w->body || !w->xxh)
		goto out_free;
	if (cfg->zstd_level) {
		w->zcap = ZSTD_compressBound((size_t)w->cfg.batch_pages *
					     STREAM_PAGE_SIZE);
		w->zbuf = malloc(w->zcap);
		w->cctx = ZSTD_createCCtx();
		if (!w->zbuf || !w->cctx)
			goto out_free;
	}
	w->m.nr_pages = cfg->nr_pages;
	*out = w;
	return 0;

out_free:
	stream_writer_destroy(w);
	return -ENOMEM;
}

void stream_writer_destroy(struct stream_writer *w)
{
	if (!w)
		return;
	XXH3_freeState(w->xxh);
	ZSTD_freeCCtx(w->cctx);
	free(w->zbuf);
	free(w->body);
	free(w);
}

static int io_write(struct stream_writer *w, const void *buf, size_t len)
{
	int ret = w->cfg.io->ops->write(w->cfg.io->opaque, buf, len);

	if (ret < 0)
		w->state = W_BROKEN;
	return ret;
}

/*
 * Frames a body given in up to two pieces (so a batch's payload need not
 * be copied behind its header when it was compressed elsewhere).
 */
static int put_record2(struct stream_writer *w, uint32_t type,
		       const void *a, size_t alen, const void *b, size_t blen)
{
	static const uint8_t zeros[STREAM_ALIGN];
	uint64_t seed = w->cfg.stream_id;
	struct stream_rec_hdr h;
	size_t len = alen + blen;
	int ret;

	if (w->state == W_BROKEN)
		return -EPIPE;
	if (len > STREAM_MAX_RECORD_LEN)
		return -EMSGSIZE;
	if (XXH3_64bits_reset_withSeed(w->xxh, seed) != XXH_OK ||
	    XXH3_64bits_update(w->xxh, a, alen) != XXH_OK ||
	    XXH3_64bits_update(w->xxh, b, blen) != XXH_OK)
		return -EINVAL;
	h.type = htole32(type);
	h.length = htole32(len);
	h.seq = htole64(w->seq);
	h.body_sum = htole64(XXH3_64bits_digest(w->xxh));
	h.hdr_sum = htole64(XXH3_64bits_withSeed(&h, STREAM_REC_HDR_SUMMED,
						 seed));
	ret = io_write(w, &h, sizeof(h));
	if (!ret && alen)
		ret = io_write(w, a, alen);
	if (!ret && blen)
		ret = io_write(w, b, blen);
	if (!ret && stream_pad_len(len))
		ret = io_write(w, zeros, stream_pad_len(len));
	if (ret)
		return ret;
	w->seq++;
	return 0;
}

void stream_writer_counts(const struct stream_writer *w,
			  struct stream_manifest *m)
{
	*m = w->m;
	if (w->state != W_DONE) {
		m->nonzero_pages = 0;
		m->digest_lo = 0;
		m->digest_hi = 0;
	}
}

int stream_write_record(struct stream_writer *w, uint32_t type,
			const void *body, size_t len)
{
	return put_record2(w, type, body, len, NULL, 0);
}

int stream_write_header(struct stream_writer *w, const void *config,
			size_t len)
{
	struct stream_hdr h;
	int ret;

	if (w->state != W_NEW)
		return -EPROTO;
	if ((w->cfg.channel == 0) != (config != NULL))
		return -EINVAL;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, STREAM_MAGIC, STREAM_MAGIC_LEN);
	h.version = htole32(STREAM_VERSION);
	h.page_shift = STREAM_PAGE_SHIFT;
	h.channel = htole16(w->cfg.channel);
	h.nr_channels = htole16(w->cfg.nr_channels);
	h.nr_pages = htole64(w->cfg.nr_pages);
	h.stream_id = htole64(w->cfg.stream_id);
	h.hdr_sum = htole64(XXH3_64bits_withSeed(&h, offsetof(struct stream_hdr,
							      hdr_sum), 0));
	ret = io_write(w, &h, sizeof(h));
	if (ret)
		return ret;
	if (config) {
		ret = put_record2(w, STREAM_REC_DOMAIN_CONFIG, config, len,
				  NULL, 0);
		if (ret)
			return ret;
	}
	w->state = W_PAGES;
	return 0;
}

/*
 * Sends one batch of n (1..batch_pages) increasing pfns: entries and raw
 * pages are packed into w->body, then compressed into w->zbuf if that
 * helps.
 */
static int write_batch(struct stream_writer *w, const uint64_t *pfns,
		       size_t n)
{
	const uint8_t *ram = w->cfg.ram;
	struct stream_batch_hdr *bh = (struct stream_batch_hdr *)w->body;
	uint64_t *ent = (uint64_t *)(w->body + sizeof(*bh));
	uint8_t *payload = (uint8_t *)(ent + n);
	size_t raw = 0, zeros = 0, fixed = (uint8_t *)payload - w->body;
	uint32_t flags = 0;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		const uint8_t *page = ram + (pfns[i] << STREAM_PAGE_SHIFT);

		if (stream_page_is_zero(page)) {
			ent[i] = htole64(stream_pfn_entry(pfns[i],
							  STREAM_ENC_ZERO));
			zeros++;
			continue;
		}
		ent[i] = htole64(stream_pfn_entry(pfns[i], STREAM_ENC_RAW));
		memcpy(payload + raw, page, STREAM_PAGE_SIZE);
		raw += STREAM_PAGE_SIZE;
	}
	bh->round = htole64(w->round);
	bh->count = htole32(n);
	bh->raw_len = htole32(raw);
	if (w->cctx && raw) {
		size_t z = ZSTD_compressCCtx(w->cctx, w->zbuf, w->zcap,
					     payload, raw,
					     w->cfg.zstd_level);

		if (!ZSTD_isError(z) && z < raw) {
			flags = STREAM_BATCH_ZSTD;
			bh->flags = htole32(flags);
			bh->payload_len = htole32(z);
			ret = put_record2(w, STREAM_REC_PAGE_BATCH, w->body,
					  fixed, w->zbuf, z);
			goto out;
		}
	}
	bh->flags = htole32(flags);
	bh->payload_len = htole32(raw);
	ret = put_record2(w, STREAM_REC_PAGE_BATCH, w->body, fixed + raw,
			  NULL, 0);
out:
	if (ret)
		return ret;
	w->m.batches++;
	w->m.page_entries += n;
	w->m.zero_entries += zeros;
	w->round_pages += n;
	w->round_open = true;
	return 0;
}

int stream_write_pages(struct stream_writer *w, const uint64_t *pfns,
		       size_t n)
{
	size_t i, start = 0;
	int ret;

	if (w->state != W_PAGES)
		return w->state == W_BROKEN ? -EPIPE : -EPROTO;
	for (i = 0; i < n; i++)
		if (pfns[i] >= w->cfg.nr_pages ||
		    pfns[i] % w->cfg.nr_channels != w->cfg.channel)
			return -EINVAL;
	for (i = 1; i <= n; i++) {
		if (i < n && i - start < w->cfg.batch_pages &&
		    pfns[i] > pfns[i - 1])
			continue;
		ret = write_batch(w, pfns + start, i - start);
		if (ret)
			return ret;
		start = i;
	}
	return 0;
}

int stream_write_sync(struct stream_writer *w)
{
	struct stream_sync s;
	int ret;

	if (w->state != W_PAGES)
		return w->state == W_BROKEN ? -EPIPE : -EPROTO;
	s.round = htole64(w->round);
	s.pages = htole64(w->round_pages);
	ret = put_record2(w, STREAM_REC_SYNC, &s, sizeof(s), NULL, 0);
	if (ret)
		return ret;
	w->m.rounds++;
	w->round++;
	w->round_pages = 0;
	w->round_open = false;
	return 0;
}

int stream_write_state(struct stream_writer *w, uint32_t state_type,
		       uint32_t instance, const void *buf, size_t len)
{
	struct stream_state_hdr sh;
	int ret;

	if (w->state == W_BROKEN)
		return -EPIPE;
	if (w->cfg.channel != 0 || !state_type)
		return -EINVAL;
	if ((w->state != W_PAGES && w->state != W_STATE) || w->round_open ||
	    !w->m.rounds)
		return -EPROTO;
	sh.state_type = htole32(state_type);
	sh.instance = htole32(instance);
	ret = put_record2(w, STREAM_REC_STATE, &sh, sizeof(sh), buf, len);
	if (ret)
		return ret;
	w->state = W_STATE;
	return 0;
}

int stream_write_end(struct stream_writer *w, struct stream_manifest *out)
{
	struct stream_manifest_wire mw;
	struct stream_manifest *m = &w->m;
	int ret;

	if (w->state == W_BROKEN)
		return -EPIPE;
	if ((w->state != W_PAGES && w->state != W_STATE) || w->round_open ||
	    !m->rounds)
		return -EPROTO;
	stream_digest_sparse(w->cfg.ram, w->cfg.nr_pages, w->cfg.channel,
			     w->cfg.nr_channels,
			     w->cfg.ram_fd ? *w->cfg.ram_fd : -1, m);
	mw.nr_pages = htole64(m->nr_pages);
	mw.page_entries = htole64(m->page_entries);
	mw.zero_entries = htole64(m->zero_entries);
	mw.batches = htole64(m->batches);
	mw.rounds = htole64(m->rounds);
	mw.nonzero_pages = htole64(m->nonzero_pages);
	mw.digest_lo = htole64(m->digest_lo);
	mw.digest_hi = htole64(m->digest_hi);
	ret = put_record2(w, STREAM_REC_END, &mw, sizeof(mw), NULL, 0);
	if (ret)
		return ret;
	w->state = W_DONE;
	if (out)
		*out = *m;
	return 0;
}
