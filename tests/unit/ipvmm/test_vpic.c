/* 8259A pair: register-level behaviour through the device switch. */
#include <stdlib.h>
#include "dev_helpers.h"

static void test_bios_state(void **state)
{
	struct fix *x = *state;

	assert_int_equal(inb(&x->d, 0x21), 0xfb);
	assert_int_equal(inb(&x->d, 0xa1), 0xff);
	vpic_set_irq(&x->d, 1, true);
	assert_false(x->d.pic.intr);	/* masked by the BIOS state */
	assert_int_equal(pic_irr(&x->d, 0x20) & 0x02, 0x02);
}

static void test_init_ack_eoi(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	assert_int_equal(inb(&x->d, 0x21), 0x00);
	assert_false(x->d.pic.intr);
	vpic_set_irq(&x->d, 3, true);
	assert_true(x->d.pic.intr);
	assert_int_equal(pic_irr(&x->d, 0x20), 0x08);
	assert_int_equal(vpic_ack(&x->d), 0x23);
	assert_false(x->d.pic.intr);
	assert_int_equal(pic_isr(&x->d, 0x20), 0x08);
	assert_int_equal(pic_irr(&x->d, 0x20), 0x00);
	outb(&x->d, 0x20, 0x20);	/* non-specific EOI */
	assert_int_equal(pic_isr(&x->d, 0x20), 0x00);
	/* Line still high: no new edge, no new request. */
	assert_false(x->d.pic.intr);
	vpic_set_irq(&x->d, 3, false);
	vpic_set_irq(&x->d, 3, true);
	assert_true(x->d.pic.intr);
}

/* IRQ0 is left to the PIT here: its output drives the line. */
static void test_priority_nesting(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	vpic_set_irq(&x->d, 5, true);
	vpic_set_irq(&x->d, 3, true);
	assert_int_equal(vpic_ack(&x->d), 0x23);
	/* IRQ5 has lower priority than the in-service IRQ3. */
	assert_false(x->d.pic.intr);
	vpic_set_irq(&x->d, 1, true);	/* higher priority nests */
	assert_true(x->d.pic.intr);
	assert_int_equal(vpic_ack(&x->d), 0x21);
	assert_int_equal(pic_isr(&x->d, 0x20), 0x0a);
	outb(&x->d, 0x20, 0x20);	/* clears IRQ1, the highest in service */
	assert_int_equal(pic_isr(&x->d, 0x20), 0x08);
	assert_false(x->d.pic.intr);
	outb(&x->d, 0x20, 0x63);	/* specific EOI for IRQ3 */
	assert_int_equal(pic_isr(&x->d, 0x20), 0x00);
	assert_true(x->d.pic.intr);
	assert_int_equal(vpic_ack(&x->d), 0x25);
}

static void test_cascade(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	vpic_set_irq(&x->d, 10, true);
	assert_true(x->d.pic.intr);
	assert_int_equal(pic_irr(&x->d, 0xa0), 0x04);
	assert_int_equal(vpic_ack(&x->d), 0x2a);
	assert_int_equal(pic_isr(&x->d, 0xa0), 0x04);
	assert_int_equal(pic_isr(&x->d, 0x20), 0x04);
	/* Another slave IRQ waits for the master's IRQ2 to be EOI'd. */
	vpic_set_irq(&x->d, 9, true);
	assert_false(x->d.pic.intr);
	outb(&x->d, 0xa0, 0x20);
	outb(&x->d, 0x20, 0x20);
	assert_true(x->d.pic.intr);
	assert_int_equal(vpic_ack(&x->d), 0x29);
	/* Slave masked: no request reaches the master. */
	outb(&x->d, 0xa0, 0x20);
	outb(&x->d, 0x20, 0x20);
	outb(&x->d, 0xa1, 0xff);
	vpic_set_irq(&x->d, 12, true);
	assert_false(x->d.pic.intr);
	outb(&x->d, 0xa1, 0x00);
	assert_true(x->d.pic.intr);
	assert_int_equal(vpic_ack(&x->d), 0x2c);
}

static void test_mask_and_spurious(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	outb(&x->d, 0x21, 0x10);
	vpic_set_irq(&x->d, 4, true);
	assert_false(x->d.pic.intr);
	assert_int_equal(pic_irr(&x->d, 0x20), 0x10);
	outb(&x->d, 0x21, 0x00);
	assert_true(x->d.pic.intr);
	/* Masked between INT and INTA: spurious IRQ7, nothing in service. */
	outb(&x->d, 0x21, 0x10);
	assert_int_equal(vpic_ack(&x->d), 0x27);
	assert_int_equal(pic_isr(&x->d, 0x20), 0x00);
	assert_int_equal(pic_irr(&x->d, 0x20), 0x10);
	/* Slave spurious: slave vector + 7, master IRQ2 in service. */
	vpic_set_irq(&x->d, 11, true);
	assert_true(x->d.pic.intr);
	outb(&x->d, 0xa1, 0x08);
	assert_int_equal(vpic_ack(&x->d), 0x2f);
	assert_int_equal(pic_isr(&x->d, 0x20), 0x04);
	assert_int_equal(pic_isr(&x->d, 0xa0), 0x00);
}

static void test_auto_eoi_and_rotation(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x03);	/* auto-EOI */
	vpic_set_irq(&x->d, 6, true);
	assert_int_equal(vpic_ack(&x->d), 0x26);
	assert_int_equal(pic_isr(&x->d, 0x20), 0x00);
	/* Rotate on auto-EOI: the IRQ just served becomes lowest. */
	outb(&x->d, 0x20, 0x80);
	vpic_set_irq(&x->d, 1, true);
	assert_int_equal(vpic_ack(&x->d), 0x21);
	vpic_set_irq(&x->d, 1, false);
	vpic_set_irq(&x->d, 1, true);
	vpic_set_irq(&x->d, 5, true);
	/* Priority now starts at IRQ2: IRQ5 beats IRQ1. */
	assert_int_equal(vpic_ack(&x->d), 0x25);
	assert_int_equal(vpic_ack(&x->d), 0x21);
	/* Set priority (OCW2 0xc0|n): n lowest, n+1 highest. */
	outb(&x->d, 0x20, 0x00);
	outb(&x->d, 0x20, 0xc0 | 4);
	vpic_set_irq(&x->d, 7, true);
	vpic_set_irq(&x->d, 3, true);
	assert_int_equal(vpic_ack(&x->d), 0x27);
}

static void test_poll_and_special_mask(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	outb(&x->d, 0x20, 0x0c);	/* poll */
	assert_int_equal(inb(&x->d, 0x20), 0x00);
	vpic_set_irq(&x->d, 6, true);
	outb(&x->d, 0x20, 0x0c);
	assert_int_equal(inb(&x->d, 0x20), 0x86);
	assert_int_equal(pic_isr(&x->d, 0x20), 0x40);
	/* Special mask: masking the in-service IRQ6 lets IRQ7 through. */
	vpic_set_irq(&x->d, 7, true);
	assert_false(x->d.pic.intr);
	outb(&x->d, 0x21, 0x40);
	outb(&x->d, 0x20, 0x68);	/* OCW3 ESMM|SMM */
	assert_true(x->d.pic.intr);
	assert_int_equal(vpic_ack(&x->d), 0x27);
	outb(&x->d, 0x20, 0x48);	/* reset special mask */
	assert_false(x->d.pic.intr);
}

static void test_unimplemented_is_loud(void **state)
{
	struct fix *x = *state;

	outb(&x->d, 0x20, 0x19);	/* ICW1 with LTIM */
	assert_int_equal(x->fb.logs[IPVMM_LOG_UNIMP], 1);
	assert_non_null(strstr(x->fb.last_log, "level-triggered"));
	outb(&x->d, 0x21, 0x20);
	outb(&x->d, 0x21, 0x04);
	outb(&x->d, 0x21, 0x00);	/* ICW4 8080 mode */
	assert_int_equal(x->fb.logs[IPVMM_LOG_UNIMP], 2);
	(void)inb(&x->d, 0x1234);
	assert_int_equal(x->fb.logs[IPVMM_LOG_UNIMP], 3);
	/* Rate limit: a flood ends in one "suppressed" line. */
	for (int i = 0; i < 1000; i++)
		(void)inb(&x->d, 0x1234);
	assert_int_equal(x->fb.logs[IPVMM_LOG_UNIMP], CONFIG_IPVMM_UNIMP_LOG_LIMIT);
	assert_non_null(strstr(x->fb.last_log, "suppressed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
		T(test_bios_state),
		T(test_init_ack_eoi),
		T(test_priority_nesting),
		T(test_cascade),
		T(test_mask_and_spurious),
		T(test_auto_eoi_and_rotation),
		T(test_poll_and_special_mask),
		T(test_unimplemented_is_loud),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
