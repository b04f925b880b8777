// SPDX-License-Identifier: MIT
/*
 * The decoded-instruction cache: per vCPU, keyed by guest-physical page.
 * A page's slots are decoded lazily on first execution. A page is marked
 * PFLAG_CODE while decoded so that stores into it take the slow path,
 * which bumps the page's generation; a generation mismatch on entry makes
 * the page decode afresh. fence.i drops everything.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "hart.h"

int dcache_init(struct cpu *c)
{
	void *p = mmap(NULL, DCACHE_PAGES * sizeof(struct dpage),
		       PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	c->dpages = p;
	c->dpages_used = 0;
	memset(c->dhash, 0, sizeof(c->dhash));
	return 0;
}

void dcache_fini(struct cpu *c)
{
	if (c->dpages)
		munmap(c->dpages, DCACHE_PAGES * sizeof(struct dpage));
	c->dpages = NULL;
}

/*
 * Zeroes [p, p + len) so that whole host pages inside it are given back
 * (MADV_DONTNEED: they read as zero and are allocated again only when a
 * slot in them is decoded). Most of a code page's slots are never
 * executed, so the decoded cache holds resident only what runs.
 */
static void zero_lazily(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, e = a + len;
	uintptr_t pa = (a + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
	uintptr_t pe = e & ~(uintptr_t)(PAGE_SIZE - 1);

	if (pe <= pa || madvise((void *)pa, pe - pa, MADV_DONTNEED) != 0) {
		memset(p, 0, len);
		return;
	}
	memset(p, 0, pa - a);
	memset((void *)pe, 0, e - pe);
}

void dcache_drop(struct cpu *c)
{
	memset(c->dhash, 0, sizeof(c->dhash));
	/* the pool's memory goes back to the host until it is used again */
	if (c->dpages_used)
		zero_lazily(c->dpages, c->dpages_used * sizeof(struct dpage));
	c->dpages_used = 0;
	tlb_flush_fetch(c);
}

/*
 * fence.i. Every write to a page with decoded code bumps the page's
 * generation (the slow path, devices and dom0 through mem_note_write; the
 * store fast path is closed to such pages on every vCPU, see
 * dpage_reset), so a decoded page is current exactly when its generation
 * matches. Dropping the fetch TLB sends the next fetch from each page
 * through dcache_get, which checks it: Linux's frequent fence.i (every
 * flush_icache_all, local and through SBI) costs no re-decoding.
 */
void dcache_flush(struct cpu *c)
{
	tlb_flush_fetch(c);
}

static void dpage_reset(struct cpu *c, struct dpage *dp, uint64_t ppn,
			const uint8_t *host)
{
	struct cpu_platform *p = c->plat;
	uint8_t old = atomic_fetch_or(&p->pflags[ppn], PFLAG_CODE);

	/*
	 * Before anything is decoded, no vCPU may keep a write-TLB entry
	 * for the page: their stores must take the slow path, which bumps
	 * the generation. Write entries are only filled for pages whose
	 * flags are zero, so one round of acknowledgements suffices until
	 * a store clears the flags again.
	 */
	if (!(old & PFLAG_CODE_SAFE)) {
		cpu_request_others(c, REQ_FLUSH_WTLB);
		atomic_fetch_or(&p->pflags[ppn], PFLAG_CODE_SAFE);
	}
	dp->ppn = ppn;
	dp->host = host;
	dp->gen = atomic_load(&p->code_gen[ppn]);
	zero_lazily(dp->slot, sizeof(dp->slot));
	dp->slot[DPAGE_SLOTS].op = OP_PAGE_END;
	/* Our own stores into this page must now take the slow path. */
	tlb_flush_writes(c);
}

static inline unsigned dhash_of(uint64_t ppn)
{
	return (unsigned)((ppn * 0x9e3779b97f4a7c15ull) >> 52) &
	       (DCACHE_HASH - 1);
}

struct dpage *dcache_get(struct cpu *c, uint64_t ppn, uint8_t *host)
{
	unsigned h = dhash_of(ppn);
	struct dpage *dp;

	while ((dp = c->dhash[h]) != NULL) {
		if (dp->ppn == ppn) {
			if (dp->gen != atomic_load(&c->plat->code_gen[ppn]))
				dpage_reset(c, dp, ppn, host);
			return dp;
		}
		h = (h + 1) & (DCACHE_HASH - 1);
	}
	if (c->dpages_used == DCACHE_PAGES) {
		dcache_drop(c);
		h = dhash_of(ppn);
	}
	dp = &c->dpages[c->dpages_used++];
	dpage_reset(c, dp, ppn, host);
	c->dhash[h] = dp;
	return dp;
}
