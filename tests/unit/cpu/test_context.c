// SPDX-License-Identifier: MIT
/*
 * vCPU context get/set: a context taken from one vCPU and given to
 * another makes the second continue exactly as the first would.
 */
#include <errno.h>
#include <string.h>
#include "harness.h"

/* A snippet whose result depends on registers, FP state and CSRs. */
static uint64_t emit_mix(struct harness *h)
{
	h_org(h, H_CODE);
	e32(h, ADD(A0, A0, A1));
	e32(h, ADDIW(A2, A0, 7));
	e32(h, SLLI(A3, A2, 13));
	e32(h, ADD(A0, A3, A4));
	return h_end(h);
}

static void test_move(void **state)
{
	struct harness *h = *state;
	struct cpu *a = h->cpu[0], *b = h->cpu[1];
	struct cpu_context ca, cb, back;
	uint64_t end = emit_mix(h);

	for (unsigned r = 1; r < 32; r++)
		a->x[r] = 0x1111111111111111ull * (r % 15) + r;
	for (unsigned r = 0; r < 32; r++)
		a->f[r] = 0xffffffff00000000ull | r;
	a->sscratch = 0x5c5c;
	a->scounteren = 7;
	a->frm = 3;
	a->fflags = 0x11;
	a->status |= SSTATUS_FS_DIRTY | SSTATUS_SUM;
	atomic_store(&a->timecmp, 123456789);
	a->lr_valid = true;
	a->lr_addr = H_DATA;
	a->lr_val = 42;
	a->pc = H_CODE;
	cpu_interp_ops.get_context(a, &ca);
	assert_int_equal(cpu_interp_ops.set_context(b, &ca), 0);
	cpu_interp_ops.get_context(b, &cb);
	assert_memory_equal(&ca, &cb, sizeof(ca));

	/* Both continue from there to the same state. */
	h_resume(h, a, end);
	h_resume(h, b, end);
	cpu_interp_ops.get_context(a, &ca);
	cpu_interp_ops.get_context(b, &cb);
	ca.instret = cb.instret = 0;	/* counted per slice, not per insn */
	assert_memory_equal(&ca, &cb, sizeof(ca));
	assert_int_equal(cb.pc, end);
	assert_int_equal(cb.timecmp, 123456789);

	/* Bad contexts change nothing. */
	back = cb;
	back.priv = 3;
	assert_int_equal(cpu_interp_ops.set_context(b, &back), -EINVAL);
	back = cb;
	back.satp = 9ull << 60;
	assert_int_equal(cpu_interp_ops.set_context(b, &back), -EINVAL);
	back = cb;
	back.frm = 8;
	assert_int_equal(cpu_interp_ops.set_context(b, &back), -EINVAL);
	cpu_interp_ops.get_context(b, &back);
	back.instret = 0;
	assert_memory_equal(&back, &cb, sizeof(cb));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_move, h_setup2, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
