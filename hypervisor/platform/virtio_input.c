// SPDX-License-Identifier: MIT
/*
 * virtio-input with one key. The config space answers are computed from
 * select/subsel on each read; events wait in a small FIFO until the
 * driver has eventq buffers for them. Everything runs under the
 * transport's lock: vCPU threads through MMIO (config, notify, reset),
 * the domctl thread through vinput_press.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "virtio_input.h"

/* virtio_input_config_select */
#define CFG_UNSET	0x00
#define CFG_ID_NAME	0x01
#define CFG_ID_SERIAL	0x02
#define CFG_ID_DEVIDS	0x03
#define CFG_PROP_BITS	0x10
#define CFG_EV_BITS	0x11
#define CFG_ABS_INFO	0x12

/* select, subsel, size, reserved[5], then the union */
#define CFG_OFF_SELECT	0
#define CFG_OFF_SUBSEL	1
#define CFG_OFF_SIZE	2
#define CFG_OFF_DATA	8
#define CFG_DATA_SIZE	128

#define BUS_VIRTUAL	0x06
#define EVENTQ		0
#define STATUSQ		1
#define EVENT_SIZE	8

struct vinput {
	struct vmmio *t;
	uint8_t select, subsel;
	unsigned nr_pending;
	struct vinput_event pending[VINPUT_PENDING_MAX];
};

/* The answer to select/subsel: its bytes in @data, its size returned. */
static unsigned config_answer(const struct vinput *vi, uint8_t *data)
{
	static const uint16_t devids[4] = { BUS_VIRTUAL, 0, 1, 1 };

	memset(data, 0, CFG_DATA_SIZE);
	switch (vi->select) {
	case CFG_ID_NAME:
		memcpy(data, VINPUT_NAME, strlen(VINPUT_NAME));
		return strlen(VINPUT_NAME);
	case CFG_ID_SERIAL:
		memcpy(data, VINPUT_SERIAL, strlen(VINPUT_SERIAL));
		return strlen(VINPUT_SERIAL);
	case CFG_ID_DEVIDS:
		memcpy(data, devids, sizeof(devids));
		return sizeof(devids);
	case CFG_EV_BITS:
		if (vi->subsel != INPUT_EV_KEY)
			return 0;
		data[INPUT_KEY_POWER / 8] = 1u << (INPUT_KEY_POWER % 8);
		return INPUT_KEY_POWER / 8 + 1;
	default:	/* UNSET, PROP_BITS (none), ABS_INFO (no axes) */
		return 0;
	}
}

static uint8_t vinput_config_read(void *dev, unsigned off)
{
	struct vinput *vi = dev;
	uint8_t data[CFG_DATA_SIZE];
	unsigned size;

	if (off == CFG_OFF_SELECT)
		return vi->select;
	if (off == CFG_OFF_SUBSEL)
		return vi->subsel;
	if (off < CFG_OFF_DATA && off != CFG_OFF_SIZE)
		return 0;
	size = config_answer(vi, data);
	if (off == CFG_OFF_SIZE)
		return (uint8_t)size;
	return data[off - CFG_OFF_DATA];
}

static void vinput_config_write(void *dev, unsigned off, uint8_t val)
{
	struct vinput *vi = dev;

	if (off == CFG_OFF_SELECT)
		vi->select = val;
	else if (off == CFG_OFF_SUBSEL)
		vi->subsel = val;
}

/* Fills posted eventq buffers with pending events. Lock held. */
static void deliver(struct vinput *vi)
{
	struct virtqueue *q = vmmio_queue(vi->t, EVENTQ);
	const struct vq_ram *ram = vmmio_ram(vi->t);
	unsigned done = 0;
	struct vq_chain c;

	while (q && done < vi->nr_pending) {
		const struct vinput_event *e = &vi->pending[done];
		uint8_t b[EVENT_SIZE];
		int ret = vq_pop(q, ram, &c);

		if (!ret)
			break;
		memcpy(b, &e->type, 2);
		memcpy(b + 2, &e->code, 2);
		memcpy(b + 4, &e->value, 4);
		if (ret < 0 || vq_write(ram, &c, b, sizeof(b))) {
			vmmio_fail(vi->t, "eventq buffer");
			break;
		}
		vq_push(q, ram, c.head, sizeof(b));
		done++;
	}
	if (!done)
		return;
	vi->nr_pending -= done;
	memmove(vi->pending, vi->pending + done,
		vi->nr_pending * sizeof(vi->pending[0]));
	vmmio_used(vi->t, q);
}

/* statusq: LED and sound requests; taken and given back unread. */
static void drain_status(struct vinput *vi)
{
	struct virtqueue *q = vmmio_queue(vi->t, STATUSQ);
	const struct vq_ram *ram = vmmio_ram(vi->t);
	bool any = false;
	struct vq_chain c;
	int ret;

	while ((ret = vq_pop(q, ram, &c)) > 0) {
		vq_push(q, ram, c.head, 0);
		any = true;
	}
	if (ret < 0)
		vmmio_fail(vi->t, "statusq buffer");
	if (any)
		vmmio_used(vi->t, q);
}

static void vinput_notify(void *dev, unsigned q)
{
	if (q == EVENTQ)
		deliver(dev);
	else
		drain_status(dev);
}

static void vinput_reset(void *dev)
{
	struct vinput *vi = dev;

	vi->select = 0;
	vi->subsel = 0;
	vi->nr_pending = 0;
}

static const struct vmmio_ops vinput_ops = {
	.device_id = VIRTIO_ID_INPUT,
	.features = 0,
	.nr_queues = 2,
	.config_size = CFG_OFF_DATA + CFG_DATA_SIZE,
	.config_read = vinput_config_read,
	.config_write = vinput_config_write,
	.notify = vinput_notify,
	.reset = vinput_reset,
};

int vinput_create(struct vinput **out, const struct vq_ram *ram,
		  struct plic *plic, unsigned irq)
{
	struct vinput *vi = calloc(1, sizeof(*vi));
	int ret;

	if (!vi)
		return -ENOMEM;
	ret = vmmio_create(&vi->t, &vinput_ops, vi, ram, plic, irq);
	if (ret) {
		free(vi);
		return ret;
	}
	*out = vi;
	return 0;
}

void vinput_destroy(struct vinput *vi)
{
	if (!vi)
		return;
	vmmio_destroy(vi->t);
	free(vi);
}

struct mmio_region vinput_region(struct vinput *vi, uint64_t base)
{
	return vmmio_region(vi->t, base);
}

int vinput_press(struct vinput *vi)
{
	static const struct vinput_event press[] = {
		{ INPUT_EV_KEY, INPUT_KEY_POWER, 1 },
		{ INPUT_EV_SYN, 0, 0 },
		{ INPUT_EV_KEY, INPUT_KEY_POWER, 0 },
		{ INPUT_EV_SYN, 0, 0 },
	};
	unsigned n = sizeof(press) / sizeof(press[0]);
	int ret = 0;

	vmmio_lock(vi->t);
	if (!vmmio_queue(vi->t, EVENTQ)) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (vi->nr_pending + n > VINPUT_PENDING_MAX) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	memcpy(vi->pending + vi->nr_pending, press, sizeof(press));
	vi->nr_pending += n;
	deliver(vi);
	if (!vmmio_queue(vi->t, EVENTQ))
		ret = -ENODEV;		/* its buffers broke the device */
out_unlock:
	vmmio_unlock(vi->t);
	return ret;
}

void vinput_save(struct vinput *vi, struct vinput_state *st)
{
	vmmio_lock(vi->t);
	vmmio_save(vi->t, &st->transport);
	st->select = vi->select;
	st->subsel = vi->subsel;
	st->nr_pending = vi->nr_pending;
	memcpy(st->pending, vi->pending, sizeof(st->pending));
	vmmio_unlock(vi->t);
}

int vinput_restore(struct vinput *vi, const struct vinput_state *st)
{
	int ret;

	if (st->nr_pending > VINPUT_PENDING_MAX)
		return -EINVAL;
	vmmio_lock(vi->t);
	ret = vmmio_restore(vi->t, &st->transport);
	if (!ret) {
		vi->select = st->select;
		vi->subsel = st->subsel;
		vi->nr_pending = st->nr_pending;
		memcpy(vi->pending, st->pending, sizeof(vi->pending));
	}
	vmmio_unlock(vi->t);
	return ret;
}
