// SPDX-License-Identifier: MIT
/*
 * The M extension: high-half products with every sign combination,
 * division by zero and the one overflowing division, and the *W forms'
 * use of only the low 32 source bits and sign-extended results.
 */
#include "harness.h"

#define M64 0xffffffffffffffffull
#define I64MIN 0x8000000000000000ull
#define I64MAX 0x7fffffffffffffffull
#define NEG(x) ((uint64_t)-(int64_t)(x))

static void test_mul(void **state)
{
	static const struct h_case k[] = {
		{ MUL(A0, A1, A2), M64, M64, 1 },
		{ MUL(A0, A1, A2), I64MIN, M64, I64MIN },
		{ MUL(A0, A1, A2), 0x100000000ull, 0x100000000ull, 0 },
		{ MUL(A0, A1, A2), 0x123456789ull, 0x10, 0x1234567890ull },
		{ MULH(A0, A1, A2), I64MIN, I64MIN, 0x4000000000000000ull },
		{ MULH(A0, A1, A2), M64, M64, 0 },
		{ MULH(A0, A1, A2), M64, 1, M64 },
		{ MULH(A0, A1, A2), I64MIN, M64, 0 },
		{ MULH(A0, A1, A2), I64MAX, I64MAX, 0x3fffffffffffffffull },
		{ MULH(A0, A1, A2), I64MIN, 2, M64 },
		{ MULHU(A0, A1, A2), M64, M64, 0xfffffffffffffffeull },
		{ MULHU(A0, A1, A2), M64, 2, 1 },
		{ MULHU(A0, A1, A2), I64MIN, 2, 1 },
		{ MULHU(A0, A1, A2), 0xffffffff, 0xffffffff, 0 },
		/* mulhsu: rs1 signed, rs2 unsigned */
		{ MULHSU(A0, A1, A2), M64, M64, M64 },
		{ MULHSU(A0, A1, A2), M64, 1, M64 },
		{ MULHSU(A0, A1, A2), 1, M64, 0 },
		{ MULHSU(A0, A1, A2), I64MIN, M64, I64MIN },
		{ MULHSU(A0, A1, A2), 2, I64MIN, 1 },
		{ MULHSU(A0, A1, A2), NEG(2), I64MIN, M64 },
		{ MULHSU(A0, A1, A2), 0, M64, 0 },
	};

	H_CHECK(*state, k);
}

static void test_div(void **state)
{
	static const struct h_case k[] = {
		{ DIV(A0, A1, A2), 7, 0, M64 },
		{ DIVU(A0, A1, A2), 7, 0, M64 },
		{ REM(A0, A1, A2), 7, 0, 7 },
		{ REM(A0, A1, A2), NEG(7), 0, NEG(7) },
		{ REMU(A0, A1, A2), M64, 0, M64 },
		{ DIV(A0, A1, A2), I64MIN, M64, I64MIN },	/* overflow */
		{ REM(A0, A1, A2), I64MIN, M64, 0 },
		{ DIV(A0, A1, A2), NEG(7), 2, NEG(3) },	/* truncates */
		{ REM(A0, A1, A2), NEG(7), 2, NEG(1) },
		{ DIV(A0, A1, A2), 7, NEG(2), NEG(3) },
		{ REM(A0, A1, A2), 7, NEG(2), 1 },
		{ DIV(A0, A1, A2), I64MIN, 2, 0xc000000000000000ull },
		{ DIVU(A0, A1, A2), M64, 2, I64MAX },
		{ DIVU(A0, A1, A2), I64MIN, M64, 0 },
		{ REMU(A0, A1, A2), M64, 10, 5 },
		{ REMU(A0, A1, A2), 5, M64, 5 },
	};

	H_CHECK(*state, k);
}

static void test_word(void **state)
{
	static const struct h_case k[] = {
		{ MULW(A0, A1, A2), 0x7fffffff, 2, NEG(2) },
		{ MULW(A0, A1, A2), 0x100000003ull, 0x100000005ull, 15 },
		{ MULW(A0, A1, A2), 0x10000, 0x8000, 0xffffffff80000000ull },
		{ DIVW(A0, A1, A2), 0x80000000ull, M64, 0xffffffff80000000ull },
		{ REMW(A0, A1, A2), 0x80000000ull, M64, 0 },
		{ DIVW(A0, A1, A2), 5, 0, M64 },
		/* the divisor's low word is zero: division by zero */
		{ DIVW(A0, A1, A2), 5, 0x100000000ull, M64 },
		{ REMW(A0, A1, A2), 0x80000001ull, 0, 0xffffffff80000001ull },
		{ REMW(A0, A1, A2), 0xffffffff00000005ull, 0x100000000ull, 5 },
		{ DIVW(A0, A1, A2), 0x1234567800000010ull,
		  0xffffffff00000002ull, 8 },
		{ DIVW(A0, A1, A2), NEG(7), 2, NEG(3) },
		{ REMW(A0, A1, A2), NEG(7), 2, NEG(1) },
		{ DIVUW(A0, A1, A2), 0xffffffff, 1, M64 },
		{ DIVUW(A0, A1, A2), 0x80000000ull, 0, M64 },
		{ DIVUW(A0, A1, A2), 0xfffffffe, 2, 0x7fffffff },
		{ DIVUW(A0, A1, A2), 0xffffffff00000010ull, 0x8, 2 },
		{ REMUW(A0, A1, A2), 0x80000000ull, 0, 0xffffffff80000000ull },
		{ REMUW(A0, A1, A2), 0xffffffff, 0x10, 0xf },
		{ REMUW(A0, A1, A2), 0xffffffff, 0xffffffff00000000ull,
		  M64 },
	};

	H_CHECK(*state, k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mul, h_setup1, h_teardown),
		cmocka_unit_test_setup_teardown(test_div, h_setup1, h_teardown),
		cmocka_unit_test_setup_teardown(test_word, h_setup1,
						h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
