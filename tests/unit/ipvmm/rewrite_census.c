/*
 * Every .afterburn site of an afterburned guest ELF through the rewriter
 * (both modes, fake IPVMM addresses): prints the sites per class and
 * exits non-zero if any site is refused. Run on the test OS by
 * `make test-ipvmm-sites`.
 *
 *   rewrite_census GUEST.elf
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rewrite.h"

#define NAME(id, match, pad, shortest, rewrite, mnem) #id,
static const char *cls_name[] = { AFTERBURN_CLASSES(NAME) };
#undef NAME

static uint8_t *img;
static long img_size;

/* File bytes of [addr, addr+len) from the PT_LOAD segments, or NULL. */
static uint8_t *at(uint32_t addr, uint32_t len)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf32_Phdr *ph = (Elf32_Phdr *)(img + eh->e_phoff + i * eh->e_phentsize);

		if (ph->p_type == PT_LOAD && addr >= ph->p_vaddr && len <= ph->p_filesz &&
		    addr - ph->p_vaddr <= ph->p_filesz - len)
			return img + ph->p_offset + (addr - ph->p_vaddr);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct rw_syms syms = {
		.vif = 0xFC800004, .sti_hook = 0xFC800008, .sti_ret = 0xFC000080, .veflags = 0xFC80000c,
		.burn = { 0xFC000100, 0xFC000200, 0xFC000300, 0xFC000400, 0xFC000500,
			  0xFC000600, 0xFC000700, 0xFC000800, 0xFC000900 },
		.io_imm = { { 0xFC001000, 0xFC001010, 0xFC001020 },
			    { 0xFC001030, 0xFC001040, 0xFC001050 } },
		.generic_base = 0xFC010000,
	};
	unsigned per[AB_CLASS_COUNT] = { 0 }, n = 0, bad = 0;
	FILE *f;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: rewrite_census GUEST.elf\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	img_size = ftell(f);
	rewind(f);
	img = malloc((size_t)img_size);
	if (!img || fread(img, 1, (size_t)img_size, f) != (size_t)img_size)
		return 2;
	fclose(f);
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
	if (img_size < (long)sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS32) {
		fprintf(stderr, "%s: not an ELF32 file\n", argv[1]);
		return 2;
	}
	Elf32_Shdr *sh = (Elf32_Shdr *)(img + eh->e_shoff);
	const char *strtab = (const char *)img + sh[eh->e_shstrndx].sh_offset;
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (strcmp(strtab + sh[i].sh_name, AFTERBURN_SECTION))
			continue;
		struct afterburn_record *r = (struct afterburn_record *)(img + sh[i].sh_offset);
		for (unsigned k = 0; k < sh[i].sh_size / sizeof(*r); k++, n++) {
			uint32_t len = r[k].end - r[k].start;
			uint8_t *p = r[k].end > r[k].start && len <= 64 ? at(r[k].start, len) : NULL;
			uint8_t site[64];
			struct dec_insn d;
			struct rw_result res;

			if (!p) {
				printf("site %#x: record outside the loaded image\n", r[k].start);
				bad++;
				continue;
			}
			memcpy(site, p, len);
			if (rw_site(site, len, r[k].start, &syms, RW_PREVIRT, &res, &d)) {
				printf("site %#x: %s\n", r[k].start, res.why);
				bad++;
				continue;
			}
			per[d.cls]++;
			memcpy(site, p, len);
			if (rw_site(site, len, r[k].start, &syms, RW_TRAP, &res, &d)) {
				printf("site %#x (trap mode): %s\n", r[k].start, res.why);
				bad++;
			}
		}
	}
	printf("%s: %u sites, %u refused\n", argv[1], n, bad);
	for (unsigned c = 0; c < AB_CLASS_COUNT; c++)
		if (per[c])
			printf("  %-9s %u\n", cls_name[c], per[c]);
	return bad || !n;
}
