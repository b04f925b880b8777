#include "trap.h"

struct expect_slot {
	volatile int armed;
	u64 scause;
	u64 stval;
};

static trap_handler_fn guest_handler;
static struct expect_slot expect[RT_MAX_HARTS];

void trap_dispatch(struct trap_frame *tf);

void trap_set_handler(trap_handler_fn fn)
{
	WRITE_ONCE(guest_handler, fn);
}

unsigned int trap_insn_len(uintptr_t pc)
{
	u16 lo = *(const volatile u16 *)pc;

	return (lo & 3) == 3 ? 4 : 2;
}

static int expected_fault(struct trap_frame *tf)
{
	struct expect_slot *e = &expect[rt_hartid()];

	if (!e->armed || (tf->scause & SCAUSE_INTR) ||
	    (tf->sstatus & SSTATUS_SPP) == 0)
		return 0;
	e->armed = 0;
	e->scause = tf->scause;
	e->stval = tf->stval;
	if (tf->scause == EXC_INSN_PAGE_FAULT ||
	    tf->scause == EXC_INSN_ACCESS ||
	    tf->scause == EXC_INSN_MISALIGNED)
		tf->sepc = tf->regs[1];	/* fetch failed: return to caller */
	else
		tf->sepc += trap_insn_len(tf->sepc);
	return 1;
}

void trap_dispatch(struct trap_frame *tf)
{
	trap_handler_fn fn = READ_ONCE(guest_handler);

	if (expected_fault(tf))
		return;
	if (fn && fn(tf))
		return;
	rt_fail("unexpected trap on hart %lu: scause=%lx sepc=%lx stval=%lx",
		rt_hartid(), (unsigned long)tf->scause,
		(unsigned long)tf->sepc, (unsigned long)tf->stval);
}

static void probe_arm(void)
{
	struct expect_slot *e = &expect[rt_hartid()];

	e->scause = 0;
	e->stval = 0;
	WRITE_ONCE(e->armed, 1);
	barrier();
}

static u64 probe_done(struct trap_probe *p)
{
	struct expect_slot *e = &expect[rt_hartid()];

	barrier();
	WRITE_ONCE(e->armed, 0);
	p->scause = e->scause;
	p->stval = e->stval;
	return p->scause;
}

u64 probe_load64(uintptr_t addr, u64 *val, struct trap_probe *p)
{
	u64 v = *val;

	probe_arm();
	__asm__ __volatile__(".option push\n.option norvc\n"
			     "ld %0, 0(%1)\n.option pop"
			     : "+r"(v)
			     : "r"(addr)
			     : "memory");
	*val = v;
	return probe_done(p);
}

u64 probe_store64(uintptr_t addr, u64 val, struct trap_probe *p)
{
	probe_arm();
	__asm__ __volatile__(".option push\n.option norvc\n"
			     "sd %0, 0(%1)\n.option pop" ::"r"(val),
			     "r"(addr)
			     : "memory");
	return probe_done(p);
}

u64 probe_call(uintptr_t fn, struct trap_probe *p)
{
	probe_arm();
	__asm__ __volatile__("jalr ra, 0(%0)" ::"r"(fn)
			     : "ra", "t0", "t1", "t2", "a0", "a1", "a2", "a3",
			       "a4", "a5", "a6", "a7", "t3", "t4", "t5", "t6",
			       "memory");
	return probe_done(p);
}
