// SPDX-License-Identifier: MIT
/*
 * Split virtqueue rings in guest RAM:
 *   descriptor table  16 bytes per entry: addr u64, len u32, flags u16,
 *                     next u16; 16-byte aligned
 *   available ring    flags u16, idx u16, ring[num] u16, used_event u16;
 *                     2-byte aligned
 *   used ring         flags u16, idx u16, ring[num] {id u32, len u32},
 *                     avail_event u16; 4-byte aligned
 * The driver publishes an entry by writing it, then (after a write
 * barrier) avail idx; so the device reads avail idx with acquire order
 * before anything it covers, and publishes a used entry before the used
 * idx with release order. The guest may change its rings at any time:
 * each field is read once and checked where it is used.
 */
#include <errno.h>
#include <string.h>
#include "virtqueue.h"

#define DESC_SIZE	16

static bool in_ram(const struct vq_ram *ram, uint64_t pa, uint64_t len)
{
	return pa >= ram->base && len <= ram->size &&
	       pa - ram->base <= ram->size - len;
}

static uint8_t *host(const struct vq_ram *ram, uint64_t pa)
{
	return ram->ram + (pa - ram->base);
}

static uint16_t load16(const struct vq_ram *ram, uint64_t pa, int order)
{
	return __atomic_load_n((const uint16_t *)host(ram, pa), order);
}

int vq_check(const struct virtqueue *q, unsigned max, const struct vq_ram *ram)
{
	uint64_t n = q->num;

	if (!n || n > max || n > VQ_SIZE_MAX || (n & (n - 1)))
		return -EINVAL;
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3))
		return -EINVAL;
	if (!in_ram(ram, q->desc, DESC_SIZE * n) ||
	    !in_ram(ram, q->avail, 6 + 2 * n) ||
	    !in_ram(ram, q->used, 6 + 8 * n))
		return -EINVAL;
	return 0;
}

/* Reads descriptor @i into @b; its flags and next in *flags, *next. */
static int read_desc(const struct virtqueue *q, const struct vq_ram *ram,
		     uint16_t i, struct vq_buf *b, uint16_t *flags,
		     uint16_t *next)
{
	uint8_t d[DESC_SIZE];
	uint32_t len;

	memcpy(d, host(ram, q->desc + (uint64_t)i * DESC_SIZE), sizeof(d));
	memcpy(&b->addr, d, 8);
	memcpy(&len, d + 8, 4);
	memcpy(flags, d + 12, 2);
	memcpy(next, d + 14, 2);
	b->len = len;
	b->write = *flags & VRING_DESC_F_WRITE;
	if (*flags & VRING_DESC_F_INDIRECT)
		return -EINVAL;		/* VIRTIO_F_INDIRECT_DESC not offered */
	if (!in_ram(ram, b->addr, len))
		return -EINVAL;
	return 0;
}

int vq_pop(struct virtqueue *q, const struct vq_ram *ram, struct vq_chain *c)
{
	uint16_t avail_idx, i, flags, next;
	bool seen_write = false;

	avail_idx = load16(ram, q->avail + 2, __ATOMIC_ACQUIRE);
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->num)
		return -EINVAL;		/* more available than the queue holds */
	i = load16(ram, q->avail + 4 + 2 * (uint64_t)(q->last_avail % q->num),
		   __ATOMIC_RELAXED);
	c->head = i;
	c->n = 0;
	c->write_len = 0;
	for (;;) {
		struct vq_buf *b;

		if (i >= q->num || c->n == VQ_CHAIN_MAX || c->n == q->num)
			return -EINVAL;	/* past the table, too long, a loop */
		b = &c->buf[c->n];
		if (read_desc(q, ram, i, b, &flags, &next))
			return -EINVAL;
		/* device-writable buffers come after the readable ones */
		if (seen_write && !b->write)
			return -EINVAL;
		seen_write |= b->write;
		if (b->write)
			c->write_len += b->len;
		c->n++;
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		i = next;
	}
	q->last_avail++;
	return 1;
}

int vq_write(const struct vq_ram *ram, const struct vq_chain *c,
	     const void *data, size_t len)
{
	const uint8_t *p = data;

	if (c->write_len < len)
		return -ENOSPC;
	for (unsigned k = 0; k < c->n && len; k++) {
		const struct vq_buf *b = &c->buf[k];
		size_t n = b->len < len ? b->len : len;

		if (!b->write || !n)
			continue;
		memcpy(host(ram, b->addr), p, n);
		ram->note_write(ram->opaque, b->addr, n);
		p += n;
		len -= n;
	}
	return 0;
}

void vq_push(struct virtqueue *q, const struct vq_ram *ram, uint16_t head,
	     uint32_t len)
{
	uint64_t elem = q->used + 4 + 8 * (uint64_t)(q->used_idx % q->num);
	uint32_t e[2] = { head, len };

	memcpy(host(ram, elem), e, sizeof(e));
	ram->note_write(ram->opaque, elem, sizeof(e));
	q->used_idx++;
	__atomic_store_n((uint16_t *)host(ram, q->used + 2), q->used_idx,
			 __ATOMIC_RELEASE);
	ram->note_write(ram->opaque, q->used + 2, 2);
}

bool vq_wants_interrupt(const struct virtqueue *q, const struct vq_ram *ram)
{
	/* the used idx store before this load: a full barrier */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(load16(ram, q->avail, __ATOMIC_RELAXED) &
		 VRING_AVAIL_F_NO_INTERRUPT);
}
