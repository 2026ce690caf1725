/* i8042 controller/keyboard commands and PCI configuration mechanism #1. */
#include "dev_helpers.h"

static int kbc_cmd(struct ipvmm_devs *d, uint8_t cmd)
{
	assert_int_equal(inb(d, 0x64) & 0x02, 0);	/* input buffer empty */
	outb(d, 0x64, cmd);
	if (!(inb(d, 0x64) & 0x01))
		return -1;
	return inb(d, 0x60);
}

static void test_kbc_controller(void **state)
{
	struct fix *x = *state;

	assert_int_equal(inb(&x->d, 0x64) & 0x05, 0x04);	/* SYS, nothing to read */
	assert_int_equal(kbc_cmd(&x->d, 0xaa), 0x55);
	assert_int_equal(kbc_cmd(&x->d, 0xab), 0x00);
	int cb = kbc_cmd(&x->d, 0x20);
	assert_int_equal(cb, 0x45);
	outb(&x->d, 0x64, 0x60);
	assert_int_equal(inb(&x->d, 0x64) & 0x08, 0x08);	/* A2: command */
	outb(&x->d, 0x60, (uint8_t)(cb & ~0x01));
	assert_int_equal(kbc_cmd(&x->d, 0x20), cb & ~0x01);
	assert_int_equal(kbc_cmd(&x->d, 0xd0), 0x03);
	/* Reset through the output port or the pulse command: loud. */
	outb(&x->d, 0x64, 0xfe);
	assert_int_equal(x->fb.logs[IPVMM_LOG_UNIMP], 1);
	assert_non_null(strstr(x->fb.last_log, "reset"));
}

static void test_kbd_and_irq1(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	outb(&x->d, 0x21, 0xfd);	/* only IRQ1 */
	outb(&x->d, 0x60, 0xff);	/* keyboard reset */
	assert_true(x->d.pic.intr);
	assert_int_equal(vpic_ack(&x->d), 0x21);
	assert_int_equal(inb(&x->d, 0x60), 0xfa);
	assert_int_equal(inb(&x->d, 0x60), 0xaa);
	assert_int_equal(inb(&x->d, 0x64) & 0x01, 0);
	assert_int_equal(inb(&x->d, 0x60), 0xaa);	/* empty: last byte again */
	outb(&x->d, 0x20, 0x20);
	outb(&x->d, 0x60, 0xf2);	/* identify */
	assert_int_equal(inb(&x->d, 0x60), 0xfa);
	assert_int_equal(inb(&x->d, 0x60), 0xab);
	assert_int_equal(inb(&x->d, 0x60), 0x83);
	outb(&x->d, 0x60, 0xed);	/* LEDs + argument */
	outb(&x->d, 0x60, 0x07);
	assert_int_equal(inb(&x->d, 0x60), 0xfa);
	assert_int_equal(inb(&x->d, 0x60), 0xfa);
	/* A key from the backend raises IRQ1 (line was low: new edge). */
	assert_true(vkbc_key(&x->d, 0x1e));
	assert_true(x->d.pic.intr);
	assert_int_equal(inb(&x->d, 0x60), 0x1e);
	/* With IRQ1 disabled in the command byte: data but no interrupt. */
	outb(&x->d, 0x64, 0x60);
	outb(&x->d, 0x60, 0x44);
	vpic_ack(&x->d);
	outb(&x->d, 0x20, 0x20);
	vkbc_key(&x->d, 0x9e);
	assert_false(x->d.pic.intr);
	assert_int_equal(inb(&x->d, 0x64) & 0x01, 0x01);
	/* The queue is bounded. */
	for (int i = 0; i < VKBC_QUEUE + 4; i++)
		vkbc_key(&x->d, 0x10);
	assert_int_equal(x->d.kbc.q_count, VKBC_QUEUE);
}

static uint32_t pci_read(struct ipvmm_devs *d, unsigned dev, unsigned reg)
{
	devsw_out(d, 0xcf8, 4, 0x80000000u | dev << 11 | (reg & 0xfc));
	return devsw_in(d, 0xcfc, 4);
}

static void test_pci(void **state)
{
	struct fix *x = *state;

	devsw_out(&x->d, 0xcf8, 4, 0x80000000u);
	assert_int_equal(devsw_in(&x->d, 0xcf8, 4), 0x80000000u);
	assert_int_equal(pci_read(&x->d, 0, 0), 0x12378086u);
	assert_int_equal(pci_read(&x->d, 0, 8) >> 16, 0x0600);
	assert_int_equal(pci_read(&x->d, 31, 0), 0xffffffffu);
	assert_int_equal(pci_read(&x->d, 0, 0x40), 0);
	/* Byte and word reads at an offset within the dword. */
	devsw_out(&x->d, 0xcf8, 4, 0x80000000u);
	assert_int_equal(devsw_in(&x->d, 0xcfe, 2), 0x1237);
	assert_int_equal(devsw_in(&x->d, 0xcfd, 1), 0x80);
	/* Enable bit clear: no configuration cycle. */
	devsw_out(&x->d, 0xcf8, 4, 0);
	assert_int_equal(devsw_in(&x->d, 0xcfc, 4), 0xffffffffu);
	/* Reserved low bits read as zero. */
	devsw_out(&x->d, 0xcf8, 4, 0x80000003u);
	assert_int_equal(devsw_in(&x->d, 0xcf8, 4), 0x80000000u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
		T(test_kbc_controller),
		T(test_kbd_and_irq1),
		T(test_pci),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
