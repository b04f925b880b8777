// SPDX-License-Identifier: MIT
/*
 * The peer link (dom0/peer/peer_tls.h) over socketpairs, both ends in
 * this process: key files (format, mode, the derived id); a handshake
 * with one key, driven non-blocking from one thread, then messages both
 * ways; two keys refuse each other on both ends; plaintext and a length
 * over the maximum are refused; and blocking fds from two threads, as
 * migration's workers will use them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "peer_priv.h"
#include "proto/peer.pb-c.h"

#define KEY1 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define KEY2 "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

static char err[400];

static void key_of(const char *hex, struct peer_key *k)
{
	if (peer_key_parse(hex, strlen(hex), k, err, sizeof(err)))
		fail_msg("%s", err);
}

static void test_key_parse(void **state)
{
	struct peer_key a, b, a2;
	char bad[] = KEY1;

	(void)state;
	bad[0] = 'x';
	key_of(KEY1 "\n", &a);
	key_of(KEY1, &a2);
	key_of(KEY2 "\n", &b);
	assert_memory_equal(&a, &a2, sizeof(a));
	assert_int_equal(strlen(a.id), 16);
	assert_string_not_equal(a.id, b.id);
	assert_memory_not_equal(a.psk, b.psk, sizeof(a.psk));
	/* the PSK is derived, not the key itself */
	assert_memory_not_equal(a.psk, "\x00\x11\x22\x33", 4);
	assert_int_equal(peer_key_parse(KEY1, 63, &a, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "want 64 hex digits"));
	assert_int_equal(peer_key_parse(bad, 64, &a, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "non-hex character at offset 0"));
	assert_int_equal(peer_key_parse("", 0, &a, err, sizeof(err)),
			 -EINVAL);
}

static void test_key_load(void **state)
{
	char path[] = "/tmp/hv-peer-key.XXXXXX";
	struct peer_key k, want;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, KEY1 "\n", 65), 65);
	close(fd);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(peer_key_load(path, &k, err, sizeof(err)), 0);
	key_of(KEY1, &want);
	assert_memory_equal(&k, &want, sizeof(k));
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(peer_key_load(path, &k, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "chmod 600"));
	unlink(path);
	assert_int_equal(peer_key_load(path, &k, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
}

struct pair {
	struct peer_tls *ts, *tc;
	struct peer_conn *s, *c;
};

/* A server with @ks and a client with @kc on a socketpair. */
static void pair_open(struct pair *p, const char *ks, const char *kc,
		      bool nonblock)
{
	struct peer_key k;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
				    (nonblock ? SOCK_NONBLOCK : 0), 0, sv), 0);
	key_of(ks, &k);
	assert_int_equal(peer_tls_create(&k, &p->ts, err, sizeof(err)), 0);
	key_of(kc, &k);
	assert_int_equal(peer_tls_create(&k, &p->tc, err, sizeof(err)), 0);
	assert_int_equal(peer_conn_create(p->ts, sv[0], true, "server",
					  &p->s), 0);
	assert_int_equal(peer_conn_create(p->tc, sv[1], false, "client",
					  &p->c), 0);
}

static void pair_close(struct pair *p)
{
	peer_conn_destroy(p->s);
	peer_conn_destroy(p->c);
	peer_tls_destroy(p->ts);
	peer_tls_destroy(p->tc);
}

/* Both handshakes, alternately, until neither wants more. */
static void handshake(struct pair *p, int *rs, int *rc)
{
	*rs = *rc = -EAGAIN;
	for (int i = 0; i < 100 && (*rs == -EAGAIN || *rc == -EAGAIN); i++) {
		if (*rc == -EAGAIN)
			*rc = peer_conn_handshake(p->c);
		if (*rs == -EAGAIN)
			*rs = peer_conn_handshake(p->s);
	}
}

static Hv__PeerHello *recv_hello(struct peer_conn *c)
{
	const uint8_t *msg;
	size_t len;
	int ret;

	for (int i = 0; i < 100; i++) {
		ret = peer_conn_recv(c, &msg, &len);
		if (ret != -EAGAIN)
			break;
	}
	assert_int_equal(ret, 0);
	return hv__peer_hello__unpack(NULL, len, msg);
}

static void test_same_key(void **state)
{
	Hv__PeerHello h = HV__PEER_HELLO__INIT, *got;
	const uint8_t *msg;
	size_t len;
	struct pair p;
	int rs, rc;

	(void)state;
	pair_open(&p, KEY1, KEY1, true);
	handshake(&p, &rs, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(rs, 0);
	h.host = "hostA";
	h.min_version = 1;
	h.max_version = 2;
	/* two messages in a row, then each read whole */
	assert_int_equal(peer_conn_send(p.c, &h.base), 0);
	h.host = "hostA again";
	assert_int_equal(peer_conn_send(p.c, &h.base), 0);
	got = recv_hello(p.s);
	assert_non_null(got);
	assert_string_equal(got->host, "hostA");
	assert_int_equal(got->max_version, 2);
	hv__peer_hello__free_unpacked(got, NULL);
	got = recv_hello(p.s);
	assert_string_equal(got->host, "hostA again");
	hv__peer_hello__free_unpacked(got, NULL);
	/* and back */
	h.host = "hostB";
	assert_int_equal(peer_conn_send(p.s, &h.base), 0);
	got = recv_hello(p.c);
	assert_string_equal(got->host, "hostB");
	hv__peer_hello__free_unpacked(got, NULL);
	/* the end of the session is an error that says so */
	peer_conn_shutdown(p.s);
	assert_int_equal(peer_conn_recv(p.c, &msg, &len), -ECONNRESET);
	pair_close(&p);
}

static void test_wrong_key(void **state)
{
	struct pair p;
	int rs, rc;

	(void)state;
	pair_open(&p, KEY1, KEY2, true);
	handshake(&p, &rs, &rc);
	assert_true(rs < 0 && rs != -EAGAIN);
	assert_true(rc < 0 && rc != -EAGAIN);
	assert_non_null(strstr(peer_conn_error(p.s),
			       "TLS handshake failed: wrong cluster key"));
	assert_non_null(strstr(peer_conn_error(p.c),
			       "TLS handshake failed: wrong cluster key"));
	pair_close(&p);
}

static void test_plaintext_and_oversize(void **state)
{
	static const uint8_t huge[4] = { 0xff, 0xff, 0xff, 0x7f };
	const uint8_t *msg;
	size_t len;
	struct pair p;
	int rs, rc;

	(void)state;
	pair_open(&p, KEY1, KEY1, true);
	assert_int_equal(write(peer_conn_fd(p.c), "GET / HTTP/1.0\r\n", 16),
			 16);
	assert_int_equal(peer_conn_handshake(p.s), -EPROTO);
	assert_non_null(strstr(peer_conn_error(p.s), "not TLS (plaintext?)"));
	pair_close(&p);

	pair_open(&p, KEY1, KEY1, true);
	handshake(&p, &rs, &rc);
	assert_int_equal(rs, 0);
	assert_int_equal(SSL_write(p.c->ssl, huge, sizeof(huge)), 4);
	assert_int_equal(peer_conn_recv(p.s, &msg, &len), -EMSGSIZE);
	pair_close(&p);
}

static void *blocking_server(void *arg)
{
	struct peer_conn *s = arg;
	Hv__PeerHello h = HV__PEER_HELLO__INIT, *got;
	intptr_t ret = peer_conn_handshake(s);

	if (ret)
		return (void *)ret;
	got = recv_hello(s);
	if (!got)
		return (void *)(intptr_t)-EBADMSG;
	h.host = got->host;	/* echoed */
	ret = peer_conn_send(s, &h.base);
	hv__peer_hello__free_unpacked(got, NULL);
	return (void *)ret;
}

static void test_blocking_threads(void **state)
{
	Hv__PeerHello h = HV__PEER_HELLO__INIT, *got;
	struct pair p;
	pthread_t t;
	void *ret;

	(void)state;
	pair_open(&p, KEY1, KEY1, false);
	assert_int_equal(pthread_create(&t, NULL, blocking_server, p.s), 0);
	assert_int_equal(peer_conn_handshake(p.c), 0);
	h.host = "worker";
	assert_int_equal(peer_conn_send(p.c, &h.base), 0);
	got = recv_hello(p.c);
	assert_string_equal(got->host, "worker");
	hv__peer_hello__free_unpacked(got, NULL);
	assert_int_equal(pthread_join(t, &ret), 0);
	assert_null(ret);
	pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_parse),
		cmocka_unit_test(test_key_load),
		cmocka_unit_test(test_same_key),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_plaintext_and_oversize),
		cmocka_unit_test(test_blocking_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
