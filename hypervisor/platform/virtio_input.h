/* SPDX-License-Identifier: MIT */
/*
 * The power button: a virtio-input device (virtio 1.x, device ID 18) on a
 * virtio-mmio transport that has one key, KEY_POWER, so that the host can
 * ask the guest to power off (docs/platform.md, Power button). QEMU's
 * riscv virt has no ACPI and no GPIO button for this.
 *
 * Config space (struct virtio_input_config): select, subsel, size, then
 * 128 bytes of answer:
 *   ID_NAME    "hv power button"   (what /sys/class/input/.../name says)
 *   ID_SERIAL  "hv-power-0"
 *   ID_DEVIDS  bustype BUS_VIRTUAL, vendor 0, product 1, version 1
 *   PROP_BITS  none
 *   EV_BITS    EV_KEY: KEY_POWER only (EV_SYN is implied)
 *   anything else: size 0
 * Queues: 0 eventq (the driver posts 8-byte buffers; the device fills one
 * per event), 1 statusq (LEDs and the like; taken and ignored).
 *
 * A press queues KEY_POWER 1, SYN, KEY_POWER 0, SYN; events go into
 * eventq buffers as the guest posts them, so a press made while the
 * driver has no buffers out is delivered when it posts some.
 */
#ifndef HV_VIRTIO_INPUT_H
#define HV_VIRTIO_INPUT_H

#include <stdint.h>
#include "virtio_mmio.h"

#define VIRTIO_ID_INPUT		18
#define VINPUT_NAME		"hv power button"
#define VINPUT_SERIAL		"hv-power-0"
#define VINPUT_PENDING_MAX	64	/* events queued for the guest */

/* The power button's slot: the highest, as QEMU fills slots from the
 * top; 0.. stay for disks and nics. */
#define VINPUT_SLOT		7

#define INPUT_EV_SYN	0
#define INPUT_EV_KEY	1
#define INPUT_KEY_POWER	116

/* struct virtio_input_event */
struct vinput_event {
	uint16_t type;
	uint16_t code;
	uint32_t value;
};

/* The device's state as plain data. */
struct vinput_state {
	struct vmmio_state transport;
	uint8_t select, subsel;
	unsigned nr_pending;			/* oldest first */
	struct vinput_event pending[VINPUT_PENDING_MAX];
};

struct vinput;

/* A power button whose transport uses @ram (copied) and @plic line @irq
 * (borrowed). */
int vinput_create(struct vinput **out, const struct vq_ram *ram,
		  struct plic *plic, unsigned irq)
	__attribute__((warn_unused_result));
void vinput_destroy(struct vinput *vi);	/* NULL is a no-op */
struct mmio_region vinput_region(struct vinput *vi, uint64_t base);

/*
 * Presses and releases the button. 0: queued (and delivered at once into
 * the buffers the guest has posted); -ENODEV: the driver has not set the
 * device up (no DRIVER_OK, eventq not ready, or the device is broken,
 * also when the guest's buffers broke it just now);
 * -EAGAIN: the pending queue is full (the guest is not taking events).
 * Any thread but a vCPU's.
 */
int vinput_press(struct vinput *vi) __attribute__((warn_unused_result));

/*
 * Save and restore (the machine quiesced). Restore validates the state
 * (transport fields, select, pending count) and returns -EINVAL with
 * nothing changed for one this device cannot hold; an all-zero state is
 * the device as after reset.
 */
void vinput_save(struct vinput *vi, struct vinput_state *st);
int vinput_restore(struct vinput *vi, const struct vinput_state *st)
	__attribute__((warn_unused_result));

#endif
