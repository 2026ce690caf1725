/*
 * Page walk for 32-bit paging after the Intel SDM Vol. 3A, 4.3 and 4.6:
 * R/W and U/S combine as the AND of both levels; supervisor writes to
 * read-only pages fault only with CR0.WP; supervisor reads and fetches
 * of user pages are allowed (no SMEP/SMAP: hidden by CPUID). Accessed
 * bits of the directory entry are set as soon as it is used; the leaf's
 * A and D only when the access is allowed (as QEMU and Bochs do).
 */
#include "vtlb_walk.h"

#define PAGE_MASK  0xfffff000u
#define LARGE_MASK 0xffc00000u

/* Set bits in a guest paging entry. The guest is a uniprocessor stopped
 * for the walk, so read-modify-write needs no lock. */
static void set_bits(const struct vtlb_mem *mem, uint32_t gpa, uint32_t *entry,
		     uint32_t bits)
{
	if ((*entry & bits) != bits) {
		*entry |= bits;
		if (mem->direct)
			mem->direct[gpa / 4] = *entry;
		else
			mem->write32(mem->ctx, gpa, *entry);
	}
}

static enum vtlb_status fault(struct vtlb_result *res, uint32_t error)
{
	res->error = error;
	return VTLB_FAULT;
}

enum vtlb_status vtlb_walk(const struct vtlb_cpu *cpu, const struct vtlb_mem *mem,
			   uint32_t linear, enum vtlb_access access, bool user,
			   struct vtlb_result *res)
{
	bool write = access == VTLB_WRITE;
	uint32_t base_err = (write ? PFE_W : 0) | (user ? PFE_U : 0);
	uint32_t pde_gpa, pde, pte_gpa, pte, leaf_gpa, perm, frame;
	bool large;

	*res = (struct vtlb_result){ 0 };
	if (!(cpu->cr0 & CR0_PG)) {
		/* Physical mode: identity, everything allowed. */
		if (!vtlb_in_partition(mem, linear & PAGE_MASK, 4096)) {
			res->bad_gpa = linear;
			return VTLB_BAD_FRAME;
		}
		res->gpa = linear;
		res->page_size = 4096;
		res->user = res->rw = res->dirty = res->writable = true;
		return VTLB_OK;
	}

	pde_gpa = (cpu->cr3 & PAGE_MASK) + PD_INDEX(linear) * 4;
	if (!vtlb_in_partition(mem, pde_gpa, 4)) {
		res->bad_gpa = pde_gpa;
		return VTLB_BAD_TABLE;
	}
	pde = vtlb_rd32(mem, pde_gpa);
	if (!(pde & PTE_P))
		return fault(res, base_err);
	large = (cpu->cr4 & CR4_PSE) && (pde & PTE_PS);
	if (large && (pde & PDE_PS_RSVD))
		return fault(res, base_err | PFE_P | PFE_RSVD);

	if (large) {
		pte = pde;
		leaf_gpa = pde_gpa;
		perm = pde;
		frame = (pde & LARGE_MASK) | (linear & ~LARGE_MASK & PAGE_MASK);
	} else {
		set_bits(mem, pde_gpa, &pde, PTE_A);
		pte_gpa = (pde & PAGE_MASK) + PT_INDEX(linear) * 4;
		if (!vtlb_in_partition(mem, pte_gpa, 4)) {
			res->bad_gpa = pte_gpa;
			return VTLB_BAD_TABLE;
		}
		pte = vtlb_rd32(mem, pte_gpa);
		if (!(pte & PTE_P))
			return fault(res, base_err);
		leaf_gpa = pte_gpa;
		perm = pde & pte;
		frame = pte & PAGE_MASK;
	}

	res->user = perm & PTE_U;
	res->rw = perm & PTE_W;
	if (user && !res->user)
		return fault(res, base_err | PFE_P);
	if (write && !res->rw && (user || (cpu->cr0 & CR0_WP)))
		return fault(res, base_err | PFE_P);
	if (!vtlb_in_partition(mem, frame, 4096)) {
		res->bad_gpa = frame;
		return VTLB_BAD_FRAME;
	}

	set_bits(mem, leaf_gpa, &pte, PTE_A | (write ? PTE_D : 0));
	res->pde = large ? pte : pde;
	res->pte = pte;
	res->gpa = frame | (linear & 0xfff);
	res->page_size = large ? 0x400000u : 4096;
	res->global = pte & PTE_G;
	res->dirty = pte & PTE_D;
	res->writable = res->dirty &&
		(res->rw || (!user && !(cpu->cr0 & CR0_WP)));
	return VTLB_OK;
}

