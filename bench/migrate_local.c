// SPDX-License-Identifier: MIT
/*
 * bench/migrate_local: live migration between two local hvdomains over
 * socketpairs, through the engine (migrate/migrate.h) as hvd will run it.
 * The guest is the dirtier with 1 GiB of RAM: "idle" (64 MiB written
 * once, then a page now and then) and "hot" (64 MiB rewritten as fast as
 * the vCPU goes); 1, 2 and 4 channels, with and without zstd. Prints a
 * table (total, setup and downtime, rounds, bytes on the wire, pages,
 * throttle, and whether the guest went on at the destination verifying
 * its memory); asserts nothing.
 * usage: migrate_local BUILD [max_downtime_ms]
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "domain_spawn.h"
#include "migrate.h"

#define UUID "0b5e3f7a-2c41-4d8e-9f60-7a1b2c3d4e5f"

static const struct hv_log quiet = { .prefix = "bench", .level = LOG_WARN };

struct side {
	struct domain_proc p;
	char sock[256];
};

static int start(struct side *s, const char *hvdomain, const char *dir,
		 const char *name, const char *const *args)
{
	struct domain_spawn sp = { .hvdomain = hvdomain, .socket = s->sock,
		.args = args, .ready_timeout_ms = 60000, .client = "bench" };
	int ret;

	/* hvdomain's own log is not the table's business */
	sp.out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	snprintf(s->sock, sizeof(s->sock), "%s/%s.sock", dir, name);
	ret = domain_spawn(&sp, &s->p, &quiet);
	if (sp.out_fd >= 0)
		close(sp.out_fd);
	return ret;
}

static void finish(struct side *s)
{
	if (s->p.d) {
		if (domctl_destroy(s->p.d))
			fprintf(stderr, "destroy: %s\n", domctl_error(s->p.d));
		domctl_close(s->p.d);
		s->p.d = NULL;
	}
	if (s->p.pid > 0)
		waitpid(s->p.pid, NULL, 0);
	s->p.pid = 0;
	if (s->sock[0])
		unlink(s->sock);
}

/* Waits for @text in @d's console output (subscribed); false on timeout
 * or a "FAIL" line. */
static bool wait_text(struct domctl *d, const char *text, int timeout_ms)
{
	static char buf[65536];
	size_t len = 0;

	buf[0] = '\0';
	for (;;) {
		struct domctl_event ev;

		if (domctl_next_event(d, &ev, timeout_ms))
			return false;
		for (size_t i = 0; ev.kind == DOMCTL_EVENT_CONSOLE &&
		     i < ev.len; i++) {
			if (len + 1 >= sizeof(buf))
				len = 0;
			buf[len++] = (char)ev.data[i];
		}
		buf[len] = '\0';
		domctl_event_free(&ev);
		if (strstr(buf, "FAIL"))
			return false;
		if (strstr(buf, text))
			return true;
	}
}

struct recv_job {
	struct domctl *d;
	struct mig_transport *t;
	int ret;
};

static void *recv_main(void *arg)
{
	struct recv_job *j = arg;
	struct mig_recv_params p = { .log = &quiet, .name = "dst" };

	j->ret = mig_recv(j->d, &p, j->t, NULL);
	return NULL;
}

static void one(const char *build, const char *dir, const char *label,
		const char *cmdline, unsigned int n, int zstd,
		unsigned int downtime_ms)
{
	char hvdomain[300], kernel[300];
	const char *src_args[] = { "--vcpus", "1", "--memory", "1G",
		"--uuid", UUID, "--kernel", kernel, "--cmdline", cmdline,
		"--start", NULL };
	const char *dst_args[] = { "--vcpus", "1", "--memory", "1G",
		"--uuid", UUID, "--incoming", NULL };
	struct side src = { 0 }, dst = { 0 };
	struct domctl *dcon = NULL;
	struct mig_transport *ts = NULL, *td = NULL;
	struct mig_params p = { .max_downtime_ms = downtime_ms,
		.zstd_level = zstd, .no_compress = !zstd, .epoch = 1,
		.log = &quiet, .name = "src" };
	struct mig_stats st;
	struct recv_job job = { 0 };
	int fds[4][2], s[4], d[4], ret;
	pthread_t th;
	bool ok = false;
	char err[256];

	snprintf(hvdomain, sizeof(hvdomain), "%s/bin/hvdomain", build);
	snprintf(kernel, sizeof(kernel), "build/guests/dirtier.elf");
	if (start(&src, hvdomain, dir, "src", src_args) ||
	    start(&dst, hvdomain, dir, "dst", dst_args)) {
		fprintf(stderr, "%s: cannot start the domains\n", label);
		goto out;
	}
	if (domctl_console_subscribe(src.p.d, true, true, NULL) ||
	    !wait_text(src.p.d, "tick 10 ", 120000) ||
	    domctl_connect(&dcon, dst.sock, "bench", err, sizeof(err)) ||
	    domctl_console_subscribe(dcon, true, false, NULL)) {
		fprintf(stderr, "%s: the guest did not start\n", label);
		goto out;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
			       fds[i]))
			goto out;
		s[i] = fds[i][0];
		d[i] = fds[i][1];
	}
	if (mig_xport_fd_create(&ts, s, n, true) ||
	    mig_xport_fd_create(&td, d, n, true))
		goto out_fds;
	job.d = dst.p.d;
	job.t = td;
	if (pthread_create(&th, NULL, recv_main, &job))
		goto out_fds;
	ret = mig_send(src.p.d, &p, ts, &st, NULL, NULL, NULL);
	pthread_join(th, NULL);
	/* the guest goes on at the destination and verifies its pages */
	ok = !ret && !job.ret && wait_text(dcon, "tick ", 20000) &&
	     wait_text(dcon, "tick ", 20000);
	printf("%-6s %3u %4s %9.1f %8.1f %9.2f %6llu %9.1f %8llu %7llu "
	       "%8.1f %4u%% %s\n", label, n, zstd ? "zstd" : "none",
	       st.total_us / 1e3, st.setup_us / 1e3, st.downtime_us / 1e3,
	       (unsigned long long)st.rounds, st.wire_bytes / 1048576.0,
	       (unsigned long long)st.pages_sent,
	       (unsigned long long)st.zero_pages,
	       st.total_us ? st.wire_bytes / 1048576.0 /
	       (st.total_us / 1e6) : 0.0, st.throttle_pct,
	       ok ? "yes" : (ret ? "send failed" : "NO"));
	fflush(stdout);
out_fds:
	mig_transport_destroy(ts);
	mig_transport_destroy(td);
	for (unsigned int i = 0; i < n; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
out:
	if (dcon)
		domctl_close(dcon);
	finish(&dst);
	finish(&src);
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build/rel";
	unsigned int downtime = argc > 2 ? (unsigned int)atoi(argv[2]) : 0;
	static const struct { const char *label, *cmdline; } guests[] = {
		{ "idle", "ws=64M ticks=0 tick_ms=20 rate=10" },
		{ "hot", "ws=64M ticks=0 tick_ms=20" },
	};
	static const unsigned int chans[] = { 1, 2, 4 };
	char dir[] = "/tmp/hv-bench-mig.XXXXXX";

	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	printf("live migration, dirtier with 1 GiB RAM and a 64 MiB working "
	       "set, local socketpairs, max downtime %u ms\n",
	       downtime ? downtime : MIG_DEFAULT_DOWNTIME_MS);
	printf("%-6s %3s %4s %9s %8s %9s %6s %9s %8s %7s %8s %5s %s\n",
	       "guest", "ch", "zstd", "total ms", "setup", "downtime", "rounds",
	       "wire MiB", "pages", "zero", "MiB/s", "thr", "verified");
	for (size_t g = 0; g < sizeof(guests) / sizeof(guests[0]); g++)
		for (size_t c = 0; c < sizeof(chans) / sizeof(chans[0]); c++)
			for (int z = 0; z <= 1; z++)
				one(build, dir, guests[g].label,
				    guests[g].cmdline, chans[c], z, downtime);
	rmdir(dir);
	return 0;
}
