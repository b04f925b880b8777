// SPDX-License-Identifier: MIT
/*
 * Hand-checked corners of the F/D arithmetic: each expected value and
 * flag set below is derived from the spec, not from the host, and every
 * rounding mode is exercised on a case where it makes a difference.
 */
#include "fpu_test.h"

#define RNE FPU_RNE
#define RTZ FPU_RTZ
#define RDN FPU_RDN
#define RUP FPU_RUP
#define RMM FPU_RMM

#define ONE_D 0x3ff0000000000000ull
#define MONE_D 0xbff0000000000000ull
#define TWO_D 0x4000000000000000ull
#define HALF_D 0x3fe0000000000000ull
#define MAX_D 0x7fefffffffffffffull
#define INF_D 0x7ff0000000000000ull
#define NINF_D 0xfff0000000000000ull
#define MINN_D 0x0010000000000000ull	/* smallest normal, 2^-1022 */
#define MAXSUB_D 0x000fffffffffffffull
#define MINSUB_D 0x0000000000000001ull
#define NZERO_D 0x8000000000000000ull
#define SNAN_D 0x7ff0000000000001ull
#define QNAN_D 0xfff8000000000123ull	/* negative, with a payload */
#define SIGN_D 0x8000000000000000ull
#define EPS_D 0x3cb0000000000000ull	/* 2^-52: one ulp of 1.0 */
#define HEPS_D 0x3ca0000000000000ull	/* 2^-53: half an ulp of 1.0 */

#define ONE_S 0xffffffff3f800000ull
#define MAX_S 0xffffffff7f7fffffull
#define INF_S 0xffffffff7f800000ull
#define SNAN_S 0xffffffff7f800001ull
#define UNBOXED_ONE 0x000000003f800000ull

static void test_add_rounding(void **state)
{
	/* 1 + 2^-53: a tie; RNE keeps the even 1.0, RMM goes away. */
	CHECK(fpu_add_d(ONE_D, HEPS_D, RNE, flags), ONE_D, NX);
	CHECK(fpu_add_d(ONE_D, HEPS_D, RMM, flags), ONE_D + 1, NX);
	CHECK(fpu_add_d(ONE_D, HEPS_D, RTZ, flags), ONE_D, NX);
	CHECK(fpu_add_d(ONE_D, HEPS_D, RDN, flags), ONE_D, NX);
	CHECK(fpu_add_d(ONE_D, HEPS_D, RUP, flags), ONE_D + 1, NX);
	/* (1 + ulp) + half an ulp: a tie from an odd significand. */
	CHECK(fpu_add_d(ONE_D + 1, HEPS_D, RNE, flags), ONE_D + 2, NX);
	CHECK(fpu_add_d(ONE_D + 1, HEPS_D, RMM, flags), ONE_D + 2, NX);
	CHECK(fpu_add_d(ONE_D + 1, HEPS_D, RTZ, flags), ONE_D + 1, NX);
	/* Negative: directed modes round the other way. */
	CHECK(fpu_add_d(MONE_D, HEPS_D | SIGN_D, RNE, flags), MONE_D, NX);
	CHECK(fpu_add_d(MONE_D, HEPS_D | SIGN_D, RMM, flags), MONE_D + 1, NX);
	CHECK(fpu_add_d(MONE_D, HEPS_D | SIGN_D, RDN, flags), MONE_D + 1, NX);
	CHECK(fpu_add_d(MONE_D, HEPS_D | SIGN_D, RUP, flags), MONE_D, NX);
	CHECK(fpu_add_d(MONE_D, HEPS_D | SIGN_D, RTZ, flags), MONE_D, NX);
	/* 1 - 2^-54 (sub): the midpoint of 1 - 2^-53 and 1, a tie too. */
	CHECK(fpu_sub_d(ONE_D, 0x3c90000000000000ull, RNE, flags), ONE_D, NX);
	CHECK(fpu_sub_d(ONE_D, 0x3c90000000000000ull, RMM, flags), ONE_D, NX);
	CHECK(fpu_sub_d(ONE_D, 0x3c90000000000000ull, RTZ, flags),
	      0x3fefffffffffffffull, NX);
	CHECK(fpu_sub_d(ONE_D, 0x3c90000000000000ull, RDN, flags),
	      0x3fefffffffffffffull, NX);
	/* Single: 1 + 2^-24 is a tie as well. */
	CHECK(fpu_add_s(ONE_S, sf(0x1p-24f), RNE, flags), ONE_S, NX);
	CHECK(fpu_add_s(ONE_S, sf(0x1p-24f), RMM, flags), ONE_S + 1, NX);
	CHECK(fpu_add_s(ONE_S, sf(0x1p-24f), RUP, flags), ONE_S + 1, NX);
	CHECK(fpu_add_s(ONE_S, sf(0x1.8p-24f), RNE, flags), ONE_S + 1, NX);
	CHECK(fpu_add_s(sf(-1.0f), sf(-0x1p-24f), RDN, flags),
	      sf(-1.0f) + 1, NX);
	CHECK(fpu_sub_s(sf(3.0f), sf(1.0f), RNE, flags), sf(2.0f), 0);
}

static void test_add_special(void **state)
{
	/* Exact cancellation is +0, except -0 when rounding down. */
	CHECK(fpu_add_d(ONE_D, MONE_D, RNE, flags), 0, 0);
	CHECK(fpu_add_d(ONE_D, MONE_D, RUP, flags), 0, 0);
	CHECK(fpu_add_d(ONE_D, MONE_D, RMM, flags), 0, 0);
	CHECK(fpu_add_d(ONE_D, MONE_D, RDN, flags), NZERO_D, 0);
	CHECK(fpu_sub_s(ONE_S, ONE_S, RDN, flags), sf(-0.0f), 0);
	CHECK(fpu_add_d(0, NZERO_D, RNE, flags), 0, 0);
	CHECK(fpu_add_d(0, NZERO_D, RDN, flags), NZERO_D, 0);
	CHECK(fpu_add_d(NZERO_D, NZERO_D, RNE, flags), NZERO_D, 0);
	CHECK(fpu_sub_d(NZERO_D, 0, RNE, flags), NZERO_D, 0);
	CHECK(fpu_sub_d(0, 0, RNE, flags), 0, 0);
	/* x + 0 is x, subnormals included; exact tiny sums raise nothing. */
	CHECK(fpu_add_d(MINSUB_D, NZERO_D, RNE, flags), MINSUB_D, 0);
	CHECK(fpu_add_d(MINSUB_D, MINSUB_D, RNE, flags), 2, 0);
	CHECK(fpu_add_d(MAXSUB_D, MINSUB_D, RNE, flags), MINN_D, 0);
	CHECK(fpu_sub_d(MINN_D, MINSUB_D, RNE, flags), MAXSUB_D, 0);
	/* Infinities and NaNs. */
	CHECK(fpu_add_d(INF_D, NINF_D, RNE, flags), CANON_D, NV);
	CHECK(fpu_sub_d(INF_D, INF_D, RNE, flags), CANON_D, NV);
	CHECK(fpu_add_d(INF_D, INF_D, RNE, flags), INF_D, 0);
	CHECK(fpu_add_d(MAX_D, NINF_D, RNE, flags), NINF_D, 0);
	CHECK(fpu_add_d(QNAN_D, ONE_D, RNE, flags), CANON_D, 0);
	CHECK(fpu_add_d(ONE_D, SNAN_D, RNE, flags), CANON_D, NV);
	CHECK(fpu_add_d(SNAN_D, INF_D, RNE, flags), CANON_D, NV);
	CHECK(fpu_add_s(SNAN_S, ONE_S, RNE, flags), CANON_S, NV);
	CHECK(fpu_add_s(sf(-NAN), ONE_S, RNE, flags), CANON_S, 0);
}

static void test_overflow(void **state)
{
	/* max + max overflows: inf or max depending on mode and sign. */
	CHECK(fpu_add_d(MAX_D, MAX_D, RNE, flags), INF_D, OF | NX);
	CHECK(fpu_add_d(MAX_D, MAX_D, RMM, flags), INF_D, OF | NX);
	CHECK(fpu_add_d(MAX_D, MAX_D, RTZ, flags), MAX_D, OF | NX);
	CHECK(fpu_add_d(MAX_D, MAX_D, RDN, flags), MAX_D, OF | NX);
	CHECK(fpu_add_d(MAX_D, MAX_D, RUP, flags), INF_D, OF | NX);
	CHECK(fpu_mul_d(MAX_D | SIGN_D, TWO_D, RNE, flags), NINF_D, OF | NX);
	CHECK(fpu_mul_d(MAX_D | SIGN_D, TWO_D, RTZ, flags), MAX_D | SIGN_D,
	      OF | NX);
	CHECK(fpu_mul_d(MAX_D | SIGN_D, TWO_D, RDN, flags), NINF_D, OF | NX);
	CHECK(fpu_mul_d(MAX_D | SIGN_D, TWO_D, RUP, flags), MAX_D | SIGN_D,
	      OF | NX);
	/* max + 1: inexact; overflows only when rounding up past max. */
	CHECK(fpu_add_d(MAX_D, ONE_D, RNE, flags), MAX_D, NX);
	CHECK(fpu_add_d(MAX_D, ONE_D, RMM, flags), MAX_D, NX);
	CHECK(fpu_add_d(MAX_D, ONE_D, RUP, flags), INF_D, OF | NX);
	CHECK(fpu_add_d(MAX_D, ONE_D, RDN, flags), MAX_D, NX);
	/* Exactly half an ulp above max: RNE ties to even = overflow. */
	CHECK(fpu_add_d(MAX_D, 0x7c90000000000000ull, RNE, flags), INF_D,
	      OF | NX);
	CHECK(fpu_add_d(MAX_D, 0x7c90000000000000ull, RTZ, flags), MAX_D, NX);
	CHECK(fpu_mul_s(MAX_S, sf(2.0f), RNE, flags), INF_S, OF | NX);
	CHECK(fpu_mul_s(MAX_S, sf(2.0f), RTZ, flags), MAX_S, OF | NX);
	CHECK(fpu_mul_s(MAX_S, sf(-2.0f), RUP, flags), MAX_S | 0x80000000u,
	      OF | NX);
	CHECK(fpu_div_d(MAX_D, HALF_D, RNE, flags), INF_D, OF | NX);
	CHECK(fpu_div_s(sf(0x1p100f), sf(0x1p-100f), RDN, flags), MAX_S,
	      OF | NX);
}

/* Tininess is detected after rounding: UF needs tiny AND inexact. */
static void test_underflow(void **state)
{
	/* 2^-1022 * (1 - 2^-53): exact at 53 bits with an unbounded
	 * exponent, so tiny; as a subnormal it is a tie that RNE rounds
	 * up to the smallest normal. Result normal, yet UF. */
	CHECK(fpu_mul_d(MINN_D, 0x3fefffffffffffffull, RNE, flags), MINN_D,
	      UF | NX);
	CHECK(fpu_mul_d(MINN_D, 0x3fefffffffffffffull, RMM, flags), MINN_D,
	      UF | NX);
	CHECK(fpu_mul_d(MINN_D, 0x3fefffffffffffffull, RTZ, flags), MAXSUB_D,
	      UF | NX);
	/* 2^-1022 * (1 - 2^-54) = (2^-1022 (1 + 2^-27)) * (1 - 2^-27):
	 * rounding to 53 bits reaches 2^-1022 in RNE/RUP/RMM, so not
	 * tiny: NX alone. RTZ/RDN stay below: tiny. */
	CHECK(fpu_mul_d(0x0010000002000000ull, 0x3feffffffc000000ull, RNE,
			flags), MINN_D, NX);
	CHECK(fpu_mul_d(0x0010000002000000ull, 0x3feffffffc000000ull, RUP,
			flags), MINN_D, NX);
	CHECK(fpu_mul_d(0x0010000002000000ull, 0x3feffffffc000000ull, RMM,
			flags), MINN_D, NX);
	CHECK(fpu_mul_d(0x0010000002000000ull, 0x3feffffffc000000ull, RTZ,
			flags), MAXSUB_D, UF | NX);
	CHECK(fpu_mul_d(0x0010000002000000ull, 0x3feffffffc000000ull, RDN,
			flags), MAXSUB_D, UF | NX);
	CHECK(fpu_mul_d(0x8010000002000000ull, 0x3feffffffc000000ull, RUP,
			flags), MAXSUB_D | SIGN_D, UF | NX);
	/* Half the smallest subnormal: a tie between 0 and it. */
	CHECK(fpu_mul_d(MINSUB_D, HALF_D, RNE, flags), 0, UF | NX);
	CHECK(fpu_mul_d(MINSUB_D, HALF_D, RMM, flags), MINSUB_D, UF | NX);
	CHECK(fpu_mul_d(MINSUB_D, HALF_D, RUP, flags), MINSUB_D, UF | NX);
	CHECK(fpu_mul_d(MINSUB_D, HALF_D, RTZ, flags), 0, UF | NX);
	CHECK(fpu_mul_d(MINSUB_D | SIGN_D, HALF_D, RDN, flags),
	      MINSUB_D | SIGN_D, UF | NX);
	CHECK(fpu_mul_d(MINSUB_D | SIGN_D, HALF_D, RNE, flags), NZERO_D,
	      UF | NX);
	/* Tiny but exact: no flag at all. */
	CHECK(fpu_mul_d(MINN_D, HALF_D, RNE, flags), 0x0008000000000000ull, 0);
	CHECK(fpu_div_d(MINSUB_D, ONE_D, RNE, flags), MINSUB_D, 0);
	/* Single: 2^-126 * (1 - 2^-24). */
	CHECK(fpu_mul_s(FPU_BOX(0x00800000), sf(0x1.fffffep-1f), RNE, flags),
	      FPU_BOX(0x00800000), UF | NX);
	CHECK(fpu_mul_s(FPU_BOX(0x00800000), sf(0x1.fffffep-1f), RTZ, flags),
	      FPU_BOX(0x007fffff), UF | NX);
	CHECK(fpu_mul_s(FPU_BOX(1), sf(0.75f), RNE, flags), FPU_BOX(1),
	      UF | NX);
	CHECK(fpu_mul_s(FPU_BOX(1), sf(0.25f), RUP, flags), FPU_BOX(1),
	      UF | NX);
	CHECK(fpu_mul_s(FPU_BOX(1), sf(0.25f), RNE, flags), FPU_BOX(0),
	      UF | NX);
	/* The sum of two normals landing among subnormals is exact. */
	CHECK(fpu_sub_d(MINN_D + 1, MINN_D, RNE, flags), MINSUB_D, 0);
}

static void test_mul_div(void **state)
{
	CHECK(fpu_mul_d(0x3ff0000000400000ull, 0x3fefffffff800000ull, RNE,
			flags), ONE_D, NX);	/* (1+2^-30)(1-2^-30) */
	CHECK(fpu_mul_d(0x3ff0000000400000ull, 0x3fefffffff800000ull, RTZ,
			flags), 0x3fefffffffffffffull, NX);
	CHECK(fpu_mul_d(INF_D, 0, RNE, flags), CANON_D, NV);
	CHECK(fpu_mul_d(NZERO_D, INF_D, RNE, flags), CANON_D, NV);
	CHECK(fpu_mul_d(NZERO_D, ONE_D, RNE, flags), NZERO_D, 0);
	CHECK(fpu_mul_d(NINF_D, MONE_D, RNE, flags), INF_D, 0);
	CHECK(fpu_mul_s(SNAN_S, sf(0.0f), RNE, flags), CANON_S, NV);
	/* 1/3 and 2/3 lie below their RNE results' neighbours' midpoint. */
	CHECK(fpu_div_d(ONE_D, 0x4008000000000000ull, RNE, flags),
	      0x3fd5555555555555ull, NX);
	CHECK(fpu_div_d(ONE_D, 0x4008000000000000ull, RMM, flags),
	      0x3fd5555555555555ull, NX);
	CHECK(fpu_div_d(ONE_D, 0x4008000000000000ull, RUP, flags),
	      0x3fd5555555555556ull, NX);
	CHECK(fpu_div_d(MONE_D, 0x4008000000000000ull, RDN, flags),
	      0xbfd5555555555556ull, NX);
	CHECK(fpu_div_d(TWO_D, 0x4008000000000000ull, RTZ, flags),
	      0x3fe5555555555555ull, NX);
	CHECK(fpu_div_s(sf(1.0f), sf(3.0f), RNE, flags), sf(1.0f / 3), NX);
	CHECK(fpu_div_s(sf(1.0f), sf(3.0f), RTZ, flags), FPU_BOX(0x3eaaaaaa),
	      NX);
	CHECK(fpu_div_s(sf(6.0f), sf(3.0f), RTZ, flags), sf(2.0f), 0);
	/* Division by zero: DZ only for a finite nonzero dividend. */
	CHECK(fpu_div_d(ONE_D, 0, RNE, flags), INF_D, DZ);
	CHECK(fpu_div_d(MONE_D, 0, RNE, flags), NINF_D, DZ);
	CHECK(fpu_div_d(ONE_D, NZERO_D, RNE, flags), NINF_D, DZ);
	CHECK(fpu_div_d(MINSUB_D, NZERO_D, RNE, flags), NINF_D, DZ);
	CHECK(fpu_div_d(0, 0, RNE, flags), CANON_D, NV);
	CHECK(fpu_div_d(INF_D, 0, RNE, flags), INF_D, 0);
	CHECK(fpu_div_d(QNAN_D, 0, RNE, flags), CANON_D, 0);
	CHECK(fpu_div_d(INF_D, NINF_D, RNE, flags), CANON_D, NV);
	CHECK(fpu_div_d(MONE_D, INF_D, RNE, flags), NZERO_D, 0);
	CHECK(fpu_div_d(0, MONE_D, RNE, flags), NZERO_D, 0);
	CHECK(fpu_div_s(sf(1.0f), sf(0.0f), RNE, flags), INF_S, DZ);
}

static void test_sqrt(void **state)
{
	/* sqrt(2) = 1.41421356237309504880..., RNE rounds up. */
	CHECK(fpu_sqrt_d(TWO_D, RNE, flags), 0x3ff6a09e667f3bcdull, NX);
	CHECK(fpu_sqrt_d(TWO_D, RMM, flags), 0x3ff6a09e667f3bcdull, NX);
	CHECK(fpu_sqrt_d(TWO_D, RUP, flags), 0x3ff6a09e667f3bcdull, NX);
	CHECK(fpu_sqrt_d(TWO_D, RTZ, flags), 0x3ff6a09e667f3bccull, NX);
	CHECK(fpu_sqrt_d(TWO_D, RDN, flags), 0x3ff6a09e667f3bccull, NX);
	CHECK(fpu_sqrt_d(0x4010000000000000ull, RNE, flags), TWO_D, 0);
	CHECK(fpu_sqrt_d(MINSUB_D, RNE, flags), 0x1e60000000000000ull, 0);
	CHECK(fpu_sqrt_d(MAX_D, RNE, flags), 0x5fefffffffffffffull, NX);
	CHECK(fpu_sqrt_d(NZERO_D, RNE, flags), NZERO_D, 0);
	CHECK(fpu_sqrt_d(0, RNE, flags), 0, 0);
	CHECK(fpu_sqrt_d(MONE_D, RNE, flags), CANON_D, NV);
	CHECK(fpu_sqrt_d(MINSUB_D | SIGN_D, RNE, flags), CANON_D, NV);
	CHECK(fpu_sqrt_d(NINF_D, RNE, flags), CANON_D, NV);
	CHECK(fpu_sqrt_d(INF_D, RNE, flags), INF_D, 0);
	CHECK(fpu_sqrt_d(QNAN_D, RNE, flags), CANON_D, 0);
	CHECK(fpu_sqrt_d(SNAN_D, RNE, flags), CANON_D, NV);
	/* sqrt(2) single: 0x3fb504f3 = 1.41421353816986083984375 is
	 * below it, by less than half an ulp. */
	CHECK(fpu_sqrt_s(sf(2.0f), RNE, flags), FPU_BOX(0x3fb504f3), NX);
	CHECK(fpu_sqrt_s(sf(2.0f), RUP, flags), FPU_BOX(0x3fb504f4), NX);
	CHECK(fpu_sqrt_s(sf(-0.0f), RNE, flags), sf(-0.0f), 0);
	CHECK(fpu_sqrt_s(sf(-2.0f), RNE, flags), CANON_S, NV);
	CHECK(fpu_sqrt_s(UNBOXED_ONE, RNE, flags), CANON_S, 0);
}

static void test_fma(void **state)
{
	/* One rounding: (1+2^-30)(1-2^-30) - 1 = -2^-60 exactly. */
	CHECK(fpu_fma_d(0x3ff0000000400000ull, 0x3fefffffff800000ull, ONE_D,
			0, 1, RNE, flags), 0xbc30000000000000ull, 0);
	/* (1+2^-52)^2 + 2^-53 = 1 + 2^-51 + 2^-53 + 2^-104: just above a
	 * tie, which only the product's low bits decide. */
	CHECK(fpu_fma_d(ONE_D + 1, ONE_D + 1, HEPS_D, 0, 0, RNE, flags),
	      ONE_D + 3, NX);
	CHECK(fpu_fma_d(ONE_D + 1, ONE_D + 1, HEPS_D, 0, 0, RTZ, flags),
	      ONE_D + 2, NX);
	CHECK(fpu_fma_d(ONE_D + 1, ONE_D, HEPS_D, 0, 0, RNE, flags),
	      ONE_D + 2, NX);
	CHECK(fpu_fma_d(ONE_D + 1, ONE_D, HEPS_D, 0, 0, RMM, flags),
	      ONE_D + 2, NX);
	CHECK(fpu_fma_d(ONE_D, ONE_D, HEPS_D, 0, 0, RMM, flags), ONE_D + 1,
	      NX);
	/* No intermediate overflow: max * 2 - max = max. */
	CHECK(fpu_fma_d(MAX_D, TWO_D, MAX_D, 0, 1, RNE, flags), MAX_D, 0);
	CHECK(fpu_fma_d(MAX_D, TWO_D, 0, 0, 0, RTZ, flags), MAX_D, OF | NX);
	/* The four sign variants on 2 * 3 and 1. */
	CHECK(fpu_fma_d(TWO_D, 0x4008000000000000ull, ONE_D, 0, 0, RNE,
			flags), 0x401c000000000000ull, 0);	/* 7 */
	CHECK(fpu_fma_d(TWO_D, 0x4008000000000000ull, ONE_D, 0, 1, RNE,
			flags), 0x4014000000000000ull, 0);	/* 5 */
	CHECK(fpu_fma_d(TWO_D, 0x4008000000000000ull, ONE_D, 1, 0, RNE,
			flags), 0xc014000000000000ull, 0);	/* -5 */
	CHECK(fpu_fma_d(TWO_D, 0x4008000000000000ull, ONE_D, 1, 1, RNE,
			flags), 0xc01c000000000000ull, 0);	/* -7 */
	/* Exact zero results: +0, or -0 in RDN; zero + zero keeps a
	 * common sign. */
	CHECK(fpu_fma_d(TWO_D, TWO_D, 0x4010000000000000ull, 0, 1, RNE,
			flags), 0, 0);
	CHECK(fpu_fma_d(TWO_D, TWO_D, 0x4010000000000000ull, 0, 1, RDN,
			flags), NZERO_D, 0);
	CHECK(fpu_fma_d(TWO_D, TWO_D, 0x4010000000000000ull, 1, 0, RUP,
			flags), 0, 0);
	CHECK(fpu_fma_d(0, ONE_D, NZERO_D, 0, 0, RNE, flags), 0, 0);
	CHECK(fpu_fma_d(0, ONE_D, NZERO_D, 0, 0, RDN, flags), NZERO_D, 0);
	CHECK(fpu_fma_d(NZERO_D, ONE_D, NZERO_D, 0, 0, RNE, flags), NZERO_D,
	      0);
	CHECK(fpu_fma_d(0, ONE_D, 0, 1, 1, RNE, flags), NZERO_D, 0);
	CHECK(fpu_fma_d(0, ONE_D, 0, 1, 0, RNE, flags), 0, 0);
	CHECK(fpu_fma_d(0, ONE_D, MINSUB_D, 0, 1, RNE, flags),
	      MINSUB_D | SIGN_D, 0);
	/* A zero addend keeps the product's sign, even on underflow. */
	CHECK(fpu_fma_d(MINSUB_D, HALF_D, NZERO_D, 1, 0, RNE, flags), NZERO_D,
	      UF | NX);
	/* inf * 0 is invalid, even with a quiet NaN addend. */
	CHECK(fpu_fma_d(INF_D, 0, QNAN_D, 0, 0, RNE, flags), CANON_D, NV);
	CHECK(fpu_fma_d(0, NINF_D, ONE_D, 0, 0, RNE, flags), CANON_D, NV);
	CHECK(fpu_fma_s(sf(0.0f), INF_S, sf(NAN), 0, 0, RNE, flags), CANON_S,
	      NV);
	CHECK(fpu_fma_d(QNAN_D, 0, ONE_D, 0, 0, RNE, flags), CANON_D, 0);
	CHECK(fpu_fma_d(ONE_D, ONE_D, QNAN_D, 0, 0, RNE, flags), CANON_D, 0);
	CHECK(fpu_fma_d(ONE_D, ONE_D, SNAN_D, 0, 0, RNE, flags), CANON_D, NV);
	CHECK(fpu_fma_d(INF_D, TWO_D, INF_D, 0, 1, RNE, flags), CANON_D, NV);
	CHECK(fpu_fma_d(INF_D, TWO_D, INF_D, 1, 1, RNE, flags), NINF_D, 0);
	CHECK(fpu_fma_d(ONE_D, MAX_D, NINF_D, 0, 0, RNE, flags), NINF_D, 0);
	/* Single: (1+2^-12)(1-2^-12) - 1 = -2^-24. */
	CHECK(fpu_fma_s(sf(1.0f + 0x1p-12f), sf(1.0f - 0x1p-12f), ONE_S, 0, 1,
			RNE, flags), sf(-0x1p-24f), 0);
	CHECK(fpu_fma_s(ONE_S + 1, ONE_S + 1, sf(0x1p-24f), 0, 0, RNE, flags),
	      ONE_S + 3, NX);
	CHECK(fpu_fma_s(ONE_S, UNBOXED_ONE, ONE_S, 0, 0, RNE, flags), CANON_S,
	      0);
}

static void test_minmax(void **state)
{
	CHECK(fpu_min_d(NZERO_D, 0, RNE, flags), NZERO_D, 0);
	CHECK(fpu_min_d(0, NZERO_D, RNE, flags), NZERO_D, 0);
	CHECK(fpu_max_d(NZERO_D, 0, RNE, flags), 0, 0);
	CHECK(fpu_max_d(0, NZERO_D, RNE, flags), 0, 0);
	CHECK(fpu_min_d(MONE_D, TWO_D, RNE, flags), MONE_D, 0);
	CHECK(fpu_max_d(MONE_D, 0xc000000000000000ull, RNE, flags), MONE_D, 0);
	CHECK(fpu_min_d(NINF_D, MAX_D | SIGN_D, RNE, flags), NINF_D, 0);
	CHECK(fpu_max_d(MINSUB_D, 0, RNE, flags), MINSUB_D, 0);
	/* One NaN: the other operand, NV only if it signals. */
	CHECK(fpu_min_d(QNAN_D, ONE_D, RNE, flags), ONE_D, 0);
	CHECK(fpu_max_d(NINF_D, QNAN_D, RNE, flags), NINF_D, 0);
	CHECK(fpu_min_d(SNAN_D, ONE_D, RNE, flags), ONE_D, NV);
	CHECK(fpu_max_d(ONE_D, SNAN_D, RNE, flags), ONE_D, NV);
	/* Two NaNs: the canonical NaN. */
	CHECK(fpu_min_d(QNAN_D, QNAN_D, RNE, flags), CANON_D, 0);
	CHECK(fpu_max_d(SNAN_D, QNAN_D, RNE, flags), CANON_D, NV);
	CHECK(fpu_min_s(sf(-0.0f), sf(0.0f), RNE, flags), sf(-0.0f), 0);
	CHECK(fpu_max_s(SNAN_S, sf(-3.0f), RNE, flags), sf(-3.0f), NV);
	CHECK(fpu_max_s(sf(NAN), sf(-3.0f), RNE, flags), sf(-3.0f), 0);
	/* An improperly boxed input is a quiet NaN: ignored. */
	CHECK(fpu_min_s(UNBOXED_ONE, sf(5.0f), RNE, flags), sf(5.0f), 0);
	CHECK(fpu_max_s(UNBOXED_ONE, UNBOXED_ONE, RNE, flags), CANON_S, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_rounding),
		cmocka_unit_test(test_add_special),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_underflow),
		cmocka_unit_test(test_mul_div),
		cmocka_unit_test(test_sqrt),
		cmocka_unit_test(test_fma),
		cmocka_unit_test(test_minmax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
