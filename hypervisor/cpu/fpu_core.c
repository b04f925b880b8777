// SPDX-License-Identifier: MIT
/*
 * The software floating-point core: unpacking, the one rounding routine,
 * and add, mul, div, sqrt and fma on either format. See fpu_priv.h for
 * the representation.
 */
#include <math.h>
#include "cpu/fpu_priv.h"

const struct fpu_fmt fpu_fmt_s = {
	.mbits = 23, .ebits = 8, .bias = 127, .qnan = FPU_CANON_S,
};

const struct fpu_fmt fpu_fmt_d = {
	.mbits = 52, .ebits = 11, .bias = 1023, .qnan = FPU_CANON_D,
};

void fpu_unpack(const struct fpu_fmt *f, uint64_t bits, struct fpu_val *v)
{
	uint64_t emask = (1ull << f->ebits) - 1;
	uint64_t frac = bits & ((1ull << f->mbits) - 1);
	uint64_t e = (bits >> f->mbits) & emask;
	int lz;

	v->sign = (bits >> (f->ebits + f->mbits)) & 1;
	v->exp = 0;
	v->sig = 0;
	if (e == emask) {
		if (!frac)
			v->kind = FPK_INF;
		else if (frac >> (f->mbits - 1))
			v->kind = FPK_QNAN;
		else
			v->kind = FPK_SNAN;
		return;
	}
	if (e == 0) {
		if (!frac) {
			v->kind = FPK_ZERO;
			return;
		}
		/* Subnormal: normalise, so no operation needs to care. */
		lz = __builtin_clzll(frac) - 1;
		v->kind = FPK_FINITE;
		v->sig = frac << lz;
		v->exp = 1 - f->bias - (lz - (62 - (int)f->mbits));
		return;
	}
	v->kind = FPK_FINITE;
	v->sig = (frac | 1ull << f->mbits) << (62 - f->mbits);
	v->exp = (int32_t)e - f->bias;
}

uint64_t fpu_round_pack(const struct fpu_fmt *f, int sign, int32_t exp,
			uint64_t sig, int rm, unsigned *flags)
{
	unsigned shift = 62 - f->mbits;
	int32_t emax = (1 << f->ebits) - 1;	/* biased exponent of inf */
	uint64_t sbit = sign ? fpu_sign_bit(f) : 0;
	bool tiny = false, inexact;
	uint64_t m;
	int32_t e;

	if (sig >> 63) {
		sig = fpu_shr_jam64(sig, 1);
		exp++;
	} else {
		int lz = __builtin_clzll(sig) - 1;

		sig <<= lz;
		exp -= lz;
	}
	e = exp + f->bias;
	if (e <= 0) {
		/*
		 * Tininess after rounding: tiny unless rounding to the full
		 * precision with an unbounded exponent range reaches 2^emin,
		 * which is possible only from just below it (e == 0).
		 */
		tiny = e < 0 ||
		       !(fpu_round_shift(sig, shift, sign, rm, &inexact) >>
			 (f->mbits + 1));
		sig = fpu_shr_jam64(sig, 1 - e);
		e = 1;
	}
	m = fpu_round_shift(sig, shift, sign, rm, &inexact);
	if (m >> (f->mbits + 1)) {
		/* Rounded up to the next power of two: m is exactly 2^(p). */
		m >>= 1;
		e++;
	}
	if (e >= emax) {
		*flags |= FFLAG_OF | FFLAG_NX;
		if (rm == FPU_RTZ || (rm == FPU_RDN && !sign) ||
		    (rm == FPU_RUP && sign))
			return fpu_pack_inf(f, sign) - 1; /* max finite */
		return fpu_pack_inf(f, sign);
	}
	if (inexact) {
		*flags |= FFLAG_NX;
		if (tiny)
			*flags |= FFLAG_UF;
	}
	/*
	 * m carries the hidden bit, so adding it to the exponent field of
	 * e - 1 gives e for a normal; a subnormal (m < 2^mbits, e == 1)
	 * keeps a zero field, or becomes the smallest normal if it
	 * rounded up to 2^mbits.
	 */
	return sbit + ((uint64_t)(e - 1) << f->mbits) + m;
}

uint64_t fpu_nan2(const struct fpu_fmt *f, const struct fpu_val *a,
		  const struct fpu_val *b, unsigned *flags)
{
	if (a->kind == FPK_SNAN || (b && b->kind == FPK_SNAN))
		*flags |= FFLAG_NV;
	return f->qnan;
}

/* An exact zero sum of operands of opposite sign is +0, but -0 in RDN. */
static uint64_t zero_sum(const struct fpu_fmt *f, int rm)
{
	return fpu_pack_zero(f, rm == FPU_RDN);
}

uint64_t fpu_soft_add(const struct fpu_fmt *f, uint64_t a, uint64_t b,
		      int neg_b, int rm, unsigned *flags)
{
	struct fpu_val va, vb;
	uint64_t sa, sb, sig;
	int32_t d;
	int sign;

	fpu_unpack(f, a, &va);
	fpu_unpack(f, b, &vb);
	if (neg_b) {
		vb.sign ^= 1;
		b ^= fpu_sign_bit(f);
	}
	if (fpu_is_nan_kind(va.kind) || fpu_is_nan_kind(vb.kind))
		return fpu_nan2(f, &va, &vb, flags);
	if (va.kind == FPK_INF) {
		if (vb.kind == FPK_INF && vb.sign != va.sign) {
			*flags |= FFLAG_NV;
			return f->qnan;
		}
		return a;
	}
	if (vb.kind == FPK_INF)
		return b;
	if (va.kind == FPK_ZERO) {
		if (vb.kind == FPK_ZERO && va.sign != vb.sign)
			return zero_sum(f, rm);
		return b;
	}
	if (vb.kind == FPK_ZERO)
		return a;

	if (va.exp < vb.exp) {
		struct fpu_val t = va;

		va = vb;
		vb = t;
	}
	d = va.exp - vb.exp;
	sa = va.sig;
	/*
	 * Jamming the shifted-out bits into bit 0 is enough even when
	 * subtracting: for d >= 2 the difference loses at most one leading
	 * bit, far above bit 0; for d <= 1 nothing is shifted out, since
	 * the guard bits below the precision are zero.
	 */
	sb = fpu_shr_jam64(vb.sig, (unsigned)d);
	if (va.sign == vb.sign) {
		sig = sa + sb;
		sign = va.sign;
	} else if (sa >= sb) {
		sig = sa - sb;
		sign = va.sign;
	} else {
		sig = sb - sa;
		sign = vb.sign;
	}
	if (!sig)
		return zero_sum(f, rm);
	return fpu_round_pack(f, sign, va.exp, sig, rm, flags);
}

uint64_t fpu_soft_mul(const struct fpu_fmt *f, uint64_t a, uint64_t b,
		      int rm, unsigned *flags)
{
	struct fpu_val va, vb;
	unsigned __int128 p;
	int sign;

	fpu_unpack(f, a, &va);
	fpu_unpack(f, b, &vb);
	sign = va.sign ^ vb.sign;
	if (fpu_is_nan_kind(va.kind) || fpu_is_nan_kind(vb.kind))
		return fpu_nan2(f, &va, &vb, flags);
	if (va.kind == FPK_INF || vb.kind == FPK_INF) {
		if (va.kind == FPK_ZERO || vb.kind == FPK_ZERO) {
			*flags |= FFLAG_NV;
			return f->qnan;
		}
		return fpu_pack_inf(f, sign);
	}
	if (va.kind == FPK_ZERO || vb.kind == FPK_ZERO)
		return fpu_pack_zero(f, sign);
	/* [2^124, 2^126): bits 62 and up hold the leading 64 bits. */
	p = (unsigned __int128)va.sig * vb.sig;
	return fpu_round_pack(f, sign, va.exp + vb.exp,
			      (uint64_t)fpu_shr_jam128(p, 62), rm, flags);
}

uint64_t fpu_soft_div(const struct fpu_fmt *f, uint64_t a, uint64_t b,
		      int rm, unsigned *flags)
{
	struct fpu_val va, vb;
	unsigned __int128 n;
	uint64_t q, r;
	int sign;

	fpu_unpack(f, a, &va);
	fpu_unpack(f, b, &vb);
	sign = va.sign ^ vb.sign;
	if (fpu_is_nan_kind(va.kind) || fpu_is_nan_kind(vb.kind))
		return fpu_nan2(f, &va, &vb, flags);
	if (va.kind == FPK_INF) {
		if (vb.kind == FPK_INF) {
			*flags |= FFLAG_NV;
			return f->qnan;
		}
		return fpu_pack_inf(f, sign);
	}
	if (vb.kind == FPK_INF)
		return fpu_pack_zero(f, sign);
	if (vb.kind == FPK_ZERO) {
		if (va.kind == FPK_ZERO) {
			*flags |= FFLAG_NV;
			return f->qnan;
		}
		*flags |= FFLAG_DZ;
		return fpu_pack_inf(f, sign);
	}
	if (va.kind == FPK_ZERO)
		return fpu_pack_zero(f, sign);
	/*
	 * sa / sb is in (1/2, 2), so (sa << 63) / sb is in (2^62, 2^64):
	 * at least 63 quotient bits, the remainder being the sticky bit.
	 */
	n = (unsigned __int128)va.sig << 63;
	q = (uint64_t)(n / vb.sig);
	r = (uint64_t)(n - (unsigned __int128)q * vb.sig);
	return fpu_round_pack(f, sign, va.exp - vb.exp - 1, q | (r != 0), rm,
			      flags);
}

/*
 * floor(sqrt(m)) for m in [2^124, 2^126). The host's sqrt is only a
 * first guess here: one Newton step brings it within a unit or two and
 * the integer checks below make the result exact whatever the host's
 * rounding mode, so no host rounding decision reaches the guest.
 */
static uint64_t isqrt128(unsigned __int128 m)
{
	uint64_t r = (uint64_t)sqrt((double)m);
	unsigned __int128 sq;

	if (r < (1ull << 62))
		r = 1ull << 62;
	r = (uint64_t)((r + m / r) >> 1);
	if (r >> 63)
		r = (1ull << 63) - 1;
	while ((unsigned __int128)r * r > m)
		r--;
	for (;;) {
		sq = (unsigned __int128)(r + 1) * (r + 1);
		if (sq > m)
			break;
		r++;
	}
	return r;
}

uint64_t fpu_soft_sqrt(const struct fpu_fmt *f, uint64_t a, int rm,
		       unsigned *flags)
{
	unsigned __int128 m;
	struct fpu_val va;
	uint64_t r;
	int32_t e;

	fpu_unpack(f, a, &va);
	if (fpu_is_nan_kind(va.kind))
		return fpu_nan2(f, &va, NULL, flags);
	if (va.kind == FPK_ZERO)
		return a;	/* sqrt(-0) = -0 */
	if (va.sign) {
		*flags |= FFLAG_NV;
		return f->qnan;
	}
	if (va.kind == FPK_INF)
		return a;
	/* Make the exponent even, then halve it. */
	if (va.exp & 1) {
		m = (unsigned __int128)va.sig << 63;
		e = (va.exp - 1) / 2;
	} else {
		m = (unsigned __int128)va.sig << 62;
		e = va.exp / 2;
	}
	r = isqrt128(m);
	return fpu_round_pack(f, 0, e, r | ((unsigned __int128)r * r != m), rm,
			      flags);
}

/*
 * Fused multiply-add with one rounding: the product is kept exact in
 * 128 bits and the addend is added to it there.
 */
static int clz128(unsigned __int128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);

	return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/*
 * Both operands are X * 2^(e - 124) with X < 2^126. The bits shifted
 * out of the smaller one are jammed into bit 0: either the shift is
 * small and loses nothing (a product of two significands has at least
 * 20 trailing zero bits, the addend 62), or the larger operand
 * dominates and the sum keeps a leading one at bit 122 or above, far
 * above the sticky bit.
 */
static uint64_t add128(const struct fpu_fmt *f, int px, int32_t ex,
		       unsigned __int128 x, int py, int32_t ey,
		       unsigned __int128 y, int rm, unsigned *flags)
{
	unsigned __int128 r;
	int sign, msb;
	uint64_t sig;

	if (ex < ey) {
		unsigned __int128 t = x;
		int32_t te = ex;
		int tp = px;

		x = y;
		y = t;
		ex = ey;
		ey = te;
		px = py;
		py = tp;
	}
	y = fpu_shr_jam128(y, (unsigned)(ex - ey));
	if (px == py) {
		r = x + y;
		sign = px;
	} else if (x >= y) {
		r = x - y;
		sign = px;
	} else {
		r = y - x;
		sign = py;
	}
	if (!r)
		return fpu_pack_zero(f, rm == FPU_RDN);
	msb = 127 - clz128(r);
	if (msb > 62)
		sig = (uint64_t)fpu_shr_jam128(r, (unsigned)(msb - 62));
	else
		sig = (uint64_t)r << (62 - msb);
	return fpu_round_pack(f, sign, ex - 124 + msb, sig, rm, flags);
}

uint64_t fpu_soft_fma(const struct fpu_fmt *f, uint64_t a, uint64_t b,
		      uint64_t c, int neg_prod, int neg_add, int rm,
		      unsigned *flags)
{
	struct fpu_val va, vb, vc;
	int inf_zero, ps;

	fpu_unpack(f, a, &va);
	fpu_unpack(f, b, &vb);
	fpu_unpack(f, c, &vc);
	ps = va.sign ^ vb.sign ^ neg_prod;
	if (neg_add) {
		vc.sign ^= 1;
		c ^= fpu_sign_bit(f);
	}
	inf_zero = (va.kind == FPK_INF && vb.kind == FPK_ZERO) ||
		   (va.kind == FPK_ZERO && vb.kind == FPK_INF);
	if (fpu_is_nan_kind(va.kind) || fpu_is_nan_kind(vb.kind) ||
	    fpu_is_nan_kind(vc.kind)) {
		/* The spec wants NV for inf * 0 even when c is a quiet NaN. */
		if (inf_zero || va.kind == FPK_SNAN || vb.kind == FPK_SNAN ||
		    vc.kind == FPK_SNAN)
			*flags |= FFLAG_NV;
		return f->qnan;
	}
	if (inf_zero) {
		*flags |= FFLAG_NV;
		return f->qnan;
	}
	if (va.kind == FPK_INF || vb.kind == FPK_INF) {
		if (vc.kind == FPK_INF && vc.sign != ps) {
			*flags |= FFLAG_NV;
			return f->qnan;
		}
		return fpu_pack_inf(f, ps);
	}
	if (vc.kind == FPK_INF)
		return c;
	if (va.kind == FPK_ZERO || vb.kind == FPK_ZERO) {
		/* Exact zero product: the sum is c, or a signed zero. */
		if (vc.kind != FPK_ZERO)
			return c;
		if (vc.sign == ps)
			return c;
		return fpu_pack_zero(f, rm == FPU_RDN);
	}
	if (vc.kind == FPK_ZERO) {
		unsigned __int128 p = (unsigned __int128)va.sig * vb.sig;

		return fpu_round_pack(f, ps, va.exp + vb.exp,
				      (uint64_t)fpu_shr_jam128(p, 62), rm,
				      flags);
	}
	return add128(f, ps, va.exp + vb.exp,
		      (unsigned __int128)va.sig * vb.sig, vc.sign, vc.exp,
		      (unsigned __int128)vc.sig << 62, rm, flags);
}
