// SPDX-License-Identifier: MIT
/*
 * Hand-checked conversions, comparisons, fclass, sign injection and
 * NaN-boxing of the F/D instructions, from the spec's tables.
 */
#include "fpu_test.h"

#define RNE FPU_RNE
#define RTZ FPU_RTZ
#define RDN FPU_RDN
#define RUP FPU_RUP
#define RMM FPU_RMM

#define SNAN_D 0x7ff0000000000001ull
#define NQNAN_D 0xfff8000000000000ull
#define SNAN_S 0xffffffff7f800001ull
#define UNBOXED 0x000000003f800000ull	/* 1.0f, improperly boxed */
#define I32_MAX 0x000000007fffffffull
#define I32_MIN 0xffffffff80000000ull
#define I64_MAX 0x7fffffffffffffffull
#define I64_MIN 0x8000000000000000ull
#define ALL1 0xffffffffffffffffull

static void test_cvt_w(void **state)
{
	/* 2.5 and -2.5 in every mode. */
	CHECK(fpu_cvt_w_d(dbits(2.5), RNE, flags), 2, NX);
	CHECK(fpu_cvt_w_d(dbits(2.5), RMM, flags), 3, NX);
	CHECK(fpu_cvt_w_d(dbits(2.5), RTZ, flags), 2, NX);
	CHECK(fpu_cvt_w_d(dbits(2.5), RDN, flags), 2, NX);
	CHECK(fpu_cvt_w_d(dbits(2.5), RUP, flags), 3, NX);
	CHECK(fpu_cvt_w_d(dbits(-2.5), RNE, flags), (uint64_t)-2, NX);
	CHECK(fpu_cvt_w_d(dbits(-2.5), RMM, flags), (uint64_t)-3, NX);
	CHECK(fpu_cvt_w_d(dbits(-2.5), RTZ, flags), (uint64_t)-2, NX);
	CHECK(fpu_cvt_w_d(dbits(-2.5), RDN, flags), (uint64_t)-3, NX);
	CHECK(fpu_cvt_w_d(dbits(-2.5), RUP, flags), (uint64_t)-2, NX);
	CHECK(fpu_cvt_w_d(dbits(3.5), RNE, flags), 4, NX);
	CHECK(fpu_cvt_w_d(dbits(-0.0), RNE, flags), 0, 0);
	CHECK(fpu_cvt_w_d(dbits(1e-300), RUP, flags), 1, NX);
	CHECK(fpu_cvt_w_d(dbits(-1e-300), RDN, flags), ALL1, NX);
	CHECK(fpu_cvt_w_d(dbits(-1e-300), RNE, flags), 0, NX);
	CHECK(fpu_cvt_w_d(1, RUP, flags), 1, NX);	/* min subnormal */
	CHECK(fpu_cvt_w_d(dbits(0.5), RMM, flags), 1, NX);
	CHECK(fpu_cvt_w_d(dbits(0.5), RNE, flags), 0, NX);
	/* The bounds: saturation raises NV and never NX. */
	CHECK(fpu_cvt_w_d(dbits(2147483647.0), RNE, flags), I32_MAX, 0);
	CHECK(fpu_cvt_w_d(dbits(2147483647.5), RTZ, flags), I32_MAX, NX);
	CHECK(fpu_cvt_w_d(dbits(2147483647.5), RNE, flags), I32_MAX, NV);
	CHECK(fpu_cvt_w_d(dbits(2147483648.0), RTZ, flags), I32_MAX, NV);
	CHECK(fpu_cvt_w_d(dbits(-2147483648.0), RNE, flags), I32_MIN, 0);
	CHECK(fpu_cvt_w_d(dbits(-2147483648.5), RTZ, flags), I32_MIN, NX);
	CHECK(fpu_cvt_w_d(dbits(-2147483648.5), RNE, flags), I32_MIN, NX);
	CHECK(fpu_cvt_w_d(dbits(-2147483648.5), RDN, flags), I32_MIN, NV);
	CHECK(fpu_cvt_w_d(dbits(-2147483649.0), RNE, flags), I32_MIN, NV);
	CHECK(fpu_cvt_w_d(dbits(1e300), RNE, flags), I32_MAX, NV);
	CHECK(fpu_cvt_w_d(dbits(INFINITY), RNE, flags), I32_MAX, NV);
	CHECK(fpu_cvt_w_d(dbits(-INFINITY), RNE, flags), I32_MIN, NV);
	/* Any NaN, negative or signalling too, gives the largest value. */
	CHECK(fpu_cvt_w_d(NQNAN_D, RNE, flags), I32_MAX, NV);
	CHECK(fpu_cvt_w_d(SNAN_D, RNE, flags), I32_MAX, NV);
	CHECK(fpu_cvt_w_s(sf(-NAN), RNE, flags), I32_MAX, NV);
	CHECK(fpu_cvt_w_s(UNBOXED, RNE, flags), I32_MAX, NV);
	CHECK(fpu_cvt_w_s(sf(0x1p31f), RNE, flags), I32_MAX, NV);
	CHECK(fpu_cvt_w_s(sf(-0x1p31f), RNE, flags), I32_MIN, 0);
	CHECK(fpu_cvt_w_s(sf(-1.5f), RNE, flags), (uint64_t)-2, NX);
	CHECK(fpu_cvt_w_s(sf(123456.0f), RNE, flags), 123456, 0);
}

static void test_cvt_wu(void **state)
{
	/* Negative values rounding to 0 convert (NX); to -1 saturate. */
	CHECK(fpu_cvt_wu_d(dbits(-0.3), RTZ, flags), 0, NX);
	CHECK(fpu_cvt_wu_d(dbits(-0.3), RNE, flags), 0, NX);
	CHECK(fpu_cvt_wu_d(dbits(-0.3), RDN, flags), 0, NV);
	CHECK(fpu_cvt_wu_d(dbits(-0.7), RNE, flags), 0, NV);
	CHECK(fpu_cvt_wu_d(dbits(-0.7), RUP, flags), 0, NX);
	CHECK(fpu_cvt_wu_d(dbits(-0.5), RNE, flags), 0, NX);
	CHECK(fpu_cvt_wu_d(dbits(-0.5), RMM, flags), 0, NV);
	CHECK(fpu_cvt_wu_d(dbits(-1.0), RTZ, flags), 0, NV);
	CHECK(fpu_cvt_wu_d(dbits(-0.0), RNE, flags), 0, 0);
	CHECK(fpu_cvt_wu_d(dbits(-INFINITY), RNE, flags), 0, NV);
	/* 32-bit results are sign-extended, the unsigned ones too. */
	CHECK(fpu_cvt_wu_d(dbits(3e9), RNE, flags), 0xffffffffb2d05e00ull, 0);
	CHECK(fpu_cvt_wu_d(dbits(4294967295.0), RNE, flags), ALL1, 0);
	CHECK(fpu_cvt_wu_d(dbits(4294967295.5), RNE, flags), ALL1, NV);
	CHECK(fpu_cvt_wu_d(dbits(4294967295.5), RDN, flags), ALL1, NX);
	CHECK(fpu_cvt_wu_d(dbits(4294967296.0), RNE, flags), ALL1, NV);
	CHECK(fpu_cvt_wu_d(dbits(INFINITY), RNE, flags), ALL1, NV);
	CHECK(fpu_cvt_wu_d(SNAN_D, RNE, flags), ALL1, NV);
	CHECK(fpu_cvt_wu_d(NQNAN_D, RNE, flags), ALL1, NV);
	CHECK(fpu_cvt_wu_d(dbits(2147483648.0), RNE, flags), I32_MIN, 0);
	CHECK(fpu_cvt_wu_s(sf(-0.3f), RTZ, flags), 0, NX);
	CHECK(fpu_cvt_wu_s(sf(-1.0f), RTZ, flags), 0, NV);
	CHECK(fpu_cvt_wu_s(sf(1.5f), RUP, flags), 2, NX);
	CHECK(fpu_cvt_wu_s(sf(0x1p32f), RNE, flags), ALL1, NV);
	CHECK(fpu_cvt_wu_s(sf(NAN), RNE, flags), ALL1, NV);
}

static void test_cvt_l(void **state)
{
	CHECK(fpu_cvt_l_d(dbits(0x1p63), RNE, flags), I64_MAX, NV);
	CHECK(fpu_cvt_l_d(dbits(-0x1p63), RNE, flags), I64_MIN, 0);
	CHECK(fpu_cvt_l_d(dbits(-0x1.0000000000001p63), RNE, flags), I64_MIN,
	      NV);
	CHECK(fpu_cvt_l_d(0x43dfffffffffffffull, RNE, flags),
	      0x7ffffffffffffc00ull, 0);
	CHECK(fpu_cvt_l_d(dbits(1e300), RNE, flags), I64_MAX, NV);
	CHECK(fpu_cvt_l_d(dbits(-1e300), RNE, flags), I64_MIN, NV);
	CHECK(fpu_cvt_l_d(NQNAN_D, RNE, flags), I64_MAX, NV);
	CHECK(fpu_cvt_l_d(dbits(-2.5), RMM, flags), (uint64_t)-3, NX);
	CHECK(fpu_cvt_l_d(dbits(4503599627370495.5), RNE, flags),
	      4503599627370496ull, NX);
	CHECK(fpu_cvt_l_d(dbits(4503599627370495.5), RTZ, flags),
	      4503599627370495ull, NX);
	CHECK(fpu_cvt_lu_d(dbits(0x1p64), RNE, flags), ALL1, NV);
	CHECK(fpu_cvt_lu_d(0x43efffffffffffffull, RNE, flags),
	      0xfffffffffffff800ull, 0);
	CHECK(fpu_cvt_lu_d(dbits(0x1p63), RNE, flags), I64_MIN, 0);
	CHECK(fpu_cvt_lu_d(dbits(-1.0), RNE, flags), 0, NV);
	CHECK(fpu_cvt_lu_d(dbits(-0.25), RNE, flags), 0, NX);
	CHECK(fpu_cvt_lu_d(SNAN_D, RNE, flags), ALL1, NV);
	CHECK(fpu_cvt_lu_d(dbits(-INFINITY), RNE, flags), 0, NV);
	CHECK(fpu_cvt_l_s(sf(-0x1p63f), RNE, flags), I64_MIN, 0);
	CHECK(fpu_cvt_l_s(sf(0x1p63f), RNE, flags), I64_MAX, NV);
	CHECK(fpu_cvt_l_s(sf(-7.5f), RNE, flags), (uint64_t)-8, NX);
	CHECK(fpu_cvt_lu_s(sf(0x1p63f), RNE, flags), I64_MIN, 0);
	CHECK(fpu_cvt_lu_s(sf(-NAN), RNE, flags), ALL1, NV);
	CHECK(fpu_cvt_lu_s(sf(-0.9f), RUP, flags), 0, NX);
}

static void test_cvt_from_int(void **state)
{
	CHECK(fpu_cvt_s_w(0xffffffff, RNE, flags), sf(-1.0f), 0);
	CHECK(fpu_cvt_s_w(0x1234567800000001ull, RNE, flags), sf(1.0f), 0);
	CHECK(fpu_cvt_s_w(0, RDN, flags), sf(0.0f), 0);
	CHECK(fpu_cvt_s_wu(0xffffffff, RNE, flags), sf(0x1p32f), NX);
	CHECK(fpu_cvt_s_wu(0xffffffff, RTZ, flags), FPU_BOX(0x4f7fffff), NX);
	CHECK(fpu_cvt_s_wu(0xffffffff00000003ull, RNE, flags), sf(3.0f), 0);
	/* 2^24 + 1: a tie; 2^24 + 3: a tie from odd. */
	CHECK(fpu_cvt_s_l(16777217, RNE, flags), FPU_BOX(0x4b800000), NX);
	CHECK(fpu_cvt_s_l(16777217, RMM, flags), FPU_BOX(0x4b800001), NX);
	CHECK(fpu_cvt_s_l(16777217, RUP, flags), FPU_BOX(0x4b800001), NX);
	CHECK(fpu_cvt_s_l(16777219, RNE, flags), FPU_BOX(0x4b800002), NX);
	CHECK(fpu_cvt_s_l((uint64_t)-16777217, RDN, flags),
	      FPU_BOX(0xcb800001), NX);
	CHECK(fpu_cvt_s_l((uint64_t)-16777217, RUP, flags),
	      FPU_BOX(0xcb800000), NX);
	CHECK(fpu_cvt_s_l(I64_MIN, RNE, flags), sf(-0x1p63f), 0);
	CHECK(fpu_cvt_s_lu(ALL1, RNE, flags), sf(0x1p64f), NX);
	CHECK(fpu_cvt_s_lu(ALL1, RTZ, flags), FPU_BOX(0x5f7fffff), NX);
	CHECK(fpu_cvt_d_w(0x80000000, RNE, flags), dbits(-0x1p31), 0);
	CHECK(fpu_cvt_d_wu(0x80000000, RNE, flags), dbits(0x1p31), 0);
	CHECK(fpu_cvt_d_wu(0xffffffffffffffffull, RNE, flags),
	      dbits(4294967295.0), 0);
	CHECK(fpu_cvt_d_l(I64_MIN, RNE, flags), dbits(-0x1p63), 0);
	CHECK(fpu_cvt_d_l(I64_MAX, RNE, flags), dbits(0x1p63), NX);
	CHECK(fpu_cvt_d_l(I64_MAX, RTZ, flags), 0x43dfffffffffffffull, NX);
	CHECK(fpu_cvt_d_l(I64_MAX, RMM, flags), dbits(0x1p63), NX);
	CHECK(fpu_cvt_d_l((uint64_t)-3, RDN, flags), dbits(-3.0), 0);
	CHECK(fpu_cvt_d_l(0, RDN, flags), 0, 0);
	/* 2^53 + 1 ties; RMM takes it away from zero, RNE to even. */
	CHECK(fpu_cvt_d_l(9007199254740993ull, RNE, flags), dbits(0x1p53), NX);
	CHECK(fpu_cvt_d_l(9007199254740993ull, RMM, flags),
	      dbits(0x1p53) + 1, NX);
	CHECK(fpu_cvt_d_lu(ALL1, RNE, flags), dbits(0x1p64), NX);
	CHECK(fpu_cvt_d_lu(ALL1, RTZ, flags), 0x43efffffffffffffull, NX);
	CHECK(fpu_cvt_d_lu(ALL1, RUP, flags), dbits(0x1p64), NX);
}

static void test_cvt_s_d(void **state)
{
	CHECK(fpu_cvt_s_d(dbits(1.0 / 3), RNE, flags), FPU_BOX(0x3eaaaaab), NX);
	CHECK(fpu_cvt_s_d(dbits(1.0 / 3), RTZ, flags), FPU_BOX(0x3eaaaaaa), NX);
	CHECK(fpu_cvt_s_d(dbits(-1.0 / 3), RDN, flags), FPU_BOX(0xbeaaaaab),
	      NX);
	CHECK(fpu_cvt_s_d(dbits(1.5), RNE, flags), sf(1.5f), 0);
	/* 2^128 - 2^103: halfway from max to 2^128. */
	CHECK(fpu_cvt_s_d(dbits(0x1.ffffffp127), RNE, flags), sf(INFINITY),
	      OF | NX);
	CHECK(fpu_cvt_s_d(dbits(0x1.ffffffp127), RTZ, flags),
	      FPU_BOX(0x7f7fffff), NX);
	CHECK(fpu_cvt_s_d(dbits(0x1.ffffffp127), RMM, flags), sf(INFINITY),
	      OF | NX);
	CHECK(fpu_cvt_s_d(dbits(1e300), RNE, flags), sf(INFINITY), OF | NX);
	CHECK(fpu_cvt_s_d(dbits(1e300), RTZ, flags), FPU_BOX(0x7f7fffff),
	      OF | NX);
	CHECK(fpu_cvt_s_d(dbits(-1e300), RUP, flags), FPU_BOX(0xff7fffff),
	      OF | NX);
	CHECK(fpu_cvt_s_d(dbits(-1e300), RDN, flags), sf(-INFINITY), OF | NX);
	/* Underflow: 2^-150 ties between 0 and 2^-149. */
	CHECK(fpu_cvt_s_d(dbits(0x1p-150), RNE, flags), sf(0.0f), UF | NX);
	CHECK(fpu_cvt_s_d(dbits(0x1p-150), RMM, flags), FPU_BOX(1), UF | NX);
	CHECK(fpu_cvt_s_d(dbits(0x1p-150), RUP, flags), FPU_BOX(1), UF | NX);
	CHECK(fpu_cvt_s_d(dbits(-0x1p-150), RNE, flags), sf(-0.0f), UF | NX);
	CHECK(fpu_cvt_s_d(dbits(0x1p-149), RNE, flags), FPU_BOX(1), 0);
	CHECK(fpu_cvt_s_d(1, RUP, flags), FPU_BOX(1), UF | NX);
	CHECK(fpu_cvt_s_d(1, RNE, flags), sf(0.0f), UF | NX);
	/* 2^-126 (1 - 2^-25) rounds to 2^-126 at 24 bits: not tiny. */
	CHECK(fpu_cvt_s_d(dbits(0x1.ffffffp-127), RNE, flags),
	      FPU_BOX(0x00800000), NX);
	CHECK(fpu_cvt_s_d(dbits(0x1.ffffffp-127), RTZ, flags),
	      FPU_BOX(0x007fffff), UF | NX);
	/* 2^-126 (1 - 2^-24) is exact at 24 bits: tiny, whatever it
	 * rounds to as a subnormal (a tie, to even = 2^-126). */
	CHECK(fpu_cvt_s_d(dbits(0x1.fffffep-127), RNE, flags),
	      FPU_BOX(0x00800000), UF | NX);
	CHECK(fpu_cvt_s_d(dbits(0x1.fffffep-127), RUP, flags),
	      FPU_BOX(0x00800000), UF | NX);
	CHECK(fpu_cvt_s_d(dbits(0x1.fffffep-127), RDN, flags),
	      FPU_BOX(0x007fffff), UF | NX);
	/* The largest subnormal, exactly: no flags. */
	CHECK(fpu_cvt_s_d(dbits(0x1.fffffcp-127), RNE, flags),
	      FPU_BOX(0x007fffff), 0);
	CHECK(fpu_cvt_s_d(SNAN_D, RNE, flags), CANON_S, NV);
	CHECK(fpu_cvt_s_d(NQNAN_D, RNE, flags), CANON_S, 0);
	CHECK(fpu_cvt_s_d(dbits(-INFINITY), RNE, flags), sf(-INFINITY), 0);
	CHECK(fpu_cvt_s_d(dbits(-0.0), RNE, flags), sf(-0.0f), 0);
	/* Widening is exact; NaNs become canonical. */
	CHECK(fpu_cvt_d_s(FPU_BOX(1), flags), dbits(0x1p-149), 0);
	CHECK(fpu_cvt_d_s(FPU_BOX(0x807fffff), flags),
	      dbits(-0x1.fffffcp-127), 0);
	CHECK(fpu_cvt_d_s(sf(0x1.fffffep127f), flags),
	      dbits(0x1.fffffep127), 0);
	CHECK(fpu_cvt_d_s(SNAN_S, flags), CANON_D, NV);
	CHECK(fpu_cvt_d_s(sf(-NAN), flags), CANON_D, 0);
	CHECK(fpu_cvt_d_s(UNBOXED, flags), CANON_D, 0);
	CHECK(fpu_cvt_d_s(sf(-INFINITY), flags), dbits(-INFINITY), 0);
	CHECK(fpu_cvt_d_s(sf(-0.0f), flags), dbits(-0.0), 0);
}

static void test_compare(void **state)
{
	uint64_t one = dbits(1.0), qnan = dbits(NAN);

	CHECK(fpu_eq_d(qnan, one, flags), 0, 0);
	CHECK(fpu_eq_d(qnan, qnan, flags), 0, 0);
	CHECK(fpu_eq_d(SNAN_D, one, flags), 0, NV);
	CHECK(fpu_eq_d(one, SNAN_D, flags), 0, NV);
	CHECK(fpu_lt_d(qnan, one, flags), 0, NV);
	CHECK(fpu_le_d(one, qnan, flags), 0, NV);
	CHECK(fpu_le_d(SNAN_D, one, flags), 0, NV);
	CHECK(fpu_eq_d(0, dbits(-0.0), flags), 1, 0);
	CHECK(fpu_lt_d(dbits(-0.0), 0, flags), 0, 0);
	CHECK(fpu_le_d(0, dbits(-0.0), flags), 1, 0);
	CHECK(fpu_lt_d(dbits(-1.0), one, flags), 1, 0);
	CHECK(fpu_lt_d(dbits(-2.0), dbits(-1.0), flags), 1, 0);
	CHECK(fpu_lt_d(dbits(-1.0), dbits(-2.0), flags), 0, 0);
	CHECK(fpu_le_d(dbits(-1.0), dbits(-1.0), flags), 1, 0);
	CHECK(fpu_lt_d(one, one, flags), 0, 0);
	CHECK(fpu_lt_d(1, 2, flags), 1, 0);
	CHECK(fpu_le_d(dbits(INFINITY), dbits(INFINITY), flags), 1, 0);
	CHECK(fpu_lt_d(dbits(-INFINITY), dbits(-DBL_MAX), flags), 1, 0);
	CHECK(fpu_eq_d(one, one + 1, flags), 0, 0);
	CHECK(fpu_eq_s(sf(1.0f), sf(1.0f), flags), 1, 0);
	CHECK(fpu_eq_s(sf(-0.0f), sf(0.0f), flags), 1, 0);
	CHECK(fpu_lt_s(sf(-3.0f), sf(-0.0f), flags), 1, 0);
	CHECK(fpu_le_s(sf(2.0f), sf(1.0f), flags), 0, 0);
	CHECK(fpu_eq_s(SNAN_S, sf(1.0f), flags), 0, NV);
	CHECK(fpu_lt_s(sf(NAN), sf(1.0f), flags), 0, NV);
	/* Improperly boxed: the canonical (quiet) NaN. */
	CHECK(fpu_eq_s(UNBOXED, UNBOXED, flags), 0, 0);
	CHECK(fpu_le_s(UNBOXED, sf(1.0f), flags), 0, NV);
}

static void test_class(void **state)
{
	CHECK(fpu_class_d(dbits(-INFINITY)), 1u << 0, 0);
	CHECK(fpu_class_d(dbits(-1.0)), 1u << 1, 0);
	CHECK(fpu_class_d(0x800fffffffffffffull), 1u << 2, 0);
	CHECK(fpu_class_d(dbits(-0.0)), 1u << 3, 0);
	CHECK(fpu_class_d(0), 1u << 4, 0);
	CHECK(fpu_class_d(1), 1u << 5, 0);
	CHECK(fpu_class_d(0x0010000000000000ull), 1u << 6, 0);
	CHECK(fpu_class_d(dbits(INFINITY)), 1u << 7, 0);
	CHECK(fpu_class_d(SNAN_D), 1u << 8, 0);
	CHECK(fpu_class_d(0xfff7ffffffffffffull), 1u << 8, 0);
	CHECK(fpu_class_d(CANON_D), 1u << 9, 0);
	CHECK(fpu_class_d(NQNAN_D), 1u << 9, 0);
	CHECK(fpu_class_s(sf(-INFINITY)), 1u << 0, 0);
	CHECK(fpu_class_s(FPU_BOX(0x80000001)), 1u << 2, 0);
	CHECK(fpu_class_s(sf(-0.0f)), 1u << 3, 0);
	CHECK(fpu_class_s(FPU_BOX(0x007fffff)), 1u << 5, 0);
	CHECK(fpu_class_s(sf(1.0f)), 1u << 6, 0);
	CHECK(fpu_class_s(SNAN_S), 1u << 8, 0);
	CHECK(fpu_class_s(UNBOXED), 1u << 9, 0);
	CHECK(fpu_class_s(0xfffffffe3f800000ull), 1u << 9, 0);
}

static void test_sgnj(void **state)
{
	uint64_t one = dbits(1.0), m2 = dbits(-2.0);

	CHECK(fpu_sgnj_d(one, m2), dbits(-1.0), 0);
	CHECK(fpu_sgnjn_d(one, m2), one, 0);
	CHECK(fpu_sgnjx_d(dbits(-1.0), m2), one, 0);
	CHECK(fpu_sgnjx_d(dbits(-1.0), one), dbits(-1.0), 0);
	/* No canonicalisation, no flags: payloads pass through. */
	CHECK(fpu_sgnjn_d(SNAN_D, 0), SNAN_D | 1ull << 63, 0);
	CHECK(fpu_sgnj_s(sf(1.0f), sf(-2.0f)), sf(-1.0f), 0);
	CHECK(fpu_sgnjn_s(sf(-1.0f), sf(-2.0f)), sf(1.0f), 0);
	CHECK(fpu_sgnjx_s(sf(-1.0f), sf(-2.0f)), sf(1.0f), 0);
	CHECK(fpu_sgnjn_s(SNAN_S, sf(1.0f)), SNAN_S | 0x80000000u, 0);
	/* An improperly boxed input reads as the canonical NaN. */
	CHECK(fpu_sgnjn_s(UNBOXED, sf(1.0f)), 0xffffffffffc00000ull, 0);
	CHECK(fpu_sgnj_s(UNBOXED, sf(-1.0f)), 0xffffffffffc00000ull, 0);
	CHECK(fpu_sgnjx_s(UNBOXED, UNBOXED), CANON_S, 0);
	CHECK(fpu_sgnj_s(sf(-1.0f), UNBOXED), sf(1.0f), 0);
	CHECK(fpu_sgnjn_s(sf(1.0f), UNBOXED), sf(-1.0f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cvt_w),
		cmocka_unit_test(test_cvt_wu),
		cmocka_unit_test(test_cvt_l),
		cmocka_unit_test(test_cvt_from_int),
		cmocka_unit_test(test_cvt_s_d),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_class),
		cmocka_unit_test(test_sgnj),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
