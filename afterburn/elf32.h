/* Minimal, bounds-checked reader for 32-bit little-endian ELF files (the
 * verifier and the tests): sections, symbols, relocations. */
#ifndef AFTERBURN_ELF32_H
#define AFTERBURN_ELF32_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

struct elf32 {
	unsigned char *data;
	size_t size;
	const Elf32_Ehdr *eh;
	const Elf32_Shdr *sh;
	unsigned nsec;
	const Elf32_Sym *syms;	/* .symtab, may be NULL */
	unsigned nsyms;
	const char *strtab;
	size_t strtab_size;
};

/* Load PATH; returns 0 or -1 with a message in ERR. */
int elf32_load(const char *path, struct elf32 *e, char *err, size_t errlen);
void elf32_free(struct elf32 *e);

const char *elf32_secname(const struct elf32 *e, unsigned idx);
/* Section contents, or NULL (NOBITS or out of the file). */
const unsigned char *elf32_secdata(const struct elf32 *e, unsigned idx);
int elf32_find(const struct elf32 *e, const char *name);
const char *elf32_symname(const struct elf32 *e, const Elf32_Sym *s);
/* Section holding the allocated address ADDR, or -1. */
int elf32_sec_of_addr(const struct elf32 *e, uint32_t addr);

#endif
