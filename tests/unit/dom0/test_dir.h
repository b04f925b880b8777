/* SPDX-License-Identifier: MIT */
/*
 * A temporary directory for one group of dom0 unit tests: test_dir,
 * created by test_dir_setup and removed with everything in it by
 * test_dir_teardown (the group's cmocka setup and teardown).
 */
#ifndef HV_TESTS_DOM0_TEST_DIR_H
#define HV_TESTS_DOM0_TEST_DIR_H

#include <stdio.h>
#include <stdlib.h>

static char test_dir[] = "/tmp/hv-dom0-test.XXXXXX";

static int test_dir_setup(void **state)
{
	(void)state;
	return mkdtemp(test_dir) ? 0 : -1;
}

static int test_dir_teardown(void **state)
{
	char cmd[sizeof(test_dir) + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", test_dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
