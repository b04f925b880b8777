// SPDX-License-Identifier: MIT
/*
 * The sparse digest (holes of the RAM memfd skipped) equals the full one,
 * for every channel split, and does not populate the holes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include "stream.h"
#include "stream_format.h"

#define PAGES 4096

static void test_sparse_equals_full(void **state)
{
	int fd = memfd_create("digest-test", MFD_CLOEXEC);
	uint8_t *ram;
	struct stream_manifest a, b;
	off_t data;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)PAGES * STREAM_PAGE_SIZE), 0);
	ram = mmap(NULL, PAGES * STREAM_PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	assert_true(ram != MAP_FAILED);
	/* Data at both ends, a populated zero page, runs and singles. */
	for (unsigned p = 0; p < 40; p++)
		ram[(size_t)p * STREAM_PAGE_SIZE + p] = (uint8_t)(p + 1);
	memset(ram + (size_t)100 * STREAM_PAGE_SIZE, 0, STREAM_PAGE_SIZE);
	ram[(size_t)777 * STREAM_PAGE_SIZE + 5] = 9;
	ram[(size_t)(PAGES - 1) * STREAM_PAGE_SIZE + 4095] = 7;
	for (unsigned n = 1; n <= 4; n++) {
		for (unsigned c = 0; c < n; c++) {
			stream_digest(ram, PAGES, c, n, &a);
			stream_digest_sparse(ram, PAGES, c, n, fd, &b);
			assert_int_equal(a.nonzero_pages, b.nonzero_pages);
			assert_int_equal(a.digest_lo, b.digest_lo);
			assert_int_equal(a.digest_hi, b.digest_hi);
		}
	}
	munmap(ram, PAGES * STREAM_PAGE_SIZE);
	/* The full digest read (so allocated) every page; a fresh one: */
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(ftruncate(fd, (off_t)PAGES * STREAM_PAGE_SIZE), 0);
	ram = mmap(NULL, PAGES * STREAM_PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	ram[(size_t)5 * STREAM_PAGE_SIZE] = 1;
	stream_digest_sparse(ram, PAGES, 0, 1, fd, &b);
	assert_int_equal(b.nonzero_pages, 1);
	/* Holes stay holes: the only data is page 5. */
	data = lseek(fd, (off_t)6 * STREAM_PAGE_SIZE, SEEK_DATA);
	assert_true(data < 0);
	munmap(ram, PAGES * STREAM_PAGE_SIZE);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sparse_equals_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
