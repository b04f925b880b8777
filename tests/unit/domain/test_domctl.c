// SPDX-License-Identifier: MIT
/*
 * domctl end to end: a real hvdomain process per test, driven through the
 * client library (hv/domctl.h) only. Lifecycle and its events, the
 * synchronous pause, the foreign mapping, log-dirty, vCPU and device
 * state, a whole domain moved into an incoming one, the console both
 * ways, destroy.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "hvdomain_fixture.h"
#include "domain/sandbox.h"

#define OUT_CAP 65536
static char out[OUT_CAP];

struct dom {
	struct hvd_proc p;
	struct domctl *d;
};

static void start(struct dom *x, const char *const *args)
{
	assert_int_equal(hvd_spawn(&x->p, args), 0);
	x->d = hvd_connect(&x->p);
	assert_non_null(x->d);
}

static void stop(struct dom *x)
{
	if (x->d) {
		int ret = domctl_destroy(x->d);

		assert_int_equal(ret, 0);
		domctl_close(x->d);
		x->d = NULL;
		assert_int_equal(hvd_reap(&x->p, 10), 0);
	}
}

static void subscribe(struct domctl *d)
{
	assert_int_equal(domctl_console_subscribe(d, true, true, NULL), 0);
}

static const char *const dirtier_args[] = {
	"--vcpus", "1", "--memory", "64M", "--name", "dirty", "--kernel",
	NULL, "--cmdline", "ws=8M ticks=0 tick_ms=20", "--start", NULL,
};

static void start_dirtier(struct dom *x)
{
	const char *args[sizeof(dirtier_args) / sizeof(dirtier_args[0])];

	memcpy(args, dirtier_args, sizeof(args));
	args[7] = hvd_guest("dirtier");
	start(x, args);
	subscribe(x->d);
	assert_true(hvd_wait_console(x->d, "tick 2 ", 20000, out, OUT_CAP));
}

/* The handshake names the domain; a new domain is created, then runs,
 * prints, powers off: shutdown/poweroff arrives as an event. */
static void test_lifecycle(void **state)
{
	const char *args[] = { "--vcpus", "2", "--memory", "32M", "--kernel",
		hvd_guest("hello"), "--name", "web1", "--domid", "7", "--uuid",
		"6f1c1a0e-1b7e-4c39-9a55-0a3f5e4b2c11", NULL };
	static const uint8_t uuid[16] = { 0x6f, 0x1c, 0x1a, 0x0e, 0x1b, 0x7e,
		0x4c, 0x39, 0x9a, 0x55, 0x0a, 0x3f, 0x5e, 0x4b, 0x2c, 0x11 };
	struct domctl_status st;
	struct dom x;

	(void)state;
	start(&x, args);
	assert_int_equal(domctl_info(x.d)->version, 1);
	assert_int_equal(domctl_info(x.d)->domid, 7);
	assert_string_equal(domctl_info(x.d)->name, "web1");
	assert_memory_equal(domctl_info(x.d)->uuid, uuid, 16);
	assert_int_equal(domctl_get_state(x.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_CREATED);
	/* pausing a domain that does not run changes nothing */
	assert_int_equal(domctl_pause(x.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_CREATED);
	subscribe(x.d);
	assert_int_equal(domctl_unpause(x.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_RUNNING);
	/* all the guest printed comes before the event that it stopped */
	out[0] = '\0';
	for (size_t len = 0;;) {
		struct domctl_event ev;

		assert_int_equal(domctl_next_event(x.d, &ev, 20000), 0);
		if (ev.kind == DOMCTL_EVENT_STATE) {
			st = ev.status;
			assert_int_equal(st.state, DOMCTL_STATE_SHUTDOWN);
			break;
		}
		assert_true(len + ev.len < OUT_CAP);
		memcpy(out + len, ev.data, ev.len);
		len += ev.len;
		out[len] = '\0';
		domctl_event_free(&ev);
	}
	if (!strstr(out, "PASS hello"))
		fail_msg("before its shutdown, hello printed: [%s]", out);
	assert_int_equal(st.reason, DOMCTL_REASON_POWEROFF);
	assert_int_equal(st.code, 0);
	assert_int_equal(domctl_get_state(x.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_SHUTDOWN);
	/* a shut-down domain cannot run again: dom0 destroys it */
	assert_int_equal(domctl_unpause(x.d, &st), -EINVAL);
	assert_non_null(strstr(domctl_error(x.d), "shutdown"));
	assert_int_equal(domctl_power_button(x.d), -ESRCH);
	stop(&x);
}

/* A guest that fails (sifive,test FAIL / SRST system failure) crashes. */
static void test_crash_state(void **state)
{
	const char *args[] = { "--memory", "32M", "--kernel",
		hvd_guest("dirtier"), "--cmdline", "ws=999G", "--start", NULL };
	struct domctl_status st;
	struct dom x;

	(void)state;
	start(&x, args);
	assert_int_equal(domctl_get_state(x.d, &st), 0);
	if (st.state == DOMCTL_STATE_RUNNING)
		assert_true(hvd_wait_state(x.d, DOMCTL_STATE_CRASHED, 20000,
					   &st));
	else
		assert_int_equal(domctl_get_state(x.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_CRASHED);
	assert_int_equal(st.reason, DOMCTL_REASON_CRASH);
	assert_int_not_equal(st.code, 0);
	stop(&x);
}

static uint8_t *map_ram(struct domctl *d, struct domctl_memory *mem)
{
	uint8_t *ram;

	assert_int_equal(domctl_get_memory(d, mem), 0);
	assert_true(mem->fd > 2);
	assert_int_equal(mem->page_size, 4096);
	assert_int_equal(mem->guest_base, 0x80000000ull);
	/* the size is sealed: dom0 cannot pull RAM from under the vCPUs */
	assert_int_equal(ftruncate(mem->fd, 4096), -1);
	assert_int_equal(errno, EPERM);
	ram = mmap(NULL, mem->nr_pages * 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED, mem->fd, 0);
	assert_true(ram != MAP_FAILED);
	return ram;
}

/* When pause returns nothing changes guest memory or the vCPU until
 * unpause; after unpause the guest goes on (its ticks continue). */
static void test_pause_is_synchronous(void **state)
{
	struct domctl_memory mem;
	struct domctl_status st;
	uint8_t *ram, *copy;
	uint8_t *v1, *v2;
	size_t l1, l2, size;
	struct dom x;

	(void)state;
	start_dirtier(&x);
	ram = map_ram(x.d, &mem);
	size = mem.nr_pages * 4096;
	copy = malloc(size);
	assert_non_null(copy);
	assert_int_equal(domctl_get_vcpu_context(x.d, 0, &v1, &l1), -EBUSY);
	assert_int_equal(domctl_pause(x.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_PAUSED);
	memcpy(copy, ram, size);
	assert_int_equal(domctl_get_vcpu_context(x.d, 0, &v1, &l1), 0);
	/* the dirtier rewrites MiBs per ms when it runs: 100 ms is plenty */
	{
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	assert_int_equal(domctl_get_vcpu_context(x.d, 0, &v2, &l2), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(v1, v2, l1);
	assert_int_equal(memcmp(copy, ram, size), 0);
	assert_int_equal(domctl_unpause(x.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_RUNNING);
	assert_true(hvd_wait_console(x.d, "tick ", 20000, out, OUT_CAP));
	assert_true(hvd_wait_console(x.d, "tick ", 20000, out, OUT_CAP));
	assert_null(strstr(out, "FAIL"));
	free(v1);
	free(v2);
	free(copy);
	munmap(ram, size);
	close(mem.fd);
	stop(&x);
}

static bool bit(const uint8_t *bits, uint64_t i)
{
	return bits[i / 8] >> (i % 8) & 1;
}

static uint64_t popcount(const uint8_t *bits, uint64_t n)
{
	uint64_t c = 0;

	for (uint64_t i = 0; i < n; i++)
		c += bit(bits, i);
	return c;
}

/*
 * Log-dirty through domctl: the dirtier's pages show up, clean clears,
 * mark sets, and every misuse gets its errno and a message.
 */
static void test_log_dirty(void **state)
{
	struct domctl_pfn_range r[2] = { { 3, 2 }, { 100, 1 } };
	struct domctl_memory mem;
	struct domctl_status st;
	uint8_t *bits, *bits2;
	uint64_t n;
	struct dom x;

	(void)state;
	start_dirtier(&x);
	assert_int_equal(domctl_get_memory(x.d, &mem), 0);
	close(mem.fd);
	n = mem.nr_pages;
	bits = calloc(1, n / 8 + 1);
	bits2 = calloc(1, n / 8 + 1);
	assert_int_equal(domctl_log_dirty_peek(x.d, 0, n, bits), -EINVAL);
	assert_non_null(strstr(domctl_error(x.d), "off"));
	assert_int_equal(domctl_log_dirty_enable(x.d), 0);
	assert_int_equal(domctl_log_dirty_enable(x.d), -EBUSY);
	/* two whole ticks of guest time after the enable */
	out[0] = '\0';
	hvd_console_drain(x.d, out, OUT_CAP);
	assert_true(hvd_wait_console(x.d, "tick ", 20000, out, OUT_CAP));
	assert_true(hvd_wait_console(x.d, "tick ", 20000, out, OUT_CAP));
	assert_true(hvd_wait_console(x.d, "tick ", 20000, out, OUT_CAP));
	assert_int_equal(domctl_log_dirty_clean(x.d, 0, n, bits), 0);
	/* the 8 MiB working set is being rewritten: pages are dirty */
	assert_true(popcount(bits, n) > 16);
	assert_int_equal(domctl_pause(x.d, &st), 0);
	assert_int_equal(domctl_log_dirty_clean(x.d, 0, n, bits), 0);
	assert_int_equal(domctl_log_dirty_peek(x.d, 0, n, bits), 0);
	assert_int_equal(popcount(bits, n), 0);	/* paused: nothing new */
	assert_int_equal(domctl_log_dirty_mark(x.d, r, 2), 0);
	assert_int_equal(domctl_log_dirty_peek(x.d, 0, n, bits), 0);
	assert_int_equal(popcount(bits, n), 3);
	assert_true(bit(bits, 3) && bit(bits, 4) && bit(bits, 100));
	/* a sub-range: bits counted from its first page */
	assert_int_equal(domctl_log_dirty_peek(x.d, 99, 3, bits2), 0);
	assert_int_equal(bits2[0], 0x2);
	/* errors */
	assert_int_equal(domctl_log_dirty_peek(x.d, n - 1, 2, bits), -ERANGE);
	assert_non_null(strstr(domctl_error(x.d), "past the end of RAM"));
	r[1].first = n;
	assert_int_equal(domctl_log_dirty_mark(x.d, r, 2), -ERANGE);
	assert_int_equal(domctl_log_dirty_clean(x.d, 0, 2, bits), 0);
	assert_int_equal(bits[0], 0);	/* the failed mark marked nothing */
	assert_int_equal(domctl_log_dirty_disable(x.d), 0);
	assert_int_equal(domctl_log_dirty_disable(x.d), 0);
	assert_int_equal(domctl_log_dirty_peek(x.d, 0, 8, bits), -EINVAL);
	assert_int_equal(domctl_unpause(x.d, &st), 0);
	free(bits);
	free(bits2);
	stop(&x);
}

/* More than 4 GiB of bitmap in one call is refused before RAM bounds. */
static void test_log_dirty_limit(void **state)
{
	const char *args[] = { "--memory", "5G", "--incoming", NULL };
	uint8_t *bits = calloc(1, (1u << 20) / 8 + 2);
	struct dom x;

	(void)state;
	start(&x, args);
	assert_int_equal(domctl_log_dirty_enable(x.d), 0);
	assert_int_equal(domctl_log_dirty_peek(x.d, 0, (1u << 20) + 1, bits),
			 -E2BIG);
	assert_int_equal(domctl_log_dirty_peek(x.d, 1, 1u << 20, bits), 0);
	free(bits);
	stop(&x);
}

/* State can be read only while still and set only paused/incoming. */
static void test_state_rules(void **state)
{
	struct domctl_status st;
	uint8_t *v, *dev;
	size_t lv, ld;
	struct dom x;

	(void)state;
	start_dirtier(&x);
	assert_int_equal(domctl_save_devices(x.d, &dev, &ld), -EBUSY);
	assert_int_equal(domctl_pause(x.d, &st), 0);
	assert_int_equal(domctl_get_vcpu_context(x.d, 0, &v, &lv), 0);
	assert_int_equal(domctl_get_vcpu_context(x.d, 1, &v, &lv), -ENOENT);
	assert_int_equal(domctl_save_devices(x.d, &dev, &ld), 0);
	assert_int_equal(domctl_set_vcpu_context(x.d, 0, v, lv), 0);
	assert_int_equal(domctl_set_vcpu_context(x.d, 3, v, lv), -ENOENT);
	assert_int_equal(domctl_restore_devices(x.d, dev, ld), 0);
	/* not a VcpuState at all: refused by the client library */
	assert_int_equal(domctl_set_vcpu_context(x.d, 0,
			 (const uint8_t *)"\xff\xff\xff", 3), -EINVAL);
	assert_int_equal(domctl_unpause(x.d, &st), 0);
	assert_int_equal(domctl_set_vcpu_context(x.d, 0, v, lv), -EBUSY);
	assert_int_equal(domctl_restore_devices(x.d, dev, ld), -EBUSY);
	assert_true(hvd_wait_console(x.d, "tick ", 20000, out, OUT_CAP));
	assert_null(strstr(out, "FAIL"));
	free(v);
	free(dev);
	stop(&x);
}

/*
 * The power button of a guest without a virtio-input driver (the bare
 * dirtier) cannot be pressed: -ENODEV says to destroy it instead, and the
 * guest keeps running. Paused: -EBUSY (shut down: test_lifecycle).
 */
static void test_power_button_without_driver(void **state)
{
	struct domctl_status st;
	char want[32];
	long seen = -1;
	struct dom x;

	(void)state;
	start_dirtier(&x);
	/* the last tick printed so far (complete line or not) */
	for (const char *t = strstr(out, "tick "); t; t = strstr(t + 5, "tick "))
		seen = strtol(t + 5, NULL, 10);
	assert_true(seen >= 2);
	assert_int_equal(domctl_power_button(x.d), -ENODEV);
	assert_non_null(strstr(domctl_error(x.d), "virtio-input"));
	assert_non_null(strstr(domctl_error(x.d), "destroy it instead"));
	assert_int_equal(domctl_get_state(x.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_RUNNING);
	snprintf(want, sizeof(want), "tick %ld ", seen + 3);
	assert_true(hvd_wait_console(x.d, want, 20000, out, OUT_CAP));
	assert_int_equal(domctl_pause(x.d, &st), 0);
	assert_int_equal(domctl_power_button(x.d), -EBUSY);
	assert_non_null(strstr(domctl_error(x.d), "paused"));
	stop(&x);
}

/*
 * SetThrottle (auto-converge): 0..99 only; a throttled guest still runs
 * and prints, and pausing it is as synchronous as ever (the sleeping
 * vCPU is woken, not waited for).
 */
static void test_throttle(void **state)
{
	struct domctl_status st;
	struct dom x;
	char want[32];
	long last;

	(void)state;
	start_dirtier(&x);
	assert_int_equal(domctl_set_throttle(x.d, 100), -EINVAL);
	assert_non_null(strstr(domctl_error(x.d), "0..99"));
	assert_int_equal(domctl_set_throttle(x.d, 90), 0);
	last = hvd_console_drain(x.d, out, OUT_CAP);
	snprintf(want, sizeof(want), "tick %ld ", last + 2);
	assert_true(hvd_wait_console(x.d, want, 20000, out, OUT_CAP));
	assert_int_equal(domctl_pause(x.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_PAUSED);
	assert_int_equal(domctl_unpause(x.d, &st), 0);
	assert_int_equal(domctl_set_throttle(x.d, 0), 0);
	assert_null(strstr(out, "FAIL"));
	stop(&x);
}

/* The t= of the dirtier's "tick N t=T" line in @text, or -1. */
static long tick_time(const char *text, long n)
{
	char want[32];
	const char *p;

	snprintf(want, sizeof(want), "tick %ld t=", n);
	p = strstr(text, want);
	return p ? strtol(p + strlen(want), NULL, 10) : -1;
}

/*
 * A running dirtier moved through domctl alone into an incoming domain:
 * pages through both foreign mappings (holes stay holes), vCPU and device
 * state. The copy continues where the original stopped and verifies its
 * memory; the original is destroyed.
 */
static void test_move_into_incoming(void **state)
{
	const char *in_args[] = { "--vcpus", "1", "--memory", "64M",
		"--incoming", "--name", "dirty", NULL };
	struct domctl_memory ma, mb;
	struct domctl_pfn_range all;
	struct domctl_status st;
	uint8_t *ra, *rb, *v, *dev;
	size_t lv, ld, size;
	struct dom a, b;
	uint64_t copied = 0;
	long last_tick, last_t;

	(void)state;
	start_dirtier(&a);
	start(&b, in_args);
	assert_int_equal(domctl_get_state(b.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_INCOMING);
	assert_int_equal(domctl_unpause(b.d, &st), -EINVAL);
	assert_non_null(strstr(domctl_error(b.d), "vCPU 0"));

	assert_int_equal(domctl_pause(a.d, &st), 0);
	last_tick = hvd_console_drain(a.d, out, OUT_CAP);
	assert_true(last_tick >= 2);
	ra = map_ram(a.d, &ma);
	rb = map_ram(b.d, &mb);
	assert_int_equal(ma.nr_pages, mb.nr_pages);
	size = ma.nr_pages * 4096;
	for (off_t pos = 0; (uint64_t)pos < size;) {
		off_t data = lseek(ma.fd, pos, SEEK_DATA), hole;

		if (data < 0)
			break;
		hole = lseek(ma.fd, data, SEEK_HOLE);
		memcpy(rb + data, ra + data, (size_t)(hole - data));
		copied += (uint64_t)(hole - data);
		pos = hole;
	}
	/* 64 MiB guest, 8 MiB working set: most of RAM was never touched */
	assert_true(copied > (8u << 20) && copied < size / 2);
	all.first = 0;
	all.count = mb.nr_pages;
	assert_int_equal(domctl_log_dirty_mark(b.d, &all, 1), 0);
	assert_int_equal(domctl_get_vcpu_context(a.d, 0, &v, &lv), 0);
	assert_int_equal(domctl_save_devices(a.d, &dev, &ld), 0);
	assert_int_equal(domctl_set_vcpu_context(b.d, 0, v, lv), 0);
	assert_int_equal(domctl_unpause(b.d, &st), -EINVAL);
	assert_non_null(strstr(domctl_error(b.d), "device"));
	assert_int_equal(domctl_restore_devices(b.d, dev, ld), 0);
	last_t = tick_time(out, last_tick);
	assert_true(last_t >= 0);
	stop(&a);
	/* a second between restore and unpause is not the guest's time */
	{
		struct timespec ts = { 1, 0 };

		nanosleep(&ts, NULL);
	}
	subscribe(b.d);
	assert_int_equal(domctl_unpause(b.d, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_RUNNING);
	/* two more ticks after the one it stopped at, nothing failed */
	{
		char want[32];

		snprintf(want, sizeof(want), "tick %ld ", last_tick + 2);
		assert_true(hvd_wait_console(b.d, want, 20000, out, OUT_CAP));
	}
	/* the next tick came one tick (20 ms) of guest time later, not a
	 * second: guest time continued from the saved instant */
	assert_true(tick_time(out, last_tick + 1) - last_t < 500);
	assert_null(strstr(out, "FAIL"));
	free(v);
	free(dev);
	munmap(ra, size);
	munmap(rb, size);
	close(ma.fd);
	close(mb.fd);
	stop(&b);
}

/* Console input goes to the guest's UART; output comes back as events
 * with offsets counting every byte. */
static void test_console_both_ways(void **state)
{
	const char *args[] = { "--memory", "32M", "--kernel",
		hvd_guest("echo"), NULL };
	struct domctl_status st;
	const char *msg = "hello domctl q";
	size_t done = 0, acc;
	uint64_t off;
	struct dom x;

	(void)state;
	start(&x, args);
	/* not running: the UART takes nothing */
	assert_int_equal(domctl_console_write(x.d, "x", 1, &acc), 0);
	assert_int_equal(acc, 0);
	assert_int_equal(domctl_console_subscribe(x.d, true, false, &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(domctl_unpause(x.d, &st), 0);
	assert_true(hvd_wait_console(x.d, "echo: ready", 20000, out, OUT_CAP));
	while (done < strlen(msg)) {
		assert_int_equal(domctl_console_write(x.d, msg + done,
				 strlen(msg) - done, &acc), 0);
		done += acc;
		if (!acc)	/* the UART FIFO is full: let it drain */
			assert_true(hvd_wait_console(x.d, "", 1000, out,
						     OUT_CAP) || 1);
	}
	if (!hvd_wait_console(x.d, "echo: 13 bytes", 20000, out, OUT_CAP))
		fail_msg("echo printed: [%s]", out);
	assert_non_null(strstr(out, "HELLO DOMCTL "));
	assert_true(hvd_wait_state(x.d, DOMCTL_STATE_SHUTDOWN, 20000, &st));
	/* a second connection replays the backlog from offset 0 */
	{
		struct domctl *d2 = hvd_connect(&x.p);
		uint64_t off2;

		assert_non_null(d2);
		assert_int_equal(domctl_console_subscribe(d2, true, true,
							  &off2), 0);
		assert_int_equal(off2, 0);
		assert_true(hvd_wait_console(d2, "echo: 13 bytes", 5000, out,
					     OUT_CAP));
		assert_int_equal(strncmp(out, "echo: ready", 11), 0);
		assert_int_equal(domctl_console_write(d2, NULL,
				 DOMCTL_CONSOLE_MAX + 1, &acc), -EINVAL);
		domctl_close(d2);
	}
	stop(&x);
}

/* A state change made by one client is an event for the others. */
static void test_state_events_to_others(void **state)
{
	struct domctl_status st;
	struct domctl *d2;
	struct dom x;

	(void)state;
	start_dirtier(&x);
	d2 = hvd_connect(&x.p);
	assert_non_null(d2);
	assert_int_equal(domctl_pause(x.d, &st), 0);
	assert_true(hvd_wait_state(d2, DOMCTL_STATE_PAUSED, 5000, &st));
	assert_int_equal(domctl_unpause(d2, &st), 0);
	assert_true(hvd_wait_state(x.d, DOMCTL_STATE_RUNNING, 5000, &st));
	domctl_close(d2);
	stop(&x);
}

/* Destroy: the reply, then EOF; hvdomain exits 0 and the guest RAM
 * mapping dom0 holds stays valid. */
static void test_destroy(void **state)
{
	struct domctl_memory mem;
	struct domctl_event ev;
	uint8_t *ram;
	struct dom x;

	(void)state;
	start_dirtier(&x);
	ram = map_ram(x.d, &mem);
	assert_int_equal(domctl_destroy(x.d), 0);
	while (domctl_next_event(x.d, &ev, 5000) == 0)
		domctl_event_free(&ev);
	assert_int_equal(domctl_get_state(x.d, NULL), -ECONNRESET);
	domctl_close(x.d);
	x.d = NULL;
	assert_int_equal(hvd_reap(&x.p, 10), 0);
	/* the dirtier's page 0 header is still readable through dom0's map */
	assert_true(ram[0] == ram[0]);
	munmap(ram, mem.nr_pages * 4096);
	close(mem.fd);
}

/* --check-sandbox: the forbidden call kills hvdomain, and its parent
 * learns why from the wait status and the line on stderr. */
static void test_check_sandbox_kills(void **state)
{
	const char *args[] = { "--check-sandbox", NULL };
	struct hvd_proc p;
	char why[128], log[512] = "";
	FILE *f;

	(void)state;
	assert_int_equal(hvd_spawn(&p, args), -1);
	assert_int_equal(sandbox_explain_status(p.status, why, sizeof(why)),
			 1);
	assert_non_null(strstr(why, "seccomp"));
	f = fopen(p.log, "r");
	assert_non_null(f);
	assert_true(fread(log, 1, sizeof(log) - 1, f) > 0);
	fclose(f);
	assert_non_null(strstr(log, "forbidden system call"));
	assert_non_null(strstr(log, "(socket)"));
	hvd_reap(&p, 1);
}

/* A running domain is sandboxed: seccomp filter on, no new privileges,
 * not root when started as root, only the descriptors it needs. */
static void test_running_domain_is_sandboxed(void **state)
{
	char path[64], line[256], target[256];
	bool uid_ok = false, seccomp = false, nnp = false;
	unsigned nfds = 0;
	struct dom x;
	FILE *f;

	(void)state;
	start_dirtier(&x);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)x.p.pid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned r, e, sv, fs;

		if (sscanf(line, "Uid: %u %u %u %u", &r, &e, &sv, &fs) == 4)
			uid_ok = geteuid() != 0 ||
				 (r != 0 && e != 0 && sv != 0 && fs != 0);
		if (!strncmp(line, "Seccomp:", 8))
			seccomp = strtol(line + 8, NULL, 10) == 2;
		if (!strncmp(line, "NoNewPrivs:", 11))
			nnp = strtol(line + 11, NULL, 10) == 1;
	}
	fclose(f);
	assert_true(uid_ok);
	assert_true(seccomp);
	assert_true(nnp);
	for (int fd = 0; fd < 1024; fd++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)x.p.pid,
			 fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		nfds++;
		if (fd == 2)
			continue;	/* the log */
		if (strcmp(target, "/dev/null") &&
		    strncmp(target, "socket:", 7) &&
		    strcmp(target, "anon_inode:[eventfd]") &&
		    strcmp(target, "anon_inode:[eventpoll]") &&
		    strncmp(target, "/memfd:hv-guest-ram", 19))
			fail_msg("hvdomain holds fd %d: %s", fd, target);
	}
	/* 0-2, listener, memfd, 2 eventfds, epoll, one connection */
	assert_int_equal(nfds, 9);
	stop(&x);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_lifecycle, hvd_kill_all),
		cmocka_unit_test_teardown(test_crash_state, hvd_kill_all),
		cmocka_unit_test_teardown(test_pause_is_synchronous, hvd_kill_all),
		cmocka_unit_test_teardown(test_log_dirty, hvd_kill_all),
		cmocka_unit_test_teardown(test_log_dirty_limit, hvd_kill_all),
		cmocka_unit_test_teardown(test_state_rules, hvd_kill_all),
		cmocka_unit_test_teardown(test_throttle, hvd_kill_all),
		cmocka_unit_test_teardown(test_move_into_incoming, hvd_kill_all),
		cmocka_unit_test_teardown(test_console_both_ways, hvd_kill_all),
		cmocka_unit_test_teardown(test_state_events_to_others, hvd_kill_all),
		cmocka_unit_test_teardown(test_destroy, hvd_kill_all),
		cmocka_unit_test_teardown(test_power_button_without_driver,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_check_sandbox_kills,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_running_domain_is_sandboxed,
					  hvd_kill_all),
	};

	(void)argc;
	hvd_fixture_init(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
