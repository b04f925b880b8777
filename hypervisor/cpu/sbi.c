// SPDX-License-Identifier: MIT
/*
 * hv is the SBI implementation (SBI v2.0): BASE, TIME, IPI, RFENCE, HSM,
 * SRST, DBCN and the legacy console, timer and shutdown calls. Called on
 * ecall from S-mode with a7 = extension, a6 = function, a0..a5 = args;
 * returns error in a0 and value in a1 (legacy calls: a0 only).
 */
#include "hart.h"
#include "platform/uart.h"

enum {
	SBI_SUCCESS = 0, SBI_ERR_FAILED = -1, SBI_ERR_NOT_SUPPORTED = -2,
	SBI_ERR_INVALID_PARAM = -3, SBI_ERR_DENIED = -4,
	SBI_ERR_INVALID_ADDRESS = -5, SBI_ERR_ALREADY_AVAILABLE = -6,
	SBI_ERR_ALREADY_STARTED = -7, SBI_ERR_ALREADY_STOPPED = -8,
};

enum {
	SBI_LEGACY_SET_TIMER = 0x00, SBI_LEGACY_PUTCHAR = 0x01,
	SBI_LEGACY_GETCHAR = 0x02, SBI_LEGACY_CLEAR_IPI = 0x03,
	SBI_LEGACY_SHUTDOWN = 0x08,
	SBI_EXT_BASE = 0x10, SBI_EXT_TIME = 0x54494d45,
	SBI_EXT_IPI = 0x735049, SBI_EXT_RFENCE = 0x52464e43,
	SBI_EXT_HSM = 0x48534d, SBI_EXT_SRST = 0x53525354,
	SBI_EXT_DBCN = 0x4442434e,
};

#define SBI_SPEC_VERSION (2u << 24)	/* v2.0 */
#define SBI_IMPL_ID_HV 0x4856		/* "HV" */
#define SBI_IMPL_VERSION 1

#define A(n) c->x[10 + (n)]

static void ret(struct cpu *c, int64_t err, uint64_t val)
{
	A(0) = (uint64_t)err;
	A(1) = val;
}

static bool ext_present(uint64_t eid)
{
	switch (eid) {
	case SBI_LEGACY_SET_TIMER: case SBI_LEGACY_PUTCHAR:
	case SBI_LEGACY_GETCHAR: case SBI_LEGACY_CLEAR_IPI:
	case SBI_LEGACY_SHUTDOWN:
	case SBI_EXT_BASE: case SBI_EXT_TIME: case SBI_EXT_IPI:
	case SBI_EXT_RFENCE: case SBI_EXT_HSM: case SBI_EXT_SRST:
	case SBI_EXT_DBCN:
		return true;
	}
	return false;
}

static void set_timer(struct cpu *c, uint64_t when)
{
	atomic_store(&c->timecmp, when);
}

/*
 * Calls @fn on every hart named by (mask, base); base = -1 means all.
 * Returns SBI_ERR_INVALID_PARAM if a named hart does not exist.
 */
static int64_t for_harts(struct cpu *c, uint64_t mask, uint64_t base,
			 void (*fn)(struct cpu *self, struct cpu *t))
{
	struct cpu_platform *p = c->plat;

	if (base == ~0ull) {
		for (unsigned h = 0; h < p->nr_cpus; h++)
			fn(c, p->cpus[h]);
		return SBI_SUCCESS;
	}
	for (unsigned b = 0; b < 64 && (mask >> b); b++) {
		if (!(mask >> b & 1))
			continue;
		/* base + b may wrap: compare without adding */
		if (base >= p->nr_cpus || b >= p->nr_cpus - base)
			return SBI_ERR_INVALID_PARAM;
	}
	for (unsigned b = 0; b < 64 && (mask >> b); b++)
		if (mask >> b & 1)
			fn(c, p->cpus[base + b]);
	return SBI_SUCCESS;
}

static void do_ipi(struct cpu *self, struct cpu *t)
{
	(void)self;
	atomic_fetch_or(&t->mip, MIP_SSIP);
	cpu_kick(t);
}

static void do_fence_i(struct cpu *self, struct cpu *t)
{
	if (t == self)
		dcache_flush(self);
	else
		cpu_request(self, t, REQ_FLUSH_CODE, true);
}

static void do_sfence(struct cpu *self, struct cpu *t)
{
	if (t == self)
		tlb_flush(self);
	else
		cpu_request(self, t, REQ_FLUSH_TLB, true);
}

static void hsm_call(struct cpu *c, uint64_t fid)
{
	struct cpu_platform *p = c->plat;
	struct cpu *t;

	switch (fid) {
	case 0:	/* hart_start(hartid, start_addr, opaque) */
		if (A(0) >= p->nr_cpus)
			return ret(c, SBI_ERR_INVALID_PARAM, 0);
		t = p->cpus[A(0)];
		/*
		 * The entry point may only change while the hart is
		 * stopped: a start that loses must not redirect a pending
		 * one. The lock orders concurrent starters; the target
		 * reads start_pc only after seeing START_PENDING.
		 */
		pthread_mutex_lock(&t->sleep_lock);
		if (atomic_load(&t->hsm) != HSM_STOPPED) {
			pthread_mutex_unlock(&t->sleep_lock);
			return ret(c, SBI_ERR_ALREADY_AVAILABLE, 0);
		}
		t->start_pc = A(1);
		t->start_a1 = A(2);
		atomic_store(&t->hsm, HSM_START_PENDING);
		pthread_mutex_unlock(&t->sleep_lock);
		cpu_kick(t);
		return ret(c, SBI_SUCCESS, 0);
	case 1:	/* hart_stop() */
		atomic_store(&c->hsm, HSM_STOPPED);
		return ret(c, SBI_SUCCESS, 0);
	case 2:	/* hart_get_status(hartid) */
		if (A(0) >= p->nr_cpus)
			return ret(c, SBI_ERR_INVALID_PARAM, 0);
		return ret(c, SBI_SUCCESS,
			   (uint64_t)atomic_load(&p->cpus[A(0)]->hsm));
	case 3:	/* hart_suspend(type, resume_addr, opaque) */
		if ((uint32_t)A(0) != 0)	/* only default retentive */
			return ret(c, (uint32_t)A(0) == 0x80000000u ?
				   SBI_ERR_NOT_SUPPORTED :
				   SBI_ERR_INVALID_PARAM, 0);
		c->wfi = true;
		return ret(c, SBI_SUCCESS, 0);
	}
	ret(c, SBI_ERR_NOT_SUPPORTED, 0);
}

static void dbcn_call(struct cpu *c, uint64_t fid)
{
	struct cpu_platform *p = c->plat;
	struct bus *bus = p->bus;
	uint64_t n = A(0), pa = A(1);	/* RV64: base_addr_hi must be 0 */
	uint64_t k;

	if (fid == 2) {	/* console_write_byte */
		uart_sbi_putchar(p->uart, (uint8_t)A(0));
		return ret(c, SBI_SUCCESS, 0);
	}
	if (fid > 2)
		return ret(c, SBI_ERR_NOT_SUPPORTED, 0);
	if (A(2) != 0 || (n && !bus_is_ram(bus, pa, n)))
		return ret(c, SBI_ERR_INVALID_PARAM, 0);
	if (fid == 0) {	/* console_write */
		for (k = 0; k < n; k++)
			uart_sbi_putchar(p->uart, __atomic_load_n(
				&bus->ram[pa - bus->ram_base + k],
				__ATOMIC_RELAXED));
		return ret(c, SBI_SUCCESS, n);
	}
	for (k = 0; k < n; k++) {	/* console_read */
		int ch = uart_sbi_getchar(p->uart);

		if (ch < 0)
			break;
		__atomic_store_n(&bus->ram[pa - bus->ram_base + k], (uint8_t)ch,
				 __ATOMIC_RELAXED);
		mem_note_write(p, pa + k, 1);
	}
	ret(c, SBI_SUCCESS, k);
}

static void shutdown(struct cpu *c, enum hv_shutdown_kind kind, int code)
{
	struct shutdown_sink *s = &c->plat->shutdown;

	if (s->shutdown)
		s->shutdown(s->opaque, kind, code);
	atomic_store(&c->stopping, true);
}

void sbi_call(struct cpu *c)
{
	uint64_t eid = c->x[17], fid = c->x[16];

	switch (eid) {
	case SBI_LEGACY_SET_TIMER:
		set_timer(c, A(0));
		A(0) = 0;
		return;
	case SBI_LEGACY_PUTCHAR:
		uart_sbi_putchar(c->plat->uart, (uint8_t)A(0));
		A(0) = 0;
		return;
	case SBI_LEGACY_GETCHAR:
		A(0) = (uint64_t)(int64_t)uart_sbi_getchar(c->plat->uart);
		return;
	case SBI_LEGACY_CLEAR_IPI:
		atomic_fetch_and(&c->mip, ~MIP_SSIP);
		A(0) = 0;
		return;
	case SBI_LEGACY_SHUTDOWN:
		shutdown(c, HV_SHUTDOWN_POWEROFF, 0);
		return;
	case SBI_EXT_BASE:
		switch (fid) {
		case 0: return ret(c, 0, SBI_SPEC_VERSION);
		case 1: return ret(c, 0, SBI_IMPL_ID_HV);
		case 2: return ret(c, 0, SBI_IMPL_VERSION);
		case 3: return ret(c, 0, ext_present(A(0)));
		case 4: case 5: case 6: return ret(c, 0, 0);
		}
		break;
	case SBI_EXT_TIME:
		if (fid != 0)
			break;
		set_timer(c, A(0));
		return ret(c, 0, 0);
	case SBI_EXT_IPI:
		if (fid != 0)
			break;
		return ret(c, for_harts(c, A(0), A(1), do_ipi), 0);
	case SBI_EXT_RFENCE:
		if (fid == 0)
			return ret(c, for_harts(c, A(0), A(1), do_fence_i), 0);
		if (fid == 1 || fid == 2)
			return ret(c, for_harts(c, A(0), A(1), do_sfence), 0);
		break;
	case SBI_EXT_HSM:
		return hsm_call(c, fid);
	case SBI_EXT_SRST:
		if (fid != 0)
			break;
		if (A(0) > 2 || A(1) > 1)
			return ret(c, SBI_ERR_INVALID_PARAM, 0);
		shutdown(c, A(0) == 0 ? HV_SHUTDOWN_POWEROFF : HV_SHUTDOWN_RESET,
			 (int)A(1));
		return ret(c, 0, 0);
	case SBI_EXT_DBCN:
		return dbcn_call(c, fid);
	}
	ret(c, SBI_ERR_NOT_SUPPORTED, 0);
}
