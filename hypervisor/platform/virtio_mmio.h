/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport (virtio 1.x, "Virtio Over MMIO", version 2
 * registers), one per slot of the virt machine: 0x1000_1000 + n * 0x1000,
 * IRQ 1 + n (VIRTIO_MMIO_BASE in fdt.h). A slot without a device answers
 * like QEMU's empty ones (magic, version, device ID 0), so that the
 * guest's virtio_mmio driver skips it quietly.
 *
 * The transport does the registers: feature negotiation (it offers
 * VIRTIO_F_VERSION_1 and the device's features, and refuses FEATURES_OK
 * for anything else), the status byte, queue setup, the interrupt status
 * and its level on the PLIC line, and the config space at 0x100 which it
 * forwards to the device byte by byte. The device (struct vmmio_ops)
 * does its queues.
 *
 * Locking: one mutex per transport. MMIO accesses (vCPU threads) take it
 * and call the ops with it held; a device's host-side entry points (the
 * domctl thread) take it with vmmio_lock() and use the vmmio_* helpers
 * below, which all expect it held.
 *
 * A driver that hands the device bad rings (outside RAM, looping chains,
 * an impossible queue size) gets the device marked broken: status
 * DEVICE_NEEDS_RESET, a config-change interrupt, and no further queue
 * processing until it resets the device (status 0).
 */
#ifndef HV_VIRTIO_MMIO_H
#define HV_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>
#include "bus.h"
#include "plic.h"
#include "virtqueue.h"

#define VMMIO_MAGIC		0x74726976	/* "virt" */
#define VMMIO_VERSION		2
#define VMMIO_VENDOR		0x00007668	/* "hv" */
#define VMMIO_MAX_QUEUES	2
#define VMMIO_QUEUE_SIZE	64	/* QueueNumMax of every queue */
#define VMMIO_CONFIG		0x100	/* config space offset */

/* Status bits */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

#define VIRTIO_F_VERSION_1	32

/* Interrupt status bits */
#define VMMIO_INT_VRING		1
#define VMMIO_INT_CONFIG	2

/* What a device plugs into its transport. */
struct vmmio_ops {
	uint32_t device_id;
	uint64_t features;	/* the device's own; VERSION_1 is added */
	unsigned nr_queues;	/* 1..VMMIO_MAX_QUEUES */
	unsigned config_size;	/* bytes of config space */
	/* Config space byte @off (< config_size). Lock held. */
	uint8_t (*config_read)(void *dev, unsigned off);
	void (*config_write)(void *dev, unsigned off, uint8_t val);
	/* The driver notified queue @q, which is ready, with DRIVER_OK
	 * set and the device not broken. Lock held; vCPU thread. */
	void (*notify)(void *dev, unsigned q);
	/* The driver reset the device (status 0). Lock held. */
	void (*reset)(void *dev);
};

/* The transport's state as plain data (the interrupt line derives from
 * interrupt_status). */
struct vmmio_state {
	uint32_t status;
	uint32_t interrupt_status;
	uint32_t device_features_sel;
	uint32_t driver_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	struct virtqueue queue[VMMIO_MAX_QUEUES];
};

struct vmmio;

/*
 * A transport for slot @irq's device @ops/@dev (@ops NULL: an empty
 * slot). @ram is copied; @plic, @ops and @dev are borrowed.
 */
int vmmio_create(struct vmmio **out, const struct vmmio_ops *ops, void *dev,
		 const struct vq_ram *ram, struct plic *plic, unsigned irq)
	__attribute__((warn_unused_result));
void vmmio_destroy(struct vmmio *t);	/* NULL is a no-op */
/* The MMIO region at @base (VIRTIO_MMIO_SIZE bytes). */
struct mmio_region vmmio_region(struct vmmio *t, uint64_t base);

void vmmio_lock(struct vmmio *t);
void vmmio_unlock(struct vmmio *t);

/* ---- for the device, lock held ---- */

/* DRIVER_OK set, not broken, not FAILED: the queues may be used. */
bool vmmio_driver_ok(const struct vmmio *t);
/* Queue @q if it is ready and the device usable, else NULL. */
struct virtqueue *vmmio_queue(struct vmmio *t, unsigned q);
const struct vq_ram *vmmio_ram(const struct vmmio *t);
/* Used buffers were pushed on @q: interrupt unless the driver asked not. */
void vmmio_used(struct vmmio *t, struct virtqueue *q);
/* The driver broke the rules (@why is for debugging): the device is
 * broken until reset. */
void vmmio_fail(struct vmmio *t, const char *why);

/*
 * Save and restore, lock held (or the machine quiesced). Restore checks
 * every field (status bits, selectors, each ready queue's layout) and
 * returns -EINVAL without changing anything if this transport cannot
 * hold it; then it sets the interrupt line from interrupt_status.
 */
void vmmio_save(const struct vmmio *t, struct vmmio_state *st);
int vmmio_restore(struct vmmio *t, const struct vmmio_state *st)
	__attribute__((warn_unused_result));

#endif
