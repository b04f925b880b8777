// SPDX-License-Identifier: MIT
/*
 * hvd's long operations (docs/hvd.md): a save or a restore runs in a
 * helper process forked for it, so that hvd's loop keeps serving every
 * other client. The helper opens its own domctl connection (hvd's stays
 * hvd's), does the work with migrate/domain_save.c or domain_restore.c,
 * and writes fixed-size records to a pipe hvd watches: progress, for a
 * restore the incoming domain it started, and last its result with the
 * first error it logged. hvd forwards progress to the requesting client
 * as CtlProgress and ends the request when the pipe closes: with the
 * helper's result, or, when the helper died without one, with an error
 * after undoing what it left (a save: the file removed, the guest running
 * again; a restore: the incoming domain killed and its directory gone).
 *
 * Restored hvdomains are the helper's children; hvd is a child
 * subreaper (main.c), so they become hvd's when the helper exits.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include "hvd.h"
#include "domain_spawn.h"

enum hvd_op_kind { OP_SAVE, OP_RESTORE, OP_MANAGED_SAVE, OP_MANAGED_RESTORE,
		  OP_SHUTDOWN, OP_REBOOT };

static const char *const op_names[] = {
	[OP_SAVE] = "save", [OP_RESTORE] = "restore",
	[OP_MANAGED_SAVE] = "managed save",
	[OP_MANAGED_RESTORE] = "managed restore",
	[OP_SHUTDOWN] = "shutdown", [OP_REBOOT] = "reboot",
};


/* One save-all request: its client and how many saves still run. */
struct hvd_group {
	struct hvd_client *client;	/* NULL: gone */
	uint64_t id;
	unsigned pending, failed;
	char error[512];
};

struct hvd_op {
	struct hvd_tag tag;		/* HVD_TAG_OP; first */
	struct hvd_op *next;
	enum hvd_op_kind kind;
	pid_t pid;			/* the helper; 0: none */
	int fd;				/* the pipe's read end; the timer */
	struct hvd_client *client;	/* NULL: none, or gone */
	uint64_t id;
	struct hvd_group *group;	/* a save-all's; NULL: none */
	struct hvd_domain *dom;		/* saved, or restored into */
	char name[64];			/* the domain's, for messages */
	char path[4096];
	bool keep_running, paused;
	bool was_running;		/* a save: the guest ran before */
	uint32_t domid;			/* a restore: the id it gets */
	uint32_t timeout_ms;		/* shutdown, reboot */
	/* from the helper */
	bool result;			/* its result record came */
	int status;
	char error[400];
	char uuid[37];			/* a restore: the incoming domain */
	pid_t incoming_pid;
	int wstatus;
	bool reaped;
};

/* shutdown and reboot have no helper: a timer, and the domain's events */
static bool is_power(const struct hvd_op *op)
{
	return op->kind == OP_SHUTDOWN || op->kind == OP_REBOOT;
}

/* The pipe's records: under PIPE_BUF, so each write is whole. */
enum { REC_PROGRESS, REC_CREATED, REC_RESULT };
struct op_rec {
	uint32_t type;
	int32_t status;
	uint64_t done, total;
	int32_t pid;
	char uuid[37];
	char text[400];			/* the phase, or the error */
};

/* ---- in the helper -------------------------------------------------- */

struct helper {
	int fd;				/* the pipe's write end */
};

static void helper_send(struct helper *hp, const struct op_rec *r)
{
	/* hvd gone: the work goes on, the guest must not pay for it */
	if (write(hp->fd, r, sizeof(*r)) != (ssize_t)sizeof(*r))
		return;
}

static void helper_progress(void *opaque, const char *phase, uint64_t done,
			    uint64_t total)
{
	struct op_rec r = { .type = REC_PROGRESS, .done = done,
			    .total = total };

	snprintf(r.text, sizeof(r.text), "%s", phase);
	helper_send(opaque, &r);
}

static void helper_created(void *opaque, const struct hvd_domain *dom)
{
	struct op_rec r = { .type = REC_CREATED, .pid = dom->pid };

	snprintf(r.uuid, sizeof(r.uuid), "%s", dom->uuid_str);
	helper_send(opaque, &r);
}

/* The first error line the helper logged (its stderr went to @logfd),
 * copied to hvd's log on the way. */
static void first_error(int logfd, int out_fd, char *buf, size_t len)
{
	static char text[65536];
	ssize_t n = pread(logfd, text, sizeof(text) - 1, 0);
	char *e, *nl;

	buf[0] = '\0';
	if (n <= 0)
		return;
	text[n] = '\0';
	if (write(out_fd, text, (size_t)n) != n)
		buf[0] = '\0';	/* hvd's log is best effort */
	e = strstr(text, ": error: ");
	if (!e)
		return;
	e += strlen(": error: ");
	nl = strchr(e, '\n');
	if (nl)
		*nl = '\0';
	snprintf(buf, len, "%s", e);
}

static int helper_work(struct hvd *h, struct hvd_op *op, struct helper *hp)
{
	struct domain_progress p = { helper_progress, hp };
	struct domctl *d = NULL;
	char err[256];
	int ret;

	switch (op->kind) {
	case OP_SAVE:
	case OP_MANAGED_SAVE:
		ret = domctl_connect(&d, op->dom->sock, HVD_VERSION " helper",
				     err, sizeof(err));
		if (ret) {
			log_err(&h->log, "save %s: connecting to %s: %s",
				op->name, op->dom->sock, err);
			return ret;
		}
		domctl_set_timeout(d, 30000);
		/* hvd's config: the stream keeps the domain's policies */
		ret = domain_save_progress(d, op->path, op->keep_running,
					   op->dom->config, &p, &h->log);
		domctl_close(d);
		return ret;
	case OP_RESTORE:
	case OP_MANAGED_RESTORE:
		return hvd_domain_restore_helper(h, op->path, op->domid,
						 op->kind == OP_MANAGED_RESTORE
						 ? op->dom : NULL, &p,
						 helper_created, hp);
	case OP_SHUTDOWN:
	case OP_REBOOT:
		break;
	}
	return -EINVAL;
}

/* The helper's life: never returns. */
static void __attribute__((noreturn)) helper_main(struct hvd *h,
						  struct hvd_op *op, int wfd)
{
	struct helper hp = { .fd = wfd };
	struct op_rec r = { .type = REC_RESULT };
	int logfd, err_fd;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* hvd's fds (clients, domains, epoll) are not the helper's */
	for (int fd = 3; fd < 1024; fd++)
		if (fd != wfd)
			close(fd);
	/* stderr to a memfd: the first error becomes the reply's text */
	err_fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
	logfd = memfd_create("hvd-helper-log", MFD_CLOEXEC);
	if (logfd >= 0 && err_fd >= 0)
		dup2(logfd, 2);
	r.status = helper_work(h, op, &hp);
	fflush(stderr);
	if (logfd >= 0 && err_fd >= 0) {
		first_error(logfd, err_fd, r.text, sizeof(r.text));
		dup2(err_fd, 2);
	}
	if (r.status && !r.text[0])
		snprintf(r.text, sizeof(r.text), "%s", strerror(-r.status));
	helper_send(&hp, &r);
	_exit(r.status ? 1 : 0);
}

/* ---- in hvd ---------------------------------------------------------- */

const char *hvd_op_name(const struct hvd_domain *dom)
{
	return dom->op ? op_names[dom->op->kind] : "";
}

static void op_free(struct hvd *h, struct hvd_op *op)
{
	for (struct hvd_op **p = &h->ops; *p; p = &(*p)->next) {
		if (*p == op) {
			*p = op->next;
			break;
		}
	}
	if (op->fd >= 0) {
		hvd_unwatch(h, op->fd);
		close(op->fd);
	}
	if (op->dom && op->dom->op == op)
		op->dom->op = NULL;
	free(op);
}

/* Forks the helper for @op (filled in), watched and listed. */
static int op_start(struct hvd *h, struct hvd_op *op, char *err,
		    size_t errlen)
{
	int p[2], ret;

	op->tag.kind = HVD_TAG_OP;
	if (pipe2(p, O_CLOEXEC | O_DIRECT) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s %s: pipe: %s", op_names[op->kind],
			 op->name, strerror(-ret));
		free(op);
		return ret;
	}
	fflush(stderr);
	op->pid = fork();
	if (op->pid < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s %s: fork: %s", op_names[op->kind],
			 op->name, strerror(-ret));
		close(p[0]);
		close(p[1]);
		free(op);
		return ret;
	}
	if (op->pid == 0)
		helper_main(h, op, p[1]);
	close(p[1]);
	op->fd = p[0];
	fcntl(op->fd, F_SETFL, O_NONBLOCK);
	ret = hvd_watch(h, op->fd, &op->tag);
	if (ret) {
		/* unwatched, it could never end: stop it now */
		kill(op->pid, SIGKILL);
		waitpid(op->pid, NULL, 0);
		close(op->fd);
		snprintf(err, errlen, "%s %s: epoll: %s", op_names[op->kind],
			 op->name, strerror(-ret));
		free(op);
		return ret;
	}
	if (op->dom)
		op->dom->op = op;
	op->next = h->ops;
	h->ops = op;
	log_info(&h->log, "%s: %s started (helper %d)", op->name,
		 op_names[op->kind], (int)op->pid);
	return 0;
}

/* The domain cannot take a long request: off, or busy. */
static int check_idle(const struct hvd_domain *dom, char *err, size_t errlen)
{
	if (dom->op) {
		snprintf(err, errlen, "domain %s: %s in progress", dom->name,
			 op_names[dom->op->kind]);
		return -EBUSY;
	}
	if (!dom->d) {
		snprintf(err, errlen, "domain '%s' is off: nothing to save",
			 dom->name);
		return -ESRCH;
	}
	return 0;
}

static struct hvd_op *op_new(enum hvd_op_kind kind, struct hvd_client *c,
			     uint64_t id, const char *name, const char *path)
{
	struct hvd_op *op = calloc(1, sizeof(*op));

	if (!op)
		return NULL;
	op->kind = kind;
	op->client = c;
	op->id = id;
	op->fd = -1;
	snprintf(op->name, sizeof(op->name), "%s", name);
	snprintf(op->path, sizeof(op->path), "%s", path);
	return op;
}

int hvd_op_save(struct hvd *h, struct hvd_client *c, uint64_t id,
		struct hvd_domain *dom, const char *path, bool keep_running,
		char *err, size_t errlen)
{
	struct hvd_op *op;
	int ret = check_idle(dom, err, errlen);

	if (ret)
		return ret;
	op = op_new(OP_SAVE, c, id, dom->name, path);
	if (!op)
		return -ENOMEM;
	op->dom = dom;
	op->keep_running = keep_running;
	op->was_running = dom->st.state == DOMCTL_STATE_RUNNING;
	return op_start(h, op, err, errlen);
}

int hvd_op_restore(struct hvd *h, struct hvd_client *c, uint64_t id,
		   const char *path, bool paused, char *err, size_t errlen)
{
	struct hvd_op *op = op_new(OP_RESTORE, c, id, path, path);

	if (!op)
		return -ENOMEM;
	op->paused = paused;
	op->domid = h->next_domid++;
	return op_start(h, op, err, errlen);
}

int hvd_op_save_all(struct hvd *h, struct hvd_client *c, uint64_t id,
		    char *err, size_t errlen)
{
	struct hvd_group *g = calloc(1, sizeof(*g));
	char path[320];
	int ret;

	if (!g)
		return -ENOMEM;
	g->client = c;
	g->id = id;
	for (struct hvd_domain *d = h->domains; d; d = d->next) {
		struct hvd_op *op;

		if (!d->d || (d->st.state != DOMCTL_STATE_RUNNING &&
			      d->st.state != DOMCTL_STATE_PAUSED))
			continue;
		if (d->op) {
			log_warn(&h->log, "%s: managed save skipped: %s in "
				 "progress", d->name, op_names[d->op->kind]);
			g->failed++;
			continue;
		}
		snprintf(path, sizeof(path), "%s/" HVD_MANAGED_SAVE, d->dir);
		op = op_new(OP_MANAGED_SAVE, NULL, 0, d->name, path);
		if (!op) {
			g->failed++;
			continue;
		}
		op->dom = d;
		op->group = g;
		op->paused = d->st.state == DOMCTL_STATE_PAUSED;
		op->was_running = !op->paused;
		ret = op_start(h, op, err, errlen);
		if (ret) {
			log_err(&h->log, "%s", err);
			g->failed++;
			continue;
		}
		g->pending++;
	}
	err[0] = '\0';
	if (g->pending)
		return 0;
	ret = g->failed ? -EIO : 1;	/* 1: nothing to save */
	free(g);
	if (ret < 0)
		snprintf(err, errlen, "no domain could be saved (hvd's log "
			 "says why)");
	return ret;
}

void hvd_op_restore_saved(struct hvd *h)
{
	char path[320], err[512];

	for (struct hvd_domain *d = h->domains; d; d = d->next) {
		struct hvd_op *op;

		if (!d->saved || d->op)
			continue;
		snprintf(path, sizeof(path), "%s/" HVD_MANAGED_SAVE, d->dir);
		op = op_new(OP_MANAGED_RESTORE, NULL, 0, d->name, path);
		if (!op)
			continue;
		op->dom = d;
		snprintf(path, sizeof(path), "%s/" HVD_MANAGED_PAUSED, d->dir);
		op->paused = access(path, F_OK) == 0;
		if (op_start(h, op, err, sizeof(err)))
			log_err(&h->log, "%s", err);
	}
}

static void forward_progress(struct hvd *h, struct hvd_op *op,
			     const struct op_rec *r)
{
	struct hvd_client *c = op->group ? op->group->client : op->client;
	uint64_t id = op->group ? op->group->id : op->id;

	/* a client that cannot take it is closed, and forgotten here */
	if (c)
		hvd_control_progress(h, c, id, op->name, r->text, r->done,
				     r->total);
}

static bool known_pid(const struct hvd *h, pid_t pid)
{
	for (const struct hvd_domain *d = h->domains; d; d = d->next)
		if (d->pid == pid)
			return true;
	for (const struct hvd_op *op = h->ops; op; op = op->next)
		if (op->pid == pid)
			return true;
	return false;
}

/* The directory of hvdomain @pid: its --socket's, in @dir. */
static bool hvdomain_dir(pid_t pid, char *dir, size_t len)
{
	char path[64], args[4096], *slash;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, args, sizeof(args) - 1);
	close(fd);
	if (n <= 0)
		return false;
	args[n] = '\0';
	for (char *a = args; a < args + n; a += strlen(a) + 1) {
		if (strcmp(a, "--socket") || a + strlen(a) + 1 >= args + n)
			continue;
		a += strlen(a) + 1;
		snprintf(dir, len, "%s", a);
		slash = strrchr(dir, '/');
		if (!slash)
			return false;
		*slash = '\0';
		return true;
	}
	return false;
}

/*
 * A restore helper died after starting its incoming hvdomain but before
 * saying so: that hvdomain is now hvd's child (the subreaper) and no
 * domain's. Killed, its directory removed (kept with a managed save).
 */
static void kill_orphans(struct hvd *h, const struct hvd_op *op)
{
	char path[64], stat[512], dir[4096], *p;
	struct dirent *e;
	DIR *proc = opendir("/proc");
	pid_t self = getpid();

	while (proc && (e = readdir(proc)) != NULL) {
		pid_t pid = (pid_t)atoi(e->d_name);
		int ppid = 0, fd;
		ssize_t n;

		if (pid <= 0 || known_pid(h, pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, stat, sizeof(stat) - 1);
		close(fd);
		stat[n > 0 ? n : 0] = '\0';
		p = strrchr(stat, ')');
		if (!p || sscanf(p, ") %*c %d", &ppid) != 1 || ppid != self ||
		    !hvdomain_dir(pid, dir, sizeof(dir)) ||
		    strncmp(dir, h->state_dir, strlen(h->state_dir)))
			continue;
		log_warn(&h->log, "%s: the dead helper's hvdomain %d (%s): "
			 "killed", op->name, (int)pid, dir);
		hvd_domain_cleanup_dir(dir, pid,
				       op->kind == OP_MANAGED_RESTORE);
	}
	if (proc)
		closedir(proc);
}

/* The helper ended without a result: undo what it left. */
static void undo(struct hvd *h, struct hvd_op *op)
{
	char why[96], dir[320];

	if (op->reaped)
		domain_wait_status(op->wstatus, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "closed its pipe");
	op->status = -ECHILD;
	switch (op->kind) {
	case OP_SAVE:
	case OP_MANAGED_SAVE:
		unlink(op->path);
		if (op->dom && op->dom->d && op->was_running &&
		    domctl_unpause(op->dom->d, &op->dom->st))
			log_err(&h->log, "%s: unpause after the failed save: %s",
				op->name, domctl_error(op->dom->d));
		snprintf(op->error, sizeof(op->error), "save %s: its helper "
			 "%s; the domain runs on", op->name, why);
		break;
	case OP_RESTORE:
	case OP_MANAGED_RESTORE:
		if (op->uuid[0]) {
			snprintf(dir, sizeof(dir), "%s/domains/%s",
				 h->state_dir, op->uuid);
			hvd_domain_cleanup_dir(dir, op->incoming_pid,
					       op->kind == OP_MANAGED_RESTORE);
		} else {
			kill_orphans(h, op);
		}
		snprintf(op->error, sizeof(op->error), "restore %.200s: its "
			 "helper %s; nothing was restored", op->path, why);
		break;
	case OP_SHUTDOWN:
	case OP_REBOOT:
		break;
	}
}

/* A shutdown or reboot ends: its reply (@dom: the rebooted domain). */
static void power_done(struct hvd *h, struct hvd_op *op, int status,
		       const struct hvd_domain *dom)
{
	if (status)
		log_warn(&h->log, "%s: %s: %s", op->name, op_names[op->kind],
			 op->error);
	else
		log_info(&h->log, "%s: %s done", op->name,
			 op_names[op->kind]);
	if (op->client)
		hvd_control_reply(h, op->client, op->id, status, op->error,
				  dom);
	op_free(h, op);
}

static void group_done(struct hvd *h, struct hvd_op *op)
{
	struct hvd_group *g = op->group;
	size_t len = strlen(g->error);

	if (op->status) {
		g->failed++;
		snprintf(g->error + len, sizeof(g->error) - len, "%s%s: %s",
			 len ? "; " : "", op->name, op->error);
	}
	if (--g->pending)
		return;
	log_info(&h->log, "managed save: done, %u failed", g->failed);
	if (g->client)
		hvd_control_reply(h, g->client, g->id, g->failed ? -EIO : 0,
				  g->error, NULL);
	free(g);
}

/* The request's end: apply the result, answer, forget the helper. */
static void op_finish(struct hvd *h, struct hvd_op *op)
{
	struct hvd_domain *dom = NULL;
	char err[512] = "", path[320];

	if (is_power(op)) {
		power_done(h, op, op->status, NULL);
		return;
	}
	if (!op->reaped && op->pid > 0 && waitpid(op->pid, &op->wstatus, 0) ==
	    op->pid)
		op->reaped = true;
	if (!op->result)
		undo(h, op);
	if (!op->status) {
		switch (op->kind) {
		case OP_SAVE:
			if (!op->dom) {
				log_warn(&h->log, "%s: saved, but destroyed "
					 "meanwhile", op->name);
			} else if (!op->keep_running) {
				hvd_domain_destroy(h, op->dom, err,
						   sizeof(err));
			} else if (op->dom->d &&
				   domctl_get_state(op->dom->d,
						    &op->dom->st)) {
				log_warn(&h->log, "%s: state after save: %s",
					 op->name, domctl_error(op->dom->d));
			}
			log_info(&h->log, "%s: saved to %s", op->name,
				 op->path);
			break;
		case OP_MANAGED_SAVE:
			if (!op->dom)
				break;
			snprintf(path, sizeof(path), "%s/" HVD_MANAGED_PAUSED,
				 op->dom->dir);
			if (op->paused)
				close(open(path, O_WRONLY | O_CREAT |
					   O_CLOEXEC, 0600));
			hvd_domain_stop_saved(h, op->dom);
			break;
		case OP_SHUTDOWN:
		case OP_REBOOT:
			break;
		case OP_RESTORE:
		case OP_MANAGED_RESTORE:
			op->status = hvd_domain_adopt(h, op->uuid,
				op->kind == OP_MANAGED_RESTORE ? op->dom :
				NULL, op->paused, &dom, op->error,
				sizeof(op->error));
			if (op->status || op->kind != OP_MANAGED_RESTORE)
				break;
			snprintf(path, sizeof(path), "%s/" HVD_MANAGED_SAVE,
				 op->dom->dir);
			unlink(path);
			snprintf(path, sizeof(path), "%s/" HVD_MANAGED_PAUSED,
				 op->dom->dir);
			unlink(path);
			break;
		}
	}
	if (op->status) {
		log_err(&h->log, "%s: %s failed: %s", op->name,
			op_names[op->kind], op->error);
		if (op->kind == OP_MANAGED_RESTORE && op->dom)
			snprintf(op->dom->saved_error,
				 sizeof(op->dom->saved_error), "%.250s",
				 op->error);
	} else if (dom) {
		log_info(&h->log, "%s: restored from %s (domid %u, hvdomain "
			 "%d)", dom->name, op->path, dom->domid,
			 (int)dom->pid);
	}
	if (op->group)
		group_done(h, op);
	else if (op->client)
		hvd_control_reply(h, op->client, op->id, op->status,
				  op->error, op->status ? NULL : dom);
	op_free(h, op);
}

void hvd_op_event(struct hvd *h, struct hvd_op *op)
{
	struct op_rec r;
	uint64_t ticks;
	ssize_t n;

	if (is_power(op)) {
		if (read(op->fd, &ticks, sizeof(ticks)) != sizeof(ticks))
			return;
		snprintf(op->error, sizeof(op->error), "%s did not power off "
			 "within %u s; `hvctl destroy %s` forces it off",
			 op->name, op->timeout_ms / 1000, op->name);
		power_done(h, op, -ETIMEDOUT, NULL);
		return;
	}
	for (;;) {
		n = read(op->fd, &r, sizeof(r));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n != (ssize_t)sizeof(r))
			break;	/* EOF, or not our record: the end */
		r.text[sizeof(r.text) - 1] = '\0';
		r.uuid[sizeof(r.uuid) - 1] = '\0';
		if (r.type == REC_PROGRESS) {
			forward_progress(h, op, &r);
		} else if (r.type == REC_CREATED) {
			snprintf(op->uuid, sizeof(op->uuid), "%s", r.uuid);
			log_debug(&h->log, "%s: incoming domain %s, "
				  "hvdomain %d", op->name, r.uuid, (int)r.pid);
			op->incoming_pid = r.pid;
		} else if (r.type == REC_RESULT) {
			op->result = true;
			op->status = r.status > 0 ? -EIO : r.status;
			snprintf(op->error, sizeof(op->error), "%s", r.text);
		}
	}
	op_finish(h, op);
}

bool hvd_op_reaped(struct hvd *h, pid_t pid, int status)
{
	for (struct hvd_op *op = h->ops; op; op = op->next) {
		if (op->pid == pid) {
			op->reaped = true;
			op->wstatus = status;
			return true;
		}
	}
	return false;
}

void hvd_op_client_gone(struct hvd *h, struct hvd_client *c)
{
	for (struct hvd_op *op = h->ops; op; op = op->next) {
		if (op->client == c)
			op->client = NULL;
		if (op->group && op->group->client == c)
			op->group->client = NULL;
	}
}

void hvd_op_domain_gone(struct hvd *h, struct hvd_domain *dom)
{
	struct hvd_op *next;

	for (struct hvd_op *op = h->ops; op; op = next) {
		next = op->next;
		if (op->dom != dom)
			continue;
		op->dom = NULL;
		if (is_power(op)) {
			snprintf(op->error, sizeof(op->error), "%s was "
				 "destroyed before it powered off", op->name);
			power_done(h, op, -ECANCELED, NULL);
		}
	}
}

int hvd_op_power(struct hvd *h, struct hvd_client *c, uint64_t id,
		 struct hvd_domain *dom, bool reboot, uint32_t timeout_ms,
		 char *err, size_t errlen)
{
	struct itimerspec its = { 0 };
	struct hvd_op *op;
	int ret;

	if (dom->op) {
		snprintf(err, errlen, "domain %s: %s in progress", dom->name,
			 op_names[dom->op->kind]);
		return -EBUSY;
	}
	if (!dom->d) {
		snprintf(err, errlen, "domain '%s' is off", dom->name);
		return -ESRCH;
	}
	ret = domctl_power_button(dom->d);
	if (ret == -ENODEV) {
		snprintf(err, errlen, "%s has no driver for the power button, "
			 "so it cannot power off gracefully; `hvctl destroy "
			 "%s` forces it off", dom->name, dom->name);
		return ret;
	}
	if (ret) {
		snprintf(err, errlen, "%s: %s", dom->name,
			 *domctl_error(dom->d) ? domctl_error(dom->d) :
			 strerror(-ret));
		return ret;
	}
	op = op_new(reboot ? OP_REBOOT : OP_SHUTDOWN, c, id, dom->name, "");
	if (!op)
		return -ENOMEM;
	op->tag.kind = HVD_TAG_OP;
	op->dom = dom;
	op->timeout_ms = timeout_ms ? timeout_ms : 60000;
	op->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	its.it_value.tv_sec = op->timeout_ms / 1000;
	its.it_value.tv_nsec = (long)(op->timeout_ms % 1000) * 1000000;
	if (op->fd < 0 || timerfd_settime(op->fd, 0, &its, NULL) < 0 ||
	    (ret = hvd_watch(h, op->fd, &op->tag)) != 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s: timer: %s", dom->name,
			 op_names[op->kind], strerror(-ret));
		if (op->fd >= 0)
			close(op->fd);
		free(op);
		return ret;
	}
	dom->op = op;
	op->next = h->ops;
	h->ops = op;
	log_info(&h->log, "%s: power button pressed (%s, %u s)", dom->name,
		 op_names[op->kind], op->timeout_ms / 1000);
	if (c)
		hvd_control_progress(h, c, id, dom->name, "waiting for the "
				     "guest to power off", 0, 0);
	return 0;
}

bool hvd_op_power_pending(const struct hvd_domain *dom)
{
	return dom->op && is_power(dom->op);
}

bool hvd_op_domain_stopped(struct hvd *h, struct hvd_domain *dom,
			   struct hvd_op **later)
{
	struct hvd_op *op = dom->op;
	struct hvd_domain *n = NULL;
	int ret;

	*later = NULL;
	if (!op || !is_power(op))
		return false;
	if (dom->st.state == DOMCTL_STATE_CRASHED || op->kind == OP_SHUTDOWN) {
		/* its policy applies first: the reply then tells the
		 * outcome (on_poweroff = destroy: the domain is gone) */
		op->status = 0;
		if (dom->st.state == DOMCTL_STATE_CRASHED) {
			snprintf(op->error, sizeof(op->error), "%s crashed "
				 "instead of powering off", op->name);
			op->status = -EIO;
		}
		op->dom = NULL;
		dom->op = NULL;
		*later = op;
		return false;
	}
	/* a reboot: the same domain again, whatever on_poweroff says */
	op->dom = NULL;
	dom->op = NULL;
	ret = hvd_domain_restart(h, dom, &n, op->error, sizeof(op->error));
	power_done(h, op, ret, ret ? NULL : n);
	return true;
}

void hvd_op_power_reply(struct hvd *h, struct hvd_op *op)
{
	power_done(h, op, op->status, NULL);
}

void hvd_op_kill_all(struct hvd *h)
{
	while (h->ops) {
		struct hvd_op *op = h->ops;

		if (!op->reaped && op->pid > 0) {
			kill(op->pid, SIGKILL);
			if (waitpid(op->pid, &op->wstatus, 0) == op->pid)
				op->reaped = true;
		}
		op->client = NULL;
		if (op->group)
			op->group->client = NULL;
		op_finish(h, op);
	}
}
