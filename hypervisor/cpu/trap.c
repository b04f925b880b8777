// SPDX-License-Identifier: MIT
/*
 * Trap delivery to S-mode and sret. hv has no M-mode: every exception and
 * S-level interrupt goes to the guest's stvec, as with OpenSBI's full
 * delegation; ecall from S-mode is the SBI and never reaches here.
 */
#include "hart.h"

void cpu_trap(struct cpu *c, uint64_t cause, uint64_t tval)
{
	bool irq = cause >> 63;
	uint64_t s = c->status;

	c->lr_valid = false;
	c->sepc = c->pc;
	c->scause = cause;
	c->stval = tval;
	s &= ~(SSTATUS_SPIE | SSTATUS_SPP);
	if (s & SSTATUS_SIE)
		s |= SSTATUS_SPIE;
	if (c->priv == PRV_S)
		s |= SSTATUS_SPP;
	s &= ~SSTATUS_SIE;
	c->status = s;
	c->priv = PRV_S;
	if (irq && (c->stvec & 3) == 1)
		c->pc = (c->stvec & ~3ull) + 4 * (cause & 0x3f);
	else
		c->pc = c->stvec & ~3ull;
	tlb_update_set(c);
}

void cpu_sret(struct cpu *c)
{
	uint64_t s = c->status;

	c->priv = (s & SSTATUS_SPP) ? PRV_S : PRV_U;
	s &= ~SSTATUS_SIE;
	if (s & SSTATUS_SPIE)
		s |= SSTATUS_SIE;
	s |= SSTATUS_SPIE;
	s &= ~SSTATUS_SPP;
	c->status = s;
	c->pc = c->sepc;
	tlb_update_set(c);
}

uint64_t cpu_pending(struct cpu *c)
{
	uint64_t p = atomic_load(&c->mip);

	if (cpu_platform_time(c->plat) >= atomic_load(&c->timecmp))
		p |= MIP_STIP;
	return p;
}

bool cpu_check_irq(struct cpu *c)
{
	uint64_t p = cpu_pending(c) & c->sie;
	unsigned irq;

	if (!p)
		return false;
	if (c->priv == PRV_S && !(c->status & SSTATUS_SIE))
		return false;
	/* Priority among S-level interrupts: SEI, SSI, STI. */
	if (p & MIP_SEIP)
		irq = IRQ_SEI;
	else if (p & MIP_SSIP)
		irq = IRQ_SSI;
	else
		irq = IRQ_STI;
	cpu_trap(c, (1ull << 63) | irq, 0);
	return true;
}
