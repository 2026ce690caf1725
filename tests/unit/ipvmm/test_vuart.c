/* 16550A: registers, loopback, interrupts on IRQ4, console output. */
#include <stdlib.h>
#include "dev_helpers.h"

#define COM1 0x3f8

static void test_reset_values(void **state)
{
	struct fix *x = *state;

	assert_int_equal(inb(&x->d, COM1 + 5), 0x60);
	assert_int_equal(inb(&x->d, COM1 + 2), 0x01);
	assert_int_equal(inb(&x->d, COM1 + 6), 0xb0);
	assert_int_equal(inb(&x->d, COM1 + 1), 0x00);
}

static void test_output_and_scratch(void **state)
{
	struct fix *x = *state;

	for (const char *s = "hello\n"; *s; s++) {
		assert_int_equal(inb(&x->d, COM1 + 5) & 0x20, 0x20);
		outb(&x->d, COM1, (uint8_t)*s);
	}
	assert_int_equal(x->fb.console_len, 6);
	assert_memory_equal(x->fb.console, "hello\n", 6);
	outb(&x->d, COM1 + 7, 0x3c);
	assert_int_equal(inb(&x->d, COM1 + 7), 0x3c);
}

static void test_dlab(void **state)
{
	struct fix *x = *state;

	outb(&x->d, COM1 + 3, 0x83);
	outb(&x->d, COM1 + 0, 0x03);
	outb(&x->d, COM1 + 1, 0x00);
	assert_int_equal(inb(&x->d, COM1 + 0), 3);
	assert_int_equal(inb(&x->d, COM1 + 1), 0);
	outb(&x->d, COM1 + 3, 0x03);
	/* With DLAB clear the same ports are THR and IER again. */
	assert_int_equal(inb(&x->d, COM1 + 1), 0);
	outb(&x->d, COM1, 'x');
	assert_int_equal(x->fb.console_len, 1);
	assert_int_equal(x->d.com1.divisor, 3);
	assert_int_equal(inb(&x->d, COM1 + 3), 0x03);
}

static void test_fifo_iir(void **state)
{
	struct fix *x = *state;

	outb(&x->d, COM1 + 2, 0xc7);
	assert_int_equal(inb(&x->d, COM1 + 2) & 0xcf, 0xc1);
	outb(&x->d, COM1 + 2, 0x00);
	assert_int_equal(inb(&x->d, COM1 + 2), 0x01);
}

static void test_loopback(void **state)
{
	struct fix *x = *state;

	outb(&x->d, COM1 + 4, 0x1f);
	assert_int_equal(inb(&x->d, COM1 + 6) & 0xf0, 0xf0);
	outb(&x->d, COM1 + 4, 0x12);	/* loop + RTS only: CTS only */
	assert_int_equal(inb(&x->d, COM1 + 6) & 0xf0, 0x10);
	outb(&x->d, COM1, 0xa5);
	assert_int_equal(x->fb.console_len, 0);	/* nothing leaves the chip */
	assert_int_equal(inb(&x->d, COM1 + 5) & 0x01, 0x01);
	assert_int_equal(inb(&x->d, COM1), 0xa5);
	assert_int_equal(inb(&x->d, COM1 + 5) & 0x01, 0x00);
	outb(&x->d, COM1 + 4, 0x03);
	outb(&x->d, COM1, 'z');
	assert_int_equal(x->fb.console_len, 1);
}

static void test_thre_irq_gated_by_out2(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	outb(&x->d, COM1 + 4, 0x03);	/* OUT2 off */
	outb(&x->d, COM1 + 1, 0x02);
	assert_int_equal(inb(&x->d, COM1 + 2) & 0x0f, 0x02);
	assert_false(x->d.pic.intr);
	/* The IIR read acknowledged it; rearm by rewriting IER. */
	outb(&x->d, COM1 + 1, 0x00);
	outb(&x->d, COM1 + 4, 0x0b);	/* OUT2 on */
	outb(&x->d, COM1 + 1, 0x02);
	assert_true(x->d.pic.intr);
	assert_int_equal(vpic_ack(&x->d), 0x24);
	assert_int_equal(inb(&x->d, COM1 + 2) & 0x0f, 0x02);
	assert_int_equal(inb(&x->d, COM1 + 2) & 0x0f, 0x01);	/* acked */
	outb(&x->d, 0x20, 0x20);
	assert_false(x->d.pic.intr);
	/* Each transmitted byte raises it again. */
	outb(&x->d, COM1, 'a');
	assert_true(x->d.pic.intr);
}

static void test_rx_irq_and_overrun(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	outb(&x->d, COM1 + 4, 0x0b);
	outb(&x->d, COM1 + 2, 0x01);
	outb(&x->d, COM1 + 1, 0x05);	/* RDI + RLSI */
	assert_false(x->d.pic.intr);
	for (int i = 0; i < 16; i++)
		assert_true(vuart_receive(&x->d, &x->d.com1, (uint8_t)('A' + i)));
	assert_true(x->d.pic.intr);
	assert_int_equal(inb(&x->d, COM1 + 2), 0xc4);
	assert_false(vuart_receive(&x->d, &x->d.com1, '!'));
	/* Overrun outranks data: line status interrupt first. */
	assert_int_equal(inb(&x->d, COM1 + 2), 0xc6);
	assert_int_equal(inb(&x->d, COM1 + 5) & 0x03, 0x03);
	assert_int_equal(inb(&x->d, COM1 + 5) & 0x02, 0x00);	/* OE cleared by the read */
	for (int i = 0; i < 16; i++)
		assert_int_equal(inb(&x->d, COM1), 'A' + i);
	assert_int_equal(inb(&x->d, COM1 + 5) & 0x01, 0);
	assert_int_equal(inb(&x->d, COM1 + 2), 0xc1);
	assert_false(x->d.com1.irq_level);
	/* Without FIFOs the receiver holds one byte. */
	outb(&x->d, COM1 + 2, 0x00);
	assert_true(vuart_receive(&x->d, &x->d.com1, '1'));
	assert_false(vuart_receive(&x->d, &x->d.com1, '2'));
	assert_int_equal(inb(&x->d, COM1), '1');
}

static void test_msi(void **state)
{
	struct fix *x = *state;

	outb(&x->d, COM1 + 4, 0x0b);
	outb(&x->d, COM1 + 1, 0x08);
	assert_int_equal(inb(&x->d, COM1 + 2) & 0x0f, 0x01);
	x->d.com1.msr |= 0x01;	/* delta CTS from the backend side */
	vuart_update_irq(&x->d, &x->d.com1);
	assert_int_equal(inb(&x->d, COM1 + 2) & 0x0f, 0x00);
	(void)inb(&x->d, COM1 + 6);
	assert_int_equal(inb(&x->d, COM1 + 2) & 0x0f, 0x01);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
		T(test_reset_values),
		T(test_output_and_scratch),
		T(test_dlab),
		T(test_fifo_iir),
		T(test_loopback),
		T(test_thre_irq_gated_by_out2),
		T(test_rx_irq_and_overrun),
		T(test_msi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
