/*
 * The sensitive-set decoder against Capstone as the independent oracle.
 * A sweep over every one- and two-byte opcode, every ModRM byte, a set of
 * SIB bytes and prefixes: Capstone disassembles the bytes, the class table
 * of include/afterburn_classes.h (mnemonic lists and operand match rules,
 * the afterburner's own definition of "sensitive") says which class that
 * instruction belongs to, and our decoder must agree on acceptance,
 * class, length and every operand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <capstone/capstone.h>
#include "decode.h"

static const struct { int match; const char *mnem; } classes[] = {
#define ROW(id, match, pad, shortest, rewrite, mnem) { match, " " mnem " " },
	AFTERBURN_CLASSES(ROW)
#undef ROW
};

static csh cs;
static unsigned n_checked, n_accepted, n_mismatch;
static unsigned per_class[AB_CLASS_COUNT];

static bool is_seg(x86_reg r)
{
	return r == X86_REG_CS || r == X86_REG_DS || r == X86_REG_ES ||
	       r == X86_REG_FS || r == X86_REG_GS || r == X86_REG_SS;
}

/* The class the afterburner's table assigns to what Capstone decoded. */
static int oracle_class(const cs_insn *in)
{
	const cs_x86 *x = &in->detail->x86;
	char m[64], key[70];
	const char *mn = in->mnemonic;
	bool cr = false, dr = false, seg = false;
	unsigned imms = 0;

	for (const char *p; (p = strchr(mn, ' ')); )
		mn = p + 1;	/* drop "rep " and friends */
	snprintf(m, sizeof(m), "%s", mn);
	snprintf(key, sizeof(key), " %s ", m);
	for (int i = 0; i < x->op_count; i++) {
		const cs_x86_op *o = &x->operands[i];
		if (o->type == X86_OP_REG) {
			cr |= o->reg >= X86_REG_CR0 && o->reg <= X86_REG_CR15;
			dr |= o->reg >= X86_REG_DR0 && o->reg <= X86_REG_DR15;
			seg |= is_seg(o->reg);
		}
		imms += o->type == X86_OP_IMM;
	}
	for (unsigned c = 0; c < AB_CLASS_COUNT; c++) {
		if (!strstr(classes[c].mnem, key))
			continue;
		switch (classes[c].match) {
		case AB_MATCH_ANY: return (int)c;
		case AB_MATCH_CR: if (cr) return (int)c; break;
		case AB_MATCH_DR: if (dr) return (int)c; break;
		case AB_MATCH_SEG: if (seg) return (int)c; break;
		case AB_MATCH_FAR: if (m[0] == 'l' || imms == 2) return (int)c; break;
		}
	}
	return -1;
}

static const char *gpr_name(int r, unsigned size)
{
	static const char *n32[] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
	static const char *n16[] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
	static const char *n8[] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
	return size == 1 ? n8[r] : size == 2 ? n16[r] : n32[r];
}

static const char *sreg_name(int r)
{
	static const char *n[] = { "es", "cs", "ss", "ds", "fs", "gs" };
	return r < 0 ? "(none)" : n[r];
}

static void opname(const struct dec_operand *o, char *buf, size_t n)
{
	switch (o->kind) {
	case DEC_K_GPR: snprintf(buf, n, "%s", gpr_name(o->reg, o->size)); break;
	case DEC_K_SREG: snprintf(buf, n, "%s", sreg_name(o->reg)); break;
	case DEC_K_CREG: snprintf(buf, n, "cr%d", o->reg); break;
	case DEC_K_DREG: snprintf(buf, n, "dr%d", o->reg); break;
	case DEC_K_IMM: snprintf(buf, n, "$%x", o->imm); break;
	case DEC_K_MEM:
		snprintf(buf, n, "%s:%x(%s,%s,%d)", sreg_name(o->mem.seg), (uint32_t)o->mem.disp,
			 o->mem.base < 0 ? "(none)" : gpr_name(o->mem.base, 4),
			 o->mem.index < 0 ? "(none)" : gpr_name(o->mem.index, 4), o->mem.scale);
		break;
	default: snprintf(buf, n, "?");
	}
}

static void csname(const cs_x86_op *o, char *buf, size_t n)
{
	switch (o->type) {
	case X86_OP_REG: snprintf(buf, n, "%s", cs_reg_name(cs, o->reg)); break;
	case X86_OP_IMM: snprintf(buf, n, "$%x", (uint32_t)o->imm); break;
	case X86_OP_MEM: {
		/* Capstone names the implicit ES of ins; the default DS is none. */
		const char *seg = o->mem.segment == X86_REG_INVALID ? "(none)" : cs_reg_name(cs, o->mem.segment);
		snprintf(buf, n, "%s:%x(%s,%s,%d)", seg, (uint32_t)o->mem.disp,
			 o->mem.base ? cs_reg_name(cs, o->mem.base) : "(none)",
			 o->mem.index ? cs_reg_name(cs, o->mem.index) : "(none)",
			 o->mem.index ? o->mem.scale : 1);
		break;
	}
	default: snprintf(buf, n, "?");
	}
}

static void hex(const uint8_t *b, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/*
 * Encodings where the hardware and Capstone disagree (Capstone decodes an
 * encoding the CPU raises #UD on); the decoder follows the hardware. Also
 * the forms the decoder refuses by design: LOCK (#UD on all of the set)
 * and the address-size prefix (16-bit addressing, never emitted by a
 * 32-bit guest build for these instructions).
 */
static bool hardware_ud(const uint8_t *b, unsigned plen, const cs_insn *in)
{
	const cs_x86 *x = &in->detail->x86;
	const uint8_t *op = b + plen;

	(void)plen;
	for (op = b; op < b + in->size; op++) {
		if (*op == 0x67 || *op == 0xf0)
			return true;	/* by design: see dec_decode() */
		if (!strchr("\x66\xf2\xf3\x26\x2e\x36\x3e\x64\x65", *op))
			break;
	}

	for (int i = 0; i < x->op_count; i++) {
		x86_reg r = x->operands[i].reg;
		if (x->operands[i].type == X86_OP_REG &&
		    (r == X86_REG_CR1 || (r >= X86_REG_CR5 && r <= X86_REG_CR15)))
			return true;	/* only cr0, cr2-4 exist */
	}
	if (op[0] == 0x8e && ((op[1] >> 3) & 7) == 1)
		return true;		/* mov to %cs */
	return false;
}

/*
 * Capstone 4 quirks, checked against the SDM: it drops a 66 prefix that
 * precedes F2/F3 (66 f3 ed is "in %dx,%ax" on hardware) and refuses a
 * segment override on invpcid. Such encodings are skipped and counted.
 */
static unsigned n_quirk;

static bool capstone_quirk(const uint8_t *b, unsigned n)
{
	bool o16 = false;

	for (unsigned i = 0; i < n; i++) {
		if (b[i] == 0x66)
			o16 = true;
		else if ((b[i] == 0xf2 || b[i] == 0xf3) && o16)
			return true;
		else if (b[i] == 0x0f)
			return i + 2 < n && b[i + 1] == 0x38 && b[i + 2] == 0x82;
		else if (!strchr("\x26\x2e\x36\x3e\x64\x65\xf2\xf3", b[i]))
			return false;
	}
	return false;
}

static void check(const uint8_t *b, unsigned n, unsigned plen)
{
	cs_insn *in;
	size_t k = cs_disasm(cs, b, n, 0x1000, 1, &in);
	int want = k ? oracle_class(in) : -1;
	struct dec_insn d;
	const char *why = 0;
	int rc = dec_decode(b, n, &d, &why);
	char hx[40];

	n_checked++;
	if (k && want >= 0 && hardware_ud(b, plen, in))
		want = -1;
	if (capstone_quirk(b, n)) {
		n_quirk++;
		if (k)
			cs_free(in, k);
		return;
	}
	if ((rc == 0) != (want >= 0)) {
		hex(b, k ? in->size : 6, hx);
		if (n_mismatch++ < 20)
			fprintf(stderr, "%s: capstone '%s %s' class %d, decoder %s (%s)\n", hx,
				k ? in->mnemonic : "-", k ? in->op_str : "", want,
				rc ? "rejects" : "accepts", rc ? why : dec_op_name(d.op));
		goto out;
	}
	if (rc)
		goto out;
	n_accepted++;
	per_class[d.cls]++;
	const cs_x86 *x = &in->detail->x86;
	bool same = d.cls == (unsigned)want && d.len == in->size && d.nops == x->op_count;
	char mine[200] = "", theirs[200] = "";
	for (unsigned i = 0; same && i < d.nops; i++) {
		char a[64], c2[64];
		opname(&d.ops[i], a, sizeof(a));
		csname(&x->operands[i], c2, sizeof(c2));
		strcat(mine, a); strcat(mine, " ");
		strcat(theirs, c2); strcat(theirs, " ");
		same = !strcmp(a, c2);
	}
	if (!same) {
		hex(b, in->size, hx);
		if (n_mismatch++ < 20)
			fprintf(stderr, "%s: capstone '%s %s' cls %d len %d [%s] vs decoder %s cls %d len %d [%s]\n",
				hx, in->mnemonic, in->op_str, want, in->size, theirs,
				dec_op_name(d.op), d.cls, d.len, mine);
	}
out:
	if (k)
		cs_free(in, k);
}

static void test_sweep_against_capstone(void **state)
{
	static const uint8_t pfx[][3] = {
		{ 0 }, { 1, 0x66 }, { 1, 0x64 }, { 1, 0x2e }, { 2, 0x66, 0x26 }, { 1, 0xf3 },
	};
	static const uint8_t sibs[] = { 0x00, 0x24, 0x25, 0x65, 0xe3, 0x5d, 0x8c };
	uint8_t b[20];

	(void)state;
	assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_32, &cs), CS_ERR_OK);
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	for (unsigned p = 0; p < sizeof(pfx) / sizeof(pfx[0]); p++) {
		unsigned pl = pfx[p][0];
		for (unsigned two = 0; two < 2; two++) {
			for (unsigned op = 0; op < 256; op++) {
				for (unsigned m = 0; m < 256; m++) {
					bool rep = pl == 1 && pfx[p][1] == 0xf3;
					unsigned nsib = (m & 7) == 4 && (m >> 6) != 3 ? sizeof(sibs) : 1;
					/* rep only where it means something */
					if (rep && !(two ? op == 0x09 : (op >= 0x6c && op <= 0x6f)))
						continue;
					for (unsigned s = 0; s < nsib; s++) {
						unsigned i = 0;
						for (unsigned j = 0; j < pl; j++)
							b[i++] = pfx[p][1 + j];
						unsigned plen = i;
						if (two)
							b[i++] = 0x0f;
						b[i++] = (uint8_t)op;
						b[i++] = (uint8_t)m;
						b[i++] = sibs[s];
						static const uint8_t tail[] = { 0x78, 0x56, 0x34, 0x12, 0x10, 0x00, 0x9a, 0xbc, 0xde, 0xf0, 0x11 };
						memcpy(b + i, tail, sizeof(tail));
						i += sizeof(tail);
						check(b, i > 15 ? 15 : i, plen);
					}
				}
			}
		}
	}
	/* Three-byte: invpcid. */
	static const uint8_t invpcid[] = { 0x66, 0x0f, 0x38, 0x82, 0x08 };
	check(invpcid, sizeof(invpcid), 1);
	fprintf(stderr, "checked %u encodings, %u sensitive, %u skipped as Capstone quirks; per class:",
		n_checked, n_accepted, n_quirk);
	for (unsigned c = 0; c < AB_CLASS_COUNT; c++)
		fprintf(stderr, " %u", per_class[c]);
	fprintf(stderr, "\n");
	cs_close(&cs);
	assert_int_equal(n_mismatch, 0);
	/* Every class was reached by the sweep. */
	for (unsigned c = 0; c < AB_CLASS_COUNT; c++)
		assert_true(per_class[c] > 0);
}

/* Exact operand decoding of a few hand-encoded forms. */
static void test_known_forms(void **state)
{
	struct dec_insn d;
	const char *why;
	(void)state;

	/* invlpg 0x12345678(%ebx,%esi,4) padded to a 14-byte site */
	static const uint8_t a[] = { 0x0f, 0x01, 0xbc, 0xb3, 0x78, 0x56, 0x34, 0x12, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90 };
	assert_int_equal(dec_decode(a, sizeof(a), &d, &why), 0);
	assert_int_equal(d.cls, AB_CLASS_INVLPG);
	assert_int_equal(d.len, 8);
	assert_int_equal(d.ops[0].kind, DEC_K_MEM);
	assert_int_equal(d.ops[0].mem.base, 3);
	assert_int_equal(d.ops[0].mem.index, 6);
	assert_int_equal(d.ops[0].mem.scale, 4);
	assert_int_equal(d.ops[0].mem.disp, 0x12345678);
	/* The site ends before the displacement does: rejected. */
	assert_int_equal(dec_decode(a, 6, &d, &why), -1);
	assert_non_null(strstr(why, "past the site"));
	/* outw %ax, $0x21 */
	static const uint8_t b[] = { 0x66, 0xe7, 0x21 };
	assert_int_equal(dec_decode(b, 3, &d, &why), 0);
	assert_int_equal(d.op, DEC_OUT);
	assert_int_equal(d.ops[1].imm, 0x21);
	assert_int_equal(d.ops[0].size, 2);
	/* rep outsb %fs:(%esi), %dx */
	static const uint8_t c[] = { 0xf3, 0x64, 0x6e };
	assert_int_equal(dec_decode(c, 3, &d, &why), 0);
	assert_true(d.prefixes & DEC_PFX_REP);
	assert_int_equal(d.ops[0].mem.seg, DEC_SEG_FS);
	/* Rejections: not sensitive, lock, 16-bit addressing. */
	static const uint8_t r1[] = { 0x0f, 0x31 }, r2[] = { 0xcd, 0x80 }, r3[] = { 0xf0, 0x0f, 0x01, 0x10 },
		r4[] = { 0x67, 0x0f, 0x01, 0x10 }, r5[] = { 0x89, 0xd8 }, r6[] = { 0xcc };
	assert_int_equal(dec_decode(r1, 2, &d, &why), -1);
	assert_int_equal(dec_decode(r2, 2, &d, &why), -1);
	assert_int_equal(dec_decode(r3, 4, &d, &why), -1);
	assert_int_equal(dec_decode(r4, 4, &d, &why), -1);
	assert_int_equal(dec_decode(r5, 2, &d, &why), -1);
	assert_int_equal(dec_decode(r6, 1, &d, &why), -1);
	/* Every class's shortest encoding fits the class's declared size. */
	static const uint8_t cli[] = { 0xfa };
	assert_int_equal(dec_decode(cli, 1, &d, &why), 0);
	assert_int_equal(d.cls, AB_CLASS_CLI);
}

static const char *const class_names[] = {
#define NAME(id, match, pad, shortest, rewrite, mnem) #id,
	AFTERBURN_CLASSES(NAME)
#undef NAME
};

static size_t slurp(const char *path, uint8_t *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, max, f);
	fclose(f);
	return n;
}

/* Forms assembled by i686-linux-gnu-as from forms.S: class and length
 * must match what the table row says, and Capstone must agree. */
static void test_assembled_forms(void **state)
{
	static uint8_t text[8192], tbl[16384];
	size_t nt = slurp(FORMS_TEXT, text, sizeof(text)), nb = slurp(FORMS_TBL, tbl, sizeof(tbl));
	unsigned rows = 0, covered[AB_CLASS_COUNT] = { 0 };

	(void)state;
	assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_32, &cs), CS_ERR_OK);
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	n_mismatch = 0;
	for (size_t off = 0; off + 9 <= nb; rows++) {
		uint32_t start, end;
		memcpy(&start, tbl + off, 4);
		memcpy(&end, tbl + off + 4, 4);
		const char *name = (const char *)tbl + off + 8;
		off = (off + 8 + strlen(name) + 1 + 3) & ~(size_t)3;
		assert_true(start < end && end <= nt);

		struct dec_insn d;
		const char *why;
		int rc = dec_decode(text + start, end - start, &d, &why);
		if (rc)
			fail_msg("%s at %#x: rejected: %s", name, start, why);
		if (strcmp(class_names[d.cls], name) || d.len != end - start)
			fail_msg("%s at %#x: decoded %s (%s) length %u, want length %u", name, start,
				 class_names[d.cls], dec_op_name(d.op), d.len, end - start);
		covered[d.cls]++;
		check(text + start, end - start, 0);	/* operands vs Capstone */
	}
	cs_close(&cs);
	assert_int_equal(n_mismatch, 0);
	assert_true(rows >= 90);
	for (unsigned c = 0; c < AB_CLASS_COUNT; c++)
		if (!covered[c])
			fail_msg("class %s has no assembled form", class_names[c]);
}

/* Random byte strings, prefix-heavy: no over-read (each buffer is exactly
 * avail bytes on the heap), and agreement with Capstone. */
static void test_random_bytes(void **state)
{
	static const uint8_t pick[] = { 0x66, 0xf3, 0x26, 0x64, 0x0f, 0x0f, 0x01, 0x00, 0x8c, 0x8e,
					0xff, 0xea, 0xe4, 0xec, 0x6c, 0x6f, 0xc4, 0xc5, 0x63, 0xcb };
	(void)state;
	assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_32, &cs), CS_ERR_OK);
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	n_mismatch = 0;
	srand(5);
	for (int i = 0; i < 300000; i++) {
		unsigned n = 1 + (unsigned)rand() % 15;
		uint8_t *b = malloc(n);
		for (unsigned j = 0; j < n; j++)
			b[j] = rand() & 1 ? pick[(unsigned)rand() % sizeof(pick)] : (uint8_t)rand();
		struct dec_insn d;
		const char *why;
		if (dec_decode(b, n, &d, &why) == 0)
			assert_true(d.len <= n);
		check(b, n, 0);
		free(b);
	}
	cs_close(&cs);
	assert_int_equal(n_mismatch, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_forms),
		cmocka_unit_test(test_sweep_against_capstone),
		cmocka_unit_test(test_assembled_forms),
		cmocka_unit_test(test_random_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
