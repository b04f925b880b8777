/*
 * One faulting instruction per stub, each followed by a ret that is never
 * reached: badaccess.c's trap handler returns straight to the caller (ra),
 * so a stub behaves like a function that "returns" once it has trapped.
 * a0 is the address for the memory stubs. No compressed encodings: every
 * stval below is the 32-bit word the stub's label points at.
 */
	.text
	.option push
	.option norvc

	.macro stub name
	.balign	4
	.globl	\name
\name:
	.endm

/* Memory accesses at a0. */
stub stub_ld
	ld	a0, 0(a0)
	ret
stub stub_lbu
	lbu	a0, 0(a0)
	ret
stub stub_fld
	fld	ft0, 0(a0)
	ret
stub stub_lr
	lr.d	a0, (a0)
	ret
stub stub_sd
	sd	zero, 0(a0)
	ret
stub stub_sb
	sb	zero, 0(a0)
	ret
stub stub_amo
	amoadd.w zero, zero, (a0)
	ret
stub stub_jump
	jr	a0

/* Illegal instructions. */
stub stub_zero_word
	.4byte	0x00000000	/* what zeroed memory decodes as */
	ret
stub stub_custom0
	.4byte	0x0000000b	/* custom-0, no vendor extension */
	ret
stub stub_reserved
	.4byte	0x00000077	/* major opcode 0b1110111, reserved */
	ret
stub stub_csrr_mstatus
	csrr	a0, mstatus	/* M-mode CSR from S-mode */
	ret
stub stub_csrw_cycle
	csrw	cycle, zero	/* read-only CSR */
	ret
stub stub_mret
	mret			/* M-mode only */
	ret
stub stub_fadd
	fadd.d	ft0, ft0, ft0	/* called with sstatus.FS = Off */
	ret

	.option pop
