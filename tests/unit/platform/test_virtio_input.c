// SPDX-License-Identifier: MIT
/*
 * The power button (virtio-input over virtio-mmio) driven through its
 * registers the way Linux's virtio_mmio and virtio_input drivers do, with
 * its rings in a fake guest RAM: identity and config space, feature
 * negotiation, queue setup, a press delivered into posted buffers (in
 * order, used idx advanced, interrupt on the PLIC line, every byte the
 * device wrote noted for log-dirty), a press before the driver is ready,
 * buffers posted after a press, save and restore into a fresh device,
 * a hostile driver's rings, and in a whole machine the slots and the
 * log-dirty marks of what the device wrote.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hv/machine_state.h"
#include "cpu/cpu.h"
#include "platform/fdt.h"
#include "platform/plic.h"
#include "platform/virtio_input.h"

#define RAM_BASE	0x80000000ull
#define RAM_SIZE	(1u << 20)
#define IRQ		(1 + VINPUT_SLOT)
#define QSIZE		8
/* where the fake driver puts things, as offsets into RAM */
#define DESC(q)		(0x1000u + 0x1000u * (q))
#define AVAIL(q)	(0x4000u + 0x1000u * (q))
#define USED(q)		(0x7000u + 0x1000u * (q))
#define BUF(i)		(0x10000u + 0x100u * (i))
#define PAGES		(RAM_SIZE / 4096)

enum {
	MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, VENDOR = 0x00c,
	DEV_FEATURES = 0x010, DEV_FEATURES_SEL = 0x014, DRV_FEATURES = 0x020,
	DRV_FEATURES_SEL = 0x024, QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034,
	QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050,
	INT_STATUS = 0x060, INT_ACK = 0x064, STATUS = 0x070,
	DESC_LO = 0x080, DESC_HI = 0x084, DRIVER_LO = 0x090,
	DRIVER_HI = 0x094, DEVICE_LO = 0x0a0, DEVICE_HI = 0x0a4,
	CONFIG = 0x100,
};

enum { ACK = 1, DRIVER = 2, DRIVER_OK = 4, FEATURES_OK = 8,
       NEEDS_RESET = 0x40 };

struct fixture {
	uint8_t *ram;
	struct plic *plic;
	struct vinput *vi;
	struct mmio_region r;
	bool seip;
	bool dirty[PAGES];	/* pages the device said it wrote */
	uint8_t *noted;		/* bytes the device said it wrote */
	uint16_t avail_idx[2];	/* the fake driver's */
};

static void set_seip(void *opaque, unsigned hart, bool level)
{
	struct fixture *fx = opaque;

	(void)hart;
	fx->seip = level;
}

static void note_write(void *opaque, uint64_t pa, uint64_t len)
{
	struct fixture *fx = opaque;

	assert_true(pa >= RAM_BASE && len && pa - RAM_BASE + len <= RAM_SIZE);
	for (uint64_t p = (pa - RAM_BASE) / 4096;
	     p <= (pa - RAM_BASE + len - 1) / 4096; p++)
		fx->dirty[p] = true;
	memset(fx->noted + (pa - RAM_BASE), 1, len);
}

static struct vinput *new_device(struct fixture *fx, uint8_t *ram)
{
	struct vq_ram vr = { ram, RAM_BASE, RAM_SIZE, note_write, fx };
	struct vinput *vi;

	assert_int_equal(vinput_create(&vi, &vr, fx->plic, IRQ), 0);
	return vi;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct irq_sink sink = { .set_seip = set_seip };
	struct mmio_region pr;

	assert_non_null(fx);
	fx->ram = calloc(1, RAM_SIZE);
	fx->noted = calloc(1, RAM_SIZE);
	assert_non_null(fx->ram);
	assert_non_null(fx->noted);
	sink.opaque = fx;
	assert_int_equal(plic_create(&fx->plic, 1, &sink), 0);
	/* route the line to hart 0 as Linux's PLIC driver does */
	pr = plic_region(fx->plic);
	pr.ops->write(pr.opaque, 4 * IRQ, 1, 4);
	pr.ops->write(pr.opaque, 0x2000, 1u << IRQ, 4);
	fx->vi = new_device(fx, fx->ram);
	fx->r = vinput_region(fx->vi, VIRTIO_MMIO_BASE +
			      VINPUT_SLOT * VIRTIO_MMIO_SIZE);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	vinput_destroy(fx->vi);
	plic_destroy(fx->plic);
	free(fx->ram);
	free(fx->noted);
	free(fx);
	return 0;
}

static uint32_t rd(struct fixture *fx, uint64_t off)
{
	return (uint32_t)fx->r.ops->read(fx->r.opaque, off, 4);
}

static void wr(struct fixture *fx, uint64_t off, uint32_t val)
{
	fx->r.ops->write(fx->r.opaque, off, val, 4);
}

static uint8_t cfg8(struct fixture *fx, unsigned off)
{
	return (uint8_t)fx->r.ops->read(fx->r.opaque, CONFIG + off, 1);
}

static void cfg_select(struct fixture *fx, uint8_t sel, uint8_t subsel)
{
	fx->r.ops->write(fx->r.opaque, CONFIG + 0, sel, 1);
	fx->r.ops->write(fx->r.opaque, CONFIG + 1, subsel, 1);
}

static void put16(struct fixture *fx, uint32_t off, uint16_t v)
{
	memcpy(fx->ram + off, &v, 2);
}

static uint16_t get16(struct fixture *fx, uint32_t off)
{
	uint16_t v;

	memcpy(&v, fx->ram + off, 2);
	return v;
}

static uint32_t get32(struct fixture *fx, uint32_t off)
{
	uint32_t v;

	memcpy(&v, fx->ram + off, 4);
	return v;
}

static void put_desc(struct fixture *fx, unsigned q, unsigned i, uint64_t pa,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = fx->ram + DESC(q) + 16 * i;

	memcpy(d, &pa, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

/* Makes descriptor @head available on @q (without notifying). */
static void make_avail(struct fixture *fx, unsigned q, uint16_t head)
{
	put16(fx, AVAIL(q) + 4 + 2 * (fx->avail_idx[q] % QSIZE), head);
	fx->avail_idx[q]++;
	put16(fx, AVAIL(q) + 2, fx->avail_idx[q]);
}

/* Posts @n 8-byte device-writable buffers on eventq and notifies, as
 * virtinput_fill_evt does; buffer k lands in descriptor and BUF slot
 * (avail_idx % QSIZE). */
static void post_events(struct fixture *fx, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		unsigned i = fx->avail_idx[0] % QSIZE;

		put_desc(fx, 0, i, RAM_BASE + BUF(i), 8, VRING_DESC_F_WRITE, 0);
		make_avail(fx, 0, (uint16_t)i);
	}
	wr(fx, QUEUE_NOTIFY, 0);
}

static void setup_queue(struct fixture *fx, unsigned q, uint32_t num,
			uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(fx, QUEUE_SEL, q);
	assert_int_equal(rd(fx, QUEUE_READY), 0);
	assert_int_equal(rd(fx, QUEUE_NUM_MAX), VMMIO_QUEUE_SIZE);
	wr(fx, QUEUE_NUM, num);
	wr(fx, DESC_LO, (uint32_t)desc);
	wr(fx, DESC_HI, (uint32_t)(desc >> 32));
	wr(fx, DRIVER_LO, (uint32_t)avail);
	wr(fx, DRIVER_HI, (uint32_t)(avail >> 32));
	wr(fx, DEVICE_LO, (uint32_t)used);
	wr(fx, DEVICE_HI, (uint32_t)(used >> 32));
	wr(fx, QUEUE_READY, 1);
}

/* Linux's probe up to FEATURES_OK: reset, ACKNOWLEDGE, DRIVER, read the
 * device features, accept VERSION_1. */
static void negotiate(struct fixture *fx)
{
	wr(fx, STATUS, 0);
	wr(fx, STATUS, ACK);
	wr(fx, STATUS, ACK | DRIVER);
	wr(fx, DEV_FEATURES_SEL, 1);
	assert_int_equal(rd(fx, DEV_FEATURES), 1);	/* VERSION_1 */
	wr(fx, DEV_FEATURES_SEL, 0);
	assert_int_equal(rd(fx, DEV_FEATURES), 0);
	wr(fx, DRV_FEATURES_SEL, 1);
	wr(fx, DRV_FEATURES, 1);
	wr(fx, DRV_FEATURES_SEL, 0);
	wr(fx, DRV_FEATURES, 0);
	wr(fx, STATUS, ACK | DRIVER | FEATURES_OK);
	assert_int_equal(rd(fx, STATUS), ACK | DRIVER | FEATURES_OK);
}

/* The whole probe with both queues QSIZE big, no buffers posted. */
static void driver_up(struct fixture *fx)
{
	negotiate(fx);
	for (unsigned q = 0; q < 2; q++)
		setup_queue(fx, q, QSIZE, RAM_BASE + DESC(q),
			    RAM_BASE + AVAIL(q), RAM_BASE + USED(q));
	wr(fx, STATUS, ACK | DRIVER | FEATURES_OK | DRIVER_OK);
	assert_int_equal(rd(fx, STATUS), ACK | DRIVER | FEATURES_OK |
			 DRIVER_OK);
	fx->avail_idx[0] = fx->avail_idx[1] = 0;
}

/* Used entry @k of eventq is the event (@type, @code, @value). */
static void assert_event(struct fixture *fx, unsigned k, uint16_t type,
			 uint16_t code, uint32_t value)
{
	uint32_t id = get32(fx, USED(0) + 4 + 8 * (k % QSIZE));
	uint32_t len = get32(fx, USED(0) + 8 + 8 * (k % QSIZE));

	assert_true(id < QSIZE);
	assert_int_equal(len, 8);
	assert_int_equal(get16(fx, BUF(id)), type);
	assert_int_equal(get16(fx, BUF(id) + 2), code);
	assert_int_equal(get32(fx, BUF(id) + 4), value);
}

static void assert_press_events(struct fixture *fx, unsigned first)
{
	assert_event(fx, first + 0, INPUT_EV_KEY, INPUT_KEY_POWER, 1);
	assert_event(fx, first + 1, INPUT_EV_SYN, 0, 0);
	assert_event(fx, first + 2, INPUT_EV_KEY, INPUT_KEY_POWER, 0);
	assert_event(fx, first + 3, INPUT_EV_SYN, 0, 0);
}

/* The driver's interrupt handler: read the status, acknowledge it. */
static uint32_t take_interrupt(struct fixture *fx)
{
	uint32_t st = rd(fx, INT_STATUS);

	wr(fx, INT_ACK, st);
	return st;
}

static void test_identity(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd(fx, MAGIC), 0x74726976);
	assert_int_equal(rd(fx, VERSION), 2);
	assert_int_equal(rd(fx, DEVICE_ID), 18);
	assert_int_equal(rd(fx, VENDOR), VMMIO_VENDOR);
	wr(fx, QUEUE_SEL, 2);			/* there is no queue 2 */
	assert_int_equal(rd(fx, QUEUE_NUM_MAX), 0);
	/* registers are 32-bit: a byte read of one reads nothing */
	assert_int_equal(fx->r.ops->read(fx->r.opaque, MAGIC, 1), 0);
}

/* Each select the Linux driver reads, byte by byte, as virtio_cread. */
static void test_config_space(void **state)
{
	struct fixture *fx = *state;
	char name[129] = { 0 };
	uint8_t size;

	cfg_select(fx, 0x01, 0);		/* ID_NAME */
	size = cfg8(fx, 2);
	assert_int_equal(size, strlen("hv power button"));
	for (unsigned i = 0; i < size; i++)
		name[i] = (char)cfg8(fx, 8 + i);
	assert_string_equal(name, "hv power button");
	assert_int_equal(cfg8(fx, 0), 0x01);	/* select reads back */

	cfg_select(fx, 0x02, 0);		/* ID_SERIAL */
	size = cfg8(fx, 2);
	assert_int_equal(size, strlen(VINPUT_SERIAL));
	for (unsigned i = 0; i < size; i++)
		name[i] = (char)cfg8(fx, 8 + i);
	name[size] = '\0';
	assert_string_equal(name, VINPUT_SERIAL);

	cfg_select(fx, 0x03, 0);		/* ID_DEVIDS, 16-bit reads */
	assert_int_equal(cfg8(fx, 2), 8);
	assert_int_equal(fx->r.ops->read(fx->r.opaque, CONFIG + 8, 2), 0x06);
	assert_int_equal(fx->r.ops->read(fx->r.opaque, CONFIG + 12, 2), 1);

	cfg_select(fx, 0x10, 0);		/* PROP_BITS: none */
	assert_int_equal(cfg8(fx, 2), 0);

	cfg_select(fx, 0x11, INPUT_EV_KEY);	/* EV_BITS of EV_KEY */
	size = cfg8(fx, 2);
	assert_int_equal(size, 15);
	for (unsigned i = 0; i < size; i++)
		assert_int_equal(cfg8(fx, 8 + i), i == 14 ? 0x10 : 0);
	for (unsigned sub = 0; sub < 0x20; sub++) {
		cfg_select(fx, 0x11, (uint8_t)sub);
		if (sub != INPUT_EV_KEY)
			assert_int_equal(cfg8(fx, 2), 0);
	}
	cfg_select(fx, 0x12, 0);		/* ABS_INFO: no axes */
	assert_int_equal(cfg8(fx, 2), 0);
	cfg_select(fx, 0x00, 0);		/* UNSET */
	assert_int_equal(cfg8(fx, 2), 0);
	/* past the config space: zero, never a crash */
	assert_int_equal(fx->r.ops->read(fx->r.opaque, 0xffc, 4), 0);
}

/* FEATURES_OK only for VERSION_1 and nothing the device did not offer. */
static void test_feature_negotiation(void **state)
{
	struct fixture *fx = *state;

	wr(fx, STATUS, ACK | DRIVER);
	wr(fx, DRV_FEATURES_SEL, 1);
	wr(fx, DRV_FEATURES, 0);		/* a legacy driver */
	wr(fx, STATUS, ACK | DRIVER | FEATURES_OK);
	assert_int_equal(rd(fx, STATUS), ACK | DRIVER);

	wr(fx, STATUS, 0);
	wr(fx, STATUS, ACK | DRIVER);
	wr(fx, DRV_FEATURES_SEL, 1);
	wr(fx, DRV_FEATURES, 1);
	wr(fx, DRV_FEATURES_SEL, 0);
	wr(fx, DRV_FEATURES, 1u << 28);		/* INDIRECT_DESC: not offered */
	wr(fx, STATUS, ACK | DRIVER | FEATURES_OK);
	assert_int_equal(rd(fx, STATUS), ACK | DRIVER);
	/* DRIVER_OK without FEATURES_OK does not take */
	wr(fx, STATUS, ACK | DRIVER | DRIVER_OK);
	assert_int_equal(vinput_press(fx->vi), -ENODEV);

	negotiate(fx);
	/* features are fixed once accepted */
	wr(fx, DRV_FEATURES_SEL, 0);
	wr(fx, DRV_FEATURES, 1u << 28);
	wr(fx, STATUS, ACK | DRIVER | FEATURES_OK);
	assert_int_equal(rd(fx, STATUS), ACK | DRIVER | FEATURES_OK);
}

/* A press: four events in order in four posted buffers, used idx 4, the
 * line up until acknowledged, and every written page noted. */
static void test_press(void **state)
{
	struct fixture *fx = *state;
	uint8_t *before = malloc(RAM_SIZE);

	assert_non_null(before);
	driver_up(fx);
	post_events(fx, QSIZE);
	assert_false(fx->seip);
	memset(fx->dirty, 0, sizeof(fx->dirty));
	memset(fx->noted, 0, RAM_SIZE);
	memcpy(before, fx->ram, RAM_SIZE);
	assert_int_equal(vinput_press(fx->vi), 0);
	/* every byte the device changed was noted (log-dirty sees it) */
	for (size_t i = 0; i < RAM_SIZE; i++)
		if (fx->ram[i] != before[i] && !fx->noted[i])
			fail_msg("RAM offset %#zx written, not noted", i);
	free(before);
	assert_int_equal(get16(fx, USED(0) + 2), 4);
	assert_press_events(fx, 0);
	assert_true(fx->seip);
	assert_int_equal(take_interrupt(fx), 1);
	assert_false(fx->seip);
	/* the device's writes went through note_write: log-dirty sees them */
	assert_true(fx->dirty[USED(0) / 4096]);
	assert_true(fx->dirty[BUF(0) / 4096]);
	assert_false(fx->dirty[DESC(0) / 4096]);
	assert_false(fx->dirty[AVAIL(0) / 4096]);
	/* a second press uses the other four, the ring wraps after */
	assert_int_equal(vinput_press(fx->vi), 0);
	assert_int_equal(get16(fx, USED(0) + 2), 8);
	assert_press_events(fx, 4);
	post_events(fx, 4);
	assert_int_equal(vinput_press(fx->vi), 0);
	assert_int_equal(get16(fx, USED(0) + 2), 12);
	assert_press_events(fx, 8);
}

/* No driver, no press: before DRIVER_OK, and again after a reset. */
static void test_press_without_driver(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(vinput_press(fx->vi), -ENODEV);
	negotiate(fx);
	assert_int_equal(vinput_press(fx->vi), -ENODEV);
	driver_up(fx);
	assert_int_equal(vinput_press(fx->vi), 0);
	/* a driver that gave up (FAILED) is not pressed either */
	wr(fx, STATUS, rd(fx, STATUS) | 0x80);
	assert_int_equal(vinput_press(fx->vi), -ENODEV);
	wr(fx, STATUS, 0);
	assert_int_equal(rd(fx, STATUS), 0);
	assert_int_equal(vinput_press(fx->vi), -ENODEV);
	wr(fx, QUEUE_SEL, 0);
	assert_int_equal(rd(fx, QUEUE_READY), 0);
}

/* Events wait for buffers; a full pending queue says -EAGAIN. */
static void test_buffers_after_press(void **state)
{
	struct fixture *fx = *state;
	unsigned presses;

	driver_up(fx);
	assert_int_equal(vinput_press(fx->vi), 0);
	assert_int_equal(get16(fx, USED(0) + 2), 0);
	assert_false(fx->seip);
	post_events(fx, 1);
	assert_int_equal(get16(fx, USED(0) + 2), 1);
	assert_true(fx->seip);
	post_events(fx, 3);
	assert_int_equal(get16(fx, USED(0) + 2), 4);
	assert_press_events(fx, 0);
	for (presses = 0; vinput_press(fx->vi) == 0; presses++)
		assert_true(presses < 100);
	assert_int_equal(presses, VINPUT_PENDING_MAX / 4);
	assert_int_equal(vinput_press(fx->vi), -EAGAIN);
}

/* The statusq's buffers (LED updates) are taken and given back empty. */
static void test_statusq(void **state)
{
	struct fixture *fx = *state;

	driver_up(fx);
	take_interrupt(fx);
	put_desc(fx, 1, 0, RAM_BASE + BUF(20), 8, 0, 0);
	make_avail(fx, 1, 0);
	wr(fx, QUEUE_NOTIFY, 1);
	assert_int_equal(get16(fx, USED(1) + 2), 1);
	assert_int_equal(get32(fx, USED(1) + 4), 0);	/* id */
	assert_int_equal(get32(fx, USED(1) + 8), 0);	/* len */
	assert_int_equal(take_interrupt(fx), 1);
}

/*
 * Save in the middle (one event delivered, three pending), restore into
 * a fresh device over a copy of RAM: both go on identically.
 */
static void test_save_restore(void **state)
{
	struct fixture *fx = *state;
	struct vinput_state *st = calloc(1, sizeof(*st));
	struct vinput_state *st2 = calloc(1, sizeof(*st2));
	uint8_t *ram2 = malloc(RAM_SIZE);
	struct fixture fx2;

	assert_non_null(st);
	assert_non_null(st2);
	assert_non_null(ram2);
	driver_up(fx);
	post_events(fx, 1);
	assert_int_equal(vinput_press(fx->vi), 0);
	cfg_select(fx, 0x11, INPUT_EV_KEY);
	vinput_save(fx->vi, st);
	assert_int_equal(st->nr_pending, 3);
	assert_int_equal(st->transport.queue[0].used_idx, 1);
	assert_int_equal(st->transport.queue[0].last_avail, 1);
	assert_int_equal(st->transport.interrupt_status, 1);

	fx2 = *fx;
	memcpy(ram2, fx->ram, RAM_SIZE);
	fx2.ram = ram2;
	fx2.vi = new_device(&fx2, ram2);
	fx2.r = vinput_region(fx2.vi, fx->r.base);
	assert_int_equal(vinput_restore(fx2.vi, st), 0);
	vinput_save(fx2.vi, st2);
	assert_memory_equal(st, st2, sizeof(*st));
	assert_int_equal(cfg8(&fx2, 2), 15);	/* select/subsel kept */

	for (int k = 0; k < 2; k++) {
		struct fixture *f = k ? &fx2 : fx;

		assert_int_equal(take_interrupt(f), 1);
		post_events(f, 3);
		assert_int_equal(vinput_press(f->vi), 0);
		post_events(f, 4);
		assert_int_equal(get16(f, USED(0) + 2), 8);
		assert_press_events(f, 0);
		assert_press_events(f, 4);
	}
	assert_memory_equal(fx->ram, ram2, RAM_SIZE);
	vinput_destroy(fx2.vi);
	free(ram2);
	free(st);
	free(st2);
}

/* A zero state is the device after reset; a bad one changes nothing. */
static void test_restore_checks(void **state)
{
	struct fixture *fx = *state;
	struct vinput_state *st = calloc(1, sizeof(*st));
	struct vinput_state *bad = calloc(1, sizeof(*bad));

	assert_non_null(st);
	assert_non_null(bad);
	driver_up(fx);
	vinput_save(fx->vi, st);

	bad->nr_pending = VINPUT_PENDING_MAX + 1;
	assert_int_equal(vinput_restore(fx->vi, bad), -EINVAL);
	*bad = *st;
	bad->transport.queue[0].desc = RAM_BASE + RAM_SIZE;	/* out */
	assert_int_equal(vinput_restore(fx->vi, bad), -EINVAL);
	*bad = *st;
	bad->transport.queue[1].num = 1000;
	assert_int_equal(vinput_restore(fx->vi, bad), -EINVAL);
	*bad = *st;
	bad->transport.status |= 0x100;
	assert_int_equal(vinput_restore(fx->vi, bad), -EINVAL);
	*bad = *st;
	bad->transport.driver_features |= 1ull << 28;
	assert_int_equal(vinput_restore(fx->vi, bad), -EINVAL);
	/* nothing changed: the driver is still up */
	assert_int_equal(rd(fx, STATUS), ACK | DRIVER | FEATURES_OK |
			 DRIVER_OK);
	assert_int_equal(vinput_press(fx->vi), 0);

	memset(bad, 0, sizeof(*bad));
	assert_int_equal(vinput_restore(fx->vi, bad), 0);
	assert_int_equal(rd(fx, STATUS), 0);
	assert_int_equal(vinput_press(fx->vi), -ENODEV);
	assert_false(fx->seip);
	free(st);
	free(bad);
}

/* The device is broken (NEEDS_RESET, config interrupt, no more presses)
 * and has written nothing outside RAM; a reset brings it back. */
static void assert_broken(struct fixture *fx)
{
	assert_true(rd(fx, STATUS) & NEEDS_RESET);
	assert_true(rd(fx, INT_STATUS) & 2);
	assert_true(fx->seip);
	assert_int_equal(vinput_press(fx->vi), -ENODEV);
	driver_up(fx);
	take_interrupt(fx);
	assert_int_equal(rd(fx, STATUS) & NEEDS_RESET, 0);
	post_events(fx, 4);
	assert_int_equal(vinput_press(fx->vi), 0);
	assert_int_equal(get16(fx, USED(0) + 2), 4);
	memset(fx->ram, 0, RAM_SIZE);
}

/* Queue layouts the device cannot use: refused at QueueReady. */
static void test_bad_queue_layout(void **state)
{
	static const struct {
		uint32_t num;
		uint64_t desc, avail, used;
	} bad[] = {
		{ 1000, DESC(0), AVAIL(0), USED(0) },	/* above the max */
		{ 65536, DESC(0), AVAIL(0), USED(0) },
		{ 6, DESC(0), AVAIL(0), USED(0) },	/* not a power of 2 */
		{ 0, DESC(0), AVAIL(0), USED(0) },
		{ QSIZE, DESC(0) + 8, AVAIL(0), USED(0) },	/* unaligned */
		{ QSIZE, DESC(0), AVAIL(0) + 1, USED(0) },
		{ QSIZE, DESC(0), AVAIL(0), USED(0) + 2 },
		{ QSIZE, RAM_SIZE - 64, AVAIL(0), USED(0) },	/* runs out */
		{ QSIZE, DESC(0), AVAIL(0), RAM_SIZE - 16 },
		{ QSIZE, 0 - RAM_BASE, AVAIL(0), USED(0) },	/* at 0 */
	};
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		negotiate(fx);
		setup_queue(fx, 0, bad[i].num, RAM_BASE + bad[i].desc,
			    RAM_BASE + bad[i].avail, RAM_BASE + bad[i].used);
		assert_int_equal(rd(fx, QUEUE_READY), 0);
		wr(fx, STATUS, ACK | DRIVER | FEATURES_OK | DRIVER_OK);
		assert_broken(fx);
	}
}

/* One eventq descriptor (head 0) that the device must refuse when it
 * uses it for a press. */
static void assert_bad_desc(struct fixture *fx, uint64_t pa, uint32_t len,
			    uint16_t flags, uint16_t next)
{
	driver_up(fx);
	put_desc(fx, 0, 0, pa, len, flags, next);
	put_desc(fx, 0, 1, RAM_BASE + BUF(1), 4, flags, 0);
	make_avail(fx, 0, 0);
	assert_int_equal(vinput_press(fx->vi), -ENODEV);
	assert_int_equal(get16(fx, USED(0) + 2), 0);
	assert_broken(fx);
}

/* Rings that turn bad after setup: found when the device uses them. */
static void test_bad_rings(void **state)
{
	enum { W = VRING_DESC_F_WRITE, N = VRING_DESC_F_NEXT };
	struct fixture *fx = *state;

	/* posted before any event: nothing is looked at yet */
	driver_up(fx);
	put_desc(fx, 0, 0, RAM_BASE + RAM_SIZE - 4, 8, W, 0);
	make_avail(fx, 0, 0);
	wr(fx, QUEUE_NOTIFY, 0);
	assert_int_equal(rd(fx, STATUS) & NEEDS_RESET, 0);
	assert_int_equal(vinput_press(fx->vi), -ENODEV);
	assert_broken(fx);

	/* a buffer that wraps around, one below RAM */
	assert_bad_desc(fx, ~0ull - 3, 8, W, 0);
	assert_bad_desc(fx, RAM_BASE - 8, 8, W, 0);
	/* a looping chain 0 -> 1 -> 0 (descriptor 1 is W|N, next 0) */
	assert_bad_desc(fx, RAM_BASE + BUF(0), 4, W | N, 1);
	/* a next past the table */
	assert_bad_desc(fx, RAM_BASE + BUF(0), 4, W | N, QSIZE + 3);
	/* a read-only buffer (nothing written), one too small, indirect */
	assert_bad_desc(fx, RAM_BASE + BUF(0), 8, 0, 0);
	assert_bad_desc(fx, RAM_BASE + BUF(0), 4, W, 0);
	assert_bad_desc(fx, RAM_BASE + BUF(0), 16, W | VRING_DESC_F_INDIRECT,
			0);

	/* a head past the table */
	driver_up(fx);
	make_avail(fx, 0, 0xffff);
	assert_int_equal(vinput_press(fx->vi), -ENODEV);
	assert_broken(fx);

	/* avail idx ahead by more than the queue holds */
	driver_up(fx);
	put16(fx, AVAIL(0) + 2, 1000);
	assert_int_equal(vinput_press(fx->vi), -ENODEV);
	assert_broken(fx);

	/* a bad statusq chain breaks the device too */
	driver_up(fx);
	put_desc(fx, 1, 0, RAM_BASE + RAM_SIZE, 8, 0, 0);
	make_avail(fx, 1, 0);
	wr(fx, QUEUE_NOTIFY, 1);
	assert_broken(fx);
}

/* A chain of two writable halves takes one event across both. */
static void test_split_buffer(void **state)
{
	struct fixture *fx = *state;

	driver_up(fx);
	put_desc(fx, 0, 0, RAM_BASE + BUF(0), 2,
		 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	put_desc(fx, 0, 1, RAM_BASE + BUF(0) + 2, 6, VRING_DESC_F_WRITE, 0);
	make_avail(fx, 0, 0);
	assert_int_equal(vinput_press(fx->vi), 0);
	assert_int_equal(get16(fx, USED(0) + 2), 1);
	assert_event(fx, 0, INPUT_EV_KEY, INPUT_KEY_POWER, 1);
	assert_int_equal(rd(fx, STATUS) & NEEDS_RESET, 0);
}

/* An empty slot: a transport that says "no device", as QEMU's do. */
static void test_empty_slot(void **state)
{
	struct fixture *fx = *state;
	struct vq_ram vr = { fx->ram, RAM_BASE, RAM_SIZE, note_write, fx };
	struct vmmio *t;
	struct mmio_region r;

	assert_int_equal(vmmio_create(&t, NULL, NULL, &vr, fx->plic, 1), 0);
	r = vmmio_region(t, VIRTIO_MMIO_BASE);
	assert_int_equal(r.ops->read(r.opaque, MAGIC, 4), 0x74726976);
	assert_int_equal(r.ops->read(r.opaque, DEVICE_ID, 4), 0);
	assert_int_equal(r.ops->read(r.opaque, QUEUE_NUM_MAX, 4), 0);
	r.ops->write(r.opaque, STATUS, ACK | DRIVER | FEATURES_OK, 4);
	assert_int_equal(r.ops->read(r.opaque, STATUS, 4) & FEATURES_OK, 0);
	r.ops->write(r.opaque, QUEUE_READY, 1, 4);
	r.ops->write(r.opaque, QUEUE_NOTIFY, 0, 4);
	assert_int_equal(r.ops->read(r.opaque, CONFIG, 4), 0);
	vmmio_destroy(t);
}

/*
 * In a whole machine: the power button sits in slot 7 of the bus, an
 * empty transport in slot 0, and with log-dirty on a press marks the
 * pages the device wrote (used ring, event buffers) and no others.
 */
static void test_machine_log_dirty(void **state)
{
	static const struct hv_log quiet = { .prefix = "test_virtio_input",
					     .level = LOG_ERR };
	struct hv_machine_config mc = {
		.vcpus = 1, .ram_size = 16ull << 20, .incoming = true,
	};
	struct fixture *fx = *state, mx = *fx;
	const struct mmio_region *r;
	struct cpu_platform *plat;
	uint64_t *bits, nr, n;
	struct hv_machine *m;

	assert_int_equal(hv_machine_create(&m, &mc, &quiet), 0);
	plat = hv_machine_platform(m);
	r = bus_find_mmio(plat->bus, VIRTIO_MMIO_BASE, 4);
	assert_non_null(r);
	assert_int_equal(r->ops->read(r->opaque, DEVICE_ID, 4), 0);
	r = bus_find_mmio(plat->bus, VIRTIO_MMIO_BASE +
			  VINPUT_SLOT * VIRTIO_MMIO_SIZE, 4);
	assert_non_null(r);
	mx.r = *r;
	mx.ram = hv_machine_ram(m);
	assert_int_equal(hv_machine_power_button(m), -ENODEV);
	driver_up(&mx);
	post_events(&mx, 4);

	n = plat->nr_pages;
	bits = calloc(n / 64 + 1, sizeof(*bits));
	assert_non_null(bits);
	assert_int_equal(logdirty_enable(plat), 0);
	assert_int_equal(hv_machine_power_button(m), 0);
	assert_int_equal(get16(&mx, USED(0) + 2), 4);
	assert_int_equal(logdirty_peek(plat, 0, n, bits, &nr), 0);
	assert_int_equal(nr, 2);
	assert_true(bits[0] & (1ull << (USED(0) / 4096)));
	assert_true(bits[0] & (1ull << (BUF(0) / 4096)));
	logdirty_disable(plat);
	free(bits);
	hv_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_identity),
		T(test_config_space),
		T(test_feature_negotiation),
		T(test_press),
		T(test_press_without_driver),
		T(test_buffers_after_press),
		T(test_statusq),
		T(test_save_restore),
		T(test_restore_checks),
		T(test_bad_queue_layout),
		T(test_bad_rings),
		T(test_split_buffer),
		T(test_empty_slot),
		T(test_machine_log_dirty),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
