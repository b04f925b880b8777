// SPDX-License-Identifier: MIT
/*
 * Log-dirty: one bit per guest page, set by every path that writes guest
 * RAM while logging is on. A clean page carries PFLAG_NOTDIRTY, which
 * keeps the page out of every vCPU's write TLB, so the first store to it
 * takes the slow path and lands in mem_note_write, which sets the bit
 * and lifts the flag (after which stores to the page are fast again for
 * the rest of the round). With logging off no page has the flag and the
 * store path costs nothing extra.
 *
 * Clean is a handshake with the running vCPUs (design.md §1): it takes
 * the bits, marks those pages not-dirty, then has every vCPU drop its
 * write TLB at an instruction boundary and waits for all of them. A
 * store that passed the fast-path check before the clean has therefore
 * completed when clean returns, so the caller's copy of the page sees it;
 * any later store to the page takes the slow path and marks it again.
 */
#include <errno.h>
#include <stdlib.h>
#include "hart.h"

static inline size_t words_for(uint64_t pages)
{
	return (size_t)((pages + 63) / 64);
}

int logdirty_enable(struct cpu_platform *p)
{
	if (!p->dirty) {
		p->dirty = calloc(words_for(p->nr_pages), sizeof(uint64_t));
		if (!p->dirty)
			return -ENOMEM;
	} else {
		for (size_t w = 0; w < words_for(p->nr_pages); w++)
			atomic_store(&p->dirty[w], 0);
	}
	for (uint64_t n = 0; n < p->nr_pages; n++)
		atomic_fetch_or(&p->pflags[n], PFLAG_NOTDIRTY);
	atomic_store(&p->logdirty, true);
	cpu_request_all(p, REQ_FLUSH_WTLB);
	return 0;
}

void logdirty_disable(struct cpu_platform *p)
{
	atomic_store(&p->logdirty, false);
	for (uint64_t n = 0; n < p->nr_pages; n++)
		atomic_fetch_and(&p->pflags[n], (uint8_t)~PFLAG_NOTDIRTY);
}

static int check_range(const struct cpu_platform *p, uint64_t first,
		       uint64_t count)
{
	if (!atomic_load(&p->logdirty) || !p->dirty)
		return -ENODATA;
	if (first > p->nr_pages || count > p->nr_pages - first)
		return -ERANGE;
	return 0;
}

/*
 * Takes (@clear) or reads the bits of pages [first, first + count) into
 * @out (bit i of out[i / 64] = page first + i). Returns how many were set.
 */
static uint64_t take_bits(struct cpu_platform *p, uint64_t first,
			  uint64_t count, uint64_t *out, bool clear)
{
	uint64_t set = 0;

	for (uint64_t i = 0; i < count; i += 64)
		out[i / 64] = 0;
	for (uint64_t i = 0; i < count;) {
		uint64_t pfn = first + i, w = pfn / 64, sh = pfn % 64;
		uint64_t n = 64 - sh < count - i ? 64 - sh : count - i;
		uint64_t mask = (n == 64 ? ~0ull : ((1ull << n) - 1)) << sh;
		uint64_t bits;

		if (clear)
			bits = atomic_fetch_and(&p->dirty[w], ~mask) & mask;
		else
			bits = atomic_load(&p->dirty[w]) & mask;
		bits >>= sh;
		for (uint64_t b = bits; b; b &= b - 1) {
			uint64_t k = i + (uint64_t)__builtin_ctzll(b);

			out[k / 64] |= 1ull << (k % 64);
			if (clear)
				atomic_fetch_or(&p->pflags[first + k],
						PFLAG_NOTDIRTY);
			set++;
		}
		i += n;
	}
	return set;
}

int logdirty_clean(struct cpu_platform *p, uint64_t first, uint64_t count,
		   uint64_t *out, uint64_t *nr_dirty)
{
	int ret = check_range(p, first, count);
	uint64_t n;

	if (ret)
		return ret;
	n = take_bits(p, first, count, out, true);
	/* The handshake: no vCPU keeps a fast path into a cleaned page. */
	cpu_request_all(p, REQ_FLUSH_WTLB);
	if (nr_dirty)
		*nr_dirty = n;
	return 0;
}

int logdirty_peek(struct cpu_platform *p, uint64_t first, uint64_t count,
		  uint64_t *out, uint64_t *nr_dirty)
{
	int ret = check_range(p, first, count);
	uint64_t n;

	if (ret)
		return ret;
	n = take_bits(p, first, count, out, false);
	if (nr_dirty)
		*nr_dirty = n;
	return 0;
}

int logdirty_mark(struct cpu_platform *p, uint64_t first, uint64_t count)
{
	struct bus *bus = p->bus;

	if (first > p->nr_pages || count > p->nr_pages - first)
		return -ERANGE;
	if (count)
		mem_note_write(p, bus->ram_base + (first << PAGE_SHIFT),
			       count << PAGE_SHIFT);
	return 0;
}
