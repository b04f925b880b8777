// SPDX-License-Identifier: MIT
/*
 * The precopy sender (docs/migration.md): log-dirty on, round 0 with
 * every populated page, clean-and-send rounds while the predicted
 * downtime exceeds the target, stop-and-copy, then the handover. The
 * pages move on the channel threads (send_chan.c); this thread owns the
 * domctl connection, the dirty bitmap and the decisions.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "domain_ram.h"
#include "handover.h"
#include "migrate.h"
#include "send_chan.h"
#include "stream_format.h"

/*
 * What stop-and-copy costs beyond the pages: the state and the handover
 * (a few round trips), and END's digest, which both sides compute over
 * all populated RAM while the guest is paused, one thread per channel, at
 * the rate measured on a sample at setup (DIGEST_RATE when the sample has
 * too little data to tell).
 */
#define STATE_COST_US		2000
#define DIGEST_RATE		(2ull << 30)
#define DIGEST_SAMPLE_PAGES	4096	/* the first 16 MiB of RAM */
#define DIGEST_SAMPLE_MIN	256	/* populated pages to trust it */

/* A round that moves less than this measures latency, not the link. */
#define LINK_SAMPLE_BYTES	(1u << 20)

/* Auto-converge's throttle, percent of each vCPU's time asleep. */
#define THROTTLE_INITIAL	20
#define THROTTLE_STEP		10
#define THROTTLE_MAX		99

struct sending {
	struct domctl *d;
	const struct mig_params *p;
	struct mig_transport *t;
	struct mig_stats *st;
	const char *name;
	const struct hv_log *log;
	uint64_t t0, t_pause;
	uint8_t *conf;
	size_t conf_len;
	uint32_t vcpus;
	uint8_t uuid[16];
	struct domain_ram ram;
	uint8_t *bits;		/* the next round's pages */
	size_t bits_len;
	struct send_chans chans;
	bool chans_up, logdirty, paused, was_running, ended, committed;
	bool no_throttle;	/* the domain has no SetThrottle */
	uint64_t link_rate;	/* bytes/s the channels together can send */
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

static int call_failed(struct sending *s, const char *step, int ret)
{
	return domain_call_failed(s->d, "migrate", s->name, step, ret, s->log);
}

static int set_bits(void *opaque, uint64_t first, uint64_t end)
{
	uint8_t *bits = opaque;

	for (uint64_t pfn = first; pfn < end; pfn++)
		bits[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
	return 0;
}

static uint64_t count_bits(const uint8_t *bits, size_t len)
{
	uint64_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += (uint64_t)__builtin_popcount(bits[i]);
	return n;
}

/*
 * Log-dirty clean of all RAM, ORed into s->bits (so the pages of an
 * unsent set stay in it): the number of pages now set.
 */
static int clean_into(struct sending *s, uint8_t *tmp, uint64_t *set)
{
	uint64_t nr = s->ram.mem.nr_pages;
	int ret;

	for (uint64_t first = 0; first < nr; first += DOMCTL_BITMAP_MAX) {
		uint64_t count = nr - first < DOMCTL_BITMAP_MAX ?
				 nr - first : DOMCTL_BITMAP_MAX;

		ret = domctl_log_dirty_clean(s->d, first, count,
					     tmp + first / 8);
		if (ret)
			return call_failed(s, "log-dirty clean", ret);
	}
	for (size_t i = 0; i < s->bits_len; i++)
		s->bits[i] |= tmp[i];
	*set = count_bits(s->bits, s->bits_len);
	return 0;
}

static void update_counts(struct sending *s)
{
	struct mig_stats *st = s->st;
	struct stream_manifest m;

	st->pages_sent = st->zero_pages = 0;
	for (unsigned int i = 0; i < s->chans.n; i++) {
		stream_writer_counts(s->chans.c[i].w, &m);
		st->pages_sent += m.page_entries;
		st->zero_pages += m.zero_entries;
	}
	st->raw_bytes = (st->pages_sent - st->zero_pages) * STREAM_PAGE_SIZE;
	st->wire_bytes = send_chans_bytes(&s->chans);
	st->total_us = now_us() - s->t0;
}

static int run(struct sending *s, enum chan_job job, const char *what)
{
	unsigned int ch = 0;
	int ret = send_chans_run(&s->chans, job, &ch);

	if (ret == -ECANCELED)
		log_err(s->log, "migrate: %s: cancelled", s->name);
	else if (ret)
		log_err(s->log, "migrate: %s: %s, channel %u (%s): %s",
			s->name, what, ch, s->chans.c[ch].step, strerror(-ret));
	return ret;
}

/* One round: the pages in s->bits on every channel, SYNC everywhere. */
static int send_round(struct sending *s, mig_progress_fn progress,
		      void *opaque)
{
	uint64_t t = now_us(), b = send_chans_bytes(&s->chans), dt;
	int ret;

	s->chans.bits = s->bits;
	ret = run(s, JOB_ROUND, "sending a round");
	if (ret)
		return ret;
	dt = now_us() - t;
	s->st->rounds++;
	update_counts(s);
	if (dt)
		s->st->throughput = (s->st->wire_bytes - b) * 1000000u / dt;
	/*
	 * The link's rate: the best round that moved enough to measure it
	 * (a round of a few pages is all latency), else the last one.
	 */
	if (s->st->wire_bytes - b >= LINK_SAMPLE_BYTES) {
		if (s->st->throughput > s->link_rate)
			s->link_rate = s->st->throughput;
	} else if (!s->link_rate) {
		s->link_rate = s->st->throughput;
	}
	if (progress)
		progress(opaque, s->st);
	return 0;
}

/* Wire bytes per page sent so far (compression, zero pages, framing). */
static double per_page(const struct mig_stats *st)
{
	return st->pages_sent ? (double)st->wire_bytes /
				(double)st->pages_sent : STREAM_PAGE_SIZE;
}

/* What stop-and-copy costs whatever is left dirty: state and digests. */
static uint64_t floor_us(const struct mig_stats *st)
{
	double digest = 2.0 * (double)st->populated_pages * STREAM_PAGE_SIZE /
			((double)st->digest_rate * st->nr_channels);

	return (uint64_t)(digest * 1e6) + STATE_COST_US;
}

/* Times the digest over the populated pages among the first few MiB. */
static void measure_digest(struct sending *s)
{
	uint64_t n = s->ram.mem.nr_pages < DIGEST_SAMPLE_PAGES ?
		     s->ram.mem.nr_pages : DIGEST_SAMPLE_PAGES;
	uint64_t data = count_bits(s->bits, (n + 7) / 8), t;
	struct stream_manifest m;

	s->st->digest_rate = DIGEST_RATE;
	if (data < DIGEST_SAMPLE_MIN)
		return;
	t = now_us();
	stream_digest_sparse(s->ram.base, n, 0, 1, s->ram.mem.fd, &m);
	t = now_us() - t;
	if (t)
		s->st->digest_rate = data * STREAM_PAGE_SIZE * 1000000u / t;
}

/*
 * Predicted downtime of stopping now with @dirty pages left: their wire
 * bytes over the link's rate, plus the floor.
 */
static uint64_t predict_us(const struct sending *s, uint64_t dirty)
{
	if (!s->link_rate)
		return UINT64_MAX;
	return (uint64_t)((double)dirty * per_page(s->st) * 1e6 /
			  (double)s->link_rate) + floor_us(s->st);
}

static int setup(struct sending *s, const atomic_bool *cancel)
{
	struct send_chans_config cc = { 0 };
	struct domctl_status dst;
	int ret;

	if (s->t->ops->pages) {
		log_err(s->log, "migrate: %s: the %s transport places pages "
			"directly; the stream has no encoding for that yet",
			s->name, s->t->ops->name);
		return -EOPNOTSUPP;
	}
	if (!s->t->nr_channels || s->t->nr_channels > MIG_MAX_CHANNELS) {
		log_err(s->log, "migrate: %s: %u channels, expected 1..%d",
			s->name, s->t->nr_channels, MIG_MAX_CHANNELS);
		return -EINVAL;
	}
	ret = domctl_get_state(s->d, &dst);
	if (ret)
		return call_failed(s, "get state", ret);
	if (dst.state != DOMCTL_STATE_RUNNING &&
	    dst.state != DOMCTL_STATE_PAUSED &&
	    dst.state != DOMCTL_STATE_CREATED) {
		log_err(s->log, "migrate: %s: the domain is %s; only a "
			"running, paused or created one can move", s->name,
			domctl_state_name(dst.state));
		return -EINVAL;
	}
	s->was_running = dst.state == DOMCTL_STATE_RUNNING;
	memcpy(s->uuid, domctl_info(s->d)->uuid, sizeof(s->uuid));
	ret = domain_get_config(s->d, &s->conf, &s->conf_len, &s->vcpus,
				"migrate", s->name, s->log);
	if (!ret)
		ret = domain_ram_map(s->d, false, &s->ram, "migrate", s->name,
				     s->log);
	if (ret)
		return ret;
	s->st->ram_pages = s->ram.mem.nr_pages;
	s->bits_len = (s->ram.mem.nr_pages + 7) / 8;
	s->bits = calloc(1, s->bits_len);
	if (!s->bits)
		return -ENOMEM;
	ret = s->t->ops->open(s->t);
	if (ret) {
		log_err(s->log, "migrate: %s: opening the %s transport: %s",
			s->name, s->t->ops->name, strerror(-ret));
		return ret;
	}
	ret = domctl_log_dirty_enable(s->d);
	if (ret)
		return call_failed(s, "log-dirty enable", ret);
	s->logdirty = true;
	cc.t = s->t;
	cc.ram = s->ram.base;
	cc.ram_fd = &s->ram.mem.fd;
	cc.nr_pages = s->ram.mem.nr_pages;
	if (getrandom(&cc.stream_id, sizeof(cc.stream_id), 0) < 0)
		cc.stream_id = s->t0;	/* only weakens splice detection */
	cc.zstd_level = s->p->no_compress ? 0 : s->p->zstd_level ?
			s->p->zstd_level : MIG_DEFAULT_ZSTD_LEVEL;
	cc.bandwidth = s->p->bandwidth;
	cc.cancel = cancel;
	s->chans_up = true;
	ret = send_chans_start(&s->chans, &cc);
	if (ret) {
		log_err(s->log, "migrate: %s: starting %u channels: %s",
			s->name, s->t->nr_channels, strerror(-ret));
		return ret;
	}
	s->chans.config = s->conf;
	s->chans.config_len = s->conf_len;
	ret = run(s, JOB_HEADER, "stream header");
	if (ret)
		return ret;
	/* round 0: what holds data; holes are never read */
	ret = stream_for_each_data(s->ram.mem.fd, s->ram.mem.nr_pages,
				   set_bits, s->bits);
	if (ret) {
		log_err(s->log, "migrate: %s: finding the populated pages: "
			"%s", s->name, strerror(-ret));
		return ret;
	}
	s->st->populated_pages = count_bits(s->bits, s->bits_len);
	measure_digest(s);
	return 0;
}

/*
 * Auto-converge: when the guest dirties memory at more than half the
 * rate the link sends it (QEMU's test), it outruns the migration:
 * throttle its vCPUs, 20% first, then 10% more each such round. An
 * hvdomain without SetThrottle just goes on unthrottled.
 */
static void auto_converge(struct sending *s)
{
	unsigned int pct;
	int ret;

	if (s->p->no_auto_converge || s->no_throttle ||
	    (double)s->st->dirty_rate * per_page(s->st) <=
	    (double)s->link_rate / 2)
		return;
	pct = s->st->throttle_pct ? s->st->throttle_pct + THROTTLE_STEP :
	      THROTTLE_INITIAL;
	if (pct > THROTTLE_MAX)
		pct = THROTTLE_MAX;
	if (pct == s->st->throttle_pct)
		return;
	ret = domctl_set_throttle(s->d, pct);
	if (ret) {
		log_warn(s->log, "migrate: %s: auto-converge off: set throttle:"
			 " %s", s->name, *domctl_error(s->d) ?
			 domctl_error(s->d) : strerror(-ret));
		s->no_throttle = true;
		return;
	}
	s->st->throttle_pct = pct;
	log_info(s->log, "migrate: %s: auto-converge: vCPUs throttled to %u%%",
		 s->name, pct);
}

static bool timed_out(struct sending *s)
{
	return s->p->timeout_ms &&
	       now_us() - s->t0 >= (uint64_t)s->p->timeout_ms * 1000u;
}

/* Rounds until the predicted downtime fits, or the limits say stop. */
static int precopy(struct sending *s, uint8_t *tmp, mig_progress_fn progress,
		   void *opaque, const atomic_bool *cancel)
{
	unsigned int max_rounds = s->p->max_rounds ? s->p->max_rounds :
				  MIG_DEFAULT_MAX_ROUNDS;
	uint64_t target = (uint64_t)(s->p->max_downtime_ms ?
				     s->p->max_downtime_ms :
				     MIG_DEFAULT_DOWNTIME_MS) * 1000u;
	int ret;

	for (;;) {
		uint64_t t = now_us(), dirty;
		bool fits;

		ret = send_round(s, progress, opaque);
		if (ret)
			return ret;
		memset(s->bits, 0, s->bits_len);
		ret = clean_into(s, tmp, &dirty);
		if (ret)
			return ret;
		if (now_us() > t)
			s->st->dirty_rate = dirty * 1000000u / (now_us() - t);
		s->st->dirty_pages = dirty;
		s->st->expected_downtime_us = predict_us(s, dirty);
		if (s->st->rounds > 1)
			auto_converge(s);
		/*
		 * When stop-and-copy costs more than the target whatever is
		 * left, more rounds cannot help: aim at the floor instead.
		 */
		if (s->st->rounds == 1 && floor_us(s->st) >= target) {
			log_info(s->log, "migrate: %s: the downtime cannot be "
				 "under %" PRIu64 " ms (state and digests of %"
				 PRIu64 " MiB); aiming at %" PRIu64 " ms",
				 s->name, floor_us(s->st) / 1000,
				 s->st->populated_pages >> 8,
				 (floor_us(s->st) + target) / 1000);
			target += floor_us(s->st);
		}
		if (cancel && atomic_load(cancel)) {
			log_err(s->log, "migrate: %s: cancelled", s->name);
			return -ECANCELED;
		}
		fits = s->st->expected_downtime_us <= target;
		if (s->p->policy ? s->p->policy(s->p->policy_opaque, s->st,
						fits) : fits)
			return 0;
		if (s->st->rounds < max_rounds && !timed_out(s))
			continue;
		if (s->p->timeout_action == MIG_TIMEOUT_ABORT) {
			log_err(s->log, "migrate: %s: no convergence after %"
				PRIu64 " rounds (%" PRIu64 " pages dirty, "
				"%" PRIu64 " pages/s): giving up", s->name,
				s->st->rounds, dirty, s->st->dirty_rate);
			return -ETIMEDOUT;
		}
		log_info(s->log, "migrate: %s: forcing stop-and-copy after %"
			 PRIu64 " rounds (%" PRIu64 " us expected)", s->name,
			 s->st->rounds, s->st->expected_downtime_us);
		return 0;
	}
}

/* Paused: the last dirty pages, the state, END on every channel. */
static int stop_and_copy(struct sending *s, uint8_t *tmp,
			 mig_progress_fn progress, void *opaque)
{
	uint64_t dirty;
	int ret;

	ret = domctl_pause(s->d, NULL);
	if (ret)
		return call_failed(s, "pause", ret);
	s->t_pause = now_us();
	s->paused = true;
	s->st->paused = true;
	ret = clean_into(s, tmp, &dirty);
	if (ret)
		return ret;
	ret = send_round(s, progress, opaque);
	if (ret)
		return ret;
	/* the channel threads are idle: channel 0's writer is ours */
	ret = domain_write_state(s->d, s->chans.c[0].w, s->vcpus, "migrate",
				 s->name, s->log);
	if (ret)
		return ret;
	ret = run(s, JOB_END, "END");
	if (ret)
		return ret;
	s->ended = true;
	update_counts(s);
	return 0;
}

/* The source's side of the handover (handover.h). */
static int handover(struct sending *s)
{
	enum handover_type type;
	int32_t status;
	uint64_t epoch, epoch_out = s->p->epoch;
	int ret;

	ret = handover_recv(s->t, &type, &status, &epoch);
	if (ret) {
		log_err(s->log, "migrate: %s: waiting for READY: %s", s->name,
			ret == -ENODATA ? "the destination closed the "
			"connection" : strerror(-ret));
		return ret;
	}
	if (type == HANDOVER_FAILED) {
		log_err(s->log, "migrate: %s: the destination refused the "
			"domain: %s", s->name, strerror(-status));
		return status < 0 ? status : -EPROTO;
	}
	if (type != HANDOVER_READY) {
		log_err(s->log, "migrate: %s: %s from the destination, "
			"expected READY", s->name, handover_name(type));
		return -EPROTO;
	}
	if (s->p->arbiter) {
		ret = s->p->arbiter->ops->commit(s->p->arbiter->priv, s->uuid,
						 epoch_out);
		if (ret) {
			log_err(s->log, "migrate: %s: making the commit "
				"durable: %s", s->name, strerror(-ret));
			return ret;
		}
	}
	/* the commit point: from here the destination owns the guest */
	s->committed = true;
	s->st->outcome = MIG_OUTCOME_UNCONFIRMED;
	ret = handover_send(s->t, HANDOVER_RUN, 0, epoch_out);
	if (!ret)
		ret = handover_recv(s->t, &type, &status, &epoch);
	if (!ret && (type != HANDOVER_RUNNING || status))
		ret = status ? status : -EPROTO;
	if (ret) {
		log_warn(s->log, "migrate: %s: committed at epoch %" PRIu64
			 ", but the destination did not confirm it runs: %s; "
			 "the guest stays paused here", s->name, epoch_out,
			 strerror(-ret));
		return 0;
	}
	s->st->outcome = MIG_OUTCOME_RUNNING;
	s->st->downtime_us = now_us() - s->t_pause;
	return 0;
}

/* Before the commit point: back to how it was, best effort. */
static void undo(struct sending *s)
{
	int ret;

	if (s->ended && (s->t->ops->flags & MIG_XPORT_PEER))
		(void)handover_send(s->t, HANDOVER_ABORT, 0, 0);
	s->t->ops->abort(s->t);
	if (s->paused && s->was_running) {
		ret = domctl_unpause(s->d, NULL);
		if (ret)
			call_failed(s, "unpause after the failure", ret);
		else
			s->paused = false;
	}
	s->st->paused = s->paused;
}

int mig_send(struct domctl *src, const struct mig_params *p,
	     struct mig_transport *t, struct mig_stats *st,
	     mig_progress_fn progress, void *opaque, const atomic_bool *cancel)
{
	struct mig_stats local;
	struct sending s = { .d = src, .p = p, .t = t, .log = p->log,
			     .ram = DOMAIN_RAM_INIT };
	uint8_t *tmp = NULL;
	int ret, ret2;

	s.st = st ? st : &local;
	memset(s.st, 0, sizeof(*s.st));
	s.st->nr_channels = t->nr_channels;
	s.name = p->name ? p->name : domctl_info(src)->name;
	s.t0 = now_us();
	ret = setup(&s, cancel);
	if (!ret) {
		tmp = malloc(s.bits_len);
		ret = tmp ? 0 : -ENOMEM;
	}
	s.st->setup_us = now_us() - s.t0;
	if (!ret)
		ret = precopy(&s, tmp, progress, opaque, cancel);
	if (!ret)
		ret = stop_and_copy(&s, tmp, progress, opaque);
	if (!ret && (t->ops->flags & MIG_XPORT_PEER))
		ret = handover(&s);
	else if (!ret)
		s.st->outcome = MIG_OUTCOME_SAVED;
	if (ret && !s.committed)
		undo(&s);
	if (s.chans_up) {
		if (!s.committed)
			update_counts(&s);
		send_chans_stop(&s.chans);
	}
	if (t->ops->finish) {
		ret2 = t->ops->finish(t, ret);
		if (ret2 && !ret && !s.committed) {
			log_err(s.log, "migrate: %s: finishing the %s "
				"transport: %s", s.name, t->ops->name,
				strerror(-ret2));
			ret = ret2;
			s.st->outcome = MIG_OUTCOME_NONE;
			undo(&s);
		}
	}
	if (!ret && s.st->outcome == MIG_OUTCOME_SAVED)
		s.st->downtime_us = now_us() - s.t_pause;
	if (s.st->throttle_pct) {
		ret2 = domctl_set_throttle(src, 0);
		if (ret2)
			call_failed(&s, "ending the throttle", ret2);
	}
	if (s.logdirty) {
		ret2 = domctl_log_dirty_disable(src);
		if (ret2)
			call_failed(&s, "log-dirty disable", ret2);
	}
	domain_ram_unmap(&s.ram);
	free(tmp);
	free(s.bits);
	free(s.conf);
	s.st->total_us = now_us() - s.t0;
	if (progress)
		progress(opaque, s.st);
	return ret;
}
