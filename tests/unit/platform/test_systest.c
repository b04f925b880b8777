// SPDX-License-Identifier: MIT
/*
 * sifive,test: which writes power off (and with what code), which reset,
 * and which are ignored.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "platform/systest.h"

struct record {
	int calls;
	enum hv_shutdown_kind kind;
	int code;
};

static void on_shutdown(void *opaque, enum hv_shutdown_kind kind, int code)
{
	struct record *r = opaque;

	r->calls++;
	r->kind = kind;
	r->code = code;
}

static void test_commands(void **state)
{
	struct record rec = { 0 };
	struct shutdown_sink sink = { .shutdown = on_shutdown, .opaque = &rec };
	struct systest *st = NULL;
	struct mmio_region r;

	assert_int_equal(systest_create(&st, NULL), -EINVAL);
	assert_int_equal(systest_create(&st, &sink), 0);
	r = systest_region(st);
	assert_int_equal(r.base, 0x100000);
	assert_int_equal(r.size, 0x1000);

	/* ignored: unknown values, other offsets, byte stores */
	r.ops->write(r.opaque, 0, 0x1234, 4);
	r.ops->write(r.opaque, 4, 0x5555, 4);
	r.ops->write(r.opaque, 0, 0x55, 1);
	assert_int_equal(rec.calls, 0);
	assert_int_equal(r.ops->read(r.opaque, 0, 4), 0);

	r.ops->write(r.opaque, 0, 0x5555, 4);
	assert_int_equal(rec.calls, 1);
	assert_int_equal(rec.kind, HV_SHUTDOWN_POWEROFF);
	assert_int_equal(rec.code, 0);

	r.ops->write(r.opaque, 0, 0x3333 | (42 << 16), 4);
	assert_int_equal(rec.calls, 2);
	assert_int_equal(rec.kind, HV_SHUTDOWN_POWEROFF);
	assert_int_equal(rec.code, 42);

	r.ops->write(r.opaque, 0, 0x7777, 4);
	assert_int_equal(rec.calls, 3);
	assert_int_equal(rec.kind, HV_SHUTDOWN_RESET);

	systest_destroy(st);
	systest_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
