// SPDX-License-Identifier: MIT
/*
 * stream_for_each_data reports exactly the memfd's data runs, in order,
 * clamped to nr_pages, and stops at the callback's error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include "stream.h"
#include "stream_format.h"

#define PAGES 256

struct runs {
	uint64_t first[16], end[16];
	int n;
	int stop_at;		/* return -EIO at this run; -1: never */
};

static int note(void *opaque, uint64_t first, uint64_t end)
{
	struct runs *r = opaque;

	if (r->n == r->stop_at)
		return -5;
	r->first[r->n] = first;
	r->end[r->n] = end;
	r->n++;
	return 0;
}

static int ram_fd(void)
{
	int fd = memfd_create("sparse-test", MFD_CLOEXEC);
	char b = 1;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)PAGES * STREAM_PAGE_SIZE), 0);
	/* Runs: page 0, pages 10-12, the last page. */
	for (off_t p = 0; p < PAGES; p++) {
		if (p == 0 || (p >= 10 && p <= 12) || p == PAGES - 1)
			assert_int_equal(pwrite(fd, &b, 1,
						p * STREAM_PAGE_SIZE + 7), 1);
	}
	return fd;
}

static void test_runs(void **state)
{
	struct runs r = { .stop_at = -1 };
	int fd = ram_fd();

	(void)state;
	assert_int_equal(stream_for_each_data(fd, PAGES, note, &r), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.first[0], 0);
	assert_int_equal(r.end[0], 1);
	assert_int_equal(r.first[1], 10);
	assert_int_equal(r.end[1], 13);
	assert_int_equal(r.first[2], PAGES - 1);
	assert_int_equal(r.end[2], PAGES);
	/* Clamped: 11 pages end inside the second run. */
	r.n = 0;
	assert_int_equal(stream_for_each_data(fd, 11, note, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.end[1], 11);
	close(fd);
}

static void test_stops_at_error(void **state)
{
	struct runs r = { .stop_at = 1 };
	int fd = ram_fd();

	(void)state;
	assert_int_equal(stream_for_each_data(fd, PAGES, note, &r), -5);
	assert_int_equal(r.n, 1);
	close(fd);
}

static void test_all_holes(void **state)
{
	struct runs r = { .stop_at = -1 };
	int fd = memfd_create("sparse-test", MFD_CLOEXEC);

	(void)state;
	assert_int_equal(ftruncate(fd, (off_t)PAGES * STREAM_PAGE_SIZE), 0);
	assert_int_equal(stream_for_each_data(fd, PAGES, note, &r), 0);
	assert_int_equal(r.n, 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_stops_at_error),
		cmocka_unit_test(test_all_holes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
