/*
 * The paging guest's global pages (CR4.PGE): the virtual TLB shares a page
 * table of global entries between the shadows whose guest PDE is the one
 * it was made from (kernel/vtlb.c, "Shared page tables"). Each check is
 * what the MMU guarantees, and each fails if the sharing goes wrong:
 *   - a global entry invlpg'd in one address space is gone in the other;
 *   - a non-global entry in a directory slot whose page table is shared
 *     is flushed by a CR3 write in every address space (it must not sit
 *     in the shared table);
 *   - a 4 MiB global page written in one address space still gets its D
 *     bit set by the first write through the other's own copy of the PDE.
 * Included by paging.c (its tables, check, rd, wr); needs paging on, CR3
 * = pd, and the two address spaces pd and pd2.
 */
#ifndef VTLB_GLOBAL_H
#define VTLB_GLOBAL_H

#define G        0x100u
#define CR4_PGE  0x080u
#define GL_PDE   0x340u                          /* 0xD0000000: a table in both spaces */
#define GL_LARGE 0x341u                          /* 0xD0400000: a 4 MiB page in both */

static uint32_t pt_gl[1024] __attribute__((aligned(4096)));

static void global_checks(void)
{
	uint32_t gva = PDE_VA(GL_PDE), nva = gva + 0x1000;
	pt_gl[0] = (uint32_t)page[0] | P | RW | G;
	pt_gl[1] = (uint32_t)page[1] | P | RW;          /* not global */
	pd[GL_PDE] = pd2[GL_PDE] = (uint32_t)pt_gl | P | RW;
	paging_on(CR4_PSE | CR4_PGE);                     /* flushes everything */

	check("global: read in the first space", rd(gva), 0xa0a0a0a0);
	hc(HC_SET_CR3, (uint32_t)pd2, 0);
	check("global: the same page in the second", rd(gva), 0xa0a0a0a0);
	pt_gl[0] = (uint32_t)page[2] | P | RW | G;
	hc(HC_INVLPG, gva, 0);
	hc(HC_SET_CR3, (uint32_t)pd, 0);
	check("global: invlpg in the second space reaches the first", rd(gva), 0xc2c2c2c2);

	check("global: a non-global page beside it", rd(nva), 0xb1b1b1b1);
	pt_gl[1] = (uint32_t)page[3] | P | RW;          /* no invlpg: a CR3 write flushes it */
	hc(HC_SET_CR3, (uint32_t)pd2, 0);
	check("  the second space walks it again after its CR3 write", rd(nva), 0xd3d3d3d3);
	hc(HC_SET_CR3, (uint32_t)pd, 0);
	check("  and the first after its own", rd(nva), 0xd3d3d3d3);

	/* Each space has its own copy of a 4 MiB PDE, so its own D bit. */
	uint32_t frame = (uint32_t)&page[3][0] & 0xffc00000u;
	uint32_t lva = PDE_VA(GL_LARGE) + ((uint32_t)&page[3][5] & 0x3fffffu);
	pd[GL_LARGE] = pd2[GL_LARGE] = frame | P | RW | PS | G;
	wr(lva, 0x600d0001u);
	check("global 4 MiB: a write sets D in the first space's PDE", pd[GL_LARGE] & (A | D), A | D);
	hc(HC_SET_CR3, (uint32_t)pd2, 0);
	/* another 4 KiB of it first: a shadow table shared with the first
	 * space would now hold lva writable, and the write below not fault */
	check("  page[2] in the same 4 MiB", ((uint32_t)&page[2][0] ^ (uint32_t)&page[3][0]) >> 22, 0);
	check("  a read in the second space",
	      rd(PDE_VA(GL_LARGE) + ((uint32_t)&page[2][0] & 0x3fffffu)), 0xc2c2c2c2);
	check("  leaves its PDE clean", pd2[GL_LARGE] & (A | D), A);
	wr(lva, 0x600d0002u);
	check("  its first write sets its own D", pd2[GL_LARGE] & (A | D), A | D);
	check("  both writes reached the page", page[3][5], 0x600d0002u);
	hc(HC_SET_CR3, (uint32_t)pd, 0);

	pd[GL_PDE] = pd2[GL_PDE] = pd[GL_LARGE] = pd2[GL_LARGE] = 0;
	paging_on(0);
}

#endif
