// SPDX-License-Identifier: MIT
/*
 * The record stream end to end: round trips (dense, sparse with zero
 * pages over stale destination data, several rounds, zstd, three channels,
 * the fd backend), the writer's own refusals, and damage to a valid
 * stream: truncation at every offset, every byte flipped, every header
 * field, reordered and duplicated records, a missing END, trailing bytes,
 * a manifest that no longer matches guest RAM.
 * Crafted hostile records are in test_stream_hostile.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "stream_fixture.h"

static uint64_t all_pfns[NPAGES];

static int setup(void **state)
{
	unsigned int i;

	for (i = 0; i < NPAGES; i++)
		all_pfns[i] = i;
	*state = fx_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	fx_free(*state);
	return 0;
}

/* A complete one-channel stream of fx->src: config, rounds, state, end. */
static void write_all(struct fx *fx, int zstd, unsigned int batch,
		      unsigned int rounds)
{
	unsigned int r;

	assert_int_equal(fx_writer(fx, 0, 1, zstd, batch), 0);
	assert_int_equal(stream_write_header(fx->w, "config", 6), 0);
	for (r = 0; r < rounds; r++) {
		assert_int_equal(stream_write_pages(fx->w, all_pfns,
						    r ? NPAGES / 3 : NPAGES),
				 0);
		assert_int_equal(stream_write_sync(fx->w), 0);
	}
	assert_int_equal(stream_write_state(fx->w, 1, 0, "vcpu", 4), 0);
	assert_int_equal(stream_write_state(fx->w, 2, 3, "dev", 3), 0);
	assert_int_equal(stream_write_end(fx->w, NULL), 0);
}

static void round_trip_dense(void **state)
{
	struct fx *fx = *state;

	fill_ram(fx->src, 1, 0);
	write_all(fx, 0, 0, 1);
	assert_int_equal(fx_read(fx), 0);
	assert_memory_equal(fx->dst, fx->src, RAM_BYTES);
	assert_int_equal(fx->config_calls, 1);
	assert_int_equal(fx->config_len, 6);
	assert_memory_equal(fx->config, "config", 6);
	assert_int_equal(fx->state_calls, 2);
	assert_int_equal(fx->last_state_type, 2);
	assert_int_equal(fx->last_instance, 3);
	assert_int_equal(fx->end_calls, 1);
	assert_int_equal(fx->end.page_entries, NPAGES);
	assert_int_equal(fx->end.zero_entries, 0);
	assert_int_equal(fx->end.nonzero_pages, NPAGES);
	assert_int_equal(fx->end.batches, 1);
	assert_int_equal(fx->end.rounds, 1);
}

/* Zero pages must overwrite stale data, and later rounds win. */
static void round_trip_sparse_rounds(void **state)
{
	struct fx *fx = *state;
	uint64_t some[] = { 1, 2, 5, 40 };
	unsigned int zeros = 0, p;

	fill_ram(fx->src, 2, 60);
	memset(fx->dst, 0xaa, RAM_BYTES);
	for (p = 0; p < NPAGES; p++)
		zeros += stream_page_is_zero(fx->src + p * STREAM_PAGE_SIZE);
	assert_true(zeros > 10 && zeros < NPAGES);

	assert_int_equal(fx_writer(fx, 0, 1, 0, 7), 0);
	assert_int_equal(stream_write_header(fx->w, "c", 1), 0);
	assert_int_equal(stream_write_pages(fx->w, all_pfns, NPAGES), 0);
	assert_int_equal(stream_write_sync(fx->w), 0);
	/* the guest dirties pages; round 1 resends them */
	memset(fx->src + 1 * STREAM_PAGE_SIZE, 0x11, STREAM_PAGE_SIZE);
	memset(fx->src + 2 * STREAM_PAGE_SIZE, 0, STREAM_PAGE_SIZE);
	fx->src[5 * STREAM_PAGE_SIZE + 9] ^= 0xff;
	memset(fx->src + 40 * STREAM_PAGE_SIZE, 0x40, STREAM_PAGE_SIZE);
	assert_int_equal(stream_write_pages(fx->w, some, 4), 0);
	assert_int_equal(stream_write_sync(fx->w), 0);
	/* an empty round is still a round */
	assert_int_equal(stream_write_sync(fx->w), 0);
	assert_int_equal(stream_write_end(fx->w, NULL), 0);

	assert_int_equal(fx_read(fx), 0);
	assert_memory_equal(fx->dst, fx->src, RAM_BYTES);
	assert_int_equal(fx->sync_calls, 3);
	assert_int_equal(fx->state_calls, 0);
	assert_int_equal(fx->end.rounds, 3);
	assert_int_equal(fx->end.page_entries, NPAGES + 4);
	assert_true(fx->end.zero_entries >= zeros);
	assert_int_equal(fx->end.batches, (NPAGES + 6) / 7 + 1);
}

static void round_trip_zstd(void **state)
{
	struct fx *fx = *state;
	size_t raw_len;
	unsigned int p, i;

	/* compressible pages: text-like, different per page */
	for (p = 0; p < NPAGES; p++)
		for (i = 0; i < STREAM_PAGE_SIZE; i++)
			fx->src[p * STREAM_PAGE_SIZE + i] =
				p % 5 ? 'a' + (i * p / 97) % 26 : 0;
	write_all(fx, 0, 0, 2);
	raw_len = fx->out.len;
	write_all(fx, 3, 0, 2);
	assert_true(fx->out.len < raw_len / 4);
	memset(fx->dst, 0x55, RAM_BYTES);
	assert_int_equal(fx_read(fx), 0);
	assert_memory_equal(fx->dst, fx->src, RAM_BYTES);

	/* incompressible pages go raw even when zstd is asked for */
	fill_ram(fx->src, 3, 0);
	write_all(fx, 3, 0, 1);
	assert_true(fx->out.len > RAM_BYTES);
	assert_int_equal(fx_read(fx), 0);
	assert_memory_equal(fx->dst, fx->src, RAM_BYTES);
}

/* Three channels, pfn mod 3, read by three readers into one guest. */
static void round_trip_channels(void **state)
{
	struct fx *fx = *state;
	uint64_t pfns[NPAGES];
	struct stream_manifest m, sum = { 0 };
	unsigned int ch, n, p;

	fill_ram(fx->src, 4, 30);
	for (ch = 0; ch < 3; ch++) {
		for (n = 0, p = ch; p < NPAGES; p += 3)
			pfns[n++] = p;
		assert_int_equal(fx_writer(fx, ch, 3, ch == 1 ? 1 : 0, 5), 0);
		assert_int_equal(stream_write_header(fx->w, ch ? NULL : "c",
						     ch ? 0 : 1), 0);
		/* a page of another channel's class is refused */
		assert_int_equal(stream_write_pages(fx->w,
						    &all_pfns[(ch + 1) % 3],
						    1), -EINVAL);
		assert_int_equal(stream_write_sync(fx->w), 0);
		assert_int_equal(stream_write_pages(fx->w, pfns, n), 0);
		assert_int_equal(stream_write_sync(fx->w), 0);
		if (ch)	/* only channel 0 carries state */
			assert_int_equal(stream_write_state(fx->w, 1, 0, "", 0),
					 -EINVAL);
		assert_int_equal(stream_write_end(fx->w, &m), 0);
		sum.digest_lo += m.digest_lo;
		sum.digest_hi += m.digest_hi;
		sum.nonzero_pages += m.nonzero_pages;
		assert_int_equal(fx_read(fx), 0);
		assert_int_equal(fx->config_calls, ch == 0);
	}
	assert_memory_equal(fx->dst, fx->src, RAM_BYTES);
	/* the channels' digests add up to the domain's */
	stream_digest(fx->src, NPAGES, 0, 1, &m);
	assert_true(m.digest_lo == sum.digest_lo &&
		    m.digest_hi == sum.digest_hi);
	assert_int_equal(m.nonzero_pages, sum.nonzero_pages);
}

static void round_trip_fd(void **state)
{
	struct fx *fx = *state;
	struct stream_io_fd fio;
	struct stream_reader *r;
	FILE *f = tmpfile();

	assert_non_null(f);
	fill_ram(fx->src, 5, 50);
	write_all(fx, 0, 0, 1);
	stream_io_fd_init(&fio, fileno(f));
	assert_int_equal(fio.io.ops->write(fio.io.opaque, fx->out.buf,
					   fx->out.len), 0);
	assert_int_equal(lseek(fileno(f), 0, SEEK_SET), 0);
	assert_int_equal(stream_reader_create(&r, &fio.io, &fx_sink, fx), 0);
	assert_int_equal(stream_read(r), 0);
	assert_int_equal(stream_reader_offset(r), fx->out.len);
	stream_reader_destroy(r);
	fclose(f);
	assert_memory_equal(fx->dst, fx->src, RAM_BYTES);
}

static void writer_refusals(void **state)
{
	struct fx *fx = *state;
	struct stream_writer_config bad = { .io = &fx->out.io, .ram = fx->src,
					    .nr_pages = NPAGES,
					    .channel = 2, .nr_channels = 2 };
	struct stream_writer *w;
	uint64_t out_of_range = NPAGES;

	assert_int_equal(stream_writer_create(&w, &bad), -EINVAL);
	assert_int_equal(fx_writer(fx, 0, 1, 0, 0), 0);
	assert_int_equal(stream_write_sync(fx->w), -EPROTO);
	assert_int_equal(stream_write_header(fx->w, NULL, 0), -EINVAL);
	assert_int_equal(stream_write_header(fx->w, "c", 1), 0);
	assert_int_equal(stream_write_header(fx->w, "c", 1), -EPROTO);
	assert_int_equal(stream_write_pages(fx->w, &out_of_range, 1), -EINVAL);
	/* END and STATE need the round closed */
	assert_int_equal(stream_write_end(fx->w, NULL), -EPROTO);
	assert_int_equal(stream_write_pages(fx->w, all_pfns, 3), 0);
	assert_int_equal(stream_write_state(fx->w, 1, 0, "", 0), -EPROTO);
	assert_int_equal(stream_write_end(fx->w, NULL), -EPROTO);
	assert_int_equal(stream_write_sync(fx->w), 0);
	assert_int_equal(stream_write_state(fx->w, 0, 0, "", 0), -EINVAL);
	assert_int_equal(stream_write_state(fx->w, 1, 0, "", 0), 0);
	assert_int_equal(stream_write_pages(fx->w, all_pfns, 3), -EPROTO);
	assert_int_equal(stream_write_end(fx->w, NULL), 0);
}

/*
 * A small valid stream with every kind of record, for the damage loops:
 * pages 0, 4 and 9 hold data, page 3 is sent as ZERO, the rest never sent.
 */
static void small_stream_is_valid(struct fx *fx)
{
	static const char hint[] = "optional";
	uint64_t pfns[] = { 0, 3, 4, 9 };
	uint8_t keep[3][STREAM_PAGE_SIZE];

	fill_ram(fx->src, 6, 0);
	memcpy(keep[0], fx->src, STREAM_PAGE_SIZE);
	memcpy(keep[1], fx->src + 4 * STREAM_PAGE_SIZE, STREAM_PAGE_SIZE);
	memcpy(keep[2], fx->src + 9 * STREAM_PAGE_SIZE, STREAM_PAGE_SIZE);
	memset(fx->src, 0, RAM_BYTES);
	memcpy(fx->src, keep[0], STREAM_PAGE_SIZE);
	memcpy(fx->src + 4 * STREAM_PAGE_SIZE, keep[1], STREAM_PAGE_SIZE);
	memcpy(fx->src + 9 * STREAM_PAGE_SIZE, keep[2], STREAM_PAGE_SIZE);

	assert_int_equal(fx_writer(fx, 0, 1, 0, 2), 0);
	assert_int_equal(stream_write_header(fx->w, "cfg", 3), 0);
	assert_int_equal(stream_write_record(fx->w, STREAM_REC_OPTIONAL | 7,
					     hint, sizeof(hint)), 0);
	assert_int_equal(stream_write_pages(fx->w, pfns, 4), 0);
	assert_int_equal(stream_write_sync(fx->w), 0);
	assert_int_equal(stream_write_state(fx->w, 1, 0, "vcpu0", 5), 0);
	assert_int_equal(stream_write_end(fx->w, NULL), 0);
	memset(fx->dst, 0, RAM_BYTES);
	assert_int_equal(fx_read(fx), 0);
	assert_memory_equal(fx->dst, fx->src, RAM_BYTES);
	assert_int_equal(fx->end.zero_entries, 1);
	assert_int_equal(fx->end.nonzero_pages, 3);
}

static void truncated_everywhere(void **state)
{
	struct fx *fx = *state;
	size_t len, cut;

	small_stream_is_valid(fx);
	len = fx->out.len;
	for (cut = 0; cut < len; cut++) {
		int ret = fx_read_buf(fx, fx->out.buf, cut);

		if (ret != -ENODATA)
			fail_msg("cut at %zu: %d (%s)", cut, ret, fx->msg);
		assert_int_equal(fx->end_calls, 0);
	}
	assert_non_null(strstr(fx->msg, "(END)"));
}

static void every_byte_flipped(void **state)
{
	struct fx *fx = *state;
	uint8_t *copy;
	size_t len, i;

	small_stream_is_valid(fx);
	len = fx->out.len;
	copy = malloc(len);
	assert_non_null(copy);
	for (i = 0; i < len; i++) {
		int ret;

		memcpy(copy, fx->out.buf, len);
		copy[i] ^= 0x20;
		ret = fx_read_buf(fx, copy, len);
		if (ret >= 0)
			fail_msg("flip at %zu accepted", i);
		assert_int_equal(fx->end_calls, 0);
	}
	free(copy);
}

static void header_fields(void **state)
{
	struct fx *fx = *state;
	struct stream_hdr *h;
	uint8_t *copy;
	size_t len;

	small_stream_is_valid(fx);
	len = fx->out.len;
	copy = malloc(len);
	assert_non_null(copy);
	h = (struct stream_hdr *)copy;

#define TRY(edit, sealed, err, text)                                       \
	do {                                                               \
		memcpy(copy, fx->out.buf, len);                            \
		edit;                                                      \
		if (sealed)                                                \
			reseal(copy, len);                                 \
		assert_int_equal(fx_read_buf(fx, copy, len), err);         \
		if (!strstr(fx->msg, text))                                \
			fail_msg("message \"%s\" lacks \"%s\"", fx->msg,   \
				 text);                                    \
	} while (0)

	TRY(h->magic[0] = 'H', 1, -EINVAL, "offset 0: bad magic");
	TRY(h->magic[7] = 0, 1, -EINVAL, "bad magic");
	TRY(h->version = htole32(2), 0, -EPROTONOSUPPORT, "version 2");
	TRY(h->version = htole32(0), 1, -EPROTONOSUPPORT, "version 0");
	TRY(h->nr_pages ^= 1, 0, -EBADMSG, "header checksum");
	TRY(h->stream_id ^= 1, 0, -EBADMSG, "header checksum");
	TRY(h->page_shift = 13, 1, -EINVAL, "page size 2^13");
	TRY(h->flags = htole32(1), 1, -EINVAL, "unknown flags");
	TRY(h->reserved0 = 1, 1, -EINVAL, "reserved");
	TRY(h->reserved1 = 1, 1, -EINVAL, "reserved");
	TRY(h->reserved2[1] = 1, 1, -EINVAL, "reserved");
	TRY(h->nr_channels = 0, 1, -EINVAL, "0 channels");
	TRY(h->nr_channels = htole16(257), 1, -EINVAL, "257 channels");
	TRY(h->channel = htole16(1), 1, -EINVAL, "channel 1 of 1");
	TRY(h->nr_pages = 0, 1, -EINVAL, "domain of 0 pages");
	TRY(h->nr_pages = htole64(1ull << 41), 1, -EINVAL, "pages");
	/* a valid header for a bigger domain than the sink's */
	TRY(h->nr_pages = htole64(NPAGES * 2), 1, -ERANGE, "guest RAM is");
	/* stream_id seeds the record checksums: the records no longer fit */
	TRY(h->stream_id ^= 1; h->hdr_sum = htole64(XXH3_64bits_withSeed(
		copy, 56, 0)), 0, -EBADMSG,
	    "record 0 at offset 64: record header checksum mismatch");
	/* channel 1 of 2: DOMAIN_CONFIG is channel 0's */
	TRY(h->channel = htole16(1); h->nr_channels = htole16(2), 1, -EPROTO,
	    "DOMAIN_CONFIG is allowed only");
#undef TRY
	free(copy);
}

static void records_reordered(void **state)
{
	struct fx *fx = *state;
	size_t offs[16], n, len, a, b;
	char want[128];
	uint8_t *copy;

	small_stream_is_valid(fx);
	len = fx->out.len;
	n = rec_offsets(fx->out.buf, len, offs, 16);
	assert_int_equal(n, 7);	/* config, optional, 2 batches, ... */
	copy = malloc(len * 2);
	assert_non_null(copy);

	/* duplicate record 2 (the first batch) */
	a = offs[2];
	b = offs[3];
	memcpy(copy, fx->out.buf, b);
	memcpy(copy + b, fx->out.buf + a, b - a);
	memcpy(copy + b + (b - a), fx->out.buf + b, len - b);
	assert_int_equal(fx_read_buf(fx, copy, len + (b - a)), -EPROTO);
	snprintf(want, sizeof(want), "record 3 (PAGE_BATCH) at offset %zu: "
		 "sequence number 2, expected 3", b);
	assert_string_equal(fx->msg, want);

	/* swap the two batches */
	memcpy(copy, fx->out.buf, a);
	memcpy(copy + a, fx->out.buf + b, offs[4] - b);
	memcpy(copy + a + (offs[4] - b), fx->out.buf + a, b - a);
	memcpy(copy + offs[4], fx->out.buf + offs[4], len - offs[4]);
	assert_int_equal(fx_read_buf(fx, copy, len), -EPROTO);
	assert_non_null(strstr(fx->msg, "sequence number 3, expected 2"));

	/* drop the SYNC: both its seq and the round are missing */
	memcpy(copy, fx->out.buf, offs[4]);
	memcpy(copy + offs[4], fx->out.buf + offs[5], len - offs[5]);
	assert_int_equal(fx_read_buf(fx, copy, len - (offs[5] - offs[4])),
			 -EPROTO);
	free(copy);
}

static void missing_end_and_trailing(void **state)
{
	struct fx *fx = *state;
	size_t offs[16], n, len;
	uint8_t *copy;

	small_stream_is_valid(fx);
	len = fx->out.len;
	n = rec_offsets(fx->out.buf, len, offs, 16);
	assert_int_equal(fx_read_buf(fx, fx->out.buf, offs[n - 1]), -ENODATA);
	assert_non_null(strstr(fx->msg, "stream ends before the END record"));

	copy = calloc(1, len + 8);
	assert_non_null(copy);
	memcpy(copy, fx->out.buf, len);
	assert_int_equal(fx_read_buf(fx, copy, len + 1), -EPROTO);
	assert_non_null(strstr(fx->msg, "trailing data"));
	assert_int_equal(fx_read_buf(fx, copy, len + 8), -EPROTO);
	assert_int_equal(fx->end_calls, 1);	/* verified, then trailing */
	free(copy);
}

/* A page changed after it was sent and not sent again. */
static void manifest_mismatch(void **state)
{
	struct fx *fx = *state;
	size_t offs[16], n;
	struct stream_manifest_wire *mw;

	fill_ram(fx->src, 7, 20);
	assert_int_equal(fx_writer(fx, 0, 1, 0, 0), 0);
	assert_int_equal(stream_write_header(fx->w, "c", 1), 0);
	assert_int_equal(stream_write_pages(fx->w, all_pfns, NPAGES), 0);
	assert_int_equal(stream_write_sync(fx->w), 0);
	fx->src[33 * STREAM_PAGE_SIZE + 100] ^= 1;	/* dirty, unsent */
	assert_int_equal(stream_write_end(fx->w, NULL), 0);
	assert_int_equal(fx_read(fx), -EBADMSG);
	assert_non_null(strstr(fx->msg, "(END)"));
	assert_non_null(strstr(fx->msg, "manifest digest"));
	assert_int_equal(fx->end_calls, 0);

	/* a page zeroed after sending: the non-zero count differs first */
	fill_ram(fx->src, 7, 0);
	assert_int_equal(fx_writer(fx, 0, 1, 0, 0), 0);
	assert_int_equal(stream_write_header(fx->w, "c", 1), 0);
	assert_int_equal(stream_write_pages(fx->w, all_pfns, NPAGES), 0);
	assert_int_equal(stream_write_sync(fx->w), 0);
	memset(fx->src, 0, STREAM_PAGE_SIZE);
	assert_int_equal(stream_write_end(fx->w, NULL), 0);
	assert_int_equal(fx_read(fx), -EBADMSG);
	assert_non_null(strstr(fx->msg, "63 non-zero pages, guest RAM has 64"));

	/* counts that disagree with what the channel carried */
	fill_ram(fx->src, 8, 20);
	write_all(fx, 0, 0, 1);
	n = rec_offsets(fx->out.buf, fx->out.len, offs, 16);
	mw = (void *)(fx->out.buf + offs[n - 1] + 32);
	mw->batches = htole64(2);
	reseal(fx->out.buf, fx->out.len);
	assert_int_equal(fx_read(fx), -EPROTO);
	assert_non_null(strstr(fx->msg, "manifest says 2 batches, the "
				"channel carried 1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip_dense, setup,
						teardown),
		cmocka_unit_test_setup_teardown(round_trip_sparse_rounds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(round_trip_zstd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(round_trip_channels, setup,
						teardown),
		cmocka_unit_test_setup_teardown(round_trip_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(writer_refusals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(truncated_everywhere, setup,
						teardown),
		cmocka_unit_test_setup_teardown(every_byte_flipped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(header_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(records_reordered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(missing_end_and_trailing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(manifest_mismatch, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
