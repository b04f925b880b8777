// SPDX-License-Identifier: MIT
/* Running a real hvdomain in tests: see hvdomain_fixture.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "hvdomain_fixture.h"

static char build_dir[256] = "build/rel";
static char bin_path[300], guest_path[300];

void hvd_fixture_init(const char *argv0)
{
	const char *cut = strstr(argv0, "/tests/unit/");

	if (cut && (size_t)(cut - argv0) < sizeof(build_dir))
		snprintf(build_dir, sizeof(build_dir), "%.*s",
			 (int)(cut - argv0), argv0);
	snprintf(bin_path, sizeof(bin_path), "%s/bin/hvdomain", build_dir);
	signal(SIGPIPE, SIG_IGN);
}

const char *hvd_binary(void)
{
	return bin_path;
}

const char *hvd_guest(const char *name)
{
	snprintf(guest_path, sizeof(guest_path), "build/guests/%s.elf", name);
	return guest_path;
}

/*
 * Started and not reaped, for hvd_kill_all: copies, since a failed test
 * leaves its stack (and the struct hvd_proc on it) behind.
 */
#define LIVE_MAX 32
static struct hvd_proc live[LIVE_MAX];

static void track(const struct hvd_proc *p, bool on)
{
	for (size_t i = 0; i < LIVE_MAX; i++) {
		if (on && live[i].pid <= 0) {
			live[i] = *p;
			return;
		}
		if (!on && live[i].pid == p->pid)
			live[i].pid = 0;
	}
}

int hvd_kill_all(void **state)
{
	(void)state;
	for (size_t i = 0; i < LIVE_MAX; i++) {
		if (live[i].pid > 0) {
			struct hvd_proc p = live[i];

			hvd_kill(&p);	/* untracks, removes its directory */
		}
	}
	return 0;
}

int hvd_spawn(struct hvd_proc *p, const char *const *args)
{
	const char *argv[40];
	char fdarg[16];
	size_t n = 0;
	int pipefd[2];
	char buf[8];
	ssize_t got;

	memset(p, 0, sizeof(*p));
	snprintf(p->dir, sizeof(p->dir), "/tmp/hvd-test.XXXXXX");
	if (!mkdtemp(p->dir))
		return -1;
	snprintf(p->sock, sizeof(p->sock), "%s/dom.sock", p->dir);
	snprintf(p->log, sizeof(p->log), "%s/stderr", p->dir);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	snprintf(fdarg, sizeof(fdarg), "%d", pipefd[1]);
	argv[n++] = bin_path;
	argv[n++] = "--socket";
	argv[n++] = p->sock;
	argv[n++] = "--ready-fd";
	argv[n++] = fdarg;
	for (; args && *args && n < 38; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	p->pid = fork();
	if (p->pid == 0) {
		int fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0)
			dup2(fd, 2);
		fcntl(pipefd[1], F_SETFD, 0);
		execv(bin_path, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	do {
		got = read(pipefd[0], buf, sizeof(buf));
	} while (got < 0 && errno == EINTR);
	close(pipefd[0]);
	if (got == 6 && !memcmp(buf, "ready\n", 6)) {
		track(p, true);
		return 0;
	}
	waitpid(p->pid, &p->status, 0);
	p->reaped = true;
	return -1;
}

struct domctl *hvd_connect(struct hvd_proc *p)
{
	struct domctl *d = NULL;
	char err[256];

	if (domctl_connect(&d, p->sock, "test", err, sizeof(err))) {
		fprintf(stderr, "connect %s: %s\n", p->sock, err);
		return NULL;
	}
	domctl_set_timeout(d, 20000);
	return d;
}

static void remove_dir(struct hvd_proc *p)
{
	char cmd[300];

	if (!p->dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
	if (system(cmd)) {
		/* a leftover temp dir is not worth failing for */
	}
	p->dir[0] = '\0';
}

/* Waits for @p to exit, at most @ms (pidfd: no polling loop). */
static bool wait_exit(struct hvd_proc *p, int ms)
{
	int pfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	struct pollfd pl = { pfd, POLLIN, 0 };

	if (pfd >= 0) {
		poll(&pl, 1, ms);
		close(pfd);
	}
	if (waitpid(p->pid, &p->status, pfd >= 0 ? WNOHANG : 0) == p->pid)
		p->reaped = true;
	return p->reaped;
}

int hvd_reap(struct hvd_proc *p, int timeout_s)
{
	if (!p->reaped && p->pid > 0 && !wait_exit(p, timeout_s * 1000)) {
		kill(p->pid, SIGKILL);
		wait_exit(p, 5000);
	}
	track(p, false);
	remove_dir(p);
	return p->status;
}

void hvd_kill(struct hvd_proc *p)
{
	if (p->pid > 0 && !p->reaped)
		kill(p->pid, SIGKILL);
	hvd_reap(p, 5);
}

/*
 * State events met while waiting for console text, kept for
 * hvd_wait_state (tests are single-threaded; a few connections at once).
 */
#define STASH 16
static struct {
	const struct domctl *d;
	struct domctl_status st;
} stash[STASH];

static void stash_state(const struct domctl *d, const struct domctl_status *st)
{
	for (size_t i = 0; i < STASH; i++) {
		if (!stash[i].d) {
			stash[i].d = d;
			stash[i].st = *st;
			return;
		}
	}
}

static bool unstash_state(const struct domctl *d, enum domctl_state state,
			  struct domctl_status *st)
{
	bool found = false;

	for (size_t i = 0; i < STASH; i++) {
		if (stash[i].d != d)
			continue;
		if (!found && stash[i].st.state == state) {
			found = true;
			if (st)
				*st = stash[i].st;
		}
		stash[i].d = NULL;	/* older states are gone too */
	}
	return found;
}

bool hvd_wait_console(struct domctl *d, const char *text, int timeout_ms,
		      char *out, size_t cap)
{
	struct timespec t0, t;
	size_t len = 0;
	int ret;

	out[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct domctl_event ev;
		long left;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = timeout_ms - ((t.tv_sec - t0.tv_sec) * 1000 +
				     (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return false;
		ret = domctl_next_event(d, &ev, (int)left);
		if (ret) {
			fprintf(stderr, "waiting for \"%s\": %s (%s)\n", text,
				strerror(-ret), domctl_error(d));
			return false;
		}
		if (ev.kind == DOMCTL_EVENT_CONSOLE) {
			for (size_t i = 0; i < ev.len; i++) {
				if (len + 1 >= cap) {
					memmove(out, out + cap / 2,
						len - cap / 2);
					len -= cap / 2;
				}
				out[len++] = (char)ev.data[i];
			}
			out[len] = '\0';
		} else if (ev.kind == DOMCTL_EVENT_STATE) {
			stash_state(d, &ev.status);
		}
		domctl_event_free(&ev);
		if (strstr(out, text))
			return true;
	}
}

bool hvd_wait_state(struct domctl *d, enum domctl_state state,
		    int timeout_ms, struct domctl_status *st)
{
	if (unstash_state(d, state, st))
		return true;
	for (;;) {
		struct domctl_event ev;

		if (domctl_next_event(d, &ev, timeout_ms))
			return false;
		if (ev.kind == DOMCTL_EVENT_STATE && ev.status.state == state) {
			if (st)
				*st = ev.status;
			return true;
		}
		domctl_event_free(&ev);
	}
}

long hvd_console_drain(struct domctl *d, char *out, size_t cap)
{
	struct domctl_event ev;
	size_t len = strlen(out);
	long last = -1;
	char *line, *nl;

	if (domctl_console_subscribe(d, false, false, NULL) ||
	    domctl_console_subscribe(d, true, false, NULL))
		return -1;
	while (domctl_has_events(d) && domctl_next_event(d, &ev, 0) == 0) {
		if (ev.kind == DOMCTL_EVENT_STATE)
			stash_state(d, &ev.status);
		for (size_t i = 0; i < ev.len && len + 1 < cap; i++)
			out[len++] = (char)ev.data[i];
		out[len] = '\0';
		domctl_event_free(&ev);
	}
	for (line = out; (nl = strchr(line, '\n')); line = nl + 1) {
		char *t = strstr(line, "tick ");

		if (t && t < nl)
			last = strtol(t + 5, NULL, 10);
	}
	return last;
}
