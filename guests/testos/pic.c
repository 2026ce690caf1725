/* 8259A pair and 8254 channel 0. */
#include "testos.h"
#include "x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT 0x11           /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086 0x01
#define OCW3_IRR  0x0a
#define OCW3_ISR  0x0b
#define EOI       0x20
#define PIT_CH0   0x40
#define PIT_CMD   0x43

/* Remap the PICs to vectors 0x20..0x2f, everything masked but the cascade. */
void pic_init(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	outb(PIC1_CMD, ICW1_INIT);
	outb(PIC1_DATA, VEC_IRQ0);
	outb(PIC1_DATA, 1 << 2);     /* slave on IRQ2 */
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_CMD, ICW1_INIT);
	outb(PIC2_DATA, VEC_IRQ8);
	outb(PIC2_DATA, 2);          /* cascade identity */
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, 0xfb);
	outb(PIC2_DATA, 0xff);
	outb(PIC1_CMD, OCW3_IRR);
	outb(PIC2_CMD, OCW3_IRR);
}

void pic_mask(int irq, bool masked)
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
	uint8_t bit = 1u << (irq & 7);
	uint8_t m = inb(port);
	outb(port, masked ? m | bit : m & ~bit);
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, EOI);
	outb(PIC1_CMD, EOI);
}

static uint16_t pic_read_ocw3(uint8_t ocw3)
{
	outb(PIC1_CMD, ocw3);
	outb(PIC2_CMD, ocw3);
	uint16_t v = inb(PIC1_CMD) | (inb(PIC2_CMD) << 8);
	outb(PIC1_CMD, OCW3_IRR);
	outb(PIC2_CMD, OCW3_IRR);
	return v;
}

uint16_t pic_read_irr(void) { return pic_read_ocw3(OCW3_IRR); }
uint16_t pic_read_isr(void) { return pic_read_ocw3(OCW3_ISR); }
uint16_t pic_read_imr(void) { return inb(PIC1_DATA) | (inb(PIC2_DATA) << 8); }

/* Channel 0, mode 2 (rate generator), lobyte/hibyte. */
void pit_set_rate(uint16_t count)
{
	outb(PIT_CMD, 0x34);
	outb(PIT_CH0, count & 0xff);
	outb(PIT_CH0, count >> 8);
}

uint16_t pit_latch(int channel)
{
	outb(PIT_CMD, (uint8_t)(channel << 6));   /* counter latch command */
	uint8_t lo = inb(PIT_CH0 + channel);
	uint8_t hi = inb(PIT_CH0 + channel);
	return lo | (hi << 8);
}

/* With IF=0 and IRQ0 unmasked, wait (bounded) until the PIC holds IRQ0
 * pending, so the next instruction that opens the window takes it. */
bool pit_wait_pending_irq0(void)
{
	for (uint32_t i = 0; i < 50000000; i++)
		if (pic_read_irr() & 1)
			return true;
	return false;
}
