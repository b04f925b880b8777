// SPDX-License-Identifier: MIT
/*
 * hvd's peer port (docs/hvd.md, docs/security.md section 3): TLS 1.3 with
 * the cluster key (dom0/peer/peer_tls.h), then the peer hello
 * (proto/peer.proto); and the other direction, `hvctl ping`: connect to
 * another hvd's port, handshake, hello, reply to the control client.
 *
 * Everything runs in hvd's loop without blocking: a connection is a slot
 * with its socket and a timerfd for its deadline. An incoming connection
 * must finish the handshake and the hello within the deadline or is
 * dropped; at most PEER_MAX_IN are open at once (the rest are closed at
 * accept), and nothing but TLS records is read before the handshake.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "hvd.h"
#include "peer/peer_hello.h"
#include "peer/peer_tls.h"
#include "proto/control.pb-c.h"

#define PEER_MAX_IN	16	/* incoming connections at once */
#define PEER_MAX_OUT	16	/* pings at once */
#define PEER_TIMEOUT_MS	10000

enum ptag_what { PT_LISTEN, PT_IO, PT_TIMER };

struct ptag {
	struct hvd_tag tag;		/* HVD_TAG_PEER; first */
	enum ptag_what what;
	struct peer_slot *slot;		/* NULL for the listener */
};

enum slot_state { S_CONNECT, S_HANDSHAKE, S_HELLO, S_FLUSH };

struct peer_slot {
	struct ptag io, timer;
	struct peer_slot *next;
	bool out;			/* we connected (a ping) */
	enum slot_state state;
	int fd;				/* owned by conn once it exists */
	int tfd;
	unsigned timeout_ms;		/* the deadline, from the start */
	struct peer_conn *conn;
	char name[64];			/* ADDR:PORT */
	/* ping only */
	struct hvd_client *client;
	uint64_t id;
	char user[80];			/* what the admin typed */
	uint64_t t0, t_hello, connect_us;
};

struct hvd_peer {
	struct peer_tls *tls;		/* NULL: no cluster key */
	char key_path[256];
	char key_error[400];
	int listen_fd;
	struct ptag listen_tag;
	unsigned timeout_ms;
	unsigned n_in, n_out;
	bool full_logged;
	struct peer_slot *slots;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* "ADDR:PORT", "[V6]:PORT", "ADDR" (port 7800), numeric only. */
static int parse_addr(const char *s, bool passive, struct addrinfo **out,
		      char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV |
			    (passive ? AI_PASSIVE : 0),
	};
	char host[80], port[8];
	const char *colon;
	int ret;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || (end[1] && end[1] != ':') ||
		    (size_t)(end - s - 1) >= sizeof(host))
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(end - s - 1), s + 1);
		colon = end[1] ? end + 1 : NULL;
	} else {
		colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon)
			goto bad;	/* an IPv6 address wants [] */
		if ((size_t)(colon ? colon - s : (long)strlen(s)) >=
		    sizeof(host))
			goto bad;
		snprintf(host, sizeof(host), "%.*s", colon ?
			 (int)(colon - s) : (int)strlen(s), s);
	}
	if (colon) {
		char *end;
		long p = strtol(colon + 1, &end, 10);

		if (!colon[1] || *end || p < 1 || p > 65535)
			goto bad;
		snprintf(port, sizeof(port), "%ld", p);
	} else {
		snprintf(port, sizeof(port), "%d", PEER_DEFAULT_PORT);
	}
	ret = getaddrinfo(host[0] ? host : NULL, port, &hints, out);
	if (ret) {
		snprintf(err, errlen, "'%s': %s (want a numeric ADDR:PORT)",
			 s, gai_strerror(ret));
		return -EINVAL;
	}
	return 0;
bad:
	snprintf(err, errlen, "'%s': want ADDR:PORT, [IPV6]:PORT or ADDR", s);
	return -EINVAL;
}

static void addr_name(const struct sockaddr *sa, socklen_t len, char *out,
		      size_t outlen)
{
	char host[64], port[8];

	if (getnameinfo(sa, len, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(out, outlen, "?");
		return;
	}
	snprintf(out, outlen, sa->sa_family == AF_INET6 ? "[%s]:%s" :
		 "%s:%s", host, port);
}

static int epoll_set(struct hvd *h, int op, int fd, uint32_t events,
		     struct ptag *t)
{
	struct epoll_event ev = { .events = events, .data.ptr = t };

	return epoll_ctl(h->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

static void slot_destroy(struct hvd *h, struct peer_slot *s)
{
	struct hvd_peer *p = h->peer;

	for (struct peer_slot **pp = &p->slots; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	if (s->out)
		p->n_out--;
	else
		p->n_in--;
	if (p->n_in < PEER_MAX_IN)
		p->full_logged = false;
	hvd_unwatch(h, s->fd);
	if (s->tfd >= 0) {
		hvd_unwatch(h, s->tfd);
		close(s->tfd);
	}
	if (s->conn)
		peer_conn_destroy(s->conn);	/* closes fd */
	else if (s->fd >= 0)
		close(s->fd);
	free(s);
}

/* A slot for @fd (taken over) with its deadline armed. */
static int slot_create(struct hvd *h, int fd, bool out, const char *name,
		       struct peer_slot **res)
{
	struct hvd_peer *p = h->peer;
	struct itimerspec its = {
		.it_value = { .tv_sec = p->timeout_ms / 1000,
			      .tv_nsec = (long)(p->timeout_ms % 1000) *
					 1000000 },
	};
	struct peer_slot *s = calloc(1, sizeof(*s));
	int ret, one = 1;

	/* small messages that wait for each other: no Nagle delay */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (!s) {
		close(fd);
		return -ENOMEM;
	}
	s->io = (struct ptag){ { HVD_TAG_PEER }, PT_IO, s };
	s->timer = (struct ptag){ { HVD_TAG_PEER }, PT_TIMER, s };
	s->out = out;
	s->fd = fd;
	s->state = out ? S_CONNECT : S_HANDSHAKE;
	s->t0 = now_us();
	s->timeout_ms = p->timeout_ms;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->next = p->slots;
	p->slots = s;
	if (out)
		p->n_out++;
	else
		p->n_in++;
	s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->tfd < 0) {
		ret = -errno;
		goto fail;
	}
	if (timerfd_settime(s->tfd, 0, &its, NULL) < 0 ||
	    epoll_set(h, EPOLL_CTL_ADD, s->tfd, EPOLLIN, &s->timer) ||
	    epoll_set(h, EPOLL_CTL_ADD, fd, out ? EPOLLOUT : EPOLLIN,
		      &s->io)) {
		ret = -errno;
		goto fail;
	}
	if (!out) {
		ret = peer_conn_create(p->tls, fd, true, name, &s->conn);
		if (ret)
			goto fail;
	}
	*res = s;
	return 0;
fail:
	slot_destroy(h, s);
	return ret ? ret : -EIO;
}

/* ---- ping: the end that connects ---- */

/* Ends a ping with @status (0: @r filled) and its reply. */
static void ping_done(struct hvd *h, struct peer_slot *s, int status,
		      const char *why, Hv__CtlPingResult *res)
{
	Hv__CtlReply r = HV__CTL_REPLY__INIT;
	struct hvd_client *c = s->client;
	char err[512];

	r.id = s->id;
	r.status = status;
	if (status) {
		snprintf(err, sizeof(err), "ping %s (%s): %s", s->user,
			 s->name, why);
		log_warn(&h->log, "%s", err);
		r.error = err;
	} else {
		r.result_case = HV__CTL_REPLY__RESULT_PING;
		r.ping = res;
	}
	/* a failed send closes c, which ends its pings: not this one */
	s->client = NULL;
	if (c)
		hvd_control_send_reply(h, c, &r);
	slot_destroy(h, s);
}

static void ping_hello_reply(struct hvd *h, struct peer_slot *s,
			     const uint8_t *msg, size_t len)
{
	Hv__CtlPingResult res = HV__CTL_PING_RESULT__INIT;
	struct peer_hello_info peer;
	char why[300];
	int ret = peer_hello_reply_check(msg, len, &peer, why, sizeof(why));

	if (ret) {
		ping_done(h, s, ret, why, NULL);
		return;
	}
	res.host = peer.host;
	res.hv_version = peer.hv_version;
	res.version = peer.version;
	res.address = s->name;
	res.connect_us = s->connect_us;
	res.rtt_us = now_us() - s->t_hello;
	log_info(&h->log, "ping %s: %s (%s) answered in %llu us", s->name,
		 peer.host, peer.hv_version, (unsigned long long)res.rtt_us);
	peer_conn_shutdown(s->conn);
	ping_done(h, s, 0, NULL, &res);
}

static int ping_send_hello(struct hvd *h, struct peer_slot *s)
{
	Hv__PeerHello m;

	peer_hello_make(&m, h->name, HVD_VERSION,
			HV__PEER_PURPOSE__PEER_PURPOSE_CHECK);
	s->t_hello = now_us();
	return peer_conn_send(s->conn, &m.base);
}

/* ---- the peer port: the end that accepts ---- */

/* What this hvd serves on its peer port so far: pings. */
static int served(Hv__PeerPurpose purpose)
{
	return purpose == HV__PEER_PURPOSE__PEER_PURPOSE_CHECK;
}

/* Answers the client's hello (refusals logged); the send's result. */
static int answer_hello(struct hvd *h, struct peer_slot *s,
			const uint8_t *msg, size_t len)
{
	Hv__PeerHelloReply r;
	struct peer_hello_info peer;
	char why[300];

	if (peer_hello_answer(msg, len, h->name, HVD_VERSION, served, &r,
			      &peer, why, sizeof(why)))
		log_warn(&h->log, "peer %s: refused: hello: %s", s->name, why);
	else
		log_info(&h->log, "peer %s: %s (%s) pinged us", s->name,
			 peer.host, peer.hv_version);
	return peer_conn_send(s->conn, &r.base);
}

/* ---- both ---- */

static void slot_fail(struct hvd *h, struct peer_slot *s, int ret,
		      const char *why)
{
	if (s->out)
		ping_done(h, s, ret, why, NULL);
	else {
		log_warn(&h->log, "peer %s: %s", s->name, why);
		slot_destroy(h, s);
	}
}

/* Runs @s as far as it goes without waiting. */
static void slot_step(struct hvd *h, struct peer_slot *s)
{
	const uint8_t *msg;
	size_t len;
	char why[300];
	int ret, soerr;
	socklen_t sl = sizeof(soerr);

	for (;;) {
		switch (s->state) {
		case S_CONNECT:
			if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr,
				       &sl) < 0)
				soerr = errno;
			if (soerr) {
				snprintf(why, sizeof(why), "connect: %s",
					 strerror(soerr));
				slot_fail(h, s, -soerr, why);
				return;
			}
			ret = peer_conn_create(h->peer->tls, s->fd, false,
					       s->name, &s->conn);
			if (ret) {
				slot_fail(h, s, ret, "out of memory");
				return;
			}
			s->state = S_HANDSHAKE;
			break;
		case S_HANDSHAKE:
			ret = peer_conn_handshake(s->conn);
			if (ret == -EAGAIN)
				goto wait;
			if (ret) {
				slot_fail(h, s, ret, peer_conn_error(s->conn));
				return;
			}
			s->state = S_HELLO;
			if (s->out) {
				s->connect_us = now_us() - s->t0;
				ret = ping_send_hello(h, s);
				if (ret && ret != -EAGAIN) {
					slot_fail(h, s, ret,
						  peer_conn_error(s->conn));
					return;
				}
			}
			break;
		case S_HELLO:
			ret = s->out ? peer_conn_flush(s->conn) : 0;
			if (!ret)
				ret = peer_conn_recv(s->conn, &msg, &len);
			if (ret == -EAGAIN)
				goto wait;
			if (ret) {
				snprintf(why, sizeof(why), "%s hello: %s",
					 s->out ? "waiting for its" :
					 "reading its", *peer_conn_error(
					 s->conn) ? peer_conn_error(s->conn) :
					 strerror(-ret));
				slot_fail(h, s, ret, why);
				return;
			}
			if (s->out) {
				ping_hello_reply(h, s, msg, len);
				return;
			}
			ret = answer_hello(h, s, msg, len);
			if (ret && ret != -EAGAIN) {
				slot_destroy(h, s);
				return;
			}
			/* check only: the reply, then close */
			s->state = S_FLUSH;
			break;
		case S_FLUSH:
			ret = peer_conn_flush(s->conn);
			if (ret == -EAGAIN)
				goto wait;
			peer_conn_shutdown(s->conn);
			slot_destroy(h, s);
			return;
		}
	}
wait:
	if (epoll_set(h, EPOLL_CTL_MOD, s->fd, peer_conn_events(s->conn),
		      &s->io))
		slot_fail(h, s, -EIO, "epoll");
}

static void on_timeout(struct hvd *h, struct peer_slot *s)
{
	static const char *const phase[] = {
		[S_CONNECT] = "connecting", [S_HANDSHAKE] = "in the TLS "
		"handshake", [S_HELLO] = "waiting for the hello",
		[S_FLUSH] = "sending the hello reply",
	};
	char why[200];

	snprintf(why, sizeof(why), "%s after %u ms %s: %s", s->out ?
		 "timed out" : "no TLS handshake and hello",
		 s->timeout_ms, phase[s->state], s->out ? "given up" :
		 "dropped");
	slot_fail(h, s, -ETIMEDOUT, why);
}

static void on_accept(struct hvd *h)
{
	struct hvd_peer *p = h->peer;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct peer_slot *s;
		char name[64];
		int fd = accept4(p->listen_fd, (struct sockaddr *)&ss, &sl,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		addr_name((struct sockaddr *)&ss, sl, name, sizeof(name));
		if (p->n_in >= PEER_MAX_IN) {
			/* once per episode: a flood must not flood the log */
			if (!p->full_logged)
				log_warn(&h->log, "peer %s: refused: %u peer "
					 "connections open already (the "
					 "limit); more refused silently", name,
					 p->n_in);
			p->full_logged = true;
			close(fd);
			continue;
		}
		log_debug(&h->log, "peer %s: connected", name);
		if (slot_create(h, fd, false, name, &s))
			log_warn(&h->log, "peer %s: out of resources; closed",
				 name);
	}
}

void hvd_peer_event(struct hvd *h, struct hvd_tag *t, uint32_t events)
{
	struct ptag *pt = (struct ptag *)t;

	switch (pt->what) {
	case PT_LISTEN:
		on_accept(h);
		break;
	case PT_TIMER:
		on_timeout(h, pt->slot);
		break;
	case PT_IO:
		slot_step(h, pt->slot);
		break;
	}
}

int hvd_peer_ping(struct hvd *h, struct hvd_client *c, uint64_t id,
		  const char *address, const char *name, uint32_t timeout_ms,
		  char *err, size_t errlen)
{
	struct hvd_peer *p = h->peer;
	struct addrinfo *ai = NULL;
	struct peer_slot *s;
	char aname[64];
	int fd, ret;

	if (!p || !p->tls) {
		snprintf(err, errlen, "this hvd has no cluster key (%s); run "
			 "`hvctl keygen`, copy the key to every host and "
			 "restart hvd", p ? p->key_error : "not started");
		return -ENOKEY;
	}
	if (p->n_out >= PEER_MAX_OUT) {
		snprintf(err, errlen, "%u pings running already", p->n_out);
		return -EBUSY;
	}
	ret = parse_addr(address, false, &ai, err, errlen);
	if (ret)
		return ret;
	addr_name(ai->ai_addr, ai->ai_addrlen, aname, sizeof(aname));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 || (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
		       errno != EINPROGRESS)) {
		ret = -errno;
		snprintf(err, errlen, "ping %s (%s): connect: %s", name, aname,
			 strerror(-ret));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return ret;
	}
	freeaddrinfo(ai);
	ret = slot_create(h, fd, true, aname, &s);
	if (ret) {
		snprintf(err, errlen, "ping %s: %s", name, strerror(-ret));
		return ret;
	}
	if (timeout_ms) {
		struct itimerspec its = {
			.it_value = { .tv_sec = timeout_ms / 1000,
				      .tv_nsec = (long)(timeout_ms % 1000) *
						 1000000 },
		};

		if (timerfd_settime(s->tfd, 0, &its, NULL) == 0)
			s->timeout_ms = timeout_ms;
	}
	s->client = c;
	s->id = id;
	snprintf(s->user, sizeof(s->user), "%s", *name ? name : address);
	return 0;
}

void hvd_peer_client_gone(struct hvd *h, struct hvd_client *c)
{
	struct peer_slot *s, *next;

	if (!h->peer)
		return;
	for (s = h->peer->slots; s; s = next) {
		next = s->next;
		if (s->out && s->client == c)
			slot_destroy(h, s);
	}
}

static int peer_listen(struct hvd *h, const char *addr, char *err,
		       size_t errlen)
{
	struct hvd_peer *p = h->peer;
	struct addrinfo *ai;
	char aname[64];
	int fd, one = 1, ret;

	ret = parse_addr(addr, true, &ai, err, errlen);
	if (ret)
		return ret;
	addr_name(ai->ai_addr, ai->ai_addrlen, aname, sizeof(aname));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", aname, strerror(-ret));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return ret;
	}
	freeaddrinfo(ai);
	p->listen_fd = fd;
	p->listen_tag = (struct ptag){ { HVD_TAG_PEER }, PT_LISTEN, NULL };
	ret = epoll_set(h, EPOLL_CTL_ADD, fd, EPOLLIN, &p->listen_tag);
	if (ret) {
		snprintf(err, errlen, "%s: epoll: %s", aname, strerror(-ret));
		return ret;
	}
	log_info(&h->log, "peer port %s (TLS 1.3, cluster key %s)", aname,
		 p->key_path);
	return 0;
}

int hvd_peer_start(struct hvd *h, const struct hvd_peer_opts *o)
{
	struct hvd_peer *p = calloc(1, sizeof(*p));
	const char *addr = o->listen ? o->listen : "0.0.0.0";
	struct peer_key key;
	char err[512];
	int ret;

	if (!p) {
		log_err(&h->log, "peer port: out of memory");
		return -ENOMEM;
	}
	h->peer = p;
	p->listen_fd = -1;
	p->timeout_ms = o->timeout_ms ? o->timeout_ms : PEER_TIMEOUT_MS;
	snprintf(p->key_path, sizeof(p->key_path), "%s", o->key_path);
	ret = peer_key_load(o->key_path, &key, p->key_error,
			    sizeof(p->key_error));
	if (!ret) {
		ret = peer_tls_create(&key, &p->tls, p->key_error,
				      sizeof(p->key_error));
		memset(&key, 0, sizeof(key));
	}
	if (!strcmp(addr, "off")) {
		log_info(&h->log, "peer port off (listen = off)");
		return 0;
	}
	if (ret) {
		if (o->listen_explicit && ret == -ENOENT) {
			log_err(&h->log, "--listen %s: no usable cluster key: "
				"%s; make one with `hvctl keygen %s` and copy "
				"it to every host of the cluster "
				"(docs/operations.md)", addr, p->key_error,
				o->key_path);
			return ret;
		}
		if (o->listen_explicit) {
			log_err(&h->log, "--listen %s: no usable cluster key: "
				"%s", addr, p->key_error);
			return ret;
		}
		log_warn(&h->log, "peer port off: no usable cluster key: %s "
			 "(hvctl keygen makes one; docs/operations.md)",
			 p->key_error);
		return 0;
	}
	ret = peer_listen(h, addr, err, sizeof(err));
	if (ret && o->listen_explicit) {
		log_err(&h->log, "--listen %s", err);
		return ret;
	}
	if (ret)
		log_warn(&h->log, "peer port off: %s", err);
	return 0;
}

void hvd_peer_stop(struct hvd *h)
{
	struct hvd_peer *p = h->peer;

	if (!p)
		return;
	while (p->slots)
		slot_destroy(h, p->slots);
	if (p->listen_fd >= 0)
		close(p->listen_fd);
	peer_tls_destroy(p->tls);
	free(p);
	h->peer = NULL;
}
