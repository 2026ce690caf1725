/* See harness.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <capstone/capstone.h>
#include "classify.h"
#include "harness.h"

static char tmp_dir[256];

/* Remove the scratch directory at exit (AFTERBURN_TEST_KEEP=1 keeps it). */
static void remove_tmp_dir(void)
{
	char cmd[300];
	const char *keep = getenv("AFTERBURN_TEST_KEEP");
	if (tmp_dir[0] && !(keep && *keep)) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmp_dir);
	}
}

const char *tmp_path(const char *name)
{
	static char path[512];
	char *dir = tmp_dir;
	if (!dir[0]) {
		snprintf(dir, sizeof(tmp_dir), "/tmp/afterburn-test-XXXXXX");
		if (!mkdtemp(dir))
			fail_msg("mkdtemp failed");
		atexit(remove_tmp_dir);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

void burn_text(const char *in, struct burned *b)
{
	burn_buf(in, strlen(in), b);
}

void burn_buf(const char *in, size_t len, struct burned *b)
{
	struct ab_ctx c;
	memset(b, 0, sizeof(*b));
	FILE *out = open_memstream(&b->out, &b->outlen);
	FILE *err = open_memstream(&b->err, &b->errlen);
	assert_non_null(out);
	assert_non_null(err);
	ab_ctx_init(&c, err);
	const char *name = "test.s";
	ab_burn_unit(&c, 1, &name, &in, &len, out);
	fclose(out);
	fclose(err);
	b->errors = c.errors;
	b->sites = c.sites;
	b->dynamic_sites = c.dynamic_sites;
	memcpy(b->per_class, c.per_class, sizeof(b->per_class));
	ab_ctx_fini(&c);
}

void burned_free(struct burned *b)
{
	free(b->out);
	free(b->err);
	memset(b, 0, sizeof(*b));
}

int assemble(const char *src, size_t len, const char *obj)
{
	char spath[600], opath[600], cmd[2048];
	const char *as = getenv("AFTERBURN_REAL_AS");
	snprintf(spath, sizeof(spath), "%s", tmp_path("input.s"));
	snprintf(opath, sizeof(opath), "%s", tmp_path(obj));
	FILE *f = fopen(spath, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(src, 1, len, f), len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s --32 -o %s %s", as && *as ? as : "i686-linux-gnu-as",
		 opath, spath);
	int rc = system(cmd);
	return rc == 0 ? 0 : (rc == -1 ? -1 : WEXITSTATUS(rc) ? WEXITSTATUS(rc) : 1);
}

/* One decoded instruction. */
struct insn {
	uint32_t off;
	uint8_t bytes[16];
	uint8_t size;
	char text[224];
};

/* Relative branches (short/near jcc, jmp, call, loop, jcxz): their
 * encoding legitimately changes when padding moves the target. */
static int is_rel_branch(const struct insn *i)
{
	size_t k = 0;
	while (k < i->size && (i->bytes[k] == 0x66 || i->bytes[k] == 0x67 ||
			       i->bytes[k] == 0x2e || i->bytes[k] == 0x3e))
		k++;
	if (k >= i->size)
		return 0;
	uint8_t b = i->bytes[k];
	if ((b >= 0x70 && b <= 0x7f) || (b >= 0xe0 && b <= 0xe3) || b == 0xe8 ||
	    b == 0xe9 || b == 0xeb)
		return 1;
	return b == 0x0f && k + 1 < i->size && i->bytes[k + 1] >= 0x80 && i->bytes[k + 1] <= 0x8f;
}

/* Decode section SEC; of a site keep only its instruction (the first one
 * after any leading nops of an interrupt-shadow site). */
static size_t decode(const struct elf32 *e, unsigned sec, const struct ab_site_ref *s,
		     size_t ns, struct insn **out)
{
	csh h;
	const uint8_t *code = elf32_secdata(e, sec);
	uint32_t size = e->sh[sec].sh_size, pos = 0;
	size_t n = 0, cap = 64, si = 0;
	struct insn *v = malloc(cap * sizeof(*v));
	assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_32, &h), CS_ERR_OK);
	cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	cs_insn *in = cs_malloc(h);
	while (pos < size) {
		while (si < ns && (s[si].sec != sec || s[si].start < pos))
			si++;
		int site = si < ns && s[si].start == pos;
		uint32_t limit = site ? s[si].end : si < ns ? s[si].start : size;
		uint32_t at = pos;	/* the instruction: after a shadow site's nops */
		while (site && at < limit && code[at] == AFTERBURN_NOP)
			at++;
		const uint8_t *p = code + at;
		size_t left = limit - at;
		uint64_t addr = at;
		if (n == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		if (!cs_disasm_iter(h, &p, &left, &addr, in)) {
			/* undecodable byte: keep it so the comparison sees it */
			v[n].off = at;
			v[n].size = 1;
			v[n].bytes[0] = at < size ? code[at] : 0;
			snprintf(v[n].text, sizeof(v[n].text), ".byte 0x%02x", v[n].bytes[0]);
			n++;
			pos = site ? s[si].end : pos + 1;
			continue;
		}
		v[n].off = at;
		v[n].size = (uint8_t)in->size;
		memcpy(v[n].bytes, in->bytes, in->size);
		snprintf(v[n].text, sizeof(v[n].text), "%s %s", in->mnemonic, in->op_str);
		n++;
		pos = site ? s[si].end : pos + in->size;
	}
	cs_free(in, 1);
	cs_close(&h);
	*out = v;
	return n;
}

/* Bytes of SEC not touched by relocations. */
static uint8_t *reloc_mask(const struct elf32 *e, unsigned sec)
{
	uint8_t *m = calloc(e->sh[sec].sh_size + 4, 1);
	for (unsigned i = 1; i < e->nsec; i++) {
		const Elf32_Shdr *r = &e->sh[i];
		if (r->sh_type != SHT_REL || r->sh_info != sec)
			continue;
		const Elf32_Rel *rel = (const Elf32_Rel *)elf32_secdata(e, i);
		for (size_t j = 0; j < r->sh_size / sizeof(*rel); j++)
			if (rel[j].r_offset < e->sh[sec].sh_size)
				memset(m + rel[j].r_offset, 1, 4);
	}
	return m;
}

/* Same encoding, ignoring the bytes relocations will fill in (label
 * addresses move when sites are padded). */
static int same_bytes(const struct insn *x, const uint8_t *mx, const struct insn *y,
		      const uint8_t *my)
{
	if (x->size != y->size || strcspn(x->text, " ") != strcspn(y->text, " ") ||
	    strncmp(x->text, y->text, strcspn(x->text, " ")))
		return 0;
	for (unsigned k = 0; k < x->size; k++)
		if (!mx[x->off + k] && !my[y->off + k] && x->bytes[k] != y->bytes[k])
			return 0;
	return 1;
}

static void compare_objects(const struct elf32 *a, const struct elf32 *b)
{
	struct ab_site_ref *sa, *sb;
	unsigned bad;
	size_t nsa = ab_sites(a, &sa, &bad);
	assert_int_equal(nsa, 0);	/* the plain input has no records */
	size_t nsb = ab_sites(b, &sb, &bad);
	assert_int_equal(bad, 0);
	for (unsigned i = 1; i < a->nsec; i++) {
		const Elf32_Shdr *s = &a->sh[i];
		const char *name = elf32_secname(a, i);
		if (!(s->sh_flags & SHF_ALLOC) || s->sh_type != SHT_PROGBITS)
			continue;
		int j = elf32_find(b, name);
		assert_true(j > 0);
		if (s->sh_flags & SHF_EXECINSTR) {
			struct insn *ia, *ib;
			size_t na = decode(a, i, sa, 0, &ia);
			size_t nb = decode(b, (unsigned)j, sb, nsb, &ib);
			uint8_t *ma = reloc_mask(a, i), *mb = reloc_mask(b, (unsigned)j);
			for (size_t k = 0; k < na && k < nb; k++) {
				int same = is_rel_branch(&ia[k])
					? strncmp(ia[k].text, ib[k].text, strcspn(ia[k].text, " ")) == 0
					: same_bytes(&ia[k], ma, &ib[k], mb);
				if (!same)
					fail_msg("%s: instruction %zu differs: '%s' became '%s'",
						 name, k, ia[k].text, ib[k].text);
			}
			assert_int_equal(na, nb);
			free(ma);
			free(mb);
			free(ia);
			free(ib);
		} else {
			assert_int_equal(s->sh_size, b->sh[j].sh_size);
			uint8_t *m = reloc_mask(a, i);
			const uint8_t *da = elf32_secdata(a, i), *db = elf32_secdata(b, (unsigned)j);
			for (uint32_t k = 0; k < s->sh_size; k++)
				if (!m[k] && da[k] != db[k])
					fail_msg("data section %s differs at 0x%x", name, k);
			free(m);
		}
	}
	free(sa);
	free(sb);
}

void check_roundtrip(const char *in, int expect, struct ab_vstats *st)
{
	struct burned b;
	struct ab_vstats plain, out;
	struct elf32 ea, eb;
	char err[128];
	burn_text(in, &b);
	if (b.errors)
		fail_msg("afterburn errors:\n%s", b.err);
	assert_int_equal(assemble(in, strlen(in), "plain.o"), 0);
	if (assemble(b.out, b.outlen, "burned.o") != 0)
		fail_msg("output does not assemble:\n%s", b.out);
	assert_true(ab_verify(tmp_path("plain.o"), NULL, &plain) >= 0);
	int problems = ab_verify(tmp_path("burned.o"), stderr, &out);
	if (problems != 0)
		fail_msg("afterburn-verify: %d problems in\n%s", problems, b.out);
	unsigned total = 0;
	for (int c = 0; c < AB_CLASS_COUNT; c++) {
		if (out.covered[c] != plain.uncovered[c])
			fail_msg("class %s: %u sensitive in the input, %u sites in the output",
				 ab_classes[c].name, plain.uncovered[c], out.covered[c]);
		total += out.covered[c];
	}
	if (expect >= 0)
		assert_int_equal(total, (unsigned)expect);
	assert_int_equal(elf32_load(tmp_path("plain.o"), &ea, err, sizeof(err)), 0);
	assert_int_equal(elf32_load(tmp_path("burned.o"), &eb, err, sizeof(err)), 0);
	compare_objects(&ea, &eb);
	elf32_free(&ea);
	elf32_free(&eb);
	if (st)
		*st = out;
	burned_free(&b);
}
