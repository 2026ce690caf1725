/* ELF32 reading with every offset checked against the file size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "burn.h"
#include "elf32.h"

static int fail(char *err, size_t n, const char *msg)
{
	snprintf(err, n, "%s", msg);
	return -1;
}

static int in_file(const struct elf32 *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

int elf32_load(const char *path, struct elf32 *e, char *err, size_t errlen)
{
	memset(e, 0, sizeof(*e));
	e->data = (unsigned char *)ab_read_file(path, &e->size);
	if (!e->data)
		return fail(err, errlen, "cannot read file");
	if (e->size < sizeof(Elf32_Ehdr) || memcmp(e->data, ELFMAG, SELFMAG) ||
	    e->data[EI_CLASS] != ELFCLASS32 || e->data[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, "not a 32-bit little-endian ELF file");
	e->eh = (const Elf32_Ehdr *)e->data;
	if (e->eh->e_machine != EM_386)
		return fail(err, errlen, "not an i386 ELF file");
	if (e->eh->e_shentsize != sizeof(Elf32_Shdr) ||
	    !in_file(e, e->eh->e_shoff, (uint64_t)e->eh->e_shnum * sizeof(Elf32_Shdr)))
		return fail(err, errlen, "bad section header table");
	e->sh = (const Elf32_Shdr *)(e->data + e->eh->e_shoff);
	e->nsec = e->eh->e_shnum;
	if (e->eh->e_shstrndx >= e->nsec)
		return fail(err, errlen, "bad section name table index");
	for (unsigned i = 0; i < e->nsec; i++) {
		const Elf32_Shdr *s = &e->sh[i];
		if (s->sh_type != SHT_NOBITS && !in_file(e, s->sh_offset, s->sh_size))
			return fail(err, errlen, "section outside the file");
		if (s->sh_type == SHT_SYMTAB && s->sh_link < e->nsec &&
		    s->sh_entsize == sizeof(Elf32_Sym)) {
			e->syms = (const Elf32_Sym *)(e->data + s->sh_offset);
			e->nsyms = s->sh_size / sizeof(Elf32_Sym);
			e->strtab = (const char *)e->data + e->sh[s->sh_link].sh_offset;
			e->strtab_size = e->sh[s->sh_link].sh_size;
		}
	}
	return 0;
}

void elf32_free(struct elf32 *e)
{
	free(e->data);
	memset(e, 0, sizeof(*e));
}

static const char *str_at(const char *tab, size_t size, uint32_t off)
{
	if (!tab || off >= size || !memchr(tab + off, 0, size - off))
		return "?";
	return tab + off;
}

const char *elf32_secname(const struct elf32 *e, unsigned idx)
{
	const Elf32_Shdr *st = &e->sh[e->eh->e_shstrndx];
	if (idx >= e->nsec)
		return "?";
	return str_at((const char *)e->data + st->sh_offset, st->sh_size, e->sh[idx].sh_name);
}

const unsigned char *elf32_secdata(const struct elf32 *e, unsigned idx)
{
	if (idx >= e->nsec || e->sh[idx].sh_type == SHT_NOBITS)
		return NULL;
	return e->data + e->sh[idx].sh_offset;
}

int elf32_find(const struct elf32 *e, const char *name)
{
	for (unsigned i = 1; i < e->nsec; i++)
		if (!strcmp(elf32_secname(e, i), name))
			return (int)i;
	return -1;
}

const char *elf32_symname(const struct elf32 *e, const Elf32_Sym *s)
{
	if (ELF32_ST_TYPE(s->st_info) == STT_SECTION)
		return elf32_secname(e, s->st_shndx);
	return str_at(e->strtab, e->strtab_size, s->st_name);
}

int elf32_sec_of_addr(const struct elf32 *e, uint32_t addr)
{
	for (unsigned i = 1; i < e->nsec; i++) {
		const Elf32_Shdr *s = &e->sh[i];
		if ((s->sh_flags & SHF_ALLOC) && s->sh_size &&
		    addr >= s->sh_addr && addr - s->sh_addr < s->sh_size)
			return (int)i;
	}
	return -1;
}
