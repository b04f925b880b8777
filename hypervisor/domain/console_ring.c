// SPDX-License-Identifier: MIT
/* The console backlog: a byte ring addressed by stream offset. */
#include <string.h>
#include "console_ring.h"

void console_ring_init(struct console_ring *r)
{
	pthread_mutex_init(&r->lock, NULL);
	r->head = 0;
	atomic_init(&r->wake_pending, false);
}

void console_ring_fini(struct console_ring *r)
{
	pthread_mutex_destroy(&r->lock);
}

bool console_ring_write(struct console_ring *r, const uint8_t *p, size_t len)
{
	pthread_mutex_lock(&r->lock);
	if (len > CONSOLE_RING_SIZE) {
		r->head += len - CONSOLE_RING_SIZE;
		p += len - CONSOLE_RING_SIZE;
		len = CONSOLE_RING_SIZE;
	}
	while (len) {
		size_t at = r->head % CONSOLE_RING_SIZE;
		size_t n = CONSOLE_RING_SIZE - at < len ?
			   CONSOLE_RING_SIZE - at : len;

		memcpy(r->buf + at, p, n);
		r->head += n;
		p += n;
		len -= n;
	}
	pthread_mutex_unlock(&r->lock);
	return !atomic_exchange(&r->wake_pending, true);
}

void console_ring_rearm(struct console_ring *r)
{
	atomic_store(&r->wake_pending, false);
}

static uint64_t tail_locked(const struct console_ring *r)
{
	return r->head > CONSOLE_RING_SIZE ? r->head - CONSOLE_RING_SIZE : 0;
}

uint64_t console_ring_head(struct console_ring *r)
{
	uint64_t h;

	pthread_mutex_lock(&r->lock);
	h = r->head;
	pthread_mutex_unlock(&r->lock);
	return h;
}

uint64_t console_ring_tail(struct console_ring *r)
{
	uint64_t t;

	pthread_mutex_lock(&r->lock);
	t = tail_locked(r);
	pthread_mutex_unlock(&r->lock);
	return t;
}

size_t console_ring_read(struct console_ring *r, uint64_t *off, uint8_t *out,
			 size_t max)
{
	size_t done = 0;

	pthread_mutex_lock(&r->lock);
	if (*off < tail_locked(r))
		*off = tail_locked(r);
	if (*off > r->head)
		*off = r->head;
	while (done < max && *off + done < r->head) {
		uint64_t pos = *off + done;
		size_t at = pos % CONSOLE_RING_SIZE;
		size_t n = CONSOLE_RING_SIZE - at;

		if (n > r->head - pos)
			n = (size_t)(r->head - pos);
		if (n > max - done)
			n = max - done;
		memcpy(out + done, r->buf + at, n);
		done += n;
	}
	pthread_mutex_unlock(&r->lock);
	return done;
}
