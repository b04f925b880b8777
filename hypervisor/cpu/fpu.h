/* SPDX-License-Identifier: MIT */
/*
 * RISC-V F and D arithmetic, exactly as the unprivileged spec (chapters
 * "F" and "D", IEEE 754-2008) says, independent of the host FPU's state.
 *
 * Conventions, for every function below:
 * - Operands and results are the raw 64-bit contents of f registers.
 *   Single-precision inputs are NaN-unboxed: an input whose upper 32 bits
 *   are not all ones reads as the canonical NaN 0x7fc00000. Single results
 *   are NaN-boxed (upper 32 bits all ones).
 * - @rm is a static rounding mode already resolved by the CPU (dynamic
 *   replaced by frm; invalid modes never reach here): FPU_RNE..FPU_RMM.
 * - Exception flags are OR-ed into *@flags (FFLAG_*); nothing else is
 *   touched. Results that are NaN are the canonical NaN (0x7fc00000 /
 *   0x7ff8000000000000), signalling NaN inputs raise NV, as the spec
 *   requires (RISC-V does not propagate NaN payloads).
 * - Tininess is detected after rounding (as RISC-V specifies).
 * - Pure functions: thread-safe, no allocation, no global state.
 */
#ifndef HV_FPU_H
#define HV_FPU_H

#include <stdint.h>

enum fpu_rm { FPU_RNE = 0, FPU_RTZ = 1, FPU_RDN = 2, FPU_RUP = 3, FPU_RMM = 4 };

#define FFLAG_NX 0x01u	/* inexact */
#define FFLAG_UF 0x02u	/* underflow */
#define FFLAG_OF 0x04u	/* overflow */
#define FFLAG_DZ 0x08u	/* divide by zero */
#define FFLAG_NV 0x10u	/* invalid */

#define FPU_BOX(x32) (0xffffffff00000000ull | (uint32_t)(x32))

/* Declares fpu_<op>_s and fpu_<op>_d. */
#define FPU_DECL2(op) \
	uint64_t fpu_##op##_s(uint64_t a, uint64_t b, int rm, unsigned *flags); \
	uint64_t fpu_##op##_d(uint64_t a, uint64_t b, int rm, unsigned *flags)

FPU_DECL2(add);
FPU_DECL2(sub);
FPU_DECL2(mul);
FPU_DECL2(div);
/* fmin/fmax: IEEE 754-2019 minimumNumber/maximumNumber as RISC-V 2.2+:
 * one NaN input -> the other operand; both NaN -> canonical NaN; -0 < +0;
 * NV only for a signalling NaN input. @rm unused. */
FPU_DECL2(min);
FPU_DECL2(max);

uint64_t fpu_sqrt_s(uint64_t a, int rm, unsigned *flags);
uint64_t fpu_sqrt_d(uint64_t a, int rm, unsigned *flags);

/*
 * Fused multiply-add with a single rounding: returns a*b+c with the sign
 * options of fmadd/fmsub/fnmsub/fnmadd:
 *   neg_prod: negate a*b; neg_add: negate c.
 *   fmadd = (0,0), fmsub = (0,1), fnmsub = (1,0), fnmadd = (1,1).
 * inf*0 raises NV even when c is a quiet NaN (the spec's rule).
 */
uint64_t fpu_fma_s(uint64_t a, uint64_t b, uint64_t c, int neg_prod,
		   int neg_add, int rm, unsigned *flags);
uint64_t fpu_fma_d(uint64_t a, uint64_t b, uint64_t c, int neg_prod,
		   int neg_add, int rm, unsigned *flags);

/* Comparisons return 0 or 1. feq: NV only on signalling NaN; flt/fle: NV
 * on any NaN. */
uint64_t fpu_eq_s(uint64_t a, uint64_t b, unsigned *flags);
uint64_t fpu_lt_s(uint64_t a, uint64_t b, unsigned *flags);
uint64_t fpu_le_s(uint64_t a, uint64_t b, unsigned *flags);
uint64_t fpu_eq_d(uint64_t a, uint64_t b, unsigned *flags);
uint64_t fpu_lt_d(uint64_t a, uint64_t b, unsigned *flags);
uint64_t fpu_le_d(uint64_t a, uint64_t b, unsigned *flags);

/* fclass: the 10-bit mask of the spec (bit 0 = -inf ... bit 9 = qNaN). */
uint64_t fpu_class_s(uint64_t a);
uint64_t fpu_class_d(uint64_t a);

/* Sign injection (no flags, no canonicalisation; NaN-unboxing applies). */
uint64_t fpu_sgnj_s(uint64_t a, uint64_t b);
uint64_t fpu_sgnjn_s(uint64_t a, uint64_t b);
uint64_t fpu_sgnjx_s(uint64_t a, uint64_t b);
uint64_t fpu_sgnj_d(uint64_t a, uint64_t b);
uint64_t fpu_sgnjn_d(uint64_t a, uint64_t b);
uint64_t fpu_sgnjx_d(uint64_t a, uint64_t b);

/*
 * Float -> integer, saturating as the spec's table says (NaN -> max
 * positive, out of range -> the nearest bound, both with NV instead of
 * NX). 32-bit results are returned sign-extended to 64 bits (as the x
 * register receives them, also for the unsigned forms).
 */
uint64_t fpu_cvt_w_s(uint64_t a, int rm, unsigned *flags);
uint64_t fpu_cvt_wu_s(uint64_t a, int rm, unsigned *flags);
uint64_t fpu_cvt_l_s(uint64_t a, int rm, unsigned *flags);
uint64_t fpu_cvt_lu_s(uint64_t a, int rm, unsigned *flags);
uint64_t fpu_cvt_w_d(uint64_t a, int rm, unsigned *flags);
uint64_t fpu_cvt_wu_d(uint64_t a, int rm, unsigned *flags);
uint64_t fpu_cvt_l_d(uint64_t a, int rm, unsigned *flags);
uint64_t fpu_cvt_lu_d(uint64_t a, int rm, unsigned *flags);

/* Integer -> float; @x is the full x register (the W forms use its low
 * 32 bits, signed or unsigned). */
uint64_t fpu_cvt_s_w(uint64_t x, int rm, unsigned *flags);
uint64_t fpu_cvt_s_wu(uint64_t x, int rm, unsigned *flags);
uint64_t fpu_cvt_s_l(uint64_t x, int rm, unsigned *flags);
uint64_t fpu_cvt_s_lu(uint64_t x, int rm, unsigned *flags);
uint64_t fpu_cvt_d_w(uint64_t x, int rm, unsigned *flags);
uint64_t fpu_cvt_d_wu(uint64_t x, int rm, unsigned *flags);
uint64_t fpu_cvt_d_l(uint64_t x, int rm, unsigned *flags);
uint64_t fpu_cvt_d_lu(uint64_t x, int rm, unsigned *flags);

/* Between formats: fcvt.s.d rounds (canonical NaN out), fcvt.d.s exact. */
uint64_t fpu_cvt_s_d(uint64_t a, int rm, unsigned *flags);
uint64_t fpu_cvt_d_s(uint64_t a, unsigned *flags);

#endif
