/*
 * Entry, per-hart stacks and the S-mode trap vector.
 *
 * _start: the boot hart (any id), a0 = hart id, a1 = DTB, S-mode, MMU off.
 * rt_secondary_entry: harts started with SBI HSM hart_start, a1 = opaque.
 *
 * sscratch is 0 while a hart runs in S-mode and holds the kernel stack
 * pointer while it runs in U-mode, so the vector can tell where it came
 * from and switch stacks.
 */
#define TF_SIZE (36 * 8)
#define TF_SSTATUS (32 * 8)
#define TF_SEPC (33 * 8)
#define TF_SCAUSE (34 * 8)
#define TF_STVAL (35 * 8)
#define STACK_SIZE 65536
#define MAX_HARTS 8

	.macro hart_setup
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	mv	tp, a0
	csrw	sie, zero
	csrw	sscratch, zero
	la	t0, trap_vector
	csrw	stvec, t0
	li	t0, (1 << 13)		/* sstatus.FS = Initial */
	csrs	sstatus, t0
	csrw	fcsr, zero
	li	t0, MAX_HARTS
	bgeu	a0, t0, park
	addi	t0, a0, 1
	li	t1, STACK_SIZE
	mul	t0, t0, t1
	la	sp, __stacks_start
	add	sp, sp, t0
	.endm

	.section .text.start, "ax"
	.globl	_start
_start:
	mv	s0, a0
	mv	s1, a1
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	fence	rw, rw
	hart_setup
	mv	a0, s0
	mv	a1, s1
	call	rt_boot
	j	park

	.globl	rt_secondary_entry
rt_secondary_entry:
	mv	s0, a0
	mv	s1, a1
	hart_setup
	mv	a0, s0
	mv	a1, s1
	call	rt_secondary
park:
	wfi
	j	park

	.text
	.balign	4
	.globl	trap_vector
trap_vector:
	csrrw	sp, sscratch, sp
	bnez	sp, 1f			/* from U: sp is now the kernel stack */
	csrr	sp, sscratch		/* from S: take the old sp back */
1:	addi	sp, sp, -TF_SIZE
	sd	x1, 1*8(sp)
	sd	x3, 3*8(sp)
	sd	x4, 4*8(sp)
	sd	x5, 5*8(sp)
	sd	x6, 6*8(sp)
	sd	x7, 7*8(sp)
	sd	x8, 8*8(sp)
	sd	x9, 9*8(sp)
	sd	x10, 10*8(sp)
	sd	x11, 11*8(sp)
	sd	x12, 12*8(sp)
	sd	x13, 13*8(sp)
	sd	x14, 14*8(sp)
	sd	x15, 15*8(sp)
	sd	x16, 16*8(sp)
	sd	x17, 17*8(sp)
	sd	x18, 18*8(sp)
	sd	x19, 19*8(sp)
	sd	x20, 20*8(sp)
	sd	x21, 21*8(sp)
	sd	x22, 22*8(sp)
	sd	x23, 23*8(sp)
	sd	x24, 24*8(sp)
	sd	x25, 25*8(sp)
	sd	x26, 26*8(sp)
	sd	x27, 27*8(sp)
	sd	x28, 28*8(sp)
	sd	x29, 29*8(sp)
	sd	x30, 30*8(sp)
	sd	x31, 31*8(sp)
	csrr	t0, sscratch
	sd	t0, 2*8(sp)		/* the interrupted sp */
	csrw	sscratch, zero
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	mv	a0, sp
	call	trap_dispatch

	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	andi	t0, t0, (1 << 8)	/* SPP */
	bnez	t0, 2f
	addi	t0, sp, TF_SIZE		/* back to U: remember the kernel sp */
	csrw	sscratch, t0
2:	ld	x1, 1*8(sp)
	ld	x3, 3*8(sp)
	ld	x4, 4*8(sp)
	ld	x5, 5*8(sp)
	ld	x6, 6*8(sp)
	ld	x7, 7*8(sp)
	ld	x8, 8*8(sp)
	ld	x9, 9*8(sp)
	ld	x10, 10*8(sp)
	ld	x11, 11*8(sp)
	ld	x12, 12*8(sp)
	ld	x13, 13*8(sp)
	ld	x14, 14*8(sp)
	ld	x15, 15*8(sp)
	ld	x16, 16*8(sp)
	ld	x17, 17*8(sp)
	ld	x18, 18*8(sp)
	ld	x19, 19*8(sp)
	ld	x20, 20*8(sp)
	ld	x21, 21*8(sp)
	ld	x22, 22*8(sp)
	ld	x23, 23*8(sp)
	ld	x24, 24*8(sp)
	ld	x25, 25*8(sp)
	ld	x26, 26*8(sp)
	ld	x27, 27*8(sp)
	ld	x28, 28*8(sp)
	ld	x29, 29*8(sp)
	ld	x30, 30*8(sp)
	ld	x31, 31*8(sp)
	ld	sp, 2*8(sp)
	sret

/*
 * long rt_enter_user(unsigned long pc, unsigned long usp, struct rt_kctx *k)
 * Saves the callee-saved state in *k and srets to U-mode at pc with sp = usp.
 * Returns (through rt_leave_user) the value given to rt_leave_user.
 */
	.globl	rt_enter_user
rt_enter_user:
	sd	ra, 0*8(a2)
	sd	sp, 1*8(a2)
	sd	s0, 2*8(a2)
	sd	s1, 3*8(a2)
	sd	s2, 4*8(a2)
	sd	s3, 5*8(a2)
	sd	s4, 6*8(a2)
	sd	s5, 7*8(a2)
	sd	s6, 8*8(a2)
	sd	s7, 9*8(a2)
	sd	s8, 10*8(a2)
	sd	s9, 11*8(a2)
	sd	s10, 12*8(a2)
	sd	s11, 13*8(a2)
	csrw	sepc, a0
	li	t0, (1 << 8)		/* SPP = U */
	csrc	sstatus, t0
	li	t0, (1 << 5)		/* SPIE */
	csrs	sstatus, t0
	csrw	sscratch, sp
	mv	sp, a1
	li	ra, 0
	sret

/* void rt_leave_user(struct rt_kctx *k, long ret): back out of rt_enter_user. */
	.globl	rt_leave_user
rt_leave_user:
	ld	ra, 0*8(a0)
	ld	sp, 1*8(a0)
	ld	s0, 2*8(a0)
	ld	s1, 3*8(a0)
	ld	s2, 4*8(a0)
	ld	s3, 5*8(a0)
	ld	s4, 6*8(a0)
	ld	s5, 7*8(a0)
	ld	s6, 8*8(a0)
	ld	s7, 9*8(a0)
	ld	s8, 10*8(a0)
	ld	s9, 11*8(a0)
	ld	s10, 12*8(a0)
	ld	s11, 13*8(a0)
	csrw	sscratch, zero
	mv	a0, a1
	ret
