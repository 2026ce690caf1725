/* 8259A PIC pair: remapped to 0x20/0x28, masks, EOI, spurious IRQ 7/15. */
#ifndef PIC_H
#define PIC_H

#include <stdint.h>

/* drivers/pic.c */
void pic_init(uint8_t master_base, uint8_t slave_base);
void pic_mask(unsigned irq);
void pic_unmask(unsigned irq);
void pic_eoi(unsigned irq);
/* True (and counted) when irq 7/15 fired without being in service. */
int pic_is_spurious(unsigned irq);
extern unsigned pic_spurious;

#endif
