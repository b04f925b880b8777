// SPDX-License-Identifier: MIT
/*
 * fcvt: float <-> integer and single <-> double conversions.
 */
#include "cpu/fpu_priv.h"

#define S (&fpu_fmt_s)
#define D (&fpu_fmt_d)

/*
 * Float -> integer of 32 or 64 bits, signed or not. The range check is
 * made on the rounded value, so -0.3 converts to an unsigned 0 (NX)
 * while -0.7 in RNE rounds to -1 and saturates to 0 (NV). A result
 * that saturates raises NV alone, never NX.
 */
static uint64_t to_int(const struct fpu_fmt *f, uint64_t a, int is_signed,
		       int is64, int rm, unsigned *flags)
{
	unsigned nbits = is64 ? 64 : 32;
	uint64_t max_pos = is_signed ? (1ull << (nbits - 1)) - 1 :
				       ~0ull >> (64 - nbits);
	uint64_t max_neg = is_signed ? 1ull << (nbits - 1) : 0;
	struct fpu_val v;
	bool inexact = false;
	uint64_t q, r;
	int ok;

	fpu_unpack(f, a, &v);
	switch (v.kind) {
	case FPK_ZERO:
		return 0;
	case FPK_QNAN:
	case FPK_SNAN:
		v.sign = 0;	/* NaN saturates like +inf */
		ok = 0;
		break;
	case FPK_INF:
		ok = 0;
		break;
	default:
		if (v.exp >= 64) {
			ok = 0;
			break;
		}
		if (v.exp >= 62) {
			q = v.sig << (v.exp - 62);
		} else {
			unsigned sh = 62 - v.exp;
			uint64_t sig = v.sig;

			/* Below 1/2: only the sticky bit matters. */
			if (sh > 63) {
				sig = 1;
				sh = 63;
			}
			q = fpu_round_shift(sig, sh, v.sign, rm, &inexact);
		}
		ok = q <= (v.sign ? max_neg : max_pos);
		break;
	}
	if (!ok) {
		*flags |= FFLAG_NV;
		r = v.sign ? -max_neg : max_pos;
	} else {
		if (inexact)
			*flags |= FFLAG_NX;
		r = v.sign ? -q : q;
	}
	/* The x register gets 32-bit results sign-extended, unsigned too. */
	return is64 ? r : (uint64_t)(int64_t)(int32_t)(uint32_t)r;
}

uint64_t fpu_cvt_w_s(uint64_t a, int rm, unsigned *flags)
{
	return to_int(S, fpu_unbox(a), 1, 0, rm, flags);
}

uint64_t fpu_cvt_wu_s(uint64_t a, int rm, unsigned *flags)
{
	return to_int(S, fpu_unbox(a), 0, 0, rm, flags);
}

uint64_t fpu_cvt_l_s(uint64_t a, int rm, unsigned *flags)
{
	return to_int(S, fpu_unbox(a), 1, 1, rm, flags);
}

uint64_t fpu_cvt_lu_s(uint64_t a, int rm, unsigned *flags)
{
	return to_int(S, fpu_unbox(a), 0, 1, rm, flags);
}

uint64_t fpu_cvt_w_d(uint64_t a, int rm, unsigned *flags)
{
	return to_int(D, a, 1, 0, rm, flags);
}

uint64_t fpu_cvt_wu_d(uint64_t a, int rm, unsigned *flags)
{
	return to_int(D, a, 0, 0, rm, flags);
}

uint64_t fpu_cvt_l_d(uint64_t a, int rm, unsigned *flags)
{
	return to_int(D, a, 1, 1, rm, flags);
}

uint64_t fpu_cvt_lu_d(uint64_t a, int rm, unsigned *flags)
{
	return to_int(D, a, 0, 1, rm, flags);
}

/* Integer magnitude with a sign -> format @f; zero is +0. */
static uint64_t from_int(const struct fpu_fmt *f, uint64_t mag, int sign,
			 int rm, unsigned *flags)
{
	if (!mag)
		return 0;
	return fpu_round_pack(f, sign, 62, mag, rm, flags);
}

static uint64_t from_signed(const struct fpu_fmt *f, int64_t x, int rm,
			    unsigned *flags)
{
	/* Negating as unsigned is well defined for INT64_MIN too. */
	return from_int(f, x < 0 ? -(uint64_t)x : (uint64_t)x, x < 0, rm,
			flags);
}

uint64_t fpu_cvt_s_w(uint64_t x, int rm, unsigned *flags)
{
	return FPU_BOX(from_signed(S, (int32_t)(uint32_t)x, rm, flags));
}

uint64_t fpu_cvt_s_wu(uint64_t x, int rm, unsigned *flags)
{
	return FPU_BOX(from_int(S, (uint32_t)x, 0, rm, flags));
}

uint64_t fpu_cvt_s_l(uint64_t x, int rm, unsigned *flags)
{
	return FPU_BOX(from_signed(S, (int64_t)x, rm, flags));
}

uint64_t fpu_cvt_s_lu(uint64_t x, int rm, unsigned *flags)
{
	return FPU_BOX(from_int(S, x, 0, rm, flags));
}

uint64_t fpu_cvt_d_w(uint64_t x, int rm, unsigned *flags)
{
	return from_signed(D, (int32_t)(uint32_t)x, rm, flags);
}

uint64_t fpu_cvt_d_wu(uint64_t x, int rm, unsigned *flags)
{
	return from_int(D, (uint32_t)x, 0, rm, flags);
}

uint64_t fpu_cvt_d_l(uint64_t x, int rm, unsigned *flags)
{
	return from_signed(D, (int64_t)x, rm, flags);
}

uint64_t fpu_cvt_d_lu(uint64_t x, int rm, unsigned *flags)
{
	return from_int(D, x, 0, rm, flags);
}

/* Rounds (or widens exactly) between formats; NaNs become canonical. */
static uint64_t convert(const struct fpu_fmt *to, const struct fpu_fmt *from,
			uint64_t a, int rm, unsigned *flags)
{
	struct fpu_val v;

	fpu_unpack(from, a, &v);
	switch (v.kind) {
	case FPK_QNAN:
	case FPK_SNAN:
		return fpu_nan2(to, &v, NULL, flags);
	case FPK_INF:
		return fpu_pack_inf(to, v.sign);
	case FPK_ZERO:
		return fpu_pack_zero(to, v.sign);
	default:
		return fpu_round_pack(to, v.sign, v.exp, v.sig, rm, flags);
	}
}

uint64_t fpu_cvt_s_d(uint64_t a, int rm, unsigned *flags)
{
	return FPU_BOX(convert(S, D, a, rm, flags));
}

uint64_t fpu_cvt_d_s(uint64_t a, unsigned *flags)
{
	/* Widening is exact: @rm would never matter. */
	return convert(D, S, fpu_unbox(a), FPU_RNE, flags);
}
