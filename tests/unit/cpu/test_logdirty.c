// SPDX-License-Identifier: MIT
/*
 * Log-dirty and pause. The stress test is the one design.md §1 asks for:
 * vCPUs keep storing sequence numbers into a shared region while this
 * thread loops clean + copy-the-dirty-pages into a shadow; after a final
 * round with the vCPUs paused, the shadow must equal guest RAM. A clean
 * that returned before a store that had passed the fast-path check
 * landed would leave a stale page in the shadow.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#define REGION		H_DATA
#define REGION_PAGES	128
#define ITERATIONS	1000

struct running {
	struct harness *h;
	pthread_t threads[HV_MAX_VCPUS];
};

static void *vcpu_main(void *arg)
{
	cpu_run(arg);
	return NULL;
}

/*
 * Each vCPU: forever { for every page of the region: store seq at
 * page + hart * 8 + (seq % 32) * 64 } seq++ — its stores land in every
 * page, at a cache line that moves with seq.
 */
static uint64_t emit_writer(struct harness *h)
{
	uint64_t start, outer, inner;

	h_org(h, H_CODE);
	start = h->pc;
	e32(h, SLLI(S1, A0, 3));		/* s1 = hart * 8 */
	e_li(h, S0, 1);				/* seq */
	outer = e32(h, ANDI(T2, S0, 31));
	e32(h, SLLI(T2, T2, 6));
	e32(h, ADD(T2, T2, S1));		/* offset in the page */
	e_li(h, T0, REGION);
	e_li(h, T1, REGION + REGION_PAGES * PAGE_SIZE);
	inner = e32(h, ADD(T3, T0, T2));
	e32(h, SD(S0, T3, 0));
	e_li(h, T4, PAGE_SIZE);
	e32(h, ADD(T0, T0, T4));
	e32(h, BLTU(T0, T1, (int32_t)(inner - h->pc)));
	e32(h, ADDI(S0, S0, 1));
	e32(h, JAL(0, (int32_t)(outer - h->pc)));
	return start;
}

static void start_vcpus(struct running *r, struct harness *h, uint64_t pc)
{
	r->h = h;
	atomic_store(&h->cpu[0]->hsm, HSM_STOPPED);
	for (unsigned n = 0; n < h->nr_cpus; n++) {
		h->threaded[n] = true;
		cpu_boot(h->cpu[n], pc, 0);
		assert_int_equal(pthread_create(&r->threads[n], NULL,
						vcpu_main, h->cpu[n]), 0);
	}
	/* Until every vCPU has made its first store (seq 1, page 0). */
	for (unsigned n = 0; n < h->nr_cpus; n++) {
		const uint64_t *first = h_ptr(h, REGION + n * 8 + 64);

		while (!__atomic_load_n(first, __ATOMIC_RELAXED))
			sched_yield();
	}
}

static void stop_vcpus(struct running *r)
{
	for (unsigned n = 0; n < r->h->nr_cpus; n++)
		cpu_stop(r->h->cpu[n]);
	for (unsigned n = 0; n < r->h->nr_cpus; n++)
		pthread_join(r->threads[n], NULL);
}

/* Copies one guest page as a concurrent reader must: word by word. */
static void copy_page(uint64_t *dst, const uint64_t *src)
{
	for (unsigned k = 0; k < PAGE_SIZE / 8; k++)
		dst[k] = __atomic_load_n(&src[k], __ATOMIC_RELAXED);
}

static uint64_t copy_dirty(struct harness *h, uint64_t *shadow,
			   const uint64_t *bits, uint64_t first)
{
	uint64_t copied = 0;

	for (unsigned i = 0; i < REGION_PAGES; i++) {
		if (!(bits[i / 64] >> (i % 64) & 1))
			continue;
		copy_page(shadow + i * (PAGE_SIZE / 8),
			  h_ptr(h, (first + i) << PAGE_SHIFT | H_RAM_BASE));
		copied++;
	}
	return copied;
}

static void stress(unsigned nr_cpus)
{
	struct harness *h = h_create(nr_cpus);
	uint64_t first = (REGION - H_RAM_BASE) >> PAGE_SHIFT;
	uint64_t *shadow = calloc(REGION_PAGES, PAGE_SIZE);
	uint64_t bits[REGION_PAGES / 64], n, total = 0;
	struct running r;

	assert_non_null(shadow);
	assert_int_equal(logdirty_enable(&h->plat), 0);
	start_vcpus(&r, h, emit_writer(h));
	for (unsigned it = 0; it < ITERATIONS; it++) {
		assert_int_equal(logdirty_clean(&h->plat, first, REGION_PAGES,
						bits, &n), 0);
		total += copy_dirty(h, shadow, bits, first);
	}
	cpu_pause_all(&h->plat);
	assert_int_equal(logdirty_clean(&h->plat, first, REGION_PAGES, bits,
					&n), 0);
	copy_dirty(h, shadow, bits, first);
	for (unsigned i = 0; i < REGION_PAGES; i++) {
		const void *ram = h_ptr(h, REGION + (uint64_t)i * PAGE_SIZE);

		if (memcmp(shadow + i * (PAGE_SIZE / 8), ram, PAGE_SIZE))
			fail_msg("%u vCPUs: page %u of the region is stale in "
				 "the shadow", nr_cpus, i);
	}
	/* The writers really ran concurrently with the cleans. */
	if (total < REGION_PAGES)
		fail_msg("%u vCPUs: only %llu pages copied", nr_cpus,
			 (unsigned long long)total);
	print_message("%u vCPUs: %llu pages copied in %u rounds\n", nr_cpus,
		      (unsigned long long)total, ITERATIONS);
	cpu_unpause_all(&h->plat);
	stop_vcpus(&r);
	free(shadow);
	h_destroy(h);
}

static void test_stress_1(void **state) { (void)state; stress(1); }
static void test_stress_4(void **state) { (void)state; stress(4); }
static void test_stress_8(void **state) { (void)state; stress(8); }

/* Paused vCPUs execute nothing and guest time stands still. */
static void test_pause(void **state)
{
	struct harness *h = h_create(2);
	uint64_t before, t0, t1;
	struct running r;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	(void)state;
	start_vcpus(&r, h, emit_writer(h));
	cpu_pause_all(&h->plat);
	before = __atomic_load_n((uint64_t *)h_ptr(h, REGION), __ATOMIC_RELAXED);
	t0 = cpu_platform_time(&h->plat);
	nanosleep(&ts, NULL);	/* a stretch of host time while paused */
	assert_int_equal(__atomic_load_n((uint64_t *)h_ptr(h, REGION),
					 __ATOMIC_RELAXED), before);
	t1 = cpu_platform_time(&h->plat);
	assert_true(t1 - t0 < HV_TIMEBASE_HZ / 1000);	/* < 1 ms */
	cpu_unpause_all(&h->plat);
	/* Running again: the store loop moves on. */
	while (__atomic_load_n((uint64_t *)h_ptr(h, REGION),
			       __ATOMIC_RELAXED) == before)
		sched_yield();
	assert_true(cpu_platform_time(&h->plat) >= t1);
	stop_vcpus(&r);
	h_destroy(h);
}

static void test_api(void **state)
{
	struct harness *h = h_create(1);
	struct cpu_platform *p = &h->plat;
	uint64_t bits[2], n;

	(void)state;
	/* A store for later; the code is written before logging starts. */
	h_org(h, H_CODE);
	e_li(h, T0, REGION + 5 * PAGE_SIZE);
	e32(h, SD(T0, T0, 8));
	assert_int_equal(logdirty_clean(p, 0, 64, bits, &n), -ENODATA);
	assert_int_equal(logdirty_enable(p), 0);
	assert_int_equal(logdirty_clean(p, p->nr_pages, 1, bits, &n), -ERANGE);
	assert_int_equal(logdirty_mark(p, p->nr_pages - 1, 2), -ERANGE);
	/* Freshly enabled: every page clean. */
	assert_int_equal(logdirty_peek(p, 0, 128, bits, &n), 0);
	assert_int_equal(n, 0);
	/* dom0 writes pages 3 and 70 (of a range starting at page 1). */
	assert_int_equal(logdirty_mark(p, 4, 1), 0);
	assert_int_equal(logdirty_mark(p, 71, 1), 0);
	assert_int_equal(logdirty_peek(p, 1, 100, bits, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(bits[0], 1ull << 3);
	assert_int_equal(bits[1], 1ull << (70 - 64));
	/* Peek does not clear; clean does, once. */
	assert_int_equal(logdirty_clean(p, 1, 100, bits, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(logdirty_clean(p, 1, 100, bits, &n), 0);
	assert_int_equal(n, 0);
	/* A vCPU store marks its page, and nothing else is marked. */
	h_run(h, h->cpu[0], H_CODE, H_CODE + 4 * 4);
	{
		uint64_t all[(H_RAM_SIZE >> PAGE_SHIFT) / 64];
		uint64_t pfn = ((REGION - H_RAM_BASE) >> PAGE_SHIFT) + 5;

		assert_int_equal(logdirty_clean(p, 0, p->nr_pages, all, &n),
				 0);
		assert_int_equal(n, 1);
		assert_true(all[pfn / 64] >> (pfn % 64) & 1);
	}
	logdirty_disable(p);
	assert_int_equal(logdirty_peek(p, 0, 64, bits, &n), -ENODATA);
	h_destroy(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_pause),
		cmocka_unit_test(test_stress_1),
		cmocka_unit_test(test_stress_4),
		cmocka_unit_test(test_stress_8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
