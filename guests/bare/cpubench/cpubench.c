/*
 * cpubench: fixed-work CPU kernels. Each prints its checksum (the same on
 * every correct machine) and, on a separate "time:" line the differential
 * test filters out, the guest time it took (rdtime; instret is not readable
 * from S-mode under OpenSBI).
 *
 * Integer: a linked list merge-sorted and walked, int32 matrix multiply, a
 * bitwise CRC32 state machine, a sieve of Eratosthenes. Memory: pointer
 * chasing through a random cycle over chase_mb MiB, and a streaming copy.
 *
 * bootargs: scale=<percent of the default work, 100 ~ 1-3 s each on QEMU
 *           TCG> (default 100), chase_mb=<MiB> (default 64)
 */
#include "sbi.h"

const char guest_name[] = "cpubench";

struct node {
	struct node *next;
	u32 key;
	u32 pad;
};

struct kernel {
	const char *name;
	u64 (*run)(u64 iters);
	u64 iters;	/* at scale=100 */
};

static u8 *heap;
static size_t heap_size;
static u64 chase_bytes;
static u64 tb;

static u64 rng_state;

static u64 rng(void)
{
	u64 x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static void seed(u64 s)
{
	rng_state = s ? s : 0x9e3779b97f4a7c15ULL;
}

/* ---- linked list ---------------------------------------------------- */

#define LIST_NODES 16384

static struct node *merge(struct node *a, struct node *b)
{
	struct node head, *t = &head;

	while (a && b) {
		if (a->key <= b->key) {
			t->next = a;
			a = a->next;
		} else {
			t->next = b;
			b = b->next;
		}
		t = t->next;
	}
	t->next = a ? a : b;
	return head.next;
}

/* Bottom-up merge sort with an array of partial lists, no recursion. */
static struct node *list_sort(struct node *list)
{
	struct node *parts[32] = { 0 };
	int max = 0;

	while (list) {
		struct node *n = list;
		int i;

		list = list->next;
		n->next = NULL;
		for (i = 0; i < 32 && parts[i]; i++) {
			n = merge(parts[i], n);
			parts[i] = NULL;
		}
		if (i == 32)
			i = 31;
		parts[i] = n;
		if (i > max)
			max = i;
	}
	for (int i = 0; i <= max; i++)
		list = merge(parts[i], list);
	return list;
}

static u64 k_list(u64 iters)
{
	struct node *nodes = (struct node *)heap, *list = NULL;
	u64 sum = 0;

	seed(1);
	for (int i = 0; i < LIST_NODES; i++) {
		nodes[i].key = (u32)rng();
		nodes[i].next = list;
		list = &nodes[i];
	}
	for (u64 it = 0; it < iters; it++) {
		u32 prev = 0;
		u64 pos = 0;

		list = list_sort(list);
		for (struct node *n = list; n; n = n->next, pos++) {
			if (n->key < prev)
				return 0xbad;
			prev = n->key;
			sum = sum * 31 + (n->key ^ pos);
			/* Rekey so the next sort has work to do. */
			n->key = n->key * 2654435761u + (u32)it;
		}
	}
	return sum;
}

/* ---- matrix multiply ----------------------------------------------- */

#define MAT_N 64

static s32 ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];

static u64 k_matmul(u64 iters)
{
	u64 sum = 0;

	seed(2);
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			ma[i][j] = (s32)(rng() % 2001) - 1000;
			mb[i][j] = (s32)(rng() % 2001) - 1000;
		}
	for (u64 it = 0; it < iters; it++) {
		for (int i = 0; i < MAT_N; i++)
			for (int j = 0; j < MAT_N; j++) {
				s32 acc = 0;

				for (int k = 0; k < MAT_N; k++)
					acc += ma[i][k] * mb[k][j];
				mc[i][j] = acc;
			}
		for (int i = 0; i < MAT_N; i++)
			for (int j = 0; j < MAT_N; j++) {
				sum = sum * 33 + (u32)mc[i][j];
				ma[i][j] = (mc[i][j] >> 7) % 1000;
			}
	}
	return sum;
}

/* ---- CRC32 state machine -------------------------------------------- */

#define CRC_BYTES 16384

/*
 * A byte-at-a-time scanner in the style of a protocol parser: classifies
 * each byte (digit, letter, space, other), counts state transitions and
 * feeds the byte through a bitwise CRC32.
 */
static u64 k_crc(u64 iters)
{
	u8 *buf = heap;
	u32 crc = 0xffffffff;
	u64 transitions = 0;
	int state = 0;

	seed(3);
	for (int i = 0; i < CRC_BYTES; i++)
		buf[i] = (u8)(rng() % 96 + 32);
	for (u64 it = 0; it < iters; it++) {
		for (int i = 0; i < CRC_BYTES; i++) {
			u8 c = buf[i];
			int next;

			if (c >= '0' && c <= '9')
				next = 1;
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
				next = 2;
			else if (c == ' ')
				next = 3;
			else
				next = 0;
			transitions += next != state;
			state = next;
			crc ^= c;
			for (int b = 0; b < 8; b++)
				crc = crc >> 1 ^ (0xedb88320u & -(crc & 1));
		}
		buf[it % CRC_BYTES] ^= (u8)crc;
	}
	return (u64)~crc << 32 | (transitions & 0xffffffff);
}

/* ---- sieve ----------------------------------------------------------- */

#define SIEVE_N 1000000

static u64 k_sieve(u64 iters)
{
	u8 *flags = heap;
	u64 total = 0;

	for (u64 it = 0; it < iters; it++) {
		u64 n = SIEVE_N - (it % 64) * 1000, count = 0;

		memset(flags, 1, ALIGN_UP(n + 1, 8));
		for (u64 i = 2; i * i <= n; i++)
			if (flags[i])
				for (u64 j = i * i; j <= n; j += i)
					flags[j] = 0;
		for (u64 i = 2; i <= n; i++)
			count += flags[i];
		total = total * 7 + count;
	}
	return total;
}

/* ---- memory: pointer chase and streaming copy ------------------------ */

#define LINE 64

static u64 k_chase(u64 iters)
{
	u64 n = chase_bytes / LINE;
	u64 *slot = (u64 *)heap;
	u64 idx = 0, sum = 0;

	/* Sattolo's shuffle: one random cycle through every line. */
	seed(4);
	for (u64 i = 0; i < n; i++)
		slot[i * (LINE / 8)] = i;
	for (u64 i = n - 1; i > 0; i--) {
		u64 j = rng() % i;
		u64 t = slot[i * (LINE / 8)];

		slot[i * (LINE / 8)] = slot[j * (LINE / 8)];
		slot[j * (LINE / 8)] = t;
	}
	for (u64 i = 0; i < iters; i++) {
		idx = slot[idx * (LINE / 8)];
		sum += idx;
	}
	return sum ^ idx << 32;
}

static u64 k_stream(u64 iters)
{
	u64 half = chase_bytes / 2 / 8;
	u64 *a = (u64 *)heap, *b = a + half;
	u64 sum = 0;

	for (u64 i = 0; i < half; i++)
		a[i] = i * 0x9e3779b97f4a7c15ULL;
	for (u64 it = 0; it < iters; it++) {
		u64 *src = it & 1 ? b : a, *dst = it & 1 ? a : b;

		for (u64 i = 0; i < half; i += 4) {
			dst[i] = src[i] + 1;
			dst[i + 1] = src[i + 1] + 1;
			dst[i + 2] = src[i + 2] + 1;
			dst[i + 3] = src[i + 3] + 1;
		}
	}
	for (u64 i = 0; i < half; i += 509)
		sum = sum * 31 + a[i] + b[i];
	return sum;
}

static const struct kernel kernels[] = {
	{ "list-sort", k_list, 450 },
	{ "matmul-int32", k_matmul, 1500 },
	{ "crc32-fsm", k_crc, 3000 },
	{ "sieve", k_sieve, 200 },
	{ "pointer-chase", k_chase, 6000000 },
	{ "stream-copy", k_stream, 12 },
};

int guest_main(unsigned long hartid, const void *dtb)
{
	uintptr_t start, end;
	u64 scale = rt_arg_u64("scale", 100);
	u64 total = 0, t_all;

	tb = rt_timebase();
	chase_bytes = rt_arg_u64("chase_mb", 64) << 20;
	rt_heap(&start, &end);
	heap = (u8 *)start;
	heap_size = end - start;
	if (chase_bytes < (1 << 20) || chase_bytes > heap_size)
		rt_fail("chase_mb=%lu does not fit in %luM of free RAM",
			(unsigned long)(chase_bytes >> 20),
			(unsigned long)(heap_size >> 20));
	if (heap_size < LIST_NODES * sizeof(struct node) + SIEVE_N + 8)
		rt_fail("too little free RAM");
	con_printf("cpubench: scale=%lu chase_mb=%lu\n", (unsigned long)scale,
		   (unsigned long)(chase_bytes >> 20));
	t_all = rt_time();
	for (size_t i = 0; i < ARRAY_SIZE(kernels); i++) {
		u64 iters = kernels[i].iters * scale / 100, t0, sum, ms;

		if (!iters)
			iters = 1;
		t0 = rt_time();
		sum = kernels[i].run(iters);
		ms = (rt_time() - t0) * 1000 / tb;
		con_printf("kernel %-14s iters %-9lu checksum %016lx\n",
			   kernels[i].name, (unsigned long)iters,
			   (unsigned long)sum);
		con_printf("time: %-14s %lu ms\n", kernels[i].name,
			   (unsigned long)ms);
		total ^= sum;
	}
	con_printf("cpubench checksum: %016lx\n", (unsigned long)total);
	con_printf("time: total %lu ms\n",
		   (unsigned long)((rt_time() - t_all) * 1000 / tb));
	rt_pass();
}
