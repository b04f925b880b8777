// SPDX-License-Identifier: MIT
/*
 * Fused multiply-add with one rounding, for either format: the product
 * is kept exact in 128 bits and the addend is added to it there.
 */
#include "cpu/fpu_priv.h"

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
