// SPDX-License-Identifier: MIT
/*
 * The domain sandbox (sandbox.h): descriptors, privileges, and a libseccomp
 * allow-list whose violations are reported before the process dies.
 *
 * How a violation reaches the parent. The filter's default action is TRAP:
 * the call is not made and the calling thread gets SIGSYS, whose handler
 * here writes one line naming the call to the preserved log descriptor and
 * then asks to change SIGSYS's disposition, which the filter answers with
 * KILL_PROCESS. So the parent sees both the message (from the log, with
 * the number and the name) and a death by SIGSYS (from waitpid), which
 * sandbox_explain_status() puts into words. Killing every attempt to touch
 * SIGSYS's handler also stops a compromised process from catching SIGSYS
 * to turn forbidden calls into mere errors. If the handler cannot run (a
 * blocked SIGSYS, a nested violation) the kernel delivers SIGSYS with the
 * default action: no message, same status.
 *
 * Names are looked up with libseccomp before the filter is loaded, into a
 * static table indexed by number: the handler may only use
 * async-signal-safe code, and libseccomp's lookup allocates.
 *
 * Sanitizer builds (ASan detected at compile time) differ in three stated
 * ways, all so that a sanitizer's own report still comes out whole inside
 * the sandbox: two calls its report path makes fail instead of trapping
 * (sanitizer_rules below), a call trapped while ASan is reporting fails
 * with EACCES instead of ending the process, and LeakSanitizer's exit-time
 * check, which needs ptrace, is off once the filter is in.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <ucontext.h>
#include <unistd.h>
#include "domain/sandbox.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN 1
#endif
#endif
#ifdef SANDBOX_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif

/* Names of the native architecture's system calls 0..SYSNAME_MAX-1. */
#define SYSNAME_MAX 512
#define SYSNAME_LEN 32

/* State the SIGSYS handler reads; written once, before the filter. */
static char sysnames[SYSNAME_MAX][SYSNAME_LEN];
static char report_prefix[48];
static int report_fd = STDERR_FILENO;
static uint32_t native_arch;
static volatile sig_atomic_t seccomp_installed;

/* The thread flags pthread_create passes and the ones a thread never has. */
#define THREAD_FLAGS                                                      \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
	 CLONE_SYSVSEM)
#define NOT_THREAD_FLAGS                                                  \
	(CLONE_PARENT | CLONE_PTRACE | CLONE_VFORK | CLONE_UNTRACED |      \
	 CLONE_PIDFD | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |      \
	 CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/*
 * One rule: @action for system call @nr, when @arg (if >= 0) compares with
 * @op against @a (and @b, the value for SCMP_CMP_MASKED_EQ, whose mask is
 * @a). Comparisons are on all 64 bits: a value with junk in the upper half
 * of an int argument matches no EQ rule and so is trapped, never allowed.
 */
struct sandbox_rule {
	int nr;
	uint32_t action;
	int arg;
	enum scmp_compare op;
	uint64_t a, b;
};

#define ALLOW(name) { SCMP_SYS(name), SCMP_ACT_ALLOW, -1, 0, 0, 0 }
#define ALLOW_IF(name, n, op, a, b) \
	{ SCMP_SYS(name), SCMP_ACT_ALLOW, (n), (op), (a), (b) }

/*
 * The domain allow-list; docs/security.md gives the same list with the
 * reasons. Keep the two in step. The tgkill rule is added in code: it
 * needs our pid.
 */
static const struct sandbox_rule domain_rules[] = {
	/* memory: malloc, thread stacks, the guest-RAM mapping; never exec */
	ALLOW(brk),
	ALLOW_IF(mmap, 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0),
	ALLOW_IF(mprotect, 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0),
	ALLOW(munmap),
	ALLOW(mremap),
	ALLOW(madvise),
	/* threads: pthread_create, its start-up in glibc, exit and join */
	ALLOW_IF(clone, 0, SCMP_CMP_MASKED_EQ, THREAD_FLAGS | NOT_THREAD_FLAGS,
		 THREAD_FLAGS),
	{ SCMP_SYS(clone3), SCMP_ACT_ERRNO(ENOSYS), -1, 0, 0, 0 },
	ALLOW(set_robust_list),
	ALLOW(rseq),
	ALLOW(futex),
	ALLOW(sched_yield),
	ALLOW(sched_getaffinity),
	ALLOW(exit),
	ALLOW(exit_group),
	ALLOW(getpid),
	ALLOW(gettid),
	ALLOW_IF(prctl, 0, SCMP_CMP_EQ, PR_SET_NAME, 0),
	ALLOW_IF(prctl, 0, SCMP_CMP_EQ, PR_GET_NAME, 0),
	/* signals within the process; SIGSYS's handler is ours for good */
	ALLOW_IF(rt_sigaction, 0, SCMP_CMP_LT, SIGSYS, 0),
	ALLOW_IF(rt_sigaction, 0, SCMP_CMP_MASKED_EQ, ~(uint64_t)31, 32),
	ALLOW_IF(rt_sigaction, 0, SCMP_CMP_EQ, 64, 0),
	{ SCMP_SYS(rt_sigaction), SCMP_ACT_KILL_PROCESS, 0, SCMP_CMP_EQ,
	  SIGSYS, 0 },
	ALLOW(rt_sigprocmask),
	ALLOW(rt_sigreturn),
	ALLOW(sigaltstack),
	ALLOW(restart_syscall),
	/* time: the vDSO's fallbacks, sleeps */
	ALLOW(clock_gettime),
	ALLOW(gettimeofday),
	ALLOW(clock_nanosleep),
	ALLOW(nanosleep),
	ALLOW(getrandom),
	/* descriptors it holds: log, memfd, save file, pipes */
	ALLOW(read),
	ALLOW(write),
	ALLOW(readv),
	ALLOW(writev),
	ALLOW(pread64),
	ALLOW(pwrite64),
	ALLOW(lseek),
	ALLOW(fstat),
	ALLOW_IF(newfstatat, 3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH,
		 AT_EMPTY_PATH),
	ALLOW(ftruncate),
	ALLOW(fsync),
	ALLOW(fdatasync),
	ALLOW(close),
	ALLOW_IF(fcntl, 1, SCMP_CMP_EQ, F_GETFD, 0),
	ALLOW_IF(fcntl, 1, SCMP_CMP_EQ, F_SETFD, 0),
	ALLOW_IF(fcntl, 1, SCMP_CMP_EQ, F_GETFL, 0),
	ALLOW_IF(fcntl, 1, SCMP_CMP_EQ, F_SETFL, 0),
	ALLOW_IF(ioctl, 1, SCMP_CMP_EQ, TCGETS, 0),
	/* the domctl socket: connections, messages with SCM_RIGHTS */
	ALLOW(accept4),
	ALLOW(recvmsg),
	ALLOW(sendmsg),
	ALLOW(recvfrom),
	ALLOW(sendto),
	ALLOW(shutdown),
	ALLOW(getsockopt),
	/* waiting */
	ALLOW(epoll_create1),
	ALLOW(epoll_ctl),
	ALLOW(epoll_wait),
	ALLOW(epoll_pwait),
	ALLOW(epoll_pwait2),
	ALLOW(poll),
	ALLOW(ppoll),
	ALLOW(eventfd2),
	ALLOW(pipe2),
};

static size_t append(char *buf, size_t pos, size_t cap, const char *s)
{
	while (*s && pos + 1 < cap)
		buf[pos++] = *s++;
	return pos;
}

static size_t append_num(char *buf, size_t pos, size_t cap, uint64_t v,
			 unsigned int base)
{
	char digits[24];
	size_t n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n && pos + 1 < cap)
		buf[pos++] = digits[--n];
	return pos;
}

/* Async-signal-safe: static data, a local buffer, write(2), syscall(2). */
static void sigsys_handler(int sig, siginfo_t *si, void *uctx)
{
	char msg[160];
	size_t n = 0;
	int nr = si->si_syscall;

#if defined(SANDBOX_ASAN) && defined(__x86_64__)
	/*
	 * ASan's report opens the executable to symbolize it: let that fail
	 * (EACCES in the call's result register) so the report completes,
	 * with frames as module+offset, and the process exits as ASan does.
	 */
	if (__asan_report_present()) {
		ucontext_t *uc = uctx;

		uc->uc_mcontext.gregs[REG_RAX] = -EACCES;
		return;
	}
#endif
	n = append(msg, n, sizeof(msg), report_prefix);
	n = append(msg, n, sizeof(msg), ": forbidden system call ");
	if (nr < 0) {
		n = append(msg, n, sizeof(msg), "-");
		nr = -nr;
	}
	n = append_num(msg, n, sizeof(msg), (unsigned int)nr, 10);
	if (si->si_arch != native_arch) {
		n = append(msg, n, sizeof(msg), " (foreign ABI, arch 0x");
		n = append_num(msg, n, sizeof(msg), si->si_arch, 16);
		n = append(msg, n, sizeof(msg), ")");
	} else if (si->si_syscall >= 0 && si->si_syscall < SYSNAME_MAX &&
		   sysnames[si->si_syscall][0]) {
		n = append(msg, n, sizeof(msg), " (");
		n = append(msg, n, sizeof(msg), sysnames[si->si_syscall]);
		n = append(msg, n, sizeof(msg), ")");
	}
	n = append(msg, n, sizeof(msg), "\n");
	if (write(report_fd, msg, n) < 0) {
		/* nothing else to tell it with */
	}
	/* The filter kills the process for this (see the top of the file). */
	syscall(SYS_rt_sigaction, SIGSYS, NULL, NULL, sizeof(uint64_t));
	_exit(SANDBOX_EXIT_VIOLATION); /* not reached */
}

static void fill_sysnames(void)
{
	int nr;

	for (nr = 0; nr < SYSNAME_MAX; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(native_arch, nr);

		sysnames[nr][0] = '\0';
		if (name)
			snprintf(sysnames[nr], SYSNAME_LEN, "%s", name);
		free(name);
	}
}

#ifdef SANDBOX_ASAN
/*
 * Sanitizer builds only (make SANITIZE=1 builds ASan and UBSan together):
 * a sanitizer's report reads /proc/self/maps with the raw open call, and
 * UBSan's looks up the executable's name with readlink. Failing them with
 * EACCES instead of trapping lets the report finish (from the maps ASan
 * cached at sandbox_on_notify time); glibc's own open() uses openat, which
 * stays trapped, and readlink gives nothing in a process that cannot open
 * files. docs/security.md lists these too.
 */
static const struct sandbox_rule sanitizer_rules[] = {
	{ SCMP_SYS(open), SCMP_ACT_ERRNO(EACCES), -1, 0, 0, 0 },
	{ SCMP_SYS(readlink), SCMP_ACT_ERRNO(EACCES), -1, 0, 0, 0 },
};
#endif

static int add_rules(scmp_filter_ctx ctx, const struct sandbox_rule *r,
		     size_t n)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		struct scmp_arg_cmp cmp = {
			.arg = (unsigned int)r[i].arg,
			.op = r[i].op,
			.datum_a = r[i].a,
			.datum_b = r[i].b,
		};

		/* a call this architecture lacks needs no rule */
		if (r[i].nr < 0)
			continue;
		if (r[i].arg < 0)
			ret = seccomp_rule_add_exact(ctx, r[i].action, r[i].nr,
						     0);
		else
			ret = seccomp_rule_add_exact_array(ctx, r[i].action,
							   r[i].nr, 1, &cmp);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int build_domain_filter(scmp_filter_ctx ctx)
{
	int ret;

	ret = add_rules(ctx, domain_rules,
			sizeof(domain_rules) / sizeof(domain_rules[0]));
	if (ret < 0)
		return ret;
#ifdef SANDBOX_ASAN
	ret = add_rules(ctx, sanitizer_rules,
			sizeof(sanitizer_rules) / sizeof(sanitizer_rules[0]));
	if (ret < 0)
		return ret;
#endif
	/* raise(), abort(), pthread_kill(): only threads of this process */
	return seccomp_rule_add_exact(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
				      SCMP_A0(SCMP_CMP_EQ,
					      (uint64_t)getpid()));
}

int sandbox_install_seccomp(enum sandbox_profile profile, int log_fd)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	int ret;

	if (seccomp_installed)
		return -EALREADY;
	if (profile != SANDBOX_PROFILE_DOMAIN || log_fd < 0)
		return -EINVAL;

	native_arch = seccomp_arch_native();
	fill_sysnames();
	snprintf(report_prefix, sizeof(report_prefix), "%s",
		 program_invocation_short_name);
	report_fd = log_fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_handler;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return -errno;

	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		return -ENOMEM;
	/* int 0x80 and x32 calls bypass a native list: trap them too */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
	if (ret == 0)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	if (ret == 0)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (ret == 0)
		ret = build_domain_filter(ctx);
#ifdef SANDBOX_ASAN
	/* let the runtime cache /proc/self/maps while it can read it */
	if (ret == 0) {
		__sanitizer_sandbox_arguments args = { 0, -1, 0 };

		__sanitizer_sandbox_on_notify(&args);
	}
#endif
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret == 0)
		seccomp_installed = 1;
	return ret;
}

#ifdef SANDBOX_ASAN
/*
 * LeakSanitizer's exit-time check stops the world by ptracing this process
 * from a clone()d helper: impossible under the filter, and it would end a
 * clean exit with a SIGSYS. Leaks are checked in the unsandboxed tests.
 */
int __lsan_is_turned_off(void)
{
	return seccomp_installed;
}
#endif

static bool is_kept(const int *keep, size_t n, int fd)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* The smallest kept descriptor >= @from, or -1. */
static int next_kept(const int *keep, size_t n, int from)
{
	int best = -1;
	size_t i;

	for (i = 0; i < n; i++)
		if (keep[i] >= from && (best < 0 || keep[i] < best))
			best = keep[i];
	return best;
}

static int close_with_proc(const int *keep, size_t n)
{
	struct dirent *de;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || fd < 3 || fd > INT_MAX)
			continue;
		if (fd != dirfd(dir) && !is_kept(keep, n, (int)fd))
			close((int)fd);
	}
	closedir(dir);
	return 0;
}

static void close_by_number(const int *keep, size_t n)
{
	struct rlimit rl;
	rlim_t max = 65536, fd;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		max = rl.rlim_cur;
	for (fd = 3; fd < max && fd <= INT_MAX; fd++)
		if (!is_kept(keep, n, (int)fd))
			close((int)fd);
}

static int close_from_3(const int *keep, size_t n)
{
	int lo = 3, next;

	for (;;) {
		next = next_kept(keep, n, lo);
		if (next != lo) {
			unsigned int hi = next < 0 ? ~0U : (unsigned)next - 1;

			if (close_range((unsigned int)lo, hi, 0) < 0) {
				if (errno != ENOSYS)
					return -errno;
				if (close_with_proc(keep, n) < 0)
					close_by_number(keep, n);
				return 0;
			}
		}
		if (next < 0 || next == INT_MAX)
			return 0;
		lo = next + 1;
	}
}

int sandbox_close_fds(const int *keep, size_t n)
{
	int fd, null_fd = -1;
	size_t i;

	for (i = 0; i < n; i++)
		if (keep[i] < 0)
			return -EINVAL;
	for (fd = 0; fd < 3; fd++) {
		if (is_kept(keep, n, fd))
			continue;
		if (null_fd < 0) {
			null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (null_fd < 0)
				return -errno;
		}
		/* dup2 onto itself when 0-2 were closed: just clear CLOEXEC */
		if (null_fd == fd)
			fcntl(fd, F_SETFD, 0);
		else if (dup2(null_fd, fd) < 0)
			return -errno;
	}
	/* a null_fd above 2 is not kept and goes with the rest */
	return close_from_3(keep, n);
}

struct sandbox_ids {
	uid_t uid;
	gid_t gid;
};

static int lookup_user(const char *name, struct sandbox_ids *ids)
{
	struct passwd pw, *res = NULL;
	char buf[16384];
	int err;

	err = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	if (err)
		return -err;
	if (!res)
		return -ENOENT;
	if (pw.pw_uid == 0 || pw.pw_gid == 0)
		return -EINVAL;
	ids->uid = pw.pw_uid;
	ids->gid = pw.pw_gid;
	return 0;
}

static int resolve_user(const char *user, struct sandbox_ids *ids)
{
	int ret;

	if (user)
		return lookup_user(user, ids);
	ret = lookup_user("hv", ids);
	if (ret == -ENOENT)
		ret = lookup_user("nobody", ids);
	return ret;
}

static int no_capabilities(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int i;

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		if (data[i].effective || data[i].permitted ||
		    data[i].inheritable)
			return -EPERM;
	return 0;
}

/* Become @ids for good, then check that there is no way back. */
static int become(const struct sandbox_ids *ids)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return -errno;
	if (setgroups(0, NULL) < 0)
		return -errno;
	if (setresgid(ids->gid, ids->gid, ids->gid) < 0)
		return -errno;
	if (setresuid(ids->uid, ids->uid, ids->uid) < 0)
		return -errno;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -errno;
	if (ru != ids->uid || eu != ids->uid || su != ids->uid ||
	    rg != ids->gid || eg != ids->gid || sg != ids->gid ||
	    getgroups(0, NULL) != 0)
		return -EPERM;
	if (setuid(0) == 0 || setgid(0) == 0)
		return -EPERM;
	if (no_capabilities() < 0)
		return -EPERM;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

static int set_no_new_privs(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

int sandbox_drop_privileges(const char *user)
{
	struct sandbox_ids ids;
	int ret;

	if (geteuid() == 0) {
		ret = resolve_user(user, &ids);
		if (ret < 0)
			return ret;
		ret = become(&ids);
		if (ret < 0)
			return ret;
	}
	return set_no_new_privs();
}

int sandbox_enter(const struct sandbox_config *cfg)
{
	struct sandbox_ids ids;
	bool root = geteuid() == 0;
	int ret;

	if (!cfg || cfg->log_fd < 0 ||
	    !is_kept(cfg->keep_fds, cfg->n_keep_fds, cfg->log_fd))
		return -EINVAL;
	/* The account database may need files and sockets: look it up first. */
	if (root) {
		ret = resolve_user(cfg->user, &ids);
		if (ret < 0)
			return ret;
	}
	ret = sandbox_close_fds(cfg->keep_fds, cfg->n_keep_fds);
	if (ret < 0)
		return ret;
	if (root) {
		ret = become(&ids);
		if (ret < 0)
			return ret;
	}
	ret = set_no_new_privs();
	if (ret < 0)
		return ret;
	return sandbox_install_seccomp(cfg->profile, cfg->log_fd);
}

int sandbox_explain_status(int wstatus, char *buf, size_t len)
{
	const char *core = "";
	int sig;

	if (!buf || !len)
		return -EINVAL;
	if (WIFEXITED(wstatus)) {
		if (WEXITSTATUS(wstatus) == SANDBOX_EXIT_VIOLATION) {
			snprintf(buf, len,
				 "exited with status %d: forbidden system call",
				 SANDBOX_EXIT_VIOLATION);
			return 1;
		}
		snprintf(buf, len, "exited with status %d",
			 WEXITSTATUS(wstatus));
		return 0;
	}
	if (WIFSIGNALED(wstatus)) {
		sig = WTERMSIG(wstatus);
		if (WCOREDUMP(wstatus))
			core = " (core dumped)";
		if (sig == SIGSYS) {
			snprintf(buf, len, "killed by seccomp (SIGSYS): %s%s",
				 "forbidden system call", core);
			return 1;
		}
		snprintf(buf, len, "killed by signal %d (SIG%s)%s", sig,
			 sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", core);
		return 0;
	}
	if (WIFSTOPPED(wstatus)) {
		sig = WSTOPSIG(wstatus);
		snprintf(buf, len, "stopped by signal %d (SIG%s)", sig,
			 sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
		return 0;
	}
	if (WIFCONTINUED(wstatus)) {
		snprintf(buf, len, "continued");
		return 0;
	}
	snprintf(buf, len, "unknown wait status 0x%x", (unsigned int)wstatus);
	return 0;
}
