// SPDX-License-Identifier: MIT
/*
 * Address translation (Sv39 and bare), the software TLB and the slow
 * paths of loads, stores, atomics and fetches: MMIO dispatch, misaligned
 * accesses (carried out byte by byte, as OpenSBI emulates them) and the
 * write tracking that keeps decoded code and, later, log-dirty exact.
 */
#include <string.h>
#include "hart.h"

#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((1ull << 44) - 1)
#define PTE_RESERVED (~0ull << 54)	/* N, PBMT, reserved: unimplemented */

#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39 8ull

void tlb_flush_fetch(struct cpu *c)
{
	for (unsigned s = 0; s < TLBSET_N; s++)
		for (unsigned k = 0; k < TLB_SIZE; k++)
			c->tlb_x[s][k] = (struct xtlb_entry){ ~0ull, NULL };
}

void tlb_flush(struct cpu *c)
{
	memset(c->tlb_r, 0xff, sizeof(c->tlb_r));
	memset(c->tlb_w, 0xff, sizeof(c->tlb_w));
	tlb_flush_fetch(c);
	c->super_lo = ~0ull;
	c->super_hi = 0;
}

void tlb_flush_writes(struct cpu *c)
{
	memset(c->tlb_w, 0xff, sizeof(c->tlb_w));
}

void tlb_flush_va(struct cpu *c, uint64_t va)
{
	unsigned idx = (va >> PAGE_SHIFT) & (TLB_SIZE - 1);
	uint64_t tag = va & PAGE_MASK;

	if (va >= c->super_lo && va < c->super_hi) {
		tlb_flush(c);
		return;
	}
	for (unsigned s = 0; s < TLBSET_N; s++) {
		if (c->tlb_r[s][idx].tag == tag)
			c->tlb_r[s][idx].tag = ~0ull;
		if (c->tlb_w[s][idx].tag == tag)
			c->tlb_w[s][idx].tag = ~0ull;
		if (c->tlb_x[s][idx].tag == tag)
			c->tlb_x[s][idx].tag = ~0ull;
	}
}

void tlb_update_set(struct cpu *c)
{
	if (c->priv == PRV_U)
		c->tlbset = TLBSET_U;
	else
		c->tlbset = (c->status & SSTATUS_SUM) ? TLBSET_SUM : TLBSET_S;
}

/*
 * Records a write to guest RAM by anyone (vCPU slow path, device, SBI,
 * dom0 later): invalidates decoded code of the pages. Returns true if a
 * page held decoded code, so a vCPU writer can drop its own fetch TLB.
 */
bool mem_note_write(struct cpu_platform *p, uint64_t pa, uint64_t len)
{
	bool code = false;

	/* Pairs with the flag update in dpage_reset: either the decoder
	 * sees our data or we see its flag and bump the generation. */
	atomic_thread_fence(memory_order_seq_cst);
	struct bus *bus = p->bus;
	uint64_t first, last;

	if (!len || !bus_is_ram(bus, pa, len))
		return false;
	first = (pa - bus->ram_base) >> PAGE_SHIFT;
	last = (pa + len - 1 - bus->ram_base) >> PAGE_SHIFT;
	for (uint64_t n = first; n <= last; n++) {
		uint8_t fl = atomic_load_explicit(&p->pflags[n],
						  memory_order_acquire);

		if (fl & PFLAG_NOTDIRTY) {
			/*
			 * Lift the flag first, then set the bit, and only if
			 * we lifted it. The other order loses a page: a clean
			 * could take the new bit and re-flag the page between
			 * the two, and our lift would then leave it unflagged
			 * with no bit, its later stores unrecorded.
			 */
			uint8_t old = atomic_fetch_and(&p->pflags[n],
					(uint8_t)~PFLAG_NOTDIRTY);

			if (old & PFLAG_NOTDIRTY)
				atomic_fetch_or(&p->dirty[n / 64],
						1ull << (n % 64));
		}
		if (fl & (PFLAG_CODE | PFLAG_CODE_SAFE)) {
			atomic_fetch_and(&p->pflags[n],
					 (uint8_t)~(PFLAG_CODE | PFLAG_CODE_SAFE));
			atomic_fetch_add(&p->code_gen[n], 1);
			code = true;
		}
	}
	return code;
}

/* A vCPU wrote guest RAM: its next fetch from a rewritten code page
 * must decode afresh (self-modifying code on this hart). */
static void note_cpu_write(struct cpu *c, uint64_t pa, uint64_t len)
{
	if (mem_note_write(c->plat, pa, len))
		tlb_flush_fetch(c);
}

static inline uint64_t fault_cause(enum access acc, bool page)
{
	if (acc == ACC_EXEC)
		return page ? EXC_INSN_PAGE : EXC_INSN_ACCESS;
	if (acc == ACC_WRITE)
		return page ? EXC_STORE_PAGE : EXC_STORE_ACCESS;
	return page ? EXC_LOAD_PAGE : EXC_LOAD_ACCESS;
}

/*
 * Translates @va for @acc in the current mode. Returns 0 with the
 * physical address in *pa, or the exception cause. Sets A (and D for
 * writes) in the leaf PTE atomically, as QEMU does in hardware.
 */
static uint64_t translate(struct cpu *c, uint64_t va, enum access acc,
			  uint64_t *pa)
{
	struct bus *bus = c->plat->bus;
	uint64_t mode = c->satp >> SATP_MODE_SHIFT;
	uint64_t base, pte, pte_pa;
	int level;

	if (mode == 0) {
		*pa = va;
		return 0;
	}
	/* Sv39: bits 63..39 must equal bit 38. */
	if ((uint64_t)((int64_t)(va << 25) >> 25) != va)
		return fault_cause(acc, true);
	base = (c->satp & PTE_PPN_MASK) << PAGE_SHIFT;
	for (level = 2; level >= 0; level--) {
		unsigned idx = (va >> (PAGE_SHIFT + 9 * level)) & 0x1ff;
		_Atomic uint64_t *slot;

		pte_pa = base + idx * 8;
		if (!bus_is_ram(bus, pte_pa, 8))
			return fault_cause(acc, false);
		slot = (_Atomic uint64_t *)(bus->ram + (pte_pa - bus->ram_base));
retry:
		pte = atomic_load_explicit(slot, memory_order_acquire);
		if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W)) ||
		    (pte & PTE_RESERVED))
			return fault_cause(acc, true);
		if (!(pte & (PTE_R | PTE_X))) {
			if (pte & (PTE_A | PTE_D | PTE_U))
				return fault_cause(acc, true);
			base = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK)
			       << PAGE_SHIFT;
			continue;
		}
		/* Leaf. */
		uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;

		if (level > 0 && (ppn & ((1ull << (9 * level)) - 1)))
			return fault_cause(acc, true);
		if (c->priv == PRV_U) {
			if (!(pte & PTE_U))
				return fault_cause(acc, true);
		} else if (pte & PTE_U) {
			if (acc == ACC_EXEC || !(c->status & SSTATUS_SUM))
				return fault_cause(acc, true);
		}
		if (acc == ACC_EXEC && !(pte & PTE_X))
			return fault_cause(acc, true);
		if (acc == ACC_READ && !(pte & PTE_R) &&
		    !((c->status & SSTATUS_MXR) && (pte & PTE_X)))
			return fault_cause(acc, true);
		if (acc == ACC_WRITE && !(pte & PTE_W))
			return fault_cause(acc, true);
		{
			uint64_t want = pte | PTE_A |
					(acc == ACC_WRITE ? PTE_D : 0);

			if (want != pte) {
				if (!atomic_compare_exchange_strong(slot, &pte,
								    want))
					goto retry;
				note_cpu_write(c, pte_pa, 8);
			}
		}
		if (level > 0) {
			/* Cached in 4 KiB pieces: remember where. */
			uint64_t sz = 1ull << (PAGE_SHIFT + 9 * level);
			uint64_t lo = va & ~(sz - 1);

			if (lo < c->super_lo)
				c->super_lo = lo;
			if (lo + sz > c->super_hi)
				c->super_hi = lo + sz;
		}
		*pa = ((ppn << PAGE_SHIFT) & ~((1ull << (PAGE_SHIFT + 9 * level))
					       - 1)) |
		      (va & ((1ull << (PAGE_SHIFT + 9 * level)) - 1));
		return 0;
	}
	return fault_cause(acc, true);
}

static inline uint64_t ram_ppn(const struct bus *bus, uint64_t pa)
{
	return (pa - bus->ram_base) >> PAGE_SHIFT;
}

static void fill_read(struct cpu *c, uint64_t va, uint64_t pa)
{
	struct bus *bus = c->plat->bus;
	struct tlb_entry *e =
		&c->tlb_r[c->tlbset][(va >> PAGE_SHIFT) & (TLB_SIZE - 1)];

	e->tag = va & PAGE_MASK;
	e->addend = (uintptr_t)(bus->ram + ((pa & PAGE_MASK) - bus->ram_base)) -
		    (va & PAGE_MASK);
}

/* A write entry only for pages whose stores need no tracking. */
static void fill_write(struct cpu *c, uint64_t va, uint64_t pa)
{
	struct bus *bus = c->plat->bus;
	struct tlb_entry *e =
		&c->tlb_w[c->tlbset][(va >> PAGE_SHIFT) & (TLB_SIZE - 1)];

	if (atomic_load_explicit(&c->plat->pflags[ram_ppn(bus, pa)],
				 memory_order_acquire))
		return;
	e->tag = va & PAGE_MASK;
	e->addend = (uintptr_t)(bus->ram + ((pa & PAGE_MASK) - bus->ram_base)) -
		    (va & PAGE_MASK);
}

/* Aligned accesses to guest RAM, relaxed atomic as in exec.c. */
static uint64_t ram_read(const uint8_t *p, unsigned size)
{
	switch (size) {
	case 1: return __atomic_load_n(p, __ATOMIC_RELAXED);
	case 2: return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
	case 4: return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
	default: return __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
	}
}

static void ram_write(uint8_t *p, unsigned size, uint64_t val)
{
	switch (size) {
	case 1: __atomic_store_n(p, (uint8_t)val, __ATOMIC_RELAXED); break;
	case 2: __atomic_store_n((uint16_t *)p, (uint16_t)val,
				 __ATOMIC_RELAXED); break;
	case 4: __atomic_store_n((uint32_t *)p, (uint32_t)val,
				 __ATOMIC_RELAXED); break;
	default: __atomic_store_n((uint64_t *)p, val, __ATOMIC_RELAXED); break;
	}
}

/* One aligned access of @size at @va; false with the trap taken. */
static bool access_one(struct cpu *c, uint64_t va, unsigned size,
		       uint64_t *val, enum access acc)
{
	struct bus *bus = c->plat->bus;
	const struct mmio_region *r;
	uint64_t pa, cause;

	cause = translate(c, va, acc, &pa);
	if (cause) {
		cpu_trap(c, cause, va);
		return false;
	}
	if (bus_is_ram(bus, pa, size)) {
		uint8_t *host = bus->ram + (pa - bus->ram_base);

		if (acc == ACC_READ) {
			*val = ram_read(host, size);
			fill_read(c, va, pa);
		} else {
			ram_write(host, size, *val);
			note_cpu_write(c, pa, size);
			fill_write(c, va, pa);
		}
		return true;
	}
	r = bus_find_mmio(bus, pa, size);
	if (!r) {
		cpu_trap(c, fault_cause(acc, false), va);
		return false;
	}
	if (acc == ACC_READ)
		*val = r->ops->read(r->opaque, pa - r->base, size);
	else
		r->ops->write(r->opaque, pa - r->base, *val, size);
	return true;
}

bool mmu_load(struct cpu *c, uint64_t va, unsigned size, uint64_t *val)
{
	uint64_t v = 0, b;

	if (!(va & (size - 1)))
		return access_one(c, va, size, val, ACC_READ);
	for (unsigned k = 0; k < size; k++) {
		if (!access_one(c, va + k, 1, &b, ACC_READ))
			return false;
		v |= b << (8 * k);
	}
	*val = v;
	return true;
}

bool mmu_store(struct cpu *c, uint64_t va, unsigned size, uint64_t val)
{
	if (!(va & (size - 1)))
		return access_one(c, va, size, &val, ACC_WRITE);
	/* Check every byte is writable first, so a fault stores nothing. */
	for (unsigned k = 0; k < size; k++) {
		uint64_t pa, cause = translate(c, va + k, ACC_WRITE, &pa);

		if (cause) {
			cpu_trap(c, cause, va + k);
			return false;
		}
	}
	for (unsigned k = 0; k < size; k++) {
		uint64_t b = (val >> (8 * k)) & 0xff;

		if (!access_one(c, va + k, 1, &b, ACC_WRITE))
			return false;
	}
	return true;
}

void *mmu_amo_ptr(struct cpu *c, uint64_t va, unsigned size, bool write)
{
	struct bus *bus = c->plat->bus;
	enum access acc = write ? ACC_WRITE : ACC_READ;
	uint64_t pa, cause;

	cause = translate(c, va, acc, &pa);
	if (cause) {
		cpu_trap(c, cause, va);
		return NULL;
	}
	if (!bus_is_ram(bus, pa, size)) {
		cpu_trap(c, write ? EXC_STORE_ACCESS : EXC_LOAD_ACCESS, va);
		return NULL;
	}
	if (write) {
		note_cpu_write(c, pa, size);
		fill_write(c, va, pa);
	} else {
		fill_read(c, va, pa);
	}
	return bus->ram + (pa - bus->ram_base);
}

struct dpage *mmu_fetch_page(struct cpu *c, uint64_t va)
{
	struct bus *bus = c->plat->bus;
	struct xtlb_entry *e;
	struct dpage *dp;
	uint64_t pa, cause;

	cause = translate(c, va, ACC_EXEC, &pa);
	if (cause) {
		cpu_trap(c, cause, va);
		return NULL;
	}
	if (!bus_is_ram(bus, pa, 2)) {
		cpu_trap(c, EXC_INSN_ACCESS, va);
		return NULL;
	}
	dp = dcache_get(c, ram_ppn(bus, pa),
			bus->ram + ((pa & PAGE_MASK) - bus->ram_base));
	e = &c->tlb_x[c->tlbset][(va >> PAGE_SHIFT) & (TLB_SIZE - 1)];
	e->tag = va & PAGE_MASK;
	e->dp = dp;
	return dp;
}

bool mmu_fetch_raw(struct cpu *c, uint64_t va, uint32_t *raw)
{
	struct bus *bus = c->plat->bus;
	uint64_t pa0, pa1, cause;
	uint16_t lo, hi;

	cause = translate(c, va, ACC_EXEC, &pa0);
	if (!cause && !bus_is_ram(bus, pa0, 2))
		cause = EXC_INSN_ACCESS;
	if (cause) {
		cpu_trap(c, cause, va);
		return false;
	}
	cause = translate(c, va + 2, ACC_EXEC, &pa1);
	if (!cause && !bus_is_ram(bus, pa1, 2))
		cause = EXC_INSN_ACCESS;
	if (cause) {
		cpu_trap(c, cause, va + 2);
		return false;
	}
	lo = (uint16_t)ram_read(bus->ram + (pa0 - bus->ram_base), 2);
	hi = (uint16_t)ram_read(bus->ram + (pa1 - bus->ram_base), 2);
	*raw = (uint32_t)hi << 16 | lo;
	return true;
}


