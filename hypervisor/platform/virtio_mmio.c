// SPDX-License-Identifier: MIT
/*
 * virtio-mmio version 2 registers (offsets from the slot's base):
 *   0x000 MagicValue         R   0x74726976
 *   0x004 Version            R   2
 *   0x008 DeviceID           R   0: no device
 *   0x00c VendorID           R
 *   0x010 DeviceFeatures     R   32 bits selected by DeviceFeaturesSel
 *   0x014 DeviceFeaturesSel  W
 *   0x020 DriverFeatures     W   32 bits selected by DriverFeaturesSel
 *   0x024 DriverFeaturesSel  W
 *   0x030 QueueSel           W
 *   0x034 QueueNumMax        R   0: no such queue
 *   0x038 QueueNum           W
 *   0x044 QueueReady         RW
 *   0x050 QueueNotify        W   the queue index
 *   0x060 InterruptStatus    R
 *   0x064 InterruptACK       W
 *   0x070 Status             RW  0 resets
 *   0x080/0x084 QueueDescLow/High, 0x090/0x094 QueueDriverLow/High,
 *   0x0a0/0x0a4 QueueDeviceLow/High   W
 *   0x0ac SHMSel W, 0x0b0/0x0b4 SHMLen R (all ones: no such region)
 *   0x0fc ConfigGeneration   R   0: the config space never changes
 *   0x100 config space       device-specific, any width
 * Registers below 0x100 are 32-bit; other widths read 0, writes ignored.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include "fdt.h"
#include "virtio_mmio.h"

enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008,
	R_VENDOR_ID = 0x00c, R_DEV_FEATURES = 0x010, R_DEV_FEATURES_SEL = 0x014,
	R_DRV_FEATURES = 0x020, R_DRV_FEATURES_SEL = 0x024,
	R_QUEUE_SEL = 0x030, R_QUEUE_NUM_MAX = 0x034, R_QUEUE_NUM = 0x038,
	R_QUEUE_READY = 0x044, R_QUEUE_NOTIFY = 0x050,
	R_INT_STATUS = 0x060, R_INT_ACK = 0x064, R_STATUS = 0x070,
	R_QUEUE_DESC_LO = 0x080, R_QUEUE_DESC_HI = 0x084,
	R_QUEUE_DRIVER_LO = 0x090, R_QUEUE_DRIVER_HI = 0x094,
	R_QUEUE_DEVICE_LO = 0x0a0, R_QUEUE_DEVICE_HI = 0x0a4,
	R_SHM_SEL = 0x0ac, R_SHM_LEN_LO = 0x0b0, R_SHM_LEN_HI = 0x0b4,
	R_CONFIG_GEN = 0x0fc,
};

#define STATUS_BITS (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
		     VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | \
		     VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED)

struct vmmio {
	pthread_mutex_t lock;
	const struct vmmio_ops *ops;	/* NULL: empty slot */
	void *dev;
	struct vq_ram ram;
	struct plic *plic;		/* may be NULL: no line */
	unsigned irq;
	bool irq_level;			/* last level given to the PLIC */
	struct vmmio_state st;
};

static uint64_t offered(const struct vmmio *t)
{
	return t->ops->features | (1ull << VIRTIO_F_VERSION_1);
}

static unsigned nr_queues(const struct vmmio *t)
{
	return t->ops ? t->ops->nr_queues : 0;
}

static void update_irq(struct vmmio *t)
{
	bool level = t->st.interrupt_status != 0;

	if (level == t->irq_level)
		return;
	t->irq_level = level;
	if (t->plic)
		plic_set_irq(t->plic, t->irq, level);
}

static void reset(struct vmmio *t)
{
	t->st = (struct vmmio_state){ 0 };
	update_irq(t);
	if (t->ops && t->ops->reset)
		t->ops->reset(t->dev);
}

void vmmio_fail(struct vmmio *t, const char *why)
{
	(void)why;
	if (t->st.status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	t->st.status |= VIRTIO_STATUS_NEEDS_RESET;
	t->st.interrupt_status |= VMMIO_INT_CONFIG;
	update_irq(t);
}

bool vmmio_driver_ok(const struct vmmio *t)
{
	return t->ops && (t->st.status & (VIRTIO_STATUS_DRIVER_OK |
					  VIRTIO_STATUS_NEEDS_RESET |
					  VIRTIO_STATUS_FAILED)) ==
		VIRTIO_STATUS_DRIVER_OK;
}

struct virtqueue *vmmio_queue(struct vmmio *t, unsigned q)
{
	if (!vmmio_driver_ok(t) || q >= nr_queues(t) || !t->st.queue[q].ready)
		return NULL;
	return &t->st.queue[q];
}

const struct vq_ram *vmmio_ram(const struct vmmio *t)
{
	return &t->ram;
}

void vmmio_used(struct vmmio *t, struct virtqueue *q)
{
	if (!vq_wants_interrupt(q, &t->ram))
		return;
	t->st.interrupt_status |= VMMIO_INT_VRING;
	update_irq(t);
}

static struct virtqueue *selected(struct vmmio *t)
{
	return t->st.queue_sel < nr_queues(t) ? &t->st.queue[t->st.queue_sel]
					       : NULL;
}

static void write_status(struct vmmio *t, uint32_t val)
{
	uint32_t sticky = t->st.status & VIRTIO_STATUS_NEEDS_RESET;

	if (!val) {
		reset(t);
		return;
	}
	val &= STATUS_BITS & ~VIRTIO_STATUS_NEEDS_RESET;
	/* FEATURES_OK only for a subset of what was offered, with 1.x */
	if ((val & VIRTIO_STATUS_FEATURES_OK) &&
	    !(t->st.status & VIRTIO_STATUS_FEATURES_OK) &&
	    (!t->ops || (t->st.driver_features & ~offered(t)) ||
	     !(t->st.driver_features & (1ull << VIRTIO_F_VERSION_1))))
		val &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;
	/* DRIVER_OK without FEATURES_OK: a driver we do not serve */
	if ((val & VIRTIO_STATUS_DRIVER_OK) &&
	    !(val & VIRTIO_STATUS_FEATURES_OK))
		val &= ~(uint32_t)VIRTIO_STATUS_DRIVER_OK;
	t->st.status = val | sticky;
}

static void write_queue_ready(struct vmmio *t, struct virtqueue *q,
			      uint32_t val)
{
	if (!(val & 1)) {
		q->ready = false;
		return;
	}
	if (q->ready)
		return;
	if (vq_check(q, VMMIO_QUEUE_SIZE, &t->ram)) {
		vmmio_fail(t, "queue layout");
		return;
	}
	q->ready = true;
	q->last_avail = 0;
	q->used_idx = 0;
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
	if (high)
		*v = (*v & 0xffffffffull) | ((uint64_t)val << 32);
	else
		*v = (*v & ~0xffffffffull) | val;
}

static uint32_t reg_read(struct vmmio *t, uint64_t off)
{
	struct virtqueue *q = selected(t);

	switch (off) {
	case R_MAGIC: return VMMIO_MAGIC;
	case R_VERSION: return VMMIO_VERSION;
	case R_DEVICE_ID: return t->ops ? t->ops->device_id : 0;
	case R_VENDOR_ID: return VMMIO_VENDOR;
	case R_DEV_FEATURES:
		if (!t->ops || t->st.device_features_sel > 1)
			return 0;
		return (uint32_t)(offered(t) >> (32 * t->st.device_features_sel));
	case R_QUEUE_NUM_MAX: return q ? VMMIO_QUEUE_SIZE : 0;
	case R_QUEUE_READY: return q ? q->ready : 0;
	case R_INT_STATUS: return t->st.interrupt_status;
	case R_STATUS: return t->st.status;
	case R_SHM_LEN_LO: case R_SHM_LEN_HI: return 0xffffffff;
	case R_CONFIG_GEN: return 0;
	default: return 0;
	}
}

static void reg_write(struct vmmio *t, uint64_t off, uint32_t val)
{
	struct virtqueue *q = selected(t);
	/* queue fields are fixed while the queue is ready */
	struct virtqueue *qw = q && !q->ready ? q : NULL;

	switch (off) {
	case R_DEV_FEATURES_SEL: t->st.device_features_sel = val; break;
	case R_DRV_FEATURES:
		if (t->st.driver_features_sel <= 1 &&
		    !(t->st.status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&t->st.driver_features,
				 t->st.driver_features_sel, val);
		break;
	case R_DRV_FEATURES_SEL: t->st.driver_features_sel = val; break;
	case R_QUEUE_SEL: t->st.queue_sel = val; break;
	case R_QUEUE_NUM: if (qw) qw->num = val; break;
	case R_QUEUE_READY: if (q) write_queue_ready(t, q, val); break;
	case R_QUEUE_NOTIFY:
		if (vmmio_queue(t, val))
			t->ops->notify(t->dev, val);
		break;
	case R_INT_ACK:
		t->st.interrupt_status &= ~val;
		update_irq(t);
		break;
	case R_STATUS: write_status(t, val); break;
	case R_QUEUE_DESC_LO: case R_QUEUE_DESC_HI:
		if (qw) set_half(&qw->desc, off == R_QUEUE_DESC_HI, val);
		break;
	case R_QUEUE_DRIVER_LO: case R_QUEUE_DRIVER_HI:
		if (qw) set_half(&qw->avail, off == R_QUEUE_DRIVER_HI, val);
		break;
	case R_QUEUE_DEVICE_LO: case R_QUEUE_DEVICE_HI:
		if (qw) set_half(&qw->used, off == R_QUEUE_DEVICE_HI, val);
		break;
	default: break;
	}
}

static uint64_t config_read(struct vmmio *t, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		if (off + i < t->ops->config_size)
			v |= (uint64_t)t->ops->config_read(t->dev,
					(unsigned)(off + i)) << (8 * i);
	return v;
}

static uint64_t vmmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct vmmio *t = opaque;
	uint64_t v = 0;

	pthread_mutex_lock(&t->lock);
	if (off >= VMMIO_CONFIG) {
		if (t->ops)
			v = config_read(t, off - VMMIO_CONFIG, size);
	} else if (size == 4 && !(off & 3)) {
		v = reg_read(t, off);
	}
	pthread_mutex_unlock(&t->lock);
	return v;
}

static void vmmio_write(void *opaque, uint64_t off, uint64_t val,
			unsigned size)
{
	struct vmmio *t = opaque;

	pthread_mutex_lock(&t->lock);
	if (off >= VMMIO_CONFIG) {
		off -= VMMIO_CONFIG;
		for (unsigned i = 0; t->ops && i < size; i++)
			if (off + i < t->ops->config_size &&
			    t->ops->config_write)
				t->ops->config_write(t->dev,
						     (unsigned)(off + i),
						     (uint8_t)(val >> (8 * i)));
	} else if (size == 4 && !(off & 3)) {
		reg_write(t, off, (uint32_t)val);
	}
	pthread_mutex_unlock(&t->lock);
}

static const struct mmio_ops vmmio_mmio_ops = {
	.read = vmmio_read,
	.write = vmmio_write,
};

int vmmio_create(struct vmmio **out, const struct vmmio_ops *ops, void *dev,
		 const struct vq_ram *ram, struct plic *plic, unsigned irq)
{
	struct vmmio *t;

	if (ops && (!ops->nr_queues || ops->nr_queues > VMMIO_MAX_QUEUES))
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	t->ops = ops;
	t->dev = dev;
	t->ram = *ram;
	t->plic = plic;
	t->irq = irq;
	*out = t;
	return 0;
}

void vmmio_destroy(struct vmmio *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

struct mmio_region vmmio_region(struct vmmio *t, uint64_t base)
{
	struct mmio_region r = {
		.base = base,
		.size = VIRTIO_MMIO_SIZE,
		.ops = &vmmio_mmio_ops,
		.opaque = t,
		.name = "virtio-mmio",
	};

	return r;
}

void vmmio_lock(struct vmmio *t)
{
	pthread_mutex_lock(&t->lock);
}

void vmmio_unlock(struct vmmio *t)
{
	pthread_mutex_unlock(&t->lock);
}

void vmmio_save(const struct vmmio *t, struct vmmio_state *st)
{
	*st = t->st;
}

int vmmio_restore(struct vmmio *t, const struct vmmio_state *st)
{
	if (st->status & ~(uint32_t)STATUS_BITS ||
	    st->interrupt_status & ~(uint32_t)(VMMIO_INT_VRING |
					       VMMIO_INT_CONFIG))
		return -EINVAL;
	if (!t->ops && (st->status || st->driver_features))
		return -EINVAL;
	if (t->ops && (st->driver_features & ~offered(t)))
		return -EINVAL;
	for (unsigned q = 0; q < VMMIO_MAX_QUEUES; q++) {
		const struct virtqueue *vq = &st->queue[q];

		if (q >= nr_queues(t) && (vq->ready || vq->num))
			return -EINVAL;
		if (vq->ready && vq_check(vq, VMMIO_QUEUE_SIZE, &t->ram))
			return -EINVAL;
		if (vq->num > VMMIO_QUEUE_SIZE)
			return -EINVAL;
	}
	t->st = *st;
	/* drive the line whatever it was: the PLIC was restored too */
	t->irq_level = !st->interrupt_status;
	update_irq(t);
	return 0;
}
