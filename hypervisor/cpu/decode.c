// SPDX-License-Identifier: MIT
/*
 * RV64GC instruction decoder: 32-bit encodings of RV64IMAFD + Zicsr +
 * Zifencei + the S-mode system instructions, and the C extension expanded
 * to the same ops.
 */
#include <string.h>
#include "insn.h"

static inline uint32_t bits(uint32_t x, int hi, int lo)
{
	return (x >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int32_t sext(uint32_t x, int width)
{
	return (int32_t)(x << (32 - width)) >> (32 - width);
}

static inline uint8_t rdx(uint32_t r)
{
	return r ? (uint8_t)r : X_SINK;
}

static void set_illegal(struct insn *d, uint32_t raw)
{
	d->op = OP_ILLEGAL;
	d->imm = (int32_t)raw;
}

static void r_type(struct insn *d, uint32_t raw, unsigned op)
{
	d->op = op;
	d->rd = rdx(bits(raw, 11, 7));
	d->rs1 = bits(raw, 19, 15);
	d->rs2 = bits(raw, 24, 20);
}

static void i_type(struct insn *d, uint32_t raw, unsigned op)
{
	r_type(d, raw, op);
	d->imm = sext(bits(raw, 31, 20), 12);
}

static void decode_load(struct insn *d, uint32_t raw)
{
	static const uint8_t ops[8] = { OP_LB, OP_LH, OP_LW, OP_LD,
					OP_LBU, OP_LHU, OP_LWU, OP_ILLEGAL };
	unsigned op = ops[bits(raw, 14, 12)];

	if (op == OP_ILLEGAL)
		return set_illegal(d, raw);
	i_type(d, raw, op);
}

static void decode_store(struct insn *d, uint32_t raw)
{
	static const uint8_t ops[4] = { OP_SB, OP_SH, OP_SW, OP_SD };
	unsigned f3 = bits(raw, 14, 12);

	if (f3 > 3)
		return set_illegal(d, raw);
	d->op = ops[f3];
	d->rs1 = bits(raw, 19, 15);
	d->rs2 = bits(raw, 24, 20);
	d->imm = sext(bits(raw, 31, 25) << 5 | bits(raw, 11, 7), 12);
}

static void decode_branch(struct insn *d, uint32_t raw)
{
	static const uint8_t ops[8] = { OP_BEQ, OP_BNE, OP_ILLEGAL, OP_ILLEGAL,
					OP_BLT, OP_BGE, OP_BLTU, OP_BGEU };
	unsigned op = ops[bits(raw, 14, 12)];

	if (op == OP_ILLEGAL)
		return set_illegal(d, raw);
	d->op = op;
	d->rs1 = bits(raw, 19, 15);
	d->rs2 = bits(raw, 24, 20);
	d->imm = sext(bits(raw, 31, 31) << 12 | bits(raw, 7, 7) << 11 |
		      bits(raw, 30, 25) << 5 | bits(raw, 11, 8) << 1, 13);
}

static void decode_op_imm(struct insn *d, uint32_t raw, int word)
{
	unsigned f3 = bits(raw, 14, 12);
	unsigned f6 = bits(raw, 31, 26);
	unsigned shamt_hi = word ? bits(raw, 25, 25) : 0;

	i_type(d, raw, OP_ILLEGAL);
	switch (f3) {
	case 0: d->op = word ? OP_ADDIW : OP_ADDI; return;
	case 1:
		if (f6 != 0 || shamt_hi)
			break;
		d->op = word ? OP_SLLIW : OP_SLLI;
		d->imm = bits(raw, word ? 24 : 25, 20);
		return;
	case 5:
		if ((f6 != 0 && f6 != 0x10) || shamt_hi)
			break;
		d->op = f6 ? (word ? OP_SRAIW : OP_SRAI)
			   : (word ? OP_SRLIW : OP_SRLI);
		d->imm = bits(raw, word ? 24 : 25, 20);
		return;
	}
	if (!word) {
		static const uint8_t ops[8] = { 0, 0, OP_SLTI, OP_SLTIU,
						OP_XORI, 0, OP_ORI, OP_ANDI };
		if (ops[f3]) {
			d->op = ops[f3];
			return;
		}
	}
	set_illegal(d, raw);
}

static void decode_op(struct insn *d, uint32_t raw, int word)
{
	unsigned f3 = bits(raw, 14, 12), f7 = bits(raw, 31, 25);
	unsigned op = OP_ILLEGAL;

	if (!word && f7 == 0) {
		static const uint8_t o[8] = { OP_ADD, OP_SLL, OP_SLT, OP_SLTU,
					      OP_XOR, OP_SRL, OP_OR, OP_AND };
		op = o[f3];
	} else if (!word && f7 == 0x20) {
		op = f3 == 0 ? OP_SUB : f3 == 5 ? OP_SRA : OP_ILLEGAL;
	} else if (!word && f7 == 1) {
		static const uint8_t o[8] = { OP_MUL, OP_MULH, OP_MULHSU,
					      OP_MULHU, OP_DIV, OP_DIVU,
					      OP_REM, OP_REMU };
		op = o[f3];
	} else if (word && f7 == 0) {
		op = f3 == 0 ? OP_ADDW : f3 == 1 ? OP_SLLW :
		     f3 == 5 ? OP_SRLW : OP_ILLEGAL;
	} else if (word && f7 == 0x20) {
		op = f3 == 0 ? OP_SUBW : f3 == 5 ? OP_SRAW : OP_ILLEGAL;
	} else if (word && f7 == 1) {
		static const uint8_t o[8] = { OP_MULW, OP_ILLEGAL, OP_ILLEGAL,
					      OP_ILLEGAL, OP_DIVW, OP_DIVUW,
					      OP_REMW, OP_REMUW };
		op = o[f3];
	}
	if (op == OP_ILLEGAL)
		return set_illegal(d, raw);
	r_type(d, raw, op);
	/*
	 * `div rd, rd, zero` is Linux's cpu_relax() on cores without
	 * Zihintpause: a spin-wait hint, which the interpreter turns into
	 * a yield of the host thread (like pause-loop exiting).
	 */
	if (op == OP_DIV && d->rs2 == 0 && d->rs1 == bits(raw, 11, 7) &&
	    d->rs1 != 0)
		d->op = OP_RELAX;
}

static void decode_system(struct insn *d, uint32_t raw)
{
	unsigned f3 = bits(raw, 14, 12);

	if (f3 == 0) {
		unsigned rd = bits(raw, 11, 7), rs1 = bits(raw, 19, 15);

		r_type(d, raw, OP_ILLEGAL);
		if (bits(raw, 31, 25) == 0x09 && rd == 0) {
			d->op = OP_SFENCE_VMA;
			return;
		}
		if (rd || rs1)
			return set_illegal(d, raw);
		switch (bits(raw, 31, 20)) {
		case 0x000: d->op = OP_ECALL; return;
		case 0x001: d->op = OP_EBREAK; return;
		case 0x102: d->op = OP_SRET; return;
		case 0x105: d->op = OP_WFI; return;
		}
		return set_illegal(d, raw);
	}
	if (f3 == 4)
		return set_illegal(d, raw);
	{
		static const uint8_t ops[8] = { 0, OP_CSRRW, OP_CSRRS, OP_CSRRC,
						0, OP_CSRRWI, OP_CSRRSI,
						OP_CSRRCI };
		r_type(d, raw, ops[f3]);
		d->imm = bits(raw, 31, 20);
		/* CSR ops need the true rd to know whether to read. */
		d->rs2 = bits(raw, 11, 7);
	}
}

static void decode_amo(struct insn *d, uint32_t raw)
{
	unsigned f3 = bits(raw, 14, 12), f5 = bits(raw, 31, 27);
	unsigned op;

	if (f3 != 2 && f3 != 3)
		return set_illegal(d, raw);
	switch (f5) {
	case 0x02: op = OP_LR_W; break;
	case 0x03: op = OP_SC_W; break;
	case 0x01: op = OP_AMOSWAP_W; break;
	case 0x00: op = OP_AMOADD_W; break;
	case 0x04: op = OP_AMOXOR_W; break;
	case 0x0c: op = OP_AMOAND_W; break;
	case 0x08: op = OP_AMOOR_W; break;
	case 0x10: op = OP_AMOMIN_W; break;
	case 0x14: op = OP_AMOMAX_W; break;
	case 0x18: op = OP_AMOMINU_W; break;
	case 0x1c: op = OP_AMOMAXU_W; break;
	default: return set_illegal(d, raw);
	}
	if (op == OP_LR_W && bits(raw, 24, 20))
		return set_illegal(d, raw);
	if (f3 == 3) {
		/* The _D ops follow the _W ops in the same order. */
		op = op == OP_LR_W ? OP_LR_D : op == OP_SC_W ? OP_SC_D
		     : op - OP_AMOSWAP_W + OP_AMOSWAP_D;
	}
	r_type(d, raw, op);
}

static void decode_fp(struct insn *d, uint32_t raw)
{
	unsigned f7 = bits(raw, 31, 25), rs2 = bits(raw, 24, 20);
	unsigned f3 = bits(raw, 14, 12);
	unsigned fmt = f7 & 3, f5 = f7 >> 2;
	int dbl = fmt == 1;
	unsigned op = OP_ILLEGAL;
	int int_dest = 0;

	if (fmt > 1)
		return set_illegal(d, raw);
	switch (f5) {
	case 0x00: op = dbl ? OP_FADD_D : OP_FADD_S; break;
	case 0x01: op = dbl ? OP_FSUB_D : OP_FSUB_S; break;
	case 0x02: op = dbl ? OP_FMUL_D : OP_FMUL_S; break;
	case 0x03: op = dbl ? OP_FDIV_D : OP_FDIV_S; break;
	case 0x0b:
		if (rs2 == 0)
			op = dbl ? OP_FSQRT_D : OP_FSQRT_S;
		break;
	case 0x04:
		if (f3 < 3)
			op = (dbl ? OP_FSGNJ_D : OP_FSGNJ_S) + f3;
		break;
	case 0x05:
		if (f3 < 2)
			op = (dbl ? OP_FMIN_D : OP_FMIN_S) + f3;
		break;
	case 0x08:
		if (dbl && rs2 == 0)
			op = OP_FCVT_D_S;
		else if (!dbl && rs2 == 1)
			op = OP_FCVT_S_D;
		break;
	case 0x14:
		int_dest = 1;
		if (f3 == 2)
			op = dbl ? OP_FEQ_D : OP_FEQ_S;
		else if (f3 == 1)
			op = dbl ? OP_FLT_D : OP_FLT_S;
		else if (f3 == 0)
			op = dbl ? OP_FLE_D : OP_FLE_S;
		break;
	case 0x18:
		int_dest = 1;
		if (rs2 < 4)
			op = (dbl ? OP_FCVT_W_D : OP_FCVT_W_S) + rs2;
		break;
	case 0x1a:
		if (rs2 < 4)
			op = (dbl ? OP_FCVT_D_W : OP_FCVT_S_W) + rs2;
		break;
	case 0x1c:
		int_dest = 1;
		if (rs2 == 0 && f3 == 0)
			op = dbl ? OP_FMV_X_D : OP_FMV_X_W;
		else if (rs2 == 0 && f3 == 1)
			op = dbl ? OP_FCLASS_D : OP_FCLASS_S;
		break;
	case 0x1e:
		if (rs2 == 0 && f3 == 0)
			op = dbl ? OP_FMV_D_X : OP_FMV_W_X;
		break;
	}
	if (op == OP_ILLEGAL)
		return set_illegal(d, raw);
	r_type(d, raw, op);
	if (!int_dest)
		d->rd = bits(raw, 11, 7);
	d->rm = f3;
	d->imm = (int32_t)raw;
}

static void decode_fma(struct insn *d, uint32_t raw, unsigned base_s,
		       unsigned base_d)
{
	unsigned fmt = bits(raw, 26, 25);

	if (fmt > 1)
		return set_illegal(d, raw);
	r_type(d, raw, fmt ? base_d : base_s);
	d->rd = bits(raw, 11, 7);
	d->rs3 = bits(raw, 31, 27);
	d->rm = bits(raw, 14, 12);
	d->imm = (int32_t)raw;
}

static void decode32(uint32_t raw, struct insn *d)
{
	switch (bits(raw, 6, 0)) {
	case 0x37:
		d->op = OP_LUI;
		d->rd = rdx(bits(raw, 11, 7));
		d->imm = (int32_t)(raw & 0xfffff000);
		return;
	case 0x17:
		d->op = OP_AUIPC;
		d->rd = rdx(bits(raw, 11, 7));
		d->imm = (int32_t)(raw & 0xfffff000);
		return;
	case 0x6f:
		d->op = OP_JAL;
		d->rd = rdx(bits(raw, 11, 7));
		d->imm = sext(bits(raw, 31, 31) << 20 | bits(raw, 19, 12) << 12 |
			      bits(raw, 20, 20) << 11 | bits(raw, 30, 21) << 1,
			      21);
		return;
	case 0x67:
		if (bits(raw, 14, 12))
			return set_illegal(d, raw);
		return i_type(d, raw, OP_JALR);
	case 0x63: return decode_branch(d, raw);
	case 0x03: return decode_load(d, raw);
	case 0x23: return decode_store(d, raw);
	case 0x13: return decode_op_imm(d, raw, 0);
	case 0x1b: return decode_op_imm(d, raw, 1);
	case 0x33: return decode_op(d, raw, 0);
	case 0x3b: return decode_op(d, raw, 1);
	case 0x0f:
		if (raw == 0x0100000f) {	/* pause (Zihintpause) */
			d->op = OP_RELAX;
			d->rd = X_SINK;
		} else if (bits(raw, 14, 12) == 0)
			d->op = OP_FENCE;
		else if (bits(raw, 14, 12) == 1)
			d->op = OP_FENCE_I;
		else
			set_illegal(d, raw);
		return;
	case 0x73: return decode_system(d, raw);
	case 0x2f: return decode_amo(d, raw);
	case 0x07:
		if (bits(raw, 14, 12) != 2 && bits(raw, 14, 12) != 3)
			return set_illegal(d, raw);
		i_type(d, raw, bits(raw, 14, 12) == 2 ? OP_FLW : OP_FLD);
		d->rd = bits(raw, 11, 7);
		return;
	case 0x27:
		if (bits(raw, 14, 12) != 2 && bits(raw, 14, 12) != 3)
			return set_illegal(d, raw);
		decode_store(d, raw);
		d->op = bits(raw, 14, 12) == 2 ? OP_FSW : OP_FSD;
		return;
	case 0x43: return decode_fma(d, raw, OP_FMADD_S, OP_FMADD_D);
	case 0x47: return decode_fma(d, raw, OP_FMSUB_S, OP_FMSUB_D);
	case 0x4b: return decode_fma(d, raw, OP_FNMSUB_S, OP_FNMSUB_D);
	case 0x4f: return decode_fma(d, raw, OP_FNMADD_S, OP_FNMADD_D);
	case 0x53: return decode_fp(d, raw);
	}
	set_illegal(d, raw);
}

/* Compressed register fields name x8..x15. */
static inline uint8_t creg(uint32_t r)
{
	return (uint8_t)(8 + r);
}

static void c_set(struct insn *d, unsigned op, unsigned rd, unsigned rs1,
		  unsigned rs2, int32_t imm)
{
	d->op = op;
	d->rd = rdx(rd);
	d->rs1 = rs1;
	d->rs2 = rs2;
	d->imm = imm;
}

static void decode_c0(uint32_t r, struct insn *d)
{
	unsigned rd = creg(bits(r, 4, 2)), rs1 = creg(bits(r, 9, 7));
	uint32_t lw_off = bits(r, 12, 10) << 3 | bits(r, 6, 6) << 2 |
			  bits(r, 5, 5) << 6;
	uint32_t ld_off = bits(r, 12, 10) << 3 | bits(r, 6, 5) << 6;

	switch (bits(r, 15, 13)) {
	case 0: {	/* c.addi4spn */
		uint32_t imm = bits(r, 12, 11) << 4 | bits(r, 10, 7) << 6 |
			       bits(r, 6, 6) << 2 | bits(r, 5, 5) << 3;
		if (!imm)
			return set_illegal(d, r);
		return c_set(d, OP_ADDI, rd, 2, 0, (int32_t)imm);
	}
	case 1: c_set(d, OP_FLD, 0, rs1, 0, (int32_t)ld_off);
		d->rd = rd; return;
	case 2: return c_set(d, OP_LW, rd, rs1, 0, (int32_t)lw_off);
	case 3: return c_set(d, OP_LD, rd, rs1, 0, (int32_t)ld_off);
	case 5: return c_set(d, OP_FSD, 0, rs1, rd, (int32_t)ld_off);
	case 6: return c_set(d, OP_SW, 0, rs1, rd, (int32_t)lw_off);
	case 7: return c_set(d, OP_SD, 0, rs1, rd, (int32_t)ld_off);
	}
	set_illegal(d, r);
}

static void decode_c1(uint32_t r, struct insn *d)
{
	unsigned rd = bits(r, 11, 7);
	int32_t imm6 = sext(bits(r, 12, 12) << 5 | bits(r, 6, 2), 6);
	unsigned rs1p = creg(bits(r, 9, 7)), rs2p = creg(bits(r, 4, 2));

	switch (bits(r, 15, 13)) {
	case 0: return c_set(d, OP_ADDI, rd, rd, 0, imm6);	/* c.addi/nop */
	case 1:
		if (!rd)
			return set_illegal(d, r);
		return c_set(d, OP_ADDIW, rd, rd, 0, imm6);
	case 2: return c_set(d, OP_ADDI, rd, 0, 0, imm6);	/* c.li */
	case 3:
		if (rd == 2) {	/* c.addi16sp */
			int32_t imm = sext(bits(r, 12, 12) << 9 |
					   bits(r, 6, 6) << 4 |
					   bits(r, 5, 5) << 6 |
					   bits(r, 4, 3) << 7 |
					   bits(r, 2, 2) << 5, 10);
			if (!imm)
				return set_illegal(d, r);
			return c_set(d, OP_ADDI, 2, 2, 0, imm);
		}
		if (!imm6)
			return set_illegal(d, r);
		return c_set(d, OP_LUI, rd, 0, 0, imm6 * 4096);
	case 4: {
		unsigned f2 = bits(r, 11, 10);
		uint32_t shamt = bits(r, 12, 12) << 5 | bits(r, 6, 2);

		if (f2 == 0)
			return c_set(d, OP_SRLI, rs1p, rs1p, 0, (int32_t)shamt);
		if (f2 == 1)
			return c_set(d, OP_SRAI, rs1p, rs1p, 0, (int32_t)shamt);
		if (f2 == 2)
			return c_set(d, OP_ANDI, rs1p, rs1p, 0, imm6);
		{
			static const uint8_t o[8] = {
				OP_SUB, OP_XOR, OP_OR, OP_AND,
				OP_SUBW, OP_ADDW, OP_ILLEGAL, OP_ILLEGAL };
			unsigned op = o[bits(r, 12, 12) << 2 | bits(r, 6, 5)];

			if (op == OP_ILLEGAL)
				return set_illegal(d, r);
			return c_set(d, op, rs1p, rs1p, rs2p, 0);
		}
	}
	case 5: {	/* c.j */
		int32_t imm = sext(bits(r, 12, 12) << 11 | bits(r, 11, 11) << 4 |
				   bits(r, 10, 9) << 8 | bits(r, 8, 8) << 10 |
				   bits(r, 7, 7) << 6 | bits(r, 6, 6) << 7 |
				   bits(r, 5, 3) << 1 | bits(r, 2, 2) << 5, 12);
		return c_set(d, OP_JAL, 0, 0, 0, imm);
	}
	case 6:
	case 7: {
		int32_t imm = sext(bits(r, 12, 12) << 8 | bits(r, 11, 10) << 3 |
				   bits(r, 6, 5) << 6 | bits(r, 4, 3) << 1 |
				   bits(r, 2, 2) << 5, 9);
		c_set(d, bits(r, 13, 13) ? OP_BNE : OP_BEQ, 0, rs1p, 0, imm);
		return;
	}
	}
}

static void decode_c2(uint32_t r, struct insn *d)
{
	unsigned rd = bits(r, 11, 7), rs2 = bits(r, 6, 2);
	uint32_t lwsp = bits(r, 12, 12) << 5 | bits(r, 6, 4) << 2 |
			bits(r, 3, 2) << 6;
	uint32_t ldsp = bits(r, 12, 12) << 5 | bits(r, 6, 5) << 3 |
			bits(r, 4, 2) << 6;
	uint32_t swsp = bits(r, 12, 9) << 2 | bits(r, 8, 7) << 6;
	uint32_t sdsp = bits(r, 12, 10) << 3 | bits(r, 9, 7) << 6;

	switch (bits(r, 15, 13)) {
	case 0: {
		uint32_t shamt = bits(r, 12, 12) << 5 | bits(r, 6, 2);
		return c_set(d, OP_SLLI, rd, rd, 0, (int32_t)shamt);
	}
	case 1: c_set(d, OP_FLD, 0, 2, 0, (int32_t)ldsp);
		d->rd = rd; return;
	case 2:
		if (!rd)
			return set_illegal(d, r);
		return c_set(d, OP_LW, rd, 2, 0, (int32_t)lwsp);
	case 3:
		if (!rd)
			return set_illegal(d, r);
		return c_set(d, OP_LD, rd, 2, 0, (int32_t)ldsp);
	case 4:
		if (!bits(r, 12, 12)) {
			if (rs2 == 0) {	/* c.jr */
				if (!rd)
					return set_illegal(d, r);
				return c_set(d, OP_JALR, 0, rd, 0, 0);
			}
			return c_set(d, OP_ADD, rd, 0, rs2, 0);	/* c.mv */
		}
		if (rs2 == 0) {
			if (rd == 0)
				return c_set(d, OP_EBREAK, 0, 0, 0, 0);
			return c_set(d, OP_JALR, 1, rd, 0, 0);	/* c.jalr */
		}
		return c_set(d, OP_ADD, rd, rd, rs2, 0);
	case 5: return c_set(d, OP_FSD, 0, 2, rs2, (int32_t)sdsp);
	case 6: return c_set(d, OP_SW, 0, 2, rs2, (int32_t)swsp);
	case 7: return c_set(d, OP_SD, 0, 2, rs2, (int32_t)sdsp);
	}
}

void insn_decode(uint32_t raw, struct insn *d)
{
	memset(d, 0, sizeof(*d));
	if ((raw & 3) == 3) {
		decode32(raw, d);
		d->len = 4;
		d->step = 2;
		d->raw = raw;
		return;
	}
	d->len = 2;
	raw &= 0xffff;
	if (raw == 0) {		/* the all-zero halfword is illegal */
		set_illegal(d, raw);
		return;
	}
	switch (raw & 3) {
	case 0: decode_c0(raw, d); break;
	case 1: decode_c1(raw, d); break;
	case 2: decode_c2(raw, d); break;
	}
	if (d->op == OP_ILLEGAL)
		d->imm = (int32_t)raw;
	d->len = 2;
	d->step = 1;
	d->raw = raw;
}

#define OP_NAME(name) #name,
static const char *const op_names[] = { OP_LIST(OP_NAME) };

const char *insn_op_name(unsigned op)
{
	return op < OP_COUNT ? op_names[op] : "?";
}
