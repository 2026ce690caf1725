/*
 * Entry points the verifier may resume decoding at after a ud2 (see
 * verify.c, "dead ranges"): addresses other parts of the file refer to.
 * In a relocatable object, the targets of relocations (R_386_32: symbol +
 * addend; R_386_PC32 in code: + 4, the end of the rel32 field, which is
 * where a call or jmp lands); in a linked image, every aligned 32-bit word
 * of an allocated, non-executable section that is an address in the
 * section (jump tables, function pointers, exception tables). They only
 * ever end a dead range early, so a false one costs nothing but a few
 * bytes decoded that need not have been.
 */
#include <stdlib.h>
#include <string.h>
#include "anchors.h"

struct vec {
	uint32_t *p;
	size_t n, cap;
};

static void push(struct vec *v, uint32_t x)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 64;
		uint32_t *p = realloc(v->p, cap * sizeof(*p));
		if (!p)
			return;		/* fewer anchors: only less resynchronisation */
		v->p = p;
		v->cap = cap;
	}
	v->p[v->n++] = x;
}

static void from_relocs(const struct elf32 *e, unsigned sec, struct vec *out)
{
	for (unsigned i = 1; i < e->nsec; i++) {
		const Elf32_Shdr *r = &e->sh[i];
		if (r->sh_type != SHT_REL || r->sh_entsize != sizeof(Elf32_Rel) ||
		    r->sh_info >= e->nsec || !elf32_secdata(e, i))
			continue;
		const Elf32_Shdr *t = &e->sh[r->sh_info];
		const unsigned char *td = elf32_secdata(e, r->sh_info);
		const Elf32_Rel *rel = (const Elf32_Rel *)elf32_secdata(e, i);
		for (size_t j = 0; td && j < r->sh_size / sizeof(Elf32_Rel); j++) {
			unsigned type = ELF32_R_TYPE(rel[j].r_info), sym = ELF32_R_SYM(rel[j].r_info);
			if ((type != R_386_32 && type != R_386_PC32) || sym >= e->nsyms ||
			    e->syms[sym].st_shndx != sec || rel[j].r_offset > t->sh_size - 4 ||
			    t->sh_size < 4)
				continue;
			int32_t addend;
			memcpy(&addend, td + rel[j].r_offset, 4);
			uint32_t at = e->syms[sym].st_value + (uint32_t)addend;
			if (type == R_386_PC32 && (t->sh_flags & SHF_EXECINSTR))
				at += 4;
			push(out, at);
		}
	}
}

static void from_data(const struct elf32 *e, unsigned sec, struct vec *out)
{
	const Elf32_Shdr *x = &e->sh[sec];
	for (unsigned i = 1; i < e->nsec; i++) {
		const Elf32_Shdr *d = &e->sh[i];
		const unsigned char *p = elf32_secdata(e, i);
		if (!p || d->sh_type != SHT_PROGBITS || !(d->sh_flags & SHF_ALLOC) ||
		    (d->sh_flags & SHF_EXECINSTR))
			continue;
		for (uint32_t o = (4 - (d->sh_addr & 3)) & 3; o + 4 <= d->sh_size; o += 4) {
			uint32_t w;
			memcpy(&w, p + o, 4);
			if (w >= x->sh_addr && w - x->sh_addr < x->sh_size)
				push(out, w - x->sh_addr);
		}
	}
}

uint32_t *ab_anchors(const struct elf32 *e, unsigned sec, size_t *n)
{
	struct vec v = { 0 };
	if (e->eh->e_type == ET_REL)
		from_relocs(e, sec, &v);
	else
		from_data(e, sec, &v);
	*n = v.n;
	return v.p;
}

/* "0x1f3" (Capstone's AT&T direct branch operand) -> 0x1f3; Capstone
 * prints targets up to 9 in decimal. */
bool ab_branch_target(const char *mnem, const char *ops, uint32_t *target)
{
	const char *m = strrchr(mnem, ' ');	/* "bnd jmp" */
	m = m ? m + 1 : mnem;
	if (m[0] != 'j' && strncmp(m, "call", 4) && strncmp(m, "loop", 4))
		return false;
	if (ops[0] < '0' || ops[0] > '9')
		return false;
	char *end;
	unsigned long t = strtoul(ops, &end, ops[0] == '0' && ops[1] == 'x' ? 16 : 10);
	if (*end || t > 0xffffffffUL)
		return false;
	*target = (uint32_t)t;
	return true;
}
