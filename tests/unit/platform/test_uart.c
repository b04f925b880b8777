// SPDX-License-Identifier: MIT
/*
 * ns16550a: the register sequences Linux's 8250 driver performs (type
 * probe, THRE start-up test, console writes, receive), the exact IIR
 * values it decodes, the interrupt line as the PLIC sees it, the input
 * queue and the SBI legacy console.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "platform/plic.h"
#include "platform/uart.h"

enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3,
       MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

struct fixture {
	struct plic *plic;
	struct uart *uart;
	struct mmio_region r, pr;
	uint8_t out[8192];
	size_t out_len;
	bool seip;
};

static void capture(void *opaque, const uint8_t *buf, size_t len)
{
	struct fixture *fx = opaque;

	assert_true(fx->out_len + len <= sizeof(fx->out));
	memcpy(fx->out + fx->out_len, buf, len);
	fx->out_len += len;
}

static void set_seip(void *opaque, unsigned hart, bool level)
{
	struct fixture *fx = opaque;

	fx->seip = level;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct irq_sink sink = { .set_seip = set_seip };
	struct uart_backend be = { .write = capture };

	assert_non_null(fx);
	sink.opaque = fx;
	be.opaque = fx;
	assert_int_equal(plic_create(&fx->plic, 1, &sink), 0);
	assert_int_equal(uart_create(&fx->uart, fx->plic, UART_IRQ, &be), 0);
	fx->r = uart_region(fx->uart);
	fx->pr = plic_region(fx->plic);
	/* route the UART's line to hart 0 as Linux's PLIC driver does */
	fx->pr.ops->write(fx->pr.opaque, 4 * UART_IRQ, 1, 4);
	fx->pr.ops->write(fx->pr.opaque, 0x2000, 1u << UART_IRQ, 4);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	uart_destroy(fx->uart);
	plic_destroy(fx->plic);
	free(fx);
	return 0;
}

static uint8_t rd(struct fixture *fx, unsigned reg)
{
	return (uint8_t)fx->r.ops->read(fx->r.opaque, reg, 1);
}

static void wr(struct fixture *fx, unsigned reg, uint8_t val)
{
	fx->r.ops->write(fx->r.opaque, reg, val, 1);
}

/* The UART's line as the PLIC's pending register shows it. */
static bool line(struct fixture *fx)
{
	uint32_t p = (uint32_t)fx->pr.ops->read(fx->pr.opaque, 0x1000, 4);

	return p & (1u << UART_IRQ);
}

static void test_create_args(void **state)
{
	struct uart_backend be = { 0 };
	struct uart *u = NULL;

	assert_int_equal(uart_create(&u, NULL, 0, NULL), -EINVAL);
	uart_destroy(NULL);
	/* no PLIC: a polled UART still works */
	assert_int_equal(uart_create(&u, NULL, 0, &be), 0);
	uart_sbi_putchar(u, 'x');
	uart_destroy(u);
}

static void test_reset_values(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(fx->r.base, 0x10000000);
	assert_int_equal(fx->r.size, 0x100);
	assert_int_equal(rd(fx, IER), 0x00);
	assert_int_equal(rd(fx, IIR), 0x01);
	assert_int_equal(rd(fx, LCR), 0x00);
	assert_int_equal(rd(fx, MCR), 0x08);
	assert_int_equal(rd(fx, LSR), 0x60);
	assert_int_equal(rd(fx, MSR), 0xb0);
	assert_false(line(fx));
	/* past the eight registers: nothing */
	assert_int_equal(fx->r.ops->read(fx->r.opaque, 0x10, 1), 0);
}

static void test_transmit(void **state)
{
	struct fixture *fx = *state;
	const char *msg = "Linux version";
	size_t i;

	for (i = 0; msg[i]; i++) {
		/* what the 8250 console's wait_for_xmitr polls for */
		assert_int_equal(rd(fx, LSR) & 0x60, 0x60);
		wr(fx, THR, (uint8_t)msg[i]);
	}
	assert_int_equal(fx->out_len, strlen(msg));
	assert_memory_equal(fx->out, msg, strlen(msg));
	assert_int_equal(rd(fx, LSR), 0x60);
}

static void test_divisor_latch(void **state)
{
	struct fixture *fx = *state;

	wr(fx, IER, 0x05);
	wr(fx, LCR, 0x83);
	wr(fx, DLL, 0x02);
	wr(fx, DLM, 0x01);
	assert_int_equal(rd(fx, DLL), 0x02);
	assert_int_equal(rd(fx, DLM), 0x01);
	assert_int_equal(fx->out_len, 0);	/* DLL is not THR */
	wr(fx, LCR, 0x03);
	assert_int_equal(rd(fx, LCR), 0x03);
	assert_int_equal(rd(fx, IER), 0x05);	/* DLM is not IER */
	wr(fx, SCR, 0x5a);
	assert_int_equal(rd(fx, SCR), 0x5a);
}

/* serial8250_do_startup's test for UARTs that do not re-assert THRE */
static void test_thre_startup_test(void **state)
{
	struct fixture *fx = *state;
	uint8_t iir1, iir;

	/* serial8250_clear_fifos() */
	wr(fx, FCR, 0x01);
	wr(fx, FCR, 0x07);
	wr(fx, FCR, 0x00);
	rd(fx, LSR);
	rd(fx, RBR);
	rd(fx, IIR);
	rd(fx, MSR);

	wr(fx, IER, 0x02);
	assert_true(line(fx));
	iir1 = rd(fx, IIR);
	assert_int_equal(iir1, 0x02);
	/* the read that reported THRE cleared it */
	assert_false(line(fx));
	assert_int_equal(rd(fx, IIR), 0x01);
	wr(fx, IER, 0x00);
	wr(fx, IER, 0x02);
	iir = rd(fx, IIR);
	wr(fx, IER, 0x00);
	assert_int_equal(iir, 0x02);	/* re-asserted: no UART_BUG_THRE */
	assert_false(line(fx));

	/* the UART_BUG_TXEN test: IER=THRI, then LSR and IIR */
	wr(fx, IER, 0x02);
	assert_int_equal(rd(fx, LSR), 0x60);
	assert_int_equal(rd(fx, IIR), 0x02);
	wr(fx, IER, 0x00);
	assert_int_equal(rd(fx, IIR), 0x01);
}

static void test_thre_after_write_fifo(void **state)
{
	struct fixture *fx = *state;

	wr(fx, FCR, 0x81);	/* 16550A: FIFO on, trigger 8 */
	assert_int_equal(rd(fx, IIR), 0xc1);
	wr(fx, IER, 0x02);
	assert_int_equal(rd(fx, IIR), 0xc2);
	assert_int_equal(rd(fx, IIR), 0xc1);
	assert_false(line(fx));
	/* THR empties at once after a write: THRE again */
	wr(fx, THR, 'a');
	assert_true(line(fx));
	assert_int_equal(rd(fx, IIR), 0xc2);
	assert_false(line(fx));
	/* turning THRI off drops a pending THRE */
	wr(fx, THR, 'b');
	assert_true(line(fx));
	wr(fx, IER, 0x00);
	assert_false(line(fx));
	assert_int_equal(rd(fx, IIR), 0xc1);
	assert_memory_equal(fx->out, "ab", 2);
}

enum port_type { PORT_UNKNOWN, PORT_8250, PORT_16550, PORT_16550A,
		 PORT_16650, PORT_16750, PORT_XSCALE, PORT_NS16550 };

/*
 * The steps of the 8250 driver's autoconfig() and autoconfig_16550a(),
 * as register accesses, returning the type they would conclude.
 */
static enum port_type linux_autoconfig(struct fixture *fx)
{
	uint8_t save, s1, s2, s3, mcr;

	save = rd(fx, IER);
	wr(fx, IER, 0);
	s2 = rd(fx, IER) & 0x0f;
	wr(fx, IER, 0x0f);
	s3 = rd(fx, IER) & 0x0f;
	wr(fx, IER, save);
	if (s2 != 0 || s3 != 0x0f)
		return PORT_UNKNOWN;

	mcr = rd(fx, MCR);
	wr(fx, MCR, 0x10 | 0x0a);	/* loopback, RTS, OUT2 */
	s1 = rd(fx, MSR) & 0xf0;
	wr(fx, MCR, mcr);
	if (s1 != 0x90)		/* DCD | CTS */
		return PORT_UNKNOWN;

	wr(fx, LCR, 0xbf);
	wr(fx, 2, 0);		/* EFR */
	wr(fx, LCR, 0);
	wr(fx, FCR, 0x01);
	switch (rd(fx, IIR) >> 6) {
	case 0:
		return PORT_8250;
	case 1:
		return PORT_UNKNOWN;
	case 2:
		return PORT_16550;
	}

	/* autoconfig_16550a(): EFR probes must read IIR, never 0 */
	wr(fx, LCR, 0x80);
	if (rd(fx, 2) == 0)
		return PORT_16650;
	wr(fx, LCR, 0xbf);
	if (rd(fx, 2) == 0)
		return PORT_16650;

	/* National SuperIO: EXCR1 must not follow MCR.LOOP */
	wr(fx, LCR, 0);
	s1 = rd(fx, MCR);
	wr(fx, LCR, 0xe0);
	s2 = rd(fx, 2);
	if (!((s2 ^ s1) & 0x10)) {
		wr(fx, LCR, 0);
		wr(fx, MCR, s1 ^ 0x10);
		wr(fx, LCR, 0xe0);
		s2 = rd(fx, 2);
		wr(fx, LCR, 0);
		wr(fx, MCR, s1);
		if ((s2 ^ s1) & 0x10)
			return PORT_NS16550;
	}

	/* TI16750: 64-byte FIFO bit in IIR */
	wr(fx, LCR, 0);
	wr(fx, FCR, 0x21);
	s1 = rd(fx, IIR) >> 5;
	wr(fx, FCR, 0);
	wr(fx, LCR, 0x80);
	wr(fx, FCR, 0x21);
	s2 = rd(fx, IIR) >> 5;
	wr(fx, FCR, 0);
	wr(fx, LCR, 0);
	if (s1 == 6 && s2 == 7)
		return PORT_16750;

	/* XScale: IER bit 6 */
	save = rd(fx, IER);
	wr(fx, IER, save & ~0x40);
	if (!(rd(fx, IER) & 0x40)) {
		wr(fx, IER, save | 0x40);
		if (rd(fx, IER) & 0x40)
			return PORT_XSCALE;
	}
	wr(fx, IER, save);
	return PORT_16550A;
}

static void test_autoconfig_finds_16550a(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(linux_autoconfig(fx), PORT_16550A);
	/* the probe's loopback writes never reach the console */
	assert_int_equal(fx->out_len, 0);
	assert_int_equal(rd(fx, MCR), 0x08);
	assert_int_equal(rd(fx, IER), 0x00);
}

static void test_receive_no_fifo(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(uart_input(fx->uart, (const uint8_t *)"ab", 2), 2);
	assert_int_equal(rd(fx, LSR), 0x61);
	assert_int_equal(rd(fx, IIR), 0x01);	/* RDI not enabled */
	assert_false(line(fx));
	wr(fx, IER, 0x01);
	assert_true(line(fx));
	assert_true(fx->seip);
	assert_int_equal(rd(fx, IIR), 0x04);
	assert_int_equal(rd(fx, RBR), 'a');
	assert_int_equal(rd(fx, IIR), 0x04);
	assert_int_equal(rd(fx, RBR), 'b');
	assert_int_equal(rd(fx, LSR), 0x60);
	assert_int_equal(rd(fx, IIR), 0x01);
	assert_false(line(fx));
	assert_false(fx->seip);
}

static void test_receive_fifo_trigger(void **state)
{
	struct fixture *fx = *state;
	int i;

	wr(fx, FCR, 0x81);	/* trigger level 8 */
	wr(fx, IER, 0x01);
	uart_input(fx->uart, (const uint8_t *)"abc", 3);
	/* below the trigger: character timeout, as if it had expired */
	assert_int_equal(rd(fx, IIR), 0xcc);
	assert_true(line(fx));
	uart_input(fx->uart, (const uint8_t *)"defgh", 5);
	assert_int_equal(rd(fx, IIR), 0xc4);
	for (i = 0; i < 8; i++)
		assert_int_equal(rd(fx, RBR), 'a' + i);
	assert_int_equal(rd(fx, IIR), 0xc1);
	assert_false(line(fx));
}

static void test_interrupt_priority(void **state)
{
	struct fixture *fx = *state;

	wr(fx, IER, 0x0b);	/* RDI | THRI | MSI */
	/* THRE pending, then data arrives: data ranks higher */
	uart_input(fx->uart, (const uint8_t *)"x", 1);
	assert_int_equal(rd(fx, IIR), 0x04);
	assert_int_equal(rd(fx, RBR), 'x');
	assert_int_equal(rd(fx, IIR), 0x02);	/* now THRE, clears it */
	assert_int_equal(rd(fx, IIR), 0x01);
	/* modem status change (loopback RTS -> CTS) ranks lowest */
	wr(fx, MCR, 0x10 | 0x02);
	assert_int_equal(rd(fx, IIR), 0x00);
	assert_true(line(fx));
	assert_int_equal(rd(fx, MSR), 0x10 | 0x0a);	/* CTS; dDSR dDCD */
	assert_int_equal(rd(fx, MSR), 0x10);	/* deltas cleared by read */
	assert_int_equal(rd(fx, IIR), 0x01);
	assert_false(line(fx));
}

static void test_loopback(void **state)
{
	struct fixture *fx = *state;

	wr(fx, MCR, 0x10);
	wr(fx, THR, 'L');
	assert_int_equal(fx->out_len, 0);
	assert_int_equal(rd(fx, LSR), 0x61);
	assert_int_equal(rd(fx, RBR), 'L');
	wr(fx, MCR, 0x08);
	wr(fx, THR, 'O');
	assert_int_equal(fx->out_len, 1);
	assert_int_equal(fx->out[0], 'O');
	assert_int_equal(rd(fx, MSR) & 0xf0, 0xb0);
}

static void test_input_buffer_full(void **state)
{
	struct fixture *fx = *state;
	uint8_t *buf = malloc(UART_INPUT_MAX + 100);
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < UART_INPUT_MAX + 100; i++)
		buf[i] = (uint8_t)(i * 7);
	assert_int_equal(uart_input(fx->uart, buf, UART_INPUT_MAX + 100),
			 UART_INPUT_MAX);
	assert_int_equal(uart_input(fx->uart, buf, 1), 0);
	assert_int_equal(rd(fx, RBR), buf[0]);
	assert_int_equal(uart_input(fx->uart, buf + UART_INPUT_MAX, 5), 1);
	for (i = 1; i <= UART_INPUT_MAX; i++)
		assert_int_equal(rd(fx, RBR), buf[i]);
	assert_int_equal(rd(fx, LSR), 0x60);
	/* empty: RBR repeats the last byte, as the chip does */
	assert_int_equal(rd(fx, RBR), buf[UART_INPUT_MAX]);
	free(buf);
}

static void test_fifo_reset_drops_only_fifo(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[20];
	int i;

	for (i = 0; i < 20; i++)
		buf[i] = (uint8_t)('A' + i);
	wr(fx, FCR, 0x01);
	uart_input(fx->uart, buf, 20);
	wr(fx, FCR, 0x03);	/* clear RX: the 16 bytes in the FIFO */
	for (i = 16; i < 20; i++)
		assert_int_equal(rd(fx, RBR), 'A' + i);
	assert_int_equal(rd(fx, LSR), 0x60);
}

static void test_sbi_console(void **state)
{
	struct fixture *fx = *state;

	uart_sbi_putchar(fx->uart, 'O');
	uart_sbi_putchar(fx->uart, 'K');
	assert_int_equal(fx->out_len, 2);
	assert_memory_equal(fx->out, "OK", 2);
	assert_int_equal(uart_sbi_getchar(fx->uart), -1);

	wr(fx, IER, 0x01);
	uart_input(fx->uart, (const uint8_t *)"\xff" "z", 2);
	assert_true(line(fx));
	assert_int_equal(uart_sbi_getchar(fx->uart), 0xff);
	assert_int_equal(uart_sbi_getchar(fx->uart), 'z');
	/* the shared queue is empty: the line drops */
	assert_false(line(fx));
	assert_int_equal(uart_sbi_getchar(fx->uart), -1);
	assert_int_equal(rd(fx, LSR), 0x60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_args),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_reset_values),
		T(test_transmit),
		T(test_divisor_latch),
		T(test_thre_startup_test),
		T(test_thre_after_write_fifo),
		T(test_autoconfig_finds_16550a),
		T(test_receive_no_fifo),
		T(test_receive_fifo_trigger),
		T(test_interrupt_priority),
		T(test_loopback),
		T(test_input_buffer_full),
		T(test_fifo_reset_drops_only_fifo),
		T(test_sbi_console),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
