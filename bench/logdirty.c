// SPDX-License-Identifier: MIT
/*
 * bench/logdirty: what log-dirty costs a running guest, and how long a
 * clean takes. The dirtier guest (unpaced, dense) runs for a fixed guest
 * time with log-dirty off, then on with a thread cleaning all of RAM
 * every 20 ms, as precopy rounds would; the table gives the pages the
 * guest wrote in each case and the clean latency. Prints; asserts nothing.
 * usage: logdirty DIRTIER.elf
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hv/machine.h"
#include "hv/machine_state.h"

struct capture { char buf[8192]; size_t len; pthread_mutex_t lock; };

static void capture(void *opaque, const uint8_t *b, size_t n)
{
	struct capture *c = opaque;

	pthread_mutex_lock(&c->lock);
	if (n > sizeof(c->buf) - 1 - c->len)
		n = sizeof(c->buf) - 1 - c->len;
	memcpy(c->buf + c->len, b, n);
	c->len += n;
	c->buf[c->len] = 0;
	pthread_mutex_unlock(&c->lock);
}

struct cleaner {
	struct cpu_platform *p;
	_Atomic int stop;
	double lat[4096];
	unsigned n;
	uint64_t dirty;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *clean_loop(void *arg)
{
	struct cleaner *c = arg;
	uint64_t *bits = malloc((c->p->nr_pages + 63) / 64 * 8);
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	while (bits && !atomic_load(&c->stop) && c->n < 4096) {
		double t0 = now();
		uint64_t n;

		if (logdirty_clean(c->p, 0, c->p->nr_pages, bits, &n))
			break;
		c->lat[c->n++] = now() - t0;
		c->dirty += n;
		nanosleep(&pause, NULL);
	}
	free(bits);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long run(const char *elf, uint64_t ram, unsigned vcpus, bool on,
		struct cleaner *cl)
{
	static const struct hv_log log = {
		.prefix = "logdirty", .level = LOG_ERR };
	struct capture cap = { .len = 0 };
	struct hv_machine_config cfg = {
		.vcpus = vcpus, .ram_size = ram, .kernel = elf,
		.cmdline = "ws=64M rate=0 pattern=dense runtime=3000 "
			   "tick_ms=100",
		.console_write = capture, .console_opaque = &cap,
	};
	struct hv_machine *m;
	struct hv_exit ex;
	pthread_t t;
	const char *s;

	pthread_mutex_init(&cap.lock, NULL);
	if (hv_machine_create(&m, &cfg, &log))
		return -1;
	if (on) {
		cl->p = hv_machine_platform(m);
		if (logdirty_enable(cl->p))
			return -1;
		pthread_create(&t, NULL, clean_loop, cl);
	}
	if (hv_machine_run(m, &ex))
		return -1;
	if (on) {
		atomic_store(&cl->stop, 1);
		pthread_join(t, NULL);
	}
	hv_machine_destroy(m);
	/* "dirtier: N pages written in P passes, all verified" */
	s = strstr(cap.buf, " pages written");
	if (!s)
		return -1;
	while (s > cap.buf && s[-1] != ' ')
		s--;
	return atol(s);
}

int main(int argc, char **argv)
{
	static const uint64_t sizes[] = { 1ull << 30, 16ull << 30 };

	if (argc != 2) {
		fprintf(stderr, "usage: logdirty DIRTIER.elf\n");
		return 2;
	}
	printf("dirtier ws=64M unpaced, 3 s of guest time; cleans of all RAM "
	       "every 20 ms with log-dirty on\n");
	printf("%-8s %-6s %12s %12s %8s %8s %11s %11s %12s\n", "RAM", "vCPUs",
	       "pages (off)", "pages (on)", "on/off", "cleans", "clean p50",
	       "clean max", "dirty seen");
	for (unsigned s = 0; s < 2; s++) {
		struct cleaner *cl = calloc(1, sizeof(*cl));
		long off = run(argv[1], sizes[s], 1, false, NULL);
		long onp = run(argv[1], sizes[s], 1, true, cl);

		qsort(cl->lat, cl->n, sizeof(double), cmp);
		printf("%-8s %-6u %12ld %12ld %7.3fx %8u %8.2f ms %8.2f ms "
		       "%12llu\n", s ? "16 GiB" : "1 GiB", 1u, off, onp,
		       off > 0 ? (double)onp / (double)off : 0, cl->n,
		       cl->n ? cl->lat[cl->n / 2] * 1e3 : 0,
		       cl->n ? cl->lat[cl->n - 1] * 1e3 : 0,
		       (unsigned long long)cl->dirty);
		free(cl);
	}
	return 0;
}
