// SPDX-License-Identifier: MIT
/*
 * Guest RAM as a sparse memfd: the runs of pages that hold data
 * (SEEK_DATA/SEEK_HOLE), and sending exactly those. A hole is a page
 * nobody ever wrote, so it reads as zeros; reading it would allocate it.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "stream.h"
#include "stream_format.h"

int stream_for_each_data(int ram_fd, uint64_t nr_pages,
			 stream_run_fn fn, void *opaque)
{
	uint64_t pos = 0;

	while (pos < nr_pages) {
		off_t data = lseek(ram_fd, (off_t)(pos << STREAM_PAGE_SHIFT),
				   SEEK_DATA), hole;
		uint64_t first, end;
		int ret;

		if (data < 0)
			return errno == ENXIO ? 0 : -errno; /* ENXIO: no more */
		hole = lseek(ram_fd, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		first = (uint64_t)data >> STREAM_PAGE_SHIFT;
		end = ((uint64_t)hole + STREAM_PAGE_SIZE - 1) >> STREAM_PAGE_SHIFT;
		if (end > nr_pages)
			end = nr_pages;
		if (first >= end)
			break;		/* data only past the end of RAM */
		ret = fn(opaque, first, end);
		if (ret)
			return ret;
		pos = end;
	}
	return 0;
}

#define PFN_CHUNK 4096

struct populated {
	struct stream_writer *w;
	uint64_t *pfns;
	size_t n;
};

static int send_run(void *opaque, uint64_t first, uint64_t end)
{
	struct populated *p = opaque;
	int ret;

	for (uint64_t pfn = first; pfn < end; pfn++) {
		p->pfns[p->n++] = pfn;
		if (p->n < PFN_CHUNK)
			continue;
		ret = stream_write_pages(p->w, p->pfns, p->n);
		if (ret)
			return ret;
		p->n = 0;
	}
	return 0;
}

int stream_write_populated(struct stream_writer *w, int ram_fd,
			   uint64_t nr_pages)
{
	struct populated p = { .w = w };
	int ret;

	p.pfns = malloc(PFN_CHUNK * sizeof(*p.pfns));
	if (!p.pfns)
		return -ENOMEM;
	ret = stream_for_each_data(ram_fd, nr_pages, send_run, &p);
	if (!ret && p.n)
		ret = stream_write_pages(w, p.pfns, p.n);
	free(p.pfns);
	return ret;
}
