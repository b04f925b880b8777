/*
 * dirtier: a memory dirtier for live-migration tests. It rewrites every
 * page of a working set with a new generation number per pass, keeps the
 * generation it last wrote to each page in a table, and before rewriting a
 * page checks that the page still holds exactly what it wrote: a page the
 * migration lost, a stale copy or a corrupted word ends the run with
 * "FAIL dirtier: page N ...". Every tick_ms of guest time (rdtime, timebase
 * from the DTB) it prints "tick N t=<ms>".
 *
 * bootargs (all optional):
 *   ws=64M          working set size (K/M/G suffixes)
 *   rate=0          pages per second, 0 = as fast as possible
 *   pattern=dense   dense: every word of a page; sparse: first and last word
 *   ticks=100       stop after N ticks, 0 = run forever
 *   tick_ms=10      tick interval in guest milliseconds
 *   runtime=<ms>    alternative to ticks: ticks = runtime / tick_ms
 *   passes=<N>      stop after N full passes instead (deterministic output)
 *   quiet           print only the checksum and the verdict
 */
#include "sbi.h"

const char guest_name[] = "dirtier";

#define WORDS (PAGE_SIZE / 8)

struct dirtier {
	u64 *ws;
	u32 *gen;
	u64 npages;
	int sparse;
	int quiet;
	u64 rate;
	u64 max_ticks;
	u64 max_passes;
	u64 tb;
	u64 tick_len;
	u64 start;
	u64 next_tick;
	u64 ticks;
	u64 written;
};

static u64 mix(u64 page, u64 gen, u64 word)
{
	u64 x = page * 0x9e3779b97f4a7c15ULL ^ gen * 0xc2b2ae3d27d4eb4fULL ^
		(word + 1) * 0x165667b19e3779f9ULL;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return x;
}

static u64 header(u64 page, u64 gen)
{
	return page << 32 | (u32)gen;
}

static u64 *page_at(struct dirtier *d, u64 p)
{
	return d->ws + p * WORDS;
}

/* Dense pages hold gen in every word; sparse ones only in the first and last. */
static u64 word_gen(struct dirtier *d, u64 w, u64 gen)
{
	return d->sparse && w != 0 && w != WORDS - 1 ? 0 : gen;
}

static void write_page(struct dirtier *d, u64 p, u64 gen)
{
	u64 *pg = page_at(d, p);

	if (d->sparse && gen > 0) {
		pg[0] = header(p, gen);
		pg[WORDS - 1] = mix(p, gen, WORDS - 1);
		return;
	}
	pg[0] = header(p, gen);
	for (u64 w = 1; w < WORDS; w++)
		pg[w] = mix(p, word_gen(d, w, gen), w);
}

static void verify_page(struct dirtier *d, u64 p)
{
	u64 *pg = page_at(d, p);
	u64 gen = d->gen[p];
	u64 h = pg[0];

	if (h >> 32 != p)
		rt_fail("page %lu (addr %p) corrupt: header %016lx, expected gen %lu",
			(unsigned long)p, pg, (unsigned long)h,
			(unsigned long)gen);
	if ((u32)h != (u32)gen)
		rt_fail("page %lu (addr %p) %s: holds gen %u, expected gen %lu",
			(unsigned long)p, pg,
			(u32)h < (u32)gen ? "stale" : "from the future", (u32)h,
			(unsigned long)gen);
	for (u64 w = 1; w < WORDS; w++)
		if (pg[w] != mix(p, word_gen(d, w, gen), w))
			rt_fail("page %lu (addr %p) corrupt at word %lu, gen %lu",
				(unsigned long)p, pg, (unsigned long)w,
				(unsigned long)gen);
}

static void tick_check(struct dirtier *d)
{
	u64 now = rt_time();

	while (now >= d->next_tick) {
		d->ticks++;
		d->next_tick += d->tick_len;
		if (!d->quiet)
			con_printf("tick %lu t=%lu\n", (unsigned long)d->ticks,
				   (unsigned long)((now - d->start) * 1000 / d->tb));
	}
}

static int done(struct dirtier *d, u64 passes)
{
	if (d->max_passes)
		return passes >= d->max_passes;
	return d->max_ticks && d->ticks >= d->max_ticks;
}

/* Waits until writing one more page keeps us at or under the rate. */
static void pace(struct dirtier *d)
{
	if (!d->rate)
		return;
	for (;;) {
		u64 allowed = (rt_time() - d->start) * d->rate / d->tb + 1;

		if (d->written < allowed)
			return;
		tick_check(d);
		rt_pause();
	}
}

static u64 checksum(struct dirtier *d)
{
	u64 sum = 0xcbf29ce484222325ULL;

	for (u64 i = 0; i < d->npages * WORDS; i++)
		sum = (sum ^ d->ws[i]) * 0x100000001b3ULL;
	return sum;
}

static void parse(struct dirtier *d, u64 *ws_bytes)
{
	char pat[16] = "dense";
	u64 tick_ms, runtime;

	*ws_bytes = rt_arg_u64("ws", 64UL << 20);
	d->rate = rt_arg_u64("rate", 0);
	rt_arg("pattern", pat, sizeof(pat));
	if (strcmp(pat, "dense") && strcmp(pat, "sparse"))
		rt_fail("pattern=%s: expected dense or sparse", pat);
	d->sparse = !strcmp(pat, "sparse");
	tick_ms = rt_arg_u64("tick_ms", 10);
	if (!tick_ms)
		tick_ms = 1;
	d->max_ticks = rt_arg_u64("ticks", 100);
	runtime = rt_arg_u64("runtime", 0);
	if (runtime)
		d->max_ticks = runtime / tick_ms ? runtime / tick_ms : 1;
	d->max_passes = rt_arg_u64("passes", 0);
	d->quiet = rt_arg_flag("quiet");
	d->tb = rt_timebase();
	d->tick_len = tick_ms * d->tb / 1000;
	if (!d->tick_len)
		d->tick_len = 1;
}

int guest_main(unsigned long hartid, const void *dtb)
{
	struct dirtier d = { 0 };
	uintptr_t start, end, ws_at;
	u64 ws_bytes, passes = 0;

	parse(&d, &ws_bytes);
	d.npages = ws_bytes / PAGE_SIZE;
	if (!d.npages)
		rt_fail("ws=%lu is smaller than a page", (unsigned long)ws_bytes);
	rt_heap(&start, &end);
	d.gen = (u32 *)start;
	ws_at = ALIGN_UP(start + d.npages * sizeof(u32), PAGE_SIZE);
	if (ws_at + d.npages * PAGE_SIZE > end)
		rt_fail("ws=%luK does not fit in %luK of free RAM",
			(unsigned long)(ws_bytes >> 10),
			(unsigned long)((end - start) >> 10));
	d.ws = (u64 *)ws_at;
	if (!d.quiet)
		con_printf("dirtier: ws=%luK pages=%lu pattern=%s rate=%lu "
			   "ticks=%lu tick_ms=%lu passes=%lu\n",
			   (unsigned long)(ws_bytes >> 10),
			   (unsigned long)d.npages, d.sparse ? "sparse" : "dense",
			   (unsigned long)d.rate, (unsigned long)d.max_ticks,
			   (unsigned long)(d.tick_len * 1000 / d.tb),
			   (unsigned long)d.max_passes);

	for (u64 p = 0; p < d.npages; p++) {
		d.gen[p] = 0;
		write_page(&d, p, 0);
	}
	d.start = rt_time();
	d.next_tick = d.start + d.tick_len;

	while (!done(&d, passes)) {
		for (u64 p = 0; p < d.npages; p++) {
			pace(&d);
			verify_page(&d, p);
			write_page(&d, p, d.gen[p] + 1);
			d.gen[p]++;
			d.written++;
			tick_check(&d);
			if (!d.max_passes && done(&d, passes))
				break;
		}
		passes++;
	}
	for (u64 p = 0; p < d.npages; p++)
		verify_page(&d, p);
	if (!d.quiet)
		con_printf("dirtier: %lu pages written in %lu passes, all verified\n",
			   (unsigned long)d.written, (unsigned long)passes);
	con_printf("dirtier checksum: %016lx\n", (unsigned long)checksum(&d));
	rt_pass();
}
