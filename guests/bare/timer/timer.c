/*
 * timer: SBI TIME. Counts a fixed number of timer interrupts taken through
 * the trap handler, each one checked to arrive no earlier than requested;
 * checks that `time` never goes backwards, that a deadline in the past fires
 * at once, that a far deadline clears sip.STIP, and that wfi wakes on a
 * pending timer with sstatus.SIE off. Only pass/fail facts are printed.
 *
 * bootargs: ticks=<N> (default 20), tick_us=<period> (default 2000)
 */
#include "sbi.h"
#include "trap.h"

const char guest_name[] = "timer";

static volatile u64 deadline;
static volatile u64 fired_at;
static volatile u32 ticks;
static volatile u32 early;
static u64 tb;

static int handler(struct trap_frame *tf)
{
	u64 now = rt_time();

	if (tf->scause != (SCAUSE_INTR | IRQ_S_TIMER))
		return 0;
	if (now < deadline)
		early++;
	fired_at = now;
	ticks++;
	/* Disarm: a deadline at the end of time clears STIP. */
	sbi_set_timer(~0ULL);
	return 1;
}

/* Waits for ticks to reach want with SIE toggled around wfi; -1 on timeout. */
static int wait_tick(u32 want, u64 limit)
{
	csr_clear(sstatus, SSTATUS_SIE);
	while (READ_ONCE(ticks) < want) {
		if (rt_time() > limit)
			return -1;
		rt_wfi();
		csr_set(sstatus, SSTATUS_SIE);
		csr_clear(sstatus, SSTATUS_SIE);
	}
	return 0;
}

static const char *yes(int b)
{
	return b ? "yes" : "no";
}

int guest_main(unsigned long hartid, const void *dtb)
{
	u64 n = rt_arg_u64("ticks", 20);
	u64 period, prev, t, limit;
	int mono = 1, ok = 1, r;

	tb = rt_timebase();
	period = rt_arg_u64("tick_us", 2000) * tb / 1000000;
	con_printf("timebase from DTB: %s\n", yes(tb == 10000000));
	trap_set_handler(handler);
	sbi_set_timer(~0ULL);

	prev = rt_time();
	for (int i = 0; i < 100000; i++) {
		t = rt_time();
		if (t < prev)
			mono = 0;
		prev = t;
	}
	con_printf("time monotonic over 100000 reads: %s\n", yes(mono));
	t = rt_time();
	while (rt_time() == t)
		;
	con_printf("time advances: yes\n");

	/* Periodic ticks through the handler. */
	csr_set(sie, SIE_STIE);
	limit = rt_time() + 30 * tb;
	for (u32 i = 0; i < n; i++) {
		deadline = rt_time() + period;
		sbi_set_timer(deadline);
		if (wait_tick(i + 1, limit)) {
			ok = 0;
			break;
		}
	}
	con_printf("ticks taken: %u of %lu\n", ticks, (unsigned long)n);
	con_printf("ticks before their deadline: %u\n", early);
	ok &= ticks == n && early == 0;

	/* A deadline already past fires straight away. */
	deadline = 0;
	sbi_set_timer(1);
	r = wait_tick(ticks + 1, rt_time() + tb);
	con_printf("deadline in the past fires: %s\n", yes(r == 0));
	ok &= r == 0;

	/* Pending with SIE off: visible in sip, wfi returns, no trap taken. */
	csr_clear(sstatus, SSTATUS_SIE);
	{
		u32 before = ticks;
		u64 want = rt_time() + period;
		int pending = 0, woke;

		deadline = want;
		sbi_set_timer(want);
		while (rt_time() < limit) {
			rt_wfi();
			if (csr_read(sip) & SIP_STIP) {
				pending = 1;
				break;
			}
		}
		woke = rt_time() >= want;
		con_printf("wfi wakes with SIE off: %s\n", yes(pending && woke));
		con_printf("no trap while SIE off: %s\n", yes(ticks == before));
		csr_set(sstatus, SSTATUS_SIE);
		csr_clear(sstatus, SSTATUS_SIE);
		con_printf("trap once SIE on: %s\n", yes(ticks == before + 1));
		ok &= pending && woke && ticks == before + 1;
	}

	/* A far deadline clears a pending STIP. */
	csr_clear(sie, SIE_STIE);
	sbi_set_timer(0);
	t = rt_time() + tb;
	while (!(csr_read(sip) & SIP_STIP) && rt_time() < t)
		;
	r = !!(csr_read(sip) & SIP_STIP);
	sbi_set_timer(~0ULL);
	con_printf("sip.STIP set by past deadline: %s\n", yes(r));
	con_printf("sip.STIP cleared by far deadline: %s\n",
		   yes(!(csr_read(sip) & SIP_STIP)));
	ok &= r && !(csr_read(sip) & SIP_STIP);

	if (!ok)
		rt_fail("timer checks failed");
	rt_pass();
}
