// SPDX-License-Identifier: MIT
/*
 * SiFive PLIC, level-triggered sources only.
 *
 * Each source has a gateway: its line level (set by the device) and a
 * "claimed" bit (set by a claim, cleared by the matching completion). The
 * pending bit the harts see is derived, never stored:
 *
 *	pending(src) = level(src) && !claimed(src)
 *
 * so a line that drops before it is claimed stops being pending (as in
 * QEMU), a claimed source is not pending until it is completed, and a
 * completion of a source whose line is still high makes it pending again
 * at once (the level re-raises it).
 *
 * A context (= a hart's S-mode) has its external interrupt asserted when
 * some source is pending, enabled for it and of priority above its
 * threshold. plic_update() recomputes that for every context after each
 * change and calls the sink for the contexts whose state changed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "plic.h"

#define PLIC_PRIO_MASK		7u

#define PLIC_PRIORITY_BASE	0x000000
#define PLIC_PENDING_BASE	0x001000
#define PLIC_ENABLE_BASE	0x002000
#define PLIC_ENABLE_STRIDE	0x80
#define PLIC_CONTEXT_BASE	0x200000
#define PLIC_CONTEXT_STRIDE	0x1000

_Static_assert(PLIC_NR_SOURCES % 32 == 0, "sources fill whole words");

struct plic_context {
	uint32_t enable[PLIC_WORDS];
	uint32_t threshold;
	bool seip;		/* last level given to the sink */
};

struct plic {
	pthread_mutex_t lock;
	struct irq_sink sink;
	unsigned nr_contexts;
	uint32_t priority[PLIC_NR_SOURCES];
	uint32_t level[PLIC_WORDS];
	uint32_t claimed[PLIC_WORDS];
	struct plic_context *ctx;
};

static inline uint32_t plic_pending_word(const struct plic *plic, unsigned w)
{
	return plic->level[w] & ~plic->claimed[w];
}

/*
 * The source a claim by context @c would return: the pending, enabled
 * source of highest priority above the threshold; lowest id on a tie.
 * 0 when there is none. Lock held.
 */
static unsigned plic_best(const struct plic *plic, unsigned c)
{
	const struct plic_context *ctx = &plic->ctx[c];
	uint32_t best_prio = ctx->threshold;
	unsigned best = 0;
	unsigned w, b;

	for (w = 0; w < PLIC_WORDS; w++) {
		uint32_t bits = plic_pending_word(plic, w) & ctx->enable[w];

		while (bits) {
			unsigned src;

			b = (unsigned)__builtin_ctz(bits);
			bits &= bits - 1;
			src = w * 32 + b;
			/* strictly greater: the lower id wins a tie */
			if (plic->priority[src] > best_prio) {
				best_prio = plic->priority[src];
				best = src;
			}
		}
	}
	return best;
}

/* Recomputes every context's SEIP and tells the sink of changes. Lock held. */
static void plic_update(struct plic *plic)
{
	unsigned c;

	for (c = 0; c < plic->nr_contexts; c++) {
		bool level = plic_best(plic, c) != 0;

		if (level == plic->ctx[c].seip)
			continue;
		plic->ctx[c].seip = level;
		if (plic->sink.set_seip)
			plic->sink.set_seip(plic->sink.opaque, c, level);
	}
}

static uint32_t plic_claim(struct plic *plic, unsigned c)
{
	unsigned src = plic_best(plic, c);

	if (src) {
		plic->claimed[src / 32] |= 1u << (src % 32);
		plic_update(plic);
	}
	return src;
}

static void plic_complete(struct plic *plic, unsigned c, uint32_t src)
{
	/*
	 * As QEMU does, the enable bit is not checked: Linux enables a
	 * masked source around its completion anyway, for PLICs that do.
	 */
	if (src == 0 || src >= PLIC_NR_SOURCES)
		return;
	if (!(plic->claimed[src / 32] & (1u << (src % 32))))
		return;
	plic->claimed[src / 32] &= ~(1u << (src % 32));
	plic_update(plic);
}

/* One aligned 32-bit register read. Lock held. */
static uint32_t plic_read32(struct plic *plic, uint64_t off)
{
	if (off < PLIC_PENDING_BASE) {
		uint64_t src = off / 4;

		return src < PLIC_NR_SOURCES ? plic->priority[src] : 0;
	}
	if (off >= PLIC_PENDING_BASE && off < PLIC_PENDING_BASE + 4 * PLIC_WORDS)
		return plic_pending_word(plic, (off - PLIC_PENDING_BASE) / 4);
	if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE) {
		uint64_t rel = off - PLIC_ENABLE_BASE;
		uint64_t c = rel / PLIC_ENABLE_STRIDE;
		uint64_t w = rel % PLIC_ENABLE_STRIDE / 4;

		if (c < plic->nr_contexts && w < PLIC_WORDS)
			return plic->ctx[c].enable[w];
		return 0;
	}
	if (off >= PLIC_CONTEXT_BASE) {
		uint64_t rel = off - PLIC_CONTEXT_BASE;
		uint64_t c = rel / PLIC_CONTEXT_STRIDE;
		uint64_t reg = rel % PLIC_CONTEXT_STRIDE;

		if (c >= plic->nr_contexts)
			return 0;
		if (reg == 0)
			return plic->ctx[c].threshold;
		if (reg == 4)
			return plic_claim(plic, (unsigned)c);
	}
	return 0;
}

/* One aligned 32-bit register write. Lock held. */
static void plic_write32(struct plic *plic, uint64_t off, uint32_t val)
{
	if (off < PLIC_PENDING_BASE) {
		uint64_t src = off / 4;

		/* source 0 does not exist: its priority stays 0 */
		if (src == 0 || src >= PLIC_NR_SOURCES)
			return;
		plic->priority[src] = val & PLIC_PRIO_MASK;
		plic_update(plic);
		return;
	}
	if (off >= PLIC_ENABLE_BASE && off < PLIC_CONTEXT_BASE) {
		uint64_t rel = off - PLIC_ENABLE_BASE;
		uint64_t c = rel / PLIC_ENABLE_STRIDE;
		uint64_t w = rel % PLIC_ENABLE_STRIDE / 4;

		if (c >= plic->nr_contexts || w >= PLIC_WORDS)
			return;
		if (w == 0)
			val &= ~1u;	/* source 0 cannot be enabled */
		plic->ctx[c].enable[w] = val;
		plic_update(plic);
		return;
	}
	if (off >= PLIC_CONTEXT_BASE) {
		uint64_t rel = off - PLIC_CONTEXT_BASE;
		uint64_t c = rel / PLIC_CONTEXT_STRIDE;
		uint64_t reg = rel % PLIC_CONTEXT_STRIDE;

		if (c >= plic->nr_contexts)
			return;
		if (reg == 0) {
			plic->ctx[c].threshold = val & PLIC_PRIO_MASK;
			plic_update(plic);
		} else if (reg == 4) {
			plic_complete(plic, (unsigned)c, val);
		}
	}
	/* the pending array is read-only */
}

/*
 * Registers are 32 bits wide. An aligned 64-bit access is two 32-bit
 * ones (low word first); narrower or misaligned accesses read 0 and are
 * ignored.
 */
static uint64_t plic_mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct plic *plic = opaque;
	uint64_t val = 0;

	if ((size != 4 && size != 8) || (off & (size - 1)))
		return 0;
	pthread_mutex_lock(&plic->lock);
	val = plic_read32(plic, off);
	if (size == 8)
		val |= (uint64_t)plic_read32(plic, off + 4) << 32;
	pthread_mutex_unlock(&plic->lock);
	return val;
}

static void plic_mmio_write(void *opaque, uint64_t off, uint64_t val,
			    unsigned size)
{
	struct plic *plic = opaque;

	if ((size != 4 && size != 8) || (off & (size - 1)))
		return;
	pthread_mutex_lock(&plic->lock);
	plic_write32(plic, off, (uint32_t)val);
	if (size == 8)
		plic_write32(plic, off + 4, (uint32_t)(val >> 32));
	pthread_mutex_unlock(&plic->lock);
}

static const struct mmio_ops plic_mmio_ops = {
	.read = plic_mmio_read,
	.write = plic_mmio_write,
};

void plic_set_irq(struct plic *plic, unsigned src, bool level)
{
	uint32_t bit = 1u << (src % 32);
	uint32_t *word;

	if (src == 0 || src >= PLIC_NR_SOURCES)
		return;
	pthread_mutex_lock(&plic->lock);
	word = &plic->level[src / 32];
	if (!!(*word & bit) != level) {
		*word ^= bit;
		plic_update(plic);
	}
	pthread_mutex_unlock(&plic->lock);
}

struct mmio_region plic_region(struct plic *plic)
{
	struct mmio_region r = {
		.base = PLIC_BASE,
		.size = PLIC_SIZE,
		.ops = &plic_mmio_ops,
		.opaque = plic,
		.name = "plic",
	};

	return r;
}

int plic_create(struct plic **out, unsigned nr_harts,
		const struct irq_sink *sink)
{
	struct plic *plic;
	int ret;

	if (nr_harts == 0 || nr_harts > PLIC_MAX_CONTEXTS || !sink)
		return -EINVAL;
	plic = calloc(1, sizeof(*plic));
	if (!plic)
		return -ENOMEM;
	plic->ctx = calloc(nr_harts, sizeof(*plic->ctx));
	if (!plic->ctx) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = -pthread_mutex_init(&plic->lock, NULL);
	if (ret)
		goto out_free_ctx;
	plic->nr_contexts = nr_harts;
	plic->sink = *sink;
	*out = plic;
	return 0;

out_free_ctx:
	free(plic->ctx);
out_free:
	free(plic);
	return ret;
}

void plic_destroy(struct plic *plic)
{
	if (!plic)
		return;
	pthread_mutex_destroy(&plic->lock);
	free(plic->ctx);
	free(plic);
}

void plic_save(struct plic *plic, struct plic_state *st)
{
	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&plic->lock);
	memcpy(st->priority, plic->priority, sizeof(st->priority));
	memcpy(st->level, plic->level, sizeof(st->level));
	memcpy(st->claimed, plic->claimed, sizeof(st->claimed));
	st->nr_contexts = plic->nr_contexts;
	for (unsigned c = 0; c < plic->nr_contexts; c++) {
		memcpy(st->enable[c], plic->ctx[c].enable,
		       sizeof(st->enable[c]));
		st->threshold[c] = plic->ctx[c].threshold;
	}
	pthread_mutex_unlock(&plic->lock);
}

int plic_restore(struct plic *plic, const struct plic_state *st)
{
	if (st->nr_contexts != plic->nr_contexts ||
	    (st->level[0] & 1) || (st->claimed[0] & 1))
		return -EINVAL;
	for (unsigned s = 0; s < PLIC_NR_SOURCES; s++)
		if (st->priority[s] > 7)
			return -EINVAL;
	for (unsigned c = 0; c < st->nr_contexts; c++)
		if (st->threshold[c] > 7)
			return -EINVAL;
	pthread_mutex_lock(&plic->lock);
	memcpy(plic->priority, st->priority, sizeof(plic->priority));
	memcpy(plic->level, st->level, sizeof(plic->level));
	memcpy(plic->claimed, st->claimed, sizeof(plic->claimed));
	for (unsigned c = 0; c < plic->nr_contexts; c++) {
		memcpy(plic->ctx[c].enable, st->enable[c],
		       sizeof(plic->ctx[c].enable));
		plic->ctx[c].enable[0] &= ~1u;
		plic->ctx[c].threshold = st->threshold[c];
		/* Force a fresh output for every context. */
		plic->ctx[c].seip = !plic_best(plic, c);
	}
	plic_update(plic);
	pthread_mutex_unlock(&plic->lock);
	return 0;
}
