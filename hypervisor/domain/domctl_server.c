// SPDX-License-Identifier: MIT
/*
 * The domctl server: epoll over the listening socket, two eventfds (the
 * machine ended its run; console output is waiting) and up to
 * DOMCTL_SERVER_MAX_CONNS connections.
 *
 * Back-pressure: every connection has a queue of records to send. While
 * it is not empty the connection is not read (its client must read its
 * replies before it is served again), and console output is produced for
 * it only when the queue is empty, from its own cursor into the console
 * ring: so a slow client costs one cursor, not memory, and output it was
 * too slow for is skipped (the next event's offset shows the gap). vCPUs
 * never wait for any of it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "domctl_server.h"
#include "domctl_requests.h"
#include "domctl/frame.h"

/* Console bytes per event: well below the message limit. */
#define CONSOLE_CHUNK 16384
/* Records handled per connection per wakeup, so none starves the others. */
#define BURST 16

struct outrec {
	struct outrec *next;
	uint8_t *rec;
	size_t len;
	int fd;			/* borrowed: sent with the record */
};

struct conn {
	int fd;
	bool hello_done;
	bool closing;		/* close once the queue is sent */
	bool subscribed;
	bool want_out;		/* registered for EPOLLOUT */
	uint64_t cursor;	/* next console offset to send */
	char client[48];
	struct outrec *head, *tail;
};

struct domctl_server {
	struct domctl_server_config cfg;
	int epfd;
	struct conn *conns[DOMCTL_SERVER_MAX_CONNS];
	uint8_t *buf;		/* DOMCTL_RECV_BUF */
	bool destroyed;
};

/* epoll data: small numbers are the fixed fds' tags, else a conn. */
enum { TAG_LISTEN = 1, TAG_EXIT = 2, TAG_CONSOLE = 3 };

void domctl_server_wake(int efd)
{
	uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, a wakeup is pending */
	}
}

static void drain_eventfd(int efd)
{
	uint64_t v;

	if (read(efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing pending */
	}
}

static int add_fd(struct domctl_server *s, int fd, uint32_t events,
		  uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void conn_free(struct domctl_server *s, struct conn *c)
{
	for (size_t i = 0; i < DOMCTL_SERVER_MAX_CONNS; i++)
		if (s->conns[i] == c)
			s->conns[i] = NULL;
	while (c->head) {
		struct outrec *o = c->head;

		c->head = o->next;
		free(o->rec);
		free(o);
	}
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	log_debug(s->cfg.log, "domctl: %s disconnected",
		  c->client[0] ? c->client : "client");
	free(c);
}

static void set_events(struct domctl_server *s, struct conn *c)
{
	bool want_out = c->head != NULL;
	struct epoll_event ev = {
		/* not read while replies wait: back-pressure */
		.events = want_out ? EPOLLOUT : EPOLLIN,
		.data.ptr = c,
	};

	if (want_out == c->want_out)
		return;
	c->want_out = want_out;
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Queues a packed server message; -ENOMEM / -EMSGSIZE. */
static int queue_msg(struct conn *c, const Hv__DomctlServerMessage *m, int fd)
{
	struct outrec *o = calloc(1, sizeof(*o));
	int ret;

	if (!o)
		return -ENOMEM;
	ret = domctl_frame_pack(&m->base, &o->rec, &o->len);
	if (ret) {
		free(o);
		return ret;
	}
	o->fd = fd;
	if (c->tail)
		c->tail->next = o;
	else
		c->head = o;
	c->tail = o;
	return 0;
}

/* Sends what the queue holds; false when the connection must go. */
static bool flush(struct domctl_server *s, struct conn *c)
{
	while (c->head) {
		struct outrec *o = c->head;
		int ret = domctl_frame_send(c->fd, o->rec, o->len, o->fd,
					    MSG_DONTWAIT);

		if (ret == -EAGAIN)
			break;
		if (ret) {
			log_debug(s->cfg.log, "domctl: sending to %s: %s",
				  c->client, strerror(-ret));
			return false;
		}
		c->head = o->next;
		if (!c->head)
			c->tail = NULL;
		free(o->rec);
		free(o);
	}
	if (!c->head && c->closing)
		return false;
	set_events(s, c);
	return true;
}

/* Console output for @c from its cursor, if its queue is empty (or
 * @force). */
static void queue_console_as(struct domctl_server *s, struct conn *c,
			     bool force)
{
	static uint8_t chunk[CONSOLE_CHUNK];
	Hv__DomctlServerMessage m = HV__DOMCTL_SERVER_MESSAGE__INIT;
	Hv__DomctlEvent ev = HV__DOMCTL_EVENT__INIT;
	Hv__ConsoleOutput out = HV__CONSOLE_OUTPUT__INIT;
	uint64_t off = c->cursor;
	size_t n;

	if (!c->subscribed || (c->head && !force) || c->closing)
		return;
	n = console_ring_read(s->cfg.console, &off, chunk, sizeof(chunk));
	if (!n)
		return;
	out.offset = off;
	out.data.data = chunk;
	out.data.len = n;
	ev.event_case = HV__DOMCTL_EVENT__EVENT_CONSOLE_OUTPUT;
	ev.console_output = &out;
	m.msg_case = HV__DOMCTL_SERVER_MESSAGE__MSG_EVENT;
	m.event = &ev;
	if (queue_msg(c, &m, -1) == 0)
		c->cursor = off + n;
}

static void queue_console(struct domctl_server *s, struct conn *c)
{
	queue_console_as(s, c, false);
}

/*
 * Every subscriber gets all output the ring holds queued now, whatever
 * its queue: when the vCPUs have stopped (the guest shut down, or a
 * Destroy), so that the output a guest wrote comes before the event or
 * reply that says it stopped. At most the 64 KiB backlog each.
 */
static void queue_all_console(struct domctl_server *s)
{
	for (size_t i = 0; i < DOMCTL_SERVER_MAX_CONNS; i++) {
		struct conn *c = s->conns[i];
		uint64_t before;

		if (!c || !c->hello_done)
			continue;
		do {
			before = c->cursor;
			queue_console_as(s, c, true);
		} while (c->cursor != before);
	}
}

static void queue_state_event(struct domctl_server *s, struct conn *c)
{
	Hv__DomctlServerMessage m = HV__DOMCTL_SERVER_MESSAGE__INIT;
	Hv__DomctlEvent ev = HV__DOMCTL_EVENT__INIT;
	Hv__StateChange sc = HV__STATE_CHANGE__INIT;
	Hv__DomainStatus st;

	domctl_fill_status(&st, s->cfg.dom);
	sc.status = &st;
	ev.event_case = HV__DOMCTL_EVENT__EVENT_STATE_CHANGE;
	ev.state_change = &sc;
	m.msg_case = HV__DOMCTL_SERVER_MESSAGE__MSG_EVENT;
	m.event = &ev;
	if (queue_msg(c, &m, -1))
		c->closing = true;	/* cannot tell it: let it reconnect */
}

/* A state change: every connection past its handshake but @except. */
static void broadcast_state(struct domctl_server *s, struct conn *except)
{
	for (size_t i = 0; i < DOMCTL_SERVER_MAX_CONNS; i++) {
		struct conn *c = s->conns[i];

		if (c && c != except && c->hello_done && !c->closing)
			queue_state_event(s, c);
	}
}

/* Protocol error: a reply with id 0 and @status, then close. */
static void protocol_error(struct domctl_server *s, struct conn *c,
			   int status, const char *why)
{
	Hv__DomctlServerMessage m = HV__DOMCTL_SERVER_MESSAGE__INIT;
	Hv__DomctlReply r = HV__DOMCTL_REPLY__INIT;

	log_warn(s->cfg.log, "domctl: %s: %s; closing the connection",
		 c->client[0] ? c->client : "client", why);
	r.id = 0;
	r.status = status;
	r.error = (char *)why;
	m.msg_case = HV__DOMCTL_SERVER_MESSAGE__MSG_REPLY;
	m.reply = &r;
	if (c->hello_done)
		(void)queue_msg(c, &m, -1);
	c->closing = true;
}

static void hello_reply(struct domctl_server *s, struct conn *c, int status,
			const char *error, uint32_t version)
{
	Hv__DomctlServerMessage m = HV__DOMCTL_SERVER_MESSAGE__INIT;
	Hv__DomctlHelloReply hr = HV__DOMCTL_HELLO_REPLY__INIT;
	struct domain *dom = s->cfg.dom;

	hr.status = status;
	hr.error = (char *)(error ? error : "");
	hr.version = version;
	hr.min_version = DOMCTL_PROTO_VERSION;
	hr.max_version = DOMCTL_PROTO_VERSION;
	hr.domid = dom->domid;
	hr.uuid.data = dom->uuid;
	hr.uuid.len = sizeof(dom->uuid);
	hr.name = (char *)(dom->name ? dom->name : "");
	hr.hv_version = (char *)s->cfg.hv_version;
	m.msg_case = HV__DOMCTL_SERVER_MESSAGE__MSG_HELLO_REPLY;
	m.hello_reply = &hr;
	if (queue_msg(c, &m, -1) || status)
		c->closing = true;
}

static void do_hello(struct domctl_server *s, struct conn *c,
		     const Hv__DomctlClientMessage *cm)
{
	const Hv__DomctlHello *h = cm->hello;
	char why[160];

	if (cm->msg_case != HV__DOMCTL_CLIENT_MESSAGE__MSG_HELLO) {
		hello_reply(s, c, -EBADMSG, "the first message must be the "
			    "hello", 0);
		return;
	}
	snprintf(c->client, sizeof(c->client), "%s", h->client);
	if (h->min_version > h->max_version) {
		snprintf(why, sizeof(why), "hello with versions %u..%u: min "
			 "above max", h->min_version, h->max_version);
		hello_reply(s, c, -EBADMSG, why, 0);
		return;
	}
	if (h->min_version > DOMCTL_PROTO_VERSION ||
	    h->max_version < DOMCTL_PROTO_VERSION) {
		snprintf(why, sizeof(why), "client speaks domctl %u..%u, this "
			 "hvdomain %u..%u", h->min_version, h->max_version,
			 DOMCTL_PROTO_VERSION, DOMCTL_PROTO_VERSION);
		log_warn(s->cfg.log, "domctl: %s: %s", c->client, why);
		hello_reply(s, c, -EPROTONOSUPPORT, why, 0);
		return;
	}
	c->hello_done = true;
	log_debug(s->cfg.log, "domctl: %s connected", c->client);
	hello_reply(s, c, 0, NULL, DOMCTL_PROTO_VERSION);
}

/* A protocol error: as the hello's answer before the handshake. */
static void fail_conn(struct domctl_server *s, struct conn *c, int status,
		      const char *why)
{
	if (c->hello_done) {
		protocol_error(s, c, status, why);
	} else {
		log_warn(s->cfg.log, "domctl: connection before hello: %s; "
			 "closing it", why);
		hello_reply(s, c, status, why, 0);
	}
}

static void do_subscribe(struct domctl_server *s, struct conn *c,
			 const Hv__DomctlRequest *req)
{
	Hv__DomctlServerMessage m = HV__DOMCTL_SERVER_MESSAGE__INIT;
	Hv__DomctlReply r = HV__DOMCTL_REPLY__INIT;
	Hv__ConsoleSubscribeReply cs = HV__CONSOLE_SUBSCRIBE_REPLY__INIT;
	const Hv__ConsoleSubscribeRequest *q = req->console_subscribe;

	if (q->enable && !c->subscribed) {
		c->cursor = q->replay ? console_ring_tail(s->cfg.console)
				      : console_ring_head(s->cfg.console);
	} else if (q->enable && q->replay) {
		uint64_t tail = console_ring_tail(s->cfg.console);

		if (c->cursor < tail)	/* replay only what it has not seen */
			c->cursor = tail;
	}
	c->subscribed = q->enable;
	cs.offset = c->subscribed ? c->cursor
				  : console_ring_head(s->cfg.console);
	r.id = req->id;
	r.result_case = HV__DOMCTL_REPLY__RESULT_CONSOLE_SUBSCRIBE;
	r.console_subscribe = &cs;
	m.msg_case = HV__DOMCTL_SERVER_MESSAGE__MSG_REPLY;
	m.reply = &r;
	if (queue_msg(c, &m, -1))
		c->closing = true;
}

static void do_request(struct domctl_server *s, struct conn *c,
		       const Hv__DomctlClientMessage *cm)
{
	Hv__DomctlServerMessage m = HV__DOMCTL_SERVER_MESSAGE__INIT;
	const Hv__DomctlRequest *req = cm->request;
	struct domctl_answer a;
	struct domain_status before = s->cfg.dom->st;

	if (cm->msg_case != HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST) {
		protocol_error(s, c, -EBADMSG, "a second hello");
		return;
	}
	if (req->id == 0) {
		protocol_error(s, c, -EBADMSG, "request with the reserved "
			       "id 0");
		return;
	}
	if (req->req_case == HV__DOMCTL_REQUEST__REQ_CONSOLE_SUBSCRIBE) {
		do_subscribe(s, c, req);
		return;
	}
	domctl_handle_request(s->cfg.dom, req, &a);
	if (a.destroy)
		queue_all_console(s);	/* the vCPUs have stopped */
	if (a.reply.status)
		log_debug(s->cfg.log, "domctl: %s: request %llu: %s",
			  c->client, (unsigned long long)req->id, a.error);
	m.msg_case = HV__DOMCTL_SERVER_MESSAGE__MSG_REPLY;
	m.reply = &a.reply;
	if (queue_msg(c, &m, a.fd)) {
		/* cannot happen: every reply fits */
		c->closing = true;
	}
	domctl_answer_fini(&a);
	if (a.destroy) {
		s->destroyed = true;
		return;
	}
	if (memcmp(&before, &s->cfg.dom->st, sizeof(before)))
		broadcast_state(s, c);
}

/*
 * Sends what is queued, then console output while the socket takes it:
 * output is produced only into an empty queue, so each time the queue
 * empties the next chunk must be made here. False: close the connection.
 */
static bool pump(struct domctl_server *s, struct conn *c)
{
	for (;;) {
		bool was_queued = c->head != NULL;
		uint64_t before = c->cursor;

		queue_console(s, c);	/* only into an empty queue */
		if (!flush(s, c))
			return false;
		if (c->head)
			return true;	/* the socket is full: EPOLLOUT */
		if (!was_queued && c->cursor == before)
			return true;	/* nothing more to send */
	}
}

/* Reads and handles up to BURST records of @c; false: close it. */
static bool serve(struct domctl_server *s, struct conn *c)
{
	for (int i = 0; i < BURST && !c->head && !c->closing &&
			!s->destroyed; i++) {
		Hv__DomctlClientMessage *cm;
		char why[160];
		ssize_t n;
		int st, fd;

		n = domctl_frame_recv(c->fd, s->buf, DOMCTL_RECV_BUF, &fd,
				      MSG_DONTWAIT);
		if (n == -EAGAIN)
			break;
		if (n == 0 || n == -ECONNRESET)
			return false;	/* the client went away */
		if (fd >= 0) {
			close(fd);
			fail_conn(s, c, -EBADMSG, "a descriptor sent to "
				  "hvdomain");
			break;
		}
		if (n == -EMSGSIZE) {
			fail_conn(s, c, -EMSGSIZE, "record larger than the "
				  "192 KiB limit");
			break;
		}
		if (n < 0) {
			fail_conn(s, c, (int)n, strerror((int)-n));
			break;
		}
		cm = domctl_decode_client(s->buf, (size_t)n, &st, why,
					  sizeof(why));
		if (!cm) {
			fail_conn(s, c, st, why);
			break;
		}
		if (!c->hello_done)
			do_hello(s, c, cm);
		else
			do_request(s, c, cm);
		hv__domctl_client_message__free_unpacked(cm, NULL);
	}
	return pump(s, c);
}

static void accept_conns(struct domctl_server *s)
{
	for (;;) {
		int fd = accept4(s->cfg.listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;
		size_t slot;

		if (fd < 0)
			return;		/* EAGAIN, or a client already gone */
		for (slot = 0; slot < DOMCTL_SERVER_MAX_CONNS; slot++)
			if (!s->conns[slot])
				break;
		c = slot < DOMCTL_SERVER_MAX_CONNS ? calloc(1, sizeof(*c))
						   : NULL;
		if (!c) {
			log_warn(s->cfg.log, "domctl: refusing a connection: "
				 "%d already served", DOMCTL_SERVER_MAX_CONNS);
			close(fd);
			continue;
		}
		/*
		 * No setsockopt here (not in the sandbox's allow-list): the
		 * default send buffer (net.core.wmem_default, 208 KiB)
		 * already holds the largest record, and the client enlarges
		 * its own (docs/domctl.md).
		 */
		c->fd = fd;
		if (add_fd(s, fd, EPOLLIN, 0) ||
		    epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd,
			      &(struct epoll_event){ .events = EPOLLIN,
						     .data.ptr = c }) < 0) {
			close(fd);
			free(c);
			continue;
		}
		s->conns[slot] = c;
	}
}

/* Sends a connection's queue, waiting up to a second for room. */
static void final_flush(struct domctl_server *s, struct conn *c)
{
	while (c->head) {
		struct pollfd p = { c->fd, POLLOUT, 0 };
		struct outrec *o = c->head;
		int ret = domctl_frame_send(c->fd, o->rec, o->len, o->fd,
					    MSG_DONTWAIT);

		if (ret == -EAGAIN) {
			if (poll(&p, 1, 1000) <= 0)
				break;
			continue;
		}
		if (ret)
			break;
		c->head = o->next;
		free(o->rec);
		free(o);
	}
	if (!c->head)
		c->tail = NULL;
	shutdown(c->fd, SHUT_RDWR);
	(void)s;
}

static void on_exit_event(struct domctl_server *s)
{
	drain_eventfd(s->cfg.exit_fd);
	if (domain_reap(s->cfg.dom)) {
		queue_all_console(s);	/* joined: the ring is complete */
		broadcast_state(s, NULL);
	}
}

int domctl_server_create(struct domctl_server **out,
			 const struct domctl_server_config *cfg)
{
	struct domctl_server *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	s->epfd = -1;
	s->buf = malloc(DOMCTL_RECV_BUF);
	if (!s->buf) {
		ret = -ENOMEM;
		goto fail;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = add_fd(s, cfg->listen_fd, EPOLLIN, TAG_LISTEN);
	if (!ret)
		ret = add_fd(s, cfg->exit_fd, EPOLLIN, TAG_EXIT);
	if (!ret)
		ret = add_fd(s, cfg->console_fd, EPOLLIN, TAG_CONSOLE);
	if (ret)
		goto fail;
	*out = s;
	return 0;
fail:
	domctl_server_destroy(s);
	return ret;
}

static bool is_conn(const struct domctl_server *s, const void *p)
{
	for (size_t i = 0; i < DOMCTL_SERVER_MAX_CONNS; i++)
		if (s->conns[i] == p)
			return true;
	return false;
}

int domctl_server_run(struct domctl_server *s)
{
	struct epoll_event evs[DOMCTL_SERVER_MAX_CONNS + 3];

	while (!s->destroyed) {
		int n = epoll_wait(s->epfd, evs, sizeof(evs) / sizeof(evs[0]),
				   -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int i = 0; i < n && !s->destroyed; i++) {
			uint64_t tag = evs[i].data.u64;
			struct conn *c = evs[i].data.ptr;

			if (tag == TAG_LISTEN) {
				accept_conns(s);
			} else if (tag == TAG_EXIT) {
				on_exit_event(s);
			} else if (tag == TAG_CONSOLE) {
				drain_eventfd(s->cfg.console_fd);
				console_ring_rearm(s->cfg.console);
			} else if (is_conn(s, c)) {
				if (!serve(s, c))
					conn_free(s, c);
			}
		}
		if (s->destroyed)
			break;
		/* new console output, queued events: for everyone */
		for (size_t i = 0; i < DOMCTL_SERVER_MAX_CONNS; i++) {
			struct conn *c = s->conns[i];

			if (c && !pump(s, c))
				conn_free(s, c);
		}
	}
	/* Destroyed: the reply (and what was queued before it) goes out. */
	for (size_t i = 0; i < DOMCTL_SERVER_MAX_CONNS; i++)
		if (s->conns[i])
			final_flush(s, s->conns[i]);
	return 0;
}

void domctl_server_destroy(struct domctl_server *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < DOMCTL_SERVER_MAX_CONNS; i++)
		if (s->conns[i])
			conn_free(s, s->conns[i]);
	if (s->epfd >= 0)
		close(s->epfd);
	free(s->buf);
	free(s);
}
