// SPDX-License-Identifier: MIT
/*
 * The S- and U-mode CSRs of RV64GC. No Sstc (stimecmp): the timer is the
 * SBI's; no hpm events: hpmcounter3..31 read as zero.
 */
#include "hart.h"

enum {
	CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
	CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105,
	CSR_SCOUNTEREN = 0x106, CSR_SENVCFG = 0x10a,
	CSR_SSCRATCH = 0x140, CSR_SEPC = 0x141, CSR_SCAUSE = 0x142,
	CSR_STVAL = 0x143, CSR_SIP = 0x144, CSR_SATP = 0x180,
	CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02,
	CSR_HPM3 = 0xc03, CSR_HPM31 = 0xc1f,
};

#define SATP_ASID_MASK (0xffffull << 44)
#define SATP_PPN_MASK ((1ull << 44) - 1)

static uint64_t read_sstatus(const struct cpu *c)
{
	uint64_t s = c->status & (SSTATUS_WMASK);

	s |= 2ull << 32;	/* UXL = 64 */
	if ((s & SSTATUS_FS) == SSTATUS_FS)
		s |= SSTATUS_SD;
	return s;
}

static uint64_t instret_now(const struct cpu *c)
{
	/* c->budget counts down within the running slice. */
	return c->instret + (uint64_t)(c->slice_len - c->budget);
}

static bool counter_ok(const struct cpu *c, unsigned csr)
{
	return c->priv == PRV_S || (c->scounteren >> (csr & 31) & 1);
}

bool csr_read(struct cpu *c, unsigned csr, uint64_t *val)
{
	if (((csr >> 8) & 3) > c->priv)
		return false;
	switch (csr) {
	case CSR_FFLAGS:
	case CSR_FRM:
	case CSR_FCSR:
		if (!(c->status & SSTATUS_FS))
			return false;
		*val = csr == CSR_FFLAGS ? c->fflags : csr == CSR_FRM ? c->frm
		       : (c->frm << 5 | c->fflags);
		return true;
	case CSR_CYCLE:
	case CSR_INSTRET:
		if (!counter_ok(c, csr))
			return false;
		*val = instret_now(c);
		return true;
	case CSR_TIME:
		if (!counter_ok(c, csr))
			return false;
		*val = cpu_platform_time(c->plat);
		return true;
	case CSR_SSTATUS: *val = read_sstatus(c); return true;
	case CSR_SIE: *val = c->sie; return true;
	case CSR_STVEC: *val = c->stvec; return true;
	case CSR_SCOUNTEREN: *val = c->scounteren; return true;
	case CSR_SENVCFG: *val = c->senvcfg; return true;
	case CSR_SSCRATCH: *val = c->sscratch; return true;
	case CSR_SEPC: *val = c->sepc; return true;
	case CSR_SCAUSE: *val = c->scause; return true;
	case CSR_STVAL: *val = c->stval; return true;
	case CSR_SIP: *val = cpu_pending(c) & SIE_MASK; return true;
	case CSR_SATP: *val = c->satp; return true;
	}
	if (csr >= CSR_HPM3 && csr <= CSR_HPM31) {
		if (!counter_ok(c, csr))
			return false;
		*val = 0;
		return true;
	}
	return false;
}

static void write_sstatus(struct cpu *c, uint64_t v)
{
	uint64_t old = c->status;
	uint64_t nv = (old & ~SSTATUS_WMASK) | (v & SSTATUS_WMASK);

	c->status = nv;
	if ((nv & SSTATUS_SIE) && !(old & SSTATUS_SIE))
		c->end_slice = true;
	if ((nv ^ old) & SSTATUS_MXR)
		tlb_flush(c);
	if ((nv ^ old) & SSTATUS_SUM)
		tlb_update_set(c);
}

bool csr_write(struct cpu *c, unsigned csr, uint64_t v)
{
	if (((csr >> 8) & 3) > c->priv || (csr >> 10) == 3)
		return false;
	switch (csr) {
	case CSR_FFLAGS:
	case CSR_FRM:
	case CSR_FCSR:
		if (!(c->status & SSTATUS_FS))
			return false;
		if (csr == CSR_FFLAGS) {
			c->fflags = v & 0x1f;
		} else if (csr == CSR_FRM) {
			c->frm = v & 7;
		} else {
			c->fflags = v & 0x1f;
			c->frm = (v >> 5) & 7;
		}
		cpu_set_fs_dirty(c);
		return true;
	case CSR_SSTATUS: write_sstatus(c, v); return true;
	case CSR_SIE:
		c->sie = v & SIE_MASK;
		c->end_slice = true;
		return true;
	case CSR_STVEC:
		/* MODE is WARL: direct (0) or vectored (1). */
		c->stvec = (v & 3) > 1 ? v & ~3ull : v;
		return true;
	case CSR_SCOUNTEREN: c->scounteren = v & 0xffffffffull; return true;
	case CSR_SENVCFG: c->senvcfg = v & 1; return true;	/* FIOM */
	case CSR_SSCRATCH: c->sscratch = v; return true;
	case CSR_SEPC: c->sepc = v & ~1ull; return true;
	case CSR_SCAUSE: c->scause = v; return true;
	case CSR_STVAL: c->stval = v; return true;
	case CSR_SIP:
		if (v & MIP_SSIP)
			atomic_fetch_or(&c->mip, MIP_SSIP);
		else
			atomic_fetch_and(&c->mip, ~MIP_SSIP);
		c->end_slice = true;
		return true;
	case CSR_SATP: {
		uint64_t mode = v >> 60;

		/* Unsupported modes (Sv48, Sv57): the write has no effect. */
		if (mode != 0 && mode != 8)
			return true;
		c->satp = v & (0xfull << 60 | SATP_ASID_MASK | SATP_PPN_MASK);
		tlb_flush(c);
		return true;
	}
	}
	return false;
}
