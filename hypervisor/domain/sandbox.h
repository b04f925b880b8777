/* SPDX-License-Identifier: MIT */
/*
 * The domain sandbox: what hvdomain does to itself before it runs guest
 * code, so that a guest which exploits an emulation bug gets a process
 * that can touch only what it was handed. docs/security.md is the threat
 * model and the allow-list with a reason per system call.
 *
 * Three steps, in this order (sandbox_enter() does all of them):
 *
 *  1. sandbox_close_fds(): every descriptor not explicitly kept is closed
 *     (0-2 become /dev/null instead). First, because it may need /proc and
 *     /dev, which an unprivileged, non-dumpable process may not read.
 *  2. sandbox_drop_privileges(): started as root, become the "hv" user (or
 *     "nobody"); in every case set no_new_privs.
 *  3. sandbox_install_seccomp(): an allow-list of system calls. Anything
 *     else makes the process report the call on its log descriptor and die
 *     of SIGSYS; sandbox_explain_status() turns that into words for the
 *     parent.
 *
 * Everything here acts on the whole process and cannot be undone: call it
 * once, from the main thread, before any other thread exists (the filter
 * is synchronised to threads that do exist, but their start-up would have
 * run outside it). Not for processes that must go on opening files, such
 * as the unit-test runner itself: tests fork a child for each sandbox.
 *
 * Errors are negative errnos; a step that failed leaves the earlier steps
 * in force, so a caller that sees an error must exit, not carry on.
 */
#ifndef HV_DOMAIN_SANDBOX_H
#define HV_DOMAIN_SANDBOX_H

#include <stddef.h>

/* Which allow-list sandbox_install_seccomp() loads. */
enum sandbox_profile {
	/*
	 * hvdomain running a guest: vCPU threads, the domctl socket (accept,
	 * SCM_RIGHTS messages, epoll), logs, and a save file through a
	 * descriptor it was given. No open, exec, fork, socket, connect,
	 * kill, ptrace, mount or set*id.
	 */
	SANDBOX_PROFILE_DOMAIN,
};

/*
 * Exit status of a process whose SIGSYS report could not end it through
 * the filter (not expected: the filter kills it first). 128 + SIGSYS, what
 * a shell shows for a death by SIGSYS; sandbox_explain_status() knows it.
 */
#define SANDBOX_EXIT_VIOLATION 159

struct sandbox_config {
	/*
	 * Account to become when started as root (borrowed). NULL: "hv" when
	 * such a user exists, otherwise "nobody". Must not resolve to uid 0
	 * or gid 0. Ignored when not root.
	 */
	const char *user;
	/*
	 * Descriptors that stay open (borrowed array): the log, the domctl
	 * socket, the guest-RAM memfd, a save file. Must contain log_fd.
	 */
	const int *keep_fds;
	size_t n_keep_fds;
	/* Where a forbidden call is reported; usually 2 (stderr). */
	int log_fd;
	enum sandbox_profile profile;
};

/*
 * Steps 1-3 above for @cfg. Returns 0, -EINVAL for a malformed @cfg (log_fd
 * not kept, a negative descriptor), or the first step's error. Call once
 * per process, from its only thread.
 */
int sandbox_enter(const struct sandbox_config *cfg)
	__attribute__((warn_unused_result));

/*
 * Closes every descriptor that is not one of the @n in @keep (borrowed;
 * any order, duplicates allowed). Descriptors 0, 1 and 2 that are not kept
 * are pointed at /dev/null rather than closed, so that a later socket never
 * becomes "stdout". Uses close_range(2); where the kernel lacks it, walks
 * /proc/self/fd; without /proc, tries every number below RLIMIT_NOFILE.
 * Returns 0, -EINVAL for a negative entry in @keep, or -errno (opening
 * /dev/null, close_range other than ENOSYS).
 */
int sandbox_close_fds(const int *keep, size_t n)
	__attribute__((warn_unused_result));

/*
 * When the effective uid is 0: looks up @user (see struct sandbox_config),
 * drops supplementary groups, sets real, effective and saved gid and uid to
 * that account, checks that setuid(0) now fails and that no capability is
 * left, and makes the process non-dumpable (no core files, no ptrace by
 * other processes of the same user, /proc/PID owned by root). In every
 * case sets PR_SET_NO_NEW_PRIVS. Returns 0, -ENOENT when the user does not
 * exist, -EINVAL when it is root, -EPERM when root could be regained, or
 * -errno of the failed call.
 */
int sandbox_drop_privileges(const char *user)
	__attribute__((warn_unused_result));

/*
 * Loads the @profile allow-list with every other system call trapped.
 * Installs a SIGSYS handler first, which on a forbidden call writes
 *	"<program>: forbidden system call <nr> (<name>)\n"
 * to @log_fd with a single write(2) and then ends the process with SIGSYS
 * (the filter kills outright any attempt to change the SIGSYS disposition,
 * which the handler then makes itself). clone3 fails with ENOSYS so glibc
 * falls back to clone, whose flags must be those of a thread. Returns 0,
 * -EALREADY when called a second time in this process, -EINVAL for an
 * unknown profile, or libseccomp's negative error.
 */
int sandbox_install_seccomp(enum sandbox_profile profile, int log_fd)
	__attribute__((warn_unused_result));

/*
 * For the parent: describes a waitpid() status in @buf (@len bytes,
 * always terminated), e.g. "killed by seccomp (SIGSYS): forbidden system
 * call", "exited with status 3", "killed by signal 9 (SIGKILL)". Returns 1
 * when the status is a sandbox kill, 0 for any other status, -EINVAL when
 * @buf is NULL or @len is 0. Which call it was is in the child's log (see
 * sandbox_install_seccomp()). Any thread; no state.
 */
int sandbox_explain_status(int wstatus, char *buf, size_t len);

#endif
