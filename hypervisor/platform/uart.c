// SPDX-License-Identifier: MIT
/*
 * ns16550a with an infinitely fast transmitter.
 *
 * Transmit: a THR write hands the byte to the backend at once, so LSR.THRE
 * and TEMT are always set. The THRE interrupt follows the 16550: it is
 * pending when THR becomes empty (after every THR write; here that is
 * immediately) and when IER.THRI goes from 0 to 1 while THR is empty; it
 * is cleared by an IIR read that reports it, by a THR write, and by
 * clearing IER.THRI. Linux's 8250 start-up test (THRE must re-assert after
 * IER.THRI is toggled) depends on exactly this.
 *
 * Receive: the input queue (UART_INPUT_MAX bytes) stands for both the
 * host-side buffer and the 16-byte FIFO; LSR.DR is set while it is not
 * empty. With FIFOs enabled, IIR reports "received data available" once
 * the trigger level is reached and "character timeout" below it (there is
 * no timer; the timeout is taken to have expired already), so the guest
 * always gets an interrupt while data is waiting.
 *
 * Interrupt priority (IIR): line status, receive data / timeout, THR
 * empty, modem status; 0x01 (| 0xc0 with FIFOs) when none. The line to the
 * PLIC is high whenever IIR reports an interrupt.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "uart.h"

/* register offsets (reg-shift 0) */
#define UART_RBR	0	/* read, DLAB=0 */
#define UART_THR	0	/* write, DLAB=0 */
#define UART_DLL	0	/* DLAB=1 */
#define UART_IER	1	/* DLAB=0 */
#define UART_DLM	1	/* DLAB=1 */
#define UART_IIR	2	/* read */
#define UART_FCR	2	/* write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define IER_RDI		0x01
#define IER_THRI	0x02
#define IER_RLSI	0x04
#define IER_MSI		0x08
#define IER_MASK	0x0f

#define IIR_NO_INT	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_CTI		0x0c
#define IIR_ID_MASK	0x0f
#define IIR_FIFO_BITS	0xc0

#define FCR_FE		0x01
#define FCR_RFR		0x02
#define FCR_XFR		0x04
#define FCR_TRIG_MASK	0xc0

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define MCR_MASK	0x1f

#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_DCTS	0x01
#define MSR_DDSR	0x02
#define MSR_TERI	0x04
#define MSR_DDCD	0x08
#define MSR_DELTAS	0x0f
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

#define UART_FIFO_SIZE	16

struct uart {
	pthread_mutex_t lock;
	struct plic *plic;	/* borrowed; may be NULL (no interrupt line) */
	unsigned irq;
	struct uart_backend be;

	uint8_t ier, lcr, mcr, msr, scr, fcr;
	uint8_t dll, dlm;
	uint8_t rbr;		/* last byte read, returned when empty */
	bool thr_ipending;
	bool irq_level;		/* last level given to the PLIC */

	/* input queue: a ring of in_count bytes starting at in_head */
	size_t in_head, in_count;
	uint8_t in[UART_INPUT_MAX];
};

static const uint8_t uart_trigger_levels[4] = { 1, 4, 8, 14 };

/* The interrupt IIR reports now (IIR_NO_INT if none). Lock held. */
static uint8_t uart_iir_id(const struct uart *u)
{
	if ((u->ier & IER_RDI) && u->in_count) {
		if (!(u->fcr & FCR_FE))
			return IIR_RDI;
		if (u->in_count >= uart_trigger_levels[u->fcr >> 6])
			return IIR_RDI;
		return IIR_CTI;
	}
	if ((u->ier & IER_THRI) && u->thr_ipending)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && (u->msr & MSR_DELTAS))
		return IIR_MSI;
	/* line status errors (overrun, parity, ...) never happen here */
	return IIR_NO_INT;
}

static uint8_t uart_iir(const struct uart *u)
{
	return uart_iir_id(u) | ((u->fcr & FCR_FE) ? IIR_FIFO_BITS : 0);
}

/* Drives the interrupt line from the current state. Lock held. */
static void uart_update_irq(struct uart *u)
{
	bool level = uart_iir_id(u) != IIR_NO_INT;

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->plic)
		plic_set_irq(u->plic, u->irq, level);
}

static void uart_queue_in(struct uart *u, uint8_t c)
{
	if (u->in_count == UART_INPUT_MAX)
		return;
	u->in[(u->in_head + u->in_count) % UART_INPUT_MAX] = c;
	u->in_count++;
}

static int uart_dequeue(struct uart *u)
{
	uint8_t c;

	if (!u->in_count)
		return -1;
	c = u->in[u->in_head];
	u->in_head = (u->in_head + 1) % UART_INPUT_MAX;
	u->in_count--;
	return c;
}

/* Drops up to @n bytes from the head of the input queue. */
static void uart_discard(struct uart *u, size_t n)
{
	if (n > u->in_count)
		n = u->in_count;
	u->in_head = (u->in_head + n) % UART_INPUT_MAX;
	u->in_count -= n;
}

/*
 * The modem status inputs: in loopback they are the MCR outputs (RTS to
 * CTS, DTR to DSR, OUT1 to RI, OUT2 to DCD); otherwise the lines of an
 * always-ready terminal, as QEMU reports without a real serial port.
 */
static uint8_t uart_modem_inputs(const struct uart *u)
{
	uint8_t m = 0;

	if (!(u->mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	if (u->mcr & MCR_RTS)
		m |= MSR_CTS;
	if (u->mcr & MCR_DTR)
		m |= MSR_DSR;
	if (u->mcr & MCR_OUT1)
		m |= MSR_RI;
	if (u->mcr & MCR_OUT2)
		m |= MSR_DCD;
	return m;
}

/* Sets the MSR status bits and latches the delta bits of what changed. */
static void uart_update_msr(struct uart *u)
{
	uint8_t old = u->msr & 0xf0;
	uint8_t now = uart_modem_inputs(u);
	uint8_t diff = old ^ now;
	uint8_t delta = u->msr & MSR_DELTAS;

	if (diff & MSR_CTS)
		delta |= MSR_DCTS;
	if (diff & MSR_DSR)
		delta |= MSR_DDSR;
	if (diff & MSR_DCD)
		delta |= MSR_DDCD;
	if ((old & MSR_RI) && !(now & MSR_RI))
		delta |= MSR_TERI;	/* trailing edge only */
	u->msr = now | delta;
}

static void uart_write_thr(struct uart *u, uint8_t c)
{
	if (u->mcr & MCR_LOOP)
		uart_queue_in(u, c);
	else if (u->be.write)
		u->be.write(u->be.opaque, &c, 1);
	/* transmitted at once: THR is empty again, which is a THRE event */
	u->thr_ipending = true;
}

static void uart_write_fcr(struct uart *u, uint8_t val)
{
	/* changing the FIFO enable resets both FIFOs, as on the 16550 */
	if ((val ^ u->fcr) & FCR_FE)
		val |= FCR_RFR | FCR_XFR;
	if (val & FCR_RFR) {
		/*
		 * Only what the chip would hold is lost; the rest of the
		 * queue is still on the host side of the line.
		 */
		uart_discard(u, (u->fcr & FCR_FE) ? UART_FIFO_SIZE : 1);
	}
	/* the transmitter FIFO is always empty: nothing to do for XFR */
	u->fcr = val & (FCR_FE | FCR_TRIG_MASK);
	if (!(u->fcr & FCR_FE))
		u->fcr = 0;
}

static uint8_t uart_read_reg(struct uart *u, unsigned reg)
{
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t val;
	int c;

	switch (reg) {
	case UART_RBR:
		if (dlab)
			return u->dll;
		c = uart_dequeue(u);
		if (c >= 0)
			u->rbr = (uint8_t)c;
		return u->rbr;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		val = uart_iir(u);
		/* reading IIR while it reports THRE clears that interrupt */
		if ((val & IIR_ID_MASK) == IIR_THRI)
			u->thr_ipending = false;
		return val;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return LSR_THRE | LSR_TEMT | (u->in_count ? LSR_DR : 0);
	case UART_MSR:
		val = u->msr;
		u->msr &= ~MSR_DELTAS;
		return val;
	case UART_SCR:
		return u->scr;
	}
	return 0;
}

static void uart_write_reg(struct uart *u, unsigned reg, uint8_t val)
{
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t changed;

	switch (reg) {
	case UART_THR:
		if (dlab)
			u->dll = val;
		else
			uart_write_thr(u, val);
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = val;
			break;
		}
		val &= IER_MASK;
		changed = u->ier ^ val;
		u->ier = val;
		/*
		 * Enabling THRI while THR is empty raises THRE (even if an
		 * IIR read had cleared it); disabling it drops it.
		 */
		if (changed & IER_THRI)
			u->thr_ipending = val & IER_THRI;
		break;
	case UART_FCR:
		uart_write_fcr(u, val);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & MCR_MASK;
		uart_update_msr(u);
		break;
	case UART_LSR:
		break;	/* read-only (writes are factory test on some parts) */
	case UART_MSR:
		break;
	case UART_SCR:
		u->scr = val;
		break;
	}
}

/*
 * Byte-wide registers at reg-shift 0. A wider access addresses the
 * register at its offset and uses the low byte, as QEMU does.
 */
static uint64_t uart_mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct uart *u = opaque;
	uint8_t val;

	if (off > UART_SCR)
		return 0;
	pthread_mutex_lock(&u->lock);
	val = uart_read_reg(u, (unsigned)off);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return val;
}

static void uart_mmio_write(void *opaque, uint64_t off, uint64_t val,
			    unsigned size)
{
	struct uart *u = opaque;

	if (off > UART_SCR)
		return;
	pthread_mutex_lock(&u->lock);
	uart_write_reg(u, (unsigned)off, (uint8_t)val);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

static const struct mmio_ops uart_mmio_ops = {
	.read = uart_mmio_read,
	.write = uart_mmio_write,
};

size_t uart_input(struct uart *u, const uint8_t *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&u->lock);
	n = UART_INPUT_MAX - u->in_count;
	if (n > len)
		n = len;
	for (size_t i = 0; i < n; i++)
		uart_queue_in(u, buf[i]);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return n;
}

void uart_sbi_putchar(struct uart *u, uint8_t c)
{
	pthread_mutex_lock(&u->lock);
	if (u->be.write)
		u->be.write(u->be.opaque, &c, 1);
	pthread_mutex_unlock(&u->lock);
}

int uart_sbi_getchar(struct uart *u)
{
	int c;

	pthread_mutex_lock(&u->lock);
	c = uart_dequeue(u);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return c;
}

struct mmio_region uart_region(struct uart *u)
{
	struct mmio_region r = {
		.base = UART_BASE,
		.size = UART_SIZE,
		.ops = &uart_mmio_ops,
		.opaque = u,
		.name = "uart",
	};

	return r;
}

int uart_create(struct uart **out, struct plic *plic, unsigned irq,
		const struct uart_backend *be)
{
	struct uart *u;
	int ret;

	if (!be || (plic && (irq == 0 || irq >= PLIC_NR_SOURCES)))
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	ret = -pthread_mutex_init(&u->lock, NULL);
	if (ret) {
		free(u);
		return ret;
	}
	u->plic = plic;
	u->irq = irq;
	u->be = *be;
	/* reset state as QEMU's: OUT2 set, an always-ready terminal */
	u->mcr = MCR_OUT2;
	u->msr = MSR_DCD | MSR_DSR | MSR_CTS;
	*out = u;
	return 0;
}

void uart_destroy(struct uart *u)
{
	if (!u)
		return;
	pthread_mutex_destroy(&u->lock);
	free(u);
}

void uart_save(struct uart *u, struct uart_state *st)
{
	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&u->lock);
	st->ier = u->ier;
	st->lcr = u->lcr;
	st->mcr = u->mcr;
	st->msr = u->msr;
	st->scr = u->scr;
	st->fcr = u->fcr;
	st->dll = u->dll;
	st->dlm = u->dlm;
	st->rbr = u->rbr;
	st->thr_ipending = u->thr_ipending;
	st->input_len = u->in_count;
	for (size_t k = 0; k < u->in_count; k++)
		st->input[k] = u->in[(u->in_head + k) % UART_INPUT_MAX];
	pthread_mutex_unlock(&u->lock);
}

int uart_restore(struct uart *u, const struct uart_state *st)
{
	if (st->input_len > UART_INPUT_MAX)
		return -EINVAL;
	pthread_mutex_lock(&u->lock);
	u->ier = st->ier;
	u->lcr = st->lcr;
	u->mcr = st->mcr;
	u->msr = st->msr;
	u->scr = st->scr;
	u->fcr = st->fcr;
	u->dll = st->dll;
	u->dlm = st->dlm;
	u->rbr = st->rbr;
	u->thr_ipending = st->thr_ipending;
	u->in_head = 0;
	u->in_count = st->input_len;
	memcpy(u->in, st->input, st->input_len);
	/* Push the derived line level to the PLIC whatever it was. */
	u->irq_level = !(uart_iir_id(u) != IIR_NO_INT);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}
