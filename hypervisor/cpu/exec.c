// SPDX-License-Identifier: MIT
/*
 * The interpreter: runs decoded instructions of one page at a time with
 * threaded dispatch (a computed goto per instruction). Within a page the
 * instruction pointer is a pointer into the page's slot array; the guest
 * pc is derived from it only when needed. Leaving the page (a jump, the
 * sentinel slot at the end, a trap, any state change that may affect
 * translation) goes through `refill`, which looks the new page up in the
 * fetch TLB.
 *
 * Nothing here allocates or takes a lock; slow paths (TLB misses, MMIO,
 * CSRs, traps, SBI) are calls into mmu.c, csr.c, trap.c and sbi.c, which
 * may take a trap, after which execution restarts at refill from c->pc.
 */
#include <stddef.h>
#include <string.h>
#include "hart.h"
#include "fpu.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

void cpu_exec_slice(struct cpu *c, int64_t budget)
{
#define OP_LABEL(name) &&L_##name,
	static void *const labels[OP_COUNT] = { OP_LIST(OP_LABEL) };
#undef OP_LABEL
	uint64_t *const x = c->x;
	uint64_t *const f = c->f;
	uint64_t pc = c->pc;
	uint64_t page_va = 0, page_tag = 1;
	const struct insn *base = NULL, *i = NULL;
	struct tlb_entry *tlbr = NULL, *tlbw = NULL;
	int64_t const slice = budget;
	uint64_t va, v;
	int rm;

	c->budget = budget;
	c->slice_len = budget;
#define PC (page_va + ((uint64_t)(i - base) << 1))
#define DISPATCH() do { budget--; goto *labels[i->op]; } while (0)
#define NEXT() do { i += i->step; DISPATCH(); } while (0)
#define SYNC_PC() (c->pc = PC)
	/* A slow path took a trap: continue at the handler. */
#define TRAPPED() do { pc = c->pc; goto refill; } while (0)
#define JUMP(target) do {						\
		uint64_t t_ = (target);					\
		if (likely((t_ & PAGE_MASK) == page_tag && budget > 0)) { \
			i = base + ((t_ & ~PAGE_MASK) >> 1);		\
			DISPATCH();					\
		}							\
		pc = t_;						\
		goto refill;						\
	} while (0)
#define EXC(cause, tval) do {						\
		SYNC_PC();						\
		cpu_trap(c, (cause), (tval));				\
		TRAPPED();						\
	} while (0)
	/* Instruction done, state changed: re-check translation caches. */
#define NEXT_REFILL() do { pc = PC + i->len; goto refill; } while (0)
	/* Instruction done, interrupts may be unmasked: end the slice. */
#define NEXT_OUT() do { c->pc = PC + i->len; goto out_synced; } while (0)

#define LOAD(type, addr, dst) do {					\
		va = (addr);						\
		struct tlb_entry *e_ = &tlbr[(va >> PAGE_SHIFT) & (TLB_SIZE - 1)]; \
		if (likely(e_->tag == (va & (PAGE_MASK | (sizeof(type) - 1))))) { \
			dst = __atomic_load_n((type *)(e_->addend + va), \
					      __ATOMIC_RELAXED);	\
		} else {						\
			SYNC_PC();					\
			if (!mmu_load(c, va, sizeof(type), &v))		\
				TRAPPED();				\
			dst = (type)v;					\
		}							\
	} while (0)
#define STORE(type, addr, val) do {					\
		va = (addr);						\
		struct tlb_entry *e_ = &tlbw[(va >> PAGE_SHIFT) & (TLB_SIZE - 1)]; \
		if (likely(e_->tag == (va & (PAGE_MASK | (sizeof(type) - 1))))) { \
			__atomic_store_n((type *)(e_->addend + va),	\
					 (type)(val), __ATOMIC_RELAXED); \
		} else {						\
			SYNC_PC();					\
			if (!mmu_store(c, va, sizeof(type), (val)))	\
				TRAPPED();				\
			NEXT_REFILL();					\
		}							\
	} while (0)
	/* Host pointer for an atomic access, write permission required. */
#define AMO_PTR(type, addr, ptr) do {					\
		va = (addr);						\
		struct tlb_entry *e_ = &tlbw[(va >> PAGE_SHIFT) & (TLB_SIZE - 1)]; \
		if (likely(e_->tag == (va & (PAGE_MASK | (sizeof(type) - 1))))) { \
			ptr = (type *)(e_->addend + va);		\
		} else {						\
			SYNC_PC();					\
			ptr = mmu_amo_ptr(c, va, sizeof(type), true);	\
			if (!ptr)					\
				TRAPPED();				\
		}							\
	} while (0)
#define REQUIRE_FS() do {						\
		if (unlikely(!(c->status & SSTATUS_FS)))		\
			goto illegal;					\
	} while (0)
#define RM() do {							\
		rm = i->rm == 7 ? (int)c->frm : i->rm;			\
		if (unlikely(rm > 4))					\
			goto illegal;					\
	} while (0)
#define FWRITE(val) do {						\
		f[i->rd] = (val);					\
		cpu_set_fs_dirty(c);					\
	} while (0)
#define FFLAGS_DIRTY() do {						\
		if (fl) {						\
			c->fflags |= fl;				\
			cpu_set_fs_dirty(c);				\
		}							\
	} while (0)

refill:
	if (budget <= 0 || atomic_load_explicit(&c->kick, memory_order_relaxed))
		goto out;
	{
		unsigned set = c->tlbset;
		struct xtlb_entry *xe =
			&c->tlb_x[set][(pc >> PAGE_SHIFT) & (TLB_SIZE - 1)];
		struct dpage *dp = xe->dp;

		tlbr = c->tlb_r[set];
		tlbw = c->tlb_w[set];
		/*
		 * No generation check here: a store by this vCPU into a
		 * code page drops its fetch TLB (mmu.c), and other vCPUs
		 * must run fence.i to see new code, as the spec requires.
		 */
		if (unlikely(xe->tag != (pc & PAGE_MASK))) {
			c->pc = pc;
			dp = mmu_fetch_page(c, pc);
			if (!dp)
				TRAPPED();
		}
		base = dp->slot;
		page_va = pc & PAGE_MASK;
		page_tag = page_va;
		i = base + ((pc & ~PAGE_MASK) >> 1);
		if (unlikely((pc & ~PAGE_MASK) == PAGE_SIZE - 2) &&
		    i->op == OP_CROSS_PAGE) {
			uint32_t raw;
			struct insn *xs = c->xslots;

			c->pc = pc;
			if (!mmu_fetch_raw(c, pc, &raw))
				TRAPPED();
			insn_decode(raw, &xs[DPAGE_SLOTS - 1]);
			base = xs;
			page_tag = 1;	/* jumps never stay in this page */
			i = base + DPAGE_SLOTS - 1;
		}
	}
	DISPATCH();

L_UNDECODED: {
	/* First execution of this slot: decode it in place. */
	struct insn *slot = (struct insn *)i;
	unsigned off = (unsigned)(i - base) << 1;
	const struct dpage *dp = (const struct dpage *)
		((const char *)base - offsetof(struct dpage, slot));
	uint16_t lo;

	/* Guest RAM is shared with other vCPUs and dom0: relaxed atomic
	 * accesses, which compile to plain moves, keep C's data-race rules
	 * (and ThreadSanitizer) satisfied. */
	lo = __atomic_load_n((const uint16_t *)(dp->host + off),
			     __ATOMIC_RELAXED);
	if ((lo & 3) == 3 && off == PAGE_SIZE - 2) {
		memset(slot, 0, sizeof(*slot));
		slot->op = OP_CROSS_PAGE;
		budget++;	/* not executed yet */
		pc = PC;
		goto refill;
	}
	if ((lo & 3) == 3) {
		uint32_t hi = __atomic_load_n((const uint16_t *)
					      (dp->host + off + 2),
					      __ATOMIC_RELAXED);

		insn_decode(hi << 16 | lo, slot);
	} else {
		insn_decode(lo, slot);
	}
	budget++;
	DISPATCH();
}
L_PAGE_END:
	budget++;
	pc = PC;
	goto refill;
L_CROSS_PAGE:
	budget++;
	pc = PC;
	goto refill;
L_ILLEGAL:
illegal:
	/* stval holds the instruction's encoding, as QEMU 7.2 reports. */
	EXC(EXC_ILLEGAL, i->raw);

L_LUI:   x[i->rd] = (int64_t)i->imm; NEXT();
L_AUIPC: x[i->rd] = PC + (int64_t)i->imm; NEXT();
L_JAL: {
	uint64_t t = PC + (int64_t)i->imm;

	x[i->rd] = PC + i->len;
	JUMP(t);
}
L_JALR: {
	uint64_t t = (x[i->rs1] + (int64_t)i->imm) & ~1ull;

	x[i->rd] = PC + i->len;
	JUMP(t);
}
#define BRANCH(name, cond) \
L_##name: if (cond) JUMP(PC + (int64_t)i->imm); NEXT();
BRANCH(BEQ, x[i->rs1] == x[i->rs2])
BRANCH(BNE, x[i->rs1] != x[i->rs2])
BRANCH(BLT, (int64_t)x[i->rs1] < (int64_t)x[i->rs2])
BRANCH(BGE, (int64_t)x[i->rs1] >= (int64_t)x[i->rs2])
BRANCH(BLTU, x[i->rs1] < x[i->rs2])
BRANCH(BGEU, x[i->rs1] >= x[i->rs2])

L_LB:  LOAD(int8_t, x[i->rs1] + (int64_t)i->imm, x[i->rd]); NEXT();
L_LH:  LOAD(int16_t, x[i->rs1] + (int64_t)i->imm, x[i->rd]); NEXT();
L_LW:  LOAD(int32_t, x[i->rs1] + (int64_t)i->imm, x[i->rd]); NEXT();
L_LD:  LOAD(uint64_t, x[i->rs1] + (int64_t)i->imm, x[i->rd]); NEXT();
L_LBU: LOAD(uint8_t, x[i->rs1] + (int64_t)i->imm, x[i->rd]); NEXT();
L_LHU: LOAD(uint16_t, x[i->rs1] + (int64_t)i->imm, x[i->rd]); NEXT();
L_LWU: LOAD(uint32_t, x[i->rs1] + (int64_t)i->imm, x[i->rd]); NEXT();
L_SB: STORE(uint8_t, x[i->rs1] + (int64_t)i->imm, x[i->rs2]); NEXT();
L_SH: STORE(uint16_t, x[i->rs1] + (int64_t)i->imm, x[i->rs2]); NEXT();
L_SW: STORE(uint32_t, x[i->rs1] + (int64_t)i->imm, x[i->rs2]); NEXT();
L_SD: STORE(uint64_t, x[i->rs1] + (int64_t)i->imm, x[i->rs2]); NEXT();

L_ADDI:  x[i->rd] = x[i->rs1] + (int64_t)i->imm; NEXT();
L_SLTI:  x[i->rd] = (int64_t)x[i->rs1] < (int64_t)i->imm; NEXT();
L_SLTIU: x[i->rd] = x[i->rs1] < (uint64_t)(int64_t)i->imm; NEXT();
L_XORI:  x[i->rd] = x[i->rs1] ^ (uint64_t)(int64_t)i->imm; NEXT();
L_ORI:   x[i->rd] = x[i->rs1] | (uint64_t)(int64_t)i->imm; NEXT();
L_ANDI:  x[i->rd] = x[i->rs1] & (uint64_t)(int64_t)i->imm; NEXT();
L_SLLI:  x[i->rd] = x[i->rs1] << i->imm; NEXT();
L_SRLI:  x[i->rd] = x[i->rs1] >> i->imm; NEXT();
L_SRAI:  x[i->rd] = (uint64_t)((int64_t)x[i->rs1] >> i->imm); NEXT();
L_ADD:   x[i->rd] = x[i->rs1] + x[i->rs2]; NEXT();
L_SUB:   x[i->rd] = x[i->rs1] - x[i->rs2]; NEXT();
L_SLL:   x[i->rd] = x[i->rs1] << (x[i->rs2] & 63); NEXT();
L_SLT:   x[i->rd] = (int64_t)x[i->rs1] < (int64_t)x[i->rs2]; NEXT();
L_SLTU:  x[i->rd] = x[i->rs1] < x[i->rs2]; NEXT();
L_XOR:   x[i->rd] = x[i->rs1] ^ x[i->rs2]; NEXT();
L_SRL:   x[i->rd] = x[i->rs1] >> (x[i->rs2] & 63); NEXT();
L_SRA:   x[i->rd] = (uint64_t)((int64_t)x[i->rs1] >> (x[i->rs2] & 63)); NEXT();
L_OR:    x[i->rd] = x[i->rs1] | x[i->rs2]; NEXT();
L_AND:   x[i->rd] = x[i->rs1] & x[i->rs2]; NEXT();
L_ADDIW: x[i->rd] = (int64_t)(int32_t)((uint32_t)x[i->rs1] + (uint32_t)i->imm); NEXT();
L_SLLIW: x[i->rd] = (int64_t)(int32_t)((uint32_t)x[i->rs1] << i->imm); NEXT();
L_SRLIW: x[i->rd] = (int64_t)(int32_t)((uint32_t)x[i->rs1] >> i->imm); NEXT();
L_SRAIW: x[i->rd] = (int64_t)((int32_t)x[i->rs1] >> i->imm); NEXT();
L_ADDW:  x[i->rd] = (int64_t)(int32_t)((uint32_t)x[i->rs1] + (uint32_t)x[i->rs2]); NEXT();
L_SUBW:  x[i->rd] = (int64_t)(int32_t)((uint32_t)x[i->rs1] - (uint32_t)x[i->rs2]); NEXT();
L_SLLW:  x[i->rd] = (int64_t)(int32_t)((uint32_t)x[i->rs1] << (x[i->rs2] & 31)); NEXT();
L_SRLW:  x[i->rd] = (int64_t)(int32_t)((uint32_t)x[i->rs1] >> (x[i->rs2] & 31)); NEXT();
L_SRAW:  x[i->rd] = (int64_t)((int32_t)x[i->rs1] >> (x[i->rs2] & 31)); NEXT();

L_MUL:   x[i->rd] = x[i->rs1] * x[i->rs2]; NEXT();
L_MULH:
	x[i->rd] = (uint64_t)(((__int128)(int64_t)x[i->rs1] *
			       (__int128)(int64_t)x[i->rs2]) >> 64);
	NEXT();
L_MULHSU:
	x[i->rd] = (uint64_t)(((__int128)(int64_t)x[i->rs1] *
			       (__int128)x[i->rs2]) >> 64);
	NEXT();
L_MULHU:
	x[i->rd] = (uint64_t)(((unsigned __int128)x[i->rs1] *
			       (unsigned __int128)x[i->rs2]) >> 64);
	NEXT();
L_DIV: {
	int64_t a = (int64_t)x[i->rs1], b = (int64_t)x[i->rs2];

	x[i->rd] = b == 0 ? ~0ull : (a == INT64_MIN && b == -1) ?
		   (uint64_t)a : (uint64_t)(a / b);
	NEXT();
}
L_DIVU: {
	uint64_t a = x[i->rs1], b = x[i->rs2];

	x[i->rd] = b == 0 ? ~0ull : a / b;
	NEXT();
}
L_REM: {
	int64_t a = (int64_t)x[i->rs1], b = (int64_t)x[i->rs2];

	x[i->rd] = b == 0 ? (uint64_t)a : (a == INT64_MIN && b == -1) ? 0 :
		   (uint64_t)(a % b);
	NEXT();
}
L_REMU: {
	uint64_t a = x[i->rs1], b = x[i->rs2];

	x[i->rd] = b == 0 ? a : a % b;
	NEXT();
}
L_MULW: x[i->rd] = (int64_t)(int32_t)((uint32_t)x[i->rs1] * (uint32_t)x[i->rs2]); NEXT();
L_DIVW: {
	int32_t a = (int32_t)x[i->rs1], b = (int32_t)x[i->rs2];

	x[i->rd] = (int64_t)(b == 0 ? -1 : (a == INT32_MIN && b == -1) ? a :
			     a / b);
	NEXT();
}
L_DIVUW: {
	uint32_t a = (uint32_t)x[i->rs1], b = (uint32_t)x[i->rs2];

	x[i->rd] = (int64_t)(int32_t)(b == 0 ? ~0u : a / b);
	NEXT();
}
L_REMW: {
	int32_t a = (int32_t)x[i->rs1], b = (int32_t)x[i->rs2];

	x[i->rd] = (int64_t)(b == 0 ? a : (a == INT32_MIN && b == -1) ? 0 :
			     a % b);
	NEXT();
}
L_REMUW: {
	uint32_t a = (uint32_t)x[i->rs1], b = (uint32_t)x[i->rs2];

	x[i->rd] = (int64_t)(int32_t)(b == 0 ? a : a % b);
	NEXT();
}

L_RELAX:
	/*
	 * A spin-wait hint: `pause`, or `div rd, rd, zero` (rd = -1) as
	 * cpu_relax() on cores without Zihintpause. Then yield.
	 */
	x[i->rd] = ~0ull;
	if (++c->relax_count < RELAX_SPINS)
		NEXT();
	c->relax_count = 0;
	c->relax = true;
	NEXT_OUT();
L_FENCE:
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	NEXT();
L_FENCE_I:
	dcache_flush(c);
	NEXT_REFILL();
L_SFENCE_VMA:
	if (c->priv == PRV_U)
		goto illegal;
	if (i->rs1)
		tlb_flush_va(c, x[i->rs1]);
	else
		tlb_flush(c);
	NEXT_REFILL();
L_ECALL:
	if (c->priv == PRV_U)
		EXC(EXC_ECALL_U, 0);
	SYNC_PC();
	c->budget = budget;
	sbi_call(c);
	NEXT_OUT();
L_EBREAK:
	EXC(EXC_BREAKPOINT, PC);
L_SRET:
	if (c->priv == PRV_U)
		goto illegal;
	cpu_sret(c);
	goto out_synced;
L_WFI:
	if (c->priv == PRV_U)
		goto illegal;
	c->wfi = true;
	NEXT_OUT();

	/* CSR access: i->rs2 holds the true rd field. */
#define CSR_OP(name, src, mode)						\
L_##name: {								\
	uint64_t old = 0, s = (src);					\
	unsigned csr = (unsigned)i->imm;				\
	bool rd_ = (mode) != 0 || i->rs2 != 0;				\
	bool wr = (mode) == 0 || i->rs1 != 0;				\
	c->budget = budget;						\
	c->pc = PC;							\
	if (rd_ && !csr_read(c, csr, &old))				\
		goto illegal;						\
	if (wr && !csr_write(c, csr, (mode) == 0 ? s :			\
			     (mode) == 1 ? old | s : old & ~s))		\
		goto illegal;						\
	x[i->rs2 ? i->rs2 : X_SINK] = old;				\
	if (wr && c->end_slice) {					\
		c->end_slice = false;					\
		NEXT_OUT();						\
	}								\
	if (wr)								\
		NEXT_REFILL();						\
	NEXT();								\
}
CSR_OP(CSRRW, x[i->rs1], 0)
CSR_OP(CSRRS, x[i->rs1], 1)
CSR_OP(CSRRC, x[i->rs1], 2)
CSR_OP(CSRRWI, i->rs1, 0)
CSR_OP(CSRRSI, i->rs1, 1)
CSR_OP(CSRRCI, i->rs1, 2)

	/* A: LR/SC compare against the reserved value (as QEMU does). */
L_LR_W: {
	uint32_t *p;

	va = x[i->rs1];
	if (va & 3)
		EXC(EXC_LOAD_MISALIGNED, va);
	SYNC_PC();
	p = mmu_amo_ptr(c, va, 4, false);
	if (!p)
		TRAPPED();
	c->lr_val = __atomic_load_n(p, __ATOMIC_ACQUIRE);
	x[i->rd] = (int64_t)(int32_t)c->lr_val;
	c->lr_addr = va;
	c->lr_valid = true;
	NEXT();
}
L_LR_D: {
	uint64_t *p;

	va = x[i->rs1];
	if (va & 7)
		EXC(EXC_LOAD_MISALIGNED, va);
	SYNC_PC();
	p = mmu_amo_ptr(c, va, 8, false);
	if (!p)
		TRAPPED();
	c->lr_val = __atomic_load_n(p, __ATOMIC_ACQUIRE);
	x[i->rd] = c->lr_val;
	c->lr_addr = va;
	c->lr_valid = true;
	NEXT();
}
L_SC_W: {
	uint32_t *p, expect;
	bool ok;

	va = x[i->rs1];
	if (va & 3)
		EXC(EXC_STORE_MISALIGNED, va);
	AMO_PTR(uint32_t, va, p);
	expect = (uint32_t)c->lr_val;
	ok = c->lr_valid && c->lr_addr == va &&
	     __atomic_compare_exchange_n(p, &expect, (uint32_t)x[i->rs2],
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE);
	c->lr_valid = false;
	x[i->rd] = !ok;
	NEXT();
}
L_SC_D: {
	uint64_t *p, expect;
	bool ok;

	va = x[i->rs1];
	if (va & 7)
		EXC(EXC_STORE_MISALIGNED, va);
	AMO_PTR(uint64_t, va, p);
	expect = c->lr_val;
	ok = c->lr_valid && c->lr_addr == va &&
	     __atomic_compare_exchange_n(p, &expect, x[i->rs2], false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	c->lr_valid = false;
	x[i->rd] = !ok;
	NEXT();
}
#define AMO_FETCH(name, type, stype, fn)				\
L_##name: {								\
	type *p;							\
	va = x[i->rs1];							\
	if (va & (sizeof(type) - 1))					\
		EXC(EXC_STORE_MISALIGNED, va);				\
	AMO_PTR(type, va, p);						\
	x[i->rd] = (uint64_t)(int64_t)(stype)fn(p, (type)x[i->rs2],	\
						 __ATOMIC_SEQ_CST);	\
	NEXT();								\
}
AMO_FETCH(AMOSWAP_W, uint32_t, int32_t, __atomic_exchange_n)
AMO_FETCH(AMOADD_W, uint32_t, int32_t, __atomic_fetch_add)
AMO_FETCH(AMOXOR_W, uint32_t, int32_t, __atomic_fetch_xor)
AMO_FETCH(AMOAND_W, uint32_t, int32_t, __atomic_fetch_and)
AMO_FETCH(AMOOR_W, uint32_t, int32_t, __atomic_fetch_or)
AMO_FETCH(AMOSWAP_D, uint64_t, int64_t, __atomic_exchange_n)
AMO_FETCH(AMOADD_D, uint64_t, int64_t, __atomic_fetch_add)
AMO_FETCH(AMOXOR_D, uint64_t, int64_t, __atomic_fetch_xor)
AMO_FETCH(AMOAND_D, uint64_t, int64_t, __atomic_fetch_and)
AMO_FETCH(AMOOR_D, uint64_t, int64_t, __atomic_fetch_or)
#define AMO_CAS(name, type, stype, pick)				\
L_##name: {								\
	type *p, old, nv, b;						\
	va = x[i->rs1];							\
	if (va & (sizeof(type) - 1))					\
		EXC(EXC_STORE_MISALIGNED, va);				\
	AMO_PTR(type, va, p);						\
	b = (type)x[i->rs2];						\
	old = __atomic_load_n(p, __ATOMIC_RELAXED);			\
	do {								\
		nv = (pick) ? old : b;					\
	} while (!__atomic_compare_exchange_n(p, &old, nv, true,	\
					      __ATOMIC_SEQ_CST,		\
					      __ATOMIC_RELAXED));	\
	x[i->rd] = (uint64_t)(int64_t)(stype)old;			\
	NEXT();								\
}
AMO_CAS(AMOMIN_W, uint32_t, int32_t, (int32_t)old < (int32_t)b)
AMO_CAS(AMOMAX_W, uint32_t, int32_t, (int32_t)old > (int32_t)b)
AMO_CAS(AMOMINU_W, uint32_t, int32_t, old < b)
AMO_CAS(AMOMAXU_W, uint32_t, int32_t, old > b)
AMO_CAS(AMOMIN_D, uint64_t, int64_t, (int64_t)old < (int64_t)b)
AMO_CAS(AMOMAX_D, uint64_t, int64_t, (int64_t)old > (int64_t)b)
AMO_CAS(AMOMINU_D, uint64_t, int64_t, old < b)
AMO_CAS(AMOMAXU_D, uint64_t, int64_t, old > b)

	/* F and D */
L_FLW: {
	uint32_t w;

	REQUIRE_FS();
	LOAD(uint32_t, x[i->rs1] + (int64_t)i->imm, w);
	FWRITE(FPU_BOX(w));
	NEXT();
}
L_FLD: {
	uint64_t d;

	REQUIRE_FS();
	LOAD(uint64_t, x[i->rs1] + (int64_t)i->imm, d);
	FWRITE(d);
	NEXT();
}
L_FSW:
	REQUIRE_FS();
	STORE(uint32_t, x[i->rs1] + (int64_t)i->imm, (uint32_t)f[i->rs2]);
	NEXT();
L_FSD:
	REQUIRE_FS();
	STORE(uint64_t, x[i->rs1] + (int64_t)i->imm, f[i->rs2]);
	NEXT();

#define FMA(name, fn, np, na)						\
L_##name: {								\
	unsigned fl = 0;						\
	REQUIRE_FS();							\
	RM();								\
	FWRITE(fn(f[i->rs1], f[i->rs2], f[i->rs3], np, na, rm, &fl));	\
	FFLAGS_DIRTY();							\
	NEXT();								\
}
FMA(FMADD_S, fpu_fma_s, 0, 0)
FMA(FMSUB_S, fpu_fma_s, 0, 1)
FMA(FNMSUB_S, fpu_fma_s, 1, 0)
FMA(FNMADD_S, fpu_fma_s, 1, 1)
FMA(FMADD_D, fpu_fma_d, 0, 0)
FMA(FMSUB_D, fpu_fma_d, 0, 1)
FMA(FNMSUB_D, fpu_fma_d, 1, 0)
FMA(FNMADD_D, fpu_fma_d, 1, 1)

	/* f[rd] = fn(f[rs1], f[rs2], rm) */
#define FBIN(name, fn)							\
L_##name: {								\
	unsigned fl = 0;						\
	REQUIRE_FS();							\
	RM();								\
	FWRITE(fn(f[i->rs1], f[i->rs2], rm, &fl));			\
	FFLAGS_DIRTY();							\
	NEXT();								\
}
	/* same without a rounding mode (its field is a function code) */
#define FBIN_NORM(name, fn)						\
L_##name: {								\
	unsigned fl = 0;						\
	REQUIRE_FS();							\
	FWRITE(fn(f[i->rs1], f[i->rs2], 0, &fl));			\
	FFLAGS_DIRTY();							\
	NEXT();								\
}
#define FSGN(name, fn)							\
L_##name:								\
	REQUIRE_FS();							\
	FWRITE(fn(f[i->rs1], f[i->rs2]));				\
	NEXT();
	/* f[rd] = fn(f[rs1], rm) */
#define FUN(name, fn)							\
L_##name: {								\
	unsigned fl = 0;						\
	REQUIRE_FS();							\
	RM();								\
	FWRITE(fn(f[i->rs1], rm, &fl));					\
	FFLAGS_DIRTY();							\
	NEXT();								\
}
	/* x[rd] = fn(f[rs1], rm) */
#define FTOI(name, fn)							\
L_##name: {								\
	unsigned fl = 0;						\
	REQUIRE_FS();							\
	RM();								\
	x[i->rd] = fn(f[i->rs1], rm, &fl);				\
	FFLAGS_DIRTY();							\
	NEXT();								\
}
	/* f[rd] = fn(x[rs1], rm) */
#define ITOF(name, fn)							\
L_##name: {								\
	unsigned fl = 0;						\
	REQUIRE_FS();							\
	RM();								\
	FWRITE(fn(x[i->rs1], rm, &fl));					\
	FFLAGS_DIRTY();							\
	NEXT();								\
}
	/* x[rd] = fn(f[rs1], f[rs2]) comparisons */
#define FCMP(name, fn)							\
L_##name: {								\
	unsigned fl = 0;						\
	REQUIRE_FS();							\
	x[i->rd] = fn(f[i->rs1], f[i->rs2], &fl);			\
	FFLAGS_DIRTY();							\
	NEXT();								\
}
FBIN(FADD_S, fpu_add_s)
FBIN(FSUB_S, fpu_sub_s)
FBIN(FMUL_S, fpu_mul_s)
FBIN(FDIV_S, fpu_div_s)
FUN(FSQRT_S, fpu_sqrt_s)
FSGN(FSGNJ_S, fpu_sgnj_s)
FSGN(FSGNJN_S, fpu_sgnjn_s)
FSGN(FSGNJX_S, fpu_sgnjx_s)
FBIN_NORM(FMIN_S, fpu_min_s)
FBIN_NORM(FMAX_S, fpu_max_s)
FTOI(FCVT_W_S, fpu_cvt_w_s)
FTOI(FCVT_WU_S, fpu_cvt_wu_s)
FTOI(FCVT_L_S, fpu_cvt_l_s)
FTOI(FCVT_LU_S, fpu_cvt_lu_s)
L_FMV_X_W:
	REQUIRE_FS();
	x[i->rd] = (int64_t)(int32_t)f[i->rs1];
	NEXT();
FCMP(FEQ_S, fpu_eq_s)
FCMP(FLT_S, fpu_lt_s)
FCMP(FLE_S, fpu_le_s)
L_FCLASS_S:
	REQUIRE_FS();
	x[i->rd] = fpu_class_s(f[i->rs1]);
	NEXT();
ITOF(FCVT_S_W, fpu_cvt_s_w)
ITOF(FCVT_S_WU, fpu_cvt_s_wu)
ITOF(FCVT_S_L, fpu_cvt_s_l)
ITOF(FCVT_S_LU, fpu_cvt_s_lu)
L_FMV_W_X:
	REQUIRE_FS();
	FWRITE(FPU_BOX(x[i->rs1]));
	NEXT();
FBIN(FADD_D, fpu_add_d)
FBIN(FSUB_D, fpu_sub_d)
FBIN(FMUL_D, fpu_mul_d)
FBIN(FDIV_D, fpu_div_d)
FUN(FSQRT_D, fpu_sqrt_d)
FSGN(FSGNJ_D, fpu_sgnj_d)
FSGN(FSGNJN_D, fpu_sgnjn_d)
FSGN(FSGNJX_D, fpu_sgnjx_d)
FBIN_NORM(FMIN_D, fpu_min_d)
FBIN_NORM(FMAX_D, fpu_max_d)
FUN(FCVT_S_D, fpu_cvt_s_d)
L_FCVT_D_S: {
	unsigned fl = 0;

	REQUIRE_FS();
	RM();
	FWRITE(fpu_cvt_d_s(f[i->rs1], &fl));
	FFLAGS_DIRTY();
	NEXT();
}
FTOI(FCVT_W_D, fpu_cvt_w_d)
FTOI(FCVT_WU_D, fpu_cvt_wu_d)
FTOI(FCVT_L_D, fpu_cvt_l_d)
FTOI(FCVT_LU_D, fpu_cvt_lu_d)
L_FMV_X_D:
	REQUIRE_FS();
	x[i->rd] = f[i->rs1];
	NEXT();
FCMP(FEQ_D, fpu_eq_d)
FCMP(FLT_D, fpu_lt_d)
FCMP(FLE_D, fpu_le_d)
L_FCLASS_D:
	REQUIRE_FS();
	x[i->rd] = fpu_class_d(f[i->rs1]);
	NEXT();
ITOF(FCVT_D_W, fpu_cvt_d_w)
ITOF(FCVT_D_WU, fpu_cvt_d_wu)
ITOF(FCVT_D_L, fpu_cvt_d_l)
ITOF(FCVT_D_LU, fpu_cvt_d_lu)
L_FMV_D_X:
	REQUIRE_FS();
	FWRITE(x[i->rs1]);
	NEXT();

out:
	c->pc = pc;
out_synced:
	x[X_SINK] = 0;
	c->instret += (uint64_t)(slice - budget);
	c->budget = 0;
	c->slice_len = 0;
}
