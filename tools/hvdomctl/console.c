// SPDX-License-Identifier: MIT
/*
 * hvdomctl console: stdin to the guest's UART input, its output events to
 * stdout. Input the UART did not accept (its queue is full, or no vCPU
 * runs) is sent again every RETRY_MS: domctl has no "room again" event.
 * Everything else waits in poll() on stdin and the domctl socket.
 *
 * On a terminal the console is interactive: raw mode, so every key
 * (Ctrl-C too) goes to the guest; Ctrl-] detaches and leaves the guest
 * running; SIGTERM, SIGHUP and SIGINT end it with the terminal restored.
 * Over a pipe Ctrl-] is data like any byte, and the end of stdin followed
 * by a quiet guest ends it (--idle).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include "atomic_file.h"
#include "common/raw_term.h"
#include "hvdomctl.h"

#define RETRY_MS	20

struct relay {
	struct domctl *d;
	const struct hv_log *log;
	uint8_t *in;		/* DOMCTL_CONSOLE_MAX bytes from stdin */
	size_t in_len, in_off;	/* in_off: accepted by the guest so far */
	bool in_eof;
	bool interactive;	/* stdin is a terminal, now raw */
	bool detach;		/* Ctrl-] seen: leave once input is fed */
	bool have_next;		/* next is known (else: the first event's) */
	uint64_t next;		/* offset of the next output byte */
	int64_t quiet_since;	/* ms: last output, or all input accepted */
	bool ending;		/* the guest shut down or crashed */
	bool synced;		/* and its last output is here */
	bool done;
	int status;
};

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void finish(struct relay *r, int status)
{
	r->done = true;
	r->status = status;
}

static void output(struct relay *r, const struct domctl_event *ev)
{
	const uint8_t *data = ev->data;
	size_t len = ev->len;
	int ret;

	if (r->have_next && ev->offset > r->next)
		log_warn(r->log, "console: %llu bytes of output lost",
			 (unsigned long long)(ev->offset - r->next));
	if (r->have_next && ev->offset < r->next) {
		uint64_t dup = r->next - ev->offset;	/* already printed */

		if (dup >= len)
			return;
		data += dup;
		len -= dup;
	}
	r->have_next = true;
	r->next = ev->offset + ev->len;
	r->quiet_since = now_ms();
	ret = write_full(STDOUT_FILENO, data, len);
	if (ret) {
		log_err(r->log, "console: stdout: %s", strerror(-ret));
		finish(r, HVDOMCTL_FAILED);
	}
}

static void state(struct relay *r, const struct domctl_status *st)
{
	if (r->ending)
		return;
	if (st->state == DOMCTL_STATE_SHUTDOWN) {
		log_info(r->log, "console: the guest %s (code %d)",
			 st->reason == DOMCTL_REASON_REBOOT ? "rebooted" :
			 "powered off", st->code);
		r->ending = true;
		r->status = HVDOMCTL_OK;
	} else if (st->state == DOMCTL_STATE_CRASHED) {
		log_err(r->log, "console: the guest crashed (code %d)",
			st->code);
		r->ending = true;
		r->status = HVDOMCTL_FAILED;
	}
}

/*
 * The guest stopped, but the output it wrote before may still come after
 * the state event. A request made now is answered after it: once the
 * reply came, every byte is here (queued for domctl_next_event).
 */
static void last_output(struct relay *r)
{
	struct domctl_status st;

	if (domctl_get_state(r->d, &st))
		log_warn(r->log, "console: the end of the output may be "
			 "missing: %s", domctl_error(r->d));
	r->synced = true;
}

/* Handles every event that already arrived. */
static void events(struct relay *r)
{
	struct domctl_event ev;
	int ret;

	while (!r->done) {
		ret = domctl_next_event(r->d, &ev, 0);
		if (ret == -ETIMEDOUT && r->ending && !r->synced) {
			last_output(r);
			continue;
		}
		if (ret == -ETIMEDOUT) {
			if (r->ending)
				finish(r, r->status);
			return;
		}
		if (ret && r->ending) {
			finish(r, r->status);	/* destroyed after the end */
			return;
		}
		if (ret) {
			log_err(r->log, "console: %s", ret == -ECONNRESET ?
				"the domain closed the connection (destroyed "
				"or gone)" : strerror(-ret));
			finish(r, HVDOMCTL_FAILED);
			return;
		}
		if (ev.kind == DOMCTL_EVENT_CONSOLE)
			output(r, &ev);
		else if (ev.kind == DOMCTL_EVENT_STATE)
			state(r, &ev.status);
		domctl_event_free(&ev);
	}
}

/* Offers the guest what it has not accepted yet. */
static void feed(struct relay *r)
{
	size_t accepted = 0;
	int ret;

	ret = domctl_console_write(r->d, r->in + r->in_off,
				   r->in_len - r->in_off, &accepted);
	if (ret) {
		log_err(r->log, "console: write: %s", *domctl_error(r->d) ?
			domctl_error(r->d) : strerror(-ret));
		finish(r, HVDOMCTL_FAILED);
		return;
	}
	r->in_off += accepted;
	if (r->in_off == r->in_len) {
		r->in_off = r->in_len = 0;
		r->quiet_since = now_ms();
	}
}

static void read_stdin(struct relay *r)
{
	ssize_t n = read(STDIN_FILENO, r->in, DOMCTL_CONSOLE_MAX);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (n < 0)
			log_err(r->log, "console: stdin: %s", strerror(errno));
		r->in_eof = true;
		r->quiet_since = now_ms();
		return;
	}
	r->in_len = (size_t)n;
	r->in_off = 0;
	if (r->interactive) {
		r->in_len = raw_term_before_escape(r->in, (size_t)n);
		r->detach = r->in_len < (size_t)n;
	}
}

/* How long poll may wait: -1 (for ever) unless input or the end waits. */
static int next_wait(const struct relay *r, int idle_ms)
{
	int64_t left;

	if (domctl_has_events(r->d))
		return 0;
	if (r->in_len)
		return RETRY_MS;
	if (!r->in_eof)
		return -1;
	left = r->quiet_since + idle_ms - now_ms();
	return left > 0 ? (int)left : 0;
}

/* On a terminal: raw mode, and the signals that would end the console
 * arrive on a signalfd so the terminal is put back. */
static int interactive_begin(struct relay *r, struct raw_term *t,
			     sigset_t *old)
{
	sigset_t set;
	int fd;

	if (raw_term_enter(t, STDIN_FILENO))
		return -1;
	r->interactive = true;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, old);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		/* the signals end hvdomctl as usual, raw terminal and all */
		log_warn(r->log, "console: signalfd: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, old, NULL);
	}
	fprintf(stderr, "[console of %s: Ctrl-] detaches]\r\n",
		*domctl_info(r->d)->name ? domctl_info(r->d)->name : "domain");
	return fd;
}

static void interactive_end(struct relay *r, struct raw_term *t,
			    const sigset_t *old, int sig_fd)
{
	if (!r->interactive)
		return;
	raw_term_leave(t);
	if (sig_fd >= 0)
		close(sig_fd);
	sigprocmask(SIG_SETMASK, old, NULL);
	if (r->detach)
		fprintf(stderr, "\n[detached; the guest goes on running]\n");
}

int hvdomctl_console(struct domctl *d, bool replay, int idle_ms,
		     const struct hv_log *log)
{
	struct relay r = { .d = d, .log = log, .have_next = !replay };
	struct raw_term term = { .active = false };
	struct pollfd p[3];
	sigset_t old_mask;
	int ret, n, sig_fd;

	r.in = malloc(DOMCTL_CONSOLE_MAX);
	if (!r.in) {
		log_err(log, "console: out of memory");
		return HVDOMCTL_FAILED;
	}
	ret = domctl_console_subscribe(d, true, replay, &r.next);
	if (ret) {
		log_err(log, "console: subscribe: %s", *domctl_error(d) ?
			domctl_error(d) : strerror(-ret));
		free(r.in);
		return HVDOMCTL_FAILED;
	}
	sig_fd = interactive_begin(&r, &term, &old_mask);
	for (;;) {
		events(&r);
		if (!r.done && r.in_len)
			feed(&r);
		if (r.done)
			break;
		if (r.detach && !r.in_len) {
			finish(&r, HVDOMCTL_OK);
			break;
		}
		if (r.in_eof && !r.in_len &&
		    now_ms() - r.quiet_since >= idle_ms) {
			finish(&r, HVDOMCTL_OK);
			break;
		}
		p[0] = (struct pollfd){ .fd = domctl_fd(d), .events = POLLIN };
		p[1] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		n = poll(p, r.in_eof || r.in_len || r.detach ? 2 : 3,
			 next_wait(&r, idle_ms));
		if (n < 0 && errno != EINTR) {
			log_err(log, "console: poll: %s", strerror(errno));
			finish(&r, HVDOMCTL_FAILED);
			break;
		}
		if (n > 0 && p[1].revents) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
				finish(&r, 128 + (int)si.ssi_signo);
				break;
			}
		}
		if (n > 0 && !r.in_eof && !r.in_len && !r.detach &&
		    p[2].revents)
			read_stdin(&r);
	}
	interactive_end(&r, &term, &old_mask, sig_fd);
	free(r.in);
	return r.status;
}
