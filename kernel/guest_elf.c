/*
 * Guest ELF validation. Every field the loader will later trust is checked
 * here, with wrap-around in mind: a module is untrusted input, and a single
 * unchecked offset would let a guest image write outside its partition.
 */
#include "guest_elf.h"

/* ELF32 on-disk structures (little-endian, i386). */
struct ehdr {
	uint8_t  ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
struct shdr {
	uint32_t name, type, flags, addr, offset, size, link, info, addralign, entsize;
};
_Static_assert(sizeof(struct ehdr) == 52, "ELF32 header layout");
_Static_assert(sizeof(struct phdr) == 32, "ELF32 program header layout");
_Static_assert(sizeof(struct shdr) == 40, "ELF32 section header layout");

#define PT_LOAD   1u
#define PT_NOTE   4u
#define ET_EXEC   2u
#define EM_386    3u
#define SHT_NOBITS 8u

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Bytes [off, off+size) lie inside a buffer of len bytes, without overflow. */
static int in_range(uint32_t off, uint32_t size, uint32_t len)
{
	return off <= len && size <= len - off;
}

static void copy(void *dst, const void *src, uint32_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	while (n--)
		*d++ = *s++;
}

static int streq(const uint8_t *a, uint32_t avail, const char *b)
{
	uint32_t i;
	for (i = 0; i < avail; i++) {
		if (a[i] != (uint8_t)b[i])
			return 0;
		if (b[i] == '\0')
			return 1;
	}
	return 0;
}

static int check_header(const uint8_t *p, uint32_t len, struct ehdr *eh, const char **why)
{
	if (len < sizeof(*eh))
		return *why = "truncated: smaller than an ELF header", -1;
	copy(eh, p, sizeof(*eh));
	if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' || eh->ident[2] != 'L' || eh->ident[3] != 'F')
		return *why = "not an ELF file (bad magic)", -1;
	if (eh->ident[4] != 1)
		return *why = "not a 32-bit ELF (EI_CLASS)", -1;
	if (eh->ident[5] != 1)
		return *why = "not little-endian (EI_DATA)", -1;
	if (eh->ident[6] != 1 || eh->version != 1)
		return *why = "unknown ELF version", -1;
	if (eh->type != ET_EXEC)
		return *why = "not an executable (ET_EXEC)", -1;
	if (eh->machine != EM_386)
		return *why = "not an i386 binary (EM_386)", -1;
	if (eh->phentsize != sizeof(struct phdr))
		return *why = "bad program header size", -1;
	if (eh->phnum == 0)
		return *why = "no program headers", -1;
	if (!in_range(eh->phoff, (uint32_t)eh->phnum * sizeof(struct phdr), len))
		return *why = "truncated: program headers past the end of the module", -1;
	return 0;
}

static int check_segment(const struct phdr *ph, uint32_t len, uint32_t part_size,
			 uint32_t limit, const char **why)
{
	if (ph->filesz > ph->memsz)
		return *why = "segment file size exceeds its memory size", -1;
	if (!in_range(ph->offset, ph->filesz, len))
		return *why = "truncated: segment data past the end of the module", -1;
	if (!in_range(ph->paddr, ph->memsz, part_size))
		return *why = "segment outside the guest's partition", -1;
	if (!in_range(ph->paddr, ph->memsz, limit))
		return *why = "segment overlaps the hypervisor hole", -1;
	return 0;
}

static int overlaps(const struct guest_seg *a, const struct guest_seg *b)
{
	return a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz;
}

/* .afterburn (the sites the IPVMM rewrites) and .afterburn16 (16-bit
 * sites: 16-bit code never runs under the IPVMM, so they are only
 * counted; record format 2, docs/afterburn.md); a section named
 * .no_ipvmm says the guest makes its own hypercalls and runs without one. */
static int find_afterburn(const uint8_t *p, uint32_t len, const struct ehdr *eh,
			  struct guest_image *gi, const char **why)
{
	struct shdr sh, strtab;
	uint32_t i;

	gi->ab_off = gi->ab_count = gi->ab16_count = 0;
	gi->no_ipvmm = 0;
	if (eh->shoff == 0 || eh->shnum == 0)
		return 0;                   /* stripped: no sites to rewrite */
	if (eh->shentsize != sizeof(struct shdr) ||
	    !in_range(eh->shoff, (uint32_t)eh->shnum * sizeof(struct shdr), len))
		return *why = "truncated or malformed section headers", -1;
	if (eh->shstrndx >= eh->shnum)
		return *why = "section name table index out of range", -1;
	copy(&strtab, p + eh->shoff + eh->shstrndx * sizeof(struct shdr), sizeof(strtab));
	if (!in_range(strtab.offset, strtab.size, len))
		return *why = "truncated: section name table", -1;
	for (i = 0; i < eh->shnum; i++) {
		copy(&sh, p + eh->shoff + i * sizeof(struct shdr), sizeof(sh));
		if (sh.name >= strtab.size)
			continue;
		const uint8_t *name = p + strtab.offset + sh.name;
		uint32_t room = strtab.size - sh.name;
		if (streq(name, room, ".no_ipvmm"))
			gi->no_ipvmm = 1;
		int is16 = streq(name, room, ".afterburn16");
		if (!is16 && !streq(name, room, ".afterburn"))
			continue;
		if (sh.type == SHT_NOBITS || !in_range(sh.offset, sh.size, len))
			return *why = "truncated: .afterburn section", -1;
		if (sh.size % 8 != 0)
			return *why = ".afterburn size is not a multiple of 8", -1;
		if (is16) {
			gi->ab16_count = sh.size / 8;
			continue;
		}
		gi->ab_off = sh.offset;
		gi->ab_count = sh.size / 8;
	}
	return 0;
}

/* The segment whose file data holds link addresses [s, e), or 0. Not
 * only executable ones: vmlinux runs .init.text from its RW segment. */
static const struct guest_seg *site_seg(const struct guest_image *gi, uint32_t s, uint32_t e)
{
	uint32_t k;
	if (e <= s || e - s > GUEST_ELF_MAX_SITE)
		return 0;
	for (k = 0; k < gi->nseg; k++) {
		const struct guest_seg *g = &gi->seg[k];
		if (s >= g->vaddr && e - g->vaddr <= g->filesz)
			return g;
	}
	return 0;
}

/* Does the PT_NOTE segment ph hold a note whose owner is "Linux"? Every
 * vmlinux has them (include/linux/elfnote.h); the loader then starts the
 * image by the Linux boot protocol instead of Multiboot's. */
static int linux_note(const uint8_t *p, uint32_t len, const struct phdr *ph)
{
	uint32_t at = 0;
	if (!in_range(ph->offset, ph->filesz, len))
		return 0;
	while (ph->filesz - at >= 12) {
		const uint8_t *n = p + ph->offset + at;
		uint32_t namesz = rd32(n), descsz = rd32(n + 4);
		uint32_t nlen = (namesz + 3) & ~3u, dlen = (descsz + 3) & ~3u;
		if (namesz > 64 || descsz > 4096 || nlen + dlen > ph->filesz - at - 12)
			return 0;
		if (namesz == 6 && streq(n + 12, 6, "Linux"))
			return 1;
		at += 12 + nlen + dlen;
	}
	return 0;
}

static void site_raw(const void *img, const struct guest_image *gi, uint32_t i,
		     uint32_t *s, uint32_t *e)
{
	const uint8_t *r = (const uint8_t *)img + gi->ab_off + i * 8;
	*s = rd32(r);
	*e = rd32(r + 4);
}

int guest_elf_check(const void *img, uint32_t len, uint32_t part_size,
		    uint32_t limit, struct guest_image *gi, const char **why)
{
	const uint8_t *p = img;
	struct ehdr eh;
	struct phdr ph;
	uint32_t i, k, s, e;
	int entry_ok = 0;

	if (check_header(p, len, &eh, why))
		return -1;
	gi->nseg = 0;
	gi->linux_kernel = 0;
	gi->link_offset = 0;
	gi->lowest = 0xffffffffu;
	gi->highest = 0;
	for (i = 0; i < eh.phnum; i++) {
		copy(&ph, p + eh.phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type == PT_NOTE && linux_note(p, len, &ph))
			gi->linux_kernel = 1;
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if (gi->nseg == GUEST_ELF_MAX_SEGS)
			return *why = "too many loadable segments", -1;
		if (check_segment(&ph, len, part_size, limit, why))
			return -1;
		struct guest_seg *g = &gi->seg[gi->nseg];
		g->file_off = ph.offset;
		g->filesz = ph.filesz;
		g->paddr = ph.paddr;
		g->vaddr = ph.vaddr;
		g->memsz = ph.memsz;
		g->flags = ph.flags;
		for (k = 0; k < gi->nseg; k++)
			if (overlaps(g, &gi->seg[k]))
				return *why = "loadable segments overlap", -1;
		if (g->paddr < gi->lowest)
			gi->lowest = g->paddr;
		if (g->paddr + g->memsz > gi->highest)
			gi->highest = g->paddr + g->memsz;
		/* Like GRUB: the entry is physical, or virtual inside a segment. */
		if ((g->flags & GUEST_PF_X) && eh.entry - g->paddr < g->memsz) {
			entry_ok = 1;
			gi->entry = eh.entry;
		} else if ((g->flags & GUEST_PF_X) && eh.entry - g->vaddr < g->memsz) {
			entry_ok = 1;
			gi->entry = eh.entry - g->vaddr + g->paddr;
		}
		gi->nseg++;
	}
	if (gi->nseg == 0)
		return *why = "no loadable segments", -1;
	if (!entry_ok)
		return *why = "entry point not inside an executable segment", -1;
	if (find_afterburn(p, len, &eh, gi, why))
		return -1;
	for (i = 0; i < gi->ab_count; i++) {
		site_raw(img, gi, i, &s, &e);
		const struct guest_seg *g = site_seg(gi, s, e);
		if (!g)
			return *why = "afterburn record outside the loaded code or malformed", -1;
		if (i == 0)
			gi->link_offset = g->vaddr - g->paddr;
		else if (g->vaddr - g->paddr != gi->link_offset)
			return *why = "afterburn sites in segments with different link offsets", -1;
	}
	return 0;
}

void guest_elf_site(const void *img, const struct guest_image *gi, uint32_t i,
		    uint32_t *start, uint32_t *end)
{
	const struct guest_seg *g;
	uint32_t s, e;

	site_raw(img, gi, i, &s, &e);
	g = site_seg(gi, s, e);       /* never 0: guest_elf_check proved it */
	*start = s - g->vaddr + g->paddr;
	*end = e - g->vaddr + g->paddr;
}
