/*
 * The U-mode program of the umode guest. It is linked into the page-aligned
 * .user section and runs at USER_VA (umode.c maps it there), so everything
 * here is position independent. System calls: a7 = number, a0/a1 = args.
 */
#define USER_DEMAND_LOAD 0x40180000
#define USER_DEMAND_STORE 0x40181000
#define SYS_PUTS 1
#define SYS_REPORT 2
#define SYS_EXIT 3
#define SYS_ANSWER 4

	.section .user.text, "ax"
	.option push
	.option norvc
	.balign	4
	.globl	user_entry
user_entry:
	la	a0, msg_hello
	li	a7, SYS_PUTS
	ecall

	/* Load from a page the kernel maps when the fault arrives. */
	li	t0, USER_DEMAND_LOAD
	ld	a1, 0(t0)
	li	a0, 1
	li	a7, SYS_REPORT
	ecall

	/* Store to another such page, then read it back. */
	li	t0, USER_DEMAND_STORE
	li	t1, 0x5a5a0001
	sd	t1, 8(t0)
	ld	a1, 8(t0)
	li	a0, 2
	li	a7, SYS_REPORT
	ecall

	/* A supervisor CSR from U-mode: illegal instruction. */
	li	a1, 0
	csrr	a1, sstatus
	li	a0, 3
	li	a7, SYS_REPORT
	ecall

	/* A system call that returns a value. */
	li	a7, SYS_ANSWER
	ecall
	mv	a1, a0
	li	a0, 4
	li	a7, SYS_REPORT
	ecall

	/* A supervisor-only page: the kernel refuses and skips the load. */
	li	t0, 0x80200000
	li	a1, 0
	ld	a1, 0(t0)
	li	a0, 5
	li	a7, SYS_REPORT
	ecall

	/* The stack works (it is a mapped U page). */
	addi	sp, sp, -16
	li	t1, 0x77
	sd	t1, 0(sp)
	ld	a1, 0(sp)
	addi	sp, sp, 16
	li	a0, 6
	li	a7, SYS_REPORT
	ecall

	la	a0, msg_bye
	li	a7, SYS_PUTS
	ecall
	li	a0, 0
	li	a7, SYS_EXIT
	ecall
1:	j	1b

	/* Fetched from S-mode by the SUM test: must fault, never run. */
	.globl	user_ret
user_ret:
	ret
	.option pop

	.section .user.rodata, "a"
msg_hello:
	.asciz	"hello from U-mode"
msg_bye:
	.asciz	"U-mode done"
