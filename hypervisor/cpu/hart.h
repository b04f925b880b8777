/* SPDX-License-Identifier: MIT */
/*
 * The interpreter's private vCPU state. Included by the interpreter's own
 * files and by unit tests; nothing else.
 */
#ifndef HV_CPU_HART_H
#define HV_CPU_HART_H

#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "cpu.h"
#include "insn.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1ull << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

enum { PRV_U = 0, PRV_S = 1 };

/* Sv39 page-table entry bits */
#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)

/* sstatus bits */
#define SSTATUS_SIE	(1ull << 1)
#define SSTATUS_SPIE	(1ull << 5)
#define SSTATUS_UBE	(1ull << 6)
#define SSTATUS_SPP	(1ull << 8)
#define SSTATUS_VS	(3ull << 9)
#define SSTATUS_FS	(3ull << 13)
#define SSTATUS_XS	(3ull << 15)
#define SSTATUS_SUM	(1ull << 18)
#define SSTATUS_MXR	(1ull << 19)
#define SSTATUS_UXL	(3ull << 32)
#define SSTATUS_SD	(1ull << 63)
#define SSTATUS_FS_DIRTY (3ull << 13)
#define SSTATUS_WMASK	(SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP | \
			 SSTATUS_FS | SSTATUS_SUM | SSTATUS_MXR)

/* interrupt bits (sip/sie) */
#define IRQ_SSI 1
#define IRQ_STI 5
#define IRQ_SEI 9
#define MIP_SSIP (1ull << IRQ_SSI)
#define MIP_STIP (1ull << IRQ_STI)
#define MIP_SEIP (1ull << IRQ_SEI)
#define SIE_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)

/* exception causes */
enum {
	EXC_INSN_MISALIGNED = 0, EXC_INSN_ACCESS = 1, EXC_ILLEGAL = 2,
	EXC_BREAKPOINT = 3, EXC_LOAD_MISALIGNED = 4, EXC_LOAD_ACCESS = 5,
	EXC_STORE_MISALIGNED = 6, EXC_STORE_ACCESS = 7, EXC_ECALL_U = 8,
	EXC_ECALL_S = 9, EXC_INSN_PAGE = 12, EXC_LOAD_PAGE = 13,
	EXC_STORE_PAGE = 15,
};

enum access { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 };

/* Software TLB: direct mapped, 4 KiB entries. */
#define TLB_BITS 8
#define TLB_SIZE (1u << TLB_BITS)

struct tlb_entry {
	uint64_t tag;		/* virtual page address, or -1: invalid */
	uintptr_t addend;	/* host address = guest virtual + addend */
};

/*
 * TLB sets by privilege: U, S with SUM=0, S with SUM=1. Selecting the set
 * by mode keeps traps, sret and SUM toggles (every copy_to_user) free of
 * flushes; a stale permission is impossible because each set only ever
 * holds translations valid for its mode.
 */
enum { TLBSET_U = 0, TLBSET_S = 1, TLBSET_SUM = 2, TLBSET_N = 3 };

/* Decoded code of one physical page: one slot per halfword + sentinel. */
#define DPAGE_SLOTS (PAGE_SIZE / 2)
struct dpage {
	uint64_t ppn;
	const uint8_t *host;	/* the page in guest RAM */
	uint32_t gen;		/* code_gen[ppn] when decoded */
	uint32_t pad;
	struct insn slot[DPAGE_SLOTS + 1];
};

struct xtlb_entry {
	uint64_t tag;
	struct dpage *dp;
};

#define DCACHE_HASH	4096	/* power of two, > DCACHE_PAGES */
#define DCACHE_PAGES	512	/* decoded pages per vCPU before a flush:
				   2048 cost 3x the memory (docs/cpu.md) */

/* Spin-wait hints in a row after which a vCPU yields its host thread. */
#define RELAX_SPINS 64

/* Requests one vCPU thread makes of another (bits of cpu.req). */
#define REQ_FLUSH_TLB	0x1	/* sfence.vma */
#define REQ_FLUSH_CODE	0x2	/* fence.i */
#define REQ_FLUSH_WTLB	0x4	/* drop write-TLB entries (a page became code) */

/* HSM states (SBI) */
enum { HSM_STARTED = 0, HSM_STOPPED = 1, HSM_START_PENDING = 2,
       HSM_STOP_PENDING = 3, HSM_SUSPENDED = 4 };

struct cpu {
	const struct cpu_ops *ops;
	struct cpu_platform *plat;
	unsigned hartid;

	/* Architectural state. x[32] is the sink for writes to x0. */
	uint64_t x[33];
	uint64_t f[32];
	uint64_t pc;
	unsigned priv;
	uint64_t status;	/* sstatus bits (SSTATUS_*) */
	uint32_t fflags, frm;
	uint64_t stvec, sscratch, sepc, scause, stval, satp;
	uint64_t scounteren, senvcfg;
	uint64_t sie;
	_Atomic uint64_t mip;	/* SSIP, SEIP; STIP computed from timecmp */
	_Atomic uint64_t timecmp;
	uint64_t instret;
	uint64_t lr_addr, lr_val;
	bool lr_valid;

	/* Caches. */
	struct tlb_entry tlb_r[TLBSET_N][TLB_SIZE];
	struct tlb_entry tlb_w[TLBSET_N][TLB_SIZE];
	struct xtlb_entry tlb_x[TLBSET_N][TLB_SIZE];
	unsigned tlbset;	/* current set, from priv and SUM */
	/* Virtual range holding entries filled from superpages. */
	uint64_t super_lo, super_hi;
	struct dpage *dpages;	/* pool of DCACHE_PAGES */
	unsigned dpages_used;
	struct dpage *dhash[DCACHE_HASH];

	/* Interpreter control. */
	int64_t budget;		/* instructions left in this slice */
	int64_t slice_len;	/* the slice's initial budget */
	bool end_slice;		/* set by CSR writes that may unmask irqs */
	bool wfi;		/* wfi executed: sleep before the next slice */
	bool relax;		/* spin-wait hint: yield the host CPU */
	unsigned relax_count;	/* spin-wait hints since the last yield */
	/* Decode slots for an instruction that straddles two pages. */
	struct insn xslots[DPAGE_SLOTS + 2];

	/* Cross-thread control. */
	_Atomic unsigned req;		/* REQ_* bits */
	_Atomic uint64_t req_seq;	/* requests made */
	_Atomic uint64_t ack_seq;	/* requests handled */
	_Atomic int kick;		/* leave the slice early */
	_Atomic int hsm;		/* HSM_* */
	uint64_t start_pc, start_a1;	/* for a pending hart_start */
	pthread_mutex_t sleep_lock;
	pthread_cond_t sleep_cond;
	_Atomic bool stopping;
	_Atomic bool sleeping;		/* in sleep_wfi/sleep_stopped */
	/*
	 * A thread runs this vCPU and serves its requests between slices.
	 * Requests to a vCPU that is not served are left pending (it
	 * handles them first when served again) and not waited for.
	 */
	_Atomic bool serving;
	_Atomic bool parked;		/* paused at an instruction boundary */
};

/* mmu.c */
void tlb_flush(struct cpu *c);
/* sfence.vma with an address: drops that page's entries (all of them if
 * the address lies where superpage translations were cached). */
void tlb_flush_va(struct cpu *c, uint64_t va);
void tlb_flush_writes(struct cpu *c);
void tlb_flush_fetch(struct cpu *c);
void tlb_update_set(struct cpu *c);
/*
 * Slow paths: translate, check, access RAM or MMIO, fill the TLB. On a
 * fault they return false with the trap already taken (cpu state
 * updated, pc at the handler). @pc is the faulting instruction's address.
 */
bool mmu_load(struct cpu *c, uint64_t va, unsigned size, uint64_t *val);
bool mmu_store(struct cpu *c, uint64_t va, unsigned size, uint64_t val);
/* Host pointer for an aligned atomic access or NULL (trap taken). */
void *mmu_amo_ptr(struct cpu *c, uint64_t va, unsigned size, bool write);
/* The decoded page for fetching at @va, or NULL (trap taken). */
struct dpage *mmu_fetch_page(struct cpu *c, uint64_t va);
/* Fetches raw instruction bits across a page boundary (slow). */
bool mmu_fetch_raw(struct cpu *c, uint64_t va, uint32_t *raw);
/* Writes guest RAM from a device or the firmware, tracking code/dirty. */
bool mem_note_write(struct cpu_platform *p, uint64_t pa, uint64_t len);

/* dcache.c */
/* fence.i: every decoded page is re-validated before its next use. */
void dcache_flush(struct cpu *c);
/* Drops every decoded page. */
void dcache_drop(struct cpu *c);
struct dpage *dcache_get(struct cpu *c, uint64_t ppn, uint8_t *host_page);
int dcache_init(struct cpu *c);
void dcache_fini(struct cpu *c);

/* trap.c */
void cpu_trap(struct cpu *c, uint64_t cause, uint64_t tval);
void cpu_sret(struct cpu *c);
/* Takes a pending enabled interrupt; true if one was taken. */
bool cpu_check_irq(struct cpu *c);
uint64_t cpu_pending(struct cpu *c);

/* csr.c: return false when the access is illegal. */
bool csr_read(struct cpu *c, unsigned csr, uint64_t *val);
bool csr_write(struct cpu *c, unsigned csr, uint64_t val);

/* sbi.c: handles ecall from S-mode (a0..a7 in x[]). */
void sbi_call(struct cpu *c);

/* hart.c */
void cpu_request(struct cpu *self, struct cpu *target, unsigned req,
		 bool wait);
/* Makes @req of every other vCPU and waits until all have acted. */
void cpu_request_others(struct cpu *self, unsigned req);
/* The same from a thread that is not a vCPU (dom0's side). */
void cpu_request_all(struct cpu_platform *p, unsigned req);
void cpu_handle_requests(struct cpu *c);
void cpu_serving_begin(struct cpu *c);
void cpu_serving_end(struct cpu *c);
void cpu_kick(struct cpu *c);

/* exec.c */
void cpu_exec_slice(struct cpu *c, int64_t budget);

static inline void cpu_set_fs_dirty(struct cpu *c)
{
	c->status |= SSTATUS_FS_DIRTY | SSTATUS_SD;
}

#endif
