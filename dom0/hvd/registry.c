// SPDX-License-Identifier: MIT
/*
 * hvd's domains: created from a config, found again in the state dir
 * after a restart (reattached while their hvdomain runs), supervised
 * through a domctl connection each, destroyed.
 *
 * STATE/domains/UUID/ holds config.pb (the DomainConfig, packed), domid,
 * hvdomain.pid, hvdomain.log and domctl.sock; after a managed save,
 * managed.save (and managed.paused if it was paused) instead of the pid
 * and the socket.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include "hvd.h"
#include "atomic_file.h"
#include "domain_args.h"
#include "domain_config.h"
#include "domain_spawn.h"
#include "domain_save.h"

static int write_file(const char *dir, const char *name, const void *buf,
		      size_t len)
{
	char path[320], err[400];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return atomic_file_write(path, buf, len, 0600, err, sizeof(err));
}

/* Reads a small file whole (at most @cap bytes); its length or -errno. */
static ssize_t read_file(const char *dir, const char *name, void *buf,
			 size_t cap)
{
	char path[320];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

static void unlink_in(const char *dir, const char *name)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static void remove_dir(const char *dir)
{
	static const char *const files[] = { "config", "config.pb", "domid",
		"hvdomain.pid", "hvdomain.log", "domctl.sock",
		HVD_MANAGED_SAVE, HVD_MANAGED_PAUSED };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink_in(dir, files[i]);
	rmdir(dir);
}

void hvd_domain_cleanup_dir(const char *dir, pid_t pid, bool keep_saved)
{
	domain_spawn_kill(pid);
	if (!keep_saved) {
		remove_dir(dir);
		return;
	}
	unlink_in(dir, "hvdomain.pid");
	unlink_in(dir, "domctl.sock");
}

static void domain_free(struct hvd_domain *dom)
{
	if (!dom)
		return;
	domctl_close(dom->d);
	if (dom->config)
		hv__domain_config__free_unpacked(dom->config, NULL);
	free(dom);
}

static void unlink_domain(struct hvd *h, struct hvd_domain *dom)
{
	for (struct hvd_domain **p = &h->domains; *p; p = &(*p)->next) {
		if (*p == dom) {
			*p = dom->next;
			return;
		}
	}
}

static void set_paths(struct hvd *h, struct hvd_domain *dom)
{
	uuid_unparse_lower(dom->uuid, dom->uuid_str);
	snprintf(dom->dir, sizeof(dom->dir), "%s/domains/%s", h->state_dir,
		 dom->uuid_str);
	snprintf(dom->sock, sizeof(dom->sock), "%s/domctl.sock", dom->dir);
}

/* Connects hvd's supervising connection and watches it. */
static int attach(struct hvd *h, struct hvd_domain *dom)
{
	char err[256];
	int ret;

	ret = domctl_connect(&dom->d, dom->sock, HVD_VERSION, err,
			     sizeof(err));
	if (ret)
		return ret;
	domctl_set_timeout(dom->d, 30000);
	ret = domctl_get_state(dom->d, &dom->st);
	if (!ret)
		ret = hvd_watch(h, domctl_fd(dom->d), &dom->tag);
	if (ret) {
		domctl_close(dom->d);
		dom->d = NULL;
	}
	return ret;
}

/* A domain directory's files, read into a new (unlisted) domain. */
static struct hvd_domain *load_dir(struct hvd *h, const char *uuid_str)
{
	struct hvd_domain *dom = calloc(1, sizeof(*dom));
	static uint8_t buf[65536];
	char num[32];
	ssize_t n;

	if (!dom || uuid_parse(uuid_str, dom->uuid)) {
		free(dom);
		return NULL;
	}
	dom->tag.kind = HVD_TAG_DOMAIN;
	set_paths(h, dom);
	n = read_file(dom->dir, "config.pb", buf, sizeof(buf));
	dom->config = n > 0 ? hv__domain_config__unpack(NULL, (size_t)n, buf)
			    : NULL;
	if (!dom->config) {
		log_warn(&h->log, "%s: no readable config.pb: skipped",
			 dom->dir);
		free(dom);
		return NULL;
	}
	snprintf(dom->name, sizeof(dom->name), "%s", dom->config->name);
	n = read_file(dom->dir, "domid", num, sizeof(num) - 1);
	dom->domid = n > 0 ? (uint32_t)strtoul((num[n] = '\0', num), NULL, 10)
			   : 0;
	n = read_file(dom->dir, "hvdomain.pid", num, sizeof(num) - 1);
	dom->pid = n > 0 ? (pid_t)strtol((num[n] = '\0', num), NULL, 10) : 0;
	return dom;
}

/* One domain directory found at start-up. */
static void load_one(struct hvd *h, const char *uuid_str)
{
	struct hvd_domain *dom = load_dir(h, uuid_str);
	char path[320];

	if (!dom)
		return;
	if (dom->domid >= h->next_domid)
		h->next_domid = dom->domid + 1;
	snprintf(path, sizeof(path), "%s/" HVD_MANAGED_SAVE, dom->dir);
	if (attach(h, dom) == 0) {
		log_info(&h->log, "%s: reattached (hvdomain %d, %s)",
			 dom->name, (int)dom->pid,
			 domctl_state_name(dom->st.state));
	} else if (access(path, F_OK) == 0) {
		/* hvd_op_restore_saved() brings it back */
		dom->pid = 0;
		dom->st.state = DOMCTL_STATE_UNKNOWN;
		dom->saved = true;
		log_info(&h->log, "%s: has a managed save", dom->name);
	} else {
		/* its hvdomain is gone: it died while hvd was away */
		dom->pid = 0;
		dom->st.state = DOMCTL_STATE_UNKNOWN;
		log_warn(&h->log, "%s: its hvdomain is gone; the domain is "
			 "off (hvctl destroy forgets it)", dom->name);
	}
	dom->next = h->domains;
	h->domains = dom;
}

int hvd_registry_load(struct hvd *h)
{
	char path[300];
	struct dirent *e;
	DIR *d;

	h->next_domid = 1;
	snprintf(path, sizeof(path), "%s/domains", h->state_dir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		log_err(&h->log, "%s: %s", path, strerror(errno));
		return -errno;
	}
	d = opendir(path);
	if (!d) {
		log_err(&h->log, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			load_one(h, e->d_name);
	closedir(d);
	return 0;
}

struct hvd_domain *hvd_domain_find(struct hvd *h, const char *ref)
{
	uuid_t u;
	char *end;
	unsigned long id = strtoul(ref, &end, 10);
	bool is_id = *ref && !*end;
	bool is_uuid = uuid_parse(ref, u) == 0;

	for (struct hvd_domain *d = h->domains; d; d = d->next) {
		if (!strcmp(d->name, ref) ||
		    (is_uuid && !memcmp(d->uuid, u, 16)) ||
		    (is_id && d->domid == id))
			return d;
	}
	return NULL;
}

/* A domain that never made it to the list: its hvdomain killed and
 * reaped, its directory removed. */
static void abandon(struct hvd *h, struct hvd_domain *dom)
{
	(void)h;
	domain_spawn_kill(dom->pid);
	remove_dir(dom->dir);
	domain_free(dom);
}

/*
 * A new domain's directory and hvdomain (--incoming when @incoming),
 * connected but neither watched nor listed: register() does that. Its
 * id is @domid (0: the next free one). With @into, the domain with a
 * managed save this one comes back as: its directory, id and uuid. On
 * failure nothing is left (of @into's directory: what it had).
 */
/*
 * The config file of a domain that came in a stream (restore, managed
 * restore, restart of one of those): the canonical text of its
 * DomainConfig, so DIR/config always says what the domain is. A config
 * that does not format (a stream from an hvdomain run by hand, without
 * a kernel in it) leaves no file, which is not an error.
 */
static int write_config_text(struct hvd *h, struct hvd_domain *dom)
{
	struct domain_config c;
	char err[256], *text = NULL;
	size_t len;
	int ret;

	ret = domain_config_from_pb(&c, dom->config);
	if (ret)
		return ret == -ENOMEM ? ret : 0;
	ret = domain_config_format(&c, &text, &len, err, sizeof(err));
	domain_config_free(&c);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		log_debug(&h->log, "%s: no config file: %s", dom->name, err);
		return 0;
	}
	ret = write_file(dom->dir, "config", text, len);
	free(text);
	return ret;
}

static int spawn_domain(struct hvd *h, const Hv__DomainConfig *cfg,
			const char *text, bool incoming, uint32_t domid_in,
			const struct hvd_domain *into,
			struct hvd_domain **out, char *err, size_t errlen)
{
	struct hvd_domain *dom = calloc(1, sizeof(*dom));
	struct domain_spawn sp = { 0 };
	struct domain_proc proc = { 0 };
	struct domain_args a;
	const char *argv[DOMAIN_ARGS_MAX + 4];
	char domid[16], pidbuf[16], log_path[320];
	uint8_t *packed = NULL;
	size_t len;
	int ret, logfd = -1, n = 0;

	if (!dom)
		return -ENOMEM;
	dom->tag.kind = HVD_TAG_DOMAIN;
	/* a saved config may carry no uuid (hvdomain's has none) */
	if (into && cfg->uuid.len == 16 &&
	    memcmp(cfg->uuid.data, into->uuid, 16)) {
		snprintf(err, errlen, "%s: the managed save is of another "
			 "domain (uuid)", into->dir);
		ret = -EINVAL;
		goto fail;
	}
	if (!into && hvd_domain_find(h, cfg->name)) {
		snprintf(err, errlen, "a domain named '%s' exists already",
			 cfg->name);
		ret = -EEXIST;
		goto fail;
	}
	/* our own copy, with a uuid made when the config has none */
	if (into)
		memcpy(dom->uuid, into->uuid, 16);
	else if (cfg->uuid.len == 16)
		memcpy(dom->uuid, cfg->uuid.data, 16);
	else
		uuid_generate(dom->uuid);
	{
		Hv__DomainConfig c = *cfg;

		c.uuid.data = dom->uuid;
		c.uuid.len = 16;
		len = hv__domain_config__get_packed_size(&c);
		packed = malloc(len + 1);
		if (packed) {
			hv__domain_config__pack(&c, packed);
			dom->config = hv__domain_config__unpack(NULL, len,
								packed);
		}
	}
	if (!dom->config) {
		ret = -ENOMEM;
		goto fail;
	}
	for (struct hvd_domain *d = h->domains; d && !into; d = d->next) {
		if (!memcmp(d->uuid, dom->uuid, 16)) {
			snprintf(err, errlen, "uuid in use by domain '%s'",
				 d->name);
			ret = -EEXIST;
			goto fail;
		}
	}
	snprintf(dom->name, sizeof(dom->name), "%s", cfg->name);
	set_paths(h, dom);
	dom->domid = into ? into->domid : domid_in ? domid_in :
		     h->next_domid++;
	if (mkdir(dom->dir, 0700) < 0 && !(into && errno == EEXIST)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dom->dir, strerror(-ret));
		goto fail;
	}
	snprintf(domid, sizeof(domid), "%u", dom->domid);
	ret = write_file(dom->dir, "config.pb", packed, len);
	if (!ret && text)
		ret = write_file(dom->dir, "config", text, strlen(text));
	else if (!ret)
		ret = write_config_text(h, dom);	/* from a stream */
	if (!ret)
		ret = write_file(dom->dir, "domid", domid, strlen(domid));
	if (ret) {
		snprintf(err, errlen, "%s: writing its files: %s", dom->dir,
			 strerror(-ret));
		goto fail_dir;
	}
	ret = domain_args_from_config(&a, dom->config, NULL, incoming,
				      &h->log);
	if (ret) {
		snprintf(err, errlen, "config: not a domain hvdomain can run "
			 "(see hvd's log)");
		goto fail_dir;
	}
	for (int i = 0; i < a.argc; i++)
		argv[n++] = a.argv[i];
	argv[n++] = "--domid";
	argv[n++] = domid;
	argv[n] = NULL;
	snprintf(log_path, sizeof(log_path), "%s/hvdomain.log", dom->dir);
	logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		     0600);
	sp.hvdomain = h->hvdomain;
	sp.socket = dom->sock;
	sp.args = argv;
	sp.out_fd = logfd;
	sp.ready_timeout_ms = 30000;
	sp.client = HVD_VERSION;
	ret = domain_spawn(&sp, &proc, &h->log);
	if (logfd >= 0)
		close(logfd);
	if (ret) {
		snprintf(err, errlen, "starting hvdomain failed: %s (its log: "
			 "%s)", strerror(-ret), log_path);
		goto fail_dir;
	}
	dom->pid = proc.pid;
	dom->child = true;
	dom->d = proc.d;
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)dom->pid);
	ret = write_file(dom->dir, "hvdomain.pid", pidbuf, strlen(pidbuf));
	if (ret) {
		snprintf(err, errlen, "%s: hvdomain.pid: %s", dom->dir,
			 strerror(-ret));
		free(packed);
		domain_spawn_kill(dom->pid);
		hvd_domain_cleanup_dir(dom->dir, 0, into != NULL);
		domain_free(dom);
		return ret;
	}
	free(packed);
	*out = dom;
	return 0;

fail_dir:
	hvd_domain_cleanup_dir(dom->dir, 0, into != NULL);
fail:
	free(packed);
	domain_free(dom);
	return ret;
}

/* Watches a spawned domain, runs it unless @paused, and lists it. On
 * failure the domain is destroyed and gone. */
static int register_domain(struct hvd *h, struct hvd_domain *dom,
			   bool paused, char *err, size_t errlen)
{
	int ret = hvd_watch(h, domctl_fd(dom->d), &dom->tag);

	if (!ret && !paused)
		ret = domctl_unpause(dom->d, &dom->st);
	else if (!ret)
		ret = domctl_get_state(dom->d, &dom->st);
	if (ret) {
		snprintf(err, errlen, "starting the domain: %s",
			 *domctl_error(dom->d) ? domctl_error(dom->d) :
			 strerror(-ret));
		hvd_unwatch(h, domctl_fd(dom->d));
		if (domctl_destroy(dom->d))
			log_warn(&h->log, "%s: destroy after a failed start: "
				 "%s", dom->name, domctl_error(dom->d));
		abandon(h, dom);
		return ret;
	}
	dom->next = h->domains;
	h->domains = dom;
	return 0;
}

int hvd_domain_create(struct hvd *h, const Hv__DomainConfig *cfg,
		      const char *text, bool paused, struct hvd_domain **out,
		      char *err, size_t errlen)
{
	struct hvd_domain *dom;
	int ret = spawn_domain(h, cfg, text, false, 0, NULL, &dom, err,
			       errlen);

	if (!ret)
		ret = register_domain(h, dom, paused, err, errlen);
	if (ret)
		return ret;
	log_info(&h->log, "%s: created (domid %u, hvdomain %d)", dom->name,
		 dom->domid, (int)dom->pid);
	*out = dom;
	return 0;
}

struct restoring {
	struct hvd *h;
	uint32_t domid;
	const struct hvd_domain *into;
	struct hvd_domain *dom;
	void (*created)(void *opaque, const struct hvd_domain *dom);
	void *opaque;
	char err[512];
};

/* domain_restore's callback: the stream's config as an incoming domain;
 * the connection goes to domain_restore until it is done. */
static int restore_create(void *opaque, const Hv__DomainConfig *cfg,
			  struct domctl **out)
{
	struct restoring *r = opaque;
	int ret = spawn_domain(r->h, cfg, NULL, true, r->domid, r->into,
			       &r->dom, r->err, sizeof(r->err));

	if (ret) {
		log_err(&r->h->log, "restore: %s", r->err);
		return ret;
	}
	r->created(r->opaque, r->dom);
	*out = r->dom->d;
	r->dom->d = NULL;
	return 0;
}

int hvd_domain_restore_helper(struct hvd *h, const char *path,
			      uint32_t domid, const struct hvd_domain *into,
			      const struct domain_progress *p,
			      void (*created)(void *opaque,
					      const struct hvd_domain *dom),
			      void *opaque)
{
	struct restoring r = { .h = h, .domid = domid, .into = into,
			       .created = created, .opaque = opaque };
	struct domctl *d = NULL;
	int ret;

	ret = domain_restore_progress(path, restore_create, &r, p, &d,
				      &h->log);
	if (ret) {
		if (r.dom) {	/* domain_restore closed d */
			hvd_domain_cleanup_dir(r.dom->dir, r.dom->pid,
					       into != NULL);
			domain_free(r.dom);
		}
		return ret;
	}
	/* incoming; hvd adopts it (hvd_domain_adopt) */
	domctl_close(d);
	domain_free(r.dom);
	return 0;
}

int hvd_domain_adopt(struct hvd *h, const char *uuid, struct hvd_domain *into,
		     bool paused, struct hvd_domain **out, char *err,
		     size_t errlen)
{
	struct hvd_domain *dom = into;
	int ret;

	if (!dom) {
		dom = load_dir(h, uuid);
		if (!dom) {
			snprintf(err, errlen, "%s/domains/%s: the restored "
				 "domain's files are unreadable", h->state_dir,
				 uuid);
			return -EIO;
		}
		if (hvd_domain_find(h, dom->name)) {
			snprintf(err, errlen, "a domain named '%s' exists "
				 "already", dom->name);
			ret = -EEXIST;
			goto fail;
		}
	} else {
		char num[32];
		ssize_t n = read_file(dom->dir, "hvdomain.pid", num,
				      sizeof(num) - 1);

		dom->pid = n > 0 ? (pid_t)strtol((num[n] = '\0', num), NULL,
						 10) : 0;
	}
	/* the helper's child, ours since it exited (PR_SET_CHILD_SUBREAPER) */
	dom->child = true;
	ret = attach(h, dom);
	if (ret) {
		snprintf(err, errlen, "connecting to the restored domain: %s",
			 strerror(-ret));
		goto fail;
	}
	ret = paused ? 0 : domctl_unpause(dom->d, &dom->st);
	if (ret) {
		snprintf(err, errlen, "starting the restored domain: %s",
			 domctl_error(dom->d));
		hvd_unwatch(h, domctl_fd(dom->d));
		goto fail;
	}
	if (!into) {
		dom->next = h->domains;
		h->domains = dom;
	}
	dom->saved = false;
	dom->saved_error[0] = '\0';
	*out = dom;
	return 0;

fail:
	hvd_domain_cleanup_dir(dom->dir, dom->pid, into != NULL);
	domctl_close(dom->d);
	dom->d = NULL;
	dom->pid = 0;
	if (!into)
		domain_free(dom);
	return ret;
}

/* Ends its hvdomain (a Destroy, else SIGKILL) and waits for our child. */
static void stop_hvdomain(struct hvd *h, struct hvd_domain *dom)
{
	if (dom->d) {
		hvd_unwatch(h, domctl_fd(dom->d));
		if (domctl_destroy(dom->d) && dom->pid > 0)
			kill(dom->pid, SIGKILL);
		domctl_close(dom->d);
		dom->d = NULL;
	}
	if (dom->child && dom->pid > 0)
		waitpid(dom->pid, NULL, 0);	/* exits after the reply */
}

void hvd_domain_stop_saved(struct hvd *h, struct hvd_domain *dom)
{
	stop_hvdomain(h, dom);
	unlink_in(dom->dir, "hvdomain.pid");
	unlink_in(dom->dir, "domctl.sock");
	dom->pid = 0;
	dom->child = false;
	dom->saved = true;
	memset(&dom->st, 0, sizeof(dom->st));
	dom->st.state = DOMCTL_STATE_UNKNOWN;
	log_info(&h->log, "%s: saved to %s/" HVD_MANAGED_SAVE "; its "
		 "hvdomain ended", dom->name, dom->dir);
}

int hvd_domain_destroy(struct hvd *h, struct hvd_domain *dom, char *err,
		       size_t errlen)
{
	stop_hvdomain(h, dom);
	(void)err;
	(void)errlen;
	hvd_op_domain_gone(h, dom);
	log_info(&h->log, "%s: destroyed", dom->name);
	remove_dir(dom->dir);
	unlink_domain(h, dom);
	domain_free(dom);
	return 0;
}

int hvd_domain_restart(struct hvd *h, struct hvd_domain *dom,
		       struct hvd_domain **out, char *err, size_t errlen)
{
	Hv__DomainConfig *cfg = dom->config;
	static char text[65537];
	ssize_t len;
	int ret;

	/* the same domain again: its config, its kept text */
	len = read_file(dom->dir, "config", text, sizeof(text) - 1);
	text[len > 0 ? len : 0] = '\0';
	dom->config = NULL;
	hvd_domain_destroy(h, dom, err, errlen);
	ret = hvd_domain_create(h, cfg, len > 0 ? text : NULL, false, out, err,
				errlen);
	if (ret)
		log_err(&h->log, "%s: restart failed: %s", cfg->name, err);
	hv__domain_config__free_unpacked(cfg, NULL);
	return ret;
}

/* The guest stopped: its on_poweroff / on_reboot / on_crash. */
static void apply_policy(struct hvd *h, struct hvd_domain *dom)
{
	Hv__DomainAction act;
	struct hvd_domain *n;
	char err[256];

	/* ACTION_DEFAULT (a config from before the policies were kept, or
	 * from hvdomain): xl's defaults, as docs/config.md says */
	if (dom->st.state == DOMCTL_STATE_CRASHED) {
		act = dom->config->on_crash;
		if (act == HV__DOMAIN_ACTION__ACTION_DEFAULT)
			act = HV__DOMAIN_ACTION__ACTION_DESTROY;
	} else if (dom->st.reason == DOMCTL_REASON_REBOOT) {
		act = dom->config->on_reboot;
		if (act == HV__DOMAIN_ACTION__ACTION_DEFAULT)
			act = HV__DOMAIN_ACTION__ACTION_RESTART;
	} else {
		act = dom->config->on_poweroff;
		if (act == HV__DOMAIN_ACTION__ACTION_DEFAULT)
			act = HV__DOMAIN_ACTION__ACTION_DESTROY;
	}
	log_info(&h->log, "%s: %s (code %d): action %d", dom->name,
		 domctl_state_name(dom->st.state), dom->st.code, (int)act);
	if (act == HV__DOMAIN_ACTION__ACTION_DESTROY)
		hvd_domain_destroy(h, dom, err, sizeof(err));
	else if (act == HV__DOMAIN_ACTION__ACTION_RESTART)
		(void)hvd_domain_restart(h, dom, &n, err, sizeof(err));
	/* preserve: stays as it is until destroyed */
}

void hvd_domain_event(struct hvd *h, struct hvd_domain *dom)
{
	struct domctl_event ev;
	int ret;

	while ((ret = domctl_next_event(dom->d, &ev, 0)) == 0) {
		if (ev.kind == DOMCTL_EVENT_STATE) {
			dom->st = ev.status;
			if (ev.status.state == DOMCTL_STATE_SHUTDOWN ||
			    ev.status.state == DOMCTL_STATE_CRASHED) {
				domctl_event_free(&ev);
				struct hvd_op *later;

				/* a reboot request restarts it itself */
				if (!hvd_op_domain_stopped(h, dom, &later))
					apply_policy(h, dom);	/* may free dom */
				if (later)
					hvd_op_power_reply(h, later);
				return;
			}
		}
		domctl_event_free(&ev);
	}
	if (ret == -ETIMEDOUT)
		return;
	/* its hvdomain is gone without a Destroy: it crashed */
	log_err(&h->log, "%s: hvdomain %d went away: %s", dom->name,
		(int)dom->pid, domctl_error(dom->d));
	hvd_unwatch(h, domctl_fd(dom->d));
	domctl_close(dom->d);
	dom->d = NULL;
	dom->st.state = DOMCTL_STATE_CRASHED;
	dom->st.reason = DOMCTL_REASON_CRASH;
	dom->st.code = -ESRCH;
	apply_policy(h, dom);
}

void hvd_reap_children(struct hvd *h)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		char why[96];

		if (hvd_op_reaped(h, pid, status))
			continue;
		domain_wait_status(status, why, sizeof(why));
		for (struct hvd_domain *d = h->domains; d; d = d->next)
			if (d->pid == pid) {
				log_info(&h->log, "%s: hvdomain %d %s",
					 d->name, (int)pid, why);
				d->pid = 0;
			}
	}
}

void hvd_registry_free(struct hvd *h)
{
	while (h->domains) {
		struct hvd_domain *d = h->domains;

		h->domains = d->next;
		domain_free(d);	/* hvdomains run on: hvd is not the guest */
	}
}
