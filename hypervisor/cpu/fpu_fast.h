/* SPDX-License-Identifier: MIT */
/*
 * The host fast path for RNE add/sub/mul/div/sqrt (private to fpu.c and
 * its tests). Each function either produces exactly the result and
 * flags of the software path and returns true, or returns false having
 * touched nothing, and the caller takes the software path.
 *
 * Why the host's answer is the spec's answer here:
 * - It is taken only when the host SSE unit is in its default state
 *   (round to nearest even, no flush-to-zero or denormals-are-zero),
 *   and only for normal finite operands giving a normal finite result.
 *   IEEE 754 then fixes the result bits, and the only flag that can be
 *   raised is NX: not NV or DZ (no NaN, infinity or zero operand), not
 *   OF (an RNE overflow is infinite), not UF (a normal result other
 *   than +-2^emin, rounded with an unbounded exponent, is the same
 *   number, so it is not tiny after rounding; 2^emin itself is left
 *   to the software path).
 * - NX is not read from the host's sticky flags (reading and clearing
 *   MXCSR costs more than the operation): it is derived exactly, from
 *   the 2Sum error term for add, and from integer products of the
 *   significands for mul, div and sqrt.
 * - Single precision is computed in double: a product of two singles
 *   is exact in double, and for +, /, sqrt rounding to double and then
 *   to single is the same as rounding once, because 53 >= 2 * 24 + 2
 *   (Figueroa, "When is double rounding innocuous?", 1995).
 * Anything else (NaN, infinity, zero, subnormal in or out, overflow)
 * goes to the software path.
 */
#ifndef HV_FPU_FAST_H
#define HV_FPU_FAST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "cpu/fpu.h"

#if defined(__x86_64__) && defined(__SSE2_MATH__) && !defined(__FAST_MATH__)
#define FPU_HAVE_FAST 1
#include <math.h>
#include <stdlib.h>
#include <xmmintrin.h>

/* MXCSR: all exceptions masked, RC = nearest, FZ = DAZ = 0; any flags. */
static inline bool fpu_fast_host_ok(void)
{
	return (_mm_getcsr() & ~0x3fu) == 0x1f80u;
}

static inline double fpu_fast_d(uint64_t u)
{
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static inline uint64_t fpu_fast_u(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static inline float fpu_fast_f(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

static inline uint32_t fpu_fast_uf(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

/* Biased exponent field, and whether it is that of a normal number. */
static inline unsigned fpu_fast_exp_d(uint64_t x)
{
	return (x >> 52) & 0x7ff;
}

static inline bool fpu_fast_normal_d(uint64_t x)
{
	return fpu_fast_exp_d(x) - 1 < 0x7fe;
}

static inline bool fpu_fast_normal_s(uint32_t x)
{
	return ((x >> 23) & 0xff) - 1 < 0xfe;
}

/*
 * A result the fast path may keep: normal and not +-2^emin, the one
 * normal value that can be tiny after rounding (a value just below
 * 2^emin can round up to it as a subnormal while its 53-bit rounding
 * with an unbounded exponent stays below).
 */
static inline bool fpu_fast_result_d(uint64_t x)
{
	return fpu_fast_normal_d(x) && (x << 1) != 0x0010000000000000ull << 1;
}

static inline bool fpu_fast_result_s(uint32_t x)
{
	return fpu_fast_normal_s(x) && (uint32_t)(x << 1) != 0x00800000u << 1;
}

static inline uint64_t fpu_fast_sig_d(uint64_t x)
{
	return (x & ((1ull << 52) - 1)) | 1ull << 52;
}

static inline bool fpu_fast_add_d(uint64_t a, uint64_t b, uint64_t *r,
				  unsigned *flags)
{
	double x = fpu_fast_d(a), y = fpu_fast_d(b), s, bb, err;
	uint64_t e;

	if (!fpu_fast_normal_d(a) || !fpu_fast_normal_d(b) ||
	    !fpu_fast_host_ok())
		return false;
	s = x + y;
	if (!fpu_fast_result_d(fpu_fast_u(s)))
		return false;
	/* 2Sum (Knuth): err = (x + y) - s exactly, in RNE. */
	bb = s - x;
	err = (x - (s - bb)) + (y - bb);
	e = fpu_fast_u(err);
	if (fpu_fast_exp_d(e) == 0x7ff)
		return false;	/* cannot happen; never guess */
	if (e << 1)
		*flags |= FFLAG_NX;
	*r = fpu_fast_u(s);
	return true;
}

static inline bool fpu_fast_mul_d(uint64_t a, uint64_t b, uint64_t *r,
				  unsigned *flags)
{
	uint64_t p;
	int up, tz;

	if (!fpu_fast_normal_d(a) || !fpu_fast_normal_d(b) ||
	    !fpu_fast_host_ok())
		return false;
	p = fpu_fast_u(fpu_fast_d(a) * fpu_fast_d(b));
	if (!fpu_fast_result_d(p))
		return false;
	/*
	 * The exact product of the significands has 105 bits (up == 0)
	 * or 106 (up == 1, or it rounded up into the next binade, which
	 * is inexact anyway); the result keeps the top 53, so it is exact
	 * iff the product has 52 + up trailing zeros.
	 */
	up = (int)fpu_fast_exp_d(p) -
	     ((int)fpu_fast_exp_d(a) + (int)fpu_fast_exp_d(b) - 1023);
	tz = __builtin_ctzll(fpu_fast_sig_d(a)) +
	     __builtin_ctzll(fpu_fast_sig_d(b));
	if (tz < 52 + up)
		*flags |= FFLAG_NX;
	*r = p;
	return true;
}

static inline bool fpu_fast_div_d(uint64_t a, uint64_t b, uint64_t *r,
				  unsigned *flags)
{
	uint64_t q;
	int sh;

	if (!fpu_fast_normal_d(a) || !fpu_fast_normal_d(b) ||
	    !fpu_fast_host_ok())
		return false;
	q = fpu_fast_u(fpu_fast_d(a) / fpu_fast_d(b));
	if (!fpu_fast_result_d(q))
		return false;
	/* Exact iff q * b == a: sig_q * sig_b == sig_a << sh, sh 52/53. */
	sh = (int)fpu_fast_exp_d(a) - (int)fpu_fast_exp_d(b) -
	     (int)fpu_fast_exp_d(q) + 1075;
	if ((unsigned __int128)fpu_fast_sig_d(q) * fpu_fast_sig_d(b) !=
	    (unsigned __int128)fpu_fast_sig_d(a) << sh)
		*flags |= FFLAG_NX;
	*r = q;
	return true;
}

static inline bool fpu_fast_sqrt_d(uint64_t a, uint64_t *r, unsigned *flags)
{
	uint64_t s, m;
	int sh;

	if (!fpu_fast_normal_d(a) || (a >> 63) || !fpu_fast_host_ok())
		return false;
	s = fpu_fast_u(sqrt(fpu_fast_d(a)));
	/* Exact iff s * s == a: sig_s^2 == sig_a << sh, sh 52/53. */
	sh = (int)fpu_fast_exp_d(a) - 2 * (int)fpu_fast_exp_d(s) + 1075;
	m = fpu_fast_sig_d(s);
	if ((unsigned __int128)m * m != (unsigned __int128)fpu_fast_sig_d(a)
						<< sh)
		*flags |= FFLAG_NX;
	*r = s;
	return true;
}

/*
 * Single: @exact says whether @d is the exact result; the single
 * result is then inexact iff it differs from @d.
 */
static inline bool fpu_fast_round_s(double d, int exact, uint64_t *r,
				    unsigned *flags)
{
	float f = (float)d;
	uint32_t u = fpu_fast_uf(f);

	if (!fpu_fast_result_s(u))
		return false;
	if (!exact || (double)f != d)
		*flags |= FFLAG_NX;
	*r = u;
	return true;
}

static inline bool fpu_fast_add_s(uint64_t a, uint64_t b, uint64_t *r,
				  unsigned *flags)
{
	int ea = (a >> 23) & 0xff, eb = (b >> 23) & 0xff;

	if (!fpu_fast_normal_s(a) || !fpu_fast_normal_s(b) ||
	    !fpu_fast_host_ok())
		return false;
	/*
	 * With exponents at most 28 apart the sum fits in 53 bits, so the
	 * double sum is exact. Further apart, the smaller operand has a
	 * one below the result's last place: inexact.
	 */
	return fpu_fast_round_s((double)fpu_fast_f(a) + fpu_fast_f(b),
				abs(ea - eb) <= 28, r, flags);
}

static inline bool fpu_fast_mul_s(uint64_t a, uint64_t b, uint64_t *r,
				  unsigned *flags)
{
	if (!fpu_fast_normal_s(a) || !fpu_fast_normal_s(b) ||
	    !fpu_fast_host_ok())
		return false;
	/* 24 x 24 bits: exact in double. */
	return fpu_fast_round_s((double)fpu_fast_f(a) * fpu_fast_f(b), 1, r,
				flags);
}

static inline bool fpu_fast_div_s(uint64_t a, uint64_t b, uint64_t *r,
				  unsigned *flags)
{
	double x = fpu_fast_f(a), y = fpu_fast_f(b);
	float f;

	if (!fpu_fast_normal_s(a) || !fpu_fast_normal_s(b) ||
	    !fpu_fast_host_ok())
		return false;
	f = (float)(x / y);
	if (!fpu_fast_result_s(fpu_fast_uf(f)))
		return false;
	/* f * y is exact in double: compare it with x. */
	if ((double)f * y != x)
		*flags |= FFLAG_NX;
	*r = fpu_fast_uf(f);
	return true;
}

static inline bool fpu_fast_sqrt_s(uint64_t a, uint64_t *r, unsigned *flags)
{
	double x = fpu_fast_f(a);
	float f;

	if (!fpu_fast_normal_s(a) || (a >> 31) || !fpu_fast_host_ok())
		return false;
	f = (float)sqrt(x);
	if ((double)f * f != x)
		*flags |= FFLAG_NX;
	*r = fpu_fast_uf(f);
	return true;
}

#else
#define FPU_HAVE_FAST 0
#define FPU_FAST_STUB(name)						\
	static inline bool name(uint64_t a, uint64_t b, uint64_t *r,	\
				unsigned *flags)			\
	{								\
		return false;						\
	}
FPU_FAST_STUB(fpu_fast_add_d)
FPU_FAST_STUB(fpu_fast_mul_d)
FPU_FAST_STUB(fpu_fast_div_d)
FPU_FAST_STUB(fpu_fast_add_s)
FPU_FAST_STUB(fpu_fast_mul_s)
FPU_FAST_STUB(fpu_fast_div_s)

static inline bool fpu_fast_sqrt_d(uint64_t a, uint64_t *r, unsigned *flags)
{
	return false;
}

static inline bool fpu_fast_sqrt_s(uint64_t a, uint64_t *r, unsigned *flags)
{
	return false;
}
#endif

#endif
