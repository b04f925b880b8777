// SPDX-License-Identifier: MIT
/*
 * The receiver (docs/migration.md): one reader thread per channel applies
 * its stream into the incoming domain's RAM, mapped here once for all;
 * channel 0's STATE records are kept until every channel has ended, then
 * the written pages are marked and the state set through domctl, and the
 * handover runs on channel 0. Only this thread uses the domctl connection.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain_ram.h"
#include "domain_save.h"
#include "handover.h"
#include "migrate.h"
#include "proto/state.pb-c.h"
#include "stream.h"
#include "xport.h"

#define VCPUS_MAX	256

struct kept_state {
	uint8_t *buf;
	size_t len;
	bool seen;
};

struct receiving;

struct recv_chan {
	struct receiving *r;
	unsigned int idx;
	pthread_t thread;
	bool started;
	struct mig_chan_io io;
	struct stream_reader *rd;
	struct stream_manifest m;	/* from END */
	uint64_t rounds;
	bool pages_done;	/* counted in receiving.pages_done */
	int ret;
};

struct receiving {
	struct domctl *d;
	const struct mig_recv_params *p;
	struct mig_transport *t;
	struct mig_recv_stats *st;
	const char *name;
	const struct hv_log *log;
	struct domain_ram ram;
	uint32_t vcpus;
	struct kept_state *vcpu;	/* vcpus of them, channel 0's */
	struct kept_state devices;
	atomic_bool failed;
	/* channels whose pages are all written, or that ended: under lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int pages_done;
	_Atomic uint64_t stream_id;	/* the migration's, from a header */
	unsigned int first_bad;	/* the channel that failed first */
	struct recv_chan *c;
};

static int call_failed(struct receiving *r, const char *step, int ret)
{
	return domain_call_failed(r->d, "migrate in", r->name, step, ret,
				  r->log);
}

/* ---- the sink, on the channels' threads ---- */

/*
 * The stream on connection i must be channel i of as many channels as
 * the transport has, with the migration's one stream_id (the first
 * channel to get here sets it): a stream on the wrong connection or from
 * another migration would break the one-channel-per-page rule.
 */
static int check_header(struct recv_chan *c)
{
	struct receiving *r = c->r;
	struct stream_header_info h;
	uint64_t want = 0;

	stream_reader_header(c->rd, &h);
	if (h.channel != c->idx || h.nr_channels != r->t->nr_channels) {
		log_err(r->log, "migrate in: %s: connection %u carries channel "
			"%u of %u, expected %u of %u", r->name, c->idx,
			h.channel, h.nr_channels, c->idx, r->t->nr_channels);
		return -EPROTO;
	}
	if (!h.stream_id ||
	    atomic_compare_exchange_strong(&r->stream_id, &want, h.stream_id) ||
	    want == h.stream_id)
		return 0;
	log_err(r->log, "migrate in: %s: connection %u carries another "
		"migration's stream (id %016" PRIx64 ", not %016" PRIx64 ")",
		r->name, c->idx, h.stream_id, want);
	return -EPROTO;
}

static int on_config(void *opaque, const void *buf, size_t len)
{
	struct recv_chan *c = opaque;
	Hv__DomainConfig *cfg;
	uint32_t vcpus;

	if (check_header(c))
		return -EPROTO;
	cfg = hv__domain_config__unpack(NULL, len, buf);
	if (!cfg)
		return -EBADMSG;
	vcpus = cfg->vcpus;
	hv__domain_config__free_unpacked(cfg, NULL);
	/* the incoming domain was made from this config: same shape */
	return vcpus == c->r->vcpus ? 0 : -EINVAL;
}

static int map_ram(void *opaque, void **base, uint64_t *size)
{
	struct recv_chan *c = opaque;

	if (check_header(c))
		return -EPROTO;
	*base = c->r->ram.base;
	*size = c->r->ram.len;
	return 0;
}

static int ram_fd(void *opaque)
{
	struct recv_chan *c = opaque;

	return c->r->ram.mem.fd;
}

static int on_sync(void *opaque, uint64_t round)
{
	struct recv_chan *c = opaque;

	c->rounds = round + 1;
	return 0;
}

static int keep(struct kept_state *k, const void *buf, size_t len)
{
	if (k->seen)
		return -EINVAL;
	k->buf = malloc(len ? len : 1);
	if (!k->buf)
		return -ENOMEM;
	memcpy(k->buf, buf, len);
	k->len = len;
	k->seen = true;
	return 0;
}

static int on_state(void *opaque, uint32_t type, uint32_t instance,
		    const void *buf, size_t len)
{
	struct receiving *r = ((struct recv_chan *)opaque)->r;

	if (type == STATE_VCPU && instance < r->vcpus)
		return keep(&r->vcpu[instance], buf, len);
	if (type == STATE_DEVICES && !instance)
		return keep(&r->devices, buf, len);
	return -EINVAL;
}

static int on_end(void *opaque, const struct stream_manifest *m)
{
	struct recv_chan *c = opaque;
	struct receiving *r = c->r;

	c->m = *m;
	if (c->idx)
		return 0;
	for (uint32_t v = 0; v < r->vcpus; v++)
		if (!r->vcpu[v].seen)
			return -ENODATA;
	return r->devices.seen ? 0 : -ENODATA;
}

/* One more channel has written its last page (or never will). */
static void note_pages_done(struct recv_chan *c)
{
	struct receiving *r = c->r;

	if (c->pages_done)
		return;
	c->pages_done = true;
	pthread_mutex_lock(&r->lock);
	r->pages_done++;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static int on_pages_done(void *opaque)
{
	note_pages_done(opaque);
	return 0;
}

static const struct stream_sink_ops recv_ops = {
	.on_config = on_config,
	.map_guest_ram = map_ram,
	.on_sync = on_sync,
	.on_state = on_state,
	.on_end = on_end,
	.on_pages_done = on_pages_done,
	.ram_fd = ram_fd,
};

static void *chan_main(void *arg)
{
	struct recv_chan *c = arg;
	struct mig_transport *t = c->r->t;

	c->ret = (t->ops->flags & MIG_XPORT_PEER) ?
		 stream_read_to_end(c->rd) : stream_read(c->rd);
	if (c->ret && !atomic_exchange(&c->r->failed, true)) {
		c->r->first_bad = c->idx;	/* read after the joins */
		t->ops->abort(t);
	}
	note_pages_done(c);
	return NULL;
}

/* ---- the engine's thread ---- */

static int setup(struct receiving *r)
{
	struct domctl_status ds;
	uint8_t *conf = NULL;
	size_t conf_len;
	int ret;

	ret = domctl_get_state(r->d, &ds);
	if (ret)
		return call_failed(r, "get state", ret);
	if (ds.state != DOMCTL_STATE_INCOMING) {
		log_err(r->log, "migrate in: %s: the domain is %s, not "
			"incoming", r->name, domctl_state_name(ds.state));
		return -EINVAL;
	}
	ret = domain_get_config(r->d, &conf, &conf_len, &r->vcpus,
				"migrate in", r->name, r->log);
	free(conf);
	if (ret)
		return ret;
	if (r->vcpus > VCPUS_MAX)
		return -EINVAL;
	r->vcpu = calloc(r->vcpus, sizeof(*r->vcpu));
	if (!r->vcpu)
		return -ENOMEM;
	ret = domain_ram_map(r->d, true, &r->ram, "migrate in", r->name,
			     r->log);
	if (ret)
		return ret;
	ret = r->t->ops->open(r->t);
	if (ret)
		log_err(r->log, "migrate in: %s: opening the %s transport: %s",
			r->name, r->t->ops->name, strerror(-ret));
	return ret;
}

/* Marks the pages written, then vCPUs and devices (docs/domctl.md). */
static int apply_state(struct receiving *r)
{
	char step[48];
	int ret;

	/* channel 0's END will say what is missing */
	for (uint32_t v = 0; v < r->vcpus; v++)
		if (!r->vcpu[v].seen)
			return -ENODATA;
	if (!r->devices.seen)
		return -ENODATA;
	ret = domain_mark_populated(r->d, &r->ram);
	if (ret)
		return call_failed(r, "log-dirty mark of the pages", ret);
	for (uint32_t v = 0; v < r->vcpus; v++) {
		ret = domctl_set_vcpu_context(r->d, v, r->vcpu[v].buf,
					      r->vcpu[v].len);
		if (ret) {
			snprintf(step, sizeof(step), "set vCPU %u context", v);
			return call_failed(r, step, ret);
		}
	}
	ret = domctl_restore_devices(r->d, r->devices.buf, r->devices.len);
	return ret ? call_failed(r, "restore devices", ret) : 0;
}

/*
 * Every channel to its END, in parallel. Once every channel has written
 * its last page, the state goes in (into *state_ret) while the readers
 * still check their digests: marking the pages overlaps with hashing
 * them. Returns a channel's error, which wins over the state's.
 */
static int read_channels(struct receiving *r, int *state_ret)
{
	unsigned int n = r->t->nr_channels, started = 0;
	int ret = 0;

	r->c = calloc(n, sizeof(*r->c));
	if (!r->c)
		return -ENOMEM;
	for (unsigned int i = 0; i < n && !ret; i++) {
		struct recv_chan *c = &r->c[i];

		c->r = r;
		c->idx = i;
		mig_chan_io_init(&c->io, r->t, i);
		ret = stream_reader_create(&c->rd, &c->io.io, &recv_ops, c);
		if (!ret)
			ret = -pthread_create(&c->thread, NULL, chan_main, c);
		c->started = !ret;
		started += c->started;
	}
	if (ret) {
		r->t->ops->abort(r->t);
		log_err(r->log, "migrate in: %s: starting the channels: %s",
			r->name, strerror(-ret));
	}
	pthread_mutex_lock(&r->lock);
	while (r->pages_done < started)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
	*state_ret = ret || atomic_load(&r->failed) ? 0 : apply_state(r);
	for (unsigned int i = 0; i < n; i++) {
		struct recv_chan *c = &r->c[i];

		if (!c->started)
			continue;
		pthread_join(c->thread, NULL);
		r->st->wire_bytes += atomic_load(&c->io.bytes);
		r->st->pages += c->m.page_entries;
		r->st->zero_pages += c->m.zero_entries;
	}
	r->st->rounds = r->c[0].rounds;
	if (ret)
		return ret;
	/* the first channel to fail; the others were woken by its abort */
	if (atomic_load(&r->failed)) {
		struct recv_chan *c = &r->c[r->first_bad];

		ret = c->ret;
		log_err(r->log, "migrate in: %s: channel %u: %s", r->name,
			c->idx, *stream_reader_error(c->rd) ?
			stream_reader_error(c->rd) : strerror(-ret));
	}
	return ret;
}

static int run_domain(struct receiving *r, uint64_t epoch)
{
	int ret = domctl_unpause(r->d, NULL);

	r->st->epoch = epoch;
	if (ret)
		call_failed(r, "unpause", ret);
	else
		r->st->running = true;
	if (handover_send(r->t, HANDOVER_RUNNING, ret, 0))
		log_warn(r->log, "migrate in: %s: could not confirm RUNNING "
			 "to the source", r->name);
	return ret;
}

/* Lost contact after READY: the arbiter decides, or we stay in doubt. */
static int in_doubt(struct receiving *r, int why)
{
	const struct mig_arbiter *a = r->p->arbiter;
	const uint8_t *uuid = domctl_info(r->d)->uuid;
	int ret = a ? a->ops->resolve(a->priv, uuid, 0) : -ENOTCONN;

	if (ret == 1)
		return run_domain(r, 0);
	if (ret == 0) {
		log_err(r->log, "migrate in: %s: the handover was aborted",
			r->name);
		return -ECANCELED;
	}
	log_err(r->log, "migrate in: %s: in doubt: contact lost after READY "
		"(%s) and the outcome is unknown (%s); the domain stays "
		"paused", r->name, why == -ENODATA ? "connection closed" :
		strerror(-why), strerror(-ret));
	return -EINPROGRESS;
}

/* The destination's side of the handover (handover.h). */
static int handover(struct receiving *r)
{
	enum handover_type type;
	int32_t status;
	uint64_t epoch;
	int ret;

	ret = handover_send(r->t, HANDOVER_READY, 0, 0);
	if (ret) {
		log_err(r->log, "migrate in: %s: sending READY: %s", r->name,
			strerror(-ret));
		return ret;
	}
	r->st->ready = true;
	ret = handover_recv(r->t, &type, &status, &epoch);
	if (ret)
		return in_doubt(r, ret);
	if (type == HANDOVER_RUN)
		return run_domain(r, epoch);
	if (type == HANDOVER_ABORT) {
		log_err(r->log, "migrate in: %s: the source aborted the "
			"handover", r->name);
		return -ECANCELED;
	}
	log_err(r->log, "migrate in: %s: %s from the source, expected RUN or "
		"ABORT", r->name, handover_name(type));
	return -EPROTO;
}

int mig_recv(struct domctl *dst, const struct mig_recv_params *p,
	     struct mig_transport *t, struct mig_recv_stats *st)
{
	struct mig_recv_stats local;
	struct receiving r = { .d = dst, .p = p, .t = t, .log = p->log,
			       .ram = DOMAIN_RAM_INIT };
	bool peer = t->ops->flags & MIG_XPORT_PEER;
	int ret, ret2, state_ret = 0;

	r.st = st ? st : &local;
	memset(r.st, 0, sizeof(*r.st));
	r.st->nr_channels = t->nr_channels;
	r.name = p->name ? p->name : domctl_info(dst)->name;
	atomic_init(&r.failed, false);
	atomic_init(&r.stream_id, 0);
	if (t->ops->pages || !t->nr_channels ||
	    t->nr_channels > MIG_MAX_CHANNELS) {
		log_err(r.log, "migrate in: %s: the %s transport %s", r.name,
			t->ops->name, t->ops->pages ? "places pages directly; "
			"the stream has no encoding for that yet" :
			"has no usable number of channels");
		return -EOPNOTSUPP;
	}
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.cond, NULL);
	ret = setup(&r);
	if (!ret) {
		ret = read_channels(&r, &state_ret);
		if (!ret && state_ret) {
			ret = state_ret;
			if (peer)
				(void)handover_send(t, HANDOVER_FAILED, ret,
						    0);
		}
	}
	if (!ret && peer)
		ret = handover(&r);
	if (ret)
		t->ops->abort(t);
	if (t->ops->finish) {
		ret2 = t->ops->finish(t, ret);
		ret = ret ? ret : ret2;
	}
	for (unsigned int i = 0; r.c && i < t->nr_channels; i++)
		stream_reader_destroy(r.c[i].rd);
	free(r.c);
	for (uint32_t v = 0; r.vcpu && v < r.vcpus; v++)
		free(r.vcpu[v].buf);
	free(r.vcpu);
	free(r.devices.buf);
	domain_ram_unmap(&r.ram);
	pthread_cond_destroy(&r.cond);
	pthread_mutex_destroy(&r.lock);
	return ret;
}
