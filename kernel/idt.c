/*
 * The IDT: one interrupt gate per line of kernel/vectors.tbl, pointing at
 * the generated stubs. Interrupt gates (IF cleared on entry) everywhere, so
 * the hypervisor never takes an interrupt inside its own handlers.
 */
#include "trap.h"
#include "gdt.h"
#include "hv.h"

static uint64_t idt[256] __attribute__((aligned(8))) ENTRY_DATA;

struct idt_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

#define GATE_PRESENT (1ull << 47)
#define GATE_INT32   (0xEull << 40)

void idt_set_gate(unsigned vector, uint32_t handler, unsigned dpl)
{
	idt[vector & 0xff] = (uint64_t)(handler & 0xffff) | (uint64_t)HV_CS << 16 |
			     GATE_INT32 | GATE_PRESENT | (uint64_t)(dpl & 3) << 45 |
			     (uint64_t)(handler >> 16) << 48;
}

void idt_init(void)
{
	for (unsigned i = 0; i < VECTOR_COUNT; i++)
		idt_set_gate(vector_num_table[i], vector_stub_table[i], vector_dpl_table[i]);
	struct idt_ptr p = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}
