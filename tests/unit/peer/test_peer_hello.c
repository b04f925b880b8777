// SPDX-License-Identifier: MIT
/*
 * The peer hello (dom0/peer/peer_hello.h): a server accepts version 1
 * and a purpose it serves; refuses other ranges (both in the text), a
 * purpose it does not serve and garbage; the client reads each answer
 * back with the same verdict; a peer's name with control characters
 * comes back printable.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "peer_hello.h"

static char why[300];

static int check_only(Hv__PeerPurpose purpose)
{
	return purpose == HV__PEER_PURPOSE__PEER_PURPOSE_CHECK;
}

/* The server's verdict on @h, and the client's on the reply. */
static int round_trip(const Hv__PeerHello *h, struct peer_hello_info *srv,
		      struct peer_hello_info *cli, int *client_ret)
{
	uint8_t in[512], out[1024];
	Hv__PeerHelloReply r;
	size_t n = hv__peer_hello__pack(h, in), m;
	int ret = peer_hello_answer(in, n, "hostB", "hvd 0.1", check_only,
				    &r, srv, why, sizeof(why));
	char why2[300];

	m = hv__peer_hello_reply__pack(&r, out);
	*client_ret = peer_hello_reply_check(out, m, cli, why2, sizeof(why2));
	return ret;
}

static void test_accept(void **state)
{
	struct peer_hello_info srv, cli;
	Hv__PeerHello h;
	int cret;

	(void)state;
	peer_hello_make(&h, "hostA", "hvd 0.1",
			HV__PEER_PURPOSE__PEER_PURPOSE_CHECK);
	assert_int_equal(round_trip(&h, &srv, &cli, &cret), 0);
	assert_int_equal(cret, 0);
	assert_string_equal(srv.host, "hostA");
	assert_int_equal(srv.version, 1);
	assert_string_equal(cli.host, "hostB");
	assert_string_equal(cli.hv_version, "hvd 0.1");
	assert_int_equal(cli.version, 1);
}

static void test_refusals(void **state)
{
	struct peer_hello_info srv, cli;
	Hv__PeerHelloReply r;
	Hv__PeerHello h;
	int cret;

	(void)state;
	peer_hello_make(&h, "hostA", "hvd 9",
			HV__PEER_PURPOSE__PEER_PURPOSE_CHECK);
	h.min_version = 2;
	h.max_version = 3;
	assert_int_equal(round_trip(&h, &srv, &cli, &cret), -EPROTONOSUPPORT);
	assert_string_equal(why, "hostA speaks peer protocol 2..3, this hvd "
			    "1..1 (hvd 0.1 here; upgrade the older side)");
	assert_int_equal(cret, -EPROTONOSUPPORT);
	h.min_version = 1;
	h.max_version = 1;
	h.purpose = 7;
	assert_int_equal(round_trip(&h, &srv, &cli, &cret), -EOPNOTSUPP);
	assert_non_null(strstr(why, "purpose 7"));
	assert_int_equal(cret, -EOPNOTSUPP);
	/* garbage: a field 1 varint cut short */
	assert_int_equal(peer_hello_answer((const uint8_t *)"\x08", 1, "b",
					   "v", check_only, &r, &srv, why,
					   sizeof(why)), -EBADMSG);
	assert_int_equal(r.status, -EBADMSG);
	assert_int_equal(peer_hello_reply_check((const uint8_t *)"\x08", 1,
						&cli, why, sizeof(why)),
			 -EPROTO);
}

static void test_names_cleaned(void **state)
{
	struct peer_hello_info srv, cli;
	char long_name[200];
	Hv__PeerHello h;
	int cret;

	(void)state;
	peer_hello_make(&h, "evil\nhvd: error: forged", "hvd\t0.1",
			HV__PEER_PURPOSE__PEER_PURPOSE_CHECK);
	assert_int_equal(round_trip(&h, &srv, &cli, &cret), 0);
	assert_string_equal(srv.host, "evil?hvd: error: forged");
	assert_string_equal(srv.hv_version, "hvd?0.1");
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	h.host = long_name;
	assert_int_equal(round_trip(&h, &srv, &cli, &cret), 0);
	assert_int_equal(strlen(srv.host), sizeof(srv.host) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_names_cleaned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
