/* SPDX-License-Identifier: MIT */
/*
 * The decoded-instruction format. Each guest instruction is decoded once
 * into a struct insn held in a per-page slot array (see dcache.h); the
 * interpreter dispatches on insn.op. Compressed instructions decode to the
 * same ops as their 32-bit expansion with len = 2. Register numbers are
 * already remapped so that writes to x0 land in a sink register (32): the
 * interpreter never tests rd for zero.
 */
#ifndef HV_CPU_INSN_H
#define HV_CPU_INSN_H

#include <stdint.h>

#define X_SINK 32	/* rd of an instruction that writes x0 */

#define OP_LIST(X) \
	X(UNDECODED) X(PAGE_END) X(CROSS_PAGE) X(ILLEGAL) \
	X(LUI) X(AUIPC) X(JAL) X(JALR) \
	X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU) \
	X(LB) X(LH) X(LW) X(LD) X(LBU) X(LHU) X(LWU) \
	X(SB) X(SH) X(SW) X(SD) \
	X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) \
	X(SLLI) X(SRLI) X(SRAI) \
	X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR) X(AND) \
	X(ADDIW) X(SLLIW) X(SRLIW) X(SRAIW) \
	X(ADDW) X(SUBW) X(SLLW) X(SRLW) X(SRAW) \
	X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU) \
	X(MULW) X(DIVW) X(DIVUW) X(REMW) X(REMUW) \
	X(RELAX) \
	X(FENCE) X(FENCE_I) X(ECALL) X(EBREAK) X(SRET) X(WFI) X(SFENCE_VMA) \
	X(CSRRW) X(CSRRS) X(CSRRC) X(CSRRWI) X(CSRRSI) X(CSRRCI) \
	X(LR_W) X(SC_W) X(LR_D) X(SC_D) \
	X(AMOSWAP_W) X(AMOADD_W) X(AMOXOR_W) X(AMOAND_W) X(AMOOR_W) \
	X(AMOMIN_W) X(AMOMAX_W) X(AMOMINU_W) X(AMOMAXU_W) \
	X(AMOSWAP_D) X(AMOADD_D) X(AMOXOR_D) X(AMOAND_D) X(AMOOR_D) \
	X(AMOMIN_D) X(AMOMAX_D) X(AMOMINU_D) X(AMOMAXU_D) \
	X(FLW) X(FLD) X(FSW) X(FSD) \
	X(FMADD_S) X(FMSUB_S) X(FNMSUB_S) X(FNMADD_S) \
	X(FMADD_D) X(FMSUB_D) X(FNMSUB_D) X(FNMADD_D) \
	X(FADD_S) X(FSUB_S) X(FMUL_S) X(FDIV_S) X(FSQRT_S) \
	X(FSGNJ_S) X(FSGNJN_S) X(FSGNJX_S) X(FMIN_S) X(FMAX_S) \
	X(FCVT_W_S) X(FCVT_WU_S) X(FCVT_L_S) X(FCVT_LU_S) \
	X(FMV_X_W) X(FEQ_S) X(FLT_S) X(FLE_S) X(FCLASS_S) \
	X(FCVT_S_W) X(FCVT_S_WU) X(FCVT_S_L) X(FCVT_S_LU) X(FMV_W_X) \
	X(FADD_D) X(FSUB_D) X(FMUL_D) X(FDIV_D) X(FSQRT_D) \
	X(FSGNJ_D) X(FSGNJN_D) X(FSGNJX_D) X(FMIN_D) X(FMAX_D) \
	X(FCVT_S_D) X(FCVT_D_S) \
	X(FCVT_W_D) X(FCVT_WU_D) X(FCVT_L_D) X(FCVT_LU_D) \
	X(FMV_X_D) X(FEQ_D) X(FLT_D) X(FLE_D) X(FCLASS_D) \
	X(FCVT_D_W) X(FCVT_D_WU) X(FCVT_D_L) X(FCVT_D_LU) X(FMV_D_X)

#define OP_ENUM(name) OP_##name,
enum insn_op { OP_LIST(OP_ENUM) OP_COUNT };
#undef OP_ENUM

struct insn {
	uint8_t op;	/* enum insn_op */
	uint8_t rd;	/* X_SINK for x0 on integer destinations */
	uint8_t rs1;
	uint8_t rs2;
	uint8_t rs3;	/* fused multiply-add third operand */
	uint8_t rm;	/* FP rounding mode field (7 = dynamic) */
	uint8_t len;	/* 2 or 4 */
	uint8_t step;	/* len / 2: slots to the next instruction */
	int32_t imm;	/* sign-extended immediate; CSR number for CSR ops */
	uint32_t raw;	/* the encoding, for stval of illegal instructions */
};

/* A power of two, so that pc = page + (slot index << 1) is a shift. */
_Static_assert(sizeof(struct insn) == 16, "struct insn is 16 bytes");

/*
 * Decodes one instruction (@raw holds 16 or 32 bits; the low two bits say
 * which) into @out. Never fails: an encoding hv does not implement becomes
 * OP_ILLEGAL, which raises an illegal-instruction exception with @raw in
 * stval when executed.
 */
void insn_decode(uint32_t raw, struct insn *out);

/* The op's name, for tracing and tests. */
const char *insn_op_name(unsigned op);

#endif
