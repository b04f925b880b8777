// SPDX-License-Identifier: MIT
/*
 * The A extension: LR/SC reservations (success, no reservation, another
 * address, reservation lost to a trap), every AMO in W and D with the old
 * value's sign extension and signed vs unsigned min/max, misaligned and
 * MMIO atomics, and two vCPU threads hammering the same words.
 */
#include <pthread.h>
#include "harness.h"

#define M64 0xffffffffffffffffull

/* Runs `insn a0, a2, (a1)` on memory word/dword at H_DATA. */
static uint64_t amo_run(struct harness *h, uint32_t insn, uint64_t a,
			uint64_t b)
{
	return h_op(h, insn, a, b);
}

static void test_lr_sc(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	const uint64_t d = H_DATA;
	uint64_t end;

	/* lr.w sign-extends; sc.w succeeds and writes only the word */
	h_w64(h, d, 0x5555555580000000ull);
	h_org(h, H_CODE);
	e32(h, LR_W(A0, A1));
	e32(h, SC_W(A2, A3, A1));
	end = h_end(h);
	c->x[A1] = d;
	c->x[A2] = 77;
	c->x[A3] = 0xaaaaaaaa12345678ull;
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	assert_int_equal(c->x[A0], 0xffffffff80000000ull);
	assert_int_equal(c->x[A2], 0);
	assert_int_equal(h_r64(h, d), 0x5555555512345678ull);

	/* lr.d / sc.d */
	h_w64(h, d + 8, 0x8000000000000001ull);
	h_org(h, H_CODE);
	e32(h, LR_D(A0, A1));
	e32(h, SC_D(A2, A3, A1));
	end = h_end(h);
	c->x[A1] = d + 8;
	c->x[A2] = 77;
	c->x[A3] = 42;
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	assert_int_equal(c->x[A0], 0x8000000000000001ull);
	assert_int_equal(c->x[A2], 0);
	assert_int_equal(h_r64(h, d + 8), 42);
}

static void test_sc_fails(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	const uint64_t d = H_DATA;
	uint64_t end, sc_at;

	h_w64(h, d, 1);
	h_w64(h, d + 8, 2);

	/* no reservation at all */
	h_org(h, H_CODE);
	sc_at = e32(h, SC_W(A2, A3, A1));
	end = h_end(h);
	c->x[A1] = d;
	c->x[A3] = 99;
	assert_int_equal(h_run(h, c, sc_at, end), end);
	assert_int_not_equal(c->x[A2], 0);
	assert_int_equal(h_r64(h, d), 1);

	/*
	 * Reservation on d, sc to d + 8: fails and stores nothing; the
	 * failed sc also ends the reservation on d. Then lr; sc; sc: the
	 * second sc fails.
	 */
	h_org(h, H_CODE);
	e32(h, LR_D(A0, A1));
	e32(h, SC_D(A2, A3, A4));
	e32(h, SC_D(A5, A3, A1));
	e32(h, LR_D(A0, A1));
	e32(h, SC_D(S2, A3, A1));
	e32(h, SC_D(S3, A6, A1));
	end = h_end(h);
	c->x[A4] = d + 8;
	c->x[A6] = 1234;
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	assert_int_not_equal(c->x[A2], 0);
	assert_int_not_equal(c->x[A5], 0);
	assert_int_equal(h_r64(h, d + 8), 2);
	assert_int_equal(c->x[S2], 0);
	assert_int_not_equal(c->x[S3], 0);
	assert_int_equal(h_r64(h, d), 99);

	/* a trap between lr and sc drops the reservation */
	h_org(h, H_CODE);
	e32(h, LR_W(A0, A1));
	e32(h, EBREAK());
	sc_at = e32(h, SC_W(A2, A3, A1));
	end = h_end(h);
	c->x[A3] = 5;
	assert_int_equal(h_run(h, c, H_CODE, end), H_TRAP);
	assert_int_equal(c->scause, EXC_BREAKPOINT);
	assert_int_equal(h_run(h, c, sc_at, end), end);
	assert_int_not_equal(c->x[A2], 0);
	assert_int_equal(h_r64(h, d), 99);
}

struct amo_case {
	unsigned f5, width;
	uint64_t mem, rs2, old, after;
};

static void test_amo(void **state)
{
	static const struct amo_case k[] = {
		{ AMO_ADD, 2, 0xffffffff, 1, M64, 0 },
		{ AMO_ADD, 2, 0x7fffffff, 0x100000001ull, 0x7fffffff,
		  0x80000000 },
		{ AMO_SWAP, 2, 0x80000000, 0x1234, 0xffffffff80000000ull,
		  0x1234 },
		{ AMO_XOR, 2, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00ull,
		  0xf0f0f0f0 },
		{ AMO_AND, 2, 0xffffffff, 0x80000001, M64, 0x80000001 },
		{ AMO_OR, 2, 1, 0x80000000, 1, 0x80000001 },
		{ AMO_MIN, 2, 0xffffffff, 1, M64, 0xffffffff },
		{ AMO_MINU, 2, 0xffffffff, 1, M64, 1 },
		{ AMO_MAX, 2, 0xffffffff, 1, M64, 1 },
		{ AMO_MAXU, 2, 0xffffffff, 1, M64, 0xffffffff },
		/* W compares only the low words, as signed 32-bit values */
		{ AMO_MIN, 2, 5, 0xffffffff00000003ull, 5, 3 },
		{ AMO_MAX, 2, 0x80000000, 0x7fffffff, 0xffffffff80000000ull,
		  0x7fffffff },
		{ AMO_MINU, 2, 0x80000000, 0x7fffffff, 0xffffffff80000000ull,
		  0x7fffffff },
		{ AMO_ADD, 3, M64, 2, M64, 1 },
		{ AMO_SWAP, 3, 0x8000000000000000ull, 7, 0x8000000000000000ull,
		  7 },
		{ AMO_XOR, 3, M64, 0xf0, M64, 0xffffffffffffff0full },
		{ AMO_AND, 3, 0x123456789ull, 0xff00000000ull, 0x123456789ull,
		  0x100000000ull },
		{ AMO_OR, 3, 0x100000000ull, 1, 0x100000000ull,
		  0x100000001ull },
		{ AMO_MIN, 3, M64, 1, M64, M64 },
		{ AMO_MINU, 3, M64, 1, M64, 1 },
		{ AMO_MAX, 3, M64, 1, M64, 1 },
		{ AMO_MAXU, 3, M64, 1, M64, M64 },
		{ AMO_MIN, 3, 0x8000000000000000ull, 0x7fffffffffffffffull,
		  0x8000000000000000ull, 0x8000000000000000ull },
		{ AMO_MAXU, 3, 0x8000000000000000ull, 0x7fffffffffffffffull,
		  0x8000000000000000ull, 0x8000000000000000ull },
	};
	struct harness *h = *state;
	const uint64_t d = H_DATA + 0x40;

	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		uint32_t insn = AMO(k[j].f5, k[j].width, A0, A1, A2);
		uint64_t old, after, guard;

		/* a guard word above a W operand must not change */
		h_w64(h, d, k[j].width == 2 ? 0xdeadbeef00000000ull |
			  (uint32_t)k[j].mem : k[j].mem);
		old = amo_run(h, insn, d, k[j].rs2);
		after = h_r64(h, d);
		guard = after >> 32;
		if (k[j].width == 2)
			after &= 0xffffffff;
		if (old != k[j].old || after != k[j].after ||
		    (k[j].width == 2 && guard != 0xdeadbeef))
			fail_msg("amo case %zu: old %#llx mem %#llx "
				 "guard %#llx", j, (unsigned long long)old,
				 (unsigned long long)after,
				 (unsigned long long)guard);
	}
}

/* AMO with rd = rs2: the old value lands in rd after rs2 was used. */
static void test_amo_rd_is_rs2(void **state)
{
	struct harness *h = *state;

	h_w64(h, H_DATA, 10);
	h_op(h, AMO(AMO_ADD, 3, A2, A1, A2), H_DATA, 5);
	assert_int_equal(h->cpu[0]->x[A2], 10);
	assert_int_equal(h_r64(h, H_DATA), 15);
}

static void test_amo_faults(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	const uint64_t d = H_DATA + 0x80;

	h_w64(h, d, 0);
	h_w64(h, d + 8, 0);
	c->x[A1] = d + 2;
	assert_int_equal(h_trap1(h, c, AMO(AMO_ADD, 2, A0, A1, A2),
				 EXC_STORE_MISALIGNED), d + 2);
	c->x[A1] = d + 4;
	assert_int_equal(h_trap1(h, c, AMO(AMO_SWAP, 3, A0, A1, A2),
				 EXC_STORE_MISALIGNED), d + 4);
	c->x[A1] = d + 1;
	assert_int_equal(h_trap1(h, c, SC_D(A0, A2, A1),
				 EXC_STORE_MISALIGNED), d + 1);
	c->x[A1] = d + 2;
	assert_int_equal(h_trap1(h, c, LR_W(A0, A1), EXC_LOAD_MISALIGNED),
			 d + 2);
	assert_int_equal(h_r64(h, d), 0);
	assert_int_equal(h_r64(h, d + 8), 0);

	/* atomics on MMIO (the UART) or on nothing: access faults */
	c->x[A1] = UART_BASE;
	assert_int_equal(h_trap1(h, c, AMO(AMO_OR, 2, A0, A1, A2),
				 EXC_STORE_ACCESS), UART_BASE);
	assert_int_equal(h_trap1(h, c, LR_W(A0, A1), EXC_LOAD_ACCESS),
			 UART_BASE);
	c->x[A1] = 0x20000000;
	assert_int_equal(h_trap1(h, c, AMO(AMO_ADD, 3, A0, A1, A2),
				 EXC_STORE_ACCESS), 0x20000000);
}

#define CONC_ITERS 500000

struct runner {
	struct harness *h;
	struct cpu *c;
	uint64_t pc, end, final;
};

static void *runner_main(void *arg)
{
	struct runner *r = arg;

	r->c->pc = r->pc;
	while (r->c->pc != r->end) {
		uint64_t pc = h_resume(r->h, r->c, r->end);

		if (pc >= H_TRAP && pc < H_TRAP + PAGE_SIZE)
			break;
	}
	r->final = r->c->pc;
	return NULL;
}

static void test_concurrent(void **state)
{
	struct harness *h = *state;
	const uint64_t w = H_DATA + 0x1000, dw = H_DATA + 0x2000;
	struct runner r[2];
	pthread_t t[2];
	uint64_t loop;

	/* vCPU 0: amoadd.w and amoadd.d */
	h_org(h, H_CODE);
	loop = e32(h, AMO(AMO_ADD, 2, ZERO, A1, T1));
	e32(h, AMO(AMO_ADD, 3, ZERO, A2, T1));
	e32(h, ADDI(T0, T0, -1));
	e32(h, BNE(T0, ZERO, (int32_t)(loop - h->pc)));
	r[0] = (struct runner){ h, h->cpu[0], loop, h_end(h), 0 };

	/* vCPU 1: an lr/sc increment and amoadd.d */
	h_org(h, H_CODE + 0x1000);
	loop = e32(h, LR_W(T2, A1));
	e32(h, ADDI(T2, T2, 1));
	e32(h, SC_W(T3, T2, A1));
	e32(h, BNE(T3, ZERO, (int32_t)(loop - h->pc)));
	e32(h, AMO(AMO_ADD, 3, ZERO, A2, T1));
	e32(h, ADDI(T0, T0, -1));
	e32(h, BNE(T0, ZERO, (int32_t)(loop - h->pc)));
	r[1] = (struct runner){ h, h->cpu[1], loop, h_end(h), 0 };

	h_w64(h, w, 0);
	h_w64(h, dw, 0xffffffff);	/* the D sum carries into bit 32 */
	for (int n = 0; n < 2; n++) {
		struct cpu *c = h->cpu[n];

		c->x[T0] = CONC_ITERS;
		c->x[T1] = 1;
		c->x[A1] = w;
		c->x[A2] = dw;
	}
	for (int n = 0; n < 2; n++)
		assert_int_equal(pthread_create(&t[n], NULL, runner_main,
						&r[n]), 0);
	for (int n = 0; n < 2; n++)
		pthread_join(t[n], NULL);
	assert_int_equal(r[0].final, r[0].end);
	assert_int_equal(r[1].final, r[1].end);
	assert_int_equal(h_r64(h, w), 2 * CONC_ITERS);
	assert_int_equal(h_r64(h, dw), 0xffffffffull + 2 * CONC_ITERS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lr_sc, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_sc_fails, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_amo, h_setup1, h_teardown),
		cmocka_unit_test_setup_teardown(test_amo_rd_is_rs2, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_amo_faults, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, h_setup2,
						h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
