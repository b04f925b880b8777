// SPDX-License-Identifier: MIT
/*
 * Random differential test of the FPU against the host's SSE unit (and
 * glibc's fma(), which uses the FMA instructions or is correctly
 * rounded) in the four IEEE rounding modes. x86 detects tininess after
 * rounding, as RISC-V does, and its flags map one to one; only NaN
 * payloads differ, so a host NaN must be our canonical NaN. RMM has no
 * host counterpart and is covered by hand in test_fpu.c.
 *
 * FPU_DIFF_ITERS (environment) sets the operations per op and mode;
 * FPU_DIFF_SEED the seed.
 */
#include <fenv.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include "fpu_test.h"
#include "cpu/fpu_priv.h"

#ifdef __SANITIZE_ADDRESS__
#define DEFAULT_ITERS 100000
#else
#define DEFAULT_ITERS 200000
#endif

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static long iters = DEFAULT_ITERS;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static const int host_rm[] = {
	[FPU_RNE] = FE_TONEAREST, [FPU_RTZ] = FE_TOWARDZERO,
	[FPU_RDN] = FE_DOWNWARD, [FPU_RUP] = FE_UPWARD,
};

static unsigned host_flags(void)
{
	int e = fetestexcept(FE_ALL_EXCEPT);

	return (e & FE_INEXACT ? NX : 0) | (e & FE_UNDERFLOW ? UF : 0) |
	       (e & FE_OVERFLOW ? OF : 0) | (e & FE_DIVBYZERO ? DZ : 0) |
	       (e & FE_INVALID ? NV : 0);
}

/*
 * An operand of a format with @mbits fraction and @ebits exponent bits,
 * drawn so that the interesting regions are hit often: specials,
 * subnormals and the underflow threshold, the overflow threshold,
 * exponents near @near (cancellation, exact results), significands with
 * few bits set, and anything at all.
 */
static uint64_t gen(unsigned mbits, unsigned ebits, uint64_t near)
{
	uint64_t emax = (1ull << ebits) - 1;
	uint64_t fmask = (1ull << mbits) - 1;
	uint64_t sign = (rnd() & 1) << (mbits + ebits);
	uint64_t frac = rnd() & fmask, e, r = rnd();
	uint64_t ne = (near >> mbits) & emax;

	switch (r % 10) {
	case 0:
		switch ((r >> 8) % 8) {
		case 0:
			return sign;				/* zero */
		case 1:
			return sign | emax << mbits;		/* inf */
		case 2:
			return sign | emax << mbits | frac | 1;	/* NaN */
		case 3:
			return sign | 1;			/* min sub */
		case 4:
			return sign | fmask;		/* max sub */
		case 5:
			/* the largest finite number */
			return sign | (emax - 1) << mbits | fmask;
		case 6:
			return sign | 1ull << mbits;	/* min norm */
		default:
			return sign | (emax >> 1) << mbits;	/* 1.0 */
		}
	case 1:
		return rnd() & ((2ull << (mbits + ebits)) - 1);
	case 2:
		e = (r >> 8) % (mbits + 4);
		break;
	case 3:
		e = emax - 1 - (r >> 8) % (mbits + 4);
		break;
	case 4:
	case 5:
		e = (ne + (r >> 8) % 9 - 4) & emax;
		if (e == emax)
			e--;
		break;
	case 6:
		frac &= rnd() & rnd() & rnd();
		frac &= ~(fmask >> ((r >> 8) % mbits));
		e = (emax >> 1) + (r >> 16) % 64 - 32;
		break;
	case 7:
		/* The neighbourhood of @near itself. */
		return (near + (r >> 8) % 5 - 2) ^ (((r >> 12) & 1) ? sign : 0);
	default:
		e = (emax >> 1) + (r >> 8) % 128 - 64;
		break;
	}
	return sign | e << mbits | frac;
}

#define GEN_D(near) gen(52, 11, near)
#define GEN_S(near) gen(23, 8, near)

enum op { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA, OP_NR };

static const char *const op_name[] = { "add", "sub", "mul", "div", "sqrt",
				       "fma" };

static uint64_t ours_d(enum op op, uint64_t a, uint64_t b, uint64_t c,
		       int rm, unsigned *fl)
{
	switch (op) {
	case OP_ADD:
		return fpu_add_d(a, b, rm, fl);
	case OP_SUB:
		return fpu_sub_d(a, b, rm, fl);
	case OP_MUL:
		return fpu_mul_d(a, b, rm, fl);
	case OP_DIV:
		return fpu_div_d(a, b, rm, fl);
	case OP_SQRT:
		return fpu_sqrt_d(a, rm, fl);
	default:
		return fpu_fma_d(a, b, c, 0, 0, rm, fl);
	}
}

static uint64_t ours_s(enum op op, uint64_t a, uint64_t b, uint64_t c,
		       int rm, unsigned *fl)
{
	a = FPU_BOX(a);
	b = FPU_BOX(b);
	c = FPU_BOX(c);
	switch (op) {
	case OP_ADD:
		return fpu_add_s(a, b, rm, fl);
	case OP_SUB:
		return fpu_sub_s(a, b, rm, fl);
	case OP_MUL:
		return fpu_mul_s(a, b, rm, fl);
	case OP_DIV:
		return fpu_div_s(a, b, rm, fl);
	case OP_SQRT:
		return fpu_sqrt_s(a, rm, fl);
	default:
		return fpu_fma_s(a, b, c, 0, 0, rm, fl);
	}
}

/* Volatile so that the compiler neither folds nor hoists across fenv. */
static volatile double vd[3], rd;
static volatile float vf[3], rf;

static void host_d(enum op op)
{
	switch (op) {
	case OP_ADD:
		rd = vd[0] + vd[1];
		break;
	case OP_SUB:
		rd = vd[0] - vd[1];
		break;
	case OP_MUL:
		rd = vd[0] * vd[1];
		break;
	case OP_DIV:
		rd = vd[0] / vd[1];
		break;
	case OP_SQRT:
		rd = sqrt(vd[0]);
		break;
	default:
		rd = fma(vd[0], vd[1], vd[2]);
		break;
	}
}

static void host_s(enum op op)
{
	switch (op) {
	case OP_ADD:
		rf = vf[0] + vf[1];
		break;
	case OP_SUB:
		rf = vf[0] - vf[1];
		break;
	case OP_MUL:
		rf = vf[0] * vf[1];
		break;
	case OP_DIV:
		rf = vf[0] / vf[1];
		break;
	case OP_SQRT:
		rf = sqrtf(vf[0]);
		break;
	default:
		rf = fmaf(vf[0], vf[1], vf[2]);
		break;
	}
}

/*
 * x86 does not raise invalid for inf * 0 + qNaN; RISC-V does. That one
 * case is checked by hand in test_fpu.c, and skipped here.
 */
static int inf_zero_qnan(int dbl, uint64_t a, uint64_t b, uint64_t c)
{
	if (dbl)
		return ((isinf(bitsd(a)) && bitsd(b) == 0) ||
			(isinf(bitsd(b)) && bitsd(a) == 0)) &&
		       isnan(bitsd(c));
	return ((isinf(bitsf(a)) && bitsf(b) == 0) ||
		(isinf(bitsf(b)) && bitsf(a) == 0)) &&
	       isnan(bitsf(c));
}

static void run(int dbl, enum op op, int rm)
{
	unsigned long bad = 0;
	uint64_t a = 0, b = 0, c = 0;
	long i;

	for (i = 0; i < iters; i++) {
		uint64_t want, got;
		unsigned want_fl, got_fl = 0;

		if (dbl) {
			a = GEN_D(c);
			b = GEN_D(a);
			c = GEN_D(dbits(bitsd(a) * bitsd(b)) ^ (1ull << 63));
			vd[0] = bitsd(a);
			vd[1] = bitsd(b);
			vd[2] = bitsd(c);
		} else {
			a = GEN_S(c);
			b = GEN_S(a);
			c = GEN_S(fbits(bitsf(a) * bitsf(b)) ^ (1u << 31));
			vf[0] = bitsf(a);
			vf[1] = bitsf(b);
			vf[2] = bitsf(c);
		}
		if (op == OP_FMA && inf_zero_qnan(dbl, a, b, c))
			continue;
		fesetround(host_rm[rm]);
		feclearexcept(FE_ALL_EXCEPT);
		if (dbl) {
			host_d(op);
			want = isnan(rd) ? CANON_D : dbits(rd);
		} else {
			host_s(op);
			want = isnan(rf) ? CANON_S : FPU_BOX(fbits(rf));
		}
		want_fl = host_flags();
		fesetround(FE_TONEAREST);
		got = dbl ? ours_d(op, a, b, c, rm, &got_fl) :
			    ours_s(op, a, b, c, rm, &got_fl);
		if (got == want && got_fl == want_fl)
			continue;
		if (bad++ < 10)
			print_error("%s.%c rm %d: %#llx %#llx %#llx -> %#llx "
				    "fl %#x, host %#llx fl %#x\n",
				    op_name[op], dbl ? 'd' : 's', rm,
				    (unsigned long long)a,
				    (unsigned long long)b,
				    (unsigned long long)c,
				    (unsigned long long)got, got_fl,
				    (unsigned long long)want, want_fl);
	}
	if (bad)
		fail_msg("%s.%c rm %d: %lu of %ld differ", op_name[op],
			 dbl ? 'd' : 's', rm, bad, iters);
}

static void test_diff(void **state, int dbl)
{
	enum op op;
	int rm;

	(void)state;
	for (op = 0; op < OP_NR; op++)
		for (rm = FPU_RNE; rm <= FPU_RUP; rm++)
			run(dbl, op, rm);
}

enum cv { CV_S_D, CV_W_D, CV_L_D, CV_W_S, CV_L_S, CV_S_L, CV_D_L, CV_NR };

static const char *const cv_name[] = { "s.d", "w.d", "l.d", "w.s", "l.s",
				       "s.l", "d.l" };

/* A float -> integer result from the host's llrint(), or its NV. */
static uint64_t host_to_int(long long r, int is64, int nan, int neg,
			    unsigned *fl)
{
	int64_t lo = is64 ? INT64_MIN : INT32_MIN;
	int64_t hi = is64 ? INT64_MAX : INT32_MAX;

	if (nan || (*fl & NV))
		r = nan || !neg ? hi : lo;	/* out of the host's range */
	else if (r >= lo && r <= hi)
		return (uint64_t)r;
	*fl = NV;
	return (uint64_t)(r < 0 ? lo : hi);
}

/* Exponents spanning the integer ranges, plus anything gen() makes. */
static uint64_t gen_cvt(int dbl)
{
	uint64_t r = rnd(), sign = r & 1;

	if (r % 5 == 0)
		return dbl ? GEN_D(0) : GEN_S(0);
	if (dbl)
		return sign << 63 | (1020 + (r >> 8) % 70) << 52 |
		       (rnd() >> 12);
	return sign << 31 | (124 + (r >> 8) % 70) << 23 | (rnd() >> 41);
}

static void run_cv(enum cv cv, int rm)
{
	unsigned long bad = 0;
	long i;

	for (i = 0; i < iters; i++) {
		uint64_t a, want, got;
		unsigned want_fl, got_fl = 0;
		long long r = 0;

		if (cv >= CV_S_L) {
			a = rnd() >> (rnd() % 64);
			if (rnd() & 1)
				a = -a;
		} else {
			a = gen_cvt(cv <= CV_L_D);
		}
		vd[0] = bitsd(a);
		vf[0] = bitsf((uint32_t)a);
		fesetround(host_rm[rm]);
		feclearexcept(FE_ALL_EXCEPT);
		switch (cv) {
		case CV_S_D:
			rf = (float)vd[0];
			break;
		case CV_W_D:
		case CV_L_D:
			r = llrint(vd[0]);
			break;
		case CV_W_S:
		case CV_L_S:
			r = llrintf(vf[0]);
			break;
		case CV_S_L:
			rf = (float)(int64_t)a;
			break;
		default:
			rd = (double)(int64_t)a;
			break;
		}
		want_fl = host_flags();
		fesetround(FE_TONEAREST);
		switch (cv) {
		case CV_S_D:
			want = isnan(rf) ? CANON_S : FPU_BOX(fbits(rf));
			got = fpu_cvt_s_d(a, rm, &got_fl);
			break;
		case CV_W_D:
		case CV_L_D:
			want = host_to_int(r, cv == CV_L_D, isnan(vd[0]),
					   vd[0] < 0, &want_fl);
			got = cv == CV_L_D ? fpu_cvt_l_d(a, rm, &got_fl) :
					     fpu_cvt_w_d(a, rm, &got_fl);
			break;
		case CV_W_S:
		case CV_L_S:
			want = host_to_int(r, cv == CV_L_S, isnan(vf[0]),
					   vf[0] < 0, &want_fl);
			a = FPU_BOX(a);
			got = cv == CV_L_S ? fpu_cvt_l_s(a, rm, &got_fl) :
					     fpu_cvt_w_s(a, rm, &got_fl);
			break;
		case CV_S_L:
			want = FPU_BOX(fbits(rf));
			got = fpu_cvt_s_l(a, rm, &got_fl);
			break;
		default:
			want = dbits(rd);
			got = fpu_cvt_d_l(a, rm, &got_fl);
			break;
		}
		if (got == want && got_fl == want_fl)
			continue;
		if (bad++ < 10)
			print_error("cvt.%s rm %d: %#llx -> %#llx fl %#x, "
				    "host %#llx fl %#x\n", cv_name[cv], rm,
				    (unsigned long long)a,
				    (unsigned long long)got, got_fl,
				    (unsigned long long)want, want_fl);
	}
	if (bad)
		fail_msg("cvt.%s rm %d: %lu of %ld differ", cv_name[cv], rm,
			 bad, iters);
}

static void test_diff_cvt(void **state)
{
	enum cv cv;
	int rm;

	(void)state;
	for (cv = 0; cv < CV_NR; cv++)
		for (rm = FPU_RNE; rm <= FPU_RUP; rm++)
			run_cv(cv, rm);
}

/*
 * The host fast path (fpu_fast.h) against the software core, in RNE:
 * operands are drawn to land results on 2^emin, the overflow threshold
 * and exact values, and now and then the host's own rounding mode is
 * changed, which must make the fast path stand aside.
 */
static uint64_t fast_pub(int dbl, enum op op, uint64_t a, uint64_t b,
			 unsigned *fl)
{
	return dbl ? ours_d(op, a, b, 0, FPU_RNE, fl) :
		     ours_s(op, a, b, 0, FPU_RNE, fl);
}

static uint64_t fast_soft(int dbl, enum op op, uint64_t a, uint64_t b,
			  unsigned *fl)
{
	const struct fpu_fmt *f = dbl ? &fpu_fmt_d : &fpu_fmt_s;
	uint64_t r;

	switch (op) {
	case OP_ADD:
		r = fpu_soft_add(f, a, b, 0, FPU_RNE, fl);
		break;
	case OP_SUB:
		r = fpu_soft_add(f, a, b, 1, FPU_RNE, fl);
		break;
	case OP_MUL:
		r = fpu_soft_mul(f, a, b, FPU_RNE, fl);
		break;
	case OP_DIV:
		r = fpu_soft_div(f, a, b, FPU_RNE, fl);
		break;
	default:
		r = fpu_soft_sqrt(f, a, FPU_RNE, fl);
		break;
	}
	return dbl ? r : FPU_BOX(r);
}

/* An operand b putting a op b near @target (as a double). */
static uint64_t fast_gen_b(int dbl, enum op op, uint64_t a, double target)
{
	double x = dbl ? bitsd(a) : bitsf((uint32_t)a), near;

	switch (op) {
	case OP_MUL:
		near = target / x;
		break;
	case OP_DIV:
		near = x / target;
		break;
	default:
		near = target - x;
		break;
	}
	return dbl ? GEN_D(dbits(near)) : GEN_S(fbits((float)near));
}

static void run_fast(int dbl, enum op op)
{
	static const double tgt_d[] = { 0x1p-1022, 0x1.fffffffffffffp1023,
					1.0 };
	static const double tgt_s[] = { 0x1p-126, 0x1.fffffep127, 1.0 };
	unsigned long bad = 0;
	uint64_t a = 0, b = 0;
	long i;

	for (i = 0; i < iters * 2; i++) {
		unsigned fl_pub = 0, fl_soft = 0;
		uint64_t r = rnd(), got, want;

		a = dbl ? GEN_D(b) : GEN_S(b);
		if (r % 4 == 3)
			b = dbl ? GEN_D(a) : GEN_S(a);
		else
			b = fast_gen_b(dbl, op, a,
				       (dbl ? tgt_d : tgt_s)[r % 4]);
		if (r % 16 == 5)
			fesetround(FE_UPWARD);
		got = fast_pub(dbl, op, a, b, &fl_pub);
		fesetround(FE_TONEAREST);
		want = fast_soft(dbl, op, a, b, &fl_soft);
		if (got == want && fl_pub == fl_soft)
			continue;
		if (bad++ < 10)
			print_error("fast %s.%c: %#llx %#llx -> %#llx fl %#x, "
				    "soft %#llx fl %#x\n", op_name[op],
				    dbl ? 'd' : 's', (unsigned long long)a,
				    (unsigned long long)b,
				    (unsigned long long)got, fl_pub,
				    (unsigned long long)want, fl_soft);
	}
	if (bad)
		fail_msg("fast %s.%c: %lu of %ld differ", op_name[op],
			 dbl ? 'd' : 's', bad, iters * 2);
}

static void test_fast_vs_soft(void **state)
{
	enum op op;

	(void)state;
	for (op = OP_ADD; op <= OP_SQRT; op++) {
		run_fast(0, op);
		run_fast(1, op);
	}
}

static void test_diff_s(void **state)
{
	test_diff(state, 0);
}

static void test_diff_d(void **state)
{
	test_diff(state, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_s),
		cmocka_unit_test(test_diff_d),
		cmocka_unit_test(test_diff_cvt),
		cmocka_unit_test(test_fast_vs_soft),
	};
	const char *s = getenv("FPU_DIFF_ITERS");

	if (s)
		iters = atol(s);
	s = getenv("FPU_DIFF_SEED");
	if (s)
		rng_state = strtoull(s, NULL, 0) | 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
