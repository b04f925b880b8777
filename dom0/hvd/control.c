// SPDX-License-Identifier: MIT
/*
 * hvd's control socket (docs/control.md): SOCK_SEQPACKET, domctl's
 * framing, a versioned hello, then requests answered one by one. A reply
 * never waits for a client: it is sent without blocking, and a client
 * whose socket buffer (over 400 KiB) is full is disconnected.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "hvd.h"
#include "domctl/frame.h"
#include "domctl/listen.h"
#include "proto/control.pb-c.h"

#define CTL_MAX_CLIENTS 64

struct hvd_client {
	struct hvd_tag tag;		/* HVD_TAG_CLIENT; first */
	struct hvd_client *next;
	int fd;
	bool hello_done;
	char name[48];
};

int hvd_control_listen(struct hvd *h)
{
	char dir[PATH_MAX], err[400], *slash;
	struct group *g;
	int fd;

	/* its directory (/run/hv by default) may not exist yet */
	snprintf(dir, sizeof(dir), "%s", h->control_path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			log_warn(&h->log, "%s: %s", dir, strerror(errno));
	}
	fd = seqpacket_listen(h->control_path, 0117, 64, err, sizeof(err));
	if (fd < 0) {
		log_err(&h->log, "--control %s", err);
		return fd;
	}
	/* root:hv 0660 (docs/security.md); without an hv group, root only */
	g = getgrnam("hv");
	if (g && chown(h->control_path, 0, g->gr_gid) < 0)
		log_warn(&h->log, "%s: chown root:hv: %s", h->control_path,
			 strerror(errno));
	h->control_fd = fd;
	h->control_tag.kind = HVD_TAG_CONTROL;
	return hvd_watch(h, fd, &h->control_tag);
}

static void client_close(struct hvd *h, struct hvd_client *c)
{
	hvd_peer_client_gone(h, c);
	for (struct hvd_client **p = &h->clients; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	hvd_op_client_gone(h, c);	/* its operations go on */
	hvd_unwatch(h, c->fd);
	close(c->fd);
	free(c);
}

void hvd_control_accept(struct hvd *h)
{
	for (;;) {
		int fd = accept4(h->control_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct hvd_client *c;
		unsigned n = 0;

		if (fd < 0)
			return;
		for (c = h->clients; c; c = c->next)
			n++;
		c = n < CTL_MAX_CLIENTS ? calloc(1, sizeof(*c)) : NULL;
		if (!c) {
			log_warn(&h->log, "control: refusing a client: %u "
				 "connected", n);
			close(fd);
			continue;
		}
		c->tag.kind = HVD_TAG_CLIENT;
		c->fd = fd;
		if (hvd_watch(h, fd, &c->tag)) {
			close(fd);
			free(c);
			continue;
		}
		c->next = h->clients;
		h->clients = c;
	}
}

/* Sends @m; false when the client must go. */
static bool send_msg(struct hvd *h, struct hvd_client *c,
		     const Hv__CtlServerMessage *m)
{
	uint8_t *rec;
	size_t len;
	int ret = domctl_frame_pack(&m->base, &rec, &len);

	if (!ret) {
		ret = domctl_frame_send(c->fd, rec, len, -1, MSG_DONTWAIT);
		free(rec);
	}
	if (ret)
		log_warn(&h->log, "control: %s: %s; disconnected",
			 c->name[0] ? c->name : "client", ret == -EAGAIN ?
			 "does not read its replies" : strerror(-ret));
	return ret == 0;
}

static bool hello(struct hvd *h, struct hvd_client *c, int status,
		  const char *why)
{
	Hv__CtlServerMessage m = HV__CTL_SERVER_MESSAGE__INIT;
	Hv__CtlHelloReply r = HV__CTL_HELLO_REPLY__INIT;

	r.status = status;
	r.error = (char *)(why ? why : "");
	r.version = status ? 0 : HV__CTL_PROTOCOL__CTL_VERSION;
	r.min_version = r.max_version = HV__CTL_PROTOCOL__CTL_VERSION;
	r.host = (char *)h->name;
	r.hv_version = HVD_VERSION;
	m.msg_case = HV__CTL_SERVER_MESSAGE__MSG_HELLO_REPLY;
	m.hello_reply = &r;
	return send_msg(h, c, &m) && status == 0;
}

void hvd_control_send_reply(struct hvd *h, struct hvd_client *c,
			    Hv__CtlReply *r)
{
	Hv__CtlServerMessage m = HV__CTL_SERVER_MESSAGE__INIT;

	m.msg_case = HV__CTL_SERVER_MESSAGE__MSG_REPLY;
	m.reply = r;
	if (!send_msg(h, c, &m))
		client_close(h, c);
}

/* A protocol error after the hello: reply id 0, then close. */
static void protocol_error(struct hvd *h, struct hvd_client *c, int status,
			   const char *why)
{
	Hv__CtlServerMessage m = HV__CTL_SERVER_MESSAGE__INIT;
	Hv__CtlReply r = HV__CTL_REPLY__INIT;

	log_warn(&h->log, "control: %s: %s; closing", c->name[0] ? c->name :
		 "client", why);
	r.status = status;
	r.error = (char *)why;
	m.msg_case = HV__CTL_SERVER_MESSAGE__MSG_REPLY;
	m.reply = &r;
	(void)send_msg(h, c, &m);
}

/* Storage for one DomainInfo answer. */
struct info_buf {
	Hv__CtlDomainInfo info;
};

static void fill_info(Hv__CtlDomainInfo *i, const struct hvd_domain *d)
{
	hv__ctl_domain_info__init(i);
	i->domid = d->domid;
	i->uuid.data = (uint8_t *)d->uuid;
	i->uuid.len = 16;
	i->name = (char *)d->name;
	i->state = (Hv__DomainState)d->st.state;
	/* restored paused (restore -p, a managed save of a paused domain):
	 * to the admin it is paused, and unpause resumes it */
	if (d->st.state == DOMCTL_STATE_INCOMING && !d->op)
		i->state = HV__DOMAIN_STATE__STATE_PAUSED;
	i->reason = (Hv__ShutdownReason)d->st.reason;
	i->code = d->st.code;
	i->vcpus = d->config->vcpus;
	i->memory_mib = d->config->memory_bytes >> 20;
	i->pid = d->pid > 0 ? (uint32_t)d->pid : 0;
	i->socket = (char *)(d->d ? d->sock : "");
	i->config = d->config;
	i->operation = (char *)hvd_op_name(d);
	i->saved = d->saved;
	i->saved_error = (char *)d->saved_error;
}

static void host_info(struct hvd *h, Hv__CtlHostInfo *hi)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	hv__ctl_host_info__init(hi);
	hi->name = (char *)h->name;
	hi->hv_version = HVD_VERSION;
	hi->host_cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	hi->host_memory_mib = (uint64_t)pages * (uint64_t)psz >> 20;
	for (struct hvd_domain *d = h->domains; d; d = d->next) {
		hi->domains++;
		if (d->st.state == DOMCTL_STATE_RUNNING)
			hi->domains_running++;
	}
	hi->state_dir = (char *)h->state_dir;
}

/* The domain @ref names, or NULL with -ENOENT and a message. */
static struct hvd_domain *find(struct hvd *h, const char *ref, int *ret,
			       char *err, size_t errlen)
{
	struct hvd_domain *d = ref && *ref ? hvd_domain_find(h, ref) : NULL;

	if (!d) {
		snprintf(err, errlen, "no domain '%s' on host %s (hvctl list "
			 "shows them)", ref ? ref : "", h->name);
		*ret = -ENOENT;
	}
	return d;
}

/* Paths travel absolute: hvd's working directory is not the client's. */
static int check_path(const char *what, const char *path, char *err,
		      size_t errlen)
{
	if (path[0] == '/')
		return 0;
	snprintf(err, errlen, "%s: '%s' is not an absolute path", what, path);
	return -EINVAL;
}

/* Requests that change a domain wait for its long operation to end. */
static int busy(const struct hvd_domain *d, char *err, size_t errlen)
{
	if (!d->op)
		return 0;
	snprintf(err, errlen, "domain %s: %s in progress", d->name,
		 hvd_op_name(d));
	return -EBUSY;
}

static int pause_unpause(struct hvd_domain *d, bool pause, char *err,
			 size_t errlen)
{
	int ret = busy(d, err, errlen);

	if (ret)
		return ret;
	if (!d->d) {
		snprintf(err, errlen, "domain '%s' is off", d->name);
		return -ESRCH;
	}
	ret = pause ? domctl_pause(d->d, &d->st) : domctl_unpause(d->d, &d->st);
	if (ret)
		snprintf(err, errlen, "%s", domctl_error(d->d));
	return ret;
}

static int list_reply(struct hvd *h, Hv__CtlDomainList *list,
		      Hv__CtlDomainInfo ***rows, Hv__CtlDomainInfo **row_buf)
{
	size_t n = 0, i = 0;

	for (struct hvd_domain *d = h->domains; d; d = d->next)
		n++;
	*rows = calloc(n + 1, sizeof(**rows));
	*row_buf = calloc(n + 1, sizeof(**row_buf));
	if (!*rows || !*row_buf)
		return -ENOMEM;
	for (struct hvd_domain *d = h->domains; d; d = d->next, i++) {
		fill_info(&(*row_buf)[i], d);
		(*rows)[i] = &(*row_buf)[i];
	}
	list->n_domains = n;
	list->domains = *rows;
	return 0;
}

static void do_request(struct hvd *h, struct hvd_client *c,
		       const Hv__CtlRequest *q)
{
	Hv__CtlServerMessage m = HV__CTL_SERVER_MESSAGE__INIT;
	Hv__CtlReply r = HV__CTL_REPLY__INIT;
	Hv__CtlDomainList list = HV__CTL_DOMAIN_LIST__INIT;
	Hv__CtlDomainInfo one, **rows = NULL, *row_buf = NULL;
	Hv__CtlHostInfo hi;
	Hv__DomainConfig *cfg = NULL;
	char *canon = NULL;
	struct hvd_domain *d = NULL;
	char err[512] = "";
	bool pending = false;
	int ret = 0;

	r.id = q->id;
	switch (q->req_case) {
	case HV__CTL_REQUEST__REQ_LIST:
		ret = list_reply(h, &list, &rows, &row_buf);
		r.result_case = HV__CTL_REPLY__RESULT_LIST;
		r.list = &list;
		break;
	case HV__CTL_REQUEST__REQ_INFO:
		d = find(h, q->info->domain, &ret, err, sizeof(err));
		break;
	case HV__CTL_REQUEST__REQ_CREATE:
		ret = hvd_config_parse(q->create->config_text,
				       strlen(q->create->config_text),
				       *q->create->config_name ?
				       q->create->config_name : "config",
				       &cfg, &canon, err, sizeof(err));
		if (!ret)
			ret = hvd_domain_create(h, cfg, canon,
						q->create->paused, &d, err,
						sizeof(err));
		break;
	case HV__CTL_REQUEST__REQ_PAUSE:
		d = find(h, q->pause->domain, &ret, err, sizeof(err));
		if (d)
			ret = pause_unpause(d, true, err, sizeof(err));
		break;
	case HV__CTL_REQUEST__REQ_UNPAUSE:
		d = find(h, q->unpause->domain, &ret, err, sizeof(err));
		if (d)
			ret = pause_unpause(d, false, err, sizeof(err));
		break;
	case HV__CTL_REQUEST__REQ_DESTROY:
		d = find(h, q->destroy->domain, &ret, err, sizeof(err));
		/* destroy is how a shutdown that takes too long is forced */
		if (d && !hvd_op_power_pending(d))
			ret = busy(d, err, sizeof(err));
		if (d && !ret)
			ret = hvd_domain_destroy(h, d, err, sizeof(err));
		d = NULL;
		break;
	/* long requests: answered by ops.c when their helper ends */
	case HV__CTL_REQUEST__REQ_SAVE:
		d = find(h, q->save->domain, &ret, err, sizeof(err));
		if (d)
			ret = check_path("save", q->save->path, err,
					 sizeof(err));
		if (d && !ret)
			ret = hvd_op_save(h, c, q->id, d, q->save->path,
					  q->save->keep_running, err,
					  sizeof(err));
		d = NULL;
		pending = !ret;
		break;
	case HV__CTL_REQUEST__REQ_RESTORE:
		ret = check_path("restore", q->restore->path, err,
				 sizeof(err));
		if (!ret)
			ret = hvd_op_restore(h, c, q->id, q->restore->path,
					     q->restore->paused, err,
					     sizeof(err));
		pending = !ret;
		break;
	case HV__CTL_REQUEST__REQ_SHUTDOWN:
		d = find(h, q->shutdown->domain, &ret, err, sizeof(err));
		if (d)
			ret = hvd_op_power(h, c, q->id, d, false,
					   q->shutdown->timeout_ms, err,
					   sizeof(err));
		d = NULL;
		pending = !ret;
		break;
	case HV__CTL_REQUEST__REQ_REBOOT:
		d = find(h, q->reboot->domain, &ret, err, sizeof(err));
		if (d)
			ret = hvd_op_power(h, c, q->id, d, true,
					   q->reboot->timeout_ms, err,
					   sizeof(err));
		d = NULL;
		pending = !ret;
		break;
	case HV__CTL_REQUEST__REQ_SAVE_ALL:
		ret = hvd_op_save_all(h, c, q->id, err, sizeof(err));
		pending = !ret;
		ret = ret > 0 ? 0 : ret;
		break;
	case HV__CTL_REQUEST__REQ_PING:
		ret = hvd_peer_ping(h, c, q->id, q->ping->address,
				    q->ping->name, q->ping->timeout_ms, err,
				    sizeof(err));
		if (!ret)
			return;	/* peer.c replies when it is done */
		break;
	case HV__CTL_REQUEST__REQ_HOST:
		host_info(h, &hi);
		r.result_case = HV__CTL_REPLY__RESULT_HOST;
		r.host = &hi;
		break;
	default:
		ret = -EOPNOTSUPP;
		snprintf(err, sizeof(err), "request not supported by this "
			 "hvd");
		break;
	}
	if (ret) {
		r.status = ret;
		r.error = err[0] ? err : (char *)strerror(-ret);
		r.result_case = HV__CTL_REPLY__RESULT__NOT_SET;
	} else if (d) {
		fill_info(&one, d);
		r.result_case = HV__CTL_REPLY__RESULT_INFO;
		r.info = &one;
	}
	m.msg_case = HV__CTL_SERVER_MESSAGE__MSG_REPLY;
	m.reply = &r;
	if (!pending && !send_msg(h, c, &m))
		client_close(h, c);
	free(rows);
	free(row_buf);
	free(canon);
	if (cfg)
		hv__domain_config__free_unpacked(cfg, NULL);
}

bool hvd_control_progress(struct hvd *h, struct hvd_client *c, uint64_t id,
			  const char *domain, const char *phase,
			  uint64_t done, uint64_t total)
{
	Hv__CtlServerMessage m = HV__CTL_SERVER_MESSAGE__INIT;
	Hv__CtlProgress p = HV__CTL_PROGRESS__INIT;

	p.id = id;
	p.phase = (char *)phase;
	p.done = done;
	p.total = total;
	p.domain = (char *)domain;
	m.msg_case = HV__CTL_SERVER_MESSAGE__MSG_PROGRESS;
	m.progress = &p;
	if (send_msg(h, c, &m))
		return true;
	client_close(h, c);
	return false;
}

void hvd_control_reply(struct hvd *h, struct hvd_client *c, uint64_t id,
		       int status, const char *err,
		       const struct hvd_domain *dom)
{
	Hv__CtlServerMessage m = HV__CTL_SERVER_MESSAGE__INIT;
	Hv__CtlReply r = HV__CTL_REPLY__INIT;
	Hv__CtlDomainInfo one;

	r.id = id;
	r.status = status;
	if (status) {
		r.error = (char *)(err && *err ? err : strerror(-status));
	} else if (dom) {
		fill_info(&one, dom);
		r.result_case = HV__CTL_REPLY__RESULT_INFO;
		r.info = &one;
	}
	m.msg_case = HV__CTL_SERVER_MESSAGE__MSG_REPLY;
	m.reply = &r;
	if (!send_msg(h, c, &m))
		client_close(h, c);
}

/* A protocol error: as the hello's answer before the handshake. */
static void fail_client(struct hvd *h, struct hvd_client *c, int status,
			const char *why)
{
	if (c->hello_done)
		protocol_error(h, c, status, why);
	else
		hello(h, c, status, why);
}

void hvd_control_serve(struct hvd *h, struct hvd_client *c)
{
	static uint8_t buf[DOMCTL_RECV_BUF];
	Hv__CtlClientMessage *cm;
	char why[160];
	ssize_t n, len;
	int fd;

	n = domctl_frame_recv(c->fd, buf, sizeof(buf), &fd, MSG_DONTWAIT);
	if (n == -EAGAIN)
		return;
	if (fd >= 0) {
		close(fd);
		fail_client(h, c, -EBADMSG, "a descriptor sent to hvd");
		client_close(h, c);
		return;
	}
	if (n <= 0) {
		if (n < 0 && n != -ECONNRESET)
			fail_client(h, c, n == -EMSGSIZE ? -EMSGSIZE :
				    -EBADMSG, n == -EMSGSIZE ? "record larger "
				    "than the 192 KiB limit" : "a bad record");
		client_close(h, c);
		return;
	}
	len = domctl_frame_check(buf, (size_t)n, why, sizeof(why));
	cm = len < 0 ? NULL : hv__ctl_client_message__unpack(NULL,
						(size_t)len,
						buf + DOMCTL_HDR_SIZE);
	if (!cm || cm->msg_case == HV__CTL_CLIENT_MESSAGE__MSG__NOT_SET) {
		fail_client(h, c, len < 0 ? (int)len : -EBADMSG,
			    len < 0 ? why : "not a control message");
		if (cm)
			hv__ctl_client_message__free_unpacked(cm, NULL);
		client_close(h, c);
		return;
	}
	if (!c->hello_done) {
		const Hv__CtlHello *hl = cm->hello;
		bool ok = false;

		if (cm->msg_case != HV__CTL_CLIENT_MESSAGE__MSG_HELLO) {
			hello(h, c, -EBADMSG, "the first message must be the "
			      "hello");
		} else if (hl->min_version > HV__CTL_PROTOCOL__CTL_VERSION ||
			   hl->max_version < HV__CTL_PROTOCOL__CTL_VERSION) {
			snprintf(why, sizeof(why), "client speaks control "
				 "protocol %u..%u, this hvd %u..%u",
				 hl->min_version, hl->max_version,
				 HV__CTL_PROTOCOL__CTL_VERSION,
				 HV__CTL_PROTOCOL__CTL_VERSION);
			hello(h, c, -EPROTONOSUPPORT, why);
		} else {
			snprintf(c->name, sizeof(c->name), "%s", hl->client);
			ok = hello(h, c, 0, NULL);
			c->hello_done = ok;
		}
		hv__ctl_client_message__free_unpacked(cm, NULL);
		if (!ok)
			client_close(h, c);
		return;
	}
	if (cm->msg_case != HV__CTL_CLIENT_MESSAGE__MSG_REQUEST ||
	    cm->request->id == 0) {
		protocol_error(h, c, -EBADMSG, "a second hello or id 0");
		hv__ctl_client_message__free_unpacked(cm, NULL);
		client_close(h, c);
		return;
	}
	do_request(h, c, cm->request);	/* may close c */
	hv__ctl_client_message__free_unpacked(cm, NULL);
}

void hvd_control_close_all(struct hvd *h)
{
	while (h->clients)
		client_close(h, h->clients);
	if (h->control_fd >= 0) {
		close(h->control_fd);
		unlink(h->control_path);
	}
}
