/*
 * The IPVMM's exception table (include/ipvmm/extable.h; docs/ipvmm.md,
 * "Faults on guest memory"): a #PF the guest's tables refuse, or a #GP,
 * taken in ring 1 exactly at one of the IPVMM's guest copy instructions
 * resumes the IPVMM at the entry's continuation with the fault in EAX,
 * EDX, ECX; the IPVMM then raises the guest's own fault. Any other
 * faulting IPVMM instruction still kills the guest (kernel/events.c).
 *
 * The table lies in the IPVMM's read-only image, which is this image's
 * memory (a guest maps it read-only, and the hypervisor reads it through
 * its load address, never through the guest's mapping); it is checked
 * once, at boot: an entry outside the IPVMM's text is a build bug.
 */
#include "guest.h"
#include "trap.h"
#include "log.h"
#include "mm.h"
#include "hv.h"
#include "ipvmm_load.h"
#include "ipvmm/extable.h"

extern char __ipvmm_load_phys[], __ipvmm_size[];                 /* linker.ld */
extern char __ipvmm_extable_start[], __ipvmm_extable_end[];

static const struct ipvmm_extable_entry *table;
static unsigned entries;

#define A(sym) ((uint32_t)(uintptr_t)(sym))

void ipvmm_fixup_init(void)
{
	uint32_t start = A(__ipvmm_extable_start), end = A(__ipvmm_extable_end);
	if (table)
		return;
	if (start < IPVMM_BASE || end < start || end - IPVMM_BASE > A(__ipvmm_size) ||
	    (end - start) % sizeof(*table))
		panic("ipvmm: exception table %08x-%08x outside the IPVMM image", start, end);
	table = phys_to_virt(A(__ipvmm_load_phys) + (start - IPVMM_BASE));
	entries = (end - start) / sizeof(*table);
	/* Both addresses of every entry in the IPVMM's code (below the table). */
	for (unsigned i = 0; i < entries; i++)
		if (table[i].insn < IPVMM_BASE || table[i].insn >= start ||
		    table[i].cont < IPVMM_BASE || table[i].cont >= start)
			panic("ipvmm: exception table entry %u (%08x -> %08x) outside the IPVMM text",
			      i, table[i].insn, table[i].cont);
	pr_info("ipvmm: exception table: %u entries\n", entries);
}

int ipvmm_fixup(struct trap_frame *tf, uint32_t vector, uint32_t error, uint32_t cr2)
{
	/* Ring 1 only: the IPVMM's ring (ring 3 cannot run its text). */
	if ((tf->cs & 3) != 1 || (vector != VEC_GP && vector != VEC_PF))
		return 0;
	for (unsigned i = 0; i < entries; i++) {
		if (table[i].insn != tf->eip)
			continue;
		tf->eip = table[i].cont;
		tf->eax = vector;
		tf->edx = error;
		tf->ecx = vector == VEC_PF ? cr2 : 0;
		return 1;
	}
	return 0;
}
