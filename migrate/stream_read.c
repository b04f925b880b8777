// SPDX-License-Identifier: MIT
/*
 * The stream reader: validates one channel of a record stream in the order
 * docs/stream.md section 7 gives, and applies it through the sink. Nothing
 * from the stream is trusted before its checksum, a batch is checked
 * entirely before any page is written, and every write into guest RAM is
 * bounded by both the header's page count and the sink's mapping.
 *
 * Built with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION (the fuzz target
 * only), checksum and digest mismatches are not fatal, so that the fuzzer
 * reaches the checks behind them.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "stream.h"
#include "stream_format.h"

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define SUMS_FATAL 0
#else
#define SUMS_FATAL 1
#endif

enum rstate {
	R_HEADER,	/* before the stream header */
	R_CONFIG,	/* channel 0: DOMAIN_CONFIG expected */
	R_PAGES,	/* rounds of PAGE_BATCH and SYNC */
	R_STATE,	/* STATE records seen: only STATE and END follow */
	R_END,		/* END verified: only the stream end is left */
	R_DONE,
};

enum where { AT_HEADER, AT_RECORD_HDR, AT_RECORD, AT_EOF };

struct stream_reader {
	const struct stream_io *io;
	const struct stream_sink_ops *ops;
	void *opaque;
	enum rstate state;
	int err;		/* first error, kept */

	/* from the stream header */
	unsigned int channel, nr_channels;
	uint64_t nr_pages, stream_id;

	/* position, for messages */
	uint64_t offset;	/* bytes consumed */
	uint64_t rec_index;	/* records read before the current one */
	uint64_t rec_offset;
	uint32_t rec_type;
	enum where where;

	/* rounds and the counts the manifest must match */
	uint64_t round, round_pages;
	bool round_open;
	struct stream_manifest m;

	uint8_t *ram;		/* the sink's, NULL until mapped */

	uint8_t *buf;		/* record body + padding */
	size_t buf_cap;
	uint8_t *zbuf;		/* decompressed batch payload */
	size_t zbuf_cap;
	ZSTD_DCtx *dctx;

	char msg[256];
};

static int fail(struct stream_reader *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct stream_reader *r, int err, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (r->err)
		return r->err;
	r->err = err;
	switch (r->where) {
	case AT_HEADER:
		n = snprintf(r->msg, sizeof(r->msg),
			     "stream header at offset 0: ");
		break;
	case AT_RECORD_HDR:
		n = snprintf(r->msg, sizeof(r->msg),
			     "record %" PRIu64 " at offset %" PRIu64 ": ",
			     r->rec_index, r->rec_offset);
		break;
	case AT_RECORD:
		n = snprintf(r->msg, sizeof(r->msg),
			     "record %" PRIu64 " (%s) at offset %" PRIu64 ": ",
			     r->rec_index, stream_rec_name(r->rec_type),
			     r->rec_offset);
		break;
	case AT_EOF:
		n = snprintf(r->msg, sizeof(r->msg),
			     "after END at offset %" PRIu64 ": ", r->offset);
		break;
	}
	if (n < 0 || (size_t)n >= sizeof(r->msg))
		return err;
	va_start(ap, fmt);
	vsnprintf(r->msg + n, sizeof(r->msg) - n, fmt, ap);
	va_end(ap);
	return err;
}

/*
 * Reads exactly len bytes; *got says how many arrived before the end of
 * the stream. Returns 0, -ENODATA when short (no message yet: the caller
 * knows what was cut), or the transport's error.
 */
static int read_in(struct stream_reader *r, void *buf, size_t len,
		   size_t *got)
{
	ssize_t n;

	*got = 0;
	if (!len)
		return 0;
	n = r->io->ops->read(r->io->opaque, buf, len);
	if (n < 0)
		return fail(r, (int)n, "read failed: %s", strerror((int)-n));
	if ((size_t)n > len)
		return fail(r, -EIO, "transport returned too many bytes");
	*got = n;
	r->offset += n;
	return (size_t)n < len ? -ENODATA : 0;
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *p;

	if (need <= *cap)
		return 0;
	p = realloc(*buf, need);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = need;
	return 0;
}

int stream_reader_create(struct stream_reader **out,
			 const struct stream_io *io,
			 const struct stream_sink_ops *ops, void *opaque)
{
	struct stream_reader *r;

	if (!io || !io->ops || !io->ops->read || !ops || !ops->on_config ||
	    !ops->map_guest_ram || !ops->on_state || !ops->on_end)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->io = io;
	r->ops = ops;
	r->opaque = opaque;
	*out = r;
	return 0;
}

void stream_reader_destroy(struct stream_reader *r)
{
	if (!r)
		return;
	ZSTD_freeDCtx(r->dctx);
	free(r->zbuf);
	free(r->buf);
	free(r);
}

const char *stream_reader_error(const struct stream_reader *r)
{
	return r->msg;
}

void stream_reader_header(const struct stream_reader *r,
			  struct stream_header_info *h)
{
	bool read = r->state != R_HEADER;

	h->channel = read ? r->channel : 0;
	h->nr_channels = read ? r->nr_channels : 0;
	h->nr_pages = read ? r->nr_pages : 0;
	h->stream_id = read ? r->stream_id : 0;
}

uint64_t stream_reader_offset(const struct stream_reader *r)
{
	return r->offset;
}

static int read_header(struct stream_reader *r)
{
	struct stream_hdr h;
	uint32_t version;
	size_t got;
	int ret;

	r->where = AT_HEADER;
	ret = read_in(r, &h, sizeof(h), &got);
	if (ret == -ENODATA)
		return fail(r, ret, "truncated: %zu of %zu bytes", got,
			    sizeof(h));
	if (ret)
		return ret;
	if (memcmp(h.magic, STREAM_MAGIC, STREAM_MAGIC_LEN))
		return fail(r, -EINVAL, "bad magic: not an hv stream");
	version = le32toh(h.version);
	if (version != STREAM_VERSION)
		return fail(r, -EPROTONOSUPPORT,
			    "version %" PRIu32 " not supported (this reader "
			    "reads version %d)", version, STREAM_VERSION);
	if (le64toh(h.hdr_sum) !=
		    XXH3_64bits_withSeed(&h, offsetof(struct stream_hdr,
						      hdr_sum), 0) &&
	    SUMS_FATAL)
		return fail(r, -EBADMSG, "header checksum mismatch");
	if (h.flags)
		return fail(r, -EINVAL, "unknown flags 0x%08" PRIx32,
			    le32toh(h.flags));
	if (h.reserved0 || h.reserved1 || h.reserved2[0] || h.reserved2[1])
		return fail(r, -EINVAL, "reserved fields not zero");
	if (h.page_shift != STREAM_PAGE_SHIFT)
		return fail(r, -EINVAL, "page size 2^%u, expected 2^%u",
			    h.page_shift, STREAM_PAGE_SHIFT);
	r->channel = le16toh(h.channel);
	r->nr_channels = le16toh(h.nr_channels);
	r->nr_pages = le64toh(h.nr_pages);
	r->stream_id = le64toh(h.stream_id);
	if (!r->nr_channels || r->nr_channels > STREAM_MAX_CHANNELS)
		return fail(r, -EINVAL, "%u channels, expected 1..%u",
			    r->nr_channels, STREAM_MAX_CHANNELS);
	if (r->channel >= r->nr_channels)
		return fail(r, -EINVAL, "channel %u of %u channels",
			    r->channel, r->nr_channels);
	if (!r->nr_pages || r->nr_pages > STREAM_MAX_PAGES)
		return fail(r, -EINVAL, "domain of %" PRIu64 " pages, "
			    "expected 1..2^40", r->nr_pages);
	r->m.nr_pages = r->nr_pages;
	r->state = r->channel == 0 ? R_CONFIG : R_PAGES;
	return 0;
}

/* Maps guest RAM through the sink, once, and checks its size. */
static int map_ram(struct stream_reader *r)
{
	void *base = NULL;
	uint64_t size = 0;
	int ret;

	if (r->ram)
		return 0;
	ret = r->ops->map_guest_ram(r->opaque, &base, &size);
	if (ret)
		return fail(r, ret, "mapping guest RAM failed: %s",
			    strerror(-ret));
	if (!base || size != r->nr_pages << STREAM_PAGE_SHIFT)
		return fail(r, -ERANGE, "guest RAM is %" PRIu64 " bytes, the "
			    "stream's domain has 0x%" PRIx64 " pages", size,
			    r->nr_pages);
	r->ram = base;
	return 0;
}

/* The end of a round is where STATE and END may come. */
static bool between_rounds(const struct stream_reader *r)
{
	return (r->state == R_PAGES && !r->round_open && r->m.rounds) ||
	       r->state == R_STATE;
}

/* Decompresses a batch's zstd payload into r->zbuf (raw_len bytes). */
static int unzstd(struct stream_reader *r, const uint8_t *p, uint32_t plen,
		  uint32_t raw_len)
{
	unsigned long long csize;
	size_t fsize, d;

	if (!raw_len)
		return fail(r, -EINVAL, "zstd batch without RAW pages");
	fsize = ZSTD_findFrameCompressedSize(p, plen);
	if (ZSTD_isError(fsize) || fsize != plen)
		return fail(r, -EBADMSG, "payload is not exactly one zstd "
			    "frame");
	csize = ZSTD_getFrameContentSize(p, plen);
	if (csize != raw_len)
		return fail(r, -EBADMSG, "zstd frame content size %llu, "
			    "expected raw_len %" PRIu32, csize, raw_len);
	if (!r->dctx) {
		r->dctx = ZSTD_createDCtx();
		if (!r->dctx)
			return fail(r, -ENOMEM, "out of memory");
	}
	/* raw_len <= STREAM_MAX_BATCH_PAGES pages: checked by the caller */
	if (grow(&r->zbuf, &r->zbuf_cap, raw_len))
		return fail(r, -ENOMEM, "out of memory");
	d = ZSTD_decompressDCtx(r->dctx, r->zbuf, raw_len, p, plen);
	if (ZSTD_isError(d))
		return fail(r, -EBADMSG, "zstd: %s", ZSTD_getErrorName(d));
	if (d != raw_len)
		return fail(r, -EBADMSG, "zstd frame gave %zu bytes, expected "
			    "%" PRIu32, d, raw_len);
	return 0;
}

static int do_batch(struct stream_reader *r, const uint8_t *body,
		    uint32_t len)
{
	struct stream_batch_hdr bh;
	const uint8_t *ents, *data;
	uint32_t count, flags, plen, raw_len, i, raw = 0, zeros = 0;
	uint64_t round, prev = 0, off;
	int ret;

	if (r->state != R_PAGES)
		return fail(r, -EPROTO, r->state == R_CONFIG ?
			    "expected DOMAIN_CONFIG first on channel 0" :
			    "page batch after STATE records");
	if (len < sizeof(bh))
		return fail(r, -EPROTO, "body of %" PRIu32 " bytes is shorter "
			    "than the batch header", len);
	memcpy(&bh, body, sizeof(bh));
	ents = body + sizeof(bh);
	round = le64toh(bh.round);
	count = le32toh(bh.count);
	flags = le32toh(bh.flags);
	plen = le32toh(bh.payload_len);
	raw_len = le32toh(bh.raw_len);
	if (round != r->round)
		return fail(r, -EPROTO, "round %" PRIu64 ", expected %" PRIu64,
			    round, r->round);
	if (!count || count > STREAM_MAX_BATCH_PAGES)
		return fail(r, -EINVAL, "%" PRIu32 " pages, expected 1..%d",
			    count, STREAM_MAX_BATCH_PAGES);
	if (flags & ~STREAM_BATCH_FLAGS)
		return fail(r, -EOPNOTSUPP, "unknown batch flags 0x%08" PRIx32,
			    flags);
	if ((uint64_t)sizeof(bh) + (uint64_t)count * 8 + plen != len)
		return fail(r, -EPROTO, "length %" PRIu32 " does not match %"
			    PRIu32 " entries and a payload of %" PRIu32
			    " bytes", len, count, plen);

	/* every entry, before anything is applied */
	for (i = 0; i < count; i++) {
		uint64_t e, pfn;
		unsigned int enc;

		memcpy(&e, ents + (size_t)i * 8, 8);
		e = le64toh(e);
		pfn = e & STREAM_PFN_MASK;
		enc = e >> STREAM_ENC_SHIFT;
		if (e & STREAM_PFN_RSVD_MASK)
			return fail(r, -EINVAL, "entry %" PRIu32 ": reserved "
				    "bits set (0x%016" PRIx64 ")", i, e);
		if (pfn >= r->nr_pages)
			return fail(r, -ERANGE, "pfn 0x%" PRIx64 " outside the "
				    "domain (0x%" PRIx64 " pages)", pfn,
				    r->nr_pages);
		if (pfn % r->nr_channels != r->channel)
			return fail(r, -EPROTO, "pfn 0x%" PRIx64 " belongs to "
				    "channel %" PRIu64 ", this is channel %u",
				    pfn, pfn % r->nr_channels, r->channel);
		if (i && pfn <= prev)
			return fail(r, -EPROTO, "entry %" PRIu32 ": pfn 0x%"
				    PRIx64 " not above the previous 0x%" PRIx64,
				    i, pfn, prev);
		prev = pfn;
		if (enc == STREAM_ENC_RAW)
			raw++;
		else if (enc == STREAM_ENC_ZERO)
			zeros++;
		else
			return fail(r, -EOPNOTSUPP, "entry %" PRIu32 ": page "
				    "encoding %u is not supported in version "
				    "1", i, enc);
	}
	if ((uint64_t)raw * STREAM_PAGE_SIZE != raw_len)
		return fail(r, -EPROTO, "raw_len %" PRIu32 ", but %" PRIu32
			    " RAW pages need %" PRIu64, raw_len, raw,
			    (uint64_t)raw * STREAM_PAGE_SIZE);
	data = ents + (size_t)count * 8;
	if (flags & STREAM_BATCH_ZSTD) {
		ret = unzstd(r, data, plen, raw_len);
		if (ret)
			return ret;
		data = r->zbuf;
	} else if (plen != raw_len) {
		return fail(r, -EPROTO, "payload of %" PRIu32 " bytes, "
			    "expected raw_len %" PRIu32, plen, raw_len);
	}
	ret = map_ram(r);
	if (ret)
		return ret;

	/* apply: every pfn was checked against nr_pages == mapping size */
	for (i = 0, off = 0; i < count; i++) {
		uint64_t e;
		uint8_t *dst;

		memcpy(&e, ents + (size_t)i * 8, 8);
		e = le64toh(e);
		dst = r->ram + ((e & STREAM_PFN_MASK) << STREAM_PAGE_SHIFT);
		if ((e >> STREAM_ENC_SHIFT) == STREAM_ENC_ZERO) {
			memset(dst, 0, STREAM_PAGE_SIZE);
		} else {
			memcpy(dst, data + off, STREAM_PAGE_SIZE);
			off += STREAM_PAGE_SIZE;
		}
	}
	r->m.batches++;
	r->m.page_entries += count;
	r->m.zero_entries += zeros;
	r->round_pages += count;
	r->round_open = true;
	return 0;
}

static int do_config(struct stream_reader *r, const uint8_t *body,
		     uint32_t len)
{
	int ret;

	if (r->state != R_CONFIG)
		return fail(r, -EPROTO, "DOMAIN_CONFIG is allowed only as the "
			    "first record of channel 0");
	ret = r->ops->on_config(r->opaque, body, len);
	if (ret)
		return fail(r, ret, "domain config refused: %s",
			    strerror(-ret));
	r->state = R_PAGES;
	return 0;
}

static int do_sync(struct stream_reader *r, const uint8_t *body,
		   uint32_t len)
{
	struct stream_sync s;
	uint64_t round, pages;
	int ret;

	if (r->state != R_PAGES)
		return fail(r, -EPROTO, r->state == R_CONFIG ?
			    "expected DOMAIN_CONFIG first on channel 0" :
			    "SYNC after STATE records");
	if (len != sizeof(s))
		return fail(r, -EPROTO, "body of %" PRIu32 " bytes, expected "
			    "%zu", len, sizeof(s));
	memcpy(&s, body, sizeof(s));
	round = le64toh(s.round);
	pages = le64toh(s.pages);
	if (round != r->round)
		return fail(r, -EPROTO, "round %" PRIu64 ", expected %" PRIu64,
			    round, r->round);
	if (pages != r->round_pages)
		return fail(r, -EPROTO, "round %" PRIu64 " had %" PRIu64
			    " pages, the channel carried %" PRIu64, round,
			    pages, r->round_pages);
	if (r->ops->on_sync) {
		ret = r->ops->on_sync(r->opaque, round);
		if (ret)
			return fail(r, ret, "sync refused: %s",
				    strerror(-ret));
	}
	r->m.rounds++;
	r->round++;
	r->round_pages = 0;
	r->round_open = false;
	return 0;
}

static int do_state(struct stream_reader *r, const uint8_t *body,
		    uint32_t len)
{
	struct stream_state_hdr sh;
	uint32_t type, inst;
	int ret;

	if (r->channel != 0)
		return fail(r, -EPROTO, "STATE on channel %u: only channel 0 "
			    "carries state", r->channel);
	if (!between_rounds(r))
		return fail(r, -EPROTO, "STATE before the last round was "
			    "closed by SYNC");
	if (len < sizeof(sh))
		return fail(r, -EPROTO, "body of %" PRIu32 " bytes is shorter "
			    "than the state header", len);
	memcpy(&sh, body, sizeof(sh));
	type = le32toh(sh.state_type);
	inst = le32toh(sh.instance);
	if (!type)
		return fail(r, -EINVAL, "state type 0");
	ret = r->ops->on_state(r->opaque, type, inst, body + sizeof(sh),
			       len - sizeof(sh));
	if (ret)
		return fail(r, ret, "state type %" PRIu32 " instance %" PRIu32
			    " refused: %s", type, inst, strerror(-ret));
	r->state = R_STATE;
	return 0;
}

#define CHECK_COUNT(field, what)                                            \
	do {                                                                \
		uint64_t v = le64toh(mw.field);                             \
		if (v != r->m.field)                                        \
			return fail(r, -EPROTO, "manifest says %" PRIu64    \
				    " " what ", the channel carried %" PRIu64, \
				    v, r->m.field);                         \
	} while (0)

static int do_end(struct stream_reader *r, const uint8_t *body, uint32_t len)
{
	struct stream_manifest_wire mw;
	struct stream_manifest got;
	uint64_t lo, hi, nz;
	int ret;

	if (!between_rounds(r))
		return fail(r, -EPROTO, r->state == R_CONFIG ?
			    "END before DOMAIN_CONFIG" :
			    "END before the last round was closed by SYNC");
	if (len != sizeof(mw))
		return fail(r, -EPROTO, "body of %" PRIu32 " bytes, expected "
			    "%zu", len, sizeof(mw));
	memcpy(&mw, body, sizeof(mw));
	CHECK_COUNT(nr_pages, "domain pages");
	CHECK_COUNT(page_entries, "page entries");
	CHECK_COUNT(zero_entries, "zero entries");
	CHECK_COUNT(batches, "batches");
	CHECK_COUNT(rounds, "rounds");
	if (r->ops->on_pages_done) {
		ret = r->ops->on_pages_done(r->opaque);
		if (ret)
			return fail(r, ret, "end of the pages refused: %s",
				    strerror(-ret));
	}
	ret = map_ram(r);
	if (ret)
		return ret;
	got = r->m;
	stream_digest_sparse(r->ram, r->nr_pages, r->channel, r->nr_channels,
			     r->ops->ram_fd ? r->ops->ram_fd(r->opaque) : -1,
			     &got);
	nz = le64toh(mw.nonzero_pages);
	lo = le64toh(mw.digest_lo);
	hi = le64toh(mw.digest_hi);
	if (nz != got.nonzero_pages && SUMS_FATAL)
		return fail(r, -EBADMSG, "manifest says %" PRIu64 " non-zero "
			    "pages, guest RAM has %" PRIu64, nz,
			    got.nonzero_pages);
	if ((lo != got.digest_lo || hi != got.digest_hi) && SUMS_FATAL)
		return fail(r, -EBADMSG, "manifest digest %016" PRIx64 "%016"
			    PRIx64 ", guest RAM gives %016" PRIx64 "%016"
			    PRIx64, hi, lo, got.digest_hi, got.digest_lo);
	r->m = got;
	ret = r->ops->on_end(r->opaque, &r->m);
	if (ret)
		return fail(r, ret, "end refused: %s", strerror(-ret));
	r->state = R_END;
	return 0;
}

static int read_record(struct stream_reader *r)
{
	struct stream_rec_hdr h;
	uint32_t len, pad, type, i;
	uint64_t seq;
	size_t got;
	int ret;

	r->rec_offset = r->offset;
	r->where = AT_RECORD_HDR;
	ret = read_in(r, &h, sizeof(h), &got);
	if (ret == -ENODATA && !got)
		return fail(r, ret, "stream ends before the END record");
	if (ret == -ENODATA)
		return fail(r, ret, "truncated record header (%zu of %zu "
			    "bytes)", got, sizeof(h));
	if (ret)
		return ret;
	if (le64toh(h.hdr_sum) != XXH3_64bits_withSeed(&h,
					STREAM_REC_HDR_SUMMED, r->stream_id) &&
	    SUMS_FATAL)
		return fail(r, -EBADMSG, "record header checksum mismatch");
	type = le32toh(h.type);
	len = le32toh(h.length);
	seq = le64toh(h.seq);
	r->rec_type = type;
	r->where = AT_RECORD;
	if (seq != r->rec_index)
		return fail(r, -EPROTO, "sequence number %" PRIu64 ", expected "
			    "%" PRIu64, seq, r->rec_index);
	if (len > STREAM_MAX_RECORD_LEN)
		return fail(r, -EMSGSIZE, "length %" PRIu32 " exceeds the "
			    "maximum record length %u", len,
			    STREAM_MAX_RECORD_LEN);
	pad = stream_pad_len(len);
	/* never NULL, even for an empty body */
	if (grow(&r->buf, &r->buf_cap, (size_t)len + pad + STREAM_ALIGN))
		return fail(r, -ENOMEM, "out of memory for %" PRIu32 " bytes",
			    len);
	ret = read_in(r, r->buf, (size_t)len + pad, &got);
	if (ret == -ENODATA)
		return fail(r, ret, "truncated body: %zu of %" PRIu32 " bytes "
			    "and %" PRIu32 " bytes of padding", got, len, pad);
	if (ret)
		return ret;
	if (le64toh(h.body_sum) != XXH3_64bits_withSeed(r->buf, len,
							r->stream_id) &&
	    SUMS_FATAL)
		return fail(r, -EBADMSG, "body checksum mismatch");
	for (i = 0; i < pad; i++)
		if (r->buf[len + i])
			return fail(r, -EINVAL, "padding not zero");

	switch (type) {
	case STREAM_REC_END:
		ret = do_end(r, r->buf, len);
		break;
	case STREAM_REC_DOMAIN_CONFIG:
		ret = do_config(r, r->buf, len);
		break;
	case STREAM_REC_PAGE_BATCH:
		ret = do_batch(r, r->buf, len);
		break;
	case STREAM_REC_STATE:
		ret = do_state(r, r->buf, len);
		break;
	case STREAM_REC_SYNC:
		ret = do_sync(r, r->buf, len);
		break;
	default:
		if (type & STREAM_REC_OPTIONAL) {
			ret = 0;	/* checked above, skipped */
			break;
		}
		ret = fail(r, -EOPNOTSUPP, "unknown mandatory record type "
			   "0x%08" PRIx32, type);
		break;
	}
	if (ret)
		return ret;
	r->rec_index++;
	return 0;
}

static int check_eof(struct stream_reader *r)
{
	uint8_t byte;
	size_t got;
	int ret;

	r->where = AT_EOF;
	ret = read_in(r, &byte, 1, &got);
	if (ret == -ENODATA)
		return 0;
	if (ret)
		return ret;
	return fail(r, -EPROTO, "trailing data after the END record");
}

static int read_channel(struct stream_reader *r, bool to_eof)
{
	int ret;

	if (r->err)
		return r->err;
	if (r->state != R_HEADER)
		return -EALREADY;
	ret = read_header(r);
	while (!ret && r->state != R_END)
		ret = read_record(r);
	if (!ret && to_eof)
		ret = check_eof(r);
	if (!ret)
		r->state = R_DONE;
	return ret;
}

int stream_read(struct stream_reader *r)
{
	return read_channel(r, true);
}

int stream_read_to_end(struct stream_reader *r)
{
	return read_channel(r, false);
}
