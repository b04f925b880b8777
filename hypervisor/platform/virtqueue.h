/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues (virtio 1.x, "Split Virtqueues"), the device's side:
 * take a descriptor chain the driver made available, write into its
 * device-writable buffers, give it back in the used ring. Everything the
 * guest wrote is checked before use: a queue whose rings leave RAM, a
 * descriptor index past the queue, a chain that loops or is longer than
 * VQ_CHAIN_MAX, an indirect descriptor (not offered) or an available
 * index that ran ahead by more than the queue size is an error
 * (-EINVAL), after which the transport marks the device broken.
 *
 * Guest RAM is the host mapping (struct vq_ram). Every byte the device
 * writes goes through note_write, which the machine turns into log-dirty
 * marks (and decoded-code invalidation): a device write to guest RAM that
 * were not noted would be lost by a live migration.
 *
 * Little-endian hosts only (as the rest of hv): ring fields are read and
 * written in host order.
 */
#ifndef HV_VIRTQUEUE_H
#define HV_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtqueue.c reads the little-endian rings in host order"
#endif

#define VQ_SIZE_MAX	256	/* largest queue size a transport offers */
#define VQ_CHAIN_MAX	16	/* descriptors in one chain */

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT 1

/* Guest RAM as devices reach it; borrowed from the machine. */
struct vq_ram {
	uint8_t *ram;		/* host mapping of guest RAM */
	uint64_t base;		/* guest-physical address of ram[0] */
	uint64_t size;
	/* The device wrote [pa, pa + len) (inside RAM). Any thread. */
	void (*note_write)(void *opaque, uint64_t pa, uint64_t len);
	void *opaque;
};

/* One queue as the driver configured it, plus the device's two indexes:
 * plain data, saved and restored as it is. */
struct virtqueue {
	uint32_t num;		/* queue size (power of 2, <= the max) */
	bool ready;
	uint64_t desc, avail, used;	/* guest-physical addresses */
	uint16_t last_avail;	/* next available ring entry to take */
	uint16_t used_idx;	/* the used ring's idx as last written */
};

struct vq_buf {
	uint64_t addr;		/* guest-physical, inside RAM */
	uint32_t len;
	bool write;		/* device-writable */
};

/* A chain taken from the available ring; give it back with vq_push. */
struct vq_chain {
	uint16_t head;
	unsigned n;
	struct vq_buf buf[VQ_CHAIN_MAX];
	uint64_t write_len;	/* bytes of the device-writable buffers */
};

/*
 * Whether @q's layout is one the device can use: size a power of 2 from
 * 1 to @max, each ring aligned (16, 2, 4) and wholly in RAM. 0 or
 * -EINVAL.
 */
int vq_check(const struct virtqueue *q, unsigned max, const struct vq_ram *ram)
	__attribute__((warn_unused_result));

/*
 * Takes the next available chain into @c. 1: taken; 0: none available;
 * -EINVAL: the guest's ring or a descriptor is bad (see above; the
 * queue's state is unchanged). @q must have passed vq_check.
 */
int vq_pop(struct virtqueue *q, const struct vq_ram *ram, struct vq_chain *c)
	__attribute__((warn_unused_result));

/*
 * Writes @len bytes of @data into @c's device-writable buffers, in
 * order; -ENOSPC (nothing written) when they hold fewer than @len bytes.
 */
int vq_write(const struct vq_ram *ram, const struct vq_chain *c,
	     const void *data, size_t len) __attribute__((warn_unused_result));

/* Gives chain @head back with @len bytes written: the used element, then
 * (release order) the used idx. */
void vq_push(struct virtqueue *q, const struct vq_ram *ram, uint16_t head,
	     uint32_t len);

/* False when the driver asked for no interrupts (VRING_AVAIL_F_NO_INTERRUPT). */
bool vq_wants_interrupt(const struct virtqueue *q, const struct vq_ram *ram);

#endif
