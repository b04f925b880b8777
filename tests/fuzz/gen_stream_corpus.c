// SPDX-License-Identifier: MIT
/*
 * Writes the stream fuzz target's seed corpus: valid streams for a
 * FUZZ_STREAM_PAGES-page domain that between them use every record type,
 * both page encodings, zstd batches, several rounds, an optional record
 * and a channel other than 0.
 * usage: gen_stream_corpus DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "stream_format.h"
#include "fuzz_stream.h"

#define NPAGES FUZZ_STREAM_PAGES

struct seed {
	const char *name;
	unsigned int channel, nr_channels;
	int zstd_level;
	unsigned int batch_pages;
	unsigned int rounds;
	int zero_every;		/* every n-th page is all zero */
	int optional;		/* add an unknown optional record */
};

static const struct seed seeds[] = {
	{ "dense", 0, 1, 0, 0, 1, 0, 0 },
	{ "sparse-rounds-state", 0, 1, 0, 4, 3, 2, 1 },
	{ "zstd", 0, 1, 3, 0, 2, 3, 0 },
	{ "channel1of2", 1, 2, 0, 2, 2, 3, 1 },
	{ "all-zero", 0, 1, 0, 0, 1, 1, 0 },
};

static void fill(uint8_t *ram, const struct seed *s)
{
	unsigned int p, i;

	for (p = 0; p < NPAGES; p++) {
		uint8_t *page = ram + (size_t)p * STREAM_PAGE_SIZE;

		if (s->zero_every && p % s->zero_every == 0) {
			memset(page, 0, STREAM_PAGE_SIZE);
			continue;
		}
		/* compressible but not trivial */
		for (i = 0; i < STREAM_PAGE_SIZE; i++)
			page[i] = (uint8_t)((p * 31 + i / 64) ^ (i & 7));
	}
}

static int write_seed(const char *dir, const struct seed *s, uint8_t *ram)
{
	struct stream_writer_config cfg = {
		.ram = ram, .nr_pages = NPAGES, .channel = s->channel,
		.nr_channels = s->nr_channels, .stream_id = 0x5eed,
		.zstd_level = s->zstd_level, .batch_pages = s->batch_pages,
	};
	static const char opt[] = "a hint an old reader may skip";
	struct stream_io_mem m;
	struct stream_writer *w = NULL;
	uint64_t pfns[NPAGES];
	unsigned int n = 0, p, r;
	char path[4096];
	FILE *f;
	int ret;

	fill(ram, s);
	for (p = s->channel; p < NPAGES; p += s->nr_channels)
		pfns[n++] = p;
	stream_io_mem_init_writer(&m);
	cfg.io = &m.io;
	ret = stream_writer_create(&w, &cfg);
	if (!ret)
		ret = stream_write_header(w, s->channel ? NULL : "cfg",
					  s->channel ? 0 : 3);
	if (!ret && s->optional)
		ret = stream_write_record(w, STREAM_REC_OPTIONAL | 0x42, opt,
					  sizeof(opt));
	for (r = 0; !ret && r < s->rounds; r++) {
		/* later rounds resend a few pages, as live migration does */
		ret = stream_write_pages(w, pfns, r ? n / 2 : n);
		if (!ret)
			ret = stream_write_sync(w);
	}
	if (!ret && s->channel == 0 && s->rounds > 1) {
		ret = stream_write_state(w, 1, 0, "vcpu0", 5);
		if (!ret)
			ret = stream_write_state(w, 2, 7, "", 0);
	}
	if (!ret)
		ret = stream_write_end(w, NULL);
	stream_writer_destroy(w);
	if (ret)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", dir, s->name);
	f = fopen(path, "wb");
	if (!f) {
		ret = -errno;
		goto out;
	}
	if (fwrite(m.buf, 1, m.len, f) != m.len)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -EIO;
out:
	stream_io_mem_fini(&m);
	if (ret)
		fprintf(stderr, "gen_stream_corpus: %s: %s\n", s->name,
			strerror(-ret));
	return ret;
}

int main(int argc, char **argv)
{
	uint8_t *ram;
	size_t i;
	int ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	ram = malloc((size_t)NPAGES * STREAM_PAGE_SIZE);
	if (!ram)
		return 1;
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]) && !ret; i++)
		ret = write_seed(argv[1], &seeds[i], ram);
	free(ram);
	return ret ? 1 : 0;
}
