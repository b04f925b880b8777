/* SPDX-License-Identifier: MIT */
/*
 * The console backlog of a domain: the last CONSOLE_RING_SIZE bytes the
 * guest wrote, addressed by stream offset (bytes written since the domain
 * was created). vCPU threads append and never wait for a reader; readers
 * (the domctl server) copy from an offset and learn when they fell behind.
 */
#ifndef HV_DOMAIN_CONSOLE_RING_H
#define HV_DOMAIN_CONSOLE_RING_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_RING_SIZE 65536u	/* DOMCTL_CONSOLE_BACKLOG */

struct console_ring {
	pthread_mutex_t lock;
	uint64_t head;			/* offset of the next byte written */
	atomic_bool wake_pending;	/* a reader was woken, has not read */
	uint8_t buf[CONSOLE_RING_SIZE];
};

void console_ring_init(struct console_ring *r);
void console_ring_fini(struct console_ring *r);

/*
 * Appends; the oldest bytes fall out. Any thread. Returns true when the
 * reader must be woken: once per console_ring_rearm(), so a guest
 * printing byte by byte costs one wakeup per reader pass, not per byte.
 */
bool console_ring_write(struct console_ring *r, const uint8_t *p, size_t len);
/* The reader, before it reads: the next write wakes it again. */
void console_ring_rearm(struct console_ring *r);

/* Offset of the next byte to be written, and of the oldest byte kept. */
uint64_t console_ring_head(struct console_ring *r);
uint64_t console_ring_tail(struct console_ring *r);

/*
 * Copies up to @max bytes from offset *@off into @out. An offset older
 * than the backlog moves forward to the oldest byte kept (the gap shows
 * as *off growing by more than was read). Returns the bytes copied, with
 * *off = the offset of out[0]; the caller adds the return value for the
 * next read.
 */
size_t console_ring_read(struct console_ring *r, uint64_t *off, uint8_t *out,
			 size_t max);

#endif
