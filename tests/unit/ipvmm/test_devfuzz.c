/*
 * Randomised register sequences over every claimed port, IRQ line changes,
 * INTA cycles and clock steps. Checks invariants after every step rather
 * than exact values: no crash, IRR/ISR consistent with the acknowledged
 * vector, INT only when something unmasked is requested, UART IIR and
 * IRQ line agreeing, PIT counters in range.
 */
#include <stdlib.h>
#include "dev_helpers.h"

static const uint16_t ports[] = {
	0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x60, 0x61, 0x64, 0x70, 0x71, 0x80,
	0xcf8, 0xcf9, 0xcfa, 0xcfb, 0xcfc, 0xcfd, 0xcfe, 0xcff,
	0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0x1234,
};

static void check_invariants(struct ipvmm_devs *d)
{
	const struct vpic_chip *m = &d->pic.chip[0];

	if (d->pic.intr) {
		/* Something unmasked must be requested on the master. */
		assert_true((m->irr & ~m->imr) != 0);
	}
	uint8_t iir = d->com1.iir & 0x0f;
	assert_true(iir == 0x01 || iir == 0x00 || iir == 0x02 || iir == 0x04 || iir == 0x06);
	assert_true(d->com1.irq_level == (iir != 0x01 && (d->com1.mcr & 0x08)));
	assert_true(d->com1.rx_count <= CONFIG_IPVMM_UART_FIFO);
	for (unsigned c = 0; c < 3; c++) {
		assert_true(d->pit.ch[c].count >= 1 && d->pit.ch[c].count <= 0x10000);
		assert_true(vpit_count(d, c) <= 0xffff);
		assert_true(d->pit.ch[c].mode <= 5);
	}
}

/* An acknowledged vector matches the ISR/IRR change it caused. */
static void check_chip(const struct vpic_chip *b, const struct vpic_chip *a, unsigned irq)
{
	if (irq == 7 && a->isr == b->isr && a->irr == b->irr)
		return;		/* spurious IRQ7: nothing moved */
	assert_true((b->irr & ~b->imr) & (1u << irq));
	assert_false(a->irr & (1u << irq));
	if (!b->auto_eoi)
		assert_true(a->isr & (1u << irq));
}

static void check_ack(struct ipvmm_devs *d)
{
	struct vpic_chip before[2] = { d->pic.chip[0], d->pic.chip[1] };
	uint8_t v = vpic_ack(d);

	if (before[0].irq_base == before[1].irq_base)
		return;		/* the guest made vectors ambiguous */
	if ((v & 0xf8) == before[0].irq_base) {
		assert_int_not_equal(v & 7, 2);
		check_chip(&before[0], &d->pic.chip[0], v & 7);
	} else {
		assert_int_equal(v & 0xf8, before[1].irq_base);
		check_chip(&before[0], &d->pic.chip[0], 2);
		check_chip(&before[1], &d->pic.chip[1], v & 7);
	}
}

static void run(unsigned seed, unsigned steps)
{
	struct fake_backend fb;
	struct ipvmm_devs d;

	srand(seed);
	fake_backend_init(&fb);
	ipvmm_devs_init(&d, &fb.be);
	for (unsigned i = 0; i < steps; i++) {
		unsigned op = (unsigned)rand() % 10;
		uint16_t port = ports[(unsigned)rand() % (sizeof(ports) / sizeof(ports[0]))];

		switch (op) {
		case 0: case 1: case 2:
			outb(&d, port, (uint8_t)rand());
			break;
		case 3: case 4:
			(void)inb(&d, port);
			break;
		case 5:
			vpic_set_irq(&d, (unsigned)rand() % 16, rand() & 1);
			break;
		case 6:
			if (d.pic.intr)
				check_ack(&d);
			break;
		case 7:
			fake_advance(&fb, &d, (uint64_t)rand() % 3000000, (uint64_t)rand() % 1000);
			break;
		case 8:
			(void)vuart_receive(&d, &d.com1, (uint8_t)rand());
			break;
		default:
			devsw_out(&d, port, 2, (uint32_t)rand());
			(void)devsw_in(&d, port, 4);
			break;
		}
		check_invariants(&d);
	}
	/* Unclaimed ports float high whatever happened. */
	assert_int_equal(devsw_in(&d, 0x1234, 2), 0xffff);
}

static void test_fuzz(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 200; seed++)
		run(seed, 2000);
}

static void test_word_access_splits(void **state)
{
	struct fix *x = *state;

	devsw_out(&x->d, 0xa0 + 1, 1, 0x5b);
	devsw_out(&x->d, 0x21, 1, 0xa4);
	/* outw 0x20: low byte to 0x20 (OCW3 read IRR), high to 0x21 (IMR). */
	devsw_out(&x->d, 0x3fe, 2, 0x4d00);
	assert_int_equal(x->d.com1.scr, 0x4d);
	assert_int_equal(devsw_in(&x->d, 0x3fe, 2) >> 8, 0x4d);
	assert_int_equal(devsw_in(&x->d, 0x21, 1), 0xa4);
	assert_ptr_equal(devsw_lookup(0x3ff)->read, vuart_read);
	assert_null(devsw_lookup(0x3f7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test_setup_teardown(test_word_access_splits, fix_setup, fix_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
