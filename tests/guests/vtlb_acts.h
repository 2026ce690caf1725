/*
 * The paging guest's hostile page tables (docs/security.md, the hostile
 * suite): frames reached through its own tables in ways a well-behaved
 * kernel rarely uses, each emulated as the MMU would, or killed where it
 * leaves the partition. Included by paging.c (its tables, check, rd, wr).
 *   checks (always, paging on): a self-map (a PDE pointing at the PD) reads
 *     and writes the tables themselves; a 4 MiB PSE page reads the guest's
 *     memory and, at the partition's tail, the IPVMM data window's own
 *     frame (the shared page: the guest's memory); a guest PDE in the hole
 *     changes nothing there (the hypervisor's mappings stay).
 *   act=pteend   a PTE at the partition's end (mem=8M: 0x800000)  -> killed
 *   act=pseout   a PSE page at the partition's end                -> killed
 *   act=ptout    a PDE whose page table lies past the partition   -> killed
 *   act=holewr   a PDE of its own over the hypervisor, then a store there
 *                -> killed: #PF (QEMU; the hole is never the guest's)
 */
#ifndef VTLB_ACTS_H
#define VTLB_ACTS_H

#define PS       0x080u
#define CR4_PSE  0x010u
#define SELF_PDE 0x300u                          /* 0xC0000000: the self-map */
#define PSE_PDE  0x380u                          /* 0xE0000000: 4 MiB pages */
#define PDE_VA(i) ((uint32_t)(i) << 22)
#define MARK     0x5e1f3a9du
#define N_UPCALLS __builtin_offsetof(struct ipvmm_shared, n_upcalls)   /* no one else writes it here */

static void paging_on(uint32_t cr4)
{
	hc(HC_SET_CR0_CR4, 0x80010001u, cr4);
}

static void vtlb_checks(uint32_t ram_end)
{
	/* Self-map: the PD is its own page table at 0xC0000000. */
	pd[SELF_PDE] = (uint32_t)pd | P | RW;
	uint32_t self = PDE_VA(SELF_PDE);
	/* (its walk used the entry as a PDE: A set, as the MMU sets it) */
	check("self-map: the PD through itself", rd(self + SELF_PDE * 4096 + SELF_PDE * 4),
	      (uint32_t)pd | P | RW | A);
	check("self-map: a page table through the PD", rd(self + (VA >> 22) * 4096), pt_va[0]);
	wr(self + (VA >> 22) * 4096 + 7 * 4, (uint32_t)page[3] | P | RW);
	check("self-map: a PTE written through it", pt_va[7], (uint32_t)page[3] | P | RW);
	check("  maps what it says", rd(VA + 0x7000), 0xd3d3d3d3);
	pd[SELF_PDE] = 0;

	/* PSE: 4 MiB pages of the guest's memory; the tail's frames are its
	 * own (the IPVMM data window: the shared page first). */
	paging_on(CR4_PSE);
	pd[PSE_PDE] = 0x00000000u | P | RW | PS;
	pd[PSE_PDE + 1] = 0x00400000u | P | RW | PS;
	hc(HC_FLUSH_TLB, 1, 0);
	check("pse: a 4 MiB page", rd(PDE_VA(PSE_PDE) + (uint32_t)&page[3][0]), 0xd3d3d3d3);
	check("pse: a read sets A, not D, in the PDE", pd[PSE_PDE] & (A | D), A);
	sh->n_upcalls = MARK;
	uint32_t tail = PDE_VA(PSE_PDE) + ram_end;
	check("pse: the tail is the IPVMM window's frame", rd(tail + N_UPCALLS), MARK);
	wr(tail + N_UPCALLS, ~MARK);
	check("  a write there is the window's", sh->n_upcalls, ~MARK);
	pd[PSE_PDE] = pd[PSE_PDE + 1] = 0;
	paging_on(0);

	/* The hole: a PDE of the guest's own over the IPVMM window is
	 * ignored, the window stays the hypervisor's mapping. */
	sh->n_upcalls = MARK;
	pd[IPVMM_SHARED_ADDR >> 22] = (uint32_t)pt_va | P | RW | US;
	hc(HC_FLUSH_TLB, 1, 0);
	check("hole: a guest PDE there changes nothing", sh->n_upcalls, MARK);
	pd[IPVMM_SHARED_ADDR >> 22] = 0;
	sh->n_upcalls = 0;
}

/* The acts that must kill (after the checks, paging on): never return. */
static void vtlb_act(const char *cmd)
{
	uint32_t la;
	if (!has_word(cmd, "act=pteend") && !has_word(cmd, "act=pseout") &&
	    !has_word(cmd, "act=ptout") && !has_word(cmd, "act=holewr"))
		return;
	paging_on(0);
	if (has_word(cmd, "act=pteend")) {
		pt_va[6] = 0x00800000u | P | RW;
		la = VA + 0x6000;
	} else if (has_word(cmd, "act=pseout")) {
		paging_on(CR4_PSE);
		pd[PSE_PDE + 1] = 0x00800000u | P | RW | PS;
		la = PDE_VA(PSE_PDE + 1);
	} else if (has_word(cmd, "act=ptout")) {
		pd[PSE_PDE + 2] = 0x7ff00000u | P | RW;
		la = PDE_VA(PSE_PDE + 2);
	} else if (has_word(cmd, "act=holewr")) {
		pd[0xfd100000u >> 22] = (uint32_t)pt_va | P | RW | US;
		hc(HC_FLUSH_TLB, 1, 0);
		puts_hc("paging: storing to 0xFD100000 through its own PDE\n");
		wr(0xfd100000u, MARK);
		puts_hc("paging: still alive\n");
		return;
	} else {
		return;
	}
	puts_hc("paging: reading through a mapping outside the partition\n");
	failed += rd(la) != 0;
	puts_hc("paging: still alive\n");
}

#endif
