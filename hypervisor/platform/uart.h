/* SPDX-License-Identifier: MIT */
/*
 * ns16550a UART (QEMU virt: base 0x1000_0000, size 0x100, reg-shift 0,
 * IRQ 10, clock-frequency 3686400). Registers RBR/THR, IER, IIR/FCR, LCR,
 * MCR, LSR, MSR, SCR with DLAB divisor latches; 16-byte-FIFO semantics are
 * not needed for Linux's 8250 driver, but THRE and RDA interrupts and
 * LSR.DR/THRE/TEMT are, exactly as the 8250 driver and OpenSBI expect.
 */
#ifndef HV_UART_H
#define HV_UART_H

#include <stddef.h>
#include <stdint.h>
#include "bus.h"
#include "plic.h"

#define UART_BASE	0x10000000ULL
#define UART_SIZE	0x100ULL
#define UART_IRQ	10
#define UART_INPUT_MAX	4096	/* bytes buffered for the guest */

/*
 * Where output goes. write() is called from vCPU threads with the UART
 * lock held, one byte or more at a time; it must not block for long
 * (the console layer buffers).
 */
struct uart_backend {
	void (*write)(void *opaque, const uint8_t *buf, size_t len);
	void *opaque;
};

struct uart;

/* The UART's state as plain data (its interrupt line derives from it). */
struct uart_state {
	uint8_t ier, lcr, mcr, msr, scr, fcr, dll, dlm, rbr;
	bool thr_ipending;
	size_t input_len;		/* bytes queued for the guest */
	uint8_t input[UART_INPUT_MAX];	/* oldest first */
};

int uart_create(struct uart **out, struct plic *plic, unsigned irq,
		const struct uart_backend *be) __attribute__((warn_unused_result));
void uart_destroy(struct uart *uart);	/* NULL is a no-op */
struct mmio_region uart_region(struct uart *uart);

/*
 * Input from the console: queues up to @len bytes, returns how many were
 * taken (0 when the buffer is full), raises the RDA interrupt if enabled.
 * Any thread.
 */
size_t uart_input(struct uart *uart, const uint8_t *buf, size_t len);

/*
 * Save and restore (the machine quiesced). Restore returns -EINVAL when
 * input_len exceeds UART_INPUT_MAX; it then sets the interrupt line to
 * what the restored registers say.
 */
void uart_save(struct uart *uart, struct uart_state *st);
int uart_restore(struct uart *uart, const struct uart_state *st)
	__attribute__((warn_unused_result));

/* SBI legacy console: output one byte / take one input byte or -1. */
void uart_sbi_putchar(struct uart *uart, uint8_t c);
int uart_sbi_getchar(struct uart *uart);

#endif
