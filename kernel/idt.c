/*
 * The IDT: one interrupt gate per line of kernel/vectors.tbl, pointing at
 * the generated stubs. Interrupt gates (IF cleared on entry) everywhere, so
 * the hypervisor never takes an interrupt inside its own handlers.
 */
#include "trap.h"
#include "gdt.h"
#include "hv.h"
#include "ipvmm/image.h"

static uint64_t idt[256] __attribute__((aligned(8))) ENTRY_DATA;

struct idt_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

#define GATE_PRESENT (1ull << 47)
#define GATE_INT32   (0xEull << 40)
#define GATE_TRAP32  (0xFull << 40)

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

/* Does the hypervisor handle this vector itself (a line of vectors.tbl)? */
int idt_vector_owned(unsigned vector)
{
	for (unsigned i = 0; i < VECTOR_COUNT; i++)
		if (vector_num_table[i] == vector)
			return 1;
	return 0;
}

/*
 * The running guest's direct system-call gate (docs/security.md, "The
 * direct system-call gate"), or none (vector 0): a DPL-3 trap gate to
 * GK_CS:burn_int_direct, the IPVMM's entry, so ring 3 reaches ring 1 only
 * there and the real IF stays set. The previous guest's gate goes first.
 */
void idt_set_direct(unsigned vector)
{
	static unsigned cur;
	uint32_t h = (uint32_t)(uintptr_t)burn_int_direct;

	if (cur)
		idt[cur] = 0;
	cur = vector & 0xff;
	if (cur)
		idt[cur] = (uint64_t)(h & 0xffff) | (uint64_t)GK_CS << 16 | GATE_TRAP32 | GATE_PRESENT |
			   3ull << 45 | (uint64_t)(h >> 16) << 48;
}
