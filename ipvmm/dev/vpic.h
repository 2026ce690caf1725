/*
 * 8259A programmable interrupt controller pair (master at 0x20, slave at
 * 0xA0, slave cascaded on master IRQ2), edge-triggered as on the PC/AT.
 */
#ifndef IPVMM_VPIC_H
#define IPVMM_VPIC_H

#include <stdbool.h>
#include <stdint.h>

struct ipvmm_devs;

struct vpic_chip {
	uint8_t irr, isr, imr;
	uint8_t last_irr;	/* input line levels, for edge detection */
	uint8_t irq_base;	/* ICW2 & 0xf8 */
	uint8_t priority_add;	/* rotation: IRQ with the highest priority */
	uint8_t init_state;	/* 0 ready, 1 want ICW2, 2 ICW3, 3 ICW4 */
	uint8_t icw3;
	bool init4, single, auto_eoi, rotate_on_auto_eoi, sfnm;
	bool read_isr;		/* OCW3 RR/RIS: next even read gives ISR */
	bool poll;		/* OCW3 P: next read is a poll */
	bool special_mask;
};

struct vpic {
	struct vpic_chip chip[2];	/* 0 master, 1 slave */
	bool intr;			/* master INT output to the vCPU */
};

#define VPIC_IRQS 16

void vpic_init(struct ipvmm_devs *d);
/* Drive input line irq (0..15) to level; a rising edge requests. */
void vpic_set_irq(struct ipvmm_devs *d, unsigned irq, bool level);
/* Rising then current edge: a pulse that requests even if the line is high. */
void vpic_pulse_irq(struct ipvmm_devs *d, unsigned irq, bool level_after);
/* INTA cycle: acknowledge the highest-priority request, return its vector
 * (spurious: base + 7 of the chip that lost it). Call only if intr. */
uint8_t vpic_ack(struct ipvmm_devs *d);
/* Recompute both chips' outputs and the INT line to the vCPU. */
void vpic_update(struct ipvmm_devs *d);

uint32_t vpic_read(struct ipvmm_devs *d, unsigned chip, uint16_t port);
void vpic_write(struct ipvmm_devs *d, unsigned chip, uint16_t port, uint32_t v);

#endif /* IPVMM_VPIC_H */
