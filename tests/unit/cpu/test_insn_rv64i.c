// SPDX-License-Identifier: MIT
/*
 * RV64I in the interpreter: ALU corners (shift-amount masking, the *W
 * ops' sign extension, signed vs unsigned compares), lui/auipc, jumps and
 * their links, branches across pages, load extension, store widths and
 * x0 staying zero whatever is written to it.
 */
#include "harness.h"

#define M64 0xffffffffffffffffull
#define I64MIN 0x8000000000000000ull

static void test_alu(void **state)
{
	static const struct h_case k[] = {
		{ ADD(A0, A1, A2), M64, 2, 1 },
		{ ADD(A0, A1, A2), 0x7fffffffffffffffull, 1, I64MIN },
		{ SUB(A0, A1, A2), 0, 1, M64 },
		{ SUB(A0, A1, A2), I64MIN, 1, 0x7fffffffffffffffull },
		{ XOR(A0, A1, A2), 0xff00ff00ff00ff00ull, M64,
		  0x00ff00ff00ff00ffull },
		{ OR(A0, A1, A2), 0xf0, 0x0f, 0xff },
		{ AND(A0, A1, A2), 0xf0f0, 0xff00, 0xf000 },
		{ ADDI(A0, A1, -2048), 0, 0, (uint64_t)-2048 },
		{ ADDI(A0, A1, 2047), 1, 0, 2048 },
		/* the 12-bit immediates are sign-extended to 64 bits */
		{ XORI(A0, A1, -1), 0x123456789abcdef0ull, 0,
		  ~0x123456789abcdef0ull },
		{ ANDI(A0, A1, -16), M64, 0, 0xfffffffffffffff0ull },
		{ ORI(A0, A1, -2048), 0, 0, 0xfffffffffffff800ull },
		{ ANDI(A0, A1, 0x7ff), M64, 0, 0x7ff },
	};

	H_CHECK(*state, k);
}

static void test_shifts(void **state)
{
	static const struct h_case k[] = {
		{ SLL(A0, A1, A2), 1, 63, I64MIN },
		{ SLL(A0, A1, A2), 1, 64, 1 },		/* only 6 bits count */
		{ SLL(A0, A1, A2), 3, 0xffffffffffffff41ull, 6 },
		{ SRL(A0, A1, A2), I64MIN, 63, 1 },
		{ SRL(A0, A1, A2), I64MIN, 65, 0x4000000000000000ull },
		{ SRA(A0, A1, A2), I64MIN, 63, M64 },
		{ SRA(A0, A1, A2), I64MIN, 64, I64MIN },
		{ SRA(A0, A1, A2), 0x4000000000000000ull, 62, 1 },
		{ SLLI(A0, A1, 63), 3, 0, I64MIN },
		{ SRLI(A0, A1, 63), M64, 0, 1 },
		{ SRAI(A0, A1, 63), I64MIN, 0, M64 },
		{ SRAI(A0, A1, 4), 0xf000000000000000ull, 0,
		  0xff00000000000000ull },
		{ SRLI(A0, A1, 0), 0x8765432112345678ull, 0,
		  0x8765432112345678ull },
	};

	H_CHECK(*state, k);
}

static void test_word_ops(void **state)
{
	static const struct h_case k[] = {
		/* 32-bit results, sign-extended, upper source bits ignored */
		{ ADDIW(A0, A1, 1), 0x7fffffff, 0, 0xffffffff80000000ull },
		{ ADDIW(A0, A1, 0), 0xffffffff00000001ull, 0, 1 },
		{ ADDIW(A0, A1, -1), 0, 0, M64 },
		{ ADDIW(A0, A1, 0), 0x00000000fffffffeull, 0, (uint64_t)-2 },
		{ ADDW(A0, A1, A2), 0x7fffffff, 0x7fffffff, (uint64_t)-2 },
		{ ADDW(A0, A1, A2), 0x100000000ull, 0x100000000ull, 0 },
		{ SUBW(A0, A1, A2), 0, 1, M64 },
		{ SUBW(A0, A1, A2), 0x80000000ull, 1, 0x7fffffff },
		{ SLLIW(A0, A1, 31), 1, 0, 0xffffffff80000000ull },
		{ SLLIW(A0, A1, 4), 0x0f000000, 0, 0xfffffffff0000000ull },
		{ SLLW(A0, A1, A2), 1, 31, 0xffffffff80000000ull },
		{ SLLW(A0, A1, A2), 0x80000001ull, 32, 0xffffffff80000001ull },
		{ SRLIW(A0, A1, 0), 0x80000000ull, 0, 0xffffffff80000000ull },
		{ SRLIW(A0, A1, 1), 0xffffffff80000000ull, 0, 0x40000000 },
		{ SRLIW(A0, A1, 31), M64, 0, 1 },
		{ SRLW(A0, A1, A2), 0x80000000ull, 4, 0x08000000 },
		{ SRLW(A0, A1, A2), 0x80000000ull, 32, 0xffffffff80000000ull },
		{ SRAIW(A0, A1, 31), 0x80000000ull, 0, M64 },
		{ SRAIW(A0, A1, 4), 0x1234567880000000ull, 0,
		  0xfffffffff8000000ull },
		{ SRAIW(A0, A1, 4), 0xffffffff7fffffffull, 0, 0x07ffffff },
		{ SRAW(A0, A1, A2), 0x80000000ull, 33, 0xffffffffc0000000ull },
	};

	H_CHECK(*state, k);
}

static void test_compare(void **state)
{
	static const struct h_case k[] = {
		{ SLT(A0, A1, A2), M64, 1, 1 },
		{ SLTU(A0, A1, A2), M64, 1, 0 },
		{ SLT(A0, A1, A2), 1, M64, 0 },
		{ SLTU(A0, A1, A2), 1, M64, 1 },
		{ SLT(A0, A1, A2), I64MIN, 0x7fffffffffffffffull, 1 },
		{ SLTU(A0, A1, A2), I64MIN, 0x7fffffffffffffffull, 0 },
		{ SLT(A0, A1, A2), 5, 5, 0 },
		{ SLTI(A0, A1, -1), 0, 0, 0 },
		{ SLTI(A0, A1, -1), (uint64_t)-2, 0, 1 },
		/* sltiu compares with the sign-extended immediate */
		{ SLTIU(A0, A1, -1), 0, 0, 1 },
		{ SLTIU(A0, A1, -1), M64, 0, 0 },
		{ SLTIU(A0, A1, 1), 0, 0, 1 },		/* seqz */
		{ SLTIU(A0, A1, 1), 0x100000000ull, 0, 0 },
		{ SLTU(A0, ZERO, A2), 0, 7, 1 },	/* snez */
	};

	H_CHECK(*state, k);
}

static void test_lui_auipc(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t end, p1, p2, p3;

	h_org(h, H_CODE);
	e32(h, LUI(A0, 0x80000));
	e32(h, LUI(A1, 0x7ffff));
	p1 = e32(h, AUIPC(A2, 0));
	p2 = e32(h, AUIPC(A3, 0xfffff));
	p3 = e32(h, AUIPC(A4, 0x80000));
	e32(h, LUI(A5, 0));
	end = h_end(h);
	c->x[A5] = 1;
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	assert_int_equal(c->x[A0], 0xffffffff80000000ull);
	assert_int_equal(c->x[A1], 0x7ffff000);
	assert_int_equal(c->x[A2], p1);
	assert_int_equal(c->x[A3], p2 - 0x1000);
	assert_int_equal(c->x[A4], p3 - 0x80000000ull);
	assert_int_equal(c->x[A5], 0);
}

static void test_jal_jalr(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t j1, j2, j3, t1, back, end;

	/*
	 *   j1: jal ra, t1          (forward, skips a marker)
	 *       addi s2, s2, 1      (never)
	 *   t1: jalr t0, 1(a1)      a1 = back: bit 0 of the sum cleared
	 *       addi s2, s2, 1      (never)
	 *   j2: jalr a0, 0(a0)      rd == rs1: jumps to the old a0
	 *       addi s2, s2, 1      (never)
	 * back: jal t2, j2
	 *   j3: (reached through a0) jal x0, end
	 */
	h_org(h, H_CODE);
	j1 = e32(h, JAL(RA, 8));
	e32(h, ADDI(S2, S2, 1));
	t1 = e32(h, 0);
	e32(h, ADDI(S2, S2, 1));
	j2 = e32(h, JALR(A0, A0, 0));
	e32(h, ADDI(S2, S2, 1));
	back = e32(h, JAL(T2, -8));
	j3 = e32(h, JAL(0, 8));
	e32(h, ADDI(S2, S2, 1));
	end = h_end(h);
	h_w32(h, t1, JALR(T0, A1, 1));
	assert_int_equal(t1, j1 + 8);

	c->x[S2] = 0;
	c->x[A1] = back;
	c->x[A0] = j3;
	assert_int_equal(h_run(h, c, j1, end), end);
	assert_int_equal(c->x[S2], 0);
	assert_int_equal(c->x[RA], j1 + 4);
	assert_int_equal(c->x[T0], t1 + 4);
	assert_int_equal(c->x[T2], back + 4);
	assert_int_equal(c->x[A0], j2 + 4);

	/* negative jalr offset */
	h_org(h, H_CODE);
	e32(h, JALR(RA, A1, -16));
	end = h_end(h);
	c->x[A1] = end + 16;
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	assert_int_equal(c->x[RA], H_CODE + 4);
}

/* a0 = 1 if the branch @insn (offset +8) falls through, 0 if taken. */
static uint64_t branch(struct harness *h, uint32_t insn, uint64_t a,
		       uint64_t b)
{
	struct cpu *c = h->cpu[0];
	uint64_t end;

	h_org(h, H_CODE);
	e32(h, ADDI(A0, ZERO, 0));
	e32(h, insn);
	e32(h, ADDI(A0, ZERO, 1));
	end = h_end(h);
	c->x[A1] = a;
	c->x[A2] = b;
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	return c->x[A0];
}

static void test_branches(void **state)
{
	static const struct {
		uint32_t insn;
		uint64_t a, b;
		bool taken;
	} k[] = {
		{ BEQ(A1, A2, 8), 5, 5, true },
		{ BEQ(A1, A2, 8), 5, 6, false },
		{ BEQ(A1, A2, 8), 1, 0x100000001ull, false },
		{ BNE(A1, A2, 8), 5, 6, true },
		{ BNE(A1, A2, 8), M64, M64, false },
		{ BLT(A1, A2, 8), M64, 1, true },
		{ BLT(A1, A2, 8), 1, M64, false },
		{ BLT(A1, A2, 8), 3, 3, false },
		{ BGE(A1, A2, 8), 3, 3, true },
		{ BGE(A1, A2, 8), M64, 0, false },
		{ BGE(A1, A2, 8), 0, I64MIN, true },
		{ BLTU(A1, A2, 8), 1, M64, true },
		{ BLTU(A1, A2, 8), M64, 1, false },
		{ BGEU(A1, A2, 8), M64, 1, true },
		{ BGEU(A1, A2, 8), 0, I64MIN, false },
		{ BGEU(A1, A2, 8), 7, 7, true },
	};
	struct harness *h = *state;

	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++)
		if (branch(h, k[j].insn, k[j].a, k[j].b) != !k[j].taken)
			fail_msg("branch case %zu: wrong direction", j);
}

static void test_branch_across_pages(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	const uint64_t pg = H_CODE + 0x3000;	/* second page */
	uint64_t end, end2;

	/*
	 * pg-0xc: addi a0, x0, 1
	 * pg-0x8: beq  x0, x0, pg+8        forward into the next page
	 * pg-0x4: addi a0, a0, 2           reached by the backward branch
	 * pg+0x0: jal  x0, pg+0x10         sequential across the boundary
	 * pg+0x4: addi a0, a0, 64          never
	 * pg+0x8: addi a0, a0, 4
	 * pg+0xc: blt  x0, a0, pg-4        backward into the previous page
	 * pg+0x10: j .
	 */
	h_org(h, pg - 0xc);
	e32(h, ADDI(A0, ZERO, 1));
	e32(h, BEQ(ZERO, ZERO, 0x10));
	e32(h, ADDI(A0, A0, 2));
	e32(h, JAL(0, 0x10));
	e32(h, ADDI(A0, A0, 64));
	e32(h, ADDI(A0, A0, 4));
	e32(h, BLT(ZERO, A0, -0x10));
	end = h_end(h);
	assert_int_equal(end, pg + 0x10);
	assert_int_equal(h_run(h, c, pg - 0xc, end), end);
	assert_int_equal(c->x[A0], 7);

	/* a branch at the end of a page not taken: falls into the next */
	h_org(h, pg + 0x1000 - 4);
	e32(h, BEQ(A0, ZERO, -0x100));
	e32(h, ADDI(A1, ZERO, 9));
	end2 = h_end(h);
	c->x[A1] = 0;
	assert_int_equal(h_run(h, c, pg + 0x1000 - 4, end2), end2);
	assert_int_equal(c->x[A1], 9);
}

static void test_loads(void **state)
{
	struct harness *h = *state;
	const uint64_t d = H_DATA + 0x100;
	static const struct {
		uint32_t insn;
		uint64_t want;
	} k[] = {
		{ LB(A0, A1, 0), 0xffffffffffffff80ull },
		{ LBU(A0, A1, 0), 0x80 },
		{ LB(A0, A1, 1), 0x7f },
		{ LH(A0, A1, 2), 0xffffffffffff8001ull },
		{ LHU(A0, A1, 2), 0x8001 },
		{ LW(A0, A1, 4), 0xffffffff80000002ull },
		{ LWU(A0, A1, 4), 0x80000002ull },
		{ LD(A0, A1, 8), 0x8000000000000003ull },
		{ LB(A0, A1, -1), 0xfffffffffffffffeull },
		{ LHU(A0, A1, -2), 0xfeff },
		{ LW(A0, A1, 8), 3 },
	};

	h_w64(h, d, 0x8000000280017f80ull);
	h_w64(h, d + 8, 0x8000000000000003ull);
	h_w64(h, d - 8, 0xfeff000000000000ull);
	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		uint64_t got = h_op(h, k[j].insn, d, 0);

		if (got != k[j].want)
			fail_msg("load case %zu: got %#llx want %#llx", j,
				 (unsigned long long)got,
				 (unsigned long long)k[j].want);
	}
}

static void test_store_widths(void **state)
{
	struct harness *h = *state;
	const uint64_t d = H_DATA + 0x200;
	const uint64_t v = 0x1122334455667788ull;

	h_w64(h, d, M64);
	h_op(h, SB(A2, A1, 0), d, v);
	assert_int_equal(h_r64(h, d), 0xffffffffffffff88ull);
	h_w64(h, d, M64);
	h_op(h, SH(A2, A1, 2), d, v);
	assert_int_equal(h_r64(h, d), 0xffffffff7788ffffull);
	h_w64(h, d, M64);
	h_op(h, SW(A2, A1, 4), d, v);
	assert_int_equal(h_r64(h, d), 0x55667788ffffffffull);
	h_w64(h, d + 8, 0);
	h_op(h, SD(A2, A1, 8), d, v);
	assert_int_equal(h_r64(h, d + 8), v);
	/* negative offset */
	h_op(h, SW(A2, A1, -4), d + 8, 0xabcdef01);
	assert_int_equal(h_r32(h, d + 4), 0xabcdef01);
}

static void test_x0(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t end;

	h_w64(h, H_DATA, 0x1234);
	h_org(h, H_CODE);
	e32(h, ADDI(ZERO, ZERO, 5));
	e32(h, ADD(A0, ZERO, ZERO));
	e32(h, LUI(ZERO, 0x12345));
	e32(h, AUIPC(ZERO, 1));
	e32(h, OR(A1, ZERO, ZERO));
	e32(h, LD(ZERO, A5, 0));	/* a5 = H_DATA */
	e32(h, ADDI(A2, ZERO, 0));
	e32(h, JAL(ZERO, 8));		/* link discarded */
	e32(h, ADDI(S2, ZERO, 1));	/* skipped */
	e32(h, SLTIU(ZERO, ZERO, 1));
	e32(h, CSRRS(ZERO, CSR_SSCRATCH, ZERO));
	e32(h, ADD(A3, ZERO, ZERO));
	e32(h, AUIPC(A4, 0));
	e32(h, JALR(ZERO, A4, 16));	/* to the `add a4` below */
	e32(h, ADDI(S2, ZERO, 2));	/* skipped */
	e32(h, ADDI(S2, ZERO, 3));	/* skipped */
	e32(h, ADD(A4, ZERO, ZERO));
	end = h_end(h);
	c->x[A0] = c->x[A1] = c->x[A2] = c->x[A3] = 7;
	c->x[A5] = H_DATA;
	c->x[S2] = 0;
	c->sscratch = 99;
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	assert_int_equal(c->x[ZERO], 0);
	assert_int_equal(c->x[A0], 0);
	assert_int_equal(c->x[A1], 0);
	assert_int_equal(c->x[A2], 0);
	assert_int_equal(c->x[A3], 0);
	assert_int_equal(c->x[A4], 0);
	assert_int_equal(c->x[S2], 0);

	/* a load into x0 still performs the access: it can fault */
	c->x[A5] = 0x20000000;
	assert_int_equal(h_trap1(h, c, LW(ZERO, A5, 0), EXC_LOAD_ACCESS),
			 0x20000000);
	assert_int_equal(c->x[ZERO], 0);
}

/* The 32-bit encodings that are not instructions. */
static void test_illegal(void **state)
{
	static const uint32_t k[] = {
		0x0000007f,			/* opcode not implemented */
		0xffffffff,
		SLLI(A0, A1, 0) | 1u << 26,	/* shamt >= 64 */
		SLLIW(A0, A1, 0) | 1u << 25,	/* shamt >= 32 */
		SRAIW(A0, A1, 1) | 1u << 25,
		JALR(A0, A1, 0) | 1u << 12,
		enc_b(2, A1, A2, 8),
		enc_i(0x03, 7, A0, A1, 0),	/* load funct3 7 */
		enc_s(0x23, 4, A1, A2, 0),	/* store funct3 4 */
		enc_r(0x33, 1, 0x20, A0, A1, A2),
		enc_r(0x3b, 2, 0x00, A0, A1, A2),
		enc_r(0x3b, 1, 0x01, A0, A1, A2),	/* no mulhw */
		0x30200073,			/* mret */
		0x00000073 | A0 << 7,		/* ecall with rd */
		enc_i(0x73, 4, A0, A1, 0x100),	/* funct3 4 */
		enc_i(0x0f, 2, 0, 0, 0),	/* fence funct3 2 */
	};
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		uint64_t tval = h_trap1(h, c, k[j], EXC_ILLEGAL);

		if (tval != k[j])
			fail_msg("illegal case %zu: stval %#llx", j,
				 (unsigned long long)tval);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alu, h_setup1, h_teardown),
		cmocka_unit_test_setup_teardown(test_shifts, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_word_ops, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_compare, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_lui_auipc, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_jal_jalr, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_branches, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_branch_across_pages,
						h_setup1, h_teardown),
		cmocka_unit_test_setup_teardown(test_loads, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_store_widths, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_x0, h_setup1, h_teardown),
		cmocka_unit_test_setup_teardown(test_illegal, h_setup1,
						h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
