// SPDX-License-Identifier: MIT
/*
 * The sender's channel threads (send_chan.h). A page always travels on
 * channel pfn mod N, so each thread scans the round's bitmap for its own
 * class only, in ascending order, and closes the round with SYNC. A
 * failing channel aborts the transport, which makes the others' sends
 * fail at once instead of filling a socket nobody reads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "send_chan.h"
#include "stream_format.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool stopping(struct send_chans *s)
{
	return atomic_load(&s->failed) ||
	       (s->cancel && atomic_load(s->cancel));
}

/* Sleeps until @bytes at the channel's share of the cap are due. */
static void pace(struct send_chans *s, uint64_t start_ns, uint64_t bytes)
{
	uint64_t due, now;
	struct timespec ts;

	if (!s->bw_per_chan)
		return;
	due = start_ns + (uint64_t)((double)bytes * 1e9 /
				    (double)s->bw_per_chan);
	now = now_ns();
	if (due <= now)
		return;
	ts.tv_sec = (time_t)((due - now) / 1000000000u);
	ts.tv_nsec = (long)((due - now) % 1000000000u);
	nanosleep(&ts, NULL);
}

static int send_some(struct send_chan *c, size_t n, uint64_t start_ns,
		     uint64_t bytes0)
{
	struct send_chans *s = c->all;
	int ret;

	if (stopping(s))
		return -ECANCELED;
	ret = stream_write_pages(c->w, c->pfns, n);
	if (ret)
		return ret;
	pace(s, start_ns, atomic_load_explicit(&c->io.bytes,
			  memory_order_relaxed) - bytes0);
	return 0;
}

static int do_round(struct send_chan *c)
{
	struct send_chans *s = c->all;
	uint64_t start = now_ns();
	uint64_t bytes0 = atomic_load(&c->io.bytes);
	size_t n = 0;
	int ret;

	c->step = "send";
	for (uint64_t byte = 0; byte < (s->nr_pages + 7) / 8; byte++) {
		uint8_t b = s->bits[byte];

		while (b) {
			unsigned int bit = (unsigned int)__builtin_ctz(b);
			uint64_t pfn = byte * 8 + bit;

			b &= (uint8_t)(b - 1);
			if (pfn >= s->nr_pages || pfn % s->n != c->idx)
				continue;
			c->pfns[n++] = pfn;
			if (n < STREAM_MAX_BATCH_PAGES)
				continue;
			ret = send_some(c, n, start, bytes0);
			if (ret)
				return ret;
			n = 0;
		}
	}
	if (n) {
		ret = send_some(c, n, start, bytes0);
		if (ret)
			return ret;
	}
	c->step = "sync";
	ret = stream_write_sync(c->w);
	if (!ret && s->t->ops->flush)
		ret = s->t->ops->flush(s->t, c->idx);
	return ret;
}

static int do_job(struct send_chan *c, enum chan_job job)
{
	struct send_chans *s = c->all;
	int ret;

	switch (job) {
	case JOB_HEADER:
		c->step = "stream header";
		return stream_write_header(c->w, c->idx ? NULL : s->config,
					   c->idx ? 0 : s->config_len);
	case JOB_ROUND:
		return do_round(c);
	case JOB_END:
		c->step = "END";
		ret = stream_write_end(c->w, NULL);
		if (!ret && s->t->ops->flush)
			ret = s->t->ops->flush(s->t, c->idx);
		return ret;
	default:
		return 0;
	}
}

static void *chan_main(void *arg)
{
	struct send_chan *c = arg;
	struct send_chans *s = c->all;
	unsigned int seen = 0;

	for (;;) {
		enum chan_job job;
		int ret;

		pthread_mutex_lock(&s->lock);
		while (s->gen == seen)
			pthread_cond_wait(&s->job_cond, &s->lock);
		seen = s->gen;
		job = s->job;
		pthread_mutex_unlock(&s->lock);
		if (job == JOB_QUIT)
			break;
		ret = do_job(c, job);
		if (ret && !atomic_exchange(&s->failed, true))
			s->t->ops->abort(s->t);
		pthread_mutex_lock(&s->lock);
		c->ret = ret;
		if (!--s->pending)
			pthread_cond_signal(&s->done_cond);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

int send_chans_run(struct send_chans *s, enum chan_job job,
		   unsigned int *failed_ch)
{
	int ret = 0, cancel_ret = 0;

	pthread_mutex_lock(&s->lock);
	s->job = job;
	s->gen++;
	s->pending = s->n;
	pthread_cond_broadcast(&s->job_cond);
	while (s->pending)
		pthread_cond_wait(&s->done_cond, &s->lock);
	/* the first real error; -ECANCELED only when nothing else failed */
	for (unsigned int i = 0; i < s->n; i++) {
		int r = s->c[i].ret;

		if (r == -ECANCELED && !cancel_ret) {
			cancel_ret = r;
			*failed_ch = i;
		} else if (r && r != -ECANCELED && !ret) {
			ret = r;
			*failed_ch = i;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (!ret)
		ret = cancel_ret;
	if (!ret && job != JOB_QUIT && s->cancel && atomic_load(s->cancel))
		ret = -ECANCELED;
	return ret;
}

uint64_t send_chans_bytes(struct send_chans *s)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; s->c && i < s->n; i++)
		sum += atomic_load_explicit(&s->c[i].io.bytes,
					    memory_order_relaxed);
	return sum;
}

int send_chans_start(struct send_chans *s, const struct send_chans_config *c)
{
	struct stream_writer_config wc = { 0 };
	int ret;

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->job_cond, NULL);
	pthread_cond_init(&s->done_cond, NULL);
	atomic_init(&s->failed, false);
	s->t = c->t;
	s->n = c->t->nr_channels;
	s->nr_pages = c->nr_pages;
	s->cancel = c->cancel;
	s->bw_per_chan = c->bandwidth / s->n;
	if (c->bandwidth && !s->bw_per_chan)
		s->bw_per_chan = 1;
	s->c = calloc(s->n, sizeof(*s->c));
	if (!s->c)
		return -ENOMEM;
	wc.ram = c->ram;
	wc.nr_pages = c->nr_pages;
	wc.ram_fd = c->ram_fd;
	wc.nr_channels = (uint16_t)s->n;
	wc.stream_id = c->stream_id;
	wc.zstd_level = c->zstd_level;
	for (unsigned int i = 0; i < s->n; i++) {
		struct send_chan *ch = &s->c[i];

		ch->all = s;
		ch->idx = i;
		mig_chan_io_init(&ch->io, c->t, i);
		wc.io = &ch->io.io;
		wc.channel = (uint16_t)i;
		ch->pfns = malloc(STREAM_MAX_BATCH_PAGES * sizeof(*ch->pfns));
		if (!ch->pfns)
			return -ENOMEM;
		ret = stream_writer_create(&ch->w, &wc);
		if (ret)
			return ret;
	}
	for (unsigned int i = 0; i < s->n; i++) {
		ret = -pthread_create(&s->c[i].thread, NULL, chan_main,
				      &s->c[i]);
		if (ret)
			return ret;
		s->c[i].started = true;
	}
	return 0;
}

void send_chans_stop(struct send_chans *s)
{
	if (!s->c)
		return;
	pthread_mutex_lock(&s->lock);
	s->job = JOB_QUIT;
	s->gen++;
	pthread_cond_broadcast(&s->job_cond);
	pthread_mutex_unlock(&s->lock);
	for (unsigned int i = 0; i < s->n; i++) {
		if (s->c[i].started)
			pthread_join(s->c[i].thread, NULL);
		stream_writer_destroy(s->c[i].w);
		free(s->c[i].pfns);
	}
	free(s->c);
	s->c = NULL;
	pthread_cond_destroy(&s->done_cond);
	pthread_cond_destroy(&s->job_cond);
	pthread_mutex_destroy(&s->lock);
}
