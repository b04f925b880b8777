// SPDX-License-Identifier: MIT
/*
 * domain_spawn's failure paths, with stand-ins for hvdomain (shell
 * scripts): a binary that cannot be run, one that exits or dies before
 * it is ready, one that never gets ready, one that writes something else
 * on its ready fd; each is reported and nothing is left running. Also
 * wait statuses in words and a DomainConfig as hvdomain's arguments.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "domain_args.h"
#include "domain_spawn.h"
#include "test_dir.h"

static const struct hv_log quiet = {
	.prefix = "test", .level = LOG_ERR };

/* Writes an executable script dir/NAME with BODY; returns its path. */
static const char *script(const char *name, const char *body)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);
	return path;
}

static int spawn(const char *hvdomain, int timeout_ms)
{
	char sock[256];
	struct domain_spawn sp = {
		.hvdomain = hvdomain, .socket = sock, .out_fd = -1,
		.ready_timeout_ms = timeout_ms, .client = "test",
	};
	struct domain_proc p;
	int ret;

	snprintf(sock, sizeof(sock), "%s/sock", test_dir);
	ret = domain_spawn(&sp, &p, &quiet);
	assert_int_equal(p.pid, -1);
	assert_null(p.d);
	/* Nothing left: no child to reap. */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	return ret;
}

static void test_cannot_run(void **state)
{
	(void)state;
	assert_int_equal(spawn("/nonexistent/hvdomain", 0), -ENOENT);
}

static void test_exits_before_ready(void **state)
{
	(void)state;
	assert_int_equal(spawn(script("exit3", "exit 3"), 0), -ECHILD);
	assert_int_equal(spawn(script("sys", "kill -SYS $$"), 0), -ECHILD);
}

/* The fd after --ready-fd, as a shell snippet. */
#define READY_FD \
	"for a; do [ \"$p\" = --ready-fd ] && fd=$a; p=$a; done; "

static void test_not_ready_in_time(void **state)
{
	(void)state;
	assert_int_equal(spawn(script("hang", "exec sleep 30"), 200),
			 -ETIMEDOUT);
}

static void test_says_something_else(void **state)
{
	(void)state;
	assert_int_equal(spawn(script("garbage", READY_FD
				      "echo nope >&$fd; exec sleep 30"), 0),
			 -EPROTO);
}

static void test_ready_but_no_socket(void **state)
{
	int ret;

	(void)state;
	ret = spawn(script("liar", READY_FD "echo ready >&$fd; exec sleep 30"),
		    0);
	assert_true(ret < 0);
}

static void test_wait_status_words(void **state)
{
	char buf[64];

	(void)state;
	domain_wait_status(125 << 8, buf, sizeof(buf));
	assert_string_equal(buf, "exited with status 125");
	domain_wait_status(SIGSYS, buf, sizeof(buf));
	assert_string_equal(buf, "killed by signal 31 (SIGSYS)");
}

static void test_args_from_config(void **state)
{
	Hv__DomainConfig c = HV__DOMAIN_CONFIG__INIT;
	uint8_t uuid[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
			     1, 2, 3, 4, 5, 6, 7, 8 };
	struct domain_args a;
	char line[512] = "";

	(void)state;
	c.name = "web1";
	c.vcpus = 2;
	c.memory_bytes = 512ull << 20;
	c.uuid.data = uuid;
	c.uuid.len = 16;
	c.kernel = "/k";
	c.initrd = "";
	c.cmdline = "console=ttyS0";
	assert_int_equal(domain_args_from_config(&a, &c, NULL, true, &quiet),
			 0);
	for (int i = 0; i < a.argc; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%s%s", i ? " " : "", a.argv[i]);
	assert_string_equal(line, "--vcpus 2 --memory 512M --name web1 "
			    "--uuid 12345678-9abc-def0-0102-030405060708 "
			    "--kernel /k --cmdline console=ttyS0 --incoming");
	assert_null(a.argv[a.argc]);
	assert_int_equal(domain_args_from_config(&a, &c, "other", false,
						 &quiet), 0);
	assert_string_equal(a.argv[5], "other");
	c.memory_bytes += 4096;
	assert_int_equal(domain_args_from_config(&a, &c, NULL, true, &quiet),
			 -EINVAL);
	c.memory_bytes -= 4096;
	c.uuid.len = 15;
	assert_int_equal(domain_args_from_config(&a, &c, NULL, true, &quiet),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cannot_run),
		cmocka_unit_test(test_exits_before_ready),
		cmocka_unit_test(test_not_ready_in_time),
		cmocka_unit_test(test_says_something_else),
		cmocka_unit_test(test_ready_but_no_socket),
		cmocka_unit_test(test_wait_status_words),
		cmocka_unit_test(test_args_from_config),
	};

	return cmocka_run_group_tests(tests, test_dir_setup,
				      test_dir_teardown);
}
