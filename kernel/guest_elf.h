/*
 * Guest image validation: everything the loader needs to know about a guest
 * ELF module, checked in full before a single byte is copied (decode, then
 * act). Pure logic: no hypervisor state, so it is unit-tested on the host.
 */
#ifndef GUEST_ELF_H
#define GUEST_ELF_H

#include <stdint.h>

#define GUEST_ELF_MAX_SEGS   16u     /* PT_LOAD segments a guest may have */
#define GUEST_ELF_MAX_SITE   64u     /* largest afterburn site, bytes */

struct guest_seg {
	uint32_t file_off;   /* where its bytes start in the module */
	uint32_t filesz;     /* bytes copied from the module */
	uint32_t paddr;      /* guest-physical load address */
	uint32_t vaddr;      /* link address (afterburn records use these) */
	uint32_t memsz;      /* bytes occupied, the rest zero-filled */
	uint32_t flags;      /* PF_X | PF_W | PF_R */
};

struct guest_image {
	uint32_t entry;            /* guest-physical entry point */
	uint32_t nseg;
	struct guest_seg seg[GUEST_ELF_MAX_SEGS];
	uint32_t lowest, highest;  /* guest-physical span [lowest, highest) */
	uint32_t ab_off;           /* .afterburn records in the module, or 0 */
	uint32_t ab_count;         /* number of (start, end) records */
	uint32_t ab16_count;       /* .afterburn16 records: 16-bit sites, counted, never rewritten */
	uint32_t link_offset;      /* vaddr - paddr of the segments holding sites */
	int linux_kernel;          /* a PT_NOTE holds an owner "Linux" note (vmlinux) */
	int no_ipvmm;              /* a section .no_ipvmm: makes its own hypercalls, no IPVMM */
};

/* PF_* segment flags, as in the ELF specification. */
#define GUEST_PF_X 1u
#define GUEST_PF_W 2u
#define GUEST_PF_R 4u

/*
 * Check the module [img, img+len) as a guest for a partition of part_size
 * bytes whose usable guest-physical addresses end below `limit` (the hole).
 * Returns 0 and fills *out, or -1 with *why naming the first problem.
 * Afterburn records are checked to lie inside the file data of loadable
 * segments (vmlinux keeps .init.text in its writable segment), all with one
 * link offset (vaddr - paddr), which the IPVMM adds to rewrite each site
 * for the address it runs at.
 */
int guest_elf_check(const void *img, uint32_t len, uint32_t part_size,
		    uint32_t limit, struct guest_image *out, const char **why);

/* Record i of a checked image: start and end translated to guest-physical. */
void guest_elf_site(const void *img, const struct guest_image *gi, uint32_t i,
		    uint32_t *start, uint32_t *end);

#endif
