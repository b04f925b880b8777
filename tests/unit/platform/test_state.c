// SPDX-License-Identifier: MIT
/*
 * Device save/restore: a PLIC and a UART restored from another's saved
 * state behave as the original (same registers, same interrupt outputs,
 * same queued input), and states they cannot hold are refused whole.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "platform/plic.h"
#include "platform/uart.h"

struct seip { bool level[4]; };

static void record_seip(void *opaque, unsigned hart, bool level)
{
	((struct seip *)opaque)->level[hart] = level;
}

static void w32(struct plic *p, uint64_t off, uint32_t v)
{
	struct mmio_region r = plic_region(p);

	r.ops->write(r.opaque, off, v, 4);
}

static uint32_t r32(struct plic *p, uint64_t off)
{
	struct mmio_region r = plic_region(p);

	return (uint32_t)r.ops->read(r.opaque, off, 4);
}

static void test_plic(void **state)
{
	struct seip sa = { 0 }, sb = { 0 };
	struct irq_sink ka = { record_seip, &sa }, kb = { record_seip, &sb };
	struct plic *a, *b, *c;
	struct plic_state st, st2, bad;

	(void)state;
	assert_int_equal(plic_create(&a, 2, &ka), 0);
	assert_int_equal(plic_create(&b, 2, &kb), 0);
	assert_int_equal(plic_create(&c, 3, &kb), 0);
	w32(a, 4 * 10, 5);			/* priority of source 10 */
	w32(a, 4 * 7, 2);
	w32(a, 0x2000 + 0x80, 1u << 10 | 1u << 7);	/* context 1 enables */
	w32(a, 0x200000 + 0x1000, 1);		/* threshold of context 1 */
	plic_set_irq(a, 10, true);
	plic_set_irq(a, 7, true);
	assert_true(sa.level[1]);
	assert_int_equal(r32(a, 0x200004 + 0x1000), 10);	/* claim 10 */
	plic_save(a, &st);

	assert_int_equal(plic_restore(c, &st), -EINVAL);	/* 3 harts */
	bad = st;
	bad.priority[3] = 8;
	assert_int_equal(plic_restore(b, &bad), -EINVAL);
	assert_false(sb.level[1]);		/* nothing changed */
	assert_int_equal(plic_restore(b, &st), 0);
	plic_save(b, &st2);
	assert_memory_equal(&st, &st2, sizeof(st));
	/* 10 is claimed, 7 still pending above threshold: SEIP high. */
	assert_true(sb.level[1]);
	assert_false(sb.level[0]);
	assert_int_equal(r32(b, 0x200004 + 0x1000), 7);
	/* Completing 10 with its line still high makes it pending again. */
	w32(b, 0x200004 + 0x1000, 10);
	assert_int_equal(r32(b, 0x200004 + 0x1000), 10);
	plic_destroy(a);
	plic_destroy(b);
	plic_destroy(c);
}

struct sink { uint8_t out[64]; size_t len; };

static void capture(void *opaque, const uint8_t *buf, size_t len)
{
	struct sink *s = opaque;

	memcpy(s->out + s->len, buf, len);
	s->len += len;
}

static void test_uart(void **state)
{
	struct sink sa = { .len = 0 }, sb = { .len = 0 };
	struct uart_backend ba = { capture, &sa }, bb = { capture, &sb };
	struct uart *a, *b;
	struct uart_state st, st2;
	struct mmio_region ra, rb;

	(void)state;
	assert_int_equal(uart_create(&a, NULL, 0, &ba), 0);
	assert_int_equal(uart_create(&b, NULL, 0, &bb), 0);
	ra = uart_region(a);
	rb = uart_region(b);
	ra.ops->write(ra.opaque, 3, 0x83, 1);	/* DLAB */
	ra.ops->write(ra.opaque, 0, 0x01, 1);
	ra.ops->write(ra.opaque, 3, 0x03, 1);
	ra.ops->write(ra.opaque, 1, 0x01, 1);	/* IER: RDA */
	ra.ops->write(ra.opaque, 7, 0x5a, 1);	/* scratch */
	assert_int_equal(uart_input(a, (const uint8_t *)"xyz", 3), 3);
	assert_int_equal(ra.ops->read(ra.opaque, 0, 1), 'x');
	uart_save(a, &st);
	assert_int_equal(st.input_len, 2);

	st2 = st;
	st2.input_len = UART_INPUT_MAX + 1;
	assert_int_equal(uart_restore(b, &st2), -EINVAL);
	assert_int_equal(uart_restore(b, &st), 0);
	uart_save(b, &st2);
	assert_memory_equal(&st, &st2, sizeof(st));
	/* b goes on where a stopped: the queued input, then the registers. */
	assert_int_equal(rb.ops->read(rb.opaque, 0, 1), 'y');
	assert_int_equal(rb.ops->read(rb.opaque, 0, 1), 'z');
	assert_int_equal(rb.ops->read(rb.opaque, 7, 1), 0x5a);
	assert_int_equal(rb.ops->read(rb.opaque, 1, 1), 0x01);
	uart_destroy(a);
	uart_destroy(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plic),
		cmocka_unit_test(test_uart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
