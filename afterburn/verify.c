/*
 * The coverage proof. Decode every executable section with Capstone (an
 * independent disassembler), classify each instruction with the shared
 * class table, and match it against the .afterburn records.
 *
 * Decoding is a linear sweep that restarts at every record boundary and
 * every symbol, so data between functions cannot shift the sweep past a
 * site. Records are decoded as (section, offset) pairs: from relocations
 * in a relocatable object, from addresses in a linked image.
 *
 * Padding must be one-byte nops (0x90): that is what afterburn emits, and
 * the rewriter may then check a site mechanically. It follows the
 * instruction, except for the interrupt-shadow forms (AFTERBURN_SHADOWS),
 * where it precedes it and nothing may follow it. Multi-byte nops in a
 * record mean it was not made by afterburn and are reported.
 */
#include <capstone/capstone.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "classify.h"
#include "elf32.h"
#include "verify.h"

struct vrun {
	struct elf32 e;
	FILE *out;
	struct ab_vstats *st;
	struct ab_site_ref *sites;
	size_t nsites;
	int problems;
};

static void problem(struct vrun *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct vrun *v, const char *fmt, ...)
{
	va_list ap;
	v->problems++;
	if (!v->out)
		return;
	va_start(ap, fmt);
	vfprintf(v->out, fmt, ap);
	va_end(ap);
	fputc('\n', v->out);
}

/* "section+0xoff <symbol+0xoff>" for messages. */
static void where(const struct vrun *v, unsigned sec, uint32_t off, char *buf, size_t n)
{
	const Elf32_Shdr *s = &v->e.sh[sec];
	uint32_t addr = (v->e.eh->e_type == ET_REL ? 0 : s->sh_addr) + off;
	const Elf32_Sym *best = NULL;
	for (unsigned i = 0; i < v->e.nsyms; i++) {
		const Elf32_Sym *y = &v->e.syms[i];
		int t = ELF32_ST_TYPE(y->st_info);
		if (y->st_shndx != sec || t == STT_SECTION || t == STT_FILE ||
		    y->st_value > addr || !y->st_name)
			continue;
		if (!best || y->st_value > best->st_value)
			best = y;
	}
	if (best)
		snprintf(buf, n, "%s+0x%x (0x%08x <%s+0x%x>)", elf32_secname(&v->e, sec), off,
			 addr, elf32_symname(&v->e, best), addr - best->st_value);
	else
		snprintf(buf, n, "%s+0x%x (0x%08x)", elf32_secname(&v->e, sec), off, addr);
}

/* Resolve the 32-bit field at OFF of .afterburn to (section, offset). */
static int resolve(struct vrun *v, unsigned abs, uint32_t off, unsigned *sec, uint32_t *at)
{
	const struct elf32 *e = &v->e;
	uint32_t val;
	memcpy(&val, elf32_secdata(e, abs) + off, 4);
	if (e->eh->e_type != ET_REL) {
		int s = elf32_sec_of_addr(e, val);
		if (s < 0)
			return -1;
		*sec = (unsigned)s;
		*at = val - e->sh[s].sh_addr;
		return 0;
	}
	for (unsigned i = 1; i < e->nsec; i++) {
		const Elf32_Shdr *r = &e->sh[i];
		if (r->sh_type != SHT_REL || r->sh_info != abs || r->sh_entsize != sizeof(Elf32_Rel))
			continue;
		const Elf32_Rel *rel = (const Elf32_Rel *)elf32_secdata(e, i);
		for (size_t j = 0; j < r->sh_size / sizeof(Elf32_Rel); j++) {
			if (rel[j].r_offset != off)
				continue;
			unsigned sym = ELF32_R_SYM(rel[j].r_info);
			if (ELF32_R_TYPE(rel[j].r_info) != R_386_32 || sym >= e->nsyms)
				return -1;
			const Elf32_Sym *y = &e->syms[sym];
			if (y->st_shndx == SHN_UNDEF || y->st_shndx >= e->nsec)
				return -1;
			*sec = y->st_shndx;
			*at = y->st_value + val;
			return 0;
		}
	}
	return -1;
}

static int cmp_site(const void *a, const void *b)
{
	const struct ab_site_ref *x = a, *y = b;
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Read and validate all records. */
static void load_records(struct vrun *v)
{
	int abs = elf32_find(&v->e, AFTERBURN_SECTION);
	if (abs < 0 || !elf32_secdata(&v->e, (unsigned)abs))
		return;
	const Elf32_Shdr *s = &v->e.sh[abs];
	size_t n = s->sh_size / sizeof(struct afterburn_record);
	if (s->sh_size % sizeof(struct afterburn_record))
		problem(v, "bad record: %s size %u is not a multiple of 8",
			AFTERBURN_SECTION, s->sh_size);
	v->sites = calloc(n + 1, sizeof(*v->sites));
	if (!v->sites)
		return;
	for (size_t i = 0; i < n; i++) {
		unsigned s1, s2;
		uint32_t a, b;
		v->st->records++;
		if (resolve(v, (unsigned)abs, (uint32_t)(i * 8), &s1, &a) ||
		    resolve(v, (unsigned)abs, (uint32_t)(i * 8 + 4), &s2, &b)) {
			problem(v, "bad record %zu: address outside every section", i);
			continue;
		}
		const Elf32_Shdr *t = &v->e.sh[s1];
		if (s1 != s2 || a >= b || b > t->sh_size || !(t->sh_flags & SHF_EXECINSTR) ||
		    !elf32_secdata(&v->e, s1)) {
			problem(v, "bad record %zu: [%s+0x%x, %s+0x%x) is not a range of "
				"executable code", i, elf32_secname(&v->e, s1), a,
				elf32_secname(&v->e, s2), b);
			continue;
		}
		v->sites[v->nsites++] = (struct ab_site_ref){ s1, a, b, i };
	}
	qsort(v->sites, v->nsites, sizeof(*v->sites), cmp_site);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Sorted restart points of section SEC: record bounds and symbols. */
static uint32_t *sync_points(struct vrun *v, unsigned sec, size_t *n)
{
	size_t cap = 2 * v->nsites + v->e.nsyms + 2, k = 0;
	uint32_t *p = malloc(cap * sizeof(*p));
	uint32_t base = v->e.eh->e_type == ET_REL ? 0 : v->e.sh[sec].sh_addr;
	if (!p)
		return NULL;
	for (size_t i = 0; i < v->nsites; i++)
		if (v->sites[i].sec == sec) {
			p[k++] = v->sites[i].start;
			p[k++] = v->sites[i].end;
		}
	for (unsigned i = 0; i < v->e.nsyms; i++) {
		const Elf32_Sym *y = &v->e.syms[i];
		if (y->st_shndx == sec && y->st_value >= base &&
		    y->st_value - base < v->e.sh[sec].sh_size)
			p[k++] = y->st_value - base;
	}
	p[k++] = v->e.sh[sec].sh_size;
	qsort(p, k, sizeof(*p), cmp_u32);
	*n = k;
	return p;
}

static int classify_insn(const cs_insn *in)
{
	const char *m = strrchr(in->mnemonic, ' ');	/* drop "rep " etc. */
	m = m ? m + 1 : in->mnemonic;
	struct ab_opinfo oi;
	ab_opinfo_from_text(in->op_str, strlen(in->op_str), &oi);
	return ab_classify(m, strlen(m), &oi);
}

/* Check one record: LEAD leading nops, then the instruction IN. */
static void check_site(struct vrun *v, const struct ab_site_ref *s, const cs_insn *in,
		       uint32_t lead, const unsigned char *code)
{
	char w[256];
	int cls = in ? classify_insn(in) : -1;
	where(v, s->sec, s->start, w, sizeof(w));
	if (!in) {
		problem(v, "bad record %zu at %s: undecodable instruction", s->rec, w);
		return;
	}
	if (cls < 0) {
		problem(v, "bad record %zu at %s: covers non-sensitive '%s %s'", s->rec, w,
			in->mnemonic, in->op_str);
		return;
	}
	uint32_t ie = s->start + lead + in->size;
	if (ie > s->end) {
		problem(v, "bad record %zu at %s: '%s %s' runs past the record end", s->rec, w,
			in->mnemonic, in->op_str);
		return;
	}
	struct ab_opinfo oi;
	ab_opinfo_from_text(in->op_str, strlen(in->op_str), &oi);
	bool before = ab_pad_before(cls, &oi);
	/* Interrupt-shadow forms: all nops before, the instruction ends the
	 * site (its successor must follow it directly). Others: all after. */
	if (lead && !before) {
		problem(v, "bad record %zu at %s: %u nops before '%s %s', which is no "
			"interrupt-shadow instruction", s->rec, w, lead, in->mnemonic, in->op_str);
		return;
	}
	if (before && ie != s->end) {
		problem(v, "bad record %zu at %s: padding after interrupt-shadow instruction "
			"'%s %s' separates it from its successor", s->rec, w, in->mnemonic,
			in->op_str);
		return;
	}
	for (uint32_t o = ie; o < s->end; o++)
		if (code[o] != AFTERBURN_NOP) {
			problem(v, "bad record %zu at %s: padding byte 0x%02x at +%u is not a nop "
				"(0x90)", s->rec, w, code[o], o - s->start);
			return;
		}
	if ((int)(s->end - s->start) < ab_classes[cls].rewrite) {
		problem(v, "bad record %zu at %s: '%s %s' site is %u bytes, class %s needs %d",
			s->rec, w, in->mnemonic, in->op_str, s->end - s->start,
			ab_classes[cls].name, ab_classes[cls].rewrite);
		return;
	}
	v->st->covered[cls]++;
}

static void sweep(struct vrun *v, csh h, unsigned sec)
{
	const Elf32_Shdr *sh = &v->e.sh[sec];
	const unsigned char *code = elf32_secdata(&v->e, sec);
	size_t nsync, si = 0, ri = 0;
	uint32_t *sync = sync_points(v, sec, &nsync);
	cs_insn *in = cs_malloc(h);
	uint32_t pos = 0;
	if (!sync || !in || !code)
		goto out;
	while (ri < v->nsites && v->sites[ri].sec < sec)
		ri++;
	while (pos < sh->sh_size) {
		while (si < nsync && sync[si] <= pos)
			si++;
		uint32_t next = si < nsync ? sync[si] : sh->sh_size;
		while (ri < v->nsites && v->sites[ri].sec == sec && v->sites[ri].start < pos)
			ri++;
		const struct ab_site_ref *s = ri < v->nsites && v->sites[ri].sec == sec &&
				       v->sites[ri].start == pos ? &v->sites[ri] : NULL;
		/* A site may open with nops (interrupt-shadow forms): no
		   sensitive instruction starts with 0x90. */
		uint32_t lead = 0;
		while (s && pos + lead < s->end && code[pos + lead] == AFTERBURN_NOP)
			lead++;
		const uint8_t *p = code + pos + lead;
		size_t left = (s ? s->end : next) - pos - lead;
		uint64_t addr = pos + lead;
		bool ok = left > 0 && cs_disasm_iter(h, &p, &left, &addr, in);
		if (s) {
			check_site(v, s, ok ? in : NULL, lead, code);
			pos = s->end;
			ri++;
			continue;
		}
		if (!ok) {	/* data or padding the decoder rejects */
			v->st->skipped++;
			pos++;
			continue;
		}
		v->st->insns++;
		int cls = classify_insn(in);
		if (cls >= 0) {
			char w[256];
			where(v, sec, pos, w, sizeof(w));
			v->st->uncovered[cls]++;
			problem(v, "uncovered %s at %s: %s %s", ab_classes[cls].name, w,
				in->mnemonic, in->op_str);
		}
		pos += in->size;
	}
out:
	if (in)
		cs_free(in, 1);
	free(sync);
}

int ab_verify(const char *path, FILE *out, struct ab_vstats *st)
{
	struct vrun v = { .out = out, .st = st };
	char err[128];
	csh h;
	memset(st, 0, sizeof(*st));
	if (elf32_load(path, &v.e, err, sizeof(err)) < 0) {
		if (out)
			fprintf(out, "%s: %s\n", path, err);
		elf32_free(&v.e);
		return -1;
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_32, &h) != CS_ERR_OK) {
		elf32_free(&v.e);
		return -1;
	}
	cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	load_records(&v);
	for (unsigned i = 1; i < v.e.nsec; i++) {
		const Elf32_Shdr *s = &v.e.sh[i];
		if ((s->sh_flags & SHF_EXECINSTR) && s->sh_type == SHT_PROGBITS)
			sweep(&v, h, i);
	}
	st->bad_records = (unsigned)v.problems;
	for (int c = 0; c < AB_CLASS_COUNT; c++)
		st->bad_records -= st->uncovered[c];
	cs_close(&h);
	free(v.sites);
	elf32_free(&v.e);
	return v.problems;
}

size_t ab_sites(const struct elf32 *e, struct ab_site_ref **sites, unsigned *bad)
{
	struct ab_vstats st;
	struct vrun v = { .e = *e, .st = &st };
	memset(&st, 0, sizeof(st));
	load_records(&v);
	*sites = v.sites;
	*bad = (unsigned)v.problems;
	return v.nsites;
}
