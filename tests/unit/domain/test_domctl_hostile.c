// SPDX-License-Identifier: MIT
/*
 * domctl under hostile input, on a real hvdomain running the dirtier:
 * garbage, truncated, oversized and mismatched records, envelopes that do
 * not decode or hold nothing, wrong versions, requests out of order, a
 * descriptor sent to the server, clients dying mid-call or never reading
 * their replies, more connections than served. Each gets its error or a
 * closed connection, and after all of it the guest still runs, its memory
 * check intact, and a well-behaved client is served.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>
#include "hvdomain_fixture.h"
#include "domctl/frame.h"

#define OUT_CAP 65536
static char out[OUT_CAP];
static struct hvd_proc proc;
static struct domctl *good;
static uint8_t rbuf[DOMCTL_RECV_BUF];

static int raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(domctl_socket_setup(fd), 0);
	assert_true(strlen(proc.sock) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, proc.sock, strlen(proc.sock) + 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void raw_send(int fd, const void *buf, size_t len)
{
	assert_int_equal(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void send_msg(int fd, const ProtobufCMessage *m)
{
	uint8_t *rec;
	size_t len;

	assert_int_equal(domctl_frame_pack(m, &rec, &len), 0);
	raw_send(fd, rec, len);
	free(rec);
}

/* The next server message (NULL at EOF). */
static Hv__DomctlServerMessage *next_msg(int fd)
{
	ssize_t n = domctl_frame_recv(fd, rbuf, sizeof(rbuf), NULL, 0);
	char why[160];

	if (n == 0 || n == -ECONNRESET)
		return NULL;
	assert_true(n > 0);
	return domctl_decode_server(rbuf, (size_t)n, NULL, why, sizeof(why));
}

static void expect_eof(int fd)
{
	Hv__DomctlServerMessage *m = next_msg(fd);

	assert_null(m);
	close(fd);
}

/* The hello's answer: its status; the connection is closed after an
 * error. */
static void expect_hello_status(int fd, int status)
{
	Hv__DomctlServerMessage *m = next_msg(fd);

	assert_non_null(m);
	assert_int_equal(m->msg_case, HV__DOMCTL_SERVER_MESSAGE__MSG_HELLO_REPLY);
	assert_int_equal(m->hello_reply->status, status);
	if (status) {
		assert_true(strlen(m->hello_reply->error) > 0);
		assert_int_equal(m->hello_reply->min_version, 1);
		assert_int_equal(m->hello_reply->max_version, 1);
	}
	hv__domctl_server_message__free_unpacked(m, NULL);
	if (status)
		expect_eof(fd);
}

static void send_hello(int fd, uint32_t min, uint32_t max)
{
	Hv__DomctlClientMessage cm = HV__DOMCTL_CLIENT_MESSAGE__INIT;
	Hv__DomctlHello h = HV__DOMCTL_HELLO__INIT;

	h.min_version = min;
	h.max_version = max;
	h.client = "hostile";
	cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_HELLO;
	cm.hello = &h;
	send_msg(fd, &cm.base);
}

static int handshaken(void)
{
	int fd = raw_connect();

	send_hello(fd, 1, 1);
	expect_hello_status(fd, 0);
	return fd;
}

/* After a handshake: a protocol error is a reply with id 0, then EOF. */
static void expect_protocol_error(int fd, int status)
{
	Hv__DomctlServerMessage *m = next_msg(fd);

	assert_non_null(m);
	assert_int_equal(m->msg_case, HV__DOMCTL_SERVER_MESSAGE__MSG_REPLY);
	assert_int_equal(m->reply->id, 0);
	assert_int_equal(m->reply->status, status);
	hv__domctl_server_message__free_unpacked(m, NULL);
	expect_eof(fd);
}

static void send_request(int fd, Hv__DomctlRequest *req)
{
	Hv__DomctlClientMessage cm = HV__DOMCTL_CLIENT_MESSAGE__INIT;

	cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST;
	cm.request = req;
	send_msg(fd, &cm.base);
}

static void send_get_state(int fd, uint64_t id)
{
	Hv__DomctlRequest req = HV__DOMCTL_REQUEST__INIT;
	Hv__GetStateRequest gs = HV__GET_STATE_REQUEST__INIT;

	req.id = id;
	req.req_case = HV__DOMCTL_REQUEST__REQ_GET_STATE;
	req.get_state = &gs;
	send_request(fd, &req);
}

static uint8_t le_len(uint32_t n, int i)
{
	return (uint8_t)(n >> (8 * i));
}

static void test_bad_records_before_hello(void **state)
{
	uint8_t big[DOMCTL_RECORD_MAX + 8];
	uint8_t rec[64];
	int fd;

	(void)state;
	/* shorter than the header */
	fd = raw_connect();
	raw_send(fd, "\x01\x02", 2);
	expect_hello_status(fd, -EBADMSG);
	/* a length over the limit */
	fd = raw_connect();
	rec[0] = 0; rec[1] = 0; rec[2] = 0x10; rec[3] = 0;	/* 1 MiB */
	raw_send(fd, rec, 8);
	expect_hello_status(fd, -EMSGSIZE);
	/* a record longer than any allowed: truncated by the server */
	fd = raw_connect();
	memset(big, 0xab, sizeof(big));
	raw_send(fd, big, sizeof(big));
	expect_hello_status(fd, -EMSGSIZE);
	/* the length says 10, the record has 5 bytes of message */
	fd = raw_connect();
	for (int i = 0; i < 4; i++)
		rec[i] = le_len(10, i);
	raw_send(fd, rec, 9);
	expect_hello_status(fd, -EBADMSG);
	/* protobuf garbage */
	fd = raw_connect();
	for (int i = 0; i < 4; i++)
		rec[i] = le_len(6, i);
	memcpy(rec + 4, "\xff\xff\xff\xff\xff\xff", 6);
	raw_send(fd, rec, 10);
	expect_hello_status(fd, -EBADMSG);
	/* an empty envelope: nothing set */
	fd = raw_connect();
	memset(rec, 0, 4);
	raw_send(fd, rec, 4);
	expect_hello_status(fd, -EBADMSG);
	/* a request before the hello */
	fd = raw_connect();
	send_get_state(fd, 1);
	expect_hello_status(fd, -EBADMSG);
}

static void test_bad_hellos(void **state)
{
	int fd;

	(void)state;
	fd = raw_connect();
	send_hello(fd, 7, 9);		/* a future client */
	expect_hello_status(fd, -EPROTONOSUPPORT);
	fd = raw_connect();
	send_hello(fd, 0, 0);		/* a client from before version 1 */
	expect_hello_status(fd, -EPROTONOSUPPORT);
	fd = raw_connect();
	send_hello(fd, 3, 1);		/* min above max */
	expect_hello_status(fd, -EBADMSG);
	/* a range that contains 1 is fine */
	fd = raw_connect();
	send_hello(fd, 0, 5);
	expect_hello_status(fd, 0);
	close(fd);
}

static void test_bad_records_after_hello(void **state)
{
	Hv__DomctlRequest req = HV__DOMCTL_REQUEST__INIT;
	uint8_t rec[16];
	int fd;

	(void)state;
	fd = handshaken();
	raw_send(fd, "\x05\x00\x00\x00\x01\x02\x03\x04\x05", 9);
	expect_protocol_error(fd, -EBADMSG);
	fd = handshaken();
	memset(rec, 0, 4);
	rec[2] = 0x20;
	raw_send(fd, rec, 4);
	expect_protocol_error(fd, -EMSGSIZE);
	fd = handshaken();
	send_hello(fd, 1, 1);		/* a second hello */
	expect_protocol_error(fd, -EBADMSG);
	fd = handshaken();
	send_get_state(fd, 0);		/* the reserved id */
	expect_protocol_error(fd, -EBADMSG);
	/* an unknown request (a newer client's): -EOPNOTSUPP, still served */
	fd = handshaken();
	req.id = 5;
	send_request(fd, &req);
	{
		Hv__DomctlServerMessage *m = next_msg(fd);

		assert_non_null(m);
		assert_int_equal(m->reply->id, 5);
		assert_int_equal(m->reply->status, -EOPNOTSUPP);
		hv__domctl_server_message__free_unpacked(m, NULL);
	}
	send_get_state(fd, 6);
	{
		Hv__DomctlServerMessage *m = next_msg(fd);

		assert_non_null(m);
		assert_int_equal(m->reply->id, 6);
		assert_int_equal(m->reply->status, 0);
		assert_int_equal(m->reply->state->state,
				 HV__DOMAIN_STATE__STATE_RUNNING);
		hv__domctl_server_message__free_unpacked(m, NULL);
	}
	close(fd);
}

/* A descriptor sent to hvdomain is closed and the connection failed. */
static void test_fd_to_server(void **state)
{
	Hv__DomctlClientMessage cm = HV__DOMCTL_CLIENT_MESSAGE__INIT;
	Hv__DomctlRequest req = HV__DOMCTL_REQUEST__INIT;
	Hv__GetStateRequest gs = HV__GET_STATE_REQUEST__INIT;
	uint8_t *rec;
	size_t len;
	int fd = handshaken();

	(void)state;
	req.id = 1;
	req.req_case = HV__DOMCTL_REQUEST__REQ_GET_STATE;
	req.get_state = &gs;
	cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST;
	cm.request = &req;
	assert_int_equal(domctl_frame_pack(&cm.base, &rec, &len), 0);
	assert_int_equal(domctl_frame_send(fd, rec, len, 0, 0), 0);
	free(rec);
	expect_protocol_error(fd, -EBADMSG);
}

/* Clients that die mid-call or never read: the server drops them. */
static void test_clients_dying(void **state)
{
	Hv__DomctlRequest req = HV__DOMCTL_REQUEST__INIT;
	Hv__LogDirtyCleanRequest lc = HV__LOG_DIRTY_CLEAN_REQUEST__INIT;
	Hv__PfnRange r = HV__PFN_RANGE__INIT;
	int fd;

	(void)state;
	/* a log-dirty enable + clean sent, then gone before the reply */
	assert_int_equal(domctl_log_dirty_enable(good), 0);
	fd = handshaken();
	r.count = 4096;
	lc.range = &r;
	req.id = 1;
	req.req_case = HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_CLEAN;
	req.log_dirty_clean = &lc;
	send_request(fd, &req);
	close(fd);
	assert_int_equal(domctl_log_dirty_disable(good), 0);
	/* requests until the server stops reading (its replies are not
	 * read: back-pressure), then gone */
	fd = handshaken();
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	for (uint64_t i = 1;; i++) {
		uint8_t rec[32];
		size_t len = 0;
		Hv__DomctlClientMessage cm = HV__DOMCTL_CLIENT_MESSAGE__INIT;
		Hv__DomctlRequest q = HV__DOMCTL_REQUEST__INIT;
		Hv__GetStateRequest gs = HV__GET_STATE_REQUEST__INIT;

		q.id = i;
		q.req_case = HV__DOMCTL_REQUEST__REQ_GET_STATE;
		q.get_state = &gs;
		cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST;
		cm.request = &q;
		len = protobuf_c_message_pack(&cm.base, rec + 4);
		for (int b = 0; b < 4; b++)
			rec[b] = le_len((uint32_t)len, b);
		if (send(fd, rec, len + 4, MSG_NOSIGNAL) < 0) {
			assert_int_equal(errno, EAGAIN);
			assert_true(i > 16);
			break;
		}
	}
	close(fd);
	/* a connection that never says hello does not block anyone */
	fd = raw_connect();
	assert_int_equal(domctl_get_state(good, NULL), 0);
	close(fd);
}

/* More connections than served: the extra one is closed at once. */
static void test_too_many_connections(void **state)
{
	int fds[24], n = 0, extra;

	(void)state;
	/* good holds one slot already */
	for (; n < 15; n++)
		fds[n] = handshaken();
	extra = raw_connect();
	/* closed at once: the hello may find the connection gone already */
	if (send(extra, "\0\0\0\0", 4, MSG_NOSIGNAL) < 0)
		assert_true(errno == EPIPE || errno == ECONNRESET);
	expect_eof(extra);
	close(fds[--n]);
	/* a slot is free again once the server saw the close */
	assert_int_equal(domctl_get_state(good, NULL), 0);
	fds[n++] = handshaken();
	while (n)
		close(fds[--n]);
}

/* After everything the guest ran on, memory intact. */
static void test_guest_unharmed(void **state)
{
	struct domctl_status st;

	(void)state;
	assert_int_equal(domctl_get_state(good, &st), 0);
	assert_int_equal(st.state, DOMCTL_STATE_RUNNING);
	assert_int_equal(domctl_console_subscribe(good, true, false, NULL), 0);
	assert_true(hvd_wait_console(good, "tick ", 20000, out, OUT_CAP));
	assert_true(hvd_wait_console(good, "tick ", 20000, out, OUT_CAP));
	assert_null(strstr(out, "FAIL"));
}

static int setup(void **state)
{
	const char *args[] = { "--memory", "64M", "--kernel",
		hvd_guest("dirtier"), "--cmdline", "ws=4M ticks=0 tick_ms=20",
		"--start", NULL };

	(void)state;
	if (hvd_spawn(&proc, args))
		return -1;
	good = hvd_connect(&proc);
	if (!good)
		hvd_kill(&proc);
	return good ? 0 : -1;
}

static int teardown(void **state)
{
	int ret;

	(void)state;
	ret = domctl_destroy(good);
	domctl_close(good);
	if (hvd_reap(&proc, 10) != 0 || ret)	/* SIGKILLs after 10 s */
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_records_before_hello),
		cmocka_unit_test(test_bad_hellos),
		cmocka_unit_test(test_bad_records_after_hello),
		cmocka_unit_test(test_fd_to_server),
		cmocka_unit_test(test_clients_dying),
		cmocka_unit_test(test_too_many_connections),
		cmocka_unit_test(test_guest_unharmed),
	};

	(void)argc;
	hvd_fixture_init(argv[0]);
	return cmocka_run_group_tests(tests, setup, teardown);
}
