// SPDX-License-Identifier: MIT
/*
 * The 32-bit decoder's field extraction: every immediate format at its
 * extremes, x0 destinations sent to the sink register, the CSR ops'
 * true rd, FP register numbers, fused multiply-add operands, AMO widths,
 * and the op names used in traces.
 */
#include <string.h>
#include "harness.h"

static struct insn dec(uint32_t raw)
{
	struct insn d;

	memset(&d, 0xa5, sizeof(d));
	insn_decode(raw, &d);
	assert_int_equal(d.len, 4);
	assert_int_equal(d.step, 2);
	assert_int_equal(d.raw, raw);
	return d;
}

static void test_immediates(void **state)
{
	static const struct {
		uint32_t raw;
		unsigned op;
		int32_t imm;
	} k[] = {
		{ ADDI(A0, A1, -2048), OP_ADDI, -2048 },
		{ ADDI(A0, A1, 2047), OP_ADDI, 2047 },
		{ LD(A0, A1, -1), OP_LD, -1 },
		{ SD(A2, A1, -2048), OP_SD, -2048 },
		{ SD(A2, A1, 2047), OP_SD, 2047 },
		{ SW(A2, A1, 0x7e1), OP_SW, 0x7e1 },
		{ BEQ(A1, A2, -4096), OP_BEQ, -4096 },
		{ BNE(A1, A2, 4094), OP_BNE, 4094 },
		{ BLT(A1, A2, 0x800), OP_BLT, 0x800 },	/* bit 11 alone */
		{ BGEU(A1, A2, 0x7fe), OP_BGEU, 0x7fe },
		{ JAL(RA, -1048576), OP_JAL, -1048576 },
		{ JAL(RA, 1048574), OP_JAL, 1048574 },
		{ JAL(RA, 0x800), OP_JAL, 0x800 },	/* bit 11 alone */
		{ JAL(RA, 0x1000), OP_JAL, 0x1000 },	/* bit 12 alone */
		{ LUI(A0, 0xfffff), OP_LUI, -4096 },
		{ LUI(A0, 0x80000), OP_LUI, INT32_MIN },
		{ AUIPC(A0, 0x7ffff), OP_AUIPC, 0x7ffff000 },
		{ SLLI(A0, A1, 63), OP_SLLI, 63 },
		{ SRAI(A0, A1, 63), OP_SRAI, 63 },	/* not 0x43f */
		{ SRAIW(A0, A1, 31), OP_SRAIW, 31 },
		{ SRLIW(A0, A1, 31), OP_SRLIW, 31 },
	};
	(void)state;

	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		struct insn d = dec(k[j].raw);

		if (d.op != k[j].op || d.imm != k[j].imm)
			fail_msg("case %zu (%08x): %s imm %d", j, k[j].raw,
				 insn_op_name(d.op), d.imm);
	}
}

static void test_registers(void **state)
{
	struct insn d;
	(void)state;

	d = dec(ADD(T6, S11, T5));
	assert_int_equal(d.rd, 31);
	assert_int_equal(d.rs1, 27);
	assert_int_equal(d.rs2, 30);
	/* integer writes to x0 go to the sink */
	assert_int_equal(dec(ADD(ZERO, A1, A2)).rd, X_SINK);
	assert_int_equal(dec(LW(ZERO, A1, 0)).rd, X_SINK);
	assert_int_equal(dec(JAL(ZERO, 8)).rd, X_SINK);
	assert_int_equal(dec(JALR(ZERO, RA, 0)).rd, X_SINK);
	assert_int_equal(dec(LUI(ZERO, 1)).rd, X_SINK);
	assert_int_equal(dec(AMO(AMO_ADD, 2, ZERO, A1, A2)).rd, X_SINK);
	assert_int_equal(dec(FMV_X_D(ZERO, 3)).rd, X_SINK);
	assert_int_equal(dec(FEQ_D(ZERO, 3, 4)).rd, X_SINK);
	/* FP destinations are f registers: f0 is a real register */
	assert_int_equal(dec(FADD_D(0, 1, 2, RM_RNE)).rd, 0);
	assert_int_equal(dec(FLD(0, A1, 0)).rd, 0);
	assert_int_equal(dec(FMV_D_X(0, A1)).rd, 0);
	d = dec(FMADD_D(0, 31, 30, 29, RM_RTZ));
	assert_int_equal(d.op, OP_FMADD_D);
	assert_int_equal(d.rd, 0);
	assert_int_equal(d.rs1, 31);
	assert_int_equal(d.rs2, 30);
	assert_int_equal(d.rs3, 29);
	assert_int_equal(d.rm, RM_RTZ);
	d = dec(FADD_S(1, 2, 3, RM_DYN));
	assert_int_equal(d.rm, RM_DYN);
	d = dec(FSD(31, SP, -8));
	assert_int_equal(d.op, OP_FSD);
	assert_int_equal(d.rs2, 31);
	assert_int_equal(d.imm, -8);
	/* CSR ops: CSR number in imm, true rd in rs2, uimm in rs1 */
	d = dec(CSRRW(ZERO, CSR_SATP, A1));
	assert_int_equal(d.op, OP_CSRRW);
	assert_int_equal(d.imm, CSR_SATP);
	assert_int_equal(d.rs2, 0);
	assert_int_equal(d.rs1, A1);
	d = dec(CSRRSI(A0, 0xfff, 31));
	assert_int_equal(d.op, OP_CSRRSI);
	assert_int_equal(d.imm, 0xfff);
	assert_int_equal(d.rs2, A0);
	assert_int_equal(d.rs1, 31);
}

static void test_system_and_amo(void **state)
{
	static const struct {
		uint32_t raw;
		unsigned op;
	} k[] = {
		{ ECALL(), OP_ECALL }, { EBREAK(), OP_EBREAK },
		{ SRET(), OP_SRET }, { WFI(), OP_WFI },
		{ SFENCE_VMA(A0, A1), OP_SFENCE_VMA },
		{ FENCE(), OP_FENCE }, { FENCE_I(), OP_FENCE_I },
		{ 0x8330000f, OP_FENCE },	/* fence.tso */
		{ LR_W(A0, A1), OP_LR_W }, { LR_D(A0, A1), OP_LR_D },
		{ SC_W(A0, A2, A1), OP_SC_W }, { SC_D(A0, A2, A1), OP_SC_D },
		{ AMO(AMO_SWAP, 3, A0, A1, A2), OP_AMOSWAP_D },
		{ AMO(AMO_ADD, 3, A0, A1, A2), OP_AMOADD_D },
		{ AMO(AMO_XOR, 3, A0, A1, A2), OP_AMOXOR_D },
		{ AMO(AMO_AND, 3, A0, A1, A2), OP_AMOAND_D },
		{ AMO(AMO_OR, 3, A0, A1, A2), OP_AMOOR_D },
		{ AMO(AMO_MIN, 3, A0, A1, A2), OP_AMOMIN_D },
		{ AMO(AMO_MAX, 3, A0, A1, A2), OP_AMOMAX_D },
		{ AMO(AMO_MINU, 3, A0, A1, A2), OP_AMOMINU_D },
		{ AMO(AMO_MAXU, 3, A0, A1, A2), OP_AMOMAXU_D },
		{ AMO(AMO_MAXU, 2, A0, A1, A2), OP_AMOMAXU_W },
		/* aq/rl bits do not change the op */
		{ AMO(AMO_ADD, 2, A0, A1, A2) | 3u << 25, OP_AMOADD_W },
		{ LR_D(A0, A1) | 1u << 26, OP_LR_D },
		/* illegal neighbours */
		{ LR_W(A0, A1) | A2 << 20, OP_ILLEGAL },	/* rs2 != 0 */
		{ AMO(AMO_ADD, 1, A0, A1, A2), OP_ILLEGAL },	/* width */
		{ AMO(0x05, 2, A0, A1, A2), OP_ILLEGAL },	/* funct5 */
		{ FOP(0x02, 0, 1, 2, 3), OP_ILLEGAL },		/* fmt H */
		{ FOP(0x2c, 0, 1, 2, 1), OP_ILLEGAL },		/* fsqrt rs2 */
		{ FOP(0x10, 3, 1, 2, 3), OP_ILLEGAL },		/* fsgnj f3 */
		{ FOP(0x70, 2, A0, 1, 0), OP_ILLEGAL },		/* fmv f3 */
		{ enc_i(0x07, 1, 1, A1, 0), OP_ILLEGAL },	/* flh */
	};
	(void)state;

	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		struct insn d = dec(k[j].raw);

		if (d.op != k[j].op)
			fail_msg("case %zu (%08x): %s, want %s", j, k[j].raw,
				 insn_op_name(d.op), insn_op_name(k[j].op));
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(insn_op_name(OP_ADDI), "ADDI");
	assert_string_equal(insn_op_name(OP_FMV_D_X), "FMV_D_X");
	assert_string_equal(insn_op_name(OP_COUNT), "?");
	assert_string_equal(insn_op_name(~0u), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_immediates),
		cmocka_unit_test(test_registers),
		cmocka_unit_test(test_system_and_amo),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
