/*
 * The site rewriter against Capstone: every form of forms.S, padded as the
 * afterburner pads its class, is rewritten and the result disassembled by
 * Capstone (an independent decoder); the instruction sequence, absolute
 * and relative targets, the lea's effective address (compared with
 * Capstone's decoding of the ORIGINAL instruction), the nop fill and the
 * refusals are checked. Trap mode: ud2 followed by the original bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <capstone/capstone.h>
#include "rewrite.h"
#include "vcpu.h"

#define NAME(id, match, pad, shortest, rewrite, mnem) { #id, pad, rewrite },
static const struct { const char *name; unsigned pad, rewrite; } cls[] = {
	AFTERBURN_CLASSES(NAME)
};
#undef NAME

#define SITE 0xC0101000u	/* link address of the fake sites */
static const struct rw_syms syms = {
	.vif = 0xFC800010, .sti_hook = 0xFC800014, .sti_ret = 0xFC000080, .veflags = 0xFC800020,
	.cr = { 0xFC800030, 0, 0xFC800038, 0xFC80003c, 0xFC800040 },
	.burn = { 0xFC000100, 0xFC000200, 0xFC000300, 0xFC000400, 0xFC000500,
		  0xFC000600, 0xFC000700, 0xFC000800, 0xFC000900 },
	.io_imm = { { 0xFC001000, 0xFC001010, 0xFC001020 },
		    { 0xFC001030, 0xFC001040, 0xFC001050 } },
	.io_dx = { { 0xFC001060, 0xFC001070, 0xFC001080 },
		   { 0xFC001090, 0xFC0010a0, 0xFC0010b0 } },
	.generic_base = 0xFC010000,
};

static csh cs;

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

static unsigned class_of(const char *name)
{
	for (unsigned i = 0; i < AB_CLASS_COUNT; i++)
		if (!strcmp(cls[i].name, name))
			return i;
	fail_msg("unknown class %s", name);
	return 0;
}

/* Capstone's decoding of one instruction at buf (must be exactly one). */
static cs_insn *dis1(const uint8_t *b, size_t n, uint32_t addr)
{
	cs_insn *in;
	size_t k = cs_disasm(cs, b, n, addr, 1, &in);

	if (k != 1)
		fail_msg("capstone cannot decode at %#x", addr);
	return in;
}

static int cap_gpr(x86_reg r)
{
	static const x86_reg g[] = { X86_REG_EAX, X86_REG_ECX, X86_REG_EDX, X86_REG_EBX,
				     X86_REG_ESP, X86_REG_EBP, X86_REG_ESI, X86_REG_EDI };
	if (r == X86_REG_INVALID)
		return -1;
	for (int i = 0; i < 8; i++)
		if (g[i] == r)
			return i;
	return -2;
}

static const cs_x86_op *cap_mem(cs_insn *in)
{
	for (int i = 0; i < in->detail->x86.op_count; i++)
		if (in->detail->x86.operands[i].type == X86_OP_MEM)
			return &in->detail->x86.operands[i];
	return NULL;
}

struct walk {
	const uint8_t *b;
	unsigned len, at;
};

static cs_insn *next(struct walk *w, unsigned id)
{
	cs_insn *in;

	assert_true(w->at < w->len);
	in = dis1(w->b + w->at, w->len - w->at, SITE + w->at);
	if (in->id != id)
		fail_msg("site %#x+%u: expected insn %u, got %s %s", SITE, w->at, id,
			 in->mnemonic, in->op_str);
	w->at += in->size;
	return in;
}

static void expect_branch(struct walk *w, unsigned id, uint32_t target)
{
	cs_insn *in = next(w, id);

	assert_int_equal(in->detail->x86.operands[0].type, X86_OP_IMM);
	assert_int_equal((uint32_t)in->detail->x86.operands[0].imm, target);
	cs_free(in, 1);
}

static void expect_nops(struct walk *w)
{
	while (w->at < w->len) {
		cs_insn *in = next(w, X86_INS_NOP);
		assert_int_equal(in->size, 1);
		cs_free(in, 1);
	}
}

static void expect_reg(struct walk *w, unsigned id, x86_reg reg)
{
	cs_insn *in = next(w, id);

	assert_int_equal(in->detail->x86.operands[0].type, X86_OP_REG);
	assert_int_equal(in->detail->x86.operands[0].reg, reg);
	cs_free(in, 1);
}

/* One instruction with a memory operand at base+disp (X86_REG_INVALID:
   absolute) of the given size and, if imm_op >= 0, that operand's imm. */
static void expect_mem(struct walk *w, unsigned id, x86_reg base, uint32_t disp, unsigned size,
		       int imm_op, uint32_t imm)
{
	cs_insn *in = next(w, id);
	const cs_x86_op *m = cap_mem(in);

	assert_non_null(m);
	assert_int_equal(m->mem.base, base);
	assert_int_equal(m->mem.index, X86_REG_INVALID);
	assert_int_equal((uint32_t)m->mem.disp, disp);
	assert_int_equal(m->size, size);
	if (imm_op >= 0)
		assert_int_equal((uint32_t)in->detail->x86.operands[imm_op].imm, imm);
	cs_free(in, 1);
}

/* The inline popf (rewrite.c build_popf), instruction by instruction. */
static void check_popf(struct walk *w)
{
	cs_insn *in;

	expect_mem(w, X86_INS_PUSH, X86_REG_ESP, 0, 4, -1, 0);
	expect_mem(w, X86_INS_AND, X86_REG_ESP, 0, 4, 1, EF_VIRT);
	expect_mem(w, X86_INS_POP, X86_REG_INVALID, syms.veflags, 4, -1, 0);
	expect_mem(w, X86_INS_AND, X86_REG_ESP, 0, 4, 1, EF_REAL | EF_IF | EF_RSV1);
	expect_mem(w, X86_INS_TEST, X86_REG_ESP, 1, 1, 1, EF_IF >> 8);
	expect_mem(w, X86_INS_SETNE, X86_REG_INVALID, syms.vif, 1, -1, 0);
	expect_mem(w, X86_INS_CMP, X86_REG_INVALID, syms.sti_hook, 4, 1, syms.sti_ret);
	in = next(w, X86_INS_JE);
	assert_int_equal((uint32_t)in->detail->x86.operands[0].imm, SITE + w->at + RW_LEN_CALL);
	cs_free(in, 1);
	expect_branch(w, X86_INS_CALL, syms.burn[RW_BURN_POPF]);
	cs_free(next(w, X86_INS_POPFD), 1);
	assert_int_equal(w->at, RW_LEN_POPF);
}

static uint32_t stub(const struct dec_insn *d, int mem)
{
	unsigned reg = 0;

	/* The first register operand (memory forms have exactly one). */
	for (unsigned i = d->nops; i-- > 0;)
		if (d->ops[i].kind == DEC_K_GPR || d->ops[i].kind == DEC_K_SREG)
			reg = (unsigned)d->ops[i].reg & 7;
	return syms.generic_base + RW_ID(d->op, d->opsize == 2, mem, reg) * RW_STUB_STRIDE;
}

static unsigned n_forms, n_refused, per_form[RW_F_NONE + 1];

/* Check the PREVIRT replacement of one site against the original bytes. */
static void check_previrt(const uint8_t *orig, unsigned ilen, const uint8_t *b, unsigned len,
			  const struct dec_insn *d)
{
	struct walk w = { b, len, 0 };
	cs_insn *in, *o;
	const cs_x86_op *om, *nm;

	per_form[rw_form_of(d)]++;
	switch (rw_form_of(d)) {
	case RW_F_CLI:
	case RW_F_STI:
		in = next(&w, X86_INS_MOV);
		nm = cap_mem(in);
		assert_non_null(nm);
		assert_int_equal(nm->mem.base, X86_REG_INVALID);
		assert_int_equal((uint32_t)nm->mem.disp, syms.vif);
		assert_int_equal(nm->size, 1);
		assert_int_equal(in->detail->x86.operands[1].imm, d->op == DEC_STI);	/* Intel order */
		cs_free(in, 1);
		if (d->op == DEC_STI) {
			in = next(&w, X86_INS_CALL);
			nm = cap_mem(in);
			assert_non_null(nm);
			assert_int_equal((uint32_t)nm->mem.disp, syms.sti_hook);
			assert_int_equal(nm->mem.base, X86_REG_INVALID);
			cs_free(in, 1);
		}
		break;
	case RW_F_PUSHF:
		expect_reg(&w, X86_INS_PUSH, X86_REG_EAX);
		expect_branch(&w, X86_INS_CALL, syms.burn[RW_BURN_PUSHF]);
		break;
	case RW_F_POPF:
		check_popf(&w);
		break;
	case RW_F_CALL:
		expect_branch(&w, X86_INS_CALL, syms.burn[RW_BURN_HLT]);
		break;
	case RW_F_JMP:
		expect_branch(&w, X86_INS_CALL, syms.burn[d->op == DEC_IRET ? RW_BURN_IRET : RW_BURN_LRET]);
		break;
	case RW_F_LRET_IMM:
		in = next(&w, X86_INS_PUSH);
		assert_int_equal(in->detail->x86.operands[0].imm, d->ops[0].imm);
		cs_free(in, 1);
		expect_branch(&w, X86_INS_CALL, syms.burn[RW_BURN_LRET_IMM]);
		break;
	case RW_F_IO: {
		unsigned sz = 1, out = d->op == DEC_OUT || d->op == DEC_OUTS;
		int imm = -1;
		uint32_t target;

		for (unsigned i = 0; i < d->nops; i++) {
			if (d->ops[i].kind == DEC_K_IMM)
				imm = (int)d->ops[i].imm;
			if (d->ops[i].kind == DEC_K_MEM || (d->ops[i].kind == DEC_K_GPR && d->ops[i].reg == 0))
				sz = d->ops[i].size;
		}
		in = next(&w, X86_INS_PUSH);
		if (d->op == DEC_INS || d->op == DEC_OUTS) {
			uint8_t info = (uint8_t)in->detail->x86.operands[0].imm;
			assert_int_equal(info & RW_IO_OUT, out);
			assert_int_equal(info & 6, RW_IO_SIZE(sz));
			assert_int_equal(!!(info & RW_IO_REP), !!(d->prefixes & DEC_PFX_REP));
			assert_int_equal(info >> 4, d->seg == DEC_NOREG ? 0 : d->seg + 1);
			target = syms.burn[RW_BURN_IO_STR];
		} else if (imm >= 0) {
			assert_int_equal((uint8_t)in->detail->x86.operands[0].imm, imm);
			target = syms.io_imm[out][sz == 1 ? 0 : sz == 2 ? 1 : 2];
		} else {
			assert_int_equal((uint8_t)in->detail->x86.operands[0].imm, RW_IO_INFO(out, sz, 0));
			target = syms.io_dx[out][sz == 1 ? 0 : sz == 2 ? 1 : 2];
		}
		cs_free(in, 1);
		expect_branch(&w, X86_INS_CALL, target);
		in = next(&w, X86_INS_LEA);	/* lea 4(%esp),%esp */
		nm = cap_mem(in);
		assert_int_equal(nm->mem.base, X86_REG_ESP);
		assert_int_equal(nm->mem.disp, 4);
		assert_int_equal(in->detail->x86.operands[0].reg, X86_REG_ESP);
		cs_free(in, 1);
		break;
	}
	case RW_F_GEN_CALL:
		if (d->op == DEC_LJMP_PTR || d->op == DEC_LCALL_PTR) {
			in = next(&w, X86_INS_PUSH);
			assert_int_equal((uint32_t)in->detail->x86.operands[0].imm, d->ops[1].imm);
			cs_free(in, 1);
			in = next(&w, X86_INS_PUSH);
			assert_int_equal((uint32_t)in->detail->x86.operands[0].imm, d->ops[0].imm);
			cs_free(in, 1);
		}
		expect_branch(&w, X86_INS_CALL, stub(d, 0));
		break;
	case RW_F_GEN:
		in = next(&w, X86_INS_PUSH);
		assert_int_equal(in->detail->x86.operands[0].reg, X86_REG_EAX);
		cs_free(in, 1);
		o = dis1(orig, ilen, SITE);
		om = cap_mem(o);
		if (om) {
			/* lea must compute the original operand's address: same
			   base/index/scale, displacement +4 when based on %esp
			   (the site pushed %eax first). */
			in = next(&w, X86_INS_LEA);
			nm = cap_mem(in);
			assert_int_equal(in->detail->x86.operands[0].reg, X86_REG_EAX);
			assert_int_equal(cap_gpr(nm->mem.base), cap_gpr(om->mem.base));
			assert_int_equal(cap_gpr(nm->mem.index), cap_gpr(om->mem.index));
			if (om->mem.index != X86_REG_INVALID)
				assert_int_equal(nm->mem.scale, om->mem.scale);
			assert_int_equal((int32_t)nm->mem.disp,
					 (int32_t)om->mem.disp + (om->mem.base == X86_REG_ESP ? 4 : 0));
			cs_free(in, 1);
			expect_branch(&w, X86_INS_CALL, stub(d, 1));
		} else {
			in = next(&w, X86_INS_MOV);
			assert_int_equal(in->detail->x86.operands[0].reg, X86_REG_EAX);
			assert_int_equal((uint32_t)in->detail->x86.operands[1].imm,
					 RW_REGS(d->ops[0].reg, d->ops[0].kind, d->nops > 1 ? d->ops[1].reg : 0,
						 d->nops > 1 ? d->ops[1].kind : 0));
			cs_free(in, 1);
			expect_branch(&w, X86_INS_CALL, stub(d, 0));
		}
		cs_free(o, 1);
		in = next(&w, X86_INS_POP);
		assert_int_equal(in->detail->x86.operands[0].reg, X86_REG_EAX);
		cs_free(in, 1);
		break;
	case RW_F_CR_READ: {
		/* movl vcpu.crN, %reg: the original's register, N's field. */
		static const x86_reg crs[] = { X86_REG_CR0, X86_REG_INVALID, X86_REG_CR2,
					       X86_REG_CR3, X86_REG_CR4 };
		o = dis1(orig, ilen, SITE);
		in = next(&w, X86_INS_MOV);
		nm = cap_mem(in);
		assert_non_null(nm);
		assert_int_equal(nm->mem.base, X86_REG_INVALID);
		assert_int_equal(nm->mem.index, X86_REG_INVALID);
		assert_int_equal(nm->size, 4);
		assert_int_equal(in->detail->x86.operands[0].reg, o->detail->x86.operands[0].reg);
		assert_true(d->ops[0].reg >= 0 && d->ops[0].reg <= 4 && d->ops[0].reg != 1);
		assert_int_equal(o->detail->x86.operands[1].reg, crs[d->ops[0].reg]);
		assert_int_equal((uint32_t)nm->mem.disp, syms.cr[d->ops[0].reg]);
		cs_free(in, 1);
		cs_free(o, 1);
		break;
	}
	case RW_F_NONE:
		fail_msg("form NONE");
	}
	expect_nops(&w);
}

/* Refusals are only for the documented unsupported forms. */
static int expected_refusal(const struct dec_insn *d)
{
	if (d->opsize == 2 && (d->op == DEC_PUSHF || d->op == DEC_POPF || d->op == DEC_IRET ||
			       d->op == DEC_LRET || d->op == DEC_LRET_IMM))
		return 1;
	for (unsigned i = 0; rw_form_of(d) == RW_F_GEN && i < d->nops; i++)
		if (d->ops[i].kind == DEC_K_MEM &&
		    (d->ops[i].mem.seg == DEC_SEG_FS || d->ops[i].mem.seg == DEC_SEG_GS))
			return 1;
	return 0;
}

static void test_forms(void **state)
{
	static uint8_t text[8192], tbl[16384];
	size_t nt = slurp(FORMS_TEXT, text, sizeof(text)), nb = slurp(FORMS_TBL, tbl, sizeof(tbl));
	unsigned covered[AB_CLASS_COUNT] = { 0 };

	(void)state;
	for (size_t off = 0; off + 9 <= nb;) {
		uint32_t start, end;
		memcpy(&start, tbl + off, 4);
		memcpy(&end, tbl + off + 4, 4);
		const char *name = (const char *)tbl + off + 8;
		off = (off + 8 + strlen(name) + 1 + 3) & ~(size_t)3;
		assert_true(start < end && end <= nt);

		unsigned c = class_of(name), ilen = end - start, len = ilen + cls[c].pad;
		uint8_t site[64], orig[64];
		struct dec_insn d;
		struct rw_result r;

		memcpy(orig, text + start, ilen);
		memset(orig + ilen, AFTERBURN_NOP, cls[c].pad);
		memcpy(site, orig, len);
		n_forms++;
		int rc = rw_site(site, len, SITE, &syms, RW_PREVIRT, &r, &d);
		if (rc) {
			if (!expected_refusal(&d))
				fail_msg("%s form at forms+%#x refused: %s", name, start, r.why);
			assert_int_equal(r.site, SITE);
			assert_non_null(r.why);
			assert_memory_equal(site, orig, len);	/* untouched */
			n_refused++;
		} else {
			if (expected_refusal(&d))
				fail_msg("%s form at forms+%#x should be refused (op %s)", name, start, dec_op_name(d.op));
			assert_int_equal(d.cls, c);
			assert_true(r.used <= len);
			/* Within the class's planned size, except the forms with
			   immediates (far pointer, lret $n), whose sites are longer
			   than the class's shortest. */
			if (d.op != DEC_LJMP_PTR && d.op != DEC_LCALL_PTR && d.op != DEC_LRET_IMM &&
			    r.used > cls[c].rewrite)
				fail_msg("%s form at forms+%#x: %u bytes > planned %u", name, start,
					 r.used, cls[c].rewrite);
			check_previrt(orig, ilen, site, len, &d);
			covered[c]++;

			/* One byte less than the replacement: refused, untouched. */
			if (r.used > ilen) {
				memcpy(site, orig, r.used - 1);
				struct rw_result r2;
				assert_int_equal(rw_rewrite(site, r.used - 1, SITE, &d, &syms, RW_PREVIRT, &r2), -1);
				assert_int_equal(r2.site, SITE);
				assert_non_null(strstr(r2.why, "too small"));
				assert_memory_equal(site, orig, r.used - 1);
			}
		}

		/* Trap mode: ud2, the original instruction, nops; for the
		   interrupt-shadow forms nops first, so the instruction after
		   the emulated one is the guest's next. */
		memcpy(site, orig, len);
		assert_int_equal(rw_site(site, len, SITE, &syms, RW_TRAP, &r, &d), 0);
		unsigned at = orig[0] == AFTERBURN_NOP ? len - 2 - ilen : 0;
		assert_int_equal(r.trap_at, at);
		for (unsigned i = 0; i < at; i++)
			assert_int_equal(site[i], AFTERBURN_NOP);
		assert_int_equal(site[at], 0x0f);
		assert_int_equal(site[at + 1], 0x0b);
		assert_memory_equal(site + at + 2, orig, ilen);
		struct dec_insn d2;
		const char *why;
		assert_int_equal(dec_decode(site + at + 2, len - at - 2, &d2, &why), 0);
		assert_int_equal(d2.op, d.op);
		assert_int_equal(d2.len, d.len);
		struct walk w = { site, len, at + 2 + ilen };
		expect_nops(&w);
	}
	for (unsigned c = 0; c < AB_CLASS_COUNT; c++)
		if (!covered[c])
			fail_msg("class %s has no rewritten form", cls[c].name);
	printf("rewrite: %u forms, %u refused (16-bit flag/iret/lret, %%fs/%%gs operands)\n",
	       n_forms, n_refused);
	printf("rewrite: forms cli/sti %u, pushf %u, popf %u, call %u, jmp %u, lret$n %u, io %u, gen-call %u, cr-read %u, gen %u\n",
	       per_form[RW_F_CLI] + per_form[RW_F_STI], per_form[RW_F_PUSHF], per_form[RW_F_POPF],
	       per_form[RW_F_CALL], per_form[RW_F_JMP],
	       per_form[RW_F_LRET_IMM], per_form[RW_F_IO], per_form[RW_F_GEN_CALL], per_form[RW_F_CR_READ], per_form[RW_F_GEN]);
}

/* Every addressing shape of the lea encoder, checked by Capstone. */
static void test_lea_shapes(void **state)
{
	static const int32_t disps[] = { 0, 4, -4, 127, 128, -128, -129, 0x12345678 };
	(void)state;
	for (int base = -1; base < 8; base++)
		for (int index = -1; index < 8; index++) {
			if (index == 4)
				continue;
			for (unsigned s = 1; s <= 8; s <<= 1)
				for (unsigned k = 0; k < sizeof(disps) / sizeof(disps[0]); k++) {
					struct dec_mem m = { (int8_t)base, (int8_t)index, (uint8_t)s,
							     DEC_NOREG, disps[k] };
					uint8_t b[16];
					unsigned n = rw_encode_lea(&m, 4, b);
					assert_true(n >= 2 && n <= 7);
					cs_insn *in = dis1(b, n, 0);
					assert_int_equal(in->size, n);
					const cs_x86_op *o = cap_mem(in);
					assert_int_equal(cap_gpr(o->mem.base), base);
					assert_int_equal(cap_gpr(o->mem.index), index);
					if (index >= 0)
						assert_int_equal(o->mem.scale, (int)s);
					assert_int_equal((int32_t)o->mem.disp, disps[k] + (base == 4 ? 4 : 0));
					cs_free(in, 1);
				}
		}
}

static void test_refusals(void **state)
{
	uint8_t b[16];
	struct rw_result r;
	(void)state;

	/* Undecodable: "mov %eax,%ebx" is not sensitive. */
	memcpy(b, "\x89\xc3\x90\x90\x90\x90\x90", 7);
	assert_int_equal(rw_site(b, 7, 0x1234, &syms, RW_PREVIRT, &r, NULL), -1);
	assert_int_equal(r.site, 0x1234);
	assert_non_null(r.why);
	/* cli without its padding. */
	b[0] = 0xfa;
	assert_int_equal(rw_site(b, 1, 0x5678, &syms, RW_PREVIRT, &r, NULL), -1);
	assert_int_equal(r.site, 0x5678);
	assert_non_null(strstr(r.why, "too small"));
	assert_int_equal(b[0], 0xfa);
	/* Trap mode needs 2 more bytes than the instruction. */
	assert_int_equal(rw_site(b, 2, 0x5678, &syms, RW_TRAP, &r, NULL), -1);
	/* Something other than padding after the instruction. */
	memcpy(b, "\xfa\x90\x90\xc3\x90\x90\x90", 7);
	assert_int_equal(rw_site(b, 7, 0x9abc, &syms, RW_PREVIRT, &r, NULL), -1);
	assert_int_equal(r.site, 0x9abc);
}

/* Interrupt-shadow forms: padding before the instruction (sti, mov to
   %ss); the replacement starts at the site start, nops after it. */
static void test_padding_before(void **state)
{
	uint8_t b[32];
	struct rw_result r;
	struct dec_insn d;
	cs_insn *in;
	(void)state;

	memset(b, AFTERBURN_NOP, 12);
	b[12] = 0xfb;					/* 12 nops; sti */
	assert_int_equal(rw_site(b, 13, SITE, &syms, RW_PREVIRT, &r, &d), 0);
	assert_int_equal(d.op, DEC_STI);
	in = dis1(b, 13, SITE);
	assert_int_equal(in->id, X86_INS_MOV);
	assert_int_equal(in->size, 7);
	cs_free(in, 1);
	in = dis1(b + 7, 6, SITE + 7);
	assert_int_equal(in->id, X86_INS_CALL);
	cs_free(in, 1);
	/* 12 nops; mov %eax,%ss: generic, 12 bytes, then 2 nops */
	memset(b, AFTERBURN_NOP, 12);
	b[12] = 0x8e; b[13] = 0xd0;
	assert_int_equal(rw_site(b, 14, SITE, &syms, RW_PREVIRT, &r, &d), 0);
	assert_int_equal(b[0], 0x50);
	assert_int_equal(b[12], AFTERBURN_NOP);
	assert_int_equal(b[13], AFTERBURN_NOP);
	/* trap mode keeps the padding first: ud2 + sti end the site */
	memset(b, AFTERBURN_NOP, 12);
	b[12] = 0xfb;
	assert_int_equal(rw_site(b, 13, SITE, &syms, RW_TRAP, &r, &d), 0);
	assert_int_equal(r.trap_at, 10);
	assert_memory_equal(b, "\x90\x90\x90\x90\x90\x90\x90\x90\x90\x90\x0f\x0b\xfb", 13);
	/* padding before a class without a shadow is not the afterburner's */
	memset(b, AFTERBURN_NOP, 6);
	b[6] = 0xfa;
	assert_int_equal(rw_site(b, 7, SITE, &syms, RW_PREVIRT, &r, &d), -1);
	assert_non_null(strstr(r.why, "shadow"));
	assert_int_equal(b[6], 0xfa);
}

static int setup(void **state)
{
	(void)state;
	if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK)
		return -1;
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cs_close(&cs);
	return 0;
}

/*
 * The geometry the frontend reads off a site's return address
 * (rewrite.h, RW_BACK_*, RW_AFTER_*) against what the rewriter emits:
 * the call found by Capstone, its return address ret, the site start at
 * ret - back and the instruction after the call's epilogue at ret + after.
 */
static void check_geometry(const char *bytes, unsigned ilen, unsigned back, unsigned after,
			   uint8_t after_op)
{
	uint8_t b[RW_MAX_SITE];
	unsigned len = ilen + 20, call_end = 0;
	struct rw_result r;
	struct dec_insn di;
	cs_insn *in;
	size_t n;

	memset(b, 0x90, sizeof(b));
	memcpy(b, bytes, ilen);
	assert_int_equal(rw_site(b, len, SITE, &syms, RW_PREVIRT, &r, &di), 0);
	n = cs_disasm(cs, b, r.used, SITE, 0, &in);
	for (size_t i = 0; i < n; i++)
		if (in[i].id == X86_INS_CALL)
			call_end = (unsigned)(in[i].address + in[i].size - SITE);
	cs_free(in, n);
	assert_int_not_equal(call_end, 0);
	assert_int_equal(call_end, back);			/* site start = ret - back */
	assert_int_equal(r.used, call_end + after);		/* the normal resume point */
	if (after)
		assert_int_equal(b[call_end], after_op);
}

/* The memory form's back distance depends on the lea's length. */
static unsigned gen_mem_back(const char *bytes, unsigned ilen)
{
	struct dec_insn di;
	const char *why;
	uint8_t lea[16];

	assert_int_equal(dec_decode((const uint8_t *)bytes, ilen, &di, &why), 0);
	for (unsigned i = 0; i < di.nops; i++)
		if (di.ops[i].kind == DEC_K_MEM)
			return RW_BACK_GEN_MEM(rw_encode_lea(&di.ops[i].mem, 4, lea));
	fail_msg("no memory operand");
	return 0;
}

static void test_geometry(void **state)
{
	static const char *mem_forms[] = {
		"\x0f\x01\x38",				/* invlpg (%eax): lea 2 */
		"\x0f\x01\x7c\x24\x04",			/* invlpg 4(%esp): lea 4 */
		"\x0f\x01\xbc\xb3\x78\x56\x34\x12",	/* invlpg 0x12345678(%ebx,%esi,4): lea 7 */
		"\x0f\x01\x15\x00\x10\x00\x00",		/* lgdt 0x1000: lea 6 */
	};
	static const unsigned mem_len[] = { 3, 5, 8, 7 };
	(void)state;

	check_geometry("\x0f\x22\xd8", 3, RW_BACK_GEN_REG, RW_AFTER_GEN, OP_POP_EAX);	/* mov %eax,%cr3 */
	for (unsigned i = 0; i < sizeof(mem_len) / sizeof(mem_len[0]); i++)
		check_geometry(mem_forms[i], mem_len[i], gen_mem_back(mem_forms[i], mem_len[i]),
			       RW_AFTER_GEN, OP_POP_EAX);
	check_geometry("\xe4\x60", 2, RW_BACK_PUSH8, RW_AFTER_IO, OP_LEA);		/* in $0x60,%al */
	check_geometry("\xee", 1, RW_BACK_PUSH8, RW_AFTER_IO, OP_LEA);		/* out %al,(%dx) */
	check_geometry("\xca\x08\x00", 3, RW_BACK_PUSH8, 0, 0);			/* lret $8 */
	check_geometry("\xea\x78\x56\x34\x12\x10\x00", 7, RW_BACK_FARPTR, 0, 0);	/* ljmp $0x10,$0x12345678 */
	check_geometry("\xcf", 1, RW_BACK_CALL, 0, 0);				/* iret */
	check_geometry("\x9c", 1, RW_BACK_PUSHF, 0, 0);			/* pushf */
	check_geometry("\x0f\x09", 2, RW_BACK_CALL, 0, 0);			/* wbinvd */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_lea_shapes),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_padding_before),
		cmocka_unit_test(test_geometry),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
