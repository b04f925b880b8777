/*
 * fp: F and D behaviour as bits. Every line is an instruction, its rounding
 * mode, its operands, its result and the fflags it raised, all in hex; the
 * table is compared bit for bit with QEMU's, which is the oracle. A few
 * results the spec pins down exactly are also checked here, so the guest
 * fails on its own when something basic is wrong.
 *
 * Covered: the five rounding modes, static and through frm; fflags; NaN
 * boxing and the canonical NaN; fmin/fmax with NaNs and signed zeros;
 * comparisons with NaNs; fcvt saturation; the four fused multiply-adds
 * (inf*0+qNaN); fsqrt; division by zero; fclass of every class; fcvt.s.d
 * rounding; subnormals, underflow and overflow; reserved frm values.
 */
#include "trap.h"
#include "fp_ops.h"

const char guest_name[] = "fp";

/* Double-precision values. */
#define D_0 0x0000000000000000UL
#define D_N0 0x8000000000000000UL
#define D_1 0x3ff0000000000000UL
#define D_N1 0xbff0000000000000UL
#define D_2 0x4000000000000000UL
#define D_3 0x4008000000000000UL
#define D_N3 0xc008000000000000UL
#define D_HALF 0x3fe0000000000000UL
#define D_NHALF 0xbfe0000000000000UL
#define D_1P5 0x3ff8000000000000UL
#define D_2P5 0x4004000000000000UL
#define D_N2P5 0xc004000000000000UL
#define D_N0P9 0xbfeccccccccccccdUL
#define D_TENTH 0x3fb999999999999aUL
#define D_THIRD 0x3fd5555555555555UL
#define D_1ULP 0x3ff0000000000001UL
#define D_EPS2 0x3ca0000000000000UL	/* 2^-53: half an ulp of 1 */
#define D_EPS2P 0x3ca0000000000001UL
#define D_NEPS2 0xbca0000000000000UL
#define D_MAX 0x7fefffffffffffffUL
#define D_NMAX 0xffefffffffffffffUL
#define D_MINN 0x0010000000000000UL
#define D_SUBN 0x000fffffffffffffUL
#define D_MINS 0x0000000000000001UL
#define D_NMINS 0x8000000000000001UL
#define D_INF 0x7ff0000000000000UL
#define D_NINF 0xfff0000000000000UL
#define D_QNAN 0x7ff8000000000000UL
#define D_NQNAN 0xfff8000000000000UL
#define D_QNANP 0x7ff8000000000123UL
#define D_SNAN 0x7ff0000000000001UL
#define D_2P31 0x41e0000000000000UL
#define D_N2P31 0xc1e0000000000000UL
#define D_2P31M 0x41dfffffffe00000UL	/* 2^31 - 0.5 */
#define D_2P32 0x41f0000000000000UL
#define D_2P63 0x43e0000000000000UL
#define D_N2P63 0xc3e0000000000000UL
#define D_2P64 0x43f0000000000000UL
#define D_HUGE 0x7e37e43c8800759cUL	/* 1e300 */
#define D_SQ2 0x4000000000000000UL
#define D_S1P24 0x3ff0000010000000UL	/* 1 + 2^-24: a tie for single */
#define D_S1P24P 0x3ff0000010000001UL
#define D_FMAX 0x47efffffe0000000UL	/* FLT_MAX */
#define D_FMAXR 0x47efffffefffffffUL	/* rounds to FLT_MAX or inf */
#define D_FMINS 0x36a0000000000000UL	/* FLT_TRUE_MIN */
#define D_FMINS2 0x3690000000000000UL	/* FLT_TRUE_MIN / 2 */

/* Single-precision values (boxed by S() below). */
#define F_0 0x00000000
#define F_N0 0x80000000
#define F_1 0x3f800000
#define F_N1 0xbf800000
#define F_2 0x40000000
#define F_3 0x40400000
#define F_HALF 0x3f000000
#define F_NHALF 0xbf000000
#define F_1P5 0x3fc00000
#define F_2P5 0x40200000
#define F_N2P5 0xc0200000
#define F_TENTH 0x3dcccccd
#define F_THIRD 0x3eaaaaab
#define F_EPS2 0x33800000	/* 2^-24 */
#define F_EPS2P 0x33800001
#define F_MAX 0x7f7fffff
#define F_MINN 0x00800000
#define F_SUBN 0x007fffff
#define F_MINS 0x00000001
#define F_NMINS 0x80000001
#define F_INF 0x7f800000
#define F_NINF 0xff800000
#define F_QNAN 0x7fc00000
#define F_QNANP 0x7fc00123
#define F_SNAN 0x7f800001
#define F_2P31 0x4f000000
#define F_N2P31 0xcf000000
#define F_2P32 0x4f800000
#define F_2P63 0x5f000000
#define F_N2P63 0xdf000000
#define F_2P64 0x5f800000
#define F_N0P9 0xbf666666

#define S(x) (0xffffffff00000000UL | (u32)(x))

/* Arithmetic */
DEF_RM(DEF_FF2, fadd_d, "fadd.d")
DEF_RM(DEF_FF2, fsub_d, "fsub.d")
DEF_RM(DEF_FF2, fmul_d, "fmul.d")
DEF_RM(DEF_FF2, fdiv_d, "fdiv.d")
DEF_RM(DEF_FF1, fsqrt_d, "fsqrt.d")
DEF_RM(DEF_FF2, fadd_s, "fadd.s")
DEF_RM(DEF_FF2, fsub_s, "fsub.s")
DEF_RM(DEF_FF2, fmul_s, "fmul.s")
DEF_RM(DEF_FF2, fdiv_s, "fdiv.s")
DEF_RM(DEF_FF1, fsqrt_s, "fsqrt.s")
DEF_RM(DEF_FF3, fmadd_d, "fmadd.d")
DEF_RM(DEF_FF3, fmsub_d, "fmsub.d")
DEF_RM(DEF_FF3, fnmadd_d, "fnmadd.d")
DEF_RM(DEF_FF3, fnmsub_d, "fnmsub.d")
DEF_RM(DEF_FF3, fmadd_s, "fmadd.s")
DEF_RM(DEF_FF3, fmsub_s, "fmsub.s")
DEF_RM(DEF_FF3, fnmadd_s, "fnmadd.s")
DEF_RM(DEF_FF3, fnmsub_s, "fnmsub.s")
/* Sign injection, min/max, compare, class */
DEF_NORM(DEF_FF2, fmin_d, "fmin.d")
DEF_NORM(DEF_FF2, fmax_d, "fmax.d")
DEF_NORM(DEF_FF2, fmin_s, "fmin.s")
DEF_NORM(DEF_FF2, fmax_s, "fmax.s")
DEF_NORM(DEF_FF2, fsgnj_d, "fsgnj.d")
DEF_NORM(DEF_FF2, fsgnjn_d, "fsgnjn.d")
DEF_NORM(DEF_FF2, fsgnjx_d, "fsgnjx.d")
DEF_NORM(DEF_FF2, fsgnj_s, "fsgnj.s")
DEF_NORM(DEF_FF2, fsgnjn_s, "fsgnjn.s")
DEF_NORM(DEF_FF2, fsgnjx_s, "fsgnjx.s")
DEF_NORM(DEF_CMP, feq_d, "feq.d")
DEF_NORM(DEF_CMP, flt_d, "flt.d")
DEF_NORM(DEF_CMP, fle_d, "fle.d")
DEF_NORM(DEF_CMP, feq_s, "feq.s")
DEF_NORM(DEF_CMP, flt_s, "flt.s")
DEF_NORM(DEF_CMP, fle_s, "fle.s")
DEF_NORM(DEF_IF, fclass_d, "fclass.d")
DEF_NORM(DEF_IF, fclass_s, "fclass.s")
DEF_NORM(DEF_IF, fmv_x_w, "fmv.x.w")
/* Conversions */
DEF_RM(DEF_IF, fcvt_w_d, "fcvt.w.d")
DEF_RM(DEF_IF, fcvt_wu_d, "fcvt.wu.d")
DEF_RM(DEF_IF, fcvt_l_d, "fcvt.l.d")
DEF_RM(DEF_IF, fcvt_lu_d, "fcvt.lu.d")
DEF_RM(DEF_IF, fcvt_w_s, "fcvt.w.s")
DEF_RM(DEF_IF, fcvt_wu_s, "fcvt.wu.s")
DEF_RM(DEF_IF, fcvt_l_s, "fcvt.l.s")
DEF_RM(DEF_IF, fcvt_lu_s, "fcvt.lu.s")
DEF_RM(DEF_FI, fcvt_s_w, "fcvt.s.w")
DEF_RM(DEF_FI, fcvt_s_wu, "fcvt.s.wu")
DEF_RM(DEF_FI, fcvt_s_l, "fcvt.s.l")
DEF_RM(DEF_FI, fcvt_s_lu, "fcvt.s.lu")
DEF_RM(DEF_FI, fcvt_d_l, "fcvt.d.l")
DEF_RM(DEF_FI, fcvt_d_lu, "fcvt.d.lu")
DEF_NORM(DEF_FI, fcvt_d_w, "fcvt.d.w")
DEF_RM(DEF_FF1, fcvt_s_d, "fcvt.s.d")
DEF_NORM(DEF_FF1, fcvt_d_s, "fcvt.d.s")

enum {
	OP_FADD_D, OP_FSUB_D, OP_FMUL_D, OP_FDIV_D, OP_FSQRT_D,
	OP_FADD_S, OP_FSUB_S, OP_FMUL_S, OP_FDIV_S, OP_FSQRT_S,
	OP_FMADD_D, OP_FMSUB_D, OP_FNMADD_D, OP_FNMSUB_D,
	OP_FMADD_S, OP_FMSUB_S, OP_FNMADD_S, OP_FNMSUB_S,
	OP_FMIN_D, OP_FMAX_D, OP_FMIN_S, OP_FMAX_S,
	OP_FSGNJ_D, OP_FSGNJN_D, OP_FSGNJX_D,
	OP_FSGNJ_S, OP_FSGNJN_S, OP_FSGNJX_S,
	OP_FEQ_D, OP_FLT_D, OP_FLE_D, OP_FEQ_S, OP_FLT_S, OP_FLE_S,
	OP_FCLASS_D, OP_FCLASS_S, OP_FMV_X_W,
	OP_FCVT_W_D, OP_FCVT_WU_D, OP_FCVT_L_D, OP_FCVT_LU_D,
	OP_FCVT_W_S, OP_FCVT_WU_S, OP_FCVT_L_S, OP_FCVT_LU_S,
	OP_FCVT_S_W, OP_FCVT_S_WU, OP_FCVT_S_L, OP_FCVT_S_LU,
	OP_FCVT_D_L, OP_FCVT_D_LU, OP_FCVT_D_W,
	OP_FCVT_S_D, OP_FCVT_D_S,
};

static const struct fop ops[] = {
	[OP_FADD_D] = FOP_RM(fadd_d, "fadd.d", K_FF2),
	[OP_FSUB_D] = FOP_RM(fsub_d, "fsub.d", K_FF2),
	[OP_FMUL_D] = FOP_RM(fmul_d, "fmul.d", K_FF2),
	[OP_FDIV_D] = FOP_RM(fdiv_d, "fdiv.d", K_FF2),
	[OP_FSQRT_D] = FOP_RM(fsqrt_d, "fsqrt.d", K_FF1),
	[OP_FADD_S] = FOP_RM(fadd_s, "fadd.s", K_FF2),
	[OP_FSUB_S] = FOP_RM(fsub_s, "fsub.s", K_FF2),
	[OP_FMUL_S] = FOP_RM(fmul_s, "fmul.s", K_FF2),
	[OP_FDIV_S] = FOP_RM(fdiv_s, "fdiv.s", K_FF2),
	[OP_FSQRT_S] = FOP_RM(fsqrt_s, "fsqrt.s", K_FF1),
	[OP_FMADD_D] = FOP_RM(fmadd_d, "fmadd.d", K_FF3),
	[OP_FMSUB_D] = FOP_RM(fmsub_d, "fmsub.d", K_FF3),
	[OP_FNMADD_D] = FOP_RM(fnmadd_d, "fnmadd.d", K_FF3),
	[OP_FNMSUB_D] = FOP_RM(fnmsub_d, "fnmsub.d", K_FF3),
	[OP_FMADD_S] = FOP_RM(fmadd_s, "fmadd.s", K_FF3),
	[OP_FMSUB_S] = FOP_RM(fmsub_s, "fmsub.s", K_FF3),
	[OP_FNMADD_S] = FOP_RM(fnmadd_s, "fnmadd.s", K_FF3),
	[OP_FNMSUB_S] = FOP_RM(fnmsub_s, "fnmsub.s", K_FF3),
	[OP_FMIN_D] = FOP_NORM(fmin_d, "fmin.d", K_FF2),
	[OP_FMAX_D] = FOP_NORM(fmax_d, "fmax.d", K_FF2),
	[OP_FMIN_S] = FOP_NORM(fmin_s, "fmin.s", K_FF2),
	[OP_FMAX_S] = FOP_NORM(fmax_s, "fmax.s", K_FF2),
	[OP_FSGNJ_D] = FOP_NORM(fsgnj_d, "fsgnj.d", K_FF2),
	[OP_FSGNJN_D] = FOP_NORM(fsgnjn_d, "fsgnjn.d", K_FF2),
	[OP_FSGNJX_D] = FOP_NORM(fsgnjx_d, "fsgnjx.d", K_FF2),
	[OP_FSGNJ_S] = FOP_NORM(fsgnj_s, "fsgnj.s", K_FF2),
	[OP_FSGNJN_S] = FOP_NORM(fsgnjn_s, "fsgnjn.s", K_FF2),
	[OP_FSGNJX_S] = FOP_NORM(fsgnjx_s, "fsgnjx.s", K_FF2),
	[OP_FEQ_D] = FOP_NORM(feq_d, "feq.d", K_CMP),
	[OP_FLT_D] = FOP_NORM(flt_d, "flt.d", K_CMP),
	[OP_FLE_D] = FOP_NORM(fle_d, "fle.d", K_CMP),
	[OP_FEQ_S] = FOP_NORM(feq_s, "feq.s", K_CMP),
	[OP_FLT_S] = FOP_NORM(flt_s, "flt.s", K_CMP),
	[OP_FLE_S] = FOP_NORM(fle_s, "fle.s", K_CMP),
	[OP_FCLASS_D] = FOP_NORM(fclass_d, "fclass.d", K_IF),
	[OP_FCLASS_S] = FOP_NORM(fclass_s, "fclass.s", K_IF),
	[OP_FMV_X_W] = FOP_NORM(fmv_x_w, "fmv.x.w", K_IF),
	[OP_FCVT_W_D] = FOP_RM(fcvt_w_d, "fcvt.w.d", K_IF),
	[OP_FCVT_WU_D] = FOP_RM(fcvt_wu_d, "fcvt.wu.d", K_IF),
	[OP_FCVT_L_D] = FOP_RM(fcvt_l_d, "fcvt.l.d", K_IF),
	[OP_FCVT_LU_D] = FOP_RM(fcvt_lu_d, "fcvt.lu.d", K_IF),
	[OP_FCVT_W_S] = FOP_RM(fcvt_w_s, "fcvt.w.s", K_IF),
	[OP_FCVT_WU_S] = FOP_RM(fcvt_wu_s, "fcvt.wu.s", K_IF),
	[OP_FCVT_L_S] = FOP_RM(fcvt_l_s, "fcvt.l.s", K_IF),
	[OP_FCVT_LU_S] = FOP_RM(fcvt_lu_s, "fcvt.lu.s", K_IF),
	[OP_FCVT_S_W] = FOP_RM(fcvt_s_w, "fcvt.s.w", K_FI),
	[OP_FCVT_S_WU] = FOP_RM(fcvt_s_wu, "fcvt.s.wu", K_FI),
	[OP_FCVT_S_L] = FOP_RM(fcvt_s_l, "fcvt.s.l", K_FI),
	[OP_FCVT_S_LU] = FOP_RM(fcvt_s_lu, "fcvt.s.lu", K_FI),
	[OP_FCVT_D_L] = FOP_RM(fcvt_d_l, "fcvt.d.l", K_FI),
	[OP_FCVT_D_LU] = FOP_RM(fcvt_d_lu, "fcvt.d.lu", K_FI),
	[OP_FCVT_D_W] = FOP_NORM(fcvt_d_w, "fcvt.d.w", K_FI),
	[OP_FCVT_S_D] = FOP_RM(fcvt_s_d, "fcvt.s.d", K_FF1),
	[OP_FCVT_D_S] = FOP_NORM(fcvt_d_s, "fcvt.d.s", K_FF1),
};

static const char *const rm_names[] = { "rne", "rtz", "rdn", "rup", "rmm" };

/* Modes run for every case with a rounding mode: 5 static, 5 through frm. */
#define ALL_RM 10
/* Only rne (static). */
#define RNE_ONLY 1

static unsigned long lines;
static int wrong;
static u64 last_r, last_fl;

/* Runs op with mode m (0-4 static, 5-9 dynamic with frm = m - 5). */
static u64 run(int op, int m, u64 a, u64 b, u64 c)
{
	const struct fop *o = &ops[op];
	char rm[8] = "";
	u64 r, fl;

	if (o->has_rm) {
		if (m < 5) {
			rt_snprintf(rm, sizeof(rm), "%s", rm_names[m]);
		} else {
			csr_write(frm, m - 5);
			rt_snprintf(rm, sizeof(rm), "dyn%d", m - 5);
		}
		r = o->fn[m < 5 ? m : 5](a, b, c, &fl);
		csr_write(frm, 0);
	} else {
		r = o->fn[0](a, b, c, &fl);
	}
	switch (o->kind) {
	case K_FF1:
	case K_IF:
	case K_FI:
		con_printf("%-10s %-4s %016lx -> %016lx fl=%02lx\n", o->name, rm,
			   a, r, fl);
		break;
	case K_FF2:
	case K_CMP:
		con_printf("%-10s %-4s %016lx %016lx -> %016lx fl=%02lx\n",
			   o->name, rm, a, b, r, fl);
		break;
	case K_FF3:
		con_printf("%-10s %-4s %016lx %016lx %016lx -> %016lx fl=%02lx\n",
			   o->name, rm, a, b, c, r, fl);
		break;
	}
	lines++;
	last_r = r;
	last_fl = fl;
	return r;
}

static void run_modes(int op, int modes, u64 a, u64 b, u64 c)
{
	for (int m = 0; m < modes; m++)
		run(op, m, a, b, c);
}

/* Runs once (rne) and checks the result and flags against the spec. */
static void expect(int op, u64 a, u64 b, u64 c, u64 want, u64 want_fl)
{
	run(op, 0, a, b, c);
	if (last_r != want || last_fl != want_fl) {
		con_printf("  ^ WRONG: want %016lx fl=%02lx\n", want, want_fl);
		wrong++;
	}
}

static void section(const char *name)
{
	con_printf("# %s\n", name);
}

struct pair {
	u64 a, b;
};

static const struct pair d_round[] = {
	{ D_1, D_EPS2 }, { D_1, D_EPS2P }, { D_N1, D_NEPS2 }, { D_1ULP, D_EPS2 },
	{ D_TENTH, D_THIRD }, { D_1, D_N1 }, { D_MAX, D_MAX },
	{ D_MINN, D_NMINS }, { D_MINS, D_MINS },
};
static const struct pair d_mul[] = {
	{ D_TENTH, D_THIRD }, { D_N3, D_THIRD }, { D_MAX, D_2 },
	{ D_NMAX, D_2 }, { D_MINN, D_HALF }, { D_MINS, D_HALF },
	{ D_MINN, D_THIRD }, { D_N0, D_3 },
};
static const struct pair d_div[] = {
	{ D_1, D_3 }, { D_N1, D_3 }, { D_2, D_3 }, { D_MINS, D_2 },
	{ D_MAX, D_HALF }, { D_MINN, D_3 },
};
static const struct pair f_round[] = {
	{ S(F_1), S(F_EPS2) }, { S(F_1), S(F_EPS2P) }, { S(F_N1), S(F_EPS2) | 0x80000000 },
	{ S(F_TENTH), S(F_THIRD) }, { S(F_1), S(F_N1) }, { S(F_MAX), S(F_MAX) },
	{ S(F_MINN), S(F_NMINS) }, { S(F_MINS), S(F_MINS) },
};
static const struct pair f_mul[] = {
	{ S(F_TENTH), S(F_THIRD) }, { S(F_MAX), S(F_2) }, { S(F_MINN), S(F_HALF) },
	{ S(F_MINS), S(F_HALF) }, { S(F_MINN), S(F_THIRD) },
};
static const struct pair f_div[] = {
	{ S(F_1), S(F_3) }, { S(F_N1), S(F_3) }, { S(F_2), S(F_3) },
	{ S(F_MINS), S(F_2) },
};

static void test_rounding(void)
{
	section("rounding: add/sub/mul/div, every mode static and via frm");
	for (size_t i = 0; i < ARRAY_SIZE(d_round); i++)
		run_modes(OP_FADD_D, ALL_RM, d_round[i].a, d_round[i].b, 0);
	run_modes(OP_FSUB_D, ALL_RM, D_1, D_1, 0);
	run_modes(OP_FSUB_D, ALL_RM, D_1, D_EPS2, 0);
	for (size_t i = 0; i < ARRAY_SIZE(d_mul); i++)
		run_modes(OP_FMUL_D, ALL_RM, d_mul[i].a, d_mul[i].b, 0);
	for (size_t i = 0; i < ARRAY_SIZE(d_div); i++)
		run_modes(OP_FDIV_D, ALL_RM, d_div[i].a, d_div[i].b, 0);
	for (size_t i = 0; i < ARRAY_SIZE(f_round); i++)
		run_modes(OP_FADD_S, ALL_RM, f_round[i].a, f_round[i].b, 0);
	run_modes(OP_FSUB_S, ALL_RM, S(F_1), S(F_1), 0);
	for (size_t i = 0; i < ARRAY_SIZE(f_mul); i++)
		run_modes(OP_FMUL_S, ALL_RM, f_mul[i].a, f_mul[i].b, 0);
	for (size_t i = 0; i < ARRAY_SIZE(f_div); i++)
		run_modes(OP_FDIV_S, ALL_RM, f_div[i].a, f_div[i].b, 0);
}

static void test_special(void)
{
	section("special operands");
	expect(OP_FDIV_D, D_1, D_0, 0, D_INF, 0x08);
	expect(OP_FDIV_D, D_N1, D_0, 0, D_NINF, 0x08);
	expect(OP_FDIV_D, D_1, D_N0, 0, D_NINF, 0x08);
	expect(OP_FDIV_D, D_0, D_0, 0, D_QNAN, 0x10);
	expect(OP_FDIV_D, D_INF, D_INF, 0, D_QNAN, 0x10);
	expect(OP_FDIV_D, D_INF, D_0, 0, D_INF, 0);
	expect(OP_FSUB_D, D_INF, D_INF, 0, D_QNAN, 0x10);
	expect(OP_FMUL_D, D_0, D_INF, 0, D_QNAN, 0x10);
	expect(OP_FADD_D, D_QNANP, D_1, 0, D_QNAN, 0);
	expect(OP_FADD_D, D_SNAN, D_1, 0, D_QNAN, 0x10);
	expect(OP_FADD_D, D_NQNAN, D_QNANP, 0, D_QNAN, 0);
	expect(OP_FDIV_S, S(F_1), S(F_0), 0, S(F_INF), 0x08);
	expect(OP_FDIV_S, S(F_0), S(F_0), 0, S(F_QNAN), 0x10);
	expect(OP_FADD_S, S(F_SNAN), S(F_1), 0, S(F_QNAN), 0x10);
	expect(OP_FADD_S, S(F_QNANP), S(F_1), 0, S(F_QNAN), 0);
	expect(OP_FMUL_S, S(F_INF), S(F_0), 0, S(F_QNAN), 0x10);

	section("fsqrt");
	expect(OP_FSQRT_D, D_N1, 0, 0, D_QNAN, 0x10);
	expect(OP_FSQRT_D, D_N0, 0, 0, D_N0, 0);
	expect(OP_FSQRT_D, D_INF, 0, 0, D_INF, 0);
	expect(OP_FSQRT_D, D_NINF, 0, 0, D_QNAN, 0x10);
	expect(OP_FSQRT_D, D_SNAN, 0, 0, D_QNAN, 0x10);
	run_modes(OP_FSQRT_D, ALL_RM, D_SQ2, 0, 0);
	run_modes(OP_FSQRT_D, ALL_RM, D_3, 0, 0);
	run(OP_FSQRT_D, 0, D_MINS, 0, 0);
	run(OP_FSQRT_D, 0, D_SUBN, 0, 0);
	expect(OP_FSQRT_S, S(F_N1), 0, 0, S(F_QNAN), 0x10);
	expect(OP_FSQRT_S, S(F_N0), 0, 0, S(F_N0), 0);
	run_modes(OP_FSQRT_S, ALL_RM, S(F_2), 0, 0);
	run_modes(OP_FSQRT_S, ALL_RM, S(F_3), 0, 0);
	run(OP_FSQRT_S, 0, S(F_MINS), 0, 0);
}

static const u64 d_minmax[] = { D_1, D_2, D_N1, D_0, D_N0, D_QNAN, D_SNAN,
				D_NINF, D_INF };
static const u64 f_minmax[] = { S(F_1), S(F_2), S(F_0), S(F_N0), S(F_QNAN),
				S(F_SNAN), S(F_NINF) };

static void test_minmax_cmp(void)
{
	section("fmin/fmax, compares, sign injection: every pair");
	for (size_t i = 0; i < ARRAY_SIZE(d_minmax); i++)
		for (size_t j = 0; j < ARRAY_SIZE(d_minmax); j++) {
			run(OP_FMIN_D, 0, d_minmax[i], d_minmax[j], 0);
			run(OP_FMAX_D, 0, d_minmax[i], d_minmax[j], 0);
		}
	for (size_t i = 0; i < ARRAY_SIZE(d_minmax); i++)
		for (size_t j = 0; j < ARRAY_SIZE(d_minmax); j++) {
			run(OP_FEQ_D, 0, d_minmax[i], d_minmax[j], 0);
			run(OP_FLT_D, 0, d_minmax[i], d_minmax[j], 0);
			run(OP_FLE_D, 0, d_minmax[i], d_minmax[j], 0);
		}
	for (size_t i = 0; i < ARRAY_SIZE(f_minmax); i++)
		for (size_t j = 0; j < ARRAY_SIZE(f_minmax); j++) {
			run(OP_FMIN_S, 0, f_minmax[i], f_minmax[j], 0);
			run(OP_FMAX_S, 0, f_minmax[i], f_minmax[j], 0);
			run(OP_FEQ_S, 0, f_minmax[i], f_minmax[j], 0);
			run(OP_FLT_S, 0, f_minmax[i], f_minmax[j], 0);
			run(OP_FLE_S, 0, f_minmax[i], f_minmax[j], 0);
		}
	expect(OP_FMIN_D, D_QNAN, D_1, 0, D_1, 0);
	expect(OP_FMIN_D, D_SNAN, D_1, 0, D_1, 0x10);
	expect(OP_FMAX_D, D_SNAN, D_QNAN, 0, D_QNAN, 0x10);
	expect(OP_FMIN_D, D_0, D_N0, 0, D_N0, 0);
	expect(OP_FMAX_D, D_N0, D_0, 0, D_0, 0);
	expect(OP_FEQ_D, D_QNAN, D_1, 0, 0, 0);
	expect(OP_FEQ_D, D_SNAN, D_1, 0, 0, 0x10);
	expect(OP_FLT_D, D_QNAN, D_1, 0, 0, 0x10);
	expect(OP_FLE_D, D_N0, D_0, 0, 1, 0);
	expect(OP_FEQ_S, S(F_N0), S(F_0), 0, 1, 0);
	run(OP_FSGNJ_D, 0, D_1, D_N1, 0);
	run(OP_FSGNJN_D, 0, D_1, D_N1, 0);
	run(OP_FSGNJX_D, 0, D_N1, D_N1, 0);
	run(OP_FSGNJ_D, 0, D_SNAN, D_N1, 0);
	run(OP_FSGNJN_D, 0, D_QNANP, D_1, 0);
	run(OP_FSGNJX_D, 0, D_NINF, D_N0, 0);
	run(OP_FSGNJ_S, 0, S(F_1), S(F_N1), 0);
	run(OP_FSGNJN_S, 0, S(F_SNAN), S(F_1), 0);
	run(OP_FSGNJX_S, 0, S(F_N1), S(F_N1), 0);
}

static const u64 d_toint_rm[] = { D_HALF, D_NHALF, D_1P5, D_2P5, D_N2P5,
				  D_N0P9, D_2P31M };
static const u64 d_toint_sat[] = { D_0, D_N0, D_N1, D_2P31, D_N2P31,
				   D_2P32, D_2P63, D_N2P63, D_2P64, D_HUGE,
				   D_MAX, D_INF, D_NINF, D_QNAN, D_SNAN,
				   D_NQNAN, D_MINS };
static const u64 f_toint_rm[] = { S(F_HALF), S(F_NHALF), S(F_2P5),
				  S(F_N2P5), S(F_N0P9) };
static const u64 f_toint_sat[] = { S(F_N0), S(F_N1), S(F_2P31), S(F_N2P31),
				   S(F_2P32), S(F_2P63), S(F_N2P63), S(F_2P64),
				   S(F_MAX), S(F_INF), S(F_NINF), S(F_QNAN),
				   S(F_SNAN) };
static const u64 ints[] = { 0, 1, (u64)-1, 0x7fffffff, 0x80000000,
			    0xffffffff, 16777217, 0x7fffffffffffffffUL,
			    0x8000000000000000UL, 0x8000000000000001UL,
			    0x20000000000001UL, 0xfffffffffffffbffUL };

static void test_convert(void)
{
	static const int d2i[] = { OP_FCVT_W_D, OP_FCVT_WU_D, OP_FCVT_L_D,
				   OP_FCVT_LU_D };
	static const int s2i[] = { OP_FCVT_W_S, OP_FCVT_WU_S, OP_FCVT_L_S,
				   OP_FCVT_LU_S };
	static const int i2f[] = { OP_FCVT_S_W, OP_FCVT_S_WU, OP_FCVT_S_L,
				   OP_FCVT_S_LU, OP_FCVT_D_L, OP_FCVT_D_LU };

	section("fcvt to integer: rounding");
	for (size_t k = 0; k < ARRAY_SIZE(d2i); k++)
		for (size_t i = 0; i < ARRAY_SIZE(d_toint_rm); i++)
			run_modes(d2i[k], 5, d_toint_rm[i], 0, 0);
	for (size_t k = 0; k < ARRAY_SIZE(s2i); k++)
		for (size_t i = 0; i < ARRAY_SIZE(f_toint_rm); i++)
			run_modes(s2i[k], 5, f_toint_rm[i], 0, 0);
	section("fcvt to integer: saturation");
	for (size_t k = 0; k < ARRAY_SIZE(d2i); k++)
		for (size_t i = 0; i < ARRAY_SIZE(d_toint_sat); i++)
			run(d2i[k], 1, d_toint_sat[i], 0, 0);
	for (size_t k = 0; k < ARRAY_SIZE(s2i); k++)
		for (size_t i = 0; i < ARRAY_SIZE(f_toint_sat); i++)
			run(s2i[k], 1, f_toint_sat[i], 0, 0);
	expect(OP_FCVT_W_D, D_QNAN, 0, 0, 0x7fffffff, 0x10);
	expect(OP_FCVT_W_D, D_NINF, 0, 0, 0xffffffff80000000UL, 0x10);
	expect(OP_FCVT_WU_D, D_N1, 0, 0, 0, 0x10);
	expect(OP_FCVT_WU_D, D_2P32, 0, 0, 0xffffffffffffffffUL, 0x10);
	expect(OP_FCVT_L_D, D_2P63, 0, 0, 0x7fffffffffffffffUL, 0x10);
	expect(OP_FCVT_LU_D, D_NHALF, 0, 0, 0, 0x01);
	expect(OP_FCVT_L_S, S(F_NINF), 0, 0, 0x8000000000000000UL, 0x10);
	section("fcvt from integer");
	for (size_t k = 0; k < ARRAY_SIZE(i2f); k++)
		for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
			run_modes(i2f[k], i < 6 ? RNE_ONLY : 5, ints[i], 0, 0);
	run(OP_FCVT_D_W, 0, 0xffffffff80000000UL, 0, 0);
	run(OP_FCVT_D_W, 0, 0x123456780000002aUL, 0, 0);

	section("fcvt.s.d / fcvt.d.s");
	{
		static const u64 s_d[] = { D_THIRD, D_TENTH, D_S1P24,
					   D_S1P24P, D_FMAX, D_FMAXR, D_MAX,
					   D_FMINS, D_FMINS2, D_MINN };

		for (size_t i = 0; i < ARRAY_SIZE(s_d); i++)
			run_modes(OP_FCVT_S_D, ALL_RM, s_d[i], 0, 0);
	}
	expect(OP_FCVT_S_D, D_QNANP, 0, 0, S(F_QNAN), 0);
	expect(OP_FCVT_S_D, D_SNAN, 0, 0, S(F_QNAN), 0x10);
	expect(OP_FCVT_S_D, D_NINF, 0, 0, S(F_NINF), 0);
	expect(OP_FCVT_D_S, S(F_SNAN), 0, 0, D_QNAN, 0x10);
	expect(OP_FCVT_D_S, S(F_QNANP), 0, 0, D_QNAN, 0);
	expect(OP_FCVT_D_S, S(F_MINS), 0, 0, D_FMINS, 0);
	run(OP_FCVT_D_S, 0, S(F_SUBN), 0, 0);
	run(OP_FCVT_D_S, 0, S(F_TENTH), 0, 0);
}

static void test_fma(void)
{
	static const int fd[] = { OP_FMADD_D, OP_FMSUB_D, OP_FNMADD_D,
				  OP_FNMSUB_D };
	static const int fs[] = { OP_FMADD_S, OP_FMSUB_S, OP_FNMADD_S,
				  OP_FNMSUB_S };

	section("fused multiply-add");
	for (size_t k = 0; k < 4; k++) {
		run_modes(fd[k], ALL_RM, D_THIRD, D_3, D_N1);
		run_modes(fd[k], 5, D_TENTH, D_3, D_THIRD);
		run(fd[k], 0, D_1, D_1, D_N1);
		run(fd[k], 2, D_1, D_1, D_N1);
		run(fd[k], 0, D_INF, D_0, D_QNAN);
		run(fd[k], 0, D_INF, D_1, D_NINF);
		run(fd[k], 0, D_MAX, D_2, D_NMAX);
		run(fd[k], 0, D_MINN, D_HALF, D_N0);
		run(fd[k], 0, D_SNAN, D_1, D_0);
		run(fd[k], 0, D_1, D_1, D_QNANP);
		run_modes(fs[k], ALL_RM, S(F_THIRD), S(F_3), S(F_N1));
		run(fs[k], 0, S(F_INF), S(F_0), S(F_QNAN));
		run(fs[k], 0, S(F_MAX), S(F_2), S(F_MAX) | 0x80000000);
		run(fs[k], 2, S(F_1), S(F_1), S(F_N1));
	}
	expect(OP_FMADD_D, D_INF, D_0, D_QNAN, D_QNAN, 0x10);
	expect(OP_FMADD_D, D_INF, D_1, D_NINF, D_QNAN, 0x10);
	expect(OP_FMADD_D, D_1, D_1, D_QNANP, D_QNAN, 0);
	expect(OP_FMADD_S, S(F_INF), S(F_0), S(F_QNAN), S(F_QNAN), 0x10);
}

static const u64 d_class[] = { D_NINF, D_N1, D_NMINS, D_N0, D_0, D_MINS,
			       D_1, D_INF, D_SNAN, D_QNAN };
static const u64 f_class[] = { S(F_NINF), S(F_N1), S(F_NMINS), S(F_N0),
			       S(F_0), S(F_MINS), S(F_1), S(F_INF), S(F_SNAN),
			       S(F_QNAN) };

static void test_class_boxing(void)
{
	section("fclass: one value per class");
	for (size_t i = 0; i < ARRAY_SIZE(d_class); i++)
		expect(OP_FCLASS_D, d_class[i], 0, 0, 1UL << i, 0);
	for (size_t i = 0; i < ARRAY_SIZE(f_class); i++)
		expect(OP_FCLASS_S, f_class[i], 0, 0, 1UL << i, 0);

	section("NaN boxing");
	/* An unboxed single is the canonical NaN to every single op... */
	expect(OP_FADD_S, 0x000000003f800000UL, S(F_1), 0, S(F_QNAN), 0);
	expect(OP_FADD_S, 0xfffffffe3f800000UL, S(F_1), 0, S(F_QNAN), 0);
	expect(OP_FCLASS_S, 0x000000003f800000UL, 0, 0, 0x200, 0);
	expect(OP_FCVT_D_S, 0x000000007f800001UL, 0, 0, D_QNAN, 0);
	run(OP_FSGNJ_S, 0, 0x000000003f800000UL, S(F_N1), 0);
	run(OP_FMIN_S, 0, 0x000000003f800000UL, S(F_2), 0);
	run(OP_FEQ_S, 0, 0x000000003f800000UL, 0x000000003f800000UL, 0);
	run(OP_FCVT_W_S, 0, 0x0000000040000000UL, 0, 0);
	/* ...except fmv.x.w, which moves the low bits as they are. */
	expect(OP_FMV_X_W, 0x000000003f800000UL, 0, 0, 0x3f800000, 0);
	expect(OP_FMV_X_W, S(F_N1), 0, 0, 0xffffffffbf800000UL, 0);
	/* Single results are boxed; D ops see a boxed single as a NaN. */
	expect(OP_FADD_S, S(F_1), S(F_1), 0, S(F_2), 0);
	expect(OP_FCLASS_D, S(F_1), 0, 0, 0x200, 0);
	run(OP_FADD_D, 0, S(F_1), D_1, 0);
	{
		u64 boxed, raw, loaded, mem = 0;

		/* fmv.w.x boxes; fsw/flw keep the payload; fmv.d.x too. */
		__asm__ __volatile__("fmv.w.x ft0, %1\n\tfmv.x.d %0, ft0"
				     : "=r"(boxed)
				     : "r"(0x12345678UL)
				     : "ft0");
		__asm__ __volatile__("fmv.d.x ft0, %2\n\tfsd ft0, 0(%3)\n\t"
				     "fld ft1, 0(%3)\n\tfmv.x.d %0, ft1\n\t"
				     "flw ft1, 0(%3)\n\tfmv.x.d %1, ft1"
				     : "=&r"(raw), "=&r"(loaded)
				     : "r"(D_SNAN | 0x55), "r"(&mem)
				     : "ft0", "ft1", "memory");
		con_printf("fmv.w.x 12345678 -> %016lx\n", boxed);
		con_printf("fsd/fld %016lx -> %016lx, flw of low word -> %016lx\n",
			   D_SNAN | 0x55, raw, loaded);
		if (raw != (D_SNAN | 0x55) || loaded != S((D_SNAN | 0x55)))
			wrong++;
		if (boxed != S(0x12345678))
			wrong++;
		lines += 2;
	}
}

static volatile int illegal_seen;

static int handler(struct trap_frame *tf)
{
	if (tf->scause != EXC_ILLEGAL_INSN || !(tf->sstatus & SSTATUS_SPP))
		return 0;
	illegal_seen++;
	tf->sepc += trap_insn_len(tf->sepc);
	return 1;
}

static void test_fcsr(void)
{
	u64 v;

	section("fcsr");
	csr_write(fcsr, 0xff);
	con_printf("fcsr write ff -> %02lx frm=%lx fflags=%02lx\n",
		   csr_read(fcsr), csr_read(frm), csr_read(fflags));
	csr_write(fcsr, 0xfff);
	v = csr_read(fcsr);
	con_printf("fcsr write fff -> %02lx\n", v);
	if (v != 0xff)
		wrong++;
	csr_write(fflags, 0x3f);
	con_printf("fflags write 3f -> %02lx\n", csr_read(fflags));
	csr_write(fcsr, 0);
	for (int m = 5; m < 8; m++) {
		u64 r = 0x5a;

		illegal_seen = 0;
		csr_write(frm, m);
		__asm__ __volatile__(".option push\n.option norvc\n"
				     "fmv.d.x ft0, %1\n\t"
				     "fadd.d ft1, ft0, ft0, dyn\n\t"
				     "fmv.x.d %0, ft1\n.option pop"
				     : "+r"(r)
				     : "r"(D_1)
				     : "ft0", "ft1");
		csr_write(frm, 0);
		con_printf("frm=%d dyn fadd.d: %s\n", m,
			   illegal_seen ? "illegal instruction" : "executed");
		if (!illegal_seen)
			wrong++;
	}
	lines += 6;
}

int guest_main(unsigned long hartid, const void *dtb)
{
	trap_set_handler(handler);
	csr_set(sstatus, SSTATUS_FS);
	test_rounding();
	test_special();
	test_minmax_cmp();
	test_convert();
	test_fma();
	test_class_boxing();
	test_fcsr();
	con_printf("lines: %lu\n", lines);
	if (wrong)
		rt_fail("%d results differ from the spec", wrong);
	rt_pass();
}
