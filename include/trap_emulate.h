/* Trap-and-emulate for direct guests (kernel/emulate.c). */
#ifndef TRAP_EMULATE_H
#define TRAP_EMULATE_H

#include <stdint.h>

struct guest;
struct trap_frame;

/* Per-guest state (struct guest's `com1`): the COM1 register file. */
struct vcom1 {
	uint8_t reg[8];          /* what the guest last wrote, per port offset */
	uint8_t dll, dlm;        /* divisor latch (DLAB=1 writes to 0 and 1) */
};

/* A #GP(0) from ring 1: 0 handled (EIP advanced), or -1 (guest killed). */
int emulate_gp(struct guest *g, struct trap_frame *tf);

#endif
