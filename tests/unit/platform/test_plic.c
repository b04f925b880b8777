// SPDX-License-Identifier: MIT
/*
 * PLIC: claim order (priority, then lowest id), threshold, per-context
 * enables, level-triggered gateways (a completion re-raises a line that is
 * still high), the SEIP callback (level-accurate, called on changes only)
 * and the register file's fixed bits.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "platform/plic.h"

#define NR_HARTS 4

struct fake_harts {
	bool seip[NR_HARTS];
	unsigned calls[NR_HARTS];
};

struct fixture {
	struct plic *plic;
	struct mmio_region r;
	struct fake_harts harts;
};

static void fake_set_seip(void *opaque, unsigned hart, bool level)
{
	struct fake_harts *h = opaque;

	assert_true(hart < NR_HARTS);
	/* the PLIC only reports changes */
	assert_int_not_equal(h->seip[hart], level);
	h->seip[hart] = level;
	h->calls[hart]++;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct irq_sink sink = { .set_seip = fake_set_seip };

	assert_non_null(fx);
	sink.opaque = &fx->harts;
	assert_int_equal(plic_create(&fx->plic, NR_HARTS, &sink), 0);
	fx->r = plic_region(fx->plic);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	plic_destroy(fx->plic);
	free(fx);
	return 0;
}

static uint32_t rd(struct fixture *fx, uint64_t off)
{
	return (uint32_t)fx->r.ops->read(fx->r.opaque, off, 4);
}

static void wr(struct fixture *fx, uint64_t off, uint32_t val)
{
	fx->r.ops->write(fx->r.opaque, off, val, 4);
}

static void set_prio(struct fixture *fx, unsigned src, uint32_t prio)
{
	wr(fx, 4 * src, prio);
}

static void enable(struct fixture *fx, unsigned ctx, unsigned src)
{
	uint64_t off = 0x2000 + 0x80 * ctx + 4 * (src / 32);

	wr(fx, off, rd(fx, off) | 1u << (src % 32));
}

static void set_threshold(struct fixture *fx, unsigned ctx, uint32_t t)
{
	wr(fx, 0x200000 + 0x1000 * ctx, t);
}

static uint32_t claim(struct fixture *fx, unsigned ctx)
{
	return rd(fx, 0x200004 + 0x1000 * ctx);
}

static void complete(struct fixture *fx, unsigned ctx, uint32_t src)
{
	wr(fx, 0x200004 + 0x1000 * ctx, src);
}

static bool pending(struct fixture *fx, unsigned src)
{
	return rd(fx, 0x1000 + 4 * (src / 32)) & (1u << (src % 32));
}

static void test_create_args(void **state)
{
	struct irq_sink sink = { .set_seip = fake_set_seip };
	struct plic *p = NULL;

	assert_int_equal(plic_create(&p, 0, &sink), -EINVAL);
	assert_int_equal(plic_create(&p, 1000, &sink), -EINVAL);
	assert_int_equal(plic_create(&p, 1, NULL), -EINVAL);
	assert_null(p);
	plic_destroy(NULL);
}

static void test_region(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(fx->r.base, 0x0c000000);
	assert_int_equal(fx->r.size, 0x04000000);
	assert_ptr_equal(fx->r.opaque, fx->plic);
}

static void test_claim_highest_priority(void **state)
{
	struct fixture *fx = *state;

	set_prio(fx, 3, 2);
	set_prio(fx, 5, 5);
	set_prio(fx, 40, 7);	/* second enable word */
	set_prio(fx, 7, 1);
	enable(fx, 0, 3);
	enable(fx, 0, 5);
	enable(fx, 0, 7);
	enable(fx, 0, 40);
	plic_set_irq(fx->plic, 3, true);
	plic_set_irq(fx->plic, 5, true);
	plic_set_irq(fx->plic, 7, true);
	plic_set_irq(fx->plic, 40, true);
	assert_true(fx->harts.seip[0]);
	assert_int_equal(fx->harts.calls[0], 1);
	assert_false(fx->harts.seip[1]);

	assert_int_equal(claim(fx, 0), 40);
	assert_false(pending(fx, 40));
	assert_int_equal(claim(fx, 0), 5);
	assert_int_equal(claim(fx, 0), 3);
	assert_true(fx->harts.seip[0]);
	assert_int_equal(claim(fx, 0), 7);
	/* everything is claimed: the line drops, claim returns 0 */
	assert_false(fx->harts.seip[0]);
	assert_int_equal(claim(fx, 0), 0);
	assert_int_equal(fx->harts.calls[0], 2);
}

static void test_tie_lowest_id_wins(void **state)
{
	struct fixture *fx = *state;

	set_prio(fx, 9, 4);
	set_prio(fx, 4, 4);
	set_prio(fx, 70, 4);
	enable(fx, 1, 9);
	enable(fx, 1, 4);
	enable(fx, 1, 70);
	plic_set_irq(fx->plic, 70, true);
	plic_set_irq(fx->plic, 9, true);
	plic_set_irq(fx->plic, 4, true);
	assert_true(fx->harts.seip[1]);
	assert_false(fx->harts.seip[0]);
	assert_int_equal(claim(fx, 1), 4);
	assert_int_equal(claim(fx, 1), 9);
	assert_int_equal(claim(fx, 1), 70);
	assert_int_equal(claim(fx, 1), 0);
}

static void test_threshold(void **state)
{
	struct fixture *fx = *state;

	set_prio(fx, 12, 3);
	enable(fx, 2, 12);
	set_threshold(fx, 2, 3);
	assert_int_equal(rd(fx, 0x202000), 3);
	plic_set_irq(fx->plic, 12, true);
	assert_true(pending(fx, 12));
	/* priority must be strictly above the threshold */
	assert_false(fx->harts.seip[2]);
	assert_int_equal(claim(fx, 2), 0);
	assert_true(pending(fx, 12));

	set_threshold(fx, 2, 2);
	assert_true(fx->harts.seip[2]);
	set_threshold(fx, 2, 7);
	assert_false(fx->harts.seip[2]);
	set_threshold(fx, 2, 0);
	assert_true(fx->harts.seip[2]);
	assert_int_equal(claim(fx, 2), 12);

	/* threshold is 3 bits wide */
	set_threshold(fx, 2, 0xff);
	assert_int_equal(rd(fx, 0x202000), 7);
}

static void test_priority_zero_never_fires(void **state)
{
	struct fixture *fx = *state;

	enable(fx, 0, 20);
	plic_set_irq(fx->plic, 20, true);
	assert_true(pending(fx, 20));
	assert_false(fx->harts.seip[0]);
	assert_int_equal(claim(fx, 0), 0);
	set_prio(fx, 20, 1);
	assert_true(fx->harts.seip[0]);
	set_prio(fx, 20, 0);
	assert_false(fx->harts.seip[0]);
}

static void test_level_reraised_on_complete(void **state)
{
	struct fixture *fx = *state;

	set_prio(fx, 10, 1);
	enable(fx, 0, 10);
	plic_set_irq(fx->plic, 10, true);
	assert_true(fx->harts.seip[0]);
	assert_int_equal(claim(fx, 0), 10);
	assert_false(fx->harts.seip[0]);
	assert_false(pending(fx, 10));

	/* the device keeps its line high while the hart handles it */
	plic_set_irq(fx->plic, 10, true);
	assert_false(fx->harts.seip[0]);
	assert_int_equal(claim(fx, 0), 0);

	/* completion with the line still high: pending again at once */
	complete(fx, 0, 10);
	assert_true(pending(fx, 10));
	assert_true(fx->harts.seip[0]);
	assert_int_equal(claim(fx, 0), 10);

	/* this time the handler quiets the device before completing */
	plic_set_irq(fx->plic, 10, false);
	complete(fx, 0, 10);
	assert_false(pending(fx, 10));
	assert_false(fx->harts.seip[0]);
	assert_int_equal(claim(fx, 0), 0);
	assert_int_equal(fx->harts.calls[0], 4);
}

static void test_line_dropped_before_claim(void **state)
{
	struct fixture *fx = *state;

	set_prio(fx, 33, 2);
	enable(fx, 3, 33);
	plic_set_irq(fx->plic, 33, true);
	assert_true(fx->harts.seip[3]);
	plic_set_irq(fx->plic, 33, false);
	assert_false(pending(fx, 33));
	assert_false(fx->harts.seip[3]);
	assert_int_equal(claim(fx, 3), 0);
}

static void test_complete_bogus_ignored(void **state)
{
	struct fixture *fx = *state;

	set_prio(fx, 6, 1);
	set_prio(fx, 8, 1);
	enable(fx, 0, 6);
	enable(fx, 0, 8);
	plic_set_irq(fx->plic, 6, true);
	plic_set_irq(fx->plic, 8, true);
	assert_int_equal(claim(fx, 0), 6);
	/* completing a source that was not claimed changes nothing */
	complete(fx, 0, 8);
	complete(fx, 0, 0);
	complete(fx, 0, 1000);
	assert_int_equal(claim(fx, 0), 8);
	assert_int_equal(claim(fx, 0), 0);
	complete(fx, 0, 6);
	assert_int_equal(claim(fx, 0), 6);
}

static void test_contexts_are_separate(void **state)
{
	struct fixture *fx = *state;

	set_prio(fx, 1, 1);
	set_prio(fx, 2, 1);
	enable(fx, 0, 1);
	enable(fx, 1, 2);
	enable(fx, 2, 1);
	enable(fx, 2, 2);
	plic_set_irq(fx->plic, 2, true);
	assert_false(fx->harts.seip[0]);
	assert_true(fx->harts.seip[1]);
	assert_true(fx->harts.seip[2]);
	assert_false(fx->harts.seip[3]);

	/* a claim by one context takes the source from every context */
	assert_int_equal(claim(fx, 2), 2);
	assert_false(fx->harts.seip[1]);
	assert_false(fx->harts.seip[2]);
	assert_int_equal(claim(fx, 1), 0);
	complete(fx, 2, 2);
	assert_true(fx->harts.seip[1]);
	assert_true(fx->harts.seip[2]);
}

static void test_register_fixed_bits(void **state)
{
	struct fixture *fx = *state;

	/* priorities are 3 bits; source 0 has none */
	set_prio(fx, 95, 0xffffffff);
	assert_int_equal(rd(fx, 4 * 95), 7);
	set_prio(fx, 0, 5);
	assert_int_equal(rd(fx, 0), 0);
	/* source 0 cannot be enabled; sources past 95 do not exist */
	wr(fx, 0x2000, 0xffffffff);
	assert_int_equal(rd(fx, 0x2000), 0xfffffffe);
	wr(fx, 0x2000 + 12, 0xffffffff);
	assert_int_equal(rd(fx, 0x2000 + 12), 0);
	/* pending is read-only */
	wr(fx, 0x1000, 0xffffffff);
	assert_int_equal(rd(fx, 0x1000), 0);
	plic_set_irq(fx->plic, 0, true);
	plic_set_irq(fx->plic, 96, true);
	assert_int_equal(rd(fx, 0x1000), 0);
	/* contexts past the last hart read 0 and ignore writes */
	wr(fx, 0x2000 + 0x80 * NR_HARTS, 0xff);
	assert_int_equal(rd(fx, 0x2000 + 0x80 * NR_HARTS), 0);
	wr(fx, 0x200000 + 0x1000 * NR_HARTS, 3);
	assert_int_equal(rd(fx, 0x200000 + 0x1000 * NR_HARTS), 0);
	/* byte accesses are not implemented */
	assert_int_equal(fx->r.ops->read(fx->r.opaque, 0x2000, 1), 0);
	/* an aligned 64-bit access is two words */
	fx->r.ops->write(fx->r.opaque, 0x2080, 0x0000000500000003ULL, 8);
	assert_int_equal(rd(fx, 0x2080), 2);
	assert_int_equal(rd(fx, 0x2084), 5);
	assert_int_equal(fx->r.ops->read(fx->r.opaque, 0x2080, 8),
			 0x0000000500000002ULL);
}

struct hammer {
	struct plic *plic;
	unsigned src;
};

static void *hammer_thread(void *arg)
{
	struct hammer *h = arg;
	int i;

	for (i = 0; i < 20000; i++)
		plic_set_irq(h->plic, h->src, i & 1);
	plic_set_irq(h->plic, h->src, true);
	return NULL;
}

/* Devices on other threads toggle lines while a hart claims/completes. */
static void test_threads(void **state)
{
	struct fixture *fx = *state;
	struct hammer h[3];
	pthread_t t[3];
	unsigned i, seen = 0;

	for (i = 0; i < 3; i++) {
		h[i].plic = fx->plic;
		h[i].src = 50 + i;
		set_prio(fx, h[i].src, 1);
		enable(fx, 0, h[i].src);
		assert_int_equal(pthread_create(&t[i], NULL, hammer_thread,
						&h[i]), 0);
	}
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	/* every line ends high: three claims, each source once */
	for (i = 0; i < 3; i++) {
		uint32_t src = claim(fx, 0);

		assert_true(src >= 50 && src <= 52);
		seen |= 1u << (src - 50);
	}
	assert_int_equal(seen, 7);
	assert_int_equal(claim(fx, 0), 0);
	assert_false(fx->harts.seip[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_args),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_region),
		T(test_claim_highest_priority),
		T(test_tie_lowest_id_wins),
		T(test_threshold),
		T(test_priority_zero_never_fires),
		T(test_level_reraised_on_complete),
		T(test_line_dropped_before_claim),
		T(test_complete_bogus_ignored),
		T(test_contexts_are_separate),
		T(test_register_fixed_bits),
		T(test_threads),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
