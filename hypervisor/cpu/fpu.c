// SPDX-License-Identifier: MIT
/*
 * The F and D instructions the CPU calls (fpu.h): NaN-unboxing and
 * boxing around the format-independent core, and the operations that
 * never round (min/max, compare, class, sign injection).
 */
#include "cpu/fpu_priv.h"
#include "cpu/fpu_fast.h"

#define S (&fpu_fmt_s)
#define D (&fpu_fmt_d)

/*
 * Arithmetic: the host fast path (fpu_fast.h) where it is provably
 * identical, the software core otherwise.
 */
uint64_t fpu_add_s(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	uint64_t r;

	a = fpu_unbox(a);
	b = fpu_unbox(b);
	if (rm != FPU_RNE || !fpu_fast_add_s(a, b, &r, flags))
		r = fpu_soft_add(S, a, b, 0, rm, flags);
	return FPU_BOX(r);
}

uint64_t fpu_sub_s(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	uint64_t r;

	a = fpu_unbox(a);
	b = fpu_unbox(b);
	if (rm != FPU_RNE || !fpu_fast_add_s(a, b ^ 0x80000000u, &r, flags))
		r = fpu_soft_add(S, a, b, 1, rm, flags);
	return FPU_BOX(r);
}

uint64_t fpu_mul_s(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	uint64_t r;

	a = fpu_unbox(a);
	b = fpu_unbox(b);
	if (rm != FPU_RNE || !fpu_fast_mul_s(a, b, &r, flags))
		r = fpu_soft_mul(S, a, b, rm, flags);
	return FPU_BOX(r);
}

uint64_t fpu_div_s(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	uint64_t r;

	a = fpu_unbox(a);
	b = fpu_unbox(b);
	if (rm != FPU_RNE || !fpu_fast_div_s(a, b, &r, flags))
		r = fpu_soft_div(S, a, b, rm, flags);
	return FPU_BOX(r);
}

uint64_t fpu_sqrt_s(uint64_t a, int rm, unsigned *flags)
{
	uint64_t r;

	a = fpu_unbox(a);
	if (rm != FPU_RNE || !fpu_fast_sqrt_s(a, &r, flags))
		r = fpu_soft_sqrt(S, a, rm, flags);
	return FPU_BOX(r);
}

uint64_t fpu_fma_s(uint64_t a, uint64_t b, uint64_t c, int neg_prod,
		   int neg_add, int rm, unsigned *flags)
{
	return FPU_BOX(fpu_soft_fma(S, fpu_unbox(a), fpu_unbox(b),
				    fpu_unbox(c), neg_prod, neg_add, rm,
				    flags));
}

uint64_t fpu_add_d(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	uint64_t r;

	if (rm == FPU_RNE && fpu_fast_add_d(a, b, &r, flags))
		return r;
	return fpu_soft_add(D, a, b, 0, rm, flags);
}

uint64_t fpu_sub_d(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	uint64_t r;

	if (rm == FPU_RNE && fpu_fast_add_d(a, b ^ 1ull << 63, &r, flags))
		return r;
	return fpu_soft_add(D, a, b, 1, rm, flags);
}

uint64_t fpu_mul_d(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	uint64_t r;

	if (rm == FPU_RNE && fpu_fast_mul_d(a, b, &r, flags))
		return r;
	return fpu_soft_mul(D, a, b, rm, flags);
}

uint64_t fpu_div_d(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	uint64_t r;

	if (rm == FPU_RNE && fpu_fast_div_d(a, b, &r, flags))
		return r;
	return fpu_soft_div(D, a, b, rm, flags);
}

uint64_t fpu_sqrt_d(uint64_t a, int rm, unsigned *flags)
{
	uint64_t r;

	if (rm == FPU_RNE && fpu_fast_sqrt_d(a, &r, flags))
		return r;
	return fpu_soft_sqrt(D, a, rm, flags);
}

uint64_t fpu_fma_d(uint64_t a, uint64_t b, uint64_t c, int neg_prod,
		   int neg_add, int rm, unsigned *flags)
{
	return fpu_soft_fma(D, a, b, c, neg_prod, neg_add, rm, flags);
}

/*
 * a < b (or a <= b with @or_equal) for non-NaN bits of format @f,
 * where -0 == +0.
 */
static int less(const struct fpu_fmt *f, uint64_t a, uint64_t b,
		int or_equal)
{
	uint64_t sbit = fpu_sign_bit(f);
	int sa = !!(a & sbit), sb = !!(b & sbit);

	if (((a | b) & ~sbit) == 0)
		return or_equal;	/* both zero */
	if (a == b)
		return or_equal;
	if (sa != sb)
		return sa;
	return sa ? a > b : a < b;
}

/* a < b for non-NaN bits, ordering -0 below +0 (for min and max). */
static int total_less(const struct fpu_fmt *f, uint64_t a, uint64_t b)
{
	uint64_t sbit = fpu_sign_bit(f);
	int sa = !!(a & sbit), sb = !!(b & sbit);

	if (sa != sb)
		return sa;
	return sa ? a > b : a < b;
}

/*
 * minimumNumber / maximumNumber: a NaN operand is ignored (NV if it
 * signals); two NaNs give the canonical one; -0 orders below +0.
 */
static uint64_t minmax(const struct fpu_fmt *f, uint64_t a, uint64_t b,
		       int max, unsigned *flags)
{
	struct fpu_val va, vb;

	fpu_unpack(f, a, &va);
	fpu_unpack(f, b, &vb);
	if (fpu_is_nan_kind(va.kind) || fpu_is_nan_kind(vb.kind)) {
		fpu_nan2(f, &va, &vb, flags);
		if (fpu_is_nan_kind(va.kind) && fpu_is_nan_kind(vb.kind))
			return f->qnan;
		return fpu_is_nan_kind(va.kind) ? b : a;
	}
	return total_less(f, a, b) != max ? a : b;
}

uint64_t fpu_min_s(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	return FPU_BOX(minmax(S, fpu_unbox(a), fpu_unbox(b), 0, flags));
}

uint64_t fpu_max_s(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	return FPU_BOX(minmax(S, fpu_unbox(a), fpu_unbox(b), 1, flags));
}

uint64_t fpu_min_d(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	return minmax(D, a, b, 0, flags);
}

uint64_t fpu_max_d(uint64_t a, uint64_t b, int rm, unsigned *flags)
{
	return minmax(D, a, b, 1, flags);
}

enum cmp_op { CMP_EQ, CMP_LT, CMP_LE };

/* feq is a quiet comparison; flt and fle signal on any NaN. */
static uint64_t compare(const struct fpu_fmt *f, uint64_t a, uint64_t b,
			enum cmp_op op, unsigned *flags)
{
	struct fpu_val va, vb;

	fpu_unpack(f, a, &va);
	fpu_unpack(f, b, &vb);
	if (fpu_is_nan_kind(va.kind) || fpu_is_nan_kind(vb.kind)) {
		if (op != CMP_EQ || va.kind == FPK_SNAN ||
		    vb.kind == FPK_SNAN)
			*flags |= FFLAG_NV;
		return 0;
	}
	switch (op) {
	case CMP_EQ:
		return less(f, a, b, 1) && less(f, b, a, 1);
	case CMP_LT:
		return less(f, a, b, 0);
	default:
		return less(f, a, b, 1);
	}
}

uint64_t fpu_eq_s(uint64_t a, uint64_t b, unsigned *flags)
{
	return compare(S, fpu_unbox(a), fpu_unbox(b), CMP_EQ, flags);
}

uint64_t fpu_lt_s(uint64_t a, uint64_t b, unsigned *flags)
{
	return compare(S, fpu_unbox(a), fpu_unbox(b), CMP_LT, flags);
}

uint64_t fpu_le_s(uint64_t a, uint64_t b, unsigned *flags)
{
	return compare(S, fpu_unbox(a), fpu_unbox(b), CMP_LE, flags);
}

uint64_t fpu_eq_d(uint64_t a, uint64_t b, unsigned *flags)
{
	return compare(D, a, b, CMP_EQ, flags);
}

uint64_t fpu_lt_d(uint64_t a, uint64_t b, unsigned *flags)
{
	return compare(D, a, b, CMP_LT, flags);
}

uint64_t fpu_le_d(uint64_t a, uint64_t b, unsigned *flags)
{
	return compare(D, a, b, CMP_LE, flags);
}

static uint64_t classify(const struct fpu_fmt *f, uint64_t a)
{
	uint64_t emask = (1ull << f->ebits) - 1;
	uint64_t e = (a >> f->mbits) & emask;
	struct fpu_val v;
	int bit;

	fpu_unpack(f, a, &v);
	switch (v.kind) {
	case FPK_SNAN:
		return 1u << 8;
	case FPK_QNAN:
		return 1u << 9;
	case FPK_INF:
		bit = 0;
		break;
	case FPK_ZERO:
		bit = 3;
		break;
	default:
		bit = e ? 1 : 2;	/* normal : subnormal */
		break;
	}
	/* The positive classes mirror the negative ones: 7 - bit. */
	return 1u << (v.sign ? bit : 7 - bit);
}

uint64_t fpu_class_s(uint64_t a)
{
	return classify(S, fpu_unbox(a));
}

uint64_t fpu_class_d(uint64_t a)
{
	return classify(D, a);
}

#define SIGN_S 0x80000000ull
#define SIGN_D 0x8000000000000000ull

uint64_t fpu_sgnj_s(uint64_t a, uint64_t b)
{
	a = fpu_unbox(a);
	b = fpu_unbox(b);
	return FPU_BOX((a & ~SIGN_S) | (b & SIGN_S));
}

uint64_t fpu_sgnjn_s(uint64_t a, uint64_t b)
{
	a = fpu_unbox(a);
	b = fpu_unbox(b);
	return FPU_BOX((a & ~SIGN_S) | (~b & SIGN_S));
}

uint64_t fpu_sgnjx_s(uint64_t a, uint64_t b)
{
	a = fpu_unbox(a);
	b = fpu_unbox(b);
	return FPU_BOX(a ^ (b & SIGN_S));
}

uint64_t fpu_sgnj_d(uint64_t a, uint64_t b)
{
	return (a & ~SIGN_D) | (b & SIGN_D);
}

uint64_t fpu_sgnjn_d(uint64_t a, uint64_t b)
{
	return (a & ~SIGN_D) | (~b & SIGN_D);
}

uint64_t fpu_sgnjx_d(uint64_t a, uint64_t b)
{
	return a ^ (b & SIGN_D);
}
