/*
 * The 8259A pair: remapped so IRQs 0-7 and 8-15 land on master_base and
 * slave_base (not on the CPU's exception vectors), all lines masked but the
 * cascade until a driver unmasks its own. A spurious IRQ 7/15 (the line
 * dropped before the CPU acknowledged) gets no EOI from its own PIC.
 */
#include "pic.h"
#include "x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

#define ICW1_INIT 0x10
#define ICW1_ICW4 0x01
#define ICW4_8086 0x01
#define OCW2_EOI  0x20
#define OCW3_READ_ISR 0x0b
#define CASCADE_IRQ 2

unsigned pic_spurious;
static uint16_t mask = 0xffff;

static void write_mask(void)
{
	outb(PIC1_DATA, mask & 0xff);
	outb(PIC2_DATA, mask >> 8);
}

void pic_init(uint8_t master_base, uint8_t slave_base)
{
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);  io_wait();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);  io_wait();
	outb(PIC1_DATA, master_base);           io_wait();   /* ICW2: vector base */
	outb(PIC2_DATA, slave_base);            io_wait();
	outb(PIC1_DATA, 1u << CASCADE_IRQ);     io_wait();   /* ICW3: slave on IRQ2 */
	outb(PIC2_DATA, CASCADE_IRQ);           io_wait();   /* ICW3: slave identity */
	outb(PIC1_DATA, ICW4_8086);             io_wait();
	outb(PIC2_DATA, ICW4_8086);             io_wait();
	mask = 0xffff & ~(1u << CASCADE_IRQ);
	write_mask();
}

void pic_mask(unsigned irq)
{
	mask |= (uint16_t)(1u << (irq & 15));
	write_mask();
}

void pic_unmask(unsigned irq)
{
	mask &= (uint16_t)~(1u << (irq & 15));
	write_mask();
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

static uint8_t read_isr(uint16_t cmd_port)
{
	outb(cmd_port, OCW3_READ_ISR);
	return inb(cmd_port);
}

int pic_is_spurious(unsigned irq)
{
	if (irq == 7 && !(read_isr(PIC1_CMD) & 0x80)) {
		pic_spurious++;
		return 1;
	}
	if (irq == 15 && !(read_isr(PIC2_CMD) & 0x80)) {
		pic_spurious++;
		outb(PIC1_CMD, OCW2_EOI);   /* the master did see the cascade */
		return 1;
	}
	return 0;
}
