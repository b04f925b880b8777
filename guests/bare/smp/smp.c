/*
 * smp: starts every hart the DTB lists (SBI HSM), has each one add to two
 * shared counters (amoadd and an LR/SC loop), then passes a token around
 * the harts as SBI IPIs for a fixed number of rounds. The boot hart prints
 * totals only, so the output does not depend on timing.
 *
 * bootargs: n=<adds per hart per counter> (default 100000),
 *           rounds=<IPI rounds> (default 20)
 */
#include "sbi.h"
#include "trap.h"

const char guest_name[] = "smp";

#define WAIT_SECONDS 60

static unsigned long ids[RT_MAX_HARTS];
static int nharts;
static u64 n_adds, n_rounds;
static u64 deadline;

static volatile u64 amo_total;
static volatile u64 lrsc_total;
static volatile u32 arrived;
static volatile u32 finished;
static volatile u32 ipi_recv[RT_MAX_HARTS];
static volatile u32 ipi_sent[RT_MAX_HARTS];
static volatile u32 ipi_spurious;
static volatile int failed;

static int my_index(void)
{
	for (int i = 0; i < nharts; i++)
		if (ids[i] == rt_hartid())
			return i;
	return -1;
}

static void amo_add(volatile u64 *p, u64 v)
{
	__asm__ __volatile__("amoadd.d zero, %1, %0"
			     : "+A"(*p)
			     : "r"(v)
			     : "memory");
}

static void lrsc_add(volatile u64 *p, u64 v)
{
	u64 tmp, fail;

	__asm__ __volatile__("1: lr.d %0, (%2)\n"
			     "   add %0, %0, %3\n"
			     "   sc.d %1, %0, (%2)\n"
			     "   bnez %1, 1b"
			     : "=&r"(tmp), "=&r"(fail)
			     : "r"(p), "r"(v)
			     : "memory");
}

static u32 amo_inc32(volatile u32 *p)
{
	u32 old;

	__asm__ __volatile__("amoadd.w %0, %2, %1"
			     : "=r"(old), "+A"(*p)
			     : "r"(1u)
			     : "memory");
	return old;
}

static int timed_out(void)
{
	if (rt_time() < deadline)
		return 0;
	failed = 1;
	return 1;
}

static int handler(struct trap_frame *tf)
{
	int me = my_index();

	if (tf->scause != (SCAUSE_INTR | IRQ_S_SOFT) || me < 0)
		return 0;
	csr_clear(sip, SIP_SSIP);
	amo_inc32(&ipi_recv[me]);
	return 1;
}

/* Sleeps until ipi_recv[me] reaches want; SIE is off except to take IRQs. */
static int wait_ipis(int me, u32 want)
{
	csr_clear(sstatus, SSTATUS_SIE);
	while (READ_ONCE(ipi_recv[me]) < want) {
		if (timed_out())
			return -1;
		rt_wfi();
		csr_set(sstatus, SSTATUS_SIE);
		csr_clear(sstatus, SSTATUS_SIE);
	}
	return 0;
}

static void hart_work(int me)
{
	int next = (me + 1) % nharts;

	for (u64 i = 0; i < n_adds; i++)
		amo_add(&amo_total, 1);
	for (u64 i = 0; i < n_adds; i++)
		lrsc_add(&lrsc_total, 1);

	/* Everybody arms its IPI handler before the token starts moving. */
	csr_set(sie, SIE_SSIE);
	amo_inc32(&arrived);
	while (READ_ONCE(arrived) < (u32)nharts && !timed_out())
		rt_pause();

	for (u32 r = 0; r < n_rounds && !failed; r++) {
		if (me != 0 && wait_ipis(me, r + 1))
			break;
		if (sbi_send_ipi(1, ids[next])) {
			failed = 1;
			break;
		}
		ipi_sent[me]++;
		if (me == 0 && wait_ipis(me, r + 1))
			break;
	}
	csr_clear(sie, SIE_SSIE);
	amo_inc32(&finished);
}

void guest_secondary(unsigned long hartid, unsigned long opaque)
{
	hart_work((int)opaque);
}

static int start_secondaries(int me)
{
	for (int i = 0; i < nharts; i++) {
		long st, rc;

		if (i == me)
			continue;
		st = sbi_hart_status(ids[i]);
		if (st != SBI_HSM_STOPPED) {
			con_printf("hart %lu status before start: %ld\n", ids[i], st);
			return -1;
		}
		rc = sbi_hart_start(ids[i], (unsigned long)rt_secondary_entry,
				    (unsigned long)i);
		if (rc) {
			con_printf("hart %lu start: error %ld\n", ids[i], rc);
			return -1;
		}
	}
	con_printf("secondaries stopped before start: yes\n");
	return 0;
}

static void check_hsm_errors(int me)
{
	unsigned long bad = 0;

	for (int i = 0; i < nharts; i++)
		if (ids[i] >= bad)
			bad = ids[i] + 1;
	con_printf("hart_start of a running hart: %ld\n",
		   sbi_hart_start(ids[me], (unsigned long)rt_secondary_entry, 0));
	con_printf("hart_status of absent hart: %ld\n", sbi_hart_status(bad + 64));
}

static int wait_stopped(int me)
{
	for (int i = 0; i < nharts; i++) {
		if (i == me)
			continue;
		while (sbi_hart_status(ids[i]) != SBI_HSM_STOPPED)
			if (timed_out())
				return -1;
	}
	return 0;
}

int guest_main(unsigned long hartid, const void *dtb)
{
	int me;
	u64 want;

	n_adds = rt_arg_u64("n", 100000);
	n_rounds = rt_arg_u64("rounds", 20);
	deadline = rt_time() + WAIT_SECONDS * rt_timebase();
	nharts = rt_cpu_ids(ids, RT_MAX_HARTS);
	me = my_index();
	if (nharts < 1 || me < 0)
		rt_fail("boot hart %lu not among %d DTB cpus", hartid, nharts);
	trap_set_handler(handler);
	con_printf("harts: %d\n", nharts);
	con_printf("adds per hart: %lu, ipi rounds: %lu\n",
		   (unsigned long)n_adds, (unsigned long)n_rounds);
	check_hsm_errors(me);
	if (start_secondaries(me))
		rt_fail("could not start the secondary harts");

	hart_work(me);
	while (READ_ONCE(finished) < (u32)nharts && !timed_out())
		rt_pause();
	if (failed)
		rt_fail("timed out or IPI send failed (%u of %d harts done)",
			finished, nharts);
	if (wait_stopped(me))
		rt_fail("secondary harts did not stop");
	con_printf("secondaries stopped after work: yes\n");

	want = n_adds * (u64)nharts;
	con_printf("amoadd total: %lu expected %lu\n",
		   (unsigned long)amo_total, (unsigned long)want);
	con_printf("lr/sc total: %lu expected %lu\n",
		   (unsigned long)lrsc_total, (unsigned long)want);
	for (int i = 0; i < nharts; i++)
		con_printf("hart %lu: ipis sent %u received %u\n", ids[i],
			   ipi_sent[i], ipi_recv[i]);
	con_printf("remote fence.i: %ld, remote sfence.vma: %ld\n",
		   sbi_remote_fence_i(0, (unsigned long)-1),
		   sbi_remote_sfence_vma(0, (unsigned long)-1, 0, (unsigned long)-1));

	if (amo_total != want || lrsc_total != want)
		rt_fail("lost atomic updates");
	for (int i = 0; i < nharts; i++)
		if (ipi_sent[i] != n_rounds || ipi_recv[i] != n_rounds)
			rt_fail("hart %lu: ipi count mismatch", ids[i]);
	rt_pass();
}
