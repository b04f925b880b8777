// SPDX-License-Identifier: MIT
/*
 * fork + exec of hvdomain. Two pipes: the ready pipe, whose write end is
 * hvdomain's --ready-fd ("ready\n" when its socket listens, or EOF when it
 * fails first), and an exec pipe that closes on a successful exec
 * (O_CLOEXEC) or carries exec's errno. Between fork and exec the child
 * makes only async-signal-safe calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "domain_spawn.h"

#define READY_LINE	"ready\n"
#define ARGS_FIXED	6	/* hvdomain --socket S --ready-fd N, NULL */

void domain_wait_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status)) {
		snprintf(buf, len, "exited with status %d",
			 WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status));

		snprintf(buf, len, "killed by signal %d (SIG%s)",
			 WTERMSIG(status), abbrev ? abbrev : "?");
	} else {
		snprintf(buf, len, "ended with wait status 0x%x", status);
	}
}

static int reap(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

void domain_spawn_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	reap(pid);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The child, between fork and exec: never returns. */
static void __attribute__((noreturn)) child(const struct domain_spawn *sp,
					    char *const argv[], int ready_w,
					    int exec_w)
{
	sigset_t none;
	int err, null;

	setsid();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	null = open("/dev/null", O_RDONLY);
	if (null >= 0 && null != STDIN_FILENO) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	if (sp->out_fd >= 0) {
		dup2(sp->out_fd, STDOUT_FILENO);
		dup2(sp->out_fd, STDERR_FILENO);
	}
	/* The ready pipe survives exec; the exec pipe closes with it. */
	if (fcntl(ready_w, F_SETFD, 0) == 0)
		execvp(argv[0], argv);
	err = errno;
	while (write(exec_w, &err, sizeof(err)) < 0 && errno == EINTR)
		;
	_exit(127);
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Reads the ready pipe until "ready\n" (0), EOF (-ECHILD: hvdomain gave
 * up), the deadline (-ETIMEDOUT) or something else (-EPROTO).
 */
static int wait_ready(int fd, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[sizeof(READY_LINE)];
	size_t got = 0;
	ssize_t n;

	while (got < strlen(READY_LINE)) {
		int wait = -1;

		if (timeout_ms > 0) {
			int64_t left = deadline - now_ms();

			wait = left > 0 ? (int)left : 0;
		}
		n = poll(&p, 1, wait);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		n = read(fd, buf + got, strlen(READY_LINE) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return got ? -EPROTO : -ECHILD;
		if (memcmp(buf + got, READY_LINE + got, (size_t)n))
			return -EPROTO;
		got += (size_t)n;
	}
	return 0;
}

/* After the fork: exec's outcome, readiness, the connection. */
static int start(const struct domain_spawn *sp, pid_t pid, int ready_r,
		 int exec_r, struct domctl **d, const struct hv_log *log)
{
	char why[160];
	int err, ret;
	ssize_t n;

	do
		n = read(exec_r, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	if (n == sizeof(err)) {
		reap(pid);
		log_err(log, "cannot run %s: %s", sp->hvdomain, strerror(err));
		return -err;
	}
	ret = wait_ready(ready_r, sp->ready_timeout_ms);
	if (ret == -ECHILD) {
		domain_wait_status(reap(pid), why, sizeof(why));
		log_err(log, "%s (pid %d) %s before it was ready",
			sp->hvdomain, (int)pid, why);
		return ret;
	}
	if (ret) {
		domain_spawn_kill(pid);
		log_err(log, "%s (pid %d): %s; killed it", sp->hvdomain,
			(int)pid, ret == -ETIMEDOUT ? "not ready in time" :
			ret == -EPROTO ? "not \"ready\" on its ready fd" :
			strerror(-ret));
		return ret;
	}
	ret = domctl_connect(d, sp->socket, sp->client, why, sizeof(why));
	if (ret) {
		domain_spawn_kill(pid);
		log_err(log, "%s (pid %d) is ready, but connect: %s; killed "
			"it", sp->hvdomain, (int)pid, *why ? why :
			strerror(-ret));
	}
	return ret;
}

int domain_spawn(const struct domain_spawn *sp, struct domain_proc *out,
		 const struct hv_log *log)
{
	int ready[2] = { -1, -1 }, exec_pipe[2] = { -1, -1 };
	const char **argv = NULL;
	char fdnum[16];
	size_t nargs = 0, i = 0;
	pid_t pid;
	int ret;

	out->pid = -1;
	out->d = NULL;
	while (sp->args && sp->args[nargs])
		nargs++;
	argv = calloc(nargs + ARGS_FIXED, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(exec_pipe, O_CLOEXEC) < 0) {
		ret = -errno;
		log_err(log, "starting %s: pipe: %s", sp->hvdomain,
			strerror(-ret));
		goto out;
	}
	snprintf(fdnum, sizeof(fdnum), "%d", ready[1]);
	argv[i++] = sp->hvdomain;
	argv[i++] = "--socket";
	argv[i++] = sp->socket;
	for (size_t a = 0; a < nargs; a++)
		argv[i++] = sp->args[a];
	argv[i++] = "--ready-fd";
	argv[i++] = fdnum;
	argv[i] = NULL;

	pid = fork();
	if (pid < 0) {
		ret = -errno;
		log_err(log, "starting %s: fork: %s", sp->hvdomain,
			strerror(-ret));
		goto out;
	}
	if (pid == 0)
		child(sp, (char *const *)argv, ready[1], exec_pipe[1]);
	close_fd(&ready[1]);
	close_fd(&exec_pipe[1]);
	ret = start(sp, pid, ready[0], exec_pipe[0], &out->d, log);
	if (!ret)
		out->pid = pid;
out:
	close_fd(&ready[0]);
	close_fd(&ready[1]);
	close_fd(&exec_pipe[0]);
	close_fd(&exec_pipe[1]);
	free(argv);
	return ret;
}
