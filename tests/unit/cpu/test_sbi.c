// SPDX-License-Identifier: MIT
/*
 * The SBI as S-mode code sees it through ecall: BASE and probing, TIME,
 * IPI hart masks, HSM states and errors (with a second vCPU thread really
 * started), RFENCE to a running hart, SRST into the shutdown sink, DBCN
 * and the legacy console.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include "harness.h"

enum {
	EXT_BASE = 0x10, EXT_TIME = 0x54494d45, EXT_IPI = 0x735049,
	EXT_RFENCE = 0x52464e43, EXT_HSM = 0x48534d, EXT_SRST = 0x53525354,
	EXT_DBCN = 0x4442434e, EXT_PMU = 0x504d55, EXT_SUSP = 0x53555350,
	EXT_CPPC = 0x43505043,
};

enum {
	ERR_NOT_SUPPORTED = -2, ERR_INVALID_PARAM = -3,
	ERR_ALREADY_AVAILABLE = -6,
};

struct sbiret {
	int64_t err;
	uint64_t val;
};

/* ecall on @c (S-mode) with a7 = @eid, a6 = @fid, a0..a2. */
static struct sbiret sbi3(struct harness *h, struct cpu *c, uint64_t eid,
			  uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t at = H_CODE + 0x100 * c->hartid, end;

	h_org(h, at);
	e32(h, ECALL());
	end = h_end(h);
	c->x[A7] = eid;
	c->x[A6] = fid;
	c->x[A0] = a0;
	c->x[A1] = a1;
	c->x[A2] = a2;
	assert_int_equal(h_run(h, c, at, end), end);
	return (struct sbiret){ (int64_t)c->x[A0], c->x[A1] };
}

static struct sbiret sbi(struct harness *h, uint64_t eid, uint64_t fid,
			 uint64_t a0, uint64_t a1)
{
	return sbi3(h, h->cpu[0], eid, fid, a0, a1, 0);
}

static void test_base(void **state)
{
	static const uint64_t present[] = {
		0, 1, 2, 3, 8, EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE,
		EXT_HSM, EXT_SRST, EXT_DBCN,
	};
	static const uint64_t absent[] = {
		4, 5, 6, 7, 9, EXT_PMU, EXT_SUSP, EXT_CPPC, 0x12345678,
		0x0a000000, ~0ull,
	};
	struct harness *h = *state;
	struct sbiret r;

	r = sbi(h, EXT_BASE, 0, 0, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.val, 2ull << 24);	/* v2.0 */
	r = sbi(h, EXT_BASE, 1, 0, 0);
	assert_int_equal(r.err, 0);
	r = sbi(h, EXT_BASE, 2, 0, 0);
	assert_int_equal(r.err, 0);
	for (size_t j = 0; j < sizeof(present) / sizeof(present[0]); j++) {
		r = sbi(h, EXT_BASE, 3, present[j], 0);
		if (r.err || r.val == 0)
			fail_msg("extension %#llx not probed",
				 (unsigned long long)present[j]);
	}
	for (size_t j = 0; j < sizeof(absent) / sizeof(absent[0]); j++) {
		r = sbi(h, EXT_BASE, 3, absent[j], 0);
		if (r.err || r.val != 0)
			fail_msg("extension %#llx probed",
				 (unsigned long long)absent[j]);
	}
	for (uint64_t fid = 4; fid <= 6; fid++) {	/* mvendorid... */
		r = sbi(h, EXT_BASE, fid, 0, 0);
		assert_int_equal(r.err, 0);
		assert_int_equal(r.val, 0);
	}
	assert_int_equal(sbi(h, EXT_BASE, 7, 0, 0).err, ERR_NOT_SUPPORTED);
}

static void test_unsupported(void **state)
{
	struct harness *h = *state;

	assert_int_equal(sbi(h, 0x12345678, 0, 0, 0).err, ERR_NOT_SUPPORTED);
	assert_int_equal(sbi(h, EXT_PMU, 0, 0, 0).err, ERR_NOT_SUPPORTED);
	assert_int_equal(sbi(h, EXT_TIME, 1, 0, 0).err, ERR_NOT_SUPPORTED);
	assert_int_equal(sbi(h, EXT_IPI, 1, 0, 0).err, ERR_NOT_SUPPORTED);
	assert_int_equal(sbi(h, EXT_RFENCE, 7, 0, 0).err,
			 ERR_NOT_SUPPORTED);
	assert_int_equal(sbi(h, EXT_HSM, 9, 0, 0).err, ERR_NOT_SUPPORTED);
	assert_int_equal(sbi(h, EXT_SRST, 1, 0, 0).err, ERR_NOT_SUPPORTED);
	assert_int_equal(sbi(h, EXT_DBCN, 3, 0, 0).err, ERR_NOT_SUPPORTED);
	/* the ecall returned to the next instruction, S-mode, no trap */
	assert_int_equal(h->cpu[0]->priv, PRV_S);
	assert_int_equal(h->shutdowns, 0);
}

static void test_time(void **state)
{
	struct harness *h = *state;
	struct cpu *c = h->cpu[0];
	uint64_t now = cpu_platform_time(&h->plat);

	assert_int_equal(sbi(h, EXT_TIME, 0, 0, 0).err, 0);
	assert_int_equal(h_csrr(c, CSR_SIP) & MIP_STIP, MIP_STIP);
	assert_int_equal(sbi(h, EXT_TIME, 0, ~0ull, 0).err, 0);
	assert_int_equal(h_csrr(c, CSR_SIP) & MIP_STIP, 0);
	assert_int_equal(sbi(h, EXT_TIME, 0, now + 100 * HV_TIMEBASE_HZ,
			     0).err, 0);
	assert_int_equal(h_csrr(c, CSR_SIP) & MIP_STIP, 0);
	assert_int_equal(atomic_load(&c->timecmp),
			 now + 100 * HV_TIMEBASE_HZ);
	/* legacy set_timer */
	assert_int_equal(sbi(h, 0, 0, now, 0).err, 0);
	assert_int_equal(h_csrr(c, CSR_SIP) & MIP_STIP, MIP_STIP);
}

static uint64_t ssip(struct harness *h, unsigned n)
{
	return atomic_load(&h->cpu[n]->mip) & MIP_SSIP;
}

static void clear_ipis(struct harness *h)
{
	for (unsigned n = 0; n < h->nr_cpus; n++)
		atomic_fetch_and(&h->cpu[n]->mip, ~MIP_SSIP);
}

static void test_ipi(void **state)
{
	struct harness *h = *state;
	static const struct {
		uint64_t mask, base;
		int64_t err;
		bool to0, to1;
	} k[] = {
		{ 2, 0, 0, false, true },
		{ 1, 0, 0, true, false },
		{ 3, 0, 0, true, true },
		{ 1, 1, 0, false, true },
		{ 0, ~0ull, 0, true, true },	/* base -1: every hart */
		{ 0, 0, 0, false, false },
		{ 4, 0, ERR_INVALID_PARAM, false, false },
		{ 7, 0, ERR_INVALID_PARAM, false, false },
		{ 1, 2, ERR_INVALID_PARAM, false, false },
		{ 1ull << 63, 0, ERR_INVALID_PARAM, false, false },
		/* base + bit wraps to hart 0: still not a valid hart */
		{ 4, ~1ull, ERR_INVALID_PARAM, false, false },
		{ 1ull << 63, 1ull << 63, ERR_INVALID_PARAM, false, false },
	};

	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		struct sbiret r;

		clear_ipis(h);
		r = sbi(h, EXT_IPI, 0, k[j].mask, k[j].base);
		if (r.err != k[j].err || !!ssip(h, 0) != k[j].to0 ||
		    !!ssip(h, 1) != k[j].to1)
			fail_msg("ipi case %zu: err %lld, hart0 %d hart1 %d",
				 j, (long long)r.err, !!ssip(h, 0),
				 !!ssip(h, 1));
	}
	/* legacy clear_ipi clears the caller's SSIP */
	clear_ipis(h);
	sbi(h, EXT_IPI, 0, 3, 0);
	assert_int_equal(sbi(h, 3, 0, 0, 0).err, 0);
	assert_int_equal(ssip(h, 0), 0);
	assert_int_equal(ssip(h, 1), MIP_SSIP);
	/* and the IPI is an interrupt the target takes */
	h_csrw(h->cpu[1], CSR_SIE, MIP_SSIP);
	h_csrw(h->cpu[1], CSR_SSTATUS, SSTATUS_SIE);
	h->cpu[1]->pc = H_CODE;
	assert_true(cpu_check_irq(h->cpu[1]));
	assert_int_equal(h->cpu[1]->scause, IRQ_CAUSE(IRQ_SSI));
}

/* vCPU 1 on its own thread, as the machine runs it. */
struct hart_thread {
	struct cpu *c;
	pthread_t t;
};

static void *hart_main(void *arg)
{
	cpu_run(((struct hart_thread *)arg)->c);
	return NULL;
}

static bool wait_u64(struct harness *h, uint64_t pa, uint64_t want)
{
	for (int n = 0; n < 5000; n++) {
		if (__atomic_load_n((uint64_t *)h_ptr(h, pa),
				    __ATOMIC_ACQUIRE) == want)
			return true;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	return false;
}

static void test_hsm(void **state)
{
	struct harness *h = *state;
	const uint64_t entry = H_CODE + 0x1000, wrong = H_CODE + 0x2000;
	const uint64_t opaque = H_DATA + 0x100;
	struct hart_thread ht = { .c = h->cpu[1] };
	struct sbiret r;

	/* entry: sd a1, 8(a1); sd a0, 0(a1); j . -- wrong: a marker */
	h_org(h, entry);
	e32(h, SD(A1, A1, 8));
	e32(h, SD(A0, A1, 0));
	h_end(h);
	h_org(h, wrong);
	e32(h, ADDI(T0, ZERO, 0x7ff));
	e32(h, SD(T0, A1, 0));
	h_end(h);
	h_w64(h, opaque, 0xdead);

	r = sbi(h, EXT_HSM, 2, 0, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.val, HSM_STARTED);
	r = sbi(h, EXT_HSM, 2, 1, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.val, HSM_STOPPED);
	assert_int_equal(sbi(h, EXT_HSM, 2, 2, 0).err, ERR_INVALID_PARAM);
	assert_int_equal(sbi(h, EXT_HSM, 2, ~0ull, 0).err,
			 ERR_INVALID_PARAM);
	/* start: of a running hart, of no hart, then of hart 1 */
	assert_int_equal(sbi3(h, h->cpu[0], EXT_HSM, 0, 0, wrong, 0).err,
			 ERR_ALREADY_AVAILABLE);
	assert_int_equal(sbi3(h, h->cpu[0], EXT_HSM, 0, 5, entry, 0).err,
			 ERR_INVALID_PARAM);
	assert_int_equal(sbi3(h, h->cpu[0], EXT_HSM, 0, 1, entry,
			      opaque).err, 0);
	r = sbi(h, EXT_HSM, 2, 1, 0);
	assert_int_equal(r.val, HSM_START_PENDING);
	/* a second start while pending fails and changes nothing */
	assert_int_equal(sbi3(h, h->cpu[0], EXT_HSM, 0, 1, wrong,
			      opaque + 8).err, ERR_ALREADY_AVAILABLE);

	h->threaded[1] = true;
	assert_int_equal(pthread_create(&ht.t, NULL, hart_main, &ht), 0);
	if (!wait_u64(h, opaque + 8, opaque)) {
		cpu_stop(ht.c);
		pthread_join(ht.t, NULL);
		h->threaded[1] = false;
		fail_msg("hart 1 did not start at its entry with a1 = opaque "
			 "(mem %#llx / %#llx)",
			 (unsigned long long)h_r64(h, opaque),
			 (unsigned long long)h_r64(h, opaque + 8));
	}
	assert_true(wait_u64(h, opaque, 1));	/* a0 = hartid */
	r = sbi(h, EXT_HSM, 2, 1, 0);
	assert_int_equal(r.val, HSM_STARTED);
	assert_int_equal(sbi3(h, h->cpu[0], EXT_HSM, 0, 1, entry, 0).err,
			 ERR_ALREADY_AVAILABLE);

	/* remote fences to a running hart complete */
	assert_int_equal(sbi(h, EXT_RFENCE, 0, 3, 0).err, 0);
	assert_int_equal(sbi3(h, h->cpu[0], EXT_RFENCE, 1, ~0ull, ~0ull,
			      0).err, 0);
	assert_int_equal(sbi3(h, h->cpu[0], EXT_RFENCE, 2, 2, 0, 0).err, 0);
	assert_int_equal(sbi(h, EXT_RFENCE, 0, 4, 0).err, ERR_INVALID_PARAM);

	cpu_stop(ht.c);
	pthread_join(ht.t, NULL);
	h->threaded[1] = false;

	/* hart_suspend: only the default retentive type */
	assert_int_equal(sbi(h, EXT_HSM, 3, 0x80000000u, 0).err,
			 ERR_NOT_SUPPORTED);
	assert_int_equal(sbi(h, EXT_HSM, 3, 5, 0).err, ERR_INVALID_PARAM);
	assert_int_equal(sbi(h, EXT_HSM, 3, 0, 0).err, 0);
	/* hart_stop of the caller */
	assert_int_equal(sbi(h, EXT_HSM, 1, 0, 0).err, 0);
	assert_int_equal(atomic_load(&h->cpu[0]->hsm), HSM_STOPPED);
}

static void test_srst(void **state)
{
	static const struct {
		uint64_t type, reason;
		int64_t err;
		enum hv_shutdown_kind kind;
		int code;
	} k[] = {
		{ 0, 0, 0, HV_SHUTDOWN_POWEROFF, 0 },
		{ 0, 1, 0, HV_SHUTDOWN_POWEROFF, 1 },
		{ 1, 0, 0, HV_SHUTDOWN_RESET, 0 },
		{ 2, 0, 0, HV_SHUTDOWN_RESET, 0 },
		{ 3, 0, ERR_INVALID_PARAM, 0, 0 },
		{ 0xf0000000, 0, ERR_INVALID_PARAM, 0, 0 },
		{ 0, 2, ERR_INVALID_PARAM, 0, 0 },
		{ 1, 0xe0000000, ERR_INVALID_PARAM, 0, 0 },
	};
	struct harness *h = *state;

	for (size_t j = 0; j < sizeof(k) / sizeof(k[0]); j++) {
		struct sbiret r;

		h->shutdowns = 0;
		h->sd_kind = (enum hv_shutdown_kind)-1;
		h->sd_code = -1;
		r = sbi(h, EXT_SRST, 0, k[j].type, k[j].reason);
		if (r.err != k[j].err)
			fail_msg("srst case %zu: err %lld", j,
				 (long long)r.err);
		if (k[j].err) {
			assert_int_equal(h->shutdowns, 0);
			continue;
		}
		if (h->shutdowns != 1 || h->sd_kind != k[j].kind ||
		    h->sd_code != k[j].code)
			fail_msg("srst case %zu: %d calls, kind %d code %d",
				 j, h->shutdowns, h->sd_kind, h->sd_code);
	}
	/* legacy shutdown */
	h->shutdowns = 0;
	sbi(h, 8, 0, 0, 0);
	assert_int_equal(h->shutdowns, 1);
	assert_int_equal(h->sd_kind, HV_SHUTDOWN_POWEROFF);
}

static void test_dbcn(void **state)
{
	struct harness *h = *state;
	const uint64_t buf = H_DATA + 0x200;
	struct sbiret r;

	h_write(h, buf, "hello, sbi", 10);
	r = sbi(h, EXT_DBCN, 0, 5, buf);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.val, 5);
	assert_string_equal(h_out(h), "hello");
	r = sbi(h, EXT_DBCN, 0, 0, buf);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.val, 0);
	/* bad addresses: nothing written */
	assert_int_equal(sbi(h, EXT_DBCN, 0, 4, 0x1000).err,
			 ERR_INVALID_PARAM);
	assert_int_equal(sbi(h, EXT_DBCN, 0, 4, UART_BASE).err,
			 ERR_INVALID_PARAM);
	assert_int_equal(sbi(h, EXT_DBCN, 0, 8,
			     H_RAM_BASE + H_RAM_SIZE - 4).err,
			 ERR_INVALID_PARAM);
	assert_int_equal(sbi(h, EXT_DBCN, 0, ~0ull, buf).err,
			 ERR_INVALID_PARAM);
	assert_int_equal(sbi3(h, h->cpu[0], EXT_DBCN, 0, 5, buf, 1).err,
			 ERR_INVALID_PARAM);	/* base_addr_hi */
	assert_string_equal(h_out(h), "hello");
	/* the last bytes of RAM are fine */
	h_write(h, H_RAM_BASE + H_RAM_SIZE - 2, "!?", 2);
	r = sbi(h, EXT_DBCN, 0, 2, H_RAM_BASE + H_RAM_SIZE - 2);
	assert_int_equal(r.err, 0);
	assert_string_equal(h_out(h), "hello!?");
	/* write_byte */
	r = sbi(h, EXT_DBCN, 2, 0x100 | 'x', 0);
	assert_int_equal(r.err, 0);
	assert_string_equal(h_out(h), "hello!?x");

	/* read: what the console had, then nothing */
	assert_int_equal(uart_input(h->uart, (const uint8_t *)"ab", 2), 2);
	h_w64(h, buf, 0);
	r = sbi(h, EXT_DBCN, 1, 8, buf);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.val, 2);
	assert_memory_equal(h_ptr(h, buf), "ab\0\0", 4);
	r = sbi(h, EXT_DBCN, 1, 8, buf);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.val, 0);
	assert_int_equal(sbi(h, EXT_DBCN, 1, 8, 0x1000).err,
			 ERR_INVALID_PARAM);
}

static void test_legacy_console(void **state)
{
	struct harness *h = *state;

	assert_int_equal(sbi(h, 1, 0, 'Z', 0).err, 0);
	assert_int_equal(sbi(h, 1, 0, 0x100 | 'z', 0).err, 0);
	assert_string_equal(h_out(h), "Zz");
	assert_int_equal(sbi(h, 2, 0, 0, 0).err, -1);	/* nothing yet */
	assert_int_equal(uart_input(h->uart, (const uint8_t *)"q\xff", 2), 2);
	assert_int_equal(sbi(h, 2, 0, 0, 0).err, 'q');
	assert_int_equal(sbi(h, 2, 0, 0, 0).err, 0xff);
	assert_int_equal(sbi(h, 2, 0, 0, 0).err, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_base, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_unsupported, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_time, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_ipi, h_setup2, h_teardown),
		cmocka_unit_test_setup_teardown(test_hsm, h_setup2, h_teardown),
		cmocka_unit_test_setup_teardown(test_srst, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_dbcn, h_setup1,
						h_teardown),
		cmocka_unit_test_setup_teardown(test_legacy_console, h_setup1,
						h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
