/*
 * Decoder for the sensitive set (Intel SDM Vol. 2, 32-bit operand and
 * address size), driven by one table per opcode map that names each
 * opcode's instruction group and operation. Decoding never reads past the
 * site and never accepts what it cannot describe exactly.
 */
#include <stdbool.h>
#include "decode.h"

struct cursor {
	const uint8_t *b;
	unsigned n, avail;	/* avail <= DEC_MAX_LEN: one bound per byte */
	const char *why;
};

static int take(struct cursor *c, uint8_t *v)
{
	if (c->n >= c->avail) {
		c->why = "instruction runs past the site";
		return -1;
	}
	*v = c->b[c->n++];
	return 0;
}

static int take_le(struct cursor *c, unsigned bytes, uint32_t *v)
{
	uint8_t x;

	*v = 0;
	for (unsigned i = 0; i < bytes; i++) {
		if (take(c, &x))
			return -1;
		*v |= (uint32_t)x << (8 * i);
	}
	return 0;
}

static const char *const op_names[] = {
#define DEC_NAME(id, cls) #id,
	DEC_OPS(DEC_NAME)
#undef DEC_NAME
};

static const uint8_t op_class[] = {
#define DEC_CLS(id, cls) AB_CLASS_##cls,
	DEC_OPS(DEC_CLS)
#undef DEC_CLS
};

const char *dec_op_name(enum dec_op op)
{
	return (unsigned)op < DEC_OP_COUNT ? op_names[op] : "?";
}

static void reg_op(struct dec_operand *o, uint8_t kind, int reg, uint8_t size)
{
	*o = (struct dec_operand){ .kind = kind, .reg = (int8_t)reg, .size = size };
	o->mem.base = o->mem.index = o->mem.seg = DEC_NOREG;
}

static void imm_op(struct dec_operand *o, uint32_t imm, uint8_t size)
{
	reg_op(o, DEC_K_IMM, DEC_NOREG, size);
	o->imm = imm;
}

/*
 * ModRM (+SIB, +disp) with 32-bit addressing. The r/m operand goes to
 * *rm: a GPR of rsize if mod == 3, else memory of msize. *reg gets the
 * reg field; *mod the mod field.
 */
static int modrm(struct cursor *c, int8_t seg, uint8_t rsize, uint8_t msize,
		 struct dec_operand *rm, unsigned *reg, unsigned *mod)
{
	uint8_t m, sib;
	uint32_t disp = 0;
	unsigned r;

	if (take(c, &m))
		return -1;
	*mod = m >> 6;
	*reg = (m >> 3) & 7;
	r = m & 7;
	if (*mod == 3) {
		reg_op(rm, DEC_K_GPR, (int)r, rsize);
		return 0;
	}
	reg_op(rm, DEC_K_MEM, DEC_NOREG, msize);
	rm->mem.scale = 1;
	rm->mem.seg = seg;
	if (r == 4) {
		if (take(c, &sib))
			return -1;
		/* Index 4 means none; a scale without an index means nothing. */
		if (((sib >> 3) & 7) != 4) {
			rm->mem.index = (int8_t)((sib >> 3) & 7);
			rm->mem.scale = (uint8_t)(1u << (sib >> 6));
		}
		r = sib & 7;
		if (r == 5 && *mod == 0) {
			if (take_le(c, 4, &disp))
				return -1;
		} else {
			rm->mem.base = (int8_t)r;
		}
	} else if (r == 5 && *mod == 0) {
		if (take_le(c, 4, &disp))
			return -1;
	} else {
		rm->mem.base = (int8_t)r;
	}
	if (*mod == 1) {
		if (take_le(c, 1, &disp))
			return -1;
		disp = (uint32_t)(int32_t)(int8_t)disp;
	} else if (*mod == 2) {
		if (take_le(c, 4, &disp))
			return -1;
	}
	rm->mem.disp = (int32_t)disp;
	return 0;
}

static int reject(struct cursor *c, const char *why)
{
	c->why = why;
	return -1;
}

/* A memory-only form (mod != 3). */
static int mem_only(struct cursor *c, struct dec_insn *d, uint8_t msize, unsigned *reg)
{
	unsigned mod;

	if (modrm(c, d->seg, d->opsize, msize, &d->ops[0], reg, &mod))
		return -1;
	if (mod == 3)
		return reject(c, "register operand where memory is required (#UD)");
	return 0;
}

/* --- instruction groups -------------------------------------------------
 * Each opcode map has a table: opcode -> {group, operation}. The group
 * says how the bytes after the opcode become operands; the operation is
 * the one the opcode names, or a placeholder when the ModRM reg field
 * picks it (the "Grp" rows of SDM Vol. 2, Table A-6).
 */
enum dec_group {
	G_NONE,		/* not in the sensitive set */
	G_BARE,		/* no operands */
	G_IN_IMM, G_OUT_IMM,	/* in/out, port imm8 */
	G_IN_DX, G_OUT_DX,	/* in/out, port %dx */
	G_INS, G_OUTS,
	G_MOV_FROM_SEG, G_MOV_TO_SEG,
	G_SEG_STACK,	/* push/pop es cs ss ds (the sreg is opcode bits 3-4) */
	G_FSGS_STACK,	/* push/pop fs gs (0f a0/a1/a8/a9) */
	G_LOAD_FAR,	/* lds les lss lfs lgs */
	G_ARPL,
	G_FAR_PTR,	/* ljmp/lcall ptr16:32 */
	G_LRET_IMM,
	G_GRP5,		/* ff /3 /5: far call/jmp through memory */
	G_GRP6,		/* 0f 00 */
	G_GRP7,		/* 0f 01 */
	G_SEGCHK,	/* lar lsl */
	G_WBINVD,	/* 0f 09: f3 makes it wbnoinvd */
	G_MOV_CRDR,	/* 0f 20-23 */
	G_0F38,		/* 0f 38 82 invpcid */
	G_GRP9,		/* 0f c7 /3 /5 */
};

struct dec_entry {
	uint8_t group;	/* enum dec_group */
	uint8_t op;	/* enum dec_op */
};

#define E(g, o) { G_##g, DEC_##o }

static const struct dec_entry map_1[256] = {
	[0x06] = E(SEG_STACK, PUSH_SEG), [0x07] = E(SEG_STACK, POP_SEG),
	[0x0e] = E(SEG_STACK, PUSH_SEG),
	[0x16] = E(SEG_STACK, PUSH_SEG), [0x17] = E(SEG_STACK, POP_SEG),
	[0x1e] = E(SEG_STACK, PUSH_SEG), [0x1f] = E(SEG_STACK, POP_SEG),
	[0x63] = E(ARPL, ARPL),
	[0x6c] = E(INS, INS), [0x6d] = E(INS, INS),
	[0x6e] = E(OUTS, OUTS), [0x6f] = E(OUTS, OUTS),
	[0x8c] = E(MOV_FROM_SEG, MOV_FROM_SEG), [0x8e] = E(MOV_TO_SEG, MOV_TO_SEG),
	[0x9a] = E(FAR_PTR, LCALL_PTR),
	[0x9c] = E(BARE, PUSHF), [0x9d] = E(BARE, POPF),
	[0xc4] = E(LOAD_FAR, LES), [0xc5] = E(LOAD_FAR, LDS),
	[0xca] = E(LRET_IMM, LRET_IMM), [0xcb] = E(BARE, LRET),
	[0xcf] = E(BARE, IRET),
	[0xe4] = E(IN_IMM, IN), [0xe5] = E(IN_IMM, IN),
	[0xe6] = E(OUT_IMM, OUT), [0xe7] = E(OUT_IMM, OUT),
	[0xea] = E(FAR_PTR, LJMP_PTR),
	[0xec] = E(IN_DX, IN), [0xed] = E(IN_DX, IN),
	[0xee] = E(OUT_DX, OUT), [0xef] = E(OUT_DX, OUT),
	[0xf4] = E(BARE, HLT),
	[0xfa] = E(BARE, CLI), [0xfb] = E(BARE, STI),
	[0xff] = E(GRP5, LCALL_MEM),
};

static const struct dec_entry map_0f[256] = {
	[0x00] = E(GRP6, SLDT), [0x01] = E(GRP7, SGDT),
	[0x02] = E(SEGCHK, LAR), [0x03] = E(SEGCHK, LSL),
	[0x06] = E(BARE, CLTS), [0x07] = E(BARE, SYSRET),
	[0x08] = E(BARE, INVD), [0x09] = E(WBINVD, WBINVD),
	[0x20] = E(MOV_CRDR, MOV_FROM_CR), [0x21] = E(MOV_CRDR, MOV_FROM_DR),
	[0x22] = E(MOV_CRDR, MOV_TO_CR), [0x23] = E(MOV_CRDR, MOV_TO_DR),
	[0x30] = E(BARE, WRMSR), [0x32] = E(BARE, RDMSR), [0x33] = E(BARE, RDPMC),
	[0x34] = E(BARE, SYSENTER), [0x35] = E(BARE, SYSEXIT),
	[0x38] = E(0F38, INVPCID),
	[0xa0] = E(FSGS_STACK, PUSH_SEG), [0xa1] = E(FSGS_STACK, POP_SEG),
	[0xa2] = E(BARE, CPUID),
	[0xa8] = E(FSGS_STACK, PUSH_SEG), [0xa9] = E(FSGS_STACK, POP_SEG),
	[0xaa] = E(BARE, RSM),
	[0xb2] = E(LOAD_FAR, LSS), [0xb4] = E(LOAD_FAR, LFS), [0xb5] = E(LOAD_FAR, LGS),
	[0xc7] = E(GRP9, XSAVES),
};

#undef E

/*
 * The group handlers below are inlined into decode_op with constant
 * arguments: trap mode decodes every trapped instruction, and called out
 * of line they cost it ~30 instructions per port access (performance.md,
 * "The decoder split into instruction groups").
 */
#define GROUP static inline __attribute__((always_inline)) int

/* in/out with the port in an imm8 (e4-e7) or in %dx (ec-ef); bit 0 of the
 * opcode picks the byte or the operand-size accumulator. */
GROUP port_io(struct cursor *c, struct dec_insn *d, uint8_t op, bool imm, bool in)
{
	uint8_t wide = (op & 1) ? d->opsize : 1;
	unsigned port = in ? 0 : 1;
	uint32_t v;

	if (imm) {
		if (take_le(c, 1, &v))
			return -1;
		imm_op(&d->ops[port], v, 1);
	} else {
		reg_op(&d->ops[port], DEC_K_GPR, DEC_REG_EDX, 2);
	}
	reg_op(&d->ops[port ^ 1], DEC_K_GPR, 0, wide);
	d->nops = 2;
	return 0;
}

/* ins writes es:(%edi), whose ES cannot be overridden; outs reads
 * seg:(%esi) with the default or overriding segment. */
GROUP string_io(struct dec_insn *d, uint8_t op, bool ins)
{
	uint8_t wide = (op & 1) ? d->opsize : 1;
	unsigned mem = ins ? 1 : 0;

	reg_op(&d->ops[mem ^ 1], DEC_K_GPR, DEC_REG_EDX, 2);
	reg_op(&d->ops[mem], DEC_K_MEM, DEC_NOREG, wide);
	d->ops[mem].mem = mem ? (struct dec_mem){ 7, DEC_NOREG, 1, DEC_SEG_ES, 0 }
			      : (struct dec_mem){ 6, DEC_NOREG, 1, d->seg, 0 };
	d->nops = 2;
	return 0;
}

/* 8c mov sreg -> r/m16, 8e mov r/m16 -> sreg (never to %cs). */
GROUP mov_seg(struct cursor *c, struct dec_insn *d, bool to)
{
	unsigned reg, mod;

	if (modrm(c, d->seg, d->opsize, 2, &d->ops[to ? 0 : 1], &reg, &mod))
		return -1;
	if (to && (reg > 5 || reg == DEC_SEG_CS))
		return reject(c, "mov to %cs or segment register 6/7 (#UD)");
	if (reg > 5)
		return reject(c, "mov from segment register 6/7 (#UD)");
	reg_op(&d->ops[to ? 1 : 0], DEC_K_SREG, (int)reg, 2);
	d->nops = 2;
	return 0;
}

GROUP seg_stack(struct dec_insn *d, int sreg)
{
	reg_op(&d->ops[0], DEC_K_SREG, sreg, 2);
	d->nops = 1;
	return 0;
}

/* lds les lss lfs lgs: a far pointer in memory to a GPR and a sreg. */
GROUP load_far(struct cursor *c, struct dec_insn *d)
{
	unsigned reg;

	if (mem_only(c, d, (uint8_t)(d->opsize + 2), &reg))
		return -1;
	reg_op(&d->ops[1], DEC_K_GPR, (int)reg, d->opsize);
	d->nops = 2;
	return 0;
}

GROUP arpl(struct cursor *c, struct dec_insn *d)
{
	unsigned reg, mod;

	if (modrm(c, d->seg, 2, 2, &d->ops[1], &reg, &mod))
		return -1;
	reg_op(&d->ops[0], DEC_K_GPR, (int)reg, 2);
	d->nops = 2;
	return 0;
}

/* ljmp/lcall ptr16:32: the offset, then the selector. */
GROUP far_ptr(struct cursor *c, struct dec_insn *d)
{
	uint32_t v, sel;

	if (take_le(c, d->opsize, &v) || take_le(c, 2, &sel))
		return -1;
	imm_op(&d->ops[0], sel, 2);
	imm_op(&d->ops[1], v, d->opsize);
	d->nops = 2;
	return 0;
}

GROUP lret_imm(struct cursor *c, struct dec_insn *d)
{
	uint32_t v;

	if (take_le(c, 2, &v))
		return -1;
	imm_op(&d->ops[0], v, 2);
	d->nops = 1;
	return 0;
}

/* ff /3 lcall, /5 ljmp through memory; the other /r are not sensitive. */
GROUP grp5(struct cursor *c, struct dec_insn *d)
{
	unsigned reg, mod;

	if (modrm(c, d->seg, d->opsize, (uint8_t)(d->opsize + 2), &d->ops[0], &reg, &mod))
		return -1;
	if (reg != 3 && reg != 5)
		return reject(c, "ff /r other than far call/jmp: not sensitive");
	if (mod == 3)
		return reject(c, "far call/jmp through a register (#UD)");
	d->op = reg == 3 ? DEC_LCALL_MEM : DEC_LJMP_MEM;
	d->nops = 1;
	return 0;
}

/* 0f 00: sldt str lldt ltr verr verw. */
GROUP grp6(struct cursor *c, struct dec_insn *d)
{
	static const uint8_t ops[6] = { DEC_SLDT, DEC_STR, DEC_LLDT, DEC_LTR, DEC_VERR, DEC_VERW };
	struct dec_operand rm;
	unsigned reg, mod;

	if (modrm(c, d->seg, d->opsize, 2, &rm, &reg, &mod))
		return -1;
	if (reg > 5)
		return reject(c, "0f 00 /6 /7: not in the sensitive set");
	d->op = ops[reg];
	if (reg >= 2 && mod == 3)
		rm.size = 2;	/* selector sources are always 16-bit */
	d->ops[0] = rm;
	d->nops = 1;
	return 0;
}

/* 0f 01 with mod == 3 other than smsw/lmsw: the ModRM byte is the
 * instruction. */
GROUP grp7_reg(struct cursor *c, struct dec_insn *d, unsigned reg, int rm)
{
	switch (0xc0 | reg << 3 | (rm & 7)) {
	case 0xc8: d->op = DEC_MONITOR; return 0;
	case 0xc9: d->op = DEC_MWAIT; return 0;
	case 0xca: d->op = DEC_CLAC; return 0;
	case 0xcb: d->op = DEC_STAC; return 0;
	case 0xd1: d->op = DEC_XSETBV; return 0;
	default: return reject(c, "0f 01 register form not in the sensitive set");
	}
}

/* 0f 01: sgdt sidt lgdt lidt smsw lmsw invlpg, and the register forms. */
GROUP grp7(struct cursor *c, struct dec_insn *d)
{
	struct dec_operand rm;
	unsigned reg, mod;

	if (modrm(c, d->seg, d->opsize, 6, &rm, &reg, &mod))
		return -1;
	if (mod == 3 && reg != 4 && reg != 6)
		return grp7_reg(c, d, reg, rm.reg);
	switch (reg) {
	case 0: d->op = DEC_SGDT; break;
	case 1: d->op = DEC_SIDT; break;
	case 2: d->op = DEC_LGDT; break;
	case 3: d->op = DEC_LIDT; break;
	case 4: d->op = DEC_SMSW; rm.size = mod == 3 ? d->opsize : 2; break;
	case 6: d->op = DEC_LMSW; rm.size = 2; break;
	case 7: d->op = DEC_INVLPG; rm.size = 1; break;
	default: return reject(c, "0f 01 /5: not in the sensitive set");
	}
	d->ops[0] = rm;
	d->nops = 1;
	return 0;
}

/* lar lsl: a selector in r/m16 to a GPR. */
GROUP segchk(struct cursor *c, struct dec_insn *d)
{
	unsigned reg, mod;

	if (modrm(c, d->seg, d->opsize, 2, &d->ops[0], &reg, &mod))
		return -1;
	reg_op(&d->ops[1], DEC_K_GPR, (int)reg, d->opsize);
	d->nops = 2;
	return 0;
}

/* 0f 20-23: mov from/to cr (bit 1 clear/set), cr/dr (bit 0). mod is
 * ignored: the operand is always a register. */
GROUP mov_crdr(struct cursor *c, struct dec_insn *d, uint8_t op)
{
	unsigned reg;
	uint8_t x;

	if (take(c, &x))
		return -1;
	reg = (x >> 3) & 7;
	if (!(op & 1) && (reg == 1 || reg > 4))
		return reject(c, "mov to/from cr1/cr5-7 (#UD)");
	reg_op(&d->ops[0], (op & 1) ? DEC_K_DREG : DEC_K_CREG, (int)reg, 4);
	reg_op(&d->ops[1], DEC_K_GPR, x & 7, 4);
	d->nops = 2;
	if (op & 2) {	/* to the special register: GPR is the source */
		struct dec_operand t = d->ops[0];
		d->ops[0] = d->ops[1];
		d->ops[1] = t;
	}
	return 0;
}

/* 0f 38: only 66 0f 38 82 invpcid is sensitive. */
GROUP map_0f38(struct cursor *c, struct dec_insn *d)
{
	unsigned reg;
	uint8_t x;

	if (take(c, &x))
		return -1;
	if (x != 0x82 || !(d->prefixes & DEC_PFX_OPSIZE))
		return reject(c, "0f 38 xx: not in the sensitive set");
	d->opsize = 4;	/* the 66 is mandatory, not an operand size */
	if (mem_only(c, d, 16, &reg))
		return -1;
	reg_op(&d->ops[1], DEC_K_GPR, (int)reg, 4);
	d->nops = 2;
	return 0;
}

/* 0f c7 /3 xrstors, /5 xsaves (CPL 0 only); the other forms (cmpxchg8b,
 * xsavec, rdrand...) run the same in ring 1. */
GROUP grp9(struct cursor *c, struct dec_insn *d)
{
	unsigned reg;

	if (mem_only(c, d, 1, &reg))
		return -1;
	if (reg != 3 && reg != 5)
		return reject(c, "0f c7: not in the sensitive set");
	d->op = reg == 3 ? DEC_XRSTORS : DEC_XSAVES;
	d->nops = 1;
	return 0;
}

/*
 * One opcode through its map's table. rep/repne on anything but ins/outs
 * is ignored by the CPU; the flags are kept so the rewriter can tell.
 */
static int decode_op(struct cursor *c, struct dec_insn *d, const struct dec_entry *map,
		     uint8_t op)
{
	struct dec_entry e = map[op];

	d->op = e.op;
	switch (e.group) {
	case G_BARE: return 0;
	case G_IN_IMM: return port_io(c, d, op, true, true);
	case G_OUT_IMM: return port_io(c, d, op, true, false);
	case G_IN_DX: return port_io(c, d, op, false, true);
	case G_OUT_DX: return port_io(c, d, op, false, false);
	case G_INS: return string_io(d, op, true);
	case G_OUTS: return string_io(d, op, false);
	case G_MOV_FROM_SEG: return mov_seg(c, d, false);
	case G_MOV_TO_SEG: return mov_seg(c, d, true);
	case G_SEG_STACK: return seg_stack(d, op >> 3);
	case G_FSGS_STACK: return seg_stack(d, op < 0xa8 ? DEC_SEG_FS : DEC_SEG_GS);
	case G_LOAD_FAR: return load_far(c, d);
	case G_ARPL: return arpl(c, d);
	case G_FAR_PTR: return far_ptr(c, d);
	case G_LRET_IMM: return lret_imm(c, d);
	case G_GRP5: return grp5(c, d);
	case G_GRP6: return grp6(c, d);
	case G_GRP7: return grp7(c, d);
	case G_SEGCHK: return segchk(c, d);
	case G_WBINVD:
		if (d->prefixes & DEC_PFX_REP)
			d->op = DEC_WBNOINVD;
		return 0;
	case G_MOV_CRDR: return mov_crdr(c, d, op);
	case G_0F38: return map_0f38(c, d);
	case G_GRP9: return grp9(c, d);
	default:
		return reject(c, map == map_0f ? "0f opcode not in the sensitive set"
					       : "opcode not in the sensitive set");
	}
}


int dec_decode(const uint8_t *bytes, unsigned avail, struct dec_insn *out,
	       const char **why)
{
	struct cursor c = { bytes, 0, avail < DEC_MAX_LEN ? avail : DEC_MAX_LEN, "?" };
	struct dec_insn d = { 0 };
	const struct dec_entry *map;
	uint8_t b;

	d.seg = DEC_NOREG;
	d.opsize = 4;
	for (;;) {
		if (take(&c, &b))
			goto fail;
		switch (b) {
		case 0x66: d.prefixes |= DEC_PFX_OPSIZE; d.opsize = 2; continue;
		case 0xf3: d.prefixes |= DEC_PFX_REP; continue;
		case 0xf2: d.prefixes |= DEC_PFX_REPNE; continue;
		case 0x26: d.seg = DEC_SEG_ES; d.prefixes |= DEC_PFX_SEG; continue;
		case 0x2e: d.seg = DEC_SEG_CS; d.prefixes |= DEC_PFX_SEG; continue;
		case 0x36: d.seg = DEC_SEG_SS; d.prefixes |= DEC_PFX_SEG; continue;
		case 0x3e: d.seg = DEC_SEG_DS; d.prefixes |= DEC_PFX_SEG; continue;
		case 0x64: d.seg = DEC_SEG_FS; d.prefixes |= DEC_PFX_SEG; continue;
		case 0x65: d.seg = DEC_SEG_GS; d.prefixes |= DEC_PFX_SEG; continue;
		case 0xf0:
			c.why = "lock prefix (#UD on every sensitive instruction)";
			goto fail;
		case 0x67:
			c.why = "address-size prefix (16-bit addressing) not supported";
			goto fail;
		default:
			break;
		}
		break;
	}
	d.op = DEC_OP_COUNT;
	map = map_1;
	if (b == 0x0f) {	/* two-byte opcodes 0f xx */
		map = map_0f;
		if (take(&c, &b))
			goto fail;
	}
	if (decode_op(&c, &d, map, b))
		goto fail;
	d.len = (uint8_t)c.n;
	d.cls = op_class[d.op];
	*out = d;
	return 0;
fail:
	*why = c.why;
	return -1;
}
