// SPDX-License-Identifier: MIT
/*
 * Traps and interrupts: the state saved on entry and restored by sret,
 * vectored stvec, interrupt priority and masking (SIE in S, always on in
 * U, sie), sip.SSIP, the timer's STIP, the causes and stval of ecall,
 * ebreak and illegal instructions, CSR privilege and scounteren.
 */
#include "harness.h"

#define STATUS_BITS (SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP)

static void set_status(struct cpu *c, uint64_t clear, uint64_t set)
{
	h_csrw(c, CSR_SSTATUS, (h_csrr(c, CSR_SSTATUS) & ~clear) | set);
}

static uint64_t status_bits(struct cpu *c)
{
	return h_csrr(c, CSR_SSTATUS) & STATUS_BITS;
}

static void test_exception_entry(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	/* from S with SIE set */
	set_status(c, STATUS_BITS, SSTATUS_SIE);
	assert_int_equal(h_trap1(h, c, EBREAK(), EXC_BREAKPOINT), H_CODE);
	assert_int_equal(c->priv, PRV_S);
	assert_int_equal(status_bits(c), SSTATUS_SPIE | SSTATUS_SPP);
	assert_int_equal(c->pc, H_TRAP);

	/* from S with SIE clear */
	set_status(c, STATUS_BITS, SSTATUS_SPIE);
	h_trap1(h, c, EBREAK(), EXC_BREAKPOINT);
	assert_int_equal(status_bits(c), SSTATUS_SPP);

	/* from U with SIE clear: taken all the same, SPP = U */
	set_status(c, STATUS_BITS, SSTATUS_SPP | SSTATUS_SPIE);
	h_set_priv(c, PRV_U);
	assert_int_equal(h_trap1(h, c, ECALL(), EXC_ECALL_U), 0);
	assert_int_equal(c->priv, PRV_S);
	assert_int_equal(status_bits(c), 0);

	/* from U with SIE set */
	set_status(c, STATUS_BITS, SSTATUS_SIE);
	h_set_priv(c, PRV_U);
	h_trap1(h, c, ECALL(), EXC_ECALL_U);
	assert_int_equal(status_bits(c), SSTATUS_SPIE);
}

static void test_sret(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	const uint64_t ucode = H_CODE + 0x100, scode = H_CODE + 0x200;
	uint64_t end;

	h_org(h, ucode);
	e32(h, ECALL());
	h_org(h, scode);
	e32(h, EBREAK());
	h_org(h, H_CODE);
	e32(h, SRET());
	end = h_end(h);

	/* back to U: SIE = SPIE, SPIE = 1, SPP = U */
	set_status(c, STATUS_BITS, SSTATUS_SPIE);
	h_csrw(c, CSR_SEPC, ucode);
	assert_int_equal(h_run(h, c, H_CODE, end), H_TRAP);
	assert_int_equal(c->scause, EXC_ECALL_U);
	assert_int_equal(c->sepc, ucode);
	/* the ecall saw SIE = 1 in U: SPIE = 1, SIE = 0, SPP = U */
	assert_int_equal(status_bits(c), SSTATUS_SPIE);

	/* back to S with SPIE clear */
	set_status(c, STATUS_BITS, SSTATUS_SPP | SSTATUS_SIE);
	h_csrw(c, CSR_SEPC, scode);
	assert_int_equal(h_run(h, c, H_CODE, end), H_TRAP);
	assert_int_equal(c->scause, EXC_BREAKPOINT);
	assert_int_equal(c->sepc, scode);
	/* the ebreak saw SIE = 0 (from SPIE) in S */
	assert_int_equal(status_bits(c), SSTATUS_SPP);

	/* sret alone: SIE = SPIE, SPIE = 1, SPP = U */
	h_org(h, scode);
	e32(h, JAL(0, 0));
	set_status(c, STATUS_BITS, SSTATUS_SPP | SSTATUS_SIE);
	h_csrw(c, CSR_SEPC, scode);
	assert_int_equal(h_run(h, c, H_CODE, scode), scode);
	assert_int_equal(c->priv, PRV_S);
	assert_int_equal(status_bits(c), SSTATUS_SPIE);
	set_status(c, STATUS_BITS, SSTATUS_SPIE);
	assert_int_equal(h_run(h, c, H_CODE, scode), scode);
	assert_int_equal(c->priv, PRV_U);
	assert_int_equal(status_bits(c), SSTATUS_SPIE | SSTATUS_SIE);
	h_set_priv(c, PRV_S);

	/* sepc bit 0 is not writable */
	h_csrw(c, CSR_SEPC, ucode | 1);
	assert_int_equal(h_csrr(c, CSR_SEPC), ucode);

	/* sret from U is illegal */
	h_set_priv(c, PRV_U);
	assert_int_equal(h_trap1(h, c, SRET(), EXC_ILLEGAL), SRET());
	assert_int_equal(status_bits(c) & SSTATUS_SPP, 0);
}

static void pend(struct cpu *c, uint64_t mip, bool timer)
{
	atomic_store(&c->mip, mip);
	atomic_store(&c->timecmp, timer ? 0 : ~0ull);
}

/* Takes an interrupt at H_CODE in @priv; returns scause or 0. */
static uint64_t irq(struct cpu *c, unsigned priv)
{
	c->pc = H_CODE;
	c->scause = 0;
	h_set_priv(c, priv);
	if (!cpu_check_irq(c)) {
		assert_int_equal(c->pc, H_CODE);
		assert_int_equal(c->priv, priv);
		return 0;
	}
	assert_int_equal(c->sepc, H_CODE);
	assert_int_equal(c->stval, 0);
	assert_int_equal(c->priv, PRV_S);
	return c->scause;
}

static void test_vectored(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	static const struct {
		uint64_t mip;
		bool timer;
		unsigned cause;
	} k[] = {
		{ MIP_SSIP, false, IRQ_SSI },
		{ 0, true, IRQ_STI },
		{ MIP_SEIP, false, IRQ_SEI },
	};

	h_csrw(c, CSR_STVEC, H_TRAP | 1);
	assert_int_equal(h_csrr(c, CSR_STVEC), H_TRAP | 1);
	h_csrw(c, CSR_SIE, SIE_MASK);
	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		pend(c, k[j].mip, k[j].timer);
		set_status(c, 0, SSTATUS_SIE);
		assert_int_equal(irq(c, PRV_S), IRQ_CAUSE(k[j].cause));
		assert_int_equal(c->pc, H_TRAP + 4 * k[j].cause);
	}
	pend(c, 0, false);
	/* exceptions go to the base */
	h_trap1(h, c, EBREAK(), EXC_BREAKPOINT);
	assert_int_equal(c->pc, H_TRAP);
	/* modes 2 and 3 are reserved: WARL to direct */
	h_csrw(c, CSR_STVEC, H_TRAP | 2);
	assert_int_equal(h_csrr(c, CSR_STVEC) & 3, 0);
	h_csrw(c, CSR_STVEC, H_TRAP | 3);
	assert_int_equal(h_csrr(c, CSR_STVEC) & 3, 0);
	/* direct mode: interrupts go to the base too */
	h_csrw(c, CSR_STVEC, H_TRAP);
	pend(c, MIP_SEIP, false);
	set_status(c, 0, SSTATUS_SIE);
	assert_int_equal(irq(c, PRV_S), IRQ_CAUSE(IRQ_SEI));
	assert_int_equal(c->pc, H_TRAP);
}

static void test_priority(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	h_csrw(c, CSR_SIE, SIE_MASK);
	pend(c, MIP_SSIP | MIP_SEIP, true);
	set_status(c, 0, SSTATUS_SIE);
	assert_int_equal(irq(c, PRV_S), IRQ_CAUSE(IRQ_SEI));
	pend(c, MIP_SSIP, true);
	set_status(c, 0, SSTATUS_SIE);
	assert_int_equal(irq(c, PRV_S), IRQ_CAUSE(IRQ_SSI));
	pend(c, 0, true);
	set_status(c, 0, SSTATUS_SIE);
	assert_int_equal(irq(c, PRV_S), IRQ_CAUSE(IRQ_STI));
	/* a disabled higher-priority source does not hide a lower one */
	h_csrw(c, CSR_SIE, MIP_STIP);
	pend(c, MIP_SSIP | MIP_SEIP, true);
	set_status(c, 0, SSTATUS_SIE);
	assert_int_equal(irq(c, PRV_S), IRQ_CAUSE(IRQ_STI));
}

static void test_masking(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	h_csrw(c, CSR_SIE, ~0ull);
	assert_int_equal(h_csrr(c, CSR_SIE), SIE_MASK);
	pend(c, MIP_SSIP, false);
	/* S with SIE = 0: held */
	set_status(c, SSTATUS_SIE, 0);
	assert_int_equal(irq(c, PRV_S), 0);
	/* U: taken whatever SIE says, SPP = U, SPIE = SIE = 0 */
	assert_int_equal(irq(c, PRV_U), IRQ_CAUSE(IRQ_SSI));
	assert_int_equal(status_bits(c), 0);
	/* sie masks in both modes */
	h_csrw(c, CSR_SIE, MIP_STIP | MIP_SEIP);
	set_status(c, 0, SSTATUS_SIE);
	assert_int_equal(irq(c, PRV_S), 0);
	assert_int_equal(irq(c, PRV_U), 0);
	/* nothing pending: nothing taken */
	h_csrw(c, CSR_SIE, SIE_MASK);
	pend(c, 0, false);
	assert_int_equal(irq(c, PRV_S), 0);
}

/* Setting sstatus.SIE with an interrupt pending ends the slice right
 * after the csr instruction, so the interrupt is taken there. */
static void test_sie_ends_slice(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t end;

	h_org(h, H_CODE);
	e32(h, CSRRSI(ZERO, CSR_SSTATUS, 2));
	e32(h, ADDI(A0, ZERO, 1));
	end = h_end(h);
	h_csrw(c, CSR_SIE, SIE_MASK);
	set_status(c, SSTATUS_SIE, 0);
	pend(c, MIP_SSIP, false);
	c->x[A0] = 0;
	c->pc = H_CODE;
	cpu_exec_slice(c, 1000);
	assert_int_equal(c->pc, H_CODE + 4);
	assert_int_equal(c->x[A0], 0);
	assert_true(cpu_check_irq(c));
	assert_int_equal(c->sepc, H_CODE + 4);
	assert_int_equal(c->scause, IRQ_CAUSE(IRQ_SSI));
	/* likewise a write to sie */
	pend(c, MIP_SSIP, false);
	h_csrw(c, CSR_SIE, 0);
	set_status(c, 0, SSTATUS_SIE);
	h_org(h, H_CODE);
	e32(h, CSRRS(ZERO, CSR_SIE, A1));
	e32(h, ADDI(A0, ZERO, 1));
	end = h_end(h);
	(void)end;
	c->x[A1] = MIP_SSIP;
	c->pc = H_CODE;
	cpu_exec_slice(c, 1000);
	assert_int_equal(c->pc, H_CODE + 4);
	assert_int_equal(c->x[A0], 0);
}

static void test_sip(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	pend(c, 0, false);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_SIP, A1), MIP_SSIP, 0), 0);
	assert_int_equal(atomic_load(&c->mip), MIP_SSIP);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_SIP, ZERO), 0, 0), MIP_SSIP);
	assert_int_equal(h_op(h, CSRRC(A0, CSR_SIP, A1), MIP_SSIP, 0),
			 MIP_SSIP);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_SIP, ZERO), 0, 0), 0);
	/* STIP and SEIP are read-only in sip */
	h_op(h, CSRRS(A0, CSR_SIP, A1), MIP_STIP | MIP_SEIP, 0);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_SIP, ZERO), 0, 0), 0);
	cpu_set_seip(c, true);
	assert_int_equal(h_op(h, CSRRC(A0, CSR_SIP, A1), MIP_SEIP, 0),
			 MIP_SEIP);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_SIP, ZERO), 0, 0), MIP_SEIP);
	cpu_set_seip(c, false);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_SIP, ZERO), 0, 0), 0);
}

static void test_timer(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t now = cpu_platform_time(&h->plat);

	atomic_store(&c->timecmp, ~0ull);
	assert_int_equal(h_csrr(c, CSR_SIP) & MIP_STIP, 0);
	atomic_store(&c->timecmp, now);		/* now is in the past */
	assert_int_equal(h_csrr(c, CSR_SIP) & MIP_STIP, MIP_STIP);
	atomic_store(&c->timecmp, now + 100 * HV_TIMEBASE_HZ);
	assert_int_equal(h_csrr(c, CSR_SIP) & MIP_STIP, 0);
	/* time reads the platform clock */
	{
		uint64_t t = h_op(h, CSRRS(A0, CSR_TIME, ZERO), 0, 0);

		assert_true(t >= now);
		assert_true(t <= cpu_platform_time(&h->plat));
	}
}

static void test_causes(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint32_t bad_csr = CSRRS(A0, 0x7c0, ZERO);

	assert_int_equal(h_trap1(h, c, EBREAK(), EXC_BREAKPOINT), H_CODE);
	assert_int_equal(h_trap1(h, c, bad_csr, EXC_ILLEGAL), bad_csr);
	assert_int_equal(h_trap1(h, c, 0xffffffffu, EXC_ILLEGAL),
			 0xffffffffu);
	h_set_priv(c, PRV_U);
	assert_int_equal(h_trap1(h, c, ECALL(), EXC_ECALL_U), 0);
	/* and the U-mode ebreak is cause 3 too */
	h_set_priv(c, PRV_U);
	assert_int_equal(h_trap1(h, c, EBREAK(), EXC_BREAKPOINT), H_CODE);
	assert_int_equal(c->status & SSTATUS_SPP, 0);
}

static void test_csr_privilege(void **state)
{
	static const uint32_t u_illegal[] = {
		CSRRS(A0, CSR_SSTATUS, ZERO), CSRRS(A0, CSR_SIE, ZERO),
		CSRRS(A0, CSR_STVEC, ZERO), CSRRS(A0, CSR_SSCRATCH, ZERO),
		CSRRW(ZERO, CSR_SSCRATCH, A1), CSRRS(A0, CSR_SATP, ZERO),
		CSRRS(A0, CSR_SIP, ZERO), CSRRS(A0, CSR_SCOUNTEREN, ZERO),
		SRET(), WFI(), SFENCE_VMA(0, 0),
	};
	static const uint32_t s_illegal[] = {
		CSRRW(ZERO, CSR_TIME, A1), CSRRS(A0, CSR_TIME, A1),
		CSRRWI(A0, CSR_CYCLE, 0), CSRRCI(A0, CSR_INSTRET, 1),
		CSRRS(A0, 0x300, ZERO),		/* mstatus */
		CSRRS(A0, 0xf14, ZERO),		/* mhartid */
		CSRRS(A0, 0x5a8, ZERO),		/* hypervisor-level */
	};
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	c->sscratch = 0x1234;
	for (size_t j = 0; j < sizeof(u_illegal) / sizeof(u_illegal[0]);
	     j++) {
		h_set_priv(c, PRV_U);
		c->x[A1] = 5;
		if (h_trap1(h, c, u_illegal[j], EXC_ILLEGAL) != u_illegal[j])
			fail_msg("U case %zu: bad stval", j);
	}
	assert_int_equal(c->sscratch, 0x1234);
	for (size_t j = 0; j < sizeof(s_illegal) / sizeof(s_illegal[0]);
	     j++) {
		c->x[A1] = 5;
		if (h_trap1(h, c, s_illegal[j], EXC_ILLEGAL) != s_illegal[j])
			fail_msg("S case %zu: bad stval", j);
	}
	/* reads of the read-only counters are fine, also csrrs/c with 0 */
	h_op(h, CSRRS(A0, CSR_TIME, ZERO), 0, 0);
	h_op(h, CSRRSI(A0, CSR_CYCLE, 0), 0, 0);
	h_op(h, CSRRCI(A0, CSR_INSTRET, 0), 0, 0);
	assert_int_equal(h_op(h, CSRRW(A0, CSR_SSCRATCH, A1), 7, 0), 0x1234);
	assert_int_equal(c->sscratch, 7);
}

static void test_counteren(void **state)
{
	static const unsigned counters[] = {
		CSR_CYCLE, CSR_TIME, CSR_INSTRET, CSR_HPM3,
	};
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t end;

	h_csrw(c, CSR_SCOUNTEREN, ~0ull);
	assert_int_equal(h_csrr(c, CSR_SCOUNTEREN), 0xffffffffull);
	for (unsigned n = 0; n < 4; n++) {
		unsigned csr = counters[n];
		uint32_t rd = CSRRS(A0, csr, ZERO);

		/* only the counter's own bit opens it */
		h_csrw(c, CSR_SCOUNTEREN, ~(1ull << (csr & 31)));
		h_set_priv(c, PRV_U);
		assert_int_equal(h_trap1(h, c, rd, EXC_ILLEGAL), rd);
		h_csrw(c, CSR_SCOUNTEREN, 1ull << (csr & 31));
		h_set_priv(c, PRV_U);
		h_op(h, rd, 0, 0);
		assert_int_equal(c->priv, PRV_U);
		/* S does not need scounteren */
		h_csrw(c, CSR_SCOUNTEREN, 0);
		h_set_priv(c, PRV_S);
		h_op(h, rd, 0, 0);
	}
	/* instret counts retired instructions exactly */
	h_org(h, H_CODE);
	e32(h, CSRRS(A0, CSR_INSTRET, ZERO));
	e32(h, NOP());
	e32(h, NOP());
	e32(h, CSRRS(A1, CSR_INSTRET, ZERO));
	e32(h, CSRRS(A2, CSR_CYCLE, ZERO));
	end = h_end(h);
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	assert_int_equal(c->x[A1] - c->x[A0], 3);
	assert_true(c->x[A2] > c->x[A1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exception_entry, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_sret, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_vectored, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_priority, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_masking, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_sie_ends_slice, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_sip, h_setup1, h_teardown),
		cmocka_unit_test_setup_teardown(test_timer, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_causes, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_csr_privilege, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_counteren, h_setup1,
						h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
