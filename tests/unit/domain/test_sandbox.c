// SPDX-License-Identifier: MIT
/*
 * The domain sandbox. Every sandbox is entered in a forked child, since it
 * cannot be left again; the child reports through a pipe that it keeps as
 * its log descriptor, and the parent judges its wait status and that log:
 * allowed work (threads, condvars, allocation, pipes, clocks, epoll) ends
 * in exit 0, every forbidden call in SIGSYS plus a line naming the call.
 * Also: the privilege drop (when run as root), which descriptors survive
 * (by close_range, /proc/self/fd, and brute force), and the wording of
 * sandbox_explain_status().
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "domain/sandbox.h"

/* In a child: the pipe to the parent. */
static int child_log = -1;

/* In a child: a failed check is logged with its line, and the child exits. */
#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond))                                               \
			child_fail(__LINE__, #cond);                       \
	} while (0)

static void __attribute__((noreturn)) child_fail(int line, const char *what)
{
	dprintf(child_log, "check failed at line %d: %s (errno %d)\n", line,
		what, errno);
	_exit(1);
}

struct child_result {
	int status;
	char log[8192];
};

/*
 * Runs @fn in a fresh child with child_log set to a pipe, collects what
 * the child wrote to it until the child (and every copy of the pipe) is
 * gone, and its wait status. @fn returning means success (exit 0).
 */
static void run_child(void (*fn)(void), struct child_result *res)
{
	size_t used = 0;
	int pfd[2];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		child_log = pfd[1];
		fn();
		_exit(0);
	}
	close(pfd[1]);
	for (;;) {
		ssize_t n = read(pfd[0], res->log + used,
				 sizeof(res->log) - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used == sizeof(res->log) - 1) {
			char drain[512];

			/* keep the child from blocking on a full pipe */
			while (read(pfd[0], drain, sizeof(drain)) > 0)
				;
			break;
		}
	}
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &res->status, 0), pid);
}

static void expect_exit0(const struct child_result *res)
{
	char why[128];

	sandbox_explain_status(res->status, why, sizeof(why));
	if (!WIFEXITED(res->status) || WEXITSTATUS(res->status) != 0)
		fail_msg("child %s; its log: %s", why, res->log);
}

/* The sandbox a domain gets, with stderr kept for ASan's reports. */
static void enter(void)
{
	const int keep[] = { STDERR_FILENO, child_log };
	const struct sandbox_config cfg = {
		.user = NULL,
		.keep_fds = keep,
		.n_keep_fds = 2,
		.log_fd = child_log,
		.profile = SANDBOX_PROFILE_DOMAIN,
	};

	CHECK(sandbox_enter(&cfg) == 0);
}

/* --- allowed work --- */

struct shared {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stage;
	int pipe_w;
};

static void *worker(void *arg)
{
	struct shared *s = arg;
	const char byte = 'x';

	CHECK(prctl(PR_SET_NAME, "vcpu0", 0, 0, 0) == 0);
	pthread_mutex_lock(&s->lock);
	while (s->stage == 0)
		pthread_cond_wait(&s->cond, &s->lock);
	s->stage = 2;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	CHECK(write(s->pipe_w, &byte, 1) == 1);
	return NULL;
}

static void do_allowed(void)
{
	pthread_condattr_t ca;
	struct shared s = { .stage = 0 };
	struct epoll_event ev = { .events = EPOLLIN }, got;
	struct timespec now, deadline;
	pthread_t threads[4];
	char *small, *big;
	int pfd[2], efd, ep, i;
	uint64_t one = 1;
	char byte;

	enter();

	/* glibc's pthread_create tries clone3 first: it must see ENOSYS */
	errno = 0;
	CHECK(syscall(SYS_clone3, NULL, 0) == -1 && errno == ENOSYS);

	CHECK(pipe2(pfd, O_CLOEXEC) == 0);
	s.pipe_w = pfd[1];
	CHECK(pthread_mutex_init(&s.lock, NULL) == 0);
	CHECK(pthread_condattr_init(&ca) == 0);
	CHECK(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0);
	CHECK(pthread_cond_init(&s.cond, &ca) == 0);
	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&threads[i], NULL, worker, &s) == 0);

	/* a timed condvar wait that times out, then a real hand-off */
	CHECK(clock_gettime(CLOCK_MONOTONIC, &deadline) == 0);
	deadline.tv_nsec += 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s.lock);
	CHECK(pthread_cond_timedwait(&s.cond, &s.lock, &deadline) ==
	      ETIMEDOUT);
	s.stage = 1;
	pthread_cond_broadcast(&s.cond);
	while (s.stage != 2)
		pthread_cond_wait(&s.cond, &s.lock);
	pthread_mutex_unlock(&s.lock);
	for (i = 0; i < 4; i++)
		CHECK(pthread_join(threads[i], NULL) == 0);
	for (i = 0; i < 4; i++)
		CHECK(read(pfd[0], &byte, 1) == 1 && byte == 'x');

	/* small and large allocations, growth by mremap */
	small = malloc(100);
	big = malloc(64 << 20);
	CHECK(small && big);
	memset(big, 1, 64 << 20);
	big = realloc(big, 128 << 20);
	CHECK(big && big[(64 << 20) - 1] == 1);
	free(big);
	free(small);

	/* clocks: the vDSO and the system calls behind it; sleeps */
	CHECK(clock_gettime(CLOCK_REALTIME, &now) == 0);
	CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now) == 0);
	CHECK(nanosleep(&(struct timespec){ 0, 100000 }, NULL) == 0);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0,
			      &(struct timespec){ 0, 100000 }, NULL) == 0);
	sched_yield();

	/* the domctl loop's tools: eventfd, epoll, fstat of a descriptor */
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(efd >= 0 && ep >= 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0);
	CHECK(write(efd, &one, sizeof(one)) == sizeof(one));
	CHECK(epoll_wait(ep, &got, 1, 1000) == 1);
	CHECK(fcntl(efd, F_GETFL) & O_NONBLOCK);
	{
		struct stat st;

		CHECK(fstat(pfd[0], &st) == 0 && S_ISFIFO(st.st_mode));
	}
	close(ep);
	close(efd);
	close(pfd[0]);
	close(pfd[1]);

	/* logs go to stderr */
	fprintf(stderr, "sandboxed child: all allowed work done\n");
}

static void test_allowed_work_exits_0(void **state)
{
	struct child_result res;

	run_child(do_allowed, &res);
	expect_exit0(&res);
	assert_string_equal(res.log, "");
}

/* A thread that existed before the filter is under it too (TSYNC). */
static void *early_thread(void *arg)
{
	int *go = arg;

	while (!__atomic_load_n(go, __ATOMIC_ACQUIRE))
		sched_yield();
	syscall(SYS_getppid);
	return NULL;
}

static void do_early_thread_violates(void)
{
	static int go;
	pthread_t t;

	CHECK(pthread_create(&t, NULL, early_thread, &go) == 0);
	enter();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
}

/* --- forbidden calls --- */

static void do_open(void)
{
	enter();
	open("/etc/passwd", O_RDONLY);
}

static void do_socket(void)
{
	enter();
	socket(AF_INET, SOCK_STREAM, 0);
}

static void do_fork(void)
{
	enter();
	fork();
}

static void do_execve(void)
{
	char *const argv[] = { "true", NULL };

	enter();
	execve("/bin/true", argv, environ);
}

static void do_kill_parent(void)
{
	pid_t parent = getppid();

	enter();
	kill(parent, SIGTERM);
}

static void do_tgkill_parent(void)
{
	pid_t parent = getppid();

	enter();
	syscall(SYS_tgkill, parent, parent, SIGTERM);
}

static void do_ptrace(void)
{
	enter();
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}

static void do_setuid(void)
{
	enter();
	setuid(0);
}

static void do_exec_mapping(void)
{
	enter();
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	     -1, 0);
}

static void do_prctl_dumpable(void)
{
	enter();
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

static void do_connect(void)
{
	struct sockaddr sa = { .sa_family = AF_UNIX };

	enter();
	connect(child_log, &sa, sizeof(sa));
}

static void do_process_clone(void)
{
	enter();
	/* a thread's flags without CLONE_THREAD: a process sharing memory */
	syscall(SYS_clone, CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD, NULL,
		NULL, NULL, 0);
}

static void do_truncated_signal_number(void)
{
	enter();
	/* the kernel reads an int: 0x1_0000001f would be SIGSYS */
	syscall(SYS_rt_sigaction, (1ULL << 32) | SIGSYS, NULL, NULL, 8);
}

static void expect_violation(void (*fn)(void), const char *name)
{
	struct child_result res;
	char why[128], want[160];
	int nr = seccomp_syscall_resolve_name(name);

	assert_true(nr >= 0);
	run_child(fn, &res);
	assert_int_equal(sandbox_explain_status(res.status, why, sizeof(why)),
			 1);
	if (!WIFSIGNALED(res.status) || WTERMSIG(res.status) != SIGSYS)
		fail_msg("%s: child %s; its log: %s", name, why, res.log);
	assert_non_null(strstr(why, "seccomp (SIGSYS)"));
	snprintf(want, sizeof(want),
		 "%s: forbidden system call %d (%s)\n",
		 program_invocation_short_name, nr, name);
	assert_string_equal(res.log, want);
}

static void test_forbidden_calls_kill_and_report(void **state)
{
	expect_violation(do_open, "openat");
	expect_violation(do_socket, "socket");
	expect_violation(do_fork, "clone");
	expect_violation(do_execve, "execve");
	expect_violation(do_kill_parent, "kill");
	expect_violation(do_tgkill_parent, "tgkill");
	expect_violation(do_ptrace, "ptrace");
	expect_violation(do_setuid, "setuid");
	expect_violation(do_exec_mapping, "mmap");
	expect_violation(do_prctl_dumpable, "prctl");
	expect_violation(do_connect, "connect");
	expect_violation(do_process_clone, "clone");
	expect_violation(do_truncated_signal_number, "rt_sigaction");
	expect_violation(do_early_thread_violates, "getppid");
}

#ifdef __x86_64__
static long i386_getpid(void)
{
	long ret = 20; /* getpid in the i386 table */

	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	return ret;
}

static void do_i386_getpid_unsandboxed(void)
{
	CHECK(i386_getpid() == getpid());
}

static void do_i386_getpid(void)
{
	enter();
	i386_getpid();
}

static void do_x32_getpid(void)
{
	enter();
	syscall(0x40000000 | SYS_getpid);
}

/*
 * int 0x80 reaches the i386 table and bit 30 the x32 one, which a native
 * list does not cover: both trapped.
 */
static void test_foreign_abi_is_trapped(void **state)
{
	struct child_result res;
	char want[160];

	run_child(do_x32_getpid, &res);
	assert_true(WIFSIGNALED(res.status));
	assert_int_equal(WTERMSIG(res.status), SIGSYS);
	snprintf(want, sizeof(want), "%s: forbidden system call %d\n",
		 program_invocation_short_name, 0x40000000 | SYS_getpid);
	assert_string_equal(res.log, want);

	run_child(do_i386_getpid_unsandboxed, &res);
	if (!WIFEXITED(res.status) || WEXITSTATUS(res.status) != 0)
		skip(); /* a kernel without ia32 emulation */
	run_child(do_i386_getpid, &res);
	assert_true(WIFSIGNALED(res.status));
	assert_int_equal(WTERMSIG(res.status), SIGSYS);
	snprintf(want, sizeof(want),
		 "%s: forbidden system call 20 (foreign ABI, arch 0x%x)\n",
		 program_invocation_short_name, SCMP_ARCH_X86);
	assert_string_equal(res.log, want);
}
#endif

/* Taking SIGSYS over is killed outright: no report, still SIGSYS. */
static void do_ignore_sigsys(void)
{
	enter();
	signal(SIGSYS, SIG_IGN);
	CHECK(!"signal(SIGSYS) returned");
}

/* A blocked SIGSYS cannot hide a violation either. */
static void do_block_sigsys_then_violate(void)
{
	sigset_t set;

	enter();
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	syscall(SYS_getppid);
	CHECK(!"getppid returned");
}

static void test_sigsys_cannot_be_taken_over(void **state)
{
	struct child_result res;

	run_child(do_ignore_sigsys, &res);
	assert_true(WIFSIGNALED(res.status));
	assert_int_equal(WTERMSIG(res.status), SIGSYS);
	assert_string_equal(res.log, "");

	run_child(do_block_sigsys_then_violate, &res);
	assert_true(WIFSIGNALED(res.status));
	assert_int_equal(WTERMSIG(res.status), SIGSYS);
	assert_string_equal(res.log, "");
}

static void do_install_twice(void)
{
	enter();
	CHECK(sandbox_install_seccomp(SANDBOX_PROFILE_DOMAIN, child_log) ==
	      -EALREADY);
}

static void test_install_twice_is_refused(void **state)
{
	struct child_result res;

	run_child(do_install_twice, &res);
	expect_exit0(&res);
}

#ifdef __SANITIZE_ADDRESS__
/*
 * Sanitizer builds: a report from inside the sandbox must come out whole
 * (ASan's symbolizer and UBSan's module lookup fail quietly instead of
 * being trapped), and a clean exit must not die in LeakSanitizer.
 */
static void do_asan_report(void)
{
	volatile char *volatile p;

	CHECK(dup2(child_log, STDERR_FILENO) == STDERR_FILENO);
	enter();
	p = malloc(8);
	p[8] = 1;
	CHECK(!"no ASan report");
}

static void do_ubsan_report(void)
{
	volatile int one = 1, x = INT32_MAX;

	CHECK(dup2(child_log, STDERR_FILENO) == STDERR_FILENO);
	enter();
	x = x + one;
	CHECK(!"no UBSan report");
}

static void *volatile leak_sink;

static void do_leak_then_exit(void)
{
	enter();
	leak_sink = malloc(32);
	leak_sink = NULL;
	exit(0);
}

static void test_sanitizers_inside_sandbox(void **state)
{
	struct child_result res;

	run_child(do_asan_report, &res);
	assert_true(WIFEXITED(res.status));
	assert_int_equal(WEXITSTATUS(res.status), 1);
	assert_non_null(strstr(res.log, "heap-buffer-overflow"));
	assert_non_null(strstr(res.log, "SUMMARY: AddressSanitizer"));
	assert_null(strstr(res.log, "forbidden system call"));

	run_child(do_ubsan_report, &res);
	assert_true(WIFEXITED(res.status));
	assert_int_equal(WEXITSTATUS(res.status), 1);
	assert_non_null(strstr(res.log, "runtime error: signed integer"));
	assert_null(strstr(res.log, "forbidden system call"));

	run_child(do_leak_then_exit, &res);
	expect_exit0(&res);
}
#endif

/* --- privileges --- */

static void do_drop_as_root(void)
{
	struct passwd *pw = getpwnam("hv");
	uid_t want;

	if (!pw)
		pw = getpwnam("nobody");
	CHECK(pw);
	want = pw->pw_uid;

	CHECK(sandbox_drop_privileges(NULL) == 0);
	CHECK(getuid() == want && geteuid() == want);
	CHECK(getgid() != 0 && getegid() != 0);
	CHECK(getgroups(0, NULL) == 0);
	CHECK(setuid(0) == -1 && errno == EPERM);
	CHECK(setgid(0) == -1 && errno == EPERM);
	CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
}

static void do_bad_users(void)
{
	CHECK(sandbox_drop_privileges("root") == -EINVAL);
	CHECK(sandbox_drop_privileges("no-such-user-for-hv") == -ENOENT);
	CHECK(getuid() == 0);
}

static void do_drop_unprivileged(void)
{
	uid_t uid = getuid();

	CHECK(sandbox_drop_privileges(NULL) == 0);
	CHECK(getuid() == uid);
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
}

static void test_privileges(void **state)
{
	struct child_result res;

	if (geteuid() != 0) {
		run_child(do_drop_unprivileged, &res);
		expect_exit0(&res);
		skip(); /* the root part needs root */
	}
	run_child(do_drop_as_root, &res);
	expect_exit0(&res);
	run_child(do_bad_users, &res);
	expect_exit0(&res);
}

/* --- descriptors --- */

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static bool is_dev_null(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	       st.st_rdev == makedev(1, 3);
}

/*
 * Opens descriptors around the kept ones (below, between, above, far
 * above), closes all but the log and 200 (and 0-2 if @keep_std), and
 * checks what is left.
 */
static void close_fds_and_check(bool keep_std)
{
	int keep[6] = { 200, child_log, 200, 0, 1, 2 };
	size_t n = 3;
	int fds[4], i;

	CHECK(dup2(child_log, 200) == 200);
	CHECK(dup2(child_log, 1000) == 1000);
	for (i = 0; i < 4; i++)
		CHECK((fds[i] = dup(child_log)) >= 0);
	if (keep_std)
		n = 6;
	CHECK(sandbox_close_fds(keep, n) == 0);
	CHECK(is_open(child_log) && is_open(200));
	CHECK(!is_open(1000));
	for (i = 0; i < 4; i++)
		CHECK(fds[i] == child_log || fds[i] == 200 || !is_open(fds[i]));
	if (!keep_std)
		CHECK(is_dev_null(0) && is_dev_null(1) && is_dev_null(2));
	CHECK(!is_dev_null(child_log));
}

static void do_close_fds(void)
{
	const int bad[] = { 3, -1 };

	CHECK(sandbox_close_fds(bad, 2) == -EINVAL);
	close_fds_and_check(false);
}

/* A filter of our own that makes the fallbacks run. */
static void deny_for_test(const char *const *names, size_t n)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	size_t i;

	CHECK(ctx);
	for (i = 0; i < n; i++)
		CHECK(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       seccomp_syscall_resolve_name(names[i]),
				       0) == 0);
	CHECK(seccomp_load(ctx) == 0);
	seccomp_release(ctx);
}

static void do_close_fds_without_close_range(void)
{
	static const char *const names[] = { "close_range" };

	deny_for_test(names, 1);
	close_fds_and_check(false);
}

static void do_close_fds_without_proc(void)
{
	static const char *const names[] = { "close_range", "openat", "open" };

	/* 0-2 kept: opening /dev/null would fail here */
	deny_for_test(names, 3);
	CHECK(open("/proc/self/fd", O_RDONLY) < 0);
	close_fds_and_check(true);
}

static void test_close_fds(void **state)
{
	struct child_result res;

	run_child(do_close_fds, &res);
	expect_exit0(&res);
	run_child(do_close_fds_without_close_range, &res);
	expect_exit0(&res);
	run_child(do_close_fds_without_proc, &res);
	expect_exit0(&res);
}

static void do_enter_closes(void)
{
	int extra = dup(child_log);

	CHECK(extra >= 0);
	enter();
	CHECK(fcntl(extra, F_GETFD) == -1 && errno == EBADF);
	CHECK(is_open(child_log));
}

static void test_enter_closes_fds(void **state)
{
	struct child_result res;
	const struct sandbox_config cfg = {
		.keep_fds = NULL, .n_keep_fds = 0, .log_fd = 2,
	};

	/* rejected before it does anything, so safe in the test runner */
	assert_int_equal(sandbox_enter(&cfg), -EINVAL);
	run_child(do_enter_closes, &res);
	expect_exit0(&res);
}

/* --- explaining a status --- */

static void test_explain_status(void **state)
{
	char buf[128], tiny[8];

	assert_int_equal(sandbox_explain_status(W_EXITCODE(0, 0), buf,
						sizeof(buf)), 0);
	assert_string_equal(buf, "exited with status 0");
	assert_int_equal(sandbox_explain_status(W_EXITCODE(3, 0), buf,
						sizeof(buf)), 0);
	assert_string_equal(buf, "exited with status 3");
	assert_int_equal(sandbox_explain_status(W_EXITCODE(0, SIGKILL), buf,
						sizeof(buf)), 0);
	assert_string_equal(buf, "killed by signal 9 (SIGKILL)");
	assert_int_equal(sandbox_explain_status(W_EXITCODE(0, SIGSYS), buf,
						sizeof(buf)), 1);
	assert_string_equal(buf, "killed by seccomp (SIGSYS): forbidden "
				 "system call");
	assert_int_equal(sandbox_explain_status(W_EXITCODE(0, SIGSYS) |
						WCOREFLAG, buf, sizeof(buf)),
			 1);
	assert_string_equal(buf, "killed by seccomp (SIGSYS): forbidden "
				 "system call (core dumped)");
	assert_int_equal(sandbox_explain_status(W_EXITCODE(
		SANDBOX_EXIT_VIOLATION, 0), buf, sizeof(buf)), 1);
	assert_int_equal(sandbox_explain_status(W_STOPCODE(SIGSTOP), buf,
						sizeof(buf)), 0);
	assert_string_equal(buf, "stopped by signal 19 (SIGSTOP)");
	assert_int_equal(sandbox_explain_status(W_EXITCODE(0, SIGSYS), tiny,
						sizeof(tiny)), 1);
	assert_string_equal(tiny, "killed ");
	assert_int_equal(sandbox_explain_status(0, NULL, 10), -EINVAL);
	assert_int_equal(sandbox_explain_status(0, buf, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_work_exits_0),
		cmocka_unit_test(test_forbidden_calls_kill_and_report),
#ifdef __x86_64__
		cmocka_unit_test(test_foreign_abi_is_trapped),
#endif
		cmocka_unit_test(test_sigsys_cannot_be_taken_over),
		cmocka_unit_test(test_install_twice_is_refused),
#ifdef __SANITIZE_ADDRESS__
		cmocka_unit_test(test_sanitizers_inside_sandbox),
#endif
		cmocka_unit_test(test_privileges),
		cmocka_unit_test(test_close_fds),
		cmocka_unit_test(test_enter_closes_fds),
		cmocka_unit_test(test_explain_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
