/*
 * The IPVMM's exception table: ABI between kernel/ and ipvmm/ (docs/ipvmm.md,
 * "Faults on guest memory"). Each entry names one instruction of the
 * IPVMM's guest copy routine (ipvmm/copy.asm) that may fault on a guest
 * address and the address to continue at. The table is in the IPVMM's
 * read-only image (.ipvmm, linker.ld: __ipvmm_extable_start/end), which is
 * the hypervisor's own memory; the hypervisor still checks every entry
 * against the IPVMM text at boot (kernel/ipvmm_fixup.c).
 *
 * A #PF the guest's tables refuse, or a #GP, from ring 1 with EIP exactly at
 * a listed instruction resumes the IPVMM at the entry's continuation with
 *   EAX = the vector (13 or 14),
 *   EDX = the error code (#PF: the walk's, as for a supervisor access),
 *   ECX = CR2 (#PF: the faulting linear address; #GP: 0),
 * every other register and ESP as at the fault.
 */
#ifndef IPVMM_EXTABLE_H
#define IPVMM_EXTABLE_H

#include <stdint.h>

struct ipvmm_extable_entry {
	uint32_t insn;	/* the faulting instruction (IPVMM text) */
	uint32_t cont;	/* where the IPVMM continues (IPVMM text) */
};
_Static_assert(sizeof(struct ipvmm_extable_entry) == 8, "extable entry: two dwords (copy.asm)");

/* What the continuation stores (struct vcpu's record of a failed access). */
struct ipvmm_fault {
	uint32_t vector, error, cr2;
};
_Static_assert(sizeof(struct ipvmm_fault) == 12, "fault record: three dwords (copy.asm)");

#endif /* IPVMM_EXTABLE_H */
