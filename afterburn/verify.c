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
 * Code size: bytes inside an .afterburn.code16 range are decoded as
 * 16-bit code (and their records must come from .afterburn16), all others
 * as 32-bit. Data in code: the bytes after a ud2 (which never falls
 * through; code puts signatures there, e.g. "ud2; .ascii \"xen\"") up to
 * the next restart point, or the next direct branch target or address
 * the file refers to (anchors.c) inside them, are a dead range: reported
 * as skipped, not decoded, so they cannot invent instructions.
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
#include "anchors.h"
#include "elf32.h"
#include "verify.h"

struct vrun {
	struct elf32 e;
	FILE *out;
	struct ab_vstats *st;
	struct ab_site_ref *sites;
	size_t nsites;
	struct ab_site_ref *r16;	/* 16-bit code ranges, sorted */
	size_t nr16;
	csh h32, h16;
	int problems;
};

/* A growing list of section offsets. */
struct u32vec {
	uint32_t *p;
	size_t n, cap;
};

static bool vec_push(struct u32vec *v, uint32_t x)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 64;
		uint32_t *p = realloc(v->p, cap * sizeof(*p));
		if (!p)
			return false;
		v->p = p;
		v->cap = cap;
	}
	v->p[v->n++] = x;
	return true;
}

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

/* The end field at OFF: in a linked image an end address may be the first
 * byte after the start's section (a site or range closing a section), which
 * is no address inside it. */
static int resolve_end(struct vrun *v, unsigned abs, uint32_t off, unsigned s1, unsigned *sec,
		       uint32_t *at)
{
	const Elf32_Shdr *t = &v->e.sh[s1];
	uint32_t val;
	if (v->e.eh->e_type != ET_REL) {
		memcpy(&val, elf32_secdata(&v->e, abs) + off, 4);
		if (val > t->sh_addr && val - t->sh_addr <= t->sh_size) {
			*sec = s1;
			*at = val - t->sh_addr;
			return 0;
		}
	}
	return resolve(v, abs, off, sec, at);
}

static int cmp_site(const void *a, const void *b)
{
	const struct ab_site_ref *x = a, *y = b;
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Resolve the (start, end) pairs of section NAME into *OUT (sorted);
 * WHAT names them in messages. Returns how many pairs the section holds. */
static size_t load_pairs(struct vrun *v, const char *name, const char *what, int bits,
			 struct ab_site_ref **out, size_t *nout)
{
	int abs = elf32_find(&v->e, name);
	if (abs < 0 || !elf32_secdata(&v->e, (unsigned)abs))
		return 0;
	const Elf32_Shdr *s = &v->e.sh[abs];
	size_t n = s->sh_size / sizeof(struct afterburn_record);
	if (s->sh_size % sizeof(struct afterburn_record))
		problem(v, "bad %s: %s size %u is not a multiple of 8", what, name, s->sh_size);
	struct ab_site_ref *p = realloc(*out, (*nout + n + 1) * sizeof(*p));
	if (!p)
		return 0;
	*out = p;
	for (size_t i = 0; i < n; i++) {
		unsigned s1, s2;
		uint32_t a, b;
		if (resolve(v, (unsigned)abs, (uint32_t)(i * 8), &s1, &a) ||
		    resolve_end(v, (unsigned)abs, (uint32_t)(i * 8 + 4), s1, &s2, &b)) {
			problem(v, "bad %s %zu: address outside every section", what, i);
			continue;
		}
		const Elf32_Shdr *t = &v->e.sh[s1];
		bool code = s1 == s2 && b <= t->sh_size && (t->sh_flags & SHF_EXECINSTR) &&
			    elf32_secdata(&v->e, s1);
		if (bits == 0) {	/* code-size range: empty and data ones are normal */
			if (code && a < b)
				p[(*nout)++] = (struct ab_site_ref){ s1, a, b, i, 16 };
			continue;
		}
		if (!code || a >= b) {
			problem(v, "bad %s %zu: [%s+0x%x, %s+0x%x) is not a range of "
				"executable code", what, i, elf32_secname(&v->e, s1), a,
				elf32_secname(&v->e, s2), b);
			continue;
		}
		p[(*nout)++] = (struct ab_site_ref){ s1, a, b, i, bits };
	}
	return n;
}

/* Read and validate all records and the 16-bit ranges. */
static void load_records(struct vrun *v)
{
	v->st->records += (unsigned)load_pairs(v, AFTERBURN_SECTION, "record", 32,
					       &v->sites, &v->nsites);
	size_t n16 = load_pairs(v, AFTERBURN_SECTION16, "record16", 16, &v->sites, &v->nsites);
	v->st->records += (unsigned)n16;
	v->st->records16 += (unsigned)n16;
	if (v->sites)
		qsort(v->sites, v->nsites, sizeof(*v->sites), cmp_site);
	load_pairs(v, AFTERBURN_CODE16, "record (16-bit range)", 0, &v->r16, &v->nr16);
	if (v->r16)
		qsort(v->r16, v->nr16, sizeof(*v->r16), cmp_site);
}

/* Is offset POS of section SEC inside a 16-bit code range? */
static bool in16(const struct vrun *v, unsigned sec, uint32_t pos)
{
	size_t lo = 0, hi = v->nr16;
	while (lo < hi) {	/* first range with (sec, start) > (sec, pos) */
		size_t mid = (lo + hi) / 2;
		const struct ab_site_ref *r = &v->r16[mid];
		if (r->sec < sec || (r->sec == sec && r->start <= pos))
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Ranges of one section never overlap (GNU as assembles in order),
	   so the last one starting at or before POS is the only candidate. */
	return lo > 0 && v->r16[lo - 1].sec == sec && pos < v->r16[lo - 1].end;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Restart points of section SEC: record bounds, 16-bit range bounds and
 * symbols, the section end, and EXTRA; sorted. */
static uint32_t *sync_points(struct vrun *v, unsigned sec, const struct u32vec *extra,
			     size_t *n)
{
	size_t cap = 2 * v->nsites + 2 * v->nr16 + v->e.nsyms + extra->n + 2, k = 0;
	uint32_t *p = malloc(cap * sizeof(*p));
	uint32_t base = v->e.eh->e_type == ET_REL ? 0 : v->e.sh[sec].sh_addr;
	if (!p)
		return NULL;
	for (size_t i = 0; i < v->nsites; i++)
		if (v->sites[i].sec == sec) {
			p[k++] = v->sites[i].start;
			p[k++] = v->sites[i].end;
		}
	for (size_t i = 0; i < v->nr16; i++)
		if (v->r16[i].sec == sec) {
			p[k++] = v->r16[i].start;
			p[k++] = v->r16[i].end;
		}
	for (unsigned i = 0; i < v->e.nsyms; i++) {
		const Elf32_Sym *y = &v->e.syms[i];
		if (y->st_shndx == sec && y->st_value >= base &&
		    y->st_value - base < v->e.sh[sec].sh_size)
			p[k++] = y->st_value - base;
	}
	for (size_t i = 0; i < extra->n; i++)
		p[k++] = extra->p[i];
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
	if ((s->bits == 16) != in16(v, s->sec, s->start)) {
		problem(v, "bad record %zu at %s: a %d-bit record ('%s %s') in %d-bit code",
			s->rec, w, s->bits, in->mnemonic, in->op_str, s->bits == 16 ? 32 : 16);
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

/* One pass over the section. Dead ranges (after a ud2, up to the next
 * restart point) go to DEAD, direct branch targets to TARGETS; REPORT:
 * this is the final pass, which counts and prints. */
struct pass {
	unsigned sec;
	const uint32_t *sync;
	size_t nsync;
	bool report;
	struct u32vec dead, targets;	/* dead: start, end pairs */
};

static bool is_ud2(const cs_insn *in)
{
	return !strcmp(in->mnemonic, "ud2") || !strcmp(in->mnemonic, "ud2a");
}

static void dead_range(struct vrun *v, struct pass *ps, uint32_t a, uint32_t b,
		       const unsigned char *code)
{
	if (!ps->report) {
		vec_push(&ps->dead, a);
		vec_push(&ps->dead, b);
		return;
	}
	uint32_t o = a;
	while (o < b && (code[o] == 0xcc || code[o] == AFTERBURN_NOP || code[o] == 0))
		o++;
	if (o == b)
		return;		/* alignment fill (int3, nop, zero) */
	char w[256];
	where(v, ps->sec, a, w, sizeof(w));
	v->st->dead_ranges++;
	v->st->dead_bytes += b - a;
	if (v->out)
		fprintf(v->out, "skipped %s: %u bytes after ud2 that no symbol, record, "
			"branch or reference reaches (data in code?)\n", w, b - a);
}

/* A sensitive instruction no record covers, at POS. */
static void uncovered(struct vrun *v, unsigned sec, uint32_t pos, const cs_insn *in, int cls)
{
	char w[256];
	where(v, sec, pos, w, sizeof(w));
	v->st->uncovered[cls]++;
	problem(v, "uncovered %s at %s: %s %s", ab_classes[cls].name, w, in->mnemonic,
		in->op_str);
}

static void sweep_pass(struct vrun *v, struct pass *ps, cs_insn *in)
{
	unsigned sec = ps->sec;
	const Elf32_Shdr *sh = &v->e.sh[sec];
	const unsigned char *code = elf32_secdata(&v->e, sec);
	size_t si = 0, ri = 0;
	uint32_t pos = 0;
	while (ri < v->nsites && v->sites[ri].sec < sec)
		ri++;
	while (pos < sh->sh_size) {
		while (si < ps->nsync && ps->sync[si] <= pos)
			si++;
		uint32_t next = si < ps->nsync ? ps->sync[si] : sh->sh_size;
		while (ri < v->nsites && v->sites[ri].sec == sec && v->sites[ri].start < pos)
			ri++;
		const struct ab_site_ref *s = ri < v->nsites && v->sites[ri].sec == sec &&
				       v->sites[ri].start == pos ? &v->sites[ri] : NULL;
		bool b16 = in16(v, sec, pos);
		/* A site may open with nops (interrupt-shadow forms): no
		   sensitive instruction starts with 0x90. */
		uint32_t lead = 0;
		while (s && pos + lead < s->end && code[pos + lead] == AFTERBURN_NOP)
			lead++;
		const uint8_t *p = code + pos + lead;
		size_t left = (s ? s->end : next) - pos - lead;
		uint64_t addr = pos + lead;
		bool ok = left > 0 && cs_disasm_iter(b16 ? v->h16 : v->h32, &p, &left, &addr, in);
		if (s) {
			if (ps->report)
				check_site(v, s, ok ? in : NULL, lead, code);
			pos = s->end;
			ri++;
			continue;
		}
		if (!ok) {	/* data or padding the decoder rejects */
			if (ps->report)
				v->st->skipped++;
			pos++;
			continue;
		}
		uint32_t t;
		if (ab_branch_target(in->mnemonic, in->op_str, &t))
			vec_push(&ps->targets, t);
		if (ps->report) {
			v->st->insns++;
			v->st->insns16 += b16;
			int cls = classify_insn(in);
			if (cls >= 0)
				uncovered(v, sec, pos, in, cls);
		}
		pos += in->size;
		if (is_ud2(in) && pos < next) {
			dead_range(v, ps, pos, next, code);
			pos = next;
		}
	}
}

/* Anchors (targets, references) at or inside a dead range of PS become
 * restart points in EXTRA; returns how many were new. */
static size_t resync(const struct pass *ps, const uint32_t *refs, size_t nrefs,
		     struct u32vec *extra)
{
	size_t added = 0;
	for (size_t d = 0; d + 1 < ps->dead.n; d += 2) {
		uint32_t a = ps->dead.p[d], b = ps->dead.p[d + 1], best = b;
		for (size_t i = 0; i < ps->targets.n; i++)
			if (ps->targets.p[i] >= a && ps->targets.p[i] < best)
				best = ps->targets.p[i];
		for (size_t i = 0; i < nrefs; i++)
			if (refs[i] >= a && refs[i] < best)
				best = refs[i];
		if (best < b && vec_push(extra, best))
			added++;
	}
	return added;
}

static void sweep(struct vrun *v, unsigned sec)
{
	struct u32vec extra = { 0 };
	size_t nrefs = 0;
	uint32_t *refs = ab_anchors(&v->e, sec, &nrefs);
	cs_insn *in = cs_malloc(v->h32);
	if (!in || !elf32_secdata(&v->e, sec))
		goto out;
	/* Each round can only add restart points inside dead ranges, the
	   first one in each; a bounded number of rounds reaches the fixpoint
	   for real code (a chain of ud2s in one range is rare). */
	bool last = false;
	for (int round = 0;; round++) {
		struct pass ps = { .sec = sec, .report = last };
		uint32_t *sync = sync_points(v, sec, &extra, &ps.nsync);
		if (!sync)
			break;
		ps.sync = sync;
		sweep_pass(v, &ps, in);
		if (!last && (round == 15 || !resync(&ps, refs, nrefs, &extra)))
			last = true;
		free(ps.dead.p);
		free(ps.targets.p);
		free(sync);
		if (ps.report)
			break;
	}
out:
	if (in)
		cs_free(in, 1);
	free(extra.p);
	free(refs);
}

int ab_verify(const char *path, FILE *out, struct ab_vstats *st)
{
	struct vrun v = { .out = out, .st = st };
	char err[128];
	memset(st, 0, sizeof(*st));
	if (elf32_load(path, &v.e, err, sizeof(err)) < 0) {
		if (out)
			fprintf(out, "%s: %s\n", path, err);
		elf32_free(&v.e);
		return -1;
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_32, &v.h32) != CS_ERR_OK) {
		elf32_free(&v.e);
		return -1;
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_16, &v.h16) != CS_ERR_OK) {
		cs_close(&v.h32);
		elf32_free(&v.e);
		return -1;
	}
	cs_option(v.h32, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	cs_option(v.h16, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	load_records(&v);
	for (unsigned i = 1; i < v.e.nsec; i++) {
		const Elf32_Shdr *s = &v.e.sh[i];
		if ((s->sh_flags & SHF_EXECINSTR) && s->sh_type == SHT_PROGBITS)
			sweep(&v, i);
	}
	st->bad_records = (unsigned)v.problems;
	for (int c = 0; c < AB_CLASS_COUNT; c++)
		st->bad_records -= st->uncovered[c];
	cs_close(&v.h32);
	cs_close(&v.h16);
	free(v.sites);
	free(v.r16);
	elf32_free(&v.e);
	return v.problems;
}

size_t ab_sites(const struct elf32 *e, struct ab_site_ref **sites, unsigned *bad)
{
	struct ab_vstats st;
	struct vrun v = { .e = *e, .st = &st };
	memset(&st, 0, sizeof(st));
	load_records(&v);
	free(v.r16);
	*sites = v.sites;
	*bad = (unsigned)v.problems;
	return v.nsites;
}
