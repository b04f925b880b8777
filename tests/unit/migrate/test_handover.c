// SPDX-License-Identifier: MIT
/*
 * The handover's messages and the default ownership arbiter, without a
 * domain: a message goes through a socketpair intact; damaged, unknown
 * or cut ones are refused, never trusted; the commit record is durable
 * and resolves only for its own domain and epoch.
 */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "handover.h"
#include "migrate.h"

struct pair {
	int fds[2];
	struct mig_transport *a, *b;
};

static void pair_open(struct pair *p)
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p->fds), 0);
	assert_int_equal(mig_xport_fd_create(&p->a, &p->fds[0], 1, true), 0);
	assert_int_equal(mig_xport_fd_create(&p->b, &p->fds[1], 1, true), 0);
}

static void pair_close(struct pair *p)
{
	mig_transport_destroy(p->a);
	mig_transport_destroy(p->b);
	close(p->fds[0]);
	close(p->fds[1]);
}

static void test_round_trip(void **state)
{
	enum handover_type type;
	int32_t status;
	uint64_t epoch;
	struct pair p;

	(void)state;
	pair_open(&p);
	assert_int_equal(handover_send(p.a, HANDOVER_RUN, 0, 42), 0);
	assert_int_equal(handover_send(p.a, HANDOVER_FAILED, -ENOSPC, 0), 0);
	assert_int_equal(handover_recv(p.b, &type, &status, &epoch), 0);
	assert_int_equal(type, HANDOVER_RUN);
	assert_int_equal(epoch, 42);
	assert_int_equal(handover_recv(p.b, &type, &status, &epoch), 0);
	assert_int_equal(type, HANDOVER_FAILED);
	assert_int_equal(status, -ENOSPC);
	/* the peer's end: no message, not a guess */
	shutdown(p.fds[0], SHUT_WR);
	assert_int_equal(handover_recv(p.b, &type, &status, &epoch), -ENODATA);
	pair_close(&p);
}

/* Every single-bit flip of a message, a wrong type, a cut one. */
static void test_damaged_refused(void **state)
{
	struct handover_msg m, bad;
	enum handover_type type;
	int32_t status;
	uint64_t epoch;
	struct pair p;

	(void)state;
	pair_open(&p);
	assert_int_equal(handover_send(p.a, HANDOVER_READY, 0, 0), 0);
	assert_int_equal(read(p.fds[1], &m, sizeof(m)), (ssize_t)sizeof(m));
	for (size_t bit = 0; bit < sizeof(m) * 8; bit++) {
		bad = m;
		((uint8_t *)&bad)[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(write(p.fds[0], &bad, sizeof(bad)),
				 (ssize_t)sizeof(bad));
		assert_int_equal(handover_recv(p.b, &type, &status, &epoch),
				 -EBADMSG);
	}
	assert_int_equal(write(p.fds[0], &m, 10), 10);
	shutdown(p.fds[0], SHUT_WR);
	assert_int_equal(handover_recv(p.b, &type, &status, &epoch), -ENODATA);
	pair_close(&p);
}

static void test_arbiter_record(void **state)
{
	const uint8_t uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
				   14, 15, 16 };
	uint8_t other[16];
	struct mig_arbiter_peer a;
	char dir[] = "/tmp/hv-arb.XXXXXX", path[64], line[128];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/owner", dir);
	mig_arbiter_peer_init(&a, path);
	/* nothing recorded: unknown, which is "in doubt", not "aborted" */
	assert_int_equal(a.arb.ops->resolve(a.arb.priv, uuid, 0), -ENOTCONN);
	assert_int_equal(a.arb.ops->commit(a.arb.priv, uuid, 9), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_string_equal(line, "hv-ownership 1 uuid=0102030405060708090a0b"
			    "0c0d0e0f10 epoch=9 moved\n");
	assert_int_equal(a.arb.ops->resolve(a.arb.priv, uuid, 9), 1);
	assert_int_equal(a.arb.ops->resolve(a.arb.priv, uuid, 0), 1);
	assert_int_equal(a.arb.ops->resolve(a.arb.priv, uuid, 8), -ENOTCONN);
	memcpy(other, uuid, sizeof(other));
	other[15] ^= 1;
	assert_int_equal(a.arb.ops->resolve(a.arb.priv, other, 0), -ENOTCONN);
	/* no temp file left behind */
	snprintf(line, sizeof(line), "%s.tmp", path);
	assert_int_equal(access(line, F_OK), -1);
	unlink(path);
	rmdir(dir);
	/* a directory that does not exist: the commit fails, nothing moved */
	mig_arbiter_peer_init(&a, "/nonexistent/owner");
	assert_int_equal(a.arb.ops->commit(a.arb.priv, uuid, 1), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_damaged_refused),
		cmocka_unit_test(test_arbiter_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
