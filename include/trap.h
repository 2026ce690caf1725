/*
 * Traps and interrupts. The IDT stubs are generated (kernel/vectors.tbl ->
 * build/kernel/vectors.asm); every stub builds a struct trap_frame and calls
 * trap_dispatch(). The frame layout is shared with assembly through the
 * generated asm-offsets.inc, never by hand.
 */
#ifndef TRAP_H
#define TRAP_H

#include <stdint.h>
#include "generated/vectors.h"
#include "x86/vectors.h"

#define IRQ_BASE_MASTER 0x20
#define IRQ_BASE_SLAVE  0x28
#define NR_IRQS         16

struct trap_frame {
	/* pushed by the common stub, last first */
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax;   /* pusha */
	/* pushed by the vector's stub */
	uint32_t vector, error;
	/* pushed by the CPU */
	uint32_t eip, cs, eflags;
	uint32_t esp, ss;            /* only when coming from ring 1..3 */
};
_Static_assert(sizeof(struct trap_frame) == 19 * 4, "trap frame layout");

typedef void (*irq_handler_fn)(unsigned irq, struct trap_frame *tf);

/* kernel/idt.c */
void idt_init(void);
void idt_set_gate(unsigned vector, uint32_t handler, unsigned dpl);
int idt_vector_owned(unsigned vector);
void idt_set_direct(unsigned vector);      /* 0: none */

/* kernel/trap.c */
void trap_dispatch(struct trap_frame *tf);
void irq_register(unsigned irq, irq_handler_fn fn);
/* Let the next exception `vector` from kernel code be reported and resumed,
 * skipping `skip` bytes of the faulting instruction (0 for traps). */
void trap_expect(unsigned vector, unsigned skip);
unsigned trap_expected_hits(void);
const char *trap_name(unsigned vector);
extern uint32_t irq_counts[NR_IRQS];

#endif
