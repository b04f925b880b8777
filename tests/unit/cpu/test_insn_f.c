// SPDX-License-Identifier: MIT
/*
 * F and D as the CPU sees them (the arithmetic has its own tests):
 * sstatus.FS gating of instructions and of the FP CSRs, FS/SD becoming
 * Dirty, reserved rounding modes, fflags accrual, NaN-boxing of single
 * values in the 64-bit registers, and fcsr field masking.
 */
#include "harness.h"

#define FS_OFF		0ull
#define FS_INITIAL	(1ull << 13)
#define FS_CLEAN	(2ull << 13)
#define ONE_D		0x3ff0000000000000ull
#define THREE_D		0x4008000000000000ull
#define ONE_S		0x3f800000u
#define BOX(x)		(0xffffffff00000000ull | (uint32_t)(x))
#define CANON_S		BOX(0x7fc00000u)

static void set_fs(struct cpu *c, uint64_t fs)
{
	h_csrw(c, CSR_SSTATUS, (h_csrr(c, CSR_SSTATUS) & ~SSTATUS_FS) | fs);
}

static void test_fs_off(void **state)
{
	static const uint32_t k[] = {
		FLW(1, A1, 0), FLD(1, A1, 0), FSW(1, A1, 0), FSD(1, A1, 0),
		FADD_S(1, 2, 3, RM_RNE), FADD_D(1, 2, 3, RM_DYN),
		FDIV_D(1, 2, 3, RM_RNE), FSQRT_D(1, 2, RM_RNE),
		FMADD_D(1, 2, 3, 4, RM_RNE), FSGNJ_D(1, 2, 3),
		FMIN_S(1, 2, 3), FEQ_D(A0, 1, 2), FLT_S(A0, 1, 2),
		FCLASS_D(A0, 1), FMV_X_W(A0, 1), FMV_X_D(A0, 1),
		FMV_W_X(1, A1), FMV_D_X(1, A1), FCVT_W_D(A0, 1, RM_RTZ),
		FCVT_D_L(1, A1, RM_RNE), FCVT_S_D(1, 2, RM_RNE),
		FCVT_D_S(1, 2, RM_RNE),
		CSRRS(A0, CSR_FFLAGS, ZERO), CSRRS(A0, CSR_FRM, ZERO),
		CSRRS(A0, CSR_FCSR, ZERO), CSRRW(ZERO, CSR_FCSR, A1),
		CSRRW(ZERO, CSR_FFLAGS, A1), CSRRWI(ZERO, CSR_FRM, 1),
		CSRRSI(A0, CSR_FFLAGS, 1), CSRRCI(A0, CSR_FCSR, 1),
	};
	static const uint16_t kc[] = {
		0x2000 | 1u << 7 | 1u << 2,	/* c.fld f9, 0(x9) */
		0xa000 | 1u << 7 | 1u << 2,	/* c.fsd f9, 0(x9) */
		0x2002 | 1u << 7,		/* c.fldsp f1, 0(sp) */
		0xa002 | 1u << 2,		/* c.fsdsp f1, 0(sp) */
	};
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	set_fs(c, FS_OFF);
	h_w64(h, H_DATA, ONE_D);
	for (unsigned r = 0; r < 32; r++)
		c->f[r] = 0x1111111111111111ull * (r & 0xf);
	c->fflags = 0;
	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		uint64_t tval;

		c->x[A1] = H_DATA;
		c->x[A0] = 77;
		tval = h_trap1(h, c, k[j], EXC_ILLEGAL);
		if (tval != k[j] || c->x[A0] != 77)
			fail_msg("case %zu (%08x) not illegal with FS=Off", j,
				 k[j]);
	}
	for (size_t j = 0; j < sizeof(kc) / sizeof(kc[0]); j++) {
		uint64_t end;

		c->x[S1] = c->x[SP] = H_DATA;
		h_org(h, H_CODE);
		e16(h, kc[j]);
		e16(h, 0x0001);
		end = h_end(h);
		assert_int_equal(h_run(h, c, H_CODE, end), H_TRAP);
		assert_int_equal(c->scause, EXC_ILLEGAL);
		assert_int_equal(c->stval, kc[j]);
	}
	assert_int_equal(h_r64(h, H_DATA), ONE_D);
	assert_int_equal(c->f[1], 0x1111111111111111ull);
	assert_int_equal(c->f[9], 0x9999999999999999ull);
	assert_int_equal(h_csrr(c, CSR_SSTATUS) & (SSTATUS_FS | SSTATUS_SD),
			 0);
}

/* Runs @insn with FS = @fs; returns sstatus afterwards. */
static uint64_t fs_after(struct harness *h, uint32_t insn, uint64_t fs)
{
	struct cpu *c = h->cpu[0];

	set_fs(c, fs);
	assert_int_equal(h_csrr(c, CSR_SSTATUS) & SSTATUS_SD, 0);
	h_op(h, insn, H_DATA, 0);
	return h_csrr(c, CSR_SSTATUS);
}

static void test_fs_dirty(void **state)
{
	static const uint32_t writers[] = {
		FADD_S(1, 2, 3, RM_RNE), FLW(1, A1, 0), FLD(2, A1, 0),
		FMV_W_X(1, A1), FMV_D_X(1, A1), FCVT_D_L(1, A1, RM_RNE),
		FSGNJ_D(1, 2, 2), FMADD_D(1, 2, 3, 4, RM_RNE),
		CSRRW(ZERO, CSR_FFLAGS, A2), CSRRWI(ZERO, CSR_FRM, 2),
	};
	struct harness *h = *state;

	h_w64(h, H_DATA, ONE_D);
	for (size_t j = 0; j < sizeof(writers) / sizeof(writers[0]); j++) {
		uint64_t fs[2] = { FS_INITIAL, FS_CLEAN };

		for (int n = 0; n < 2; n++) {
			uint64_t s = fs_after(h, writers[j], fs[n]);

			if ((s & SSTATUS_FS) != SSTATUS_FS ||
			    !(s & SSTATUS_SD))
				fail_msg("case %zu: sstatus %#llx", j,
					 (unsigned long long)s);
		}
	}
}

static void test_rounding_modes(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	set_fs(c, SSTATUS_FS);
	c->f[2] = ONE_D;
	c->f[3] = THREE_D;
	/* dynamic rounding with a reserved frm */
	for (unsigned frm = 5; frm <= 7; frm++) {
		h_csrw(c, CSR_FRM, frm);
		assert_int_equal(h_csrr(c, CSR_FRM), frm);
		h_trap1(h, c, FADD_D(1, 2, 3, RM_DYN), EXC_ILLEGAL);
		h_trap1(h, c, FMADD_D(1, 2, 3, 3, RM_DYN), EXC_ILLEGAL);
		h_trap1(h, c, FCVT_W_D(A0, 2, RM_DYN), EXC_ILLEGAL);
		/* a static mode does not look at frm */
		c->f[1] = 0;
		h_op(h, FADD_D(1, 2, 3, RM_RNE), 0, 0);
		assert_int_equal(c->f[1], 0x4010000000000000ull);
		/* nor do ops without a rounding mode */
		h_op(h, FSGNJ_D(1, 2, 3), 0, 0);
	}
	h_csrw(c, CSR_FRM, 0);
	c->f[1] = 0;
	h_op(h, FADD_D(1, 2, 3, RM_DYN), 0, 0);
	assert_int_equal(c->f[1], 0x4010000000000000ull);
	/* static rm 5 and 6 are reserved */
	for (unsigned rm = 5; rm <= 6; rm++) {
		h_trap1(h, c, FADD_D(1, 2, 3, rm), EXC_ILLEGAL);
		h_trap1(h, c, FADD_S(1, 2, 3, rm), EXC_ILLEGAL);
		h_trap1(h, c, FDIV_S(1, 2, 3, rm), EXC_ILLEGAL);
		h_trap1(h, c, FSQRT_D(1, 2, rm), EXC_ILLEGAL);
		h_trap1(h, c, FMADD_D(1, 2, 3, 3, rm), EXC_ILLEGAL);
		h_trap1(h, c, FCVT_D_L(1, A1, rm), EXC_ILLEGAL);
		h_trap1(h, c, FCVT_S_D(1, 2, rm), EXC_ILLEGAL);
	}
	/* the fault left f1 alone */
	assert_int_equal(c->f[1], 0x4010000000000000ull);
}

static void test_fflags(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	set_fs(c, SSTATUS_FS);
	h_csrw(c, CSR_FCSR, 0);
	c->f[1] = ONE_D;
	c->f[2] = 0;
	c->f[4] = THREE_D;
	c->f[6] = 0x7ff8000000000000ull;	/* qNaN */
	h_op(h, FDIV_D(3, 1, 2, RM_RNE), 0, 0);		/* 1/0: DZ */
	assert_int_equal(h_csrr(c, CSR_FFLAGS), 0x08);
	assert_int_equal(c->f[3], 0x7ff0000000000000ull);
	h_op(h, FDIV_D(5, 1, 4, RM_RNE), 0, 0);		/* 1/3: NX */
	assert_int_equal(h_csrr(c, CSR_FFLAGS), 0x09);
	h_op(h, FEQ_D(A0, 6, 6), 0, 0);			/* quiet: none */
	assert_int_equal(h_csrr(c, CSR_FFLAGS), 0x09);
	assert_int_equal(h_op(h, FLT_S(A0, 6, 6), 0, 0), 0);	/* NV */
	assert_int_equal(h_csrr(c, CSR_FFLAGS), 0x19);
	assert_int_equal(h_csrr(c, CSR_FCSR), 0x19);
	/* swap out: the old flags in rd, the new value in fflags */
	assert_int_equal(h_op(h, CSRRW(A0, CSR_FFLAGS, ZERO), 0, 0), 0x19);
	assert_int_equal(h_csrr(c, CSR_FFLAGS), 0);
	/* an exact op leaves the flags alone */
	h_op(h, FADD_D(3, 1, 1, RM_RNE), 0, 0);
	assert_int_equal(h_csrr(c, CSR_FFLAGS), 0);
	/* fcvt.w.d of 3.0 / 1.0 is exact; of 1e300 is NV */
	c->f[7] = 0x7e37e43c8800759cull;
	assert_int_equal(h_op(h, FCVT_W_D(A0, 7, RM_RTZ), 0, 0),
			 0x7fffffff);
	assert_int_equal(h_csrr(c, CSR_FFLAGS), 0x10);
}

static void test_nan_boxing(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	set_fs(c, SSTATUS_FS);
	h_w64(h, H_DATA, 0xaaaaaaaa00000000ull | ONE_S);
	/* flw boxes the loaded word */
	c->f[1] = 0;
	h_op(h, FLW(1, A1, 0), H_DATA, 0);
	assert_int_equal(c->f[1], BOX(ONE_S));
	/* fmv.w.x takes the low word of x and boxes it */
	h_op(h, FMV_W_X(2, A1), 0x1234567800000000ull | ONE_S, 0);
	assert_int_equal(c->f[2], BOX(ONE_S));
	/* fmv.x.w sign-extends the low word, boxed or not */
	c->f[3] = BOX(0x80000000u);
	assert_int_equal(h_op(h, FMV_X_W(A0, 3), 0, 0),
			 0xffffffff80000000ull);
	c->f[3] = 0x0000000012345678ull;
	assert_int_equal(h_op(h, FMV_X_W(A0, 3), 0, 0), 0x12345678);
	/* fld / fmv.x.d move all 64 bits */
	h_op(h, FLD(4, A1, 0), H_DATA, 0);
	assert_int_equal(c->f[4], 0xaaaaaaaa00000000ull | ONE_S);
	assert_int_equal(h_op(h, FMV_X_D(A0, 4), 0, 0),
			 0xaaaaaaaa00000000ull | ONE_S);
	/* a single op on an improperly boxed value sees a NaN */
	c->f[5] = ONE_S;	/* upper half zero: not boxed */
	h_op(h, FADD_S(6, 1, 5, RM_RNE), 0, 0);
	assert_int_equal(c->f[6], CANON_S);
	h_op(h, FADD_S(6, 1, 1, RM_RNE), 0, 0);
	assert_int_equal(c->f[6], BOX(0x40000000u));
	/* fsw stores the low word only */
	h_w64(h, H_DATA + 8, ~0ull);
	h_op(h, FSW(6, A1, 8), H_DATA, 0);
	assert_int_equal(h_r64(h, H_DATA + 8), 0xffffffff40000000ull);
	/* fcvt.s.d boxes its result */
	c->f[7] = THREE_D;
	h_op(h, FCVT_S_D(8, 7, RM_RNE), 0, 0);
	assert_int_equal(c->f[8], BOX(0x40400000u));
}

static void test_fcsr_masking(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	set_fs(c, SSTATUS_FS);
	h_op(h, CSRRW(ZERO, CSR_FCSR, A1), 0xfff, 0);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_FCSR, ZERO), 0, 0), 0xff);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_FRM, ZERO), 0, 0), 7);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_FFLAGS, ZERO), 0, 0), 0x1f);
	h_op(h, CSRRW(ZERO, CSR_FCSR, A1), ~0ull, 0);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_FCSR, ZERO), 0, 0), 0xff);
	/* fflags and frm are windows on fcsr */
	h_op(h, CSRRW(ZERO, CSR_FCSR, A1), 0x40, 0);	/* frm 2 */
	h_op(h, CSRRW(ZERO, CSR_FFLAGS, A1), 0xff, 0);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_FCSR, ZERO), 0, 0), 0x5f);
	h_op(h, CSRRWI(ZERO, CSR_FRM, 0x1d), 0, 0);	/* frm 5 */
	assert_int_equal(h_op(h, CSRRS(A0, CSR_FRM, ZERO), 0, 0), 5);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_FCSR, ZERO), 0, 0), 0xbf);
	h_op(h, CSRRCI(ZERO, CSR_FFLAGS, 0x1f), 0, 0);
	assert_int_equal(h_op(h, CSRRS(A0, CSR_FCSR, ZERO), 0, 0), 0xa0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fs_off, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_fs_dirty, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_rounding_modes, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_fflags, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_nan_boxing, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_fcsr_masking, h_setup1,
						h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
