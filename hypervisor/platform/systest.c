// SPDX-License-Identifier: MIT
/*
 * "sifive,test1": one write-only register at offset 0. The low 16 bits of
 * a write select the action (as in QEMU's sifive_test), the high 16 bits
 * are the failure code of FAIL. Reads return 0. The device has no state
 * beyond its sink, so it needs no lock.
 */
#include <errno.h>
#include <stdlib.h>
#include "systest.h"

#define SYSTEST_FAIL	0x3333
#define SYSTEST_PASS	0x5555
#define SYSTEST_RESET	0x7777

struct systest {
	struct shutdown_sink sink;
};

static uint64_t systest_read(void *opaque, uint64_t off, unsigned size)
{
	return 0;
}

static void systest_write(void *opaque, uint64_t off, uint64_t val,
			  unsigned size)
{
	struct systest *st = opaque;
	uint32_t v = (uint32_t)val;

	/* Linux's syscon drivers and OpenSBI both use a 32-bit store */
	if (off != 0 || size < 4 || !st->sink.shutdown)
		return;
	switch (v & 0xffff) {
	case SYSTEST_PASS:
		st->sink.shutdown(st->sink.opaque, HV_SHUTDOWN_POWEROFF, 0);
		break;
	case SYSTEST_FAIL:
		st->sink.shutdown(st->sink.opaque, HV_SHUTDOWN_POWEROFF,
				  (int)(v >> 16));
		break;
	case SYSTEST_RESET:
		st->sink.shutdown(st->sink.opaque, HV_SHUTDOWN_RESET, 0);
		break;
	default:
		break;	/* unknown commands are ignored */
	}
}

static const struct mmio_ops systest_ops = {
	.read = systest_read,
	.write = systest_write,
};

struct mmio_region systest_region(struct systest *st)
{
	struct mmio_region r = {
		.base = SYSTEST_BASE,
		.size = SYSTEST_SIZE,
		.ops = &systest_ops,
		.opaque = st,
		.name = "sifive-test",
	};

	return r;
}

int systest_create(struct systest **out, const struct shutdown_sink *sink)
{
	struct systest *st;

	if (!sink)
		return -EINVAL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->sink = *sink;
	*out = st;
	return 0;
}

void systest_destroy(struct systest *st)
{
	free(st);
}
