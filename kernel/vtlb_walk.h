/*
 * The virtual TLB's page walk: what the MMU would do with the guest's own
 * 2-level (non-PAE) page tables for one access, as a pure function over a
 * bounded guest-physical memory accessor. The shadow-page-table code calls
 * it on a real #PF and either fills a shadow entry or reflects a #PF.
 */
#ifndef VTLB_WALK_H
#define VTLB_WALK_H

#include <stdbool.h>
#include <stdint.h>
#include "x86/cr.h"
#include "x86/paging.h"

/* Entry and #PF error code bits: include/x86/paging.h. */

/*
 * Guest-physical memory, bounded by the partition: an access at gpa with
 * gpa + 4 > size must not happen (the walker checks before calling).
 * read32/write32 are given 4-aligned in-range addresses only.
 */
struct vtlb_mem {
	uint32_t size;		/* bytes of guest-physical memory */
	uint32_t (*read32)(void *ctx, uint32_t gpa);
	void (*write32)(void *ctx, uint32_t gpa, uint32_t val);
	void *ctx;
	/* The whole partition as plain memory, when the caller has it so
	 * (the hypervisor's direct map): the same accesses, without a call
	 * each; NULL: read32/write32. */
	uint32_t *direct;
};

struct vtlb_cpu {
	uint32_t cr0, cr3, cr4;
};

enum vtlb_access {
	VTLB_READ  = 0,
	VTLB_WRITE = 1,
	VTLB_EXEC  = 2,		/* a read without NX/SMEP on 32-bit paging */
};

enum vtlb_status {
	VTLB_OK,		/* translated; result filled */
	VTLB_FAULT,		/* deliver #PF(error) with CR2 = linear */
	VTLB_BAD_TABLE,		/* a paging structure lies outside the partition */
	VTLB_BAD_FRAME,		/* the translation points outside the partition */
};

struct vtlb_result {
	uint32_t gpa;		/* guest-physical address of the byte */
	uint32_t page_size;	/* 4 KiB, or 4 MiB for a PSE mapping */
	bool user;		/* U/S at both levels: CPL 3 may access */
	bool rw;		/* R/W at both levels */
	bool global;
	bool dirty;		/* the leaf's D bit (after this access) */
	/*
	 * May the shadow map it writable for this privilege? Only if the
	 * guest allows the write now AND D is already set, so that the first
	 * write to a clean page faults and the walker can set D.
	 */
	bool writable;
	uint32_t pde, pte;	/* the guest's entries after the walk (pte = pde
				 * for a 4 MiB page): what the shadow entry was
				 * derived from, for kernel/vtlb.c's re-check */
	uint32_t error;		/* #PF error code when VTLB_FAULT */
	uint32_t bad_gpa;	/* the offending address when VTLB_BAD_* */
};

enum vtlb_status vtlb_walk(const struct vtlb_cpu *cpu, const struct vtlb_mem *mem,
			   uint32_t linear, enum vtlb_access access, bool user,
			   struct vtlb_result *res);

static inline bool vtlb_in_partition(const struct vtlb_mem *mem, uint32_t gpa, uint32_t len)
{
	return gpa <= mem->size && len <= mem->size - gpa;
}

/* gpa: 4-aligned, checked with vtlb_in_partition first. */
static inline uint32_t vtlb_rd32(const struct vtlb_mem *mem, uint32_t gpa)
{
	return mem->direct ? mem->direct[gpa / 4] : mem->read32(mem->ctx, gpa);
}

/*
 * Would a walk of `linear` now read exactly the guest entries `pde` and
 * `pte` an earlier VTLB_OK walk returned (res->pde, res->pte)? Then it
 * would give the same translation and set no accessed or dirty bit that
 * is not already set: the PDE's place depends only on CR3, the PTE's
 * only on the PDE. Only reads; false when an entry lies outside the
 * partition. CR0/CR4 must be those of the earlier walk. Inline: the
 * shadow runs it for every logged entry on a CR3 write.
 */
static inline bool vtlb_entries_same(const struct vtlb_cpu *cpu, const struct vtlb_mem *mem,
				     uint32_t linear, uint32_t pde, uint32_t pte)
{
	uint32_t pde_gpa = (cpu->cr3 & 0xfffff000u) + PD_INDEX(linear) * 4;
	uint32_t pte_gpa = (pde & 0xfffff000u) + PT_INDEX(linear) * 4;

	if (!vtlb_in_partition(mem, pde_gpa, 4) || vtlb_rd32(mem, pde_gpa) != pde)
		return false;
	if ((cpu->cr4 & CR4_PSE) && (pde & PTE_PS))
		return true;	/* a 4 MiB page: the PDE is the leaf */
	return vtlb_in_partition(mem, pte_gpa, 4) && vtlb_rd32(mem, pte_gpa) == pte;
}

/*
 * Could a walk of `linear` now reach a present leaf? False only when the
 * guest's PDE, or its PTE, is not present: such a walk would fault. Only
 * reads; true when an entry lies outside the partition (the walk itself
 * reports that). The shadow asks before it walks again an entry the
 * guest changed: one it unmapped needs no walk.
 */
static inline bool vtlb_leaf_present(const struct vtlb_cpu *cpu, const struct vtlb_mem *mem,
				     uint32_t linear)
{
	uint32_t pde_gpa = (cpu->cr3 & 0xfffff000u) + PD_INDEX(linear) * 4, pde, pte_gpa;

	if (!vtlb_in_partition(mem, pde_gpa, 4))
		return true;
	pde = vtlb_rd32(mem, pde_gpa);
	if (!(pde & PTE_P))
		return false;
	if ((cpu->cr4 & CR4_PSE) && (pde & PTE_PS))
		return true;
	pte_gpa = (pde & 0xfffff000u) + PT_INDEX(linear) * 4;
	return !vtlb_in_partition(mem, pte_gpa, 4) || (vtlb_rd32(mem, pte_gpa) & PTE_P);
}

#endif /* VTLB_WALK_H */
