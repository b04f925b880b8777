/* SPDX-License-Identifier: MIT */
/*
 * The vCPU as the machine sees it: a backend behind struct cpu_ops (the
 * interpreter today; a KVM backend could be another) plus the platform
 * services a vCPU needs (struct cpu_platform). Nothing outside
 * hypervisor/ includes this header; dom0 reaches vCPUs only through
 * domctl.
 */
#ifndef HV_CPU_H
#define HV_CPU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "platform/bus.h"
#include "platform/systest.h"

#define HV_MAX_VCPUS 8
#define HV_TIMEBASE_HZ 10000000ULL	/* guest time: 10 MHz, as QEMU virt */

struct cpu;
struct uart;

/* Per guest-RAM-page flags that force the store slow path. */
#define PFLAG_CODE	0x01	/* some vCPU holds decoded code of the page */
#define PFLAG_NOTDIRTY	0x02	/* log-dirty on and page clean this round */
#define PFLAG_CODE_SAFE	0x04	/* ...and no vCPU has a write-TLB entry for it */

/*
 * What the vCPUs share: the address space, per-page flags, guest time and
 * the firmware's view of the machine. Owned by the machine; the vCPUs
 * borrow it for their whole life.
 */
struct cpu_platform {
	struct bus *bus;
	_Atomic uint8_t *pflags;	/* one byte per RAM page */
	_Atomic uint32_t *code_gen;	/* bumped when a code page is written */
	uint64_t nr_pages;
	struct uart *uart;		/* SBI console */
	struct shutdown_sink shutdown;	/* SRST, legacy shutdown */
	struct cpu *cpus[HV_MAX_VCPUS];
	unsigned nr_cpus;
	/* Guest time: time CSR = (monotonic ns - time_base_ns) / 100. */
	_Atomic int64_t time_base_ns;
	/* Decoded-code pages per vCPU (0: the most, DCACHE_PAGES). */
	unsigned dcache_pages;
	/* Pause: while set, vCPUs park at an instruction boundary. */
	_Atomic bool pause;
	_Atomic int64_t frozen_ns;	/* while paused: monotonic ns at pause */
	/* Log-dirty: one bit per RAM page, valid while logdirty is set. */
	_Atomic uint64_t *dirty;
	_Atomic bool logdirty;
	/* Auto-converge: percent of wall time each vCPU sleeps (0..99). */
	_Atomic unsigned throttle_pct;
	/* Fence/request acknowledgements between vCPUs. */
	pthread_mutex_t ack_lock;
	pthread_cond_t ack_cond;	/* cpu_cond_init */
	_Atomic unsigned ack_waiters;
};

/*
 * The architectural state of one vCPU, as plain data (what save/restore
 * and migration carry; live resources such as caches are not part of it).
 * Registers as the ISA defines them; FP registers as raw 64-bit patterns.
 */
struct cpu_context {
	uint64_t x[32];		/* x[0] reads as 0 */
	uint64_t f[32];
	uint64_t pc;
	uint32_t priv;		/* 0 U, 1 S */
	uint32_t hsm;		/* SBI HSM state: 0 started, 1 stopped, ... */
	uint32_t fflags, frm;
	uint64_t sstatus, sie, stvec, scounteren, senvcfg, sscratch;
	uint64_t sepc, scause, stval, satp;
	uint64_t mip;		/* pending SSIP/SEIP (STIP follows timecmp) */
	uint64_t timecmp;	/* SBI timer deadline, guest time */
	uint64_t instret;
	uint64_t lr_addr, lr_val;
	uint32_t lr_valid;
	uint32_t wfi;		/* asleep in wfi */
	uint64_t start_pc, start_a1;	/* a pending HSM hart_start */
};

struct cpu_ops {
	const char *name;
	/* Creates vCPU @hartid (not yet running: HSM "stopped"). */
	int (*create)(struct cpu **out, struct cpu_platform *plat,
		      unsigned hartid);
	void (*destroy)(struct cpu *cpu);
	/*
	 * The vCPU thread's body: runs guest code until cpu_ops.stop().
	 * A hart that is HSM-stopped waits inside for hart_start.
	 */
	void (*run)(struct cpu *cpu);
	/* Asks run() to return soon; any thread; idempotent. */
	void (*stop)(struct cpu *cpu);
	/* Boot hart: start at @pc in S-mode with a0 = hartid, a1 = @a1. */
	void (*boot)(struct cpu *cpu, uint64_t pc, uint64_t a1);
	/* Level of the external interrupt line (PLIC); any thread. */
	void (*set_seip)(struct cpu *cpu, bool level);
	/* Instructions retired so far (approximate while running). */
	uint64_t (*instret)(const struct cpu *cpu);
	/*
	 * The vCPU's architectural state; only while it executes nothing
	 * (paused, or before its thread runs). set_context also drops every
	 * cached translation and decoded instruction. set returns -EINVAL
	 * for a state the vCPU cannot hold (a bad priv or satp mode).
	 */
	void (*get_context)(const struct cpu *cpu, struct cpu_context *ctx);
	int (*set_context)(struct cpu *cpu, const struct cpu_context *ctx);
};

/*
 * Every backend's struct cpu starts with its ops pointer (as TinyEMU's
 * does), so callers dispatch without knowing the backend's layout.
 */
static inline const struct cpu_ops *cpu_ops_of(const struct cpu *c)
{
	return *(const struct cpu_ops *const *)(const void *)c;
}

static inline void cpu_run(struct cpu *c) { cpu_ops_of(c)->run(c); }
static inline void cpu_stop(struct cpu *c) { cpu_ops_of(c)->stop(c); }
static inline void cpu_destroy(struct cpu *c)
{
	if (c)
		cpu_ops_of(c)->destroy(c);
}
static inline void cpu_boot(struct cpu *c, uint64_t pc, uint64_t a1)
{
	cpu_ops_of(c)->boot(c, pc, a1);
}
static inline void cpu_set_seip(struct cpu *c, bool level)
{
	cpu_ops_of(c)->set_seip(c, level);
}

/* The interpreter backend. */
extern const struct cpu_ops cpu_interp_ops;

/*
 * Pause and unpause every vCPU of @plat; any thread but a vCPU's own.
 * When cpu_pause_all returns, no vCPU executes guest code (each has
 * parked at an instruction boundary, or has no thread). Guest time stops
 * while paused, as on QEMU. Not nested: one pauser at a time.
 */
void cpu_pause_all(struct cpu_platform *plat);
void cpu_unpause_all(struct cpu_platform *plat);

/*
 * Log-dirty (logdirty.c). Any thread but a vCPU's own; one caller at a
 * time. Bitmaps: bit i of out[i / 64] is page first + i, pages counted
 * from the start of RAM; @out holds ceil(count / 64) words.
 * enable: starts logging with every page clean. disable: stops it.
 * clean: returns and clears the bits, with the handshake that makes
 *   every store before it visible in guest RAM when it returns, and every
 *   later store to a returned page mark it again.
 * peek: returns the bits without clearing them.
 * mark: dom0 wrote pages [first, first + count) through its mapping.
 * Errors: -ENODATA logging is off, -ERANGE pages outside RAM, -ENOMEM.
 */
int logdirty_enable(struct cpu_platform *p);
void logdirty_disable(struct cpu_platform *p);
int logdirty_clean(struct cpu_platform *p, uint64_t first, uint64_t count,
		   uint64_t *out, uint64_t *nr_dirty);
int logdirty_peek(struct cpu_platform *p, uint64_t first, uint64_t count,
		  uint64_t *out, uint64_t *nr_dirty);
int logdirty_mark(struct cpu_platform *p, uint64_t first, uint64_t count);

/* A condition variable whose deadlines are CLOCK_MONOTONIC. */
void cpu_cond_init(pthread_cond_t *cond);

/* Guest time now, in timebase ticks (10 MHz). */
uint64_t cpu_platform_time(const struct cpu_platform *plat);
/* Makes guest time read @ticks now (it goes on from there unless paused);
 * while no vCPU runs: at start (0) and at restore (the saved time). */
void cpu_platform_set_time(struct cpu_platform *plat, uint64_t ticks);

#endif
