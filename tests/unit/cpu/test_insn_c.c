// SPDX-License-Identifier: MIT
/*
 * The C extension: every compressed instruction decodes to the same op,
 * registers and immediate as its 32-bit expansion (immediates at their
 * extremes, so every scattered bit is checked), the reserved encodings
 * are illegal, and a mixed 16/32-bit sequence executes with 2-byte links.
 */
#include "harness.h"

/* Compressed encoders, written from the spec's format tables. */
#define B(v, hi, lo) ((U32(v) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define RP(r) (U32(r) - 8)	/* x8..x15 -> 3-bit field */

static uint16_t c_ciw(unsigned rdp, unsigned imm)	/* c.addi4spn */
{
	return (uint16_t)(B(imm, 5, 4) << 11 | B(imm, 9, 6) << 7 |
			  B(imm, 2, 2) << 6 | B(imm, 3, 3) << 5 |
			  RP(rdp) << 2);
}

/* c.lw / c.sw (f3 2, 6): offset[5:3|2|6] */
static uint16_t c_clw(unsigned f3, unsigned r1p, unsigned r2p, unsigned off)
{
	return (uint16_t)(f3 << 13 | B(off, 5, 3) << 10 | RP(r1p) << 7 |
			  B(off, 2, 2) << 6 | B(off, 6, 6) << 5 | RP(r2p) << 2);
}

/* c.fld / c.ld / c.fsd / c.sd (f3 1, 3, 5, 7): offset[5:3|7:6] */
static uint16_t c_cld(unsigned f3, unsigned r1p, unsigned r2p, unsigned off)
{
	return (uint16_t)(f3 << 13 | B(off, 5, 3) << 10 | RP(r1p) << 7 |
			  B(off, 7, 6) << 5 | RP(r2p) << 2);
}

/* CI format, quadrant @q: imm[5] at 12, imm[4:0] at 6:2 */
static uint16_t c_ci(unsigned f3, unsigned rd, int32_t imm, unsigned q)
{
	return (uint16_t)(f3 << 13 | B(imm, 5, 5) << 12 | rd << 7 |
			  B(imm, 4, 0) << 2 | q);
}

static uint16_t c_addi16sp(int32_t imm)
{
	return (uint16_t)(3u << 13 | B(imm, 9, 9) << 12 | 2u << 7 |
			  B(imm, 4, 4) << 6 | B(imm, 6, 6) << 5 |
			  B(imm, 8, 7) << 3 | B(imm, 5, 5) << 2 | 1);
}

/* c.srli (0), c.srai (1), c.andi (2) */
static uint16_t c_cb_alu(unsigned f2, unsigned rdp, int32_t imm)
{
	return (uint16_t)(4u << 13 | B(imm, 5, 5) << 12 | f2 << 10 |
			  RP(rdp) << 7 | B(imm, 4, 0) << 2 | 1);
}

/* c.sub, c.xor, c.or, c.and (w = 0, f 0..3), c.subw, c.addw (w = 1) */
static uint16_t c_ca(unsigned w, unsigned f, unsigned rdp, unsigned rs2p)
{
	return (uint16_t)(4u << 13 | w << 12 | 3u << 10 | RP(rdp) << 7 |
			  f << 5 | RP(rs2p) << 2 | 1);
}

static uint16_t c_j(int32_t off)
{
	return (uint16_t)(5u << 13 | B(off, 11, 11) << 12 | B(off, 4, 4) << 11 |
			  B(off, 9, 8) << 9 | B(off, 10, 10) << 8 |
			  B(off, 6, 6) << 7 | B(off, 7, 7) << 6 |
			  B(off, 3, 1) << 3 | B(off, 5, 5) << 2 | 1);
}

/* c.beqz (f3 6), c.bnez (f3 7) */
static uint16_t c_cb(unsigned f3, unsigned rs1p, int32_t off)
{
	return (uint16_t)(f3 << 13 | B(off, 8, 8) << 12 | B(off, 4, 3) << 10 |
			  RP(rs1p) << 7 | B(off, 7, 6) << 5 |
			  B(off, 2, 1) << 3 | B(off, 5, 5) << 2 | 1);
}

/* c.fldsp (1), c.ldsp (3): offset[5] at 12, [4:3] at 6:5, [8:6] at 4:2 */
static uint16_t c_ldsp(unsigned f3, unsigned rd, unsigned off)
{
	return (uint16_t)(f3 << 13 | B(off, 5, 5) << 12 | rd << 7 |
			  B(off, 4, 3) << 5 | B(off, 8, 6) << 2 | 2);
}

static uint16_t c_lwsp(unsigned rd, unsigned off)
{
	return (uint16_t)(2u << 13 | B(off, 5, 5) << 12 | rd << 7 |
			  B(off, 4, 2) << 4 | B(off, 7, 6) << 2 | 2);
}

/* CR format: c.jr/c.mv (f4 8), c.ebreak/c.jalr/c.add (f4 9) */
static uint16_t c_cr(unsigned f4, unsigned rd, unsigned rs2)
{
	return (uint16_t)(f4 << 12 | rd << 7 | rs2 << 2 | 2);
}

/* c.fsdsp (5), c.sdsp (7): offset[5:3] at 12:10, [8:6] at 9:7 */
static uint16_t c_sdsp(unsigned f3, unsigned rs2, unsigned off)
{
	return (uint16_t)(f3 << 13 | B(off, 5, 3) << 10 | B(off, 8, 6) << 7 |
			  rs2 << 2 | 2);
}

static uint16_t c_swsp(unsigned rs2, unsigned off)
{
	return (uint16_t)(6u << 13 | B(off, 5, 2) << 9 | B(off, 7, 6) << 7 |
			  rs2 << 2 | 2);
}

enum { F_RD = 1, F_RS1 = 2, F_RS2 = 4, F_IMM = 8 };
#define F_I (F_RD | F_RS1 | F_IMM)
#define F_R (F_RD | F_RS1 | F_RS2)
#define F_S (F_RS1 | F_RS2 | F_IMM)

struct cpair {
	const char *name;
	uint16_t c;
	uint32_t full;
	unsigned fields;
};

static void test_expansions(void **state)
{
	const struct cpair k[] = {
		{ "c.addi4spn max", c_ciw(8, 1020), ADDI(8, SP, 1020), F_I },
		{ "c.addi4spn 4", c_ciw(15, 4), ADDI(15, SP, 4), F_I },
		{ "c.addi4spn 0x2a8", c_ciw(12, 0x2a8), ADDI(12, SP, 0x2a8),
		  F_I },
		{ "c.fld", c_cld(1, 10, 9, 248), FLD(9, 10, 248), F_I },
		{ "c.lw max", c_clw(2, 15, 9, 124), LW(9, 15, 124), F_I },
		{ "c.lw 64", c_clw(2, 8, 8, 64), LW(8, 8, 64), F_I },
		{ "c.lw 4", c_clw(2, 11, 13, 4), LW(13, 11, 4), F_I },
		{ "c.ld", c_cld(3, 9, 14, 248), LD(14, 9, 248), F_I },
		{ "c.ld 64", c_cld(3, 12, 10, 64), LD(10, 12, 64), F_I },
		{ "c.fsd", c_cld(5, 11, 8, 136), FSD(8, 11, 136), F_S },
		{ "c.sw", c_clw(6, 12, 10, 68), SW(10, 12, 68), F_S },
		{ "c.sd", c_cld(7, 8, 15, 200), SD(15, 8, 200), F_S },
		{ "c.nop", c_ci(0, 0, 0, 1), ADDI(0, 0, 0), F_I },
		{ "c.addi -32", c_ci(0, T0, -32, 1), ADDI(T0, T0, -32), F_I },
		{ "c.addi 31", c_ci(0, T6, 31, 1), ADDI(T6, T6, 31), F_I },
		{ "c.addiw -1", c_ci(1, A0, -1, 1), ADDIW(A0, A0, -1), F_I },
		{ "c.addiw 0", c_ci(1, A0, 0, 1), ADDIW(A0, A0, 0), F_I },
		{ "c.li -32", c_ci(2, T2, -32, 1), ADDI(T2, ZERO, -32), F_I },
		{ "c.li 17", c_ci(2, S11, 17, 1), ADDI(S11, ZERO, 17), F_I },
		{ "c.addi16sp -512", c_addi16sp(-512), ADDI(SP, SP, -512),
		  F_I },
		{ "c.addi16sp 496", c_addi16sp(496), ADDI(SP, SP, 496), F_I },
		{ "c.addi16sp 16", c_addi16sp(16), ADDI(SP, SP, 16), F_I },
		{ "c.addi16sp 0x1a0", c_addi16sp(0x1a0), ADDI(SP, SP, 0x1a0),
		  F_I },
		{ "c.lui -1", c_ci(3, GP, -1, 1), LUI(GP, 0xfffff),
		  F_RD | F_IMM },
		{ "c.lui 31", c_ci(3, T6, 31, 1), LUI(T6, 0x1f), F_RD | F_IMM },
		{ "c.lui -32", c_ci(3, TP, -32, 1), LUI(TP, 0xfffe0),
		  F_RD | F_IMM },
		{ "c.srli 63", c_cb_alu(0, 8, 63), SRLI(8, 8, 63), F_I },
		{ "c.srai 32", c_cb_alu(1, 9, 32), SRAI(9, 9, 32), F_I },
		{ "c.srai 1", c_cb_alu(1, 15, 1), SRAI(15, 15, 1), F_I },
		{ "c.andi -32", c_cb_alu(2, 10, -32), ANDI(10, 10, -32), F_I },
		{ "c.andi 31", c_cb_alu(2, 13, 31), ANDI(13, 13, 31), F_I },
		{ "c.sub", c_ca(0, 0, 11, 12), SUB(11, 11, 12), F_R },
		{ "c.xor", c_ca(0, 1, 8, 15), XOR(8, 8, 15), F_R },
		{ "c.or", c_ca(0, 2, 14, 9), OR(14, 14, 9), F_R },
		{ "c.and", c_ca(0, 3, 15, 15), AND(15, 15, 15), F_R },
		{ "c.subw", c_ca(1, 0, 10, 11), SUBW(10, 10, 11), F_R },
		{ "c.addw", c_ca(1, 1, 12, 13), ADDW(12, 12, 13), F_R },
		{ "c.j max", c_j(2046), JAL(0, 2046), F_RD | F_IMM },
		{ "c.j min", c_j(-2048), JAL(0, -2048), F_RD | F_IMM },
		{ "c.j 0x2aa", c_j(0x2aa), JAL(0, 0x2aa), F_RD | F_IMM },
		{ "c.j -0x556", c_j(-0x556), JAL(0, -0x556), F_RD | F_IMM },
		{ "c.beqz min", c_cb(6, 8, -256), BEQ(8, ZERO, -256), F_S },
		{ "c.bnez max", c_cb(7, 15, 254), BNE(15, ZERO, 254), F_S },
		{ "c.beqz 0xaa", c_cb(6, 11, 0xaa), BEQ(11, ZERO, 0xaa), F_S },
		{ "c.bnez -0x56", c_cb(7, 9, -0x56), BNE(9, ZERO, -0x56), F_S },
		{ "c.slli 63", c_ci(0, T6, 63, 2), SLLI(T6, T6, 63), F_I },
		{ "c.slli 1", c_ci(0, A0, 1, 2), SLLI(A0, A0, 1), F_I },
		{ "c.fldsp", c_ldsp(1, 1, 504), FLD(1, SP, 504), F_I },
		{ "c.fldsp 0x28", c_ldsp(1, 30, 0x28), FLD(30, SP, 0x28), F_I },
		{ "c.lwsp max", c_lwsp(RA, 252), LW(RA, SP, 252), F_I },
		{ "c.lwsp 0x54", c_lwsp(T5, 0x54), LW(T5, SP, 0x54), F_I },
		{ "c.ldsp max", c_ldsp(3, T6, 504), LD(T6, SP, 504), F_I },
		{ "c.ldsp 0x128", c_ldsp(3, A5, 0x128), LD(A5, SP, 0x128),
		  F_I },
		{ "c.jr", c_cr(8, RA, 0), JALR(ZERO, RA, 0), F_I },
		{ "c.mv", c_cr(8, T0, T1), ADD(T0, ZERO, T1), F_R },
		{ "c.ebreak", c_cr(9, 0, 0), EBREAK(), 0 },
		{ "c.jalr", c_cr(9, T2, 0), JALR(RA, T2, 0), F_I },
		{ "c.add", c_cr(9, S0, S1), ADD(S0, S0, S1), F_R },
		{ "c.fsdsp", c_sdsp(5, 31, 504), FSD(31, SP, 504), F_S },
		{ "c.fsdsp 0x1e8", c_sdsp(5, 3, 0x1e8), FSD(3, SP, 0x1e8),
		  F_S },
		{ "c.swsp max", c_swsp(T6, 252), SW(T6, SP, 252), F_S },
		{ "c.swsp 0xa4", c_swsp(A0, 0xa4), SW(A0, SP, 0xa4), F_S },
		{ "c.sdsp max", c_sdsp(7, RA, 504), SD(RA, SP, 504), F_S },
		{ "c.sdsp 0x148", c_sdsp(7, S4, 0x148), SD(S4, SP, 0x148),
		  F_S },
	};
	(void)state;

	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		struct insn c, f;

		insn_decode(k[j].c, &c);
		insn_decode(k[j].full, &f);
		if (f.op == OP_ILLEGAL || c.op != f.op || c.len != 2 ||
		    c.step != 1 || c.raw != k[j].c ||
		    ((k[j].fields & F_RD) && c.rd != f.rd) ||
		    ((k[j].fields & F_RS1) && c.rs1 != f.rs1) ||
		    ((k[j].fields & F_RS2) && c.rs2 != f.rs2) ||
		    ((k[j].fields & F_IMM) && c.imm != f.imm))
			fail_msg("%s (%04x): op %s/%s rd %u/%u rs1 %u/%u "
				 "rs2 %u/%u imm %d/%d len %u", k[j].name,
				 k[j].c, insn_op_name(c.op),
				 insn_op_name(f.op), c.rd, f.rd, c.rs1, f.rs1,
				 c.rs2, f.rs2, c.imm, f.imm, c.len);
	}
}

static void test_illegal(void **state)
{
	static const struct {
		const char *name;
		uint16_t c;
	} k[] = {
		{ "all-zero halfword", 0x0000 },
		{ "c.addi4spn imm 0", 0x0004 },
		{ "c.addi4spn imm 0, x15", 0x001c },
		{ "c.lui imm 0", 0x6281 },
		{ "c.addi16sp imm 0", 0x6101 },
		{ "c.addiw rd 0", 0x2005 },
		{ "c.jr x0", 0x8002 },
		{ "c.lwsp rd 0", 0x4002 },
		{ "c.ldsp rd 0", 0x6002 },
		{ "quadrant 0 funct3 4", 0x8000 | 0x0004 },
		{ "c.? (subw row, funct 2)", 0x9c41 },
		{ "c.? (subw row, funct 3)", 0x9c61 },
	};
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];

	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		struct insn d;
		uint64_t end;

		insn_decode(k[j].c, &d);
		if (d.op != OP_ILLEGAL || d.len != 2)
			fail_msg("%s (%04x) decodes as %s", k[j].name, k[j].c,
				 insn_op_name(d.op));
		/* executing it traps with the 16-bit encoding in stval */
		h_org(h, H_CODE);
		e16(h, k[j].c);
		e16(h, 0x0001);		/* c.nop: keep alignment */
		end = h_end(h);
		assert_int_equal(h_run(h, c, H_CODE, end), H_TRAP);
		assert_int_equal(c->scause, EXC_ILLEGAL);
		assert_int_equal(c->sepc, H_CODE);
		if (c->stval != k[j].c)
			fail_msg("%s: stval %#llx", k[j].name,
				 (unsigned long long)c->stval);
	}
}

/* Hints and legal corner encodings that must not trap. */
static void test_hints(void **state)
{
	static const uint16_t k[] = {
		0x0001,			/* c.nop */
		0x0005,			/* c.addi x0, 1 (hint) */
		0x4001 | 5u << 2,	/* c.li x0, 5 (hint) */
		0x6001 | 1u << 2,	/* c.lui x0, 1 (hint) */
		0x0002 | 1u << 2,	/* c.slli x0, 1 (hint) */
		0x8002 | 5u << 2,	/* c.mv x0, x5 (hint) */
		0x9002 | 5u << 2,	/* c.add x0, x5 (hint) */
	};
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t end;

	h_org(h, H_CODE);
	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++)
		e16(h, k[j]);
	e16(h, 0x0001);
	end = h_end(h);
	c->x[T0] = 3;
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	assert_int_equal(c->x[ZERO], 0);
}

static void test_execute(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t jalr_at, target, end;

	h_org(h, H_CODE);
	e16(h, c_ci(2, A0, -5, 1));		/* c.li a0, -5 */
	e16(h, c_ci(0, A0, 7, 1));		/* c.addi a0, 7 -> 2 */
	e16(h, c_ci(3, A1, 0x1f, 1));		/* c.lui a1, 0x1f */
	e16(h, c_ci(1, A1, -1, 1));		/* c.addiw a1, -1 */
	e16(h, c_cr(8, A2, A0));		/* c.mv a2, a0 */
	e16(h, c_cr(9, A2, A1));		/* c.add a2, a1 */
	e32(h, SLLI(A2, A2, 4));		/* 32-bit at pc % 4 == 0 */
	e16(h, c_swsp(A2, 8));			/* c.swsp a2, 8(sp) */
	e32(h, ADDI(A3, ZERO, 0));		/* 32-bit at pc % 4 == 2 */
	e16(h, c_lwsp(A3, 8));			/* c.lwsp a3, 8(sp) */
	e16(h, c_ci(2, A4, 0, 1));		/* c.li a4, 0 */
	jalr_at = e16(h, c_cr(9, A5, 0));	/* c.jalr a5 */
	e16(h, c_ci(2, S2, 1, 1));		/* c.li s2, 1 (skipped) */
	target = e16(h, c_cb(6, S0, 6));	/* c.beqz s0, +6 */
	e16(h, c_ci(2, S2, 2, 1));		/* (skipped) */
	e16(h, c_ci(2, S2, 3, 1));		/* (skipped) */
	e16(h, c_cb_alu(1, S1, 1));		/* c.srai s1, 1 */
	e16(h, c_j(4));				/* c.j +4 */
	e16(h, c_ci(2, S2, 4, 1));		/* (skipped) */
	end = h_end(h);
	c->x[SP] = H_DATA;
	c->x[A5] = target;
	c->x[S0] = 0;
	c->x[S1] = (uint64_t)-4;
	c->x[S2] = 0;
	assert_int_equal(h_run(h, c, H_CODE, end), end);
	assert_int_equal(c->x[A0], 2);
	assert_int_equal(c->x[A1], 0x1efff);
	assert_int_equal(c->x[A2], 0x1f0010);
	assert_int_equal(c->x[A3], 0x1f0010);
	assert_int_equal(h_r32(h, H_DATA + 8), 0x1f0010);
	assert_int_equal(c->x[RA], jalr_at + 2);
	assert_int_equal(c->x[S1], (uint64_t)-2);
	assert_int_equal(c->x[S2], 0);

	/* c.ebreak: cause 3, stval = its address */
	h_org(h, H_CODE);
	e16(h, 0x0001);
	e16(h, c_cr(9, 0, 0));
	end = h_end(h);
	assert_int_equal(h_run(h, c, H_CODE, end), H_TRAP);
	assert_int_equal(c->scause, EXC_BREAKPOINT);
	assert_int_equal(c->sepc, H_CODE + 2);
	assert_int_equal(c->stval, H_CODE + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expansions),
		cmocka_unit_test_setup_teardown(test_illegal, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_hints, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_execute, h_setup1,
						h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
