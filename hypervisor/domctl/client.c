// SPDX-License-Identifier: MIT
/*
 * The domctl client (hv/domctl.h): connect and handshake, one synchronous
 * call per request, events queued while a call waits for its reply.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "hv/domctl.h"
#include "frame.h"
#include "proto/state.pb-c.h"

struct event_node {
	struct domctl_event ev;
	struct event_node *next;
};

struct domctl {
	int sock;
	bool dead;		/* EOF or protocol error seen */
	int timeout_ms;
	uint64_t next_id;
	struct domctl_info info;
	char err[256];
	uint8_t *buf;		/* DOMCTL_RECV_BUF bytes */
	struct event_node *head, *tail;
};

static int fail(struct domctl *d, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct domctl *d, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
	if (ret == -EPROTO || ret == -ECONNRESET)
		d->dead = true;
	return ret;
}

const char *domctl_state_name(enum domctl_state state)
{
	static const char *const names[] = {
		[DOMCTL_STATE_CREATED] = "created",
		[DOMCTL_STATE_RUNNING] = "running",
		[DOMCTL_STATE_PAUSED] = "paused",
		[DOMCTL_STATE_SHUTDOWN] = "shutdown",
		[DOMCTL_STATE_CRASHED] = "crashed",
		[DOMCTL_STATE_INCOMING] = "incoming",
	};

	if ((unsigned)state < sizeof(names) / sizeof(names[0]) &&
	    names[state])
		return names[state];
	return "unknown";
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until the socket is readable; -ETIMEDOUT at @deadline (-1: none). */
static int wait_readable(struct domctl *d, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { d->sock, POLLIN, 0 };
		int left = -1, n;

		if (deadline >= 0) {
			int64_t ms = deadline - now_ms();

			left = ms > 0 ? (int)ms : 0;
		}
		n = poll(&p, 1, left);
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/* One server message; *fd gets a descriptor riding on it (or -1). */
static int recv_server(struct domctl *d, int64_t deadline,
		       Hv__DomctlServerMessage **out, int *fd)
{
	char why[160];
	ssize_t n;
	int ret, st;

	*fd = -1;
	if (d->dead)
		return fail(d, -ECONNRESET, "connection to the domain is "
			    "closed");
	ret = wait_readable(d, deadline);
	if (ret == -ETIMEDOUT)
		return fail(d, ret, "no answer from the domain in %d ms",
			    d->timeout_ms);
	if (ret)
		return fail(d, ret, "poll: %s", strerror(-ret));
	n = domctl_frame_recv(d->sock, d->buf, DOMCTL_RECV_BUF, fd, 0);
	if (n == 0 || n == -ECONNRESET)
		return fail(d, -ECONNRESET, "the domain closed the "
			    "connection");
	if (n < 0)
		return fail(d, -EPROTO, "receiving from the domain: %s",
			    strerror((int)-n));
	*out = domctl_decode_server(d->buf, (size_t)n, &st, why, sizeof(why));
	if (!*out) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return fail(d, -EPROTO, "bad record from the domain: %s", why);
	}
	return 0;
}

static void status_from(struct domctl_status *st, const Hv__DomainStatus *m)
{
	st->state = m ? (enum domctl_state)m->state : DOMCTL_STATE_UNKNOWN;
	st->reason = m ? (enum domctl_reason)m->reason : DOMCTL_REASON_NONE;
	st->code = m ? m->code : 0;
}

static int queue_event(struct domctl *d, const Hv__DomctlEvent *e)
{
	struct event_node *n;

	if (e->event_case != HV__DOMCTL_EVENT__EVENT_CONSOLE_OUTPUT &&
	    e->event_case != HV__DOMCTL_EVENT__EVENT_STATE_CHANGE)
		return 0;	/* a newer server's kind of event: ignored */
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	if (e->event_case == HV__DOMCTL_EVENT__EVENT_CONSOLE_OUTPUT) {
		const Hv__ConsoleOutput *c = e->console_output;

		n->ev.kind = DOMCTL_EVENT_CONSOLE;
		n->ev.offset = c->offset;
		n->ev.len = c->data.len;
		n->ev.data = malloc(c->data.len ? c->data.len : 1);
		if (!n->ev.data) {
			free(n);
			return -ENOMEM;
		}
		if (c->data.len)
			memcpy(n->ev.data, c->data.data, c->data.len);
	} else {
		n->ev.kind = DOMCTL_EVENT_STATE;
		status_from(&n->ev.status, e->state_change->status);
	}
	if (d->tail)
		d->tail->next = n;
	else
		d->head = n;
	d->tail = n;
	return 0;
}

/*
 * Sends @req and waits for its reply, queueing events. On 0 *reply is the
 * decoded envelope (free it) whose reply has status 0; a negative status
 * is returned with the server's text in d->err. *fd (may be NULL): the
 * descriptor that came with the reply.
 */
static int call(struct domctl *d, Hv__DomctlRequest *req,
		Hv__DomctlServerMessage **reply, int *fd)
{
	Hv__DomctlClientMessage cm = HV__DOMCTL_CLIENT_MESSAGE__INIT;
	int64_t deadline = d->timeout_ms > 0 ? now_ms() + d->timeout_ms : -1;
	uint8_t *rec;
	size_t len;
	int ret;

	d->err[0] = '\0';
	if (fd)
		*fd = -1;
	req->id = ++d->next_id;
	cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST;
	cm.request = req;
	ret = domctl_frame_pack(&cm.base, &rec, &len);
	if (ret)
		return fail(d, ret, "request too large for one record");
	if (d->dead)
		ret = -EPIPE;
	else
		ret = domctl_frame_send(d->sock, rec, len, -1, 0);
	free(rec);
	if (ret == -EPIPE || ret == -ECONNRESET)
		return fail(d, -ECONNRESET, "the domain closed the "
			    "connection");
	if (ret)
		return fail(d, ret, "sending to the domain: %s",
			    strerror(-ret));
	for (;;) {
		Hv__DomctlServerMessage *sm = NULL;
		Hv__DomctlReply *r;
		int got_fd;

		ret = recv_server(d, deadline, &sm, &got_fd);
		if (ret)
			return ret;
		if (sm->msg_case == HV__DOMCTL_SERVER_MESSAGE__MSG_EVENT) {
			ret = queue_event(d, sm->event);
			hv__domctl_server_message__free_unpacked(sm, NULL);
			if (got_fd >= 0)
				close(got_fd);
			if (ret)
				return fail(d, ret, "out of memory");
			continue;
		}
		r = sm->msg_case == HV__DOMCTL_SERVER_MESSAGE__MSG_REPLY ?
			sm->reply : NULL;
		if (!r || (r->id != req->id && r->id != 0)) {
			hv__domctl_server_message__free_unpacked(sm, NULL);
			if (got_fd >= 0)
				close(got_fd);
			return fail(d, -EPROTO, "unexpected record from the "
				    "domain while waiting for reply %llu",
				    (unsigned long long)req->id);
		}
		if (r->status != 0 || r->id == 0) {
			ret = r->status < 0 ? r->status : -EPROTO;
			fail(d, ret, "%s", *r->error ? r->error :
			     strerror(-ret));
			if (r->id == 0)
				d->dead = true;
			hv__domctl_server_message__free_unpacked(sm, NULL);
			if (got_fd >= 0)
				close(got_fd);
			return ret;
		}
		if (fd)
			*fd = got_fd;
		else if (got_fd >= 0) {
			close(got_fd);
			hv__domctl_server_message__free_unpacked(sm, NULL);
			return fail(d, -EPROTO, "unexpected descriptor in reply");
		}
		*reply = sm;
		return 0;
	}
}

/* call() for a request whose result must be @want (0: none expected). */
static int call_expect(struct domctl *d, Hv__DomctlRequest *req,
		       Hv__DomctlReply__ResultCase want,
		       Hv__DomctlServerMessage **out, int *fd)
{
	Hv__DomctlServerMessage *sm = NULL;
	int ret = call(d, req, &sm, fd);

	if (ret)
		return ret;
	if (want && sm->reply->result_case != want) {
		hv__domctl_server_message__free_unpacked(sm, NULL);
		if (fd && *fd >= 0)
			close(*fd);
		return fail(d, -EPROTO, "reply without the expected result");
	}
	if (out)
		*out = sm;
	else
		hv__domctl_server_message__free_unpacked(sm, NULL);
	return 0;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static int handshake(struct domctl *d, const char *client, char *err,
		     size_t errlen)
{
	Hv__DomctlClientMessage cm = HV__DOMCTL_CLIENT_MESSAGE__INIT;
	Hv__DomctlHello hello = HV__DOMCTL_HELLO__INIT;
	Hv__DomctlServerMessage *sm = NULL;
	Hv__DomctlHelloReply *hr;
	uint8_t *rec;
	size_t len;
	int ret, fd;

	hello.min_version = DOMCTL_PROTO_VERSION;
	hello.max_version = DOMCTL_PROTO_VERSION;
	hello.client = (char *)(client ? client : "");
	cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_HELLO;
	cm.hello = &hello;
	ret = domctl_frame_pack(&cm.base, &rec, &len);
	if (ret) {
		snprintf(err, errlen, "hello: %s", strerror(-ret));
		return ret;
	}
	ret = domctl_frame_send(d->sock, rec, len, -1, 0);
	free(rec);
	if (ret) {
		snprintf(err, errlen, "sending hello: %s", strerror(-ret));
		return ret;
	}
	ret = recv_server(d, d->timeout_ms > 0 ? now_ms() + d->timeout_ms : -1,
			  &sm, &fd);
	if (ret) {
		snprintf(err, errlen, "%s", d->err);
		return ret;
	}
	if (fd >= 0)
		close(fd);
	if (sm->msg_case != HV__DOMCTL_SERVER_MESSAGE__MSG_HELLO_REPLY) {
		snprintf(err, errlen, "the domain did not answer the hello");
		ret = -EPROTO;
		goto out;
	}
	hr = sm->hello_reply;
	if (hr->status) {
		ret = hr->status < 0 ? hr->status : -EPROTO;
		snprintf(err, errlen, "%s (the domain speaks domctl %u..%u, "
			 "this client %u..%u)", *hr->error ? hr->error :
			 strerror(-ret), hr->min_version, hr->max_version,
			 DOMCTL_PROTO_VERSION, DOMCTL_PROTO_VERSION);
		goto out;
	}
	if (hr->version != DOMCTL_PROTO_VERSION) {
		snprintf(err, errlen, "the domain chose domctl version %u, "
			 "which this client does not speak", hr->version);
		ret = -EPROTO;
		goto out;
	}
	d->info.version = hr->version;
	d->info.domid = hr->domid;
	if (hr->uuid.len == sizeof(d->info.uuid))
		memcpy(d->info.uuid, hr->uuid.data, sizeof(d->info.uuid));
	copy_str(d->info.name, sizeof(d->info.name), hr->name);
	copy_str(d->info.hv_version, sizeof(d->info.hv_version),
		 hr->hv_version);
out:
	hv__domctl_server_message__free_unpacked(sm, NULL);
	return ret;
}

int domctl_connect(struct domctl **out, const char *path, const char *client,
		   char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dummy[8];
	struct domctl *d;
	int ret;

	*out = NULL;
	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!path || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "domain socket path %s", path ?
			 "too long" : "missing");
		return -EINVAL;
	}
	strcpy(sa.sun_path, path);
	d = calloc(1, sizeof(*d));
	if (!d || !(d->buf = malloc(DOMCTL_RECV_BUF))) {
		free(d);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (d->sock < 0) {
		ret = -errno;
		snprintf(err, errlen, "socket: %s", strerror(-ret));
		goto fail;
	}
	ret = domctl_socket_setup(d->sock);
	if (ret) {
		snprintf(err, errlen, "socket buffers: %s", strerror(-ret));
		goto fail;
	}
	if (connect(d->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		goto fail;
	}
	ret = handshake(d, client, err, errlen);
	if (ret)
		goto fail;
	*out = d;
	return 0;
fail:
	domctl_close(d);
	return ret;
}

void domctl_close(struct domctl *d)
{
	if (!d)
		return;
	while (d->head) {
		struct event_node *n = d->head;

		d->head = n->next;
		domctl_event_free(&n->ev);
		free(n);
	}
	if (d->sock >= 0)
		close(d->sock);
	free(d->buf);
	free(d);
}

const struct domctl_info *domctl_info(const struct domctl *d)
{
	return &d->info;
}

const char *domctl_error(const struct domctl *d)
{
	return d->err;
}

void domctl_set_timeout(struct domctl *d, int timeout_ms)
{
	d->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

int domctl_fd(const struct domctl *d)
{
	return d->sock;
}

bool domctl_has_events(const struct domctl *d)
{
	return d->head != NULL;
}

/* ---- requests ---- */

#define REQUEST(var, member, CASE, init)				\
	Hv__DomctlRequest var = HV__DOMCTL_REQUEST__INIT;		\
	var.req_case = HV__DOMCTL_REQUEST__REQ_##CASE;			\
	var.member = &init

static int state_call(struct domctl *d, Hv__DomctlRequest *req,
		      struct domctl_status *st)
{
	Hv__DomctlServerMessage *sm = NULL;
	int ret;

	ret = call_expect(d, req, HV__DOMCTL_REPLY__RESULT_STATE, &sm, NULL);
	if (ret)
		return ret;
	if (st)
		status_from(st, sm->reply->state);
	hv__domctl_server_message__free_unpacked(sm, NULL);
	return 0;
}

int domctl_pause(struct domctl *d, struct domctl_status *st)
{
	Hv__PauseRequest m = HV__PAUSE_REQUEST__INIT;
	REQUEST(req, pause, PAUSE, m);

	return state_call(d, &req, st);
}

int domctl_unpause(struct domctl *d, struct domctl_status *st)
{
	Hv__UnpauseRequest m = HV__UNPAUSE_REQUEST__INIT;
	REQUEST(req, unpause, UNPAUSE, m);

	return state_call(d, &req, st);
}

int domctl_get_state(struct domctl *d, struct domctl_status *st)
{
	Hv__GetStateRequest m = HV__GET_STATE_REQUEST__INIT;
	REQUEST(req, get_state, GET_STATE, m);

	return state_call(d, &req, st);
}

int domctl_destroy(struct domctl *d)
{
	Hv__DestroyRequest m = HV__DESTROY_REQUEST__INIT;
	REQUEST(req, destroy, DESTROY, m);

	return call_expect(d, &req, 0, NULL, NULL);
}

/* Packs a state submessage of the reply into a new buffer. */
static int take_packed(struct domctl *d, const ProtobufCMessage *m,
		       uint8_t **buf, size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(m);

	*buf = malloc(n ? n : 1);
	if (!*buf)
		return fail(d, -ENOMEM, "out of memory");
	*len = protobuf_c_message_pack(m, *buf);
	return 0;
}

int domctl_get_config(struct domctl *d, uint8_t **buf, size_t *len)
{
	Hv__GetConfigRequest m = HV__GET_CONFIG_REQUEST__INIT;
	Hv__DomctlServerMessage *sm = NULL;
	REQUEST(req, get_config, GET_CONFIG, m);
	int ret;

	ret = call_expect(d, &req, HV__DOMCTL_REPLY__RESULT_CONFIG, &sm, NULL);
	if (ret)
		return ret;
	ret = take_packed(d, &sm->reply->config->base, buf, len);
	hv__domctl_server_message__free_unpacked(sm, NULL);
	return ret;
}

int domctl_get_memory(struct domctl *d, struct domctl_memory *mem)
{
	Hv__GetMemoryRequest m = HV__GET_MEMORY_REQUEST__INIT;
	Hv__DomctlServerMessage *sm = NULL;
	Hv__GetMemoryReply *r;
	REQUEST(req, get_memory, GET_MEMORY, m);
	int ret, fd;

	ret = call_expect(d, &req, HV__DOMCTL_REPLY__RESULT_MEMORY, &sm, &fd);
	if (ret)
		return ret;
	r = sm->reply->memory;
	if (fd < 0 || r->page_size != DOMCTL_PAGE_SIZE || r->n_regions != 1 ||
	    r->regions[0]->fd_offset != 0 ||
	    r->regions[0]->size != r->nr_pages * DOMCTL_PAGE_SIZE) {
		ret = fail(d, -EPROTO, "memory reply %s", fd < 0 ?
			   "without the memfd" : "with a layout this client "
			   "does not understand");
		if (fd >= 0)
			close(fd);
	} else {
		mem->fd = fd;
		mem->page_size = r->page_size;
		mem->nr_pages = r->nr_pages;
		mem->guest_base = r->regions[0]->guest_base;
	}
	hv__domctl_server_message__free_unpacked(sm, NULL);
	return ret;
}

int domctl_log_dirty_enable(struct domctl *d)
{
	Hv__LogDirtyEnableRequest m = HV__LOG_DIRTY_ENABLE_REQUEST__INIT;
	REQUEST(req, log_dirty_enable, LOG_DIRTY_ENABLE, m);

	return call_expect(d, &req, 0, NULL, NULL);
}

int domctl_log_dirty_disable(struct domctl *d)
{
	Hv__LogDirtyDisableRequest m = HV__LOG_DIRTY_DISABLE_REQUEST__INIT;
	REQUEST(req, log_dirty_disable, LOG_DIRTY_DISABLE, m);

	return call_expect(d, &req, 0, NULL, NULL);
}

int domctl_set_throttle(struct domctl *d, unsigned int percent)
{
	Hv__SetThrottleRequest m = HV__SET_THROTTLE_REQUEST__INIT;
	REQUEST(req, set_throttle, SET_THROTTLE, m);

	m.percent = percent;
	return call_expect(d, &req, 0, NULL, NULL);
}

static int bitmap_call(struct domctl *d, Hv__DomctlRequest *req,
		       uint64_t first, uint64_t count, uint8_t *bits)
{
	Hv__DomctlServerMessage *sm = NULL;
	Hv__DirtyBitmap *b;
	int ret;

	ret = call_expect(d, req, HV__DOMCTL_REPLY__RESULT_BITMAP, &sm, NULL);
	if (ret)
		return ret;
	b = sm->reply->bitmap;
	if (b->first_pfn != first || b->count != count ||
	    b->bits.len != (count + 7) / 8)
		ret = fail(d, -EPROTO, "dirty bitmap for another range");
	else if (count)
		memcpy(bits, b->bits.data, b->bits.len);
	hv__domctl_server_message__free_unpacked(sm, NULL);
	return ret;
}

int domctl_log_dirty_peek(struct domctl *d, uint64_t first, uint64_t count,
			  uint8_t *bits)
{
	Hv__PfnRange range = HV__PFN_RANGE__INIT;
	Hv__LogDirtyPeekRequest m = HV__LOG_DIRTY_PEEK_REQUEST__INIT;
	REQUEST(req, log_dirty_peek, LOG_DIRTY_PEEK, m);

	range.first_pfn = first;
	range.count = count;
	m.range = &range;
	return bitmap_call(d, &req, first, count, bits);
}

int domctl_log_dirty_clean(struct domctl *d, uint64_t first, uint64_t count,
			   uint8_t *bits)
{
	Hv__PfnRange range = HV__PFN_RANGE__INIT;
	Hv__LogDirtyCleanRequest m = HV__LOG_DIRTY_CLEAN_REQUEST__INIT;
	REQUEST(req, log_dirty_clean, LOG_DIRTY_CLEAN, m);

	range.first_pfn = first;
	range.count = count;
	m.range = &range;
	return bitmap_call(d, &req, first, count, bits);
}

/* Ranges per mark record: 16 KiB worth of ranges, far below the limit. */
#define MARK_BATCH 1024

int domctl_log_dirty_mark(struct domctl *d,
			  const struct domctl_pfn_range *ranges, size_t n)
{
	Hv__PfnRange *r = calloc(MARK_BATCH, sizeof(*r));
	Hv__PfnRange **rp = calloc(MARK_BATCH, sizeof(*rp));
	size_t done = 0;
	int ret = 0;

	if (!r || !rp) {
		ret = fail(d, -ENOMEM, "out of memory");
		goto out;
	}
	do {
		Hv__LogDirtyMarkRequest m = HV__LOG_DIRTY_MARK_REQUEST__INIT;
		REQUEST(req, log_dirty_mark, LOG_DIRTY_MARK, m);
		size_t k = n - done < MARK_BATCH ? n - done : MARK_BATCH;

		for (size_t i = 0; i < k; i++) {
			hv__pfn_range__init(&r[i]);
			r[i].first_pfn = ranges[done + i].first;
			r[i].count = ranges[done + i].count;
			rp[i] = &r[i];
		}
		m.n_ranges = k;
		m.ranges = rp;
		ret = call_expect(d, &req, 0, NULL, NULL);
		done += k;
	} while (!ret && done < n);
out:
	free(r);
	free(rp);
	return ret;
}

int domctl_get_vcpu_context(struct domctl *d, unsigned vcpu, uint8_t **buf,
			    size_t *len)
{
	Hv__GetVcpuContextRequest m = HV__GET_VCPU_CONTEXT_REQUEST__INIT;
	Hv__DomctlServerMessage *sm = NULL;
	REQUEST(req, get_vcpu_context, GET_VCPU_CONTEXT, m);
	int ret;

	m.vcpu = vcpu;
	ret = call_expect(d, &req, HV__DOMCTL_REPLY__RESULT_VCPU, &sm, NULL);
	if (ret)
		return ret;
	ret = take_packed(d, &sm->reply->vcpu->base, buf, len);
	hv__domctl_server_message__free_unpacked(sm, NULL);
	return ret;
}

int domctl_set_vcpu_context(struct domctl *d, unsigned vcpu,
			    const uint8_t *buf, size_t len)
{
	Hv__SetVcpuContextRequest m = HV__SET_VCPU_CONTEXT_REQUEST__INIT;
	REQUEST(req, set_vcpu_context, SET_VCPU_CONTEXT, m);
	int ret;

	m.vcpu = vcpu;
	m.state = hv__vcpu_state__unpack(NULL, len, buf);
	if (!m.state)
		return fail(d, -EINVAL, "vCPU %u: the state given is not a "
			    "VcpuState message", vcpu);
	ret = call_expect(d, &req, 0, NULL, NULL);
	hv__vcpu_state__free_unpacked(m.state, NULL);
	return ret;
}

int domctl_save_devices(struct domctl *d, uint8_t **buf, size_t *len)
{
	Hv__SaveDevicesRequest m = HV__SAVE_DEVICES_REQUEST__INIT;
	Hv__DomctlServerMessage *sm = NULL;
	REQUEST(req, save_devices, SAVE_DEVICES, m);
	int ret;

	ret = call_expect(d, &req, HV__DOMCTL_REPLY__RESULT_DEVICES, &sm,
			  NULL);
	if (ret)
		return ret;
	ret = take_packed(d, &sm->reply->devices->base, buf, len);
	hv__domctl_server_message__free_unpacked(sm, NULL);
	return ret;
}

int domctl_restore_devices(struct domctl *d, const uint8_t *buf, size_t len)
{
	Hv__RestoreDevicesRequest m = HV__RESTORE_DEVICES_REQUEST__INIT;
	REQUEST(req, restore_devices, RESTORE_DEVICES, m);
	int ret;

	m.state = hv__device_state__unpack(NULL, len, buf);
	if (!m.state)
		return fail(d, -EINVAL, "the device state given is not a "
			    "DeviceState message");
	ret = call_expect(d, &req, 0, NULL, NULL);
	hv__device_state__free_unpacked(m.state, NULL);
	return ret;
}

int domctl_console_write(struct domctl *d, const void *buf, size_t len,
			 size_t *accepted)
{
	Hv__ConsoleWriteRequest m = HV__CONSOLE_WRITE_REQUEST__INIT;
	Hv__DomctlServerMessage *sm = NULL;
	REQUEST(req, console_write, CONSOLE_WRITE, m);
	int ret;

	*accepted = 0;
	if (len > DOMCTL_CONSOLE_MAX)
		return fail(d, -EINVAL, "console write of %zu bytes: at most "
			    "%u per call", len, DOMCTL_CONSOLE_MAX);
	m.data.data = (uint8_t *)buf;
	m.data.len = len;
	ret = call_expect(d, &req, HV__DOMCTL_REPLY__RESULT_CONSOLE_WRITE,
			  &sm, NULL);
	if (ret)
		return ret;
	if (sm->reply->console_write->accepted > len)
		ret = fail(d, -EPROTO, "console took more than was sent");
	else
		*accepted = sm->reply->console_write->accepted;
	hv__domctl_server_message__free_unpacked(sm, NULL);
	return ret;
}

int domctl_console_subscribe(struct domctl *d, bool enable, bool replay,
			     uint64_t *offset)
{
	Hv__ConsoleSubscribeRequest m = HV__CONSOLE_SUBSCRIBE_REQUEST__INIT;
	Hv__DomctlServerMessage *sm = NULL;
	REQUEST(req, console_subscribe, CONSOLE_SUBSCRIBE, m);
	int ret;

	m.enable = enable;
	m.replay = replay;
	ret = call_expect(d, &req, HV__DOMCTL_REPLY__RESULT_CONSOLE_SUBSCRIBE,
			  &sm, NULL);
	if (ret)
		return ret;
	if (offset)
		*offset = sm->reply->console_subscribe->offset;
	hv__domctl_server_message__free_unpacked(sm, NULL);
	return 0;
}

/* ---- guest ---- */

int domctl_power_button(struct domctl *d)
{
	Hv__PowerButtonRequest m = HV__POWER_BUTTON_REQUEST__INIT;
	REQUEST(req, power_button, POWER_BUTTON, m);

	return call_expect(d, &req, 0, NULL, NULL);
}

/* ---- events ---- */

int domctl_next_event(struct domctl *d, struct domctl_event *ev,
		      int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

	while (!d->head) {
		Hv__DomctlServerMessage *sm;
		int ret, fd;

		if (!d->dead && timeout_ms == 0 && wait_readable(d, 0))
			return -ETIMEDOUT;
		ret = recv_server(d, deadline, &sm, &fd);
		if (ret == -ETIMEDOUT)
			return ret;
		if (ret)
			return ret;
		if (fd >= 0)
			close(fd);
		if (sm->msg_case != HV__DOMCTL_SERVER_MESSAGE__MSG_EVENT) {
			hv__domctl_server_message__free_unpacked(sm, NULL);
			return fail(d, -EPROTO, "a reply nobody asked for");
		}
		ret = queue_event(d, sm->event);
		hv__domctl_server_message__free_unpacked(sm, NULL);
		if (ret)
			return fail(d, ret, "out of memory");
	}
	{
		struct event_node *n = d->head;

		d->head = n->next;
		if (!d->head)
			d->tail = NULL;
		*ev = n->ev;
		free(n);
	}
	return 0;
}

void domctl_event_free(struct domctl_event *ev)
{
	if (!ev)
		return;
	free(ev->data);
	ev->data = NULL;
	ev->len = 0;
}
