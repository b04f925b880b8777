/* SPDX-License-Identifier: MIT */
/*
 * A bench for interpreter unit tests: a machine with 4 MiB of RAM at
 * 0x8000_0000, the UART at its virt address (SBI console output is
 * captured), a shutdown sink that records calls, and one or more vCPUs
 * that the test drives itself with cpu_exec_slice(). Also a tiny
 * assembler: an encoder per instruction format, mnemonic macros on top,
 * and an emit cursor into guest RAM.
 *
 * Snippets end in a `j .` self-loop (h_end) and traps go to a page of
 * self-loops (H_TRAP), so "where did it stop" is the test's question:
 * h_run() runs slices until the pc reaches the snippet's end or the trap
 * page.
 */
#ifndef HV_TEST_CPU_HARNESS_H
#define HV_TEST_CPU_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "cpu/hart.h"
#include "platform/uart.h"

#define H_RAM_BASE	0x80000000ull
#define H_RAM_SIZE	(4ull << 20)
#define H_TRAP		0x80001000ull	/* stvec: a page of `j .` */
#define H_CODE		0x80010000ull	/* default snippet address */
#define H_DATA		0x80100000ull	/* scratch data, 1 MiB */
#define H_PT_POOL	0x80380000ull	/* page tables, bump-allocated */
#define H_PT_END	0x80400000ull

#define H_OUT_MAX	4096

/* CSR numbers the tests use (csr.c keeps its own enum private). */
enum {
	CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
	CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105,
	CSR_SCOUNTEREN = 0x106, CSR_SSCRATCH = 0x140, CSR_SEPC = 0x141,
	CSR_SCAUSE = 0x142, CSR_STVAL = 0x143, CSR_SIP = 0x144,
	CSR_SATP = 0x180, CSR_CYCLE = 0xc00, CSR_TIME = 0xc01,
	CSR_INSTRET = 0xc02, CSR_HPM3 = 0xc03,
};

/* Register names. */
enum {
	ZERO = 0, RA, SP, GP, TP, T0, T1, T2, S0, S1,
	A0, A1, A2, A3, A4, A5, A6, A7,
	S2, S3, S4, S5, S6, S7, S8, S9, S10, S11, T3, T4, T5, T6,
};

#define SATP_SV39 (8ull << 60)

#define IRQ_CAUSE(n) ((1ull << 63) | (n))

struct harness {
	uint8_t *ram;
	struct bus bus;
	struct cpu_platform plat;
	struct uart *uart;
	struct cpu *cpu[HV_MAX_VCPUS];
	unsigned nr_cpus;
	/* vCPUs a test runs on their own threads: h_write leaves them be */
	bool threaded[HV_MAX_VCPUS];
	/* SBI console output (uart backend) */
	pthread_mutex_t out_lock;
	char out[H_OUT_MAX + 1];
	size_t out_len;
	/* shutdown sink */
	int shutdowns;
	enum hv_shutdown_kind sd_kind;
	int sd_code;
	/* emit cursor (guest-physical, or virtual through h_org_va) */
	uint64_t pc;
	uint8_t *pc_host;
	uint64_t pt_next;
};

/*
 * A bench with @nr_cpus vCPUs in S-mode, bare translation, stvec = H_TRAP;
 * vCPU 0 is HSM-started, the others stopped. Fails the test on error.
 */
struct harness *h_create(unsigned nr_cpus);
void h_destroy(struct harness *h);

/* cmocka fixtures: *state = a bench with 1 (2) vCPUs. */
int h_setup1(void **state);
int h_setup2(void **state);
int h_teardown(void **state);

/* Host pointer to guest-physical @pa (must be RAM). */
void *h_ptr(struct harness *h, uint64_t pa);
/*
 * Copies into guest RAM as a device would: decoded code of the range is
 * dropped on every vCPU not marked threaded (tests rewrite snippets in
 * place).
 */
void h_write(struct harness *h, uint64_t pa, const void *src, size_t len);
void h_w32(struct harness *h, uint64_t pa, uint32_t v);
void h_w64(struct harness *h, uint64_t pa, uint64_t v);
uint32_t h_r32(struct harness *h, uint64_t pa);
uint64_t h_r64(struct harness *h, uint64_t pa);

/* Emit cursor: h_org sets it; e32/e16 append; h_end appends `j .`
 * and returns its address. */
void h_org(struct harness *h, uint64_t pa);
/* Cursor at virtual @va backed by guest-physical @pa. */
void h_org_va(struct harness *h, uint64_t va, uint64_t pa);
uint64_t e32(struct harness *h, uint32_t insn);
uint64_t e16(struct harness *h, uint16_t insn);
uint64_t h_end(struct harness *h);
/* Appends `li rd, v` (lui/addiw/slli/addi sequence, any 64-bit v). */
void e_li(struct harness *h, unsigned rd, uint64_t v);

/*
 * Runs @c from @pc in slices until its pc is @end or inside the trap
 * page, or ~20M instructions have run. Returns the final pc.
 */
uint64_t h_run(struct harness *h, struct cpu *c, uint64_t pc, uint64_t end);
/* Same from the current pc. */
uint64_t h_resume(struct harness *h, struct cpu *c, uint64_t end);

/*
 * Runs the one instruction @insn on vCPU 0 at H_CODE with a1 = @a,
 * a2 = @b (a0 = a marker) and returns a0; fails the test if it traps.
 */
uint64_t h_op(struct harness *h, uint32_t insn, uint64_t a, uint64_t b);
/* A table of h_op() cases: a0 = insn(a1 = a, a2 = b) must be want. */
struct h_case {
	uint32_t insn;
	uint64_t a, b, want;
};
void h_check_cases(struct harness *h, const struct h_case *k, size_t n);
#define H_CHECK(h, k) h_check_cases(h, k, sizeof(k) / sizeof((k)[0]))

/*
 * Runs @insn on @c at H_CODE expecting a trap: checks scause = @cause
 * and sepc = H_CODE, returns stval.
 */
uint64_t h_trap1(struct harness *h, struct cpu *c, uint32_t insn,
		 uint64_t cause);

/* Switches @c to privilege @priv (PRV_U / PRV_S) with its TLB set. */
void h_set_priv(struct cpu *c, unsigned priv);
/* csr_write / csr_read that must succeed. */
void h_csrw(struct cpu *c, unsigned csr, uint64_t v);
uint64_t h_csrr(struct cpu *c, unsigned csr);

/* Page tables: a zeroed table page from the pool. */
uint64_t h_pt_alloc(struct harness *h);
/*
 * Maps @va to @pa with a leaf at @level (0: 4K, 1: 2M, 2: 1G) holding
 * @flags (PTE_*); intermediate tables are created as needed. Returns
 * the host pointer to the leaf PTE.
 */
uint64_t *h_map(struct harness *h, uint64_t root, uint64_t va, uint64_t pa,
		int level, uint64_t flags);
/* A root with VA 0x8000_0000 + 1G identity-mapped RWX (S-only, A|D). */
uint64_t h_sv39_root(struct harness *h);
/* satp = Sv39 @root on @c, TLB flushed. */
void h_sv39_on(struct cpu *c, uint64_t root);

/* The SBI console output so far, NUL-terminated. */
const char *h_out(struct harness *h);

/* ---- encoders ---- */

/*
 * Format encoders, as macros so that tables of encodings are constant
 * expressions. Immediates are byte offsets / signed values.
 */
#define U32(x) ((uint32_t)(x))
#define enc_r(opc, f3, f7, rd, rs1, rs2)				\
	(U32(f7) << 25 | U32(rs2) << 20 | U32(rs1) << 15 | U32(f3) << 12 | \
	 U32(rd) << 7 | U32(opc))
#define enc_i(opc, f3, rd, rs1, imm)					\
	((U32(imm) & 0xfff) << 20 | U32(rs1) << 15 | U32(f3) << 12 |	\
	 U32(rd) << 7 | U32(opc))
#define enc_s(opc, f3, rs1, rs2, imm)					\
	((U32(imm) >> 5 & 0x7f) << 25 | U32(rs2) << 20 | U32(rs1) << 15 | \
	 U32(f3) << 12 | (U32(imm) & 0x1f) << 7 | U32(opc))
#define enc_b(f3, rs1, rs2, off)					\
	((U32(off) >> 12 & 1) << 31 | (U32(off) >> 5 & 0x3f) << 25 |	\
	 U32(rs2) << 20 | U32(rs1) << 15 | U32(f3) << 12 |		\
	 (U32(off) >> 1 & 0xf) << 8 | (U32(off) >> 11 & 1) << 7 | 0x63u)
#define enc_u(opc, rd, imm20)						\
	((U32(imm20) & 0xfffff) << 12 | U32(rd) << 7 | U32(opc))
#define enc_j(rd, off)							\
	((U32(off) >> 20 & 1) << 31 | (U32(off) >> 1 & 0x3ff) << 21 |	\
	 (U32(off) >> 11 & 1) << 20 | (U32(off) >> 12 & 0xff) << 12 |	\
	 U32(rd) << 7 | 0x6fu)

/* RV64I */
#define LUI(rd, imm20)		enc_u(0x37, rd, imm20)
#define AUIPC(rd, imm20)	enc_u(0x17, rd, imm20)
#define JAL(rd, off)		enc_j(rd, off)
#define JALR(rd, rs1, imm)	enc_i(0x67, 0, rd, rs1, imm)
#define BEQ(a, b, off)		enc_b(0, a, b, off)
#define BNE(a, b, off)		enc_b(1, a, b, off)
#define BLT(a, b, off)		enc_b(4, a, b, off)
#define BGE(a, b, off)		enc_b(5, a, b, off)
#define BLTU(a, b, off)		enc_b(6, a, b, off)
#define BGEU(a, b, off)		enc_b(7, a, b, off)
#define LB(rd, rs1, imm)	enc_i(0x03, 0, rd, rs1, imm)
#define LH(rd, rs1, imm)	enc_i(0x03, 1, rd, rs1, imm)
#define LW(rd, rs1, imm)	enc_i(0x03, 2, rd, rs1, imm)
#define LD(rd, rs1, imm)	enc_i(0x03, 3, rd, rs1, imm)
#define LBU(rd, rs1, imm)	enc_i(0x03, 4, rd, rs1, imm)
#define LHU(rd, rs1, imm)	enc_i(0x03, 5, rd, rs1, imm)
#define LWU(rd, rs1, imm)	enc_i(0x03, 6, rd, rs1, imm)
#define SB(rs2, rs1, imm)	enc_s(0x23, 0, rs1, rs2, imm)
#define SH(rs2, rs1, imm)	enc_s(0x23, 1, rs1, rs2, imm)
#define SW(rs2, rs1, imm)	enc_s(0x23, 2, rs1, rs2, imm)
#define SD(rs2, rs1, imm)	enc_s(0x23, 3, rs1, rs2, imm)
#define ADDI(rd, rs1, imm)	enc_i(0x13, 0, rd, rs1, imm)
#define SLTI(rd, rs1, imm)	enc_i(0x13, 2, rd, rs1, imm)
#define SLTIU(rd, rs1, imm)	enc_i(0x13, 3, rd, rs1, imm)
#define XORI(rd, rs1, imm)	enc_i(0x13, 4, rd, rs1, imm)
#define ORI(rd, rs1, imm)	enc_i(0x13, 6, rd, rs1, imm)
#define ANDI(rd, rs1, imm)	enc_i(0x13, 7, rd, rs1, imm)
#define SLLI(rd, rs1, sh)	enc_i(0x13, 1, rd, rs1, sh)
#define SRLI(rd, rs1, sh)	enc_i(0x13, 5, rd, rs1, sh)
#define SRAI(rd, rs1, sh)	enc_i(0x13, 5, rd, rs1, 0x400 | (sh))
#define ADD(rd, a, b)		enc_r(0x33, 0, 0x00, rd, a, b)
#define SUB(rd, a, b)		enc_r(0x33, 0, 0x20, rd, a, b)
#define SLL(rd, a, b)		enc_r(0x33, 1, 0x00, rd, a, b)
#define SLT(rd, a, b)		enc_r(0x33, 2, 0x00, rd, a, b)
#define SLTU(rd, a, b)		enc_r(0x33, 3, 0x00, rd, a, b)
#define XOR(rd, a, b)		enc_r(0x33, 4, 0x00, rd, a, b)
#define SRL(rd, a, b)		enc_r(0x33, 5, 0x00, rd, a, b)
#define SRA(rd, a, b)		enc_r(0x33, 5, 0x20, rd, a, b)
#define OR(rd, a, b)		enc_r(0x33, 6, 0x00, rd, a, b)
#define AND(rd, a, b)		enc_r(0x33, 7, 0x00, rd, a, b)
#define ADDIW(rd, rs1, imm)	enc_i(0x1b, 0, rd, rs1, imm)
#define SLLIW(rd, rs1, sh)	enc_i(0x1b, 1, rd, rs1, sh)
#define SRLIW(rd, rs1, sh)	enc_i(0x1b, 5, rd, rs1, sh)
#define SRAIW(rd, rs1, sh)	enc_i(0x1b, 5, rd, rs1, 0x400 | (sh))
#define ADDW(rd, a, b)		enc_r(0x3b, 0, 0x00, rd, a, b)
#define SUBW(rd, a, b)		enc_r(0x3b, 0, 0x20, rd, a, b)
#define SLLW(rd, a, b)		enc_r(0x3b, 1, 0x00, rd, a, b)
#define SRLW(rd, a, b)		enc_r(0x3b, 5, 0x00, rd, a, b)
#define SRAW(rd, a, b)		enc_r(0x3b, 5, 0x20, rd, a, b)
#define FENCE()			0x0ff0000fu
#define FENCE_I()		0x0000100fu
#define ECALL()			0x00000073u
#define EBREAK()		0x00100073u
#define SRET()			0x10200073u
#define WFI()			0x10500073u
#define SFENCE_VMA(a, b)	enc_r(0x73, 0, 0x09, 0, a, b)
#define CSRRW(rd, csr, rs1)	enc_i(0x73, 1, rd, rs1, csr)
#define CSRRS(rd, csr, rs1)	enc_i(0x73, 2, rd, rs1, csr)
#define CSRRC(rd, csr, rs1)	enc_i(0x73, 3, rd, rs1, csr)
#define CSRRWI(rd, csr, u)	enc_i(0x73, 5, rd, u, csr)
#define CSRRSI(rd, csr, u)	enc_i(0x73, 6, rd, u, csr)
#define CSRRCI(rd, csr, u)	enc_i(0x73, 7, rd, u, csr)
#define NOP()			ADDI(0, 0, 0)

/* M */
#define MUL(rd, a, b)		enc_r(0x33, 0, 1, rd, a, b)
#define MULH(rd, a, b)		enc_r(0x33, 1, 1, rd, a, b)
#define MULHSU(rd, a, b)	enc_r(0x33, 2, 1, rd, a, b)
#define MULHU(rd, a, b)		enc_r(0x33, 3, 1, rd, a, b)
#define DIV(rd, a, b)		enc_r(0x33, 4, 1, rd, a, b)
#define DIVU(rd, a, b)		enc_r(0x33, 5, 1, rd, a, b)
#define REM(rd, a, b)		enc_r(0x33, 6, 1, rd, a, b)
#define REMU(rd, a, b)		enc_r(0x33, 7, 1, rd, a, b)
#define MULW(rd, a, b)		enc_r(0x3b, 0, 1, rd, a, b)
#define DIVW(rd, a, b)		enc_r(0x3b, 4, 1, rd, a, b)
#define DIVUW(rd, a, b)		enc_r(0x3b, 5, 1, rd, a, b)
#define REMW(rd, a, b)		enc_r(0x3b, 6, 1, rd, a, b)
#define REMUW(rd, a, b)		enc_r(0x3b, 7, 1, rd, a, b)

/* A: f5 is the operation, width 2 (W) or 3 (D); aq/rl clear. */
#define AMO(f5, w, rd, rs1, rs2) enc_r(0x2f, w, (f5) << 2, rd, rs1, rs2)
#define LR_W(rd, rs1)		AMO(0x02, 2, rd, rs1, 0)
#define SC_W(rd, rs2, rs1)	AMO(0x03, 2, rd, rs1, rs2)
#define LR_D(rd, rs1)		AMO(0x02, 3, rd, rs1, 0)
#define SC_D(rd, rs2, rs1)	AMO(0x03, 3, rd, rs1, rs2)
enum { AMO_ADD = 0x00, AMO_SWAP = 0x01, AMO_XOR = 0x04, AMO_OR = 0x08,
       AMO_AND = 0x0c, AMO_MIN = 0x10, AMO_MAX = 0x14, AMO_MINU = 0x18,
       AMO_MAXU = 0x1c };

/* F and D (registers are f numbers) */
#define FLW(fd, rs1, imm)	enc_i(0x07, 2, fd, rs1, imm)
#define FLD(fd, rs1, imm)	enc_i(0x07, 3, fd, rs1, imm)
#define FSW(fs, rs1, imm)	enc_s(0x27, 2, rs1, fs, imm)
#define FSD(fs, rs1, imm)	enc_s(0x27, 3, rs1, fs, imm)
#define FOP(f7, rm, rd, a, b)	enc_r(0x53, rm, f7, rd, a, b)
#define FADD_S(rd, a, b, rm)	FOP(0x00, rm, rd, a, b)
#define FDIV_S(rd, a, b, rm)	FOP(0x0c, rm, rd, a, b)
#define FADD_D(rd, a, b, rm)	FOP(0x01, rm, rd, a, b)
#define FDIV_D(rd, a, b, rm)	FOP(0x0d, rm, rd, a, b)
#define FSQRT_D(rd, a, rm)	FOP(0x2d, rm, rd, a, 0)
#define FSGNJ_D(rd, a, b)	FOP(0x11, 0, rd, a, b)
#define FMIN_S(rd, a, b)	FOP(0x14, 0, rd, a, b)
#define FEQ_D(rd, a, b)		FOP(0x51, 2, rd, a, b)
#define FLT_S(rd, a, b)		FOP(0x50, 1, rd, a, b)
#define FCVT_W_D(rd, a, rm)	FOP(0x61, rm, rd, a, 0)
#define FCVT_D_L(rd, a, rm)	FOP(0x69, rm, rd, a, 2)
#define FCVT_S_D(rd, a, rm)	FOP(0x20, rm, rd, a, 1)
#define FCVT_D_S(rd, a, rm)	FOP(0x21, rm, rd, a, 0)
#define FMV_X_W(rd, a)		FOP(0x70, 0, rd, a, 0)
#define FMV_X_D(rd, a)		FOP(0x71, 0, rd, a, 0)
#define FCLASS_D(rd, a)		FOP(0x71, 1, rd, a, 0)
#define FMV_W_X(rd, a)		FOP(0x78, 0, rd, a, 0)
#define FMV_D_X(rd, a)		FOP(0x79, 0, rd, a, 0)
#define FMADD_D(rd, a, b, c, rm)					\
	(U32(c) << 27 | 1u << 25 | U32(b) << 20 | U32(a) << 15 |	\
	 U32(rm) << 12 | U32(rd) << 7 | 0x43u)

#define RM_RNE 0
#define RM_RTZ 1
#define RM_DYN 7

#endif
