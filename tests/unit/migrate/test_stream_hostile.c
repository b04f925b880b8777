// SPDX-License-Identifier: MIT
/*
 * Hostile records, crafted one at a time behind a valid stream header and
 * DOMAIN_CONFIG: every check of docs/stream.md section 7 that a checksum
 * does not already cover — pfns outside the domain or the channel, order,
 * encodings, lengths, zstd frames, rounds, record order, the optional bit,
 * the maximum record length — plus the sink's refusals and transport
 * errors. Each case checks the errno and the message, and that a rejected
 * batch wrote nothing into guest RAM.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zstd.h>

#include "stream_fixture.h"

#define RAW(pfn)  stream_pfn_entry((pfn), STREAM_ENC_RAW)
#define ZERO(pfn) stream_pfn_entry((pfn), STREAM_ENC_ZERO)

static uint8_t body[2 * 1024 * 1024];
static uint8_t page[STREAM_PAGE_SIZE];

static int setup(void **state)
{
	struct fx *fx = fx_new();

	if (!fx)
		return -1;
	memset(fx->dst, 0x77, RAM_BYTES);
	memset(page, 0x5a, sizeof(page));
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fx_free(*state);
	return 0;
}

/* Header and DOMAIN_CONFIG ("c") of channel ch of n. */
static void begin_ch(struct fx *fx, unsigned int ch, unsigned int n)
{
	assert_int_equal(fx_writer(fx, ch, n, 0, 0), 0);
	assert_int_equal(stream_write_header(fx->w, ch ? NULL : "c",
					     ch ? 0 : 1), 0);
}

static void begin(struct fx *fx)
{
	begin_ch(fx, 0, 1);
}

/*
 * Builds a PAGE_BATCH body in body[]: header, the n entries, then plen
 * bytes of payload (copies of page[] unless payload is given).
 */
static size_t batch(uint64_t round, uint32_t count, uint32_t flags,
		    const uint64_t *ents, size_t n, uint32_t plen,
		    uint32_t raw_len, const void *payload)
{
	struct stream_batch_hdr bh = {
		.round = htole64(round), .count = htole32(count),
		.flags = htole32(flags), .payload_len = htole32(plen),
		.raw_len = htole32(raw_len),
	};
	uint8_t *p = body + sizeof(bh);
	size_t i;

	memcpy(body, &bh, sizeof(bh));
	for (i = 0; i < n; i++, p += 8) {
		uint64_t e = htole64(ents[i]);

		memcpy(p, &e, 8);
	}
	for (i = 0; i < plen; i++)
		p[i] = payload ? ((const uint8_t *)payload)[i] :
				 page[i % STREAM_PAGE_SIZE];
	return p + plen - body;
}

static void put(struct fx *fx, uint32_t type, size_t len)
{
	assert_int_equal(stream_write_record(fx->w, type, body, len), 0);
}

/* Reads fx->out; expects err and a message containing text. */
static void expect(struct fx *fx, int err, const char *text)
{
	int ret = fx_read(fx);

	if (ret != err || !strstr(fx->msg, text))
		fail_msg("got %d \"%s\", expected %d \"%s\"", ret, fx->msg,
			 err, text);
}

static void untouched(struct fx *fx)
{
	size_t i;

	for (i = 0; i < RAM_BYTES; i++)
		if (fx->dst[i] != 0x77)
			fail_msg("guest byte 0x%zx written", i);
}

static void pfn_checks(void **state)
{
	struct fx *fx = *state;
	uint64_t e[2];

	/* the exact message, and all-or-nothing: entry 0 was valid */
	begin(fx);
	e[0] = RAW(0);
	e[1] = RAW(NPAGES);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 2, 0, e, 2, 2 * 4096, 8192,
					     NULL));
	assert_int_equal(fx_read(fx), -ERANGE);
	assert_string_equal(fx->msg, "record 1 (PAGE_BATCH) at offset 104: "
			    "pfn 0x40 outside the domain (0x40 pages)");
	untouched(fx);

	begin(fx);
	e[0] = RAW(0) | (1ull << 55);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 4096, 4096, NULL));
	expect(fx, -EINVAL, "entry 0: reserved bits set");

	begin(fx);
	e[0] = RAW(STREAM_PFN_MASK);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 4096, 4096, NULL));
	expect(fx, -ERANGE, "pfn 0xfffffffffffff outside the domain");

	begin(fx);
	e[0] = ZERO(7);
	e[1] = ZERO(7);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 2, 0, e, 2, 0, 0, NULL));
	expect(fx, -EPROTO, "entry 1: pfn 0x7 not above the previous 0x7");

	begin(fx);
	e[0] = ZERO(9);
	e[1] = ZERO(3);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 2, 0, e, 2, 0, 0, NULL));
	expect(fx, -EPROTO, "not above");

	/* a page always travels on channel pfn mod N */
	begin_ch(fx, 1, 2);
	e[0] = ZERO(4);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 0, 0, NULL));
	expect(fx, -EPROTO, "pfn 0x4 belongs to channel 0, this is channel 1");
	untouched(fx);
}

static void encodings_and_lengths(void **state)
{
	struct fx *fx = *state;
	uint64_t e[STREAM_MAX_BATCH_PAGES + 1];
	unsigned int i;

	begin(fx);
	e[0] = stream_pfn_entry(0, STREAM_ENC_DELTA);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 0, 0, NULL));
	expect(fx, -EOPNOTSUPP, "entry 0: page encoding 2 is not supported");

	begin(fx);
	e[0] = stream_pfn_entry(0, 15);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 0, 0, NULL));
	expect(fx, -EOPNOTSUPP, "encoding 15");

	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 0, 0, e, 0, 0, 0, NULL));
	expect(fx, -EINVAL, "0 pages, expected 1..1024");

	begin(fx);
	for (i = 0; i <= STREAM_MAX_BATCH_PAGES; i++)
		e[i] = ZERO(i % NPAGES);
	put(fx, STREAM_REC_PAGE_BATCH,
	    batch(0, STREAM_MAX_BATCH_PAGES + 1, 0, e,
		  STREAM_MAX_BATCH_PAGES + 1, 0, 0, NULL));
	expect(fx, -EINVAL, "1025 pages");

	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, 20);
	expect(fx, -EPROTO, "body of 20 bytes is shorter than the batch");

	/* count says 2 entries, the body holds 1 */
	begin(fx);
	e[0] = ZERO(0);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 2, 0, e, 1, 0, 0, NULL));
	expect(fx, -EPROTO, "length 32 does not match 2 entries");

	/* payload_len beyond the body */
	begin(fx);
	e[0] = RAW(0);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 4096, 4096, NULL)
	    - 1);
	expect(fx, -EPROTO, "does not match 1 entries and a payload of 4096");

	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 0, 0, NULL));
	expect(fx, -EPROTO, "raw_len 0, but 1 RAW pages need 4096");

	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 4097, 4096, NULL));
	expect(fx, -EPROTO, "payload of 4097 bytes, expected raw_len 4096");

	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 2, e, 1, 4096, 4096, NULL));
	expect(fx, -EOPNOTSUPP, "unknown batch flags 0x00000002");

	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(1, 1, 0, e, 1, 4096, 4096, NULL));
	expect(fx, -EPROTO, "round 1, expected 0");
	untouched(fx);
}

static void zstd_frames(void **state)
{
	struct fx *fx = *state;
	static uint8_t two[2 * STREAM_PAGE_SIZE], z[3 * STREAM_PAGE_SIZE];
	uint64_t e[2] = { RAW(0), RAW(1) };
	size_t zl, zl2;
	ZSTD_CStream *cs;
	ZSTD_outBuffer out = { z, sizeof(z), 0 };
	ZSTD_inBuffer in = { two, STREAM_PAGE_SIZE, 0 };

	memset(two, 0x42, sizeof(two));
	zl = ZSTD_compress(z, sizeof(z), two, sizeof(two), 1);
	assert_false(ZSTD_isError(zl));

	/* the valid frame applies */
	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 2, STREAM_BATCH_ZSTD, e, 2, zl,
					     8192, z));
	expect(fx, -ENODATA, "stream ends before the END record");
	assert_int_equal(fx->dst[0], 0x42);
	assert_int_equal(fx->dst[8191], 0x42);
	memset(fx->dst, 0x77, RAM_BYTES);

	/* content size (2 pages) against raw_len (1 RAW page) */
	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, STREAM_BATCH_ZSTD, e, 1, zl,
					     4096, z));
	expect(fx, -EBADMSG, "zstd frame content size 8192, expected raw_len "
	       "4096");

	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 2, STREAM_BATCH_ZSTD, e, 2,
					     zl - 1, 8192, z));
	expect(fx, -EBADMSG, "not exactly one zstd frame");

	/* two frames back to back */
	memcpy(z + zl, z, zl);
	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 2, STREAM_BATCH_ZSTD, e, 2,
					     2 * zl, 8192, z));
	expect(fx, -EBADMSG, "not exactly one zstd frame");

	/* garbage */
	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 2, STREAM_BATCH_ZSTD, e, 2,
					     100, 8192, NULL));
	expect(fx, -EBADMSG, "zstd frame");

	/* a frame without its content size (streamed, nothing pledged) */
	cs = ZSTD_createCStream();
	assert_non_null(cs);
	ZSTD_initCStream(cs, 1);
	assert_false(ZSTD_isError(ZSTD_compressStream(cs, &out, &in)));
	assert_int_equal(ZSTD_endStream(cs, &out), 0);
	ZSTD_freeCStream(cs);
	zl2 = out.pos;
	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, STREAM_BATCH_ZSTD, e, 1, zl2,
					     4096, z));
	expect(fx, -EBADMSG, "content size");

	/* zstd with no RAW page */
	e[0] = ZERO(0);
	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, STREAM_BATCH_ZSTD, e, 1, zl,
					     0, z));
	expect(fx, -EINVAL, "zstd batch without RAW pages");
	untouched(fx);
}

static void put_sync(struct fx *fx, uint64_t round, uint64_t pages)
{
	struct stream_sync s = { htole64(round), htole64(pages) };

	assert_int_equal(stream_write_record(fx->w, STREAM_REC_SYNC, &s,
					     sizeof(s)), 0);
}

static void put_state(struct fx *fx, uint32_t type, size_t len)
{
	struct stream_state_hdr sh = { htole32(type), 0 };

	memcpy(body, &sh, sizeof(sh));
	put(fx, STREAM_REC_STATE, len);
}

static void record_order(void **state)
{
	struct fx *fx = *state;
	uint64_t e[1] = { ZERO(0) };
	size_t offs[8];
	struct stream_rec_hdr *h;

	begin(fx);
	put_sync(fx, 1, 0);
	expect(fx, -EPROTO, "(SYNC) at offset 104: round 1, expected 0");

	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 0, 0, NULL));
	put_sync(fx, 0, 2);
	expect(fx, -EPROTO, "round 0 had 2 pages, the channel carried 1");

	begin(fx);
	assert_int_equal(stream_write_record(fx->w, STREAM_REC_SYNC, body, 8),
			 0);
	expect(fx, -EPROTO, "body of 8 bytes, expected 16");

	/* STATE: only between rounds, on channel 0, type not 0 */
	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 0, 0, NULL));
	put_state(fx, 1, 8);
	expect(fx, -EPROTO, "STATE before the last round was closed by SYNC");

	begin(fx);
	put_sync(fx, 0, 0);
	put_state(fx, 0, 8);
	expect(fx, -EINVAL, "state type 0");

	begin(fx);
	put_sync(fx, 0, 0);
	put_state(fx, 1, 4);
	expect(fx, -EPROTO, "shorter than the state header");

	begin(fx);
	put_sync(fx, 0, 0);
	put_state(fx, 1, 8);
	put(fx, STREAM_REC_PAGE_BATCH, batch(1, 1, 0, e, 1, 0, 0, NULL));
	expect(fx, -EPROTO, "page batch after STATE records");

	begin(fx);
	put_sync(fx, 0, 0);
	put_state(fx, 1, 8);
	put_sync(fx, 1, 0);
	expect(fx, -EPROTO, "SYNC after STATE records");

	begin_ch(fx, 1, 2);
	put_sync(fx, 0, 0);
	put_state(fx, 1, 8);
	expect(fx, -EPROTO, "STATE on channel 1: only channel 0");

	/* DOMAIN_CONFIG once, first */
	begin(fx);
	put(fx, STREAM_REC_DOMAIN_CONFIG, 4);
	expect(fx, -EPROTO, "DOMAIN_CONFIG is allowed only as the first");

	/* turn the config into an optional record: nothing may precede it */
	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 0, 0, NULL));
	assert_int_equal(rec_offsets(fx->out.buf, fx->out.len, offs, 8), 2);
	h = (void *)(fx->out.buf + offs[0]);
	h->type = htole32(STREAM_REC_OPTIONAL | 1);
	reseal(fx->out.buf, fx->out.len);
	expect(fx, -EPROTO, "expected DOMAIN_CONFIG first on channel 0");
	h = (void *)(fx->out.buf + offs[1]);
	h->type = htole32(STREAM_REC_END);
	reseal(fx->out.buf, fx->out.len);
	expect(fx, -EPROTO, "END before DOMAIN_CONFIG");

	/* END: after a closed round, exactly a manifest */
	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 0, 0, NULL));
	put(fx, STREAM_REC_END, 64);
	expect(fx, -EPROTO, "END before the last round was closed by SYNC");

	begin(fx);
	put(fx, STREAM_REC_END, 64);
	expect(fx, -EPROTO, "END before the last round was closed");

	begin(fx);
	put_sync(fx, 0, 0);
	put(fx, STREAM_REC_END, 56);
	expect(fx, -EPROTO, "body of 56 bytes, expected 64");

	begin(fx);
	put_sync(fx, 0, 0);
	memset(body, 0, 64);
	put(fx, STREAM_REC_END, 64);
	expect(fx, -EPROTO, "manifest says 0 domain pages, the channel "
	       "carried 64");
}

static void record_types_and_lengths(void **state)
{
	struct fx *fx = *state;
	struct stream_rec_hdr h;
	uint64_t e[1] = { RAW(3) };

	begin(fx);
	put(fx, 0x77, 0);
	expect(fx, -EOPNOTSUPP, "record 1 (unknown mandatory) at offset 104: "
	       "unknown mandatory record type 0x00000077");

	begin(fx);
	put(fx, STREAM_REC_CHECKPOINT, 16);
	expect(fx, -EOPNOTSUPP, "(CHECKPOINT)");

	/* an optional record of any size up to the maximum is skipped */
	begin(fx);
	memset(body, 0xee, sizeof(body));
	put(fx, STREAM_REC_OPTIONAL | 0x77, sizeof(body));
	assert_int_equal(stream_write_sync(fx->w), 0);
	memset(fx->src, 0, RAM_BYTES);
	assert_int_equal(stream_write_end(fx->w, NULL), 0);
	memset(fx->dst, 0, RAM_BYTES);
	assert_int_equal(fx_read(fx), 0);
	memset(fx->dst, 0x77, RAM_BYTES);

	/* length one past the maximum, with honest checksums */
	begin(fx);
	memset(&h, 0, sizeof(h));
	h.type = htole32(STREAM_REC_SYNC);
	h.length = htole32(STREAM_MAX_RECORD_LEN + 1);
	h.seq = htole64(1);
	h.hdr_sum = htole64(XXH3_64bits_withSeed(&h, 24, STREAM_ID));
	assert_int_equal(fx->out.io.ops->write(fx->out.io.opaque, &h,
					       sizeof(h)), 0);
	expect(fx, -EMSGSIZE, "length 8388609 exceeds the maximum record "
	       "length 8388608");
	/* the maximum itself is accepted, then the body is missing */
	begin(fx);
	h.length = htole32(STREAM_MAX_RECORD_LEN);
	h.hdr_sum = htole64(XXH3_64bits_withSeed(&h, 24, STREAM_ID));
	assert_int_equal(fx->out.io.ops->write(fx->out.io.opaque, &h,
					       sizeof(h)), 0);
	expect(fx, -ENODATA, "truncated body: 0 of 8388608 bytes");

	/* a changed page byte: the batch is refused whole */
	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 4096, 4096, NULL));
	fx->out.buf[fx->out.len - 100] ^= 1;
	expect(fx, -EBADMSG, "(PAGE_BATCH) at offset 104: body checksum "
	       "mismatch");
	untouched(fx);

	/* padding is not under the checksum but must be zero */
	begin(fx);
	fx->out.buf[64 + 32 + 1 + 3] = 1;
	expect(fx, -EINVAL, "record 0 (DOMAIN_CONFIG) at offset 64: padding "
	       "not zero");
}

static ssize_t failing_read(void *opaque, void *buf, size_t len)
{
	return -EIO;
}

static void sink_and_transport_errors(void **state)
{
	static const struct stream_io_ops bad_ops = { .read = failing_read };
	struct stream_io bad = { &bad_ops, NULL };
	struct fx *fx = *state;
	struct stream_reader *r;
	uint64_t e[1] = { ZERO(0) };

	begin(fx);
	fx->refuse_config = -EINVAL;
	expect(fx, -EINVAL, "domain config refused: Invalid argument");
	fx->refuse_config = 0;

	begin(fx);
	put_sync(fx, 0, 0);
	put_state(fx, 9, 8);
	fx->refuse_state = -ENOENT;
	expect(fx, -ENOENT, "state type 9 instance 0 refused");
	fx->refuse_state = 0;

	begin(fx);
	put(fx, STREAM_REC_PAGE_BATCH, batch(0, 1, 0, e, 1, 0, 0, NULL));
	fx->dst_pages = NPAGES - 1;
	expect(fx, -ERANGE, "guest RAM is 258048 bytes, the stream's domain "
	       "has 0x40 pages");
	fx->dst_pages = NPAGES;
	untouched(fx);

	assert_int_equal(stream_reader_create(&r, &bad, &fx_sink, fx), 0);
	assert_int_equal(stream_read(r), -EIO);
	assert_string_equal(stream_reader_error(r), "stream header at offset "
			    "0: read failed: Input/output error");
	/* the first error stays */
	assert_int_equal(stream_read(r), -EIO);
	stream_reader_destroy(r);
	stream_reader_destroy(NULL);
	stream_writer_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pfn_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(encodings_and_lengths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(zstd_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(record_order, setup, teardown),
		cmocka_unit_test_setup_teardown(record_types_and_lengths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(sink_and_transport_errors,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
