// SPDX-License-Identifier: MIT
/*
 * The live-migration engine end to end: two real hvdomains, a running
 * dirtier as the source and an incoming domain as the destination,
 * joined by socketpairs (1, 2 and 4 channels, zstd or not). mig_send
 * runs here, mig_recv on a thread. After a migration the dirtier's
 * ticks go on at the destination from the next number, it keeps
 * verifying every page it wrote (a lost or stale page prints "FAIL"),
 * the source is paused and the figures of both sides agree. Faults (the
 * destination domain killed, a channel closed, a corrupted batch, a
 * cancel) fail mig_send and leave the source running, its ticks going on.
 * The TLS transport (dom0/peer/mig_tls.h) runs on loopback TCP: with the
 * same cluster key the migration succeeds, with another it is refused at
 * the handshake, before the engine starts; a cancel aborts it.
 * No sleeps: every wait is for an event (console text, a thread's end).
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "hvdomain_fixture.h"
#include "handover.h"
#include "migrate.h"
#include "mig_tls.h"

#define OUT_CAP 65536
/* the same domain on both sides, as hvd creates the incoming one */
#define UUID "6f1c2a0e-9b7d-4e21-8a55-3c0d2b9e7f14"
static char out[OUT_CAP], dout[OUT_CAP];

struct dom {
	struct hvd_proc p;
	struct domctl *d;
};

static void start(struct dom *x, const char *const *args)
{
	assert_int_equal(hvd_spawn(&x->p, args), 0);
	x->d = hvd_connect(&x->p);
	assert_non_null(x->d);
}

static void stop(struct dom *x)
{
	if (!x->d)
		return;
	if (domctl_destroy(x->d))
		print_message("destroy: %s\n", domctl_error(x->d));
	domctl_close(x->d);
	x->d = NULL;
	hvd_reap(&x->p, 10);
}

/* A dirtier with @cmdline, running, subscribed, past its second tick. */
static void start_dirtier(struct dom *x, const char *cmdline)
{
	const char *args[] = { "--vcpus", "1", "--memory", "64M", "--name",
		"dirty", "--uuid", UUID, "--kernel", hvd_guest("dirtier"),
		"--cmdline", cmdline, "--start", NULL };

	start(x, args);
	assert_int_equal(domctl_console_subscribe(x->d, true, true, NULL), 0);
	assert_true(hvd_wait_console(x->d, "tick 2 ", 20000, out, OUT_CAP));
}

/* An incoming domain of the same shape, plus a second connection for
 * its console (the receiver's thread owns the first). */
static void start_incoming(struct dom *x, struct domctl **con)
{
	const char *args[] = { "--vcpus", "1", "--memory", "64M",
		"--incoming", "--name", "dirty", "--uuid", UUID, NULL };

	start(x, args);
	*con = hvd_connect(&x->p);
	assert_non_null(*con);
	assert_int_equal(domctl_console_subscribe(*con, true, false, NULL), 0);
}

/* ---- a receiver on its own thread ---- */

struct receiver {
	pthread_t thread;
	struct domctl *d;
	struct mig_transport *t;
	struct mig_recv_params p;
	struct mig_recv_stats st;
	int ret;
};

static void *recv_main(void *arg)
{
	struct receiver *r = arg;

	r->ret = mig_recv(r->d, &r->p, r->t, &r->st);
	return NULL;
}

static void recv_start(struct receiver *r, struct domctl *d,
		       struct mig_transport *t, const struct mig_arbiter *arb)
{
	memset(r, 0, sizeof(*r));
	r->d = d;
	r->t = t;
	r->p.name = "dst";
	r->p.arbiter = arb;
	assert_int_equal(pthread_create(&r->thread, NULL, recv_main, r), 0);
}

/* ---- a migration's setting ---- */

struct mig {
	struct dom src, dst;
	struct domctl *dcon;		/* the destination's console */
	unsigned int n;
	int fds[8][2];			/* [i][0] source, [i][1] destination */
	struct mig_transport *ts, *td;
	struct mig_params p;
	struct mig_stats st;
	struct mig_arbiter_peer arb;
	char commit_path[256];
	struct receiver rcv;
	atomic_bool cancel;
	/* what the progress callback does after round 0 */
	enum { FAULT_NONE, FAULT_KILL_DST, FAULT_CLOSE_CHAN, FAULT_CANCEL }
		fault;
	bool faulted;
	unsigned int progress_calls;
};

static void on_progress(void *opaque, const struct mig_stats *st)
{
	struct mig *m = opaque;

	m->progress_calls++;
	if (m->faulted || st->rounds < 1)
		return;
	m->faulted = true;
	switch (m->fault) {
	case FAULT_KILL_DST:
		hvd_kill(&m->dst.p);
		break;
	case FAULT_CLOSE_CHAN:
		shutdown(m->fds[m->n - 1][1], SHUT_RDWR);
		break;
	case FAULT_CANCEL:
		atomic_store(&m->cancel, true);
		break;
	case FAULT_NONE:
		m->faulted = false;
		break;
	}
}

/* Both domains, the arbiter and the parameters; no transport yet. */
static void mig_setup_doms(struct mig *m, unsigned int n, const char *cmdline)
{
	memset(m, 0, sizeof(*m));
	m->n = n;
	for (unsigned int i = 0; i < n; i++)
		m->fds[i][0] = m->fds[i][1] = -1;
	atomic_init(&m->cancel, false);
	start_dirtier(&m->src, cmdline);
	start_incoming(&m->dst, &m->dcon);
	snprintf(m->commit_path, sizeof(m->commit_path), "%s/owner",
		 m->src.p.dir);
	mig_arbiter_peer_init(&m->arb, m->commit_path);
	m->p.arbiter = &m->arb.arb;
	m->p.epoch = 7;
	m->p.max_rounds = 4;
	m->p.name = "src";
}

static void mig_setup(struct mig *m, unsigned int n, const char *cmdline)
{
	int s[8], d[8];

	mig_setup_doms(m, n, cmdline);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
					    0, m->fds[i]), 0);
		s[i] = m->fds[i][0];
		d[i] = m->fds[i][1];
	}
	assert_int_equal(mig_xport_fd_create(&m->ts, s, n, true), 0);
	assert_int_equal(mig_xport_fd_create(&m->td, d, n, true), 0);
}

/* ---- the TLS transport on loopback TCP ---- */

/* @n connected pairs on 127.0.0.1: @c[i] connected to @s[i]. */
static void tcp_pairs(unsigned int n, int *c, int *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(l >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 8), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	for (unsigned int i = 0; i < n; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(c[i] >= 0);
		assert_int_equal(connect(c[i], (struct sockaddr *)&a,
					 sizeof(a)), 0);
		s[i] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		assert_true(s[i] >= 0);
	}
	close(l);
}

/* A cluster key of 64 hex digits @digit. */
static struct peer_tls *tls_with_key(char digit)
{
	struct peer_tls *t = NULL;
	struct peer_key key;
	char text[64], err[256];

	memset(text, digit, sizeof(text));
	assert_int_equal(peer_key_parse(text, sizeof(text), &key, err,
					sizeof(err)), 0);
	assert_int_equal(peer_tls_create(&key, &t, err, sizeof(err)), 0);
	return t;
}

struct tls_end {
	pthread_t thread;
	struct peer_tls *tls;
	int fds[8];
	unsigned int n;
	bool server;
	struct mig_transport *t;
	int ret;
	char err[512];
};

static void *tls_end_main(void *arg)
{
	struct tls_end *e = arg;
	const struct mig_tls_self self = {
		.host = e->server ? "dst" : "src", .hv_version = "test",
	};

	e->ret = mig_xport_tls_create(&e->t, e->tls, e->fds, e->n, e->server,
				      &self, e->err, sizeof(e->err));
	return NULL;
}

/*
 * mig_setup with @n TLS channels, the source with key @src_key and the
 * destination with @dst_key, set up on two threads at once. Both ends'
 * results in @src and @dst (the transports also in m->ts, m->td).
 * SIGPIPE is not ignored until mig_teardown_tls.
 */
static void mig_setup_tls(struct mig *m, unsigned int n, const char *cmdline,
			  char src_key, char dst_key, struct tls_end *src,
			  struct tls_end *dst)
{
	struct tls_end *ends[2] = { src, dst };

	signal(SIGPIPE, SIG_DFL);
	mig_setup_doms(m, n, cmdline);
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	tcp_pairs(n, src->fds, dst->fds);
	src->tls = tls_with_key(src_key);
	dst->tls = tls_with_key(dst_key);
	dst->server = true;
	for (unsigned int i = 0; i < 2; i++) {
		ends[i]->n = n;
		assert_int_equal(pthread_create(&ends[i]->thread, NULL,
						tls_end_main, ends[i]), 0);
	}
	for (unsigned int i = 0; i < 2; i++)
		pthread_join(ends[i]->thread, NULL);
	m->ts = src->t;
	m->td = dst->t;
}

static int mig_run(struct mig *m)
{
	int ret;

	recv_start(&m->rcv, m->dst.d, m->td, NULL);
	ret = mig_send(m->src.d, &m->p, m->ts, &m->st, on_progress, m,
		       &m->cancel);
	pthread_join(m->rcv.thread, NULL);
	return ret;
}

static void mig_teardown(struct mig *m)
{
	mig_transport_destroy(m->ts);
	mig_transport_destroy(m->td);
	for (unsigned int i = 0; i < m->n; i++) {
		close(m->fds[i][0]);
		close(m->fds[i][1]);
	}
	if (m->dcon)
		domctl_close(m->dcon);
	stop(&m->dst);
	stop(&m->src);
}

static void mig_teardown_tls(struct mig *m, struct tls_end *src,
			     struct tls_end *dst)
{
	mig_teardown(m);
	peer_tls_destroy(src->tls);
	peer_tls_destroy(dst->tls);
	signal(SIGPIPE, SIG_IGN);
}

/* The number of the first "tick N " line in @text, or -1. */
static long first_tick(const char *text)
{
	const char *t = strstr(text, "tick ");

	return t ? strtol(t + 5, NULL, 10) : -1;
}

/*
 * The guest's output goes on without a gap across the move: the source's
 * output from its last complete "tick @last " line, followed by the
 * destination's, holds tick @last + 1 and nothing failed. (A line may be
 * cut by the pause: its start printed on the source, its end at the
 * destination.)
 */
static void continues(const char *src, long last, const char *dst)
{
	static char joined[2 * OUT_CAP];
	char want[32];
	const char *from;

	snprintf(want, sizeof(want), "tick %ld ", last);
	from = strstr(src, want);
	assert_non_null(from);
	while (strstr(from + 1, want))
		from = strstr(from + 1, want);
	snprintf(joined, sizeof(joined), "%s%s", from, dst);
	assert_int_equal(first_tick(joined), last);
	snprintf(want, sizeof(want), "tick %ld ", last + 1);
	assert_non_null(strstr(joined, want));
	assert_null(strstr(joined, "FAIL"));
}

static void state_is(struct domctl *d, enum domctl_state want)
{
	struct domctl_status st;

	assert_int_equal(domctl_get_state(d, &st), 0);
	assert_int_equal(st.state, want);
}

/* The dirtier on @d (subscribed) prints two more ticks after @last. */
static void ticks_go_on(struct domctl *d, long last, char *buf)
{
	char want[32];

	snprintf(want, sizeof(want), "tick %ld ", last + 2);
	assert_true(hvd_wait_console(d, want, 20000, buf, OUT_CAP));
	assert_null(strstr(buf, "FAIL"));
}

/* A policy that never finds the moment: rounds until max_rounds. */
static bool never(void *opaque, const struct mig_stats *st, bool fits)
{
	(void)opaque;
	(void)st;
	(void)fits;
	return false;
}

static void migrate_ok(unsigned int n, int zstd, const char *cmdline,
		       bool forced, bool tls)
{
	struct tls_end src, dst;
	struct mig m;
	long last;
	int ret;

	if (tls) {
		mig_setup_tls(&m, n, cmdline, 'a', 'a', &src, &dst);
		assert_int_equal(src.ret | dst.ret, 0);
	} else {
		mig_setup(&m, n, cmdline);
	}
	m.p.zstd_level = zstd;
	m.p.no_compress = !zstd;
	if (forced)
		m.p.policy = never;
	ret = mig_run(&m);
	assert_int_equal(m.rcv.ret, 0);
	assert_int_equal(ret, 0);
	assert_int_equal(m.st.outcome, MIG_OUTCOME_RUNNING);
	assert_true(m.rcv.st.ready && m.rcv.st.running);
	assert_int_equal(m.rcv.st.epoch, 7);
	state_is(m.src.d, DOMCTL_STATE_PAUSED);

	/* the source's last tick, then the destination's from the next */
	last = hvd_console_drain(m.src.d, out, OUT_CAP);
	assert_true(last >= 2);
	ticks_go_on(m.dcon, last, dout);
	continues(out, last, dout);
	assert_null(strstr(out, "FAIL"));

	/* the figures: both sides counted the same */
	assert_true(m.st.populated_pages > 2048);	/* 8 MiB working set */
	assert_true(m.st.pages_sent >= m.st.populated_pages);
	assert_int_equal(m.st.pages_sent, m.rcv.st.pages);
	assert_int_equal(m.st.zero_pages, m.rcv.st.zero_pages);
	assert_true(m.st.zero_pages > 0);	/* the guest has zeroed pages */
	assert_int_equal(m.st.wire_bytes, m.rcv.st.wire_bytes);
	assert_true(m.st.rounds >= 2);	/* round 0 and stop-and-copy */
	if (forced)	/* max_rounds iterative rounds and the final one */
		assert_int_equal(m.st.rounds, m.p.max_rounds + 1);
	assert_int_equal(m.st.rounds, m.rcv.st.rounds);
	assert_int_equal(m.st.nr_channels, n);
	assert_true(m.st.downtime_us > 0 && m.st.downtime_us < m.st.total_us);
	assert_true(m.progress_calls >= m.st.rounds);
	/* raw: every RAW page's bytes and framing; zstd: a frame is sent
	 * only when smaller, so never more than raw would have been */
	if (!zstd)
		assert_true(m.st.wire_bytes > m.st.raw_bytes);
	else
		assert_true(m.st.wire_bytes < m.st.raw_bytes +
			    m.st.pages_sent * 16 + (1u << 20));
	/* the commit record is durable on the source's side */
	{
		FILE *f = fopen(m.commit_path, "r");
		char line[128] = "";

		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		assert_non_null(strstr(line, "epoch=7 moved"));
	}
	print_message("      %u ch zstd %d: %llu rounds, %llu pages (%llu "
		      "zero), %llu wire bytes, downtime %llu us, total %llu "
		      "us\n", n, zstd, (unsigned long long)m.st.rounds,
		      (unsigned long long)m.st.pages_sent,
		      (unsigned long long)m.st.zero_pages,
		      (unsigned long long)m.st.wire_bytes,
		      (unsigned long long)m.st.downtime_us,
		      (unsigned long long)m.st.total_us);
	if (tls)
		mig_teardown_tls(&m, &src, &dst);
	else
		mig_teardown(&m);
}

static void test_one_channel_raw(void **state)
{
	(void)state;
	migrate_ok(1, 0, "ws=8M ticks=0 tick_ms=20", false, false);
}

static void test_two_channels_zstd(void **state)
{
	(void)state;
	migrate_ok(2, 1, "ws=8M ticks=0 tick_ms=20 pattern=sparse", false,
		   false);
}

/* A policy that never stops: max_rounds iterative rounds, then forced. */
static void test_four_channels_forced(void **state)
{
	(void)state;
	migrate_ok(4, 3, "ws=8M ticks=0 tick_ms=20", true, false);
}

/* A slow dirtier converges: the prediction, not the round cap, ends it. */
/* Two TLS channels, the same cluster key; SIGPIPE is not ignored here. */
static void test_tls_two_channels(void **state)
{
	(void)state;
	migrate_ok(2, 1, "ws=8M ticks=0 tick_ms=20", false, true);
}

/* Another cluster key: both ends refuse at the handshake, the engine
 * never starts (the destination is still empty), the source runs on. */
static void test_tls_wrong_key(void **state)
{
	struct tls_end src, dst;
	struct mig m;
	long last;

	(void)state;
	mig_setup_tls(&m, 2, "ws=8M ticks=0 tick_ms=20", 'a', 'b', &src,
		      &dst);
	print_message("      source: %s\n      destination: %s\n", src.err,
		      dst.err);
	assert_true(src.ret < 0);
	assert_int_equal(dst.ret, -EPROTO);
	assert_non_null(strstr(dst.err, "wrong cluster key"));
	assert_null(m.ts);
	assert_null(m.td);
	state_is(m.dst.d, DOMCTL_STATE_INCOMING);
	state_is(m.src.d, DOMCTL_STATE_RUNNING);
	last = hvd_console_drain(m.src.d, out, OUT_CAP);
	assert_true(last >= 2);
	ticks_go_on(m.src.d, last, out);
	assert_null(strstr(out, "FAIL"));
	assert_int_equal(access(m.commit_path, F_OK), -1);
	mig_teardown_tls(&m, &src, &dst);
}

static void test_converges(void **state)
{
	struct mig m;

	(void)state;
	mig_setup(&m, 2, "ws=8M ticks=0 tick_ms=20 rate=200");
	m.p.max_downtime_ms = 200;
	m.p.max_rounds = 50;
	assert_int_equal(mig_run(&m), 0);
	assert_int_equal(m.rcv.ret, 0);
	assert_true(m.st.rounds < 50);
	assert_true(m.st.expected_downtime_us <= 200000);
	mig_teardown(&m);
}

/*
 * A link slower than the dirtier (1 MiB/s, a 1 MiB working set, so that
 * even a slow guest rewrites most of it in a round): auto-converge
 * throttles the vCPUs;
 * the guest still verifies every page at the destination.
 */
static void test_auto_converge(void **state)
{
	struct mig m;
	long last;

	(void)state;
	mig_setup(&m, 2, "ws=1M ticks=0 tick_ms=20");
	m.p.bandwidth = 1u << 20;
	m.p.policy = never;
	m.p.max_rounds = 3;
	assert_int_equal(mig_run(&m), 0);
	assert_int_equal(m.rcv.ret, 0);
	assert_true(m.st.throttle_pct >= 20);
	/* the cap held (with slack for a batch sent ahead of its time) */
	assert_true(m.st.wire_bytes * 1000000u / m.st.total_us <
		    (uint64_t)(5u << 18));
	last = hvd_console_drain(m.src.d, out, OUT_CAP);
	ticks_go_on(m.dcon, last, dout);
	continues(out, last, dout);
	mig_teardown(&m);
}

/* A failed migration: the source runs on, its ticks go on, log-dirty is
 * off again (enable succeeds), and the destination refused. */
static void source_survived(struct mig *m, int ret)
{
	long last;

	assert_true(ret < 0);
	assert_int_equal(m->st.outcome, MIG_OUTCOME_NONE);
	assert_true(m->rcv.ret < 0);
	assert_false(m->rcv.st.running);
	state_is(m->src.d, DOMCTL_STATE_RUNNING);
	assert_int_equal(domctl_log_dirty_enable(m->src.d), 0);
	assert_int_equal(domctl_log_dirty_disable(m->src.d), 0);
	last = hvd_console_drain(m->src.d, out, OUT_CAP);
	assert_true(last >= 2);
	ticks_go_on(m->src.d, last, out);
	/* no commit record: ownership never moved */
	assert_int_equal(access(m->commit_path, F_OK), -1);
}

static void test_destination_killed(void **state)
{
	struct mig m;
	int ret;

	(void)state;
	mig_setup(&m, 2, "ws=8M ticks=0 tick_ms=20");
	m.fault = FAULT_KILL_DST;
	ret = mig_run(&m);
	assert_true(m.faulted);
	source_survived(&m, ret);
	domctl_close(m.dst.d);	/* its hvdomain is gone */
	m.dst.d = NULL;
	mig_teardown(&m);
}

static void test_channel_closed(void **state)
{
	struct mig m;
	int ret;

	(void)state;
	mig_setup(&m, 2, "ws=8M ticks=0 tick_ms=20");
	m.fault = FAULT_CLOSE_CHAN;
	ret = mig_run(&m);
	assert_true(m.faulted);
	source_survived(&m, ret);
	state_is(m.dst.d, DOMCTL_STATE_INCOMING);
	mig_teardown(&m);
}

static void test_cancel(void **state)
{
	struct mig m;
	int ret;

	(void)state;
	mig_setup(&m, 2, "ws=8M ticks=0 tick_ms=20");
	m.fault = FAULT_CANCEL;
	ret = mig_run(&m);
	assert_int_equal(ret, -ECANCELED);
	source_survived(&m, ret);
	mig_teardown(&m);
}

/* A cancel in the middle of a TLS migration: abort wakes the channels'
 * threads blocked in SSL_read and SSL_write; the source runs on. */
static void test_tls_cancel(void **state)
{
	struct tls_end src, dst;
	struct mig m;
	int ret;

	(void)state;
	mig_setup_tls(&m, 2, "ws=8M ticks=0 tick_ms=20", 'a', 'a', &src,
		      &dst);
	assert_int_equal(src.ret | dst.ret, 0);
	m.fault = FAULT_CANCEL;
	ret = mig_run(&m);
	assert_int_equal(ret, -ECANCELED);
	source_survived(&m, ret);
	mig_teardown_tls(&m, &src, &dst);
}

/* The timeout forces stop-and-copy right after the round it expires in. */
static void test_timeout_forces(void **state)
{
	struct mig m;

	(void)state;
	mig_setup(&m, 2, "ws=8M ticks=0 tick_ms=20");
	m.p.policy = never;
	m.p.max_rounds = 1000;
	m.p.timeout_ms = 1;	/* over before round 0 ends */
	assert_int_equal(mig_run(&m), 0);
	assert_int_equal(m.rcv.ret, 0);
	assert_int_equal(m.st.rounds, 2);
	assert_int_equal(m.st.outcome, MIG_OUTCOME_RUNNING);
	mig_teardown(&m);
}

/* No convergence with the timeout's action "abort": the guest stays. */
static void test_no_convergence_aborts(void **state)
{
	struct mig m;
	int ret;

	(void)state;
	mig_setup(&m, 2, "ws=8M ticks=0 tick_ms=20");
	m.p.policy = never;
	m.p.max_rounds = 3;
	m.p.timeout_action = MIG_TIMEOUT_ABORT;
	ret = mig_run(&m);
	assert_int_equal(ret, -ETIMEDOUT);
	assert_int_equal(m.st.rounds, 3);
	source_survived(&m, ret);
	mig_teardown(&m);
}

/* Connections crossed at the destination: channel 1's stream arrives on
 * connection 0, which the receiver refuses before applying a page. */
static void test_crossed_channels(void **state)
{
	struct mig m;
	int ret;

	(void)state;
	mig_setup(&m, 2, "ws=8M ticks=0 tick_ms=20");
	mig_transport_destroy(m.td);
	{
		int d[2] = { m.fds[1][1], m.fds[0][1] };

		assert_int_equal(mig_xport_fd_create(&m.td, d, 2, true), 0);
	}
	ret = mig_run(&m);
	assert_int_equal(m.rcv.ret, -EPROTO);
	source_survived(&m, ret);
	mig_teardown(&m);
}

/* ---- faults through the ops table: a wrapper over the fd transport ---- */

struct wrap {
	struct mig_transport t;
	struct mig_transport *inner;
	enum { WRAP_CORRUPT, WRAP_LOSE_RUN } mode;
	unsigned int big_sends;		/* sends of a page or more, ch 0 */
};

static int w_open(struct mig_transport *t)
{
	struct wrap *w = t->priv;

	return w->inner->ops->open(w->inner);
}

/* CORRUPT: flips a bit of channel 0's third big send (a batch body).
 * LOSE_RUN: channel 0 dies instead of carrying RUN. */
static int w_send(struct mig_transport *t, unsigned int ch, const void *buf,
		  size_t len)
{
	struct wrap *w = t->priv;
	const struct handover_msg *msg = buf;

	if (w->mode == WRAP_CORRUPT && ch == 0 && len >= 4096 &&
	    ++w->big_sends == 3) {
		uint8_t *copy = malloc(len);
		int ret;

		assert_non_null(copy);
		memcpy(copy, buf, len);
		copy[len / 2] ^= 0x40;
		ret = w->inner->ops->send(w->inner, ch, copy, len);
		free(copy);
		return ret;
	}
	if (w->mode == WRAP_LOSE_RUN && ch == 0 && len == sizeof(*msg) &&
	    le32toh(msg->magic) == HANDOVER_MAGIC &&
	    le32toh(msg->type) == HANDOVER_RUN) {
		w->inner->ops->abort(w->inner);
		return 0;
	}
	return w->inner->ops->send(w->inner, ch, buf, len);
}

static ssize_t w_recv(struct mig_transport *t, unsigned int ch, void *buf,
		      size_t len)
{
	struct wrap *w = t->priv;

	return w->inner->ops->recv(w->inner, ch, buf, len);
}

static void w_abort(struct mig_transport *t)
{
	struct wrap *w = t->priv;

	w->inner->ops->abort(w->inner);
}

static void w_destroy(struct mig_transport *t)
{
	(void)t;	/* on the test's stack */
}

static const struct mig_transport_ops wrap_ops = {
	.name = "wrap",
	.flags = MIG_XPORT_PEER,
	.open = w_open,
	.send = w_send,
	.recv = w_recv,
	.abort = w_abort,
	.destroy = w_destroy,
};

static void wrap_init(struct wrap *w, struct mig_transport *inner, int mode)
{
	memset(w, 0, sizeof(*w));
	w->t.ops = &wrap_ops;
	w->t.nr_channels = inner->nr_channels;
	w->t.priv = w;
	w->inner = inner;
	w->mode = mode;
}

static void test_corrupted_batch(void **state)
{
	struct wrap c;
	struct mig m;
	int ret;

	(void)state;
	mig_setup(&m, 2, "ws=8M ticks=0 tick_ms=20");
	wrap_init(&c, m.ts, WRAP_CORRUPT);
	recv_start(&m.rcv, m.dst.d, m.td, NULL);
	ret = mig_send(m.src.d, &m.p, &c.t, &m.st, on_progress, &m,
		       &m.cancel);
	pthread_join(m.rcv.thread, NULL);
	assert_int_equal(m.rcv.ret, -EBADMSG);
	source_survived(&m, ret);
	mig_teardown(&m);
}

/* ---- the handover ---- */

/* The commit record cannot be written: before the commit point, so the
 * source aborts the handover and runs on; the destination gets ABORT. */
static void test_commit_fails(void **state)
{
	struct mig m;
	int ret;

	(void)state;
	mig_setup(&m, 2, "ws=8M ticks=0 tick_ms=20");
	snprintf(m.commit_path, sizeof(m.commit_path), "/nonexistent/owner");
	ret = mig_run(&m);
	assert_int_equal(ret, -ENOENT);
	assert_int_equal(m.rcv.ret, -ECANCELED);
	assert_true(m.rcv.st.ready);
	source_survived(&m, ret);
	state_is(m.dst.d, DOMCTL_STATE_INCOMING);
	mig_teardown(&m);
}

/*
 * Contact lost right after the commit point: the source has committed
 * and keeps its copy paused (UNCONFIRMED); the destination, READY and
 * never told, is in doubt. Without an arbiter it stays paused
 * (-EINPROGRESS); with one that knows the commit it runs the guest.
 */
static void run_lost(bool arbiter)
{
	struct wrap l;
	struct mig m;
	long last;
	int ret;

	mig_setup(&m, 2, "ws=8M ticks=0 tick_ms=20");
	wrap_init(&l, m.ts, WRAP_LOSE_RUN);
	/* the destination's arbiter reads the source's record here, as
	 * asking the peer would */
	recv_start(&m.rcv, m.dst.d, m.td, arbiter ? &m.arb.arb : NULL);
	ret = mig_send(m.src.d, &m.p, &l.t, &m.st, NULL, NULL, NULL);
	pthread_join(m.rcv.thread, NULL);
	assert_int_equal(ret, 0);
	assert_int_equal(m.st.outcome, MIG_OUTCOME_UNCONFIRMED);
	state_is(m.src.d, DOMCTL_STATE_PAUSED);
	last = hvd_console_drain(m.src.d, out, OUT_CAP);
	if (!arbiter) {
		assert_int_equal(m.rcv.ret, -EINPROGRESS);
		assert_false(m.rcv.st.running);
		state_is(m.dst.d, DOMCTL_STATE_INCOMING);
	} else {
		assert_int_equal(m.rcv.ret, 0);
		assert_true(m.rcv.st.running);
		ticks_go_on(m.dcon, last, dout);
		continues(out, last, dout);
	}
	mig_teardown(&m);
}

static void test_run_lost_in_doubt(void **state)
{
	(void)state;
	run_lost(false);
}

static void test_run_lost_arbiter_resolves(void **state)
{
	(void)state;
	run_lost(true);
}

/* ---- the file transport: a live save, then a restore through it ---- */

static void test_live_save_to_file(void **state)
{
	struct mig m;
	struct mig_transport *tf = NULL, *tr = NULL;
	struct mig_recv_params rp = { .name = "restore" };
	struct mig_recv_stats rs;
	char path[256];
	long last;

	(void)state;
	mig_setup(&m, 1, "ws=8M ticks=0 tick_ms=20");
	snprintf(path, sizeof(path), "%s/save", m.src.p.dir);
	assert_int_equal(mig_xport_file_create(&tf, path, true, NULL), 0);
	assert_int_equal(mig_send(m.src.d, &m.p, tf, &m.st, NULL, NULL,
				  NULL), 0);
	assert_int_equal(m.st.outcome, MIG_OUTCOME_SAVED);
	state_is(m.src.d, DOMCTL_STATE_PAUSED);
	last = hvd_console_drain(m.src.d, out, OUT_CAP);

	assert_int_equal(mig_xport_file_create(&tr, path, false, NULL), 0);
	assert_int_equal(mig_recv(m.dst.d, &rp, tr, &rs), 0);
	assert_int_equal(rs.pages, m.st.pages_sent);
	assert_int_equal(rs.rounds, m.st.rounds);
	state_is(m.dst.d, DOMCTL_STATE_INCOMING);
	assert_int_equal(domctl_unpause(m.dst.d, NULL), 0);
	ticks_go_on(m.dcon, last, dout);
	continues(out, last, dout);
	mig_transport_destroy(tf);
	mig_transport_destroy(tr);
	mig_teardown(&m);
}

/* A write to a directory that does not exist fails cleanly, running on. */
static void test_unwritable_file(void **state)
{
	struct mig m;
	struct mig_transport *tf = NULL;
	int ret;

	(void)state;
	mig_setup(&m, 1, "ws=8M ticks=0 tick_ms=20");
	assert_int_equal(mig_xport_file_create(&tf, "/nonexistent/dir/save",
					       true, NULL), 0);
	ret = mig_send(m.src.d, &m.p, tf, &m.st, NULL, NULL, NULL);
	assert_int_equal(ret, -ENOENT);
	state_is(m.src.d, DOMCTL_STATE_RUNNING);
	assert_int_equal(domctl_log_dirty_enable(m.src.d), 0);
	assert_int_equal(domctl_log_dirty_disable(m.src.d), 0);
	mig_transport_destroy(tf);
	mig_teardown(&m);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_one_channel_raw, hvd_kill_all),
		cmocka_unit_test_teardown(test_two_channels_zstd,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_four_channels_forced,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_tls_two_channels,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_tls_wrong_key, hvd_kill_all),
		cmocka_unit_test_teardown(test_tls_cancel, hvd_kill_all),
		cmocka_unit_test_teardown(test_converges, hvd_kill_all),
		cmocka_unit_test_teardown(test_auto_converge, hvd_kill_all),
		cmocka_unit_test_teardown(test_destination_killed,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_channel_closed, hvd_kill_all),
		cmocka_unit_test_teardown(test_cancel, hvd_kill_all),
		cmocka_unit_test_teardown(test_timeout_forces, hvd_kill_all),
		cmocka_unit_test_teardown(test_no_convergence_aborts,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_corrupted_batch, hvd_kill_all),
		cmocka_unit_test_teardown(test_crossed_channels,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_commit_fails, hvd_kill_all),
		cmocka_unit_test_teardown(test_run_lost_in_doubt,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_run_lost_arbiter_resolves,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_live_save_to_file,
					  hvd_kill_all),
		cmocka_unit_test_teardown(test_unwritable_file, hvd_kill_all),
	};

	(void)argc;
	signal(SIGPIPE, SIG_IGN);
	hvd_fixture_init(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
