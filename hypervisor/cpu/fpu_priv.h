/* SPDX-License-Identifier: MIT */
/*
 * Private to the FPU files (fpu*.c) and their unit test: the software
 * floating-point core, written once for both formats.
 *
 * A finite nonzero operand is unpacked into a sign, an unbiased exponent
 * and a 64-bit significand normalised so that its leading one is bit 62:
 *
 *	value = (-1)^sign * sig * 2^(exp - 62)
 *
 * Bit 63 is left free for the carry of an addition; the bits below the
 * format's precision (39 for single, 10 for double) are guard bits, and
 * bit 0 doubles as the sticky bit once an exact result has been shifted
 * right "with jamming" (any bit shifted out is OR-ed into bit 0). Every
 * operation computes its exact result, or one that rounds exactly like
 * it, and hands it to fpu_round_pack(), the only place that rounds.
 */
#ifndef HV_FPU_PRIV_H
#define HV_FPU_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cpu/fpu.h"

struct fpu_fmt {
	unsigned mbits;		/* fraction bits: 23 or 52 */
	unsigned ebits;		/* exponent bits: 8 or 11 */
	int bias;		/* 127 or 1023 */
	uint64_t qnan;		/* the canonical NaN, unboxed */
};

extern const struct fpu_fmt fpu_fmt_s;
extern const struct fpu_fmt fpu_fmt_d;

enum fpu_kind { FPK_ZERO, FPK_FINITE, FPK_INF, FPK_QNAN, FPK_SNAN };

struct fpu_val {
	int kind;		/* FPK_*; exp and sig only for FPK_FINITE */
	int sign;
	int32_t exp;
	uint64_t sig;
};

#define FPU_CANON_S 0x7fc00000ull
#define FPU_CANON_D 0x7ff8000000000000ull

/* The single operand an f register holds: improperly boxed -> qNaN. */
static inline uint64_t fpu_unbox(uint64_t r)
{
	return (r >> 32) == 0xffffffffu ? (uint32_t)r : FPU_CANON_S;
}

static inline unsigned fpu_nbits(const struct fpu_fmt *f)
{
	return 1 + f->ebits + f->mbits;
}

static inline uint64_t fpu_sign_bit(const struct fpu_fmt *f)
{
	return 1ull << (f->ebits + f->mbits);
}

static inline uint64_t fpu_pack_inf(const struct fpu_fmt *f, int sign)
{
	return (sign ? fpu_sign_bit(f) : 0) |
	       (((1ull << f->ebits) - 1) << f->mbits);
}

static inline uint64_t fpu_pack_zero(const struct fpu_fmt *f, int sign)
{
	return sign ? fpu_sign_bit(f) : 0;
}

static inline bool fpu_is_nan_kind(int kind)
{
	return kind == FPK_QNAN || kind == FPK_SNAN;
}

/* x >> n, any bit shifted out OR-ed into bit 0; n may exceed 63. */
static inline uint64_t fpu_shr_jam64(uint64_t x, unsigned n)
{
	if (n == 0)
		return x;
	if (n < 64)
		return (x >> n) | ((x << (64 - n)) != 0);
	return x != 0;
}

static inline unsigned __int128 fpu_shr_jam128(unsigned __int128 x,
					       unsigned n)
{
	if (n == 0)
		return x;
	if (n < 128)
		return (x >> n) | ((x << (128 - n)) != 0);
	return x != 0;
}

/*
 * sig >> shift (1 <= shift <= 63), rounded to an integer per @rm. The
 * directed modes round the magnitude, so their direction depends on
 * the sign.
 */
static inline uint64_t fpu_round_shift(uint64_t sig, unsigned shift,
				       int sign, int rm, bool *inexact)
{
	uint64_t rem = sig & ((1ull << shift) - 1);
	uint64_t half = 1ull << (shift - 1);
	uint64_t q = sig >> shift;

	*inexact = rem != 0;
	if (!rem)
		return q;
	switch (rm) {
	case FPU_RNE:
		if (rem > half || (rem == half && (q & 1)))
			q++;
		break;
	case FPU_RMM:
		if (rem >= half)
			q++;
		break;
	case FPU_RDN:
		q += sign;
		break;
	case FPU_RUP:
		q += !sign;
		break;
	default: /* FPU_RTZ */
		break;
	}
	return q;
}

/* fpu_core.c */
void fpu_unpack(const struct fpu_fmt *f, uint64_t bits, struct fpu_val *v);
/*
 * Rounds (-1)^sign * sig * 2^(exp - 62) to format @f per @rm and packs
 * it, raising NX, UF (tiny after rounding and inexact) and OF. @sig need
 * not be normalised but must be nonzero.
 */
uint64_t fpu_round_pack(const struct fpu_fmt *f, int sign, int32_t exp,
			uint64_t sig, int rm, unsigned *flags);
/* NaN result of an operation with these inputs: NV on any sNaN. */
uint64_t fpu_nan2(const struct fpu_fmt *f, const struct fpu_val *a,
		  const struct fpu_val *b, unsigned *flags);

/*
 * The software arithmetic on unboxed bits of format @f. neg_b negates
 * @b (subtraction); fma as fpu_fma_s/d.
 */
uint64_t fpu_soft_add(const struct fpu_fmt *f, uint64_t a, uint64_t b,
		      int neg_b, int rm, unsigned *flags);
uint64_t fpu_soft_mul(const struct fpu_fmt *f, uint64_t a, uint64_t b,
		      int rm, unsigned *flags);
uint64_t fpu_soft_div(const struct fpu_fmt *f, uint64_t a, uint64_t b,
		      int rm, unsigned *flags);
uint64_t fpu_soft_sqrt(const struct fpu_fmt *f, uint64_t a, int rm,
		       unsigned *flags);
uint64_t fpu_soft_fma(const struct fpu_fmt *f, uint64_t a, uint64_t b,
		      uint64_t c, int neg_prod, int neg_add, int rm,
		      unsigned *flags);

#endif
