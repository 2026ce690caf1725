/*
 * Table-free, switch-based decoder for the sensitive set (Intel SDM
 * Vol. 2, 32-bit operand and address size). Decoding never reads past
 * the site and never accepts what it cannot describe exactly.
 */
#include "decode.h"

struct cursor {
	const uint8_t *b;
	unsigned n, avail;
	const char *why;
};

static int take(struct cursor *c, uint8_t *v)
{
	if (c->n >= c->avail || c->n >= DEC_MAX_LEN) {
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

/* Two-byte opcodes 0F xx. */
static int decode_0f(struct cursor *c, struct dec_insn *d)
{
	uint8_t op, x;
	unsigned reg, mod;
	struct dec_operand rm;

	if (take(c, &op))
		return -1;
	switch (op) {
	case 0x00:
		if (modrm(c, d->seg, d->opsize, 2, &rm, &reg, &mod))
			return -1;
		if (reg > 5)
			return reject(c, "0f 00 /6 /7: not in the sensitive set");
		static const uint8_t grp6[6] = { DEC_SLDT, DEC_STR, DEC_LLDT, DEC_LTR, DEC_VERR, DEC_VERW };
		d->op = grp6[reg];
		if (reg >= 2 && mod == 3)
			rm.size = 2;	/* selector sources are always 16-bit */
		d->ops[0] = rm;
		d->nops = 1;
		return 0;
	case 0x01:
		if (modrm(c, d->seg, d->opsize, 6, &rm, &reg, &mod))
			return -1;
		if (mod == 3) {
			uint8_t m = (uint8_t)(0xc0 | reg << 3 | (rm.reg & 7));

			switch (m) {
			case 0xc8: d->op = DEC_MONITOR; return 0;
			case 0xc9: d->op = DEC_MWAIT; return 0;
			case 0xca: d->op = DEC_CLAC; return 0;
			case 0xcb: d->op = DEC_STAC; return 0;
			case 0xd1: d->op = DEC_XSETBV; return 0;
			default: break;
			}
			if (reg != 4 && reg != 6)
				return reject(c, "0f 01 register form not in the sensitive set");
		}
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
	case 0x02:
	case 0x03:
		d->op = op == 0x02 ? DEC_LAR : DEC_LSL;
		if (modrm(c, d->seg, d->opsize, 2, &d->ops[0], &reg, &mod))
			return -1;
		reg_op(&d->ops[1], DEC_K_GPR, (int)reg, d->opsize);
		d->nops = 2;
		return 0;
	case 0x06: d->op = DEC_CLTS; return 0;
	case 0x08: d->op = DEC_INVD; return 0;
	case 0x09: d->op = (d->prefixes & DEC_PFX_REP) ? DEC_WBNOINVD : DEC_WBINVD; return 0;
	case 0x20: case 0x21: case 0x22: case 0x23:
		/* mod is ignored: the operand is always a register. */
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
		static const uint8_t movs[4] = { DEC_MOV_FROM_CR, DEC_MOV_FROM_DR, DEC_MOV_TO_CR, DEC_MOV_TO_DR };
		d->op = movs[op & 3];
		return 0;
	case 0x30: d->op = DEC_WRMSR; return 0;
	case 0x32: d->op = DEC_RDMSR; return 0;
	case 0x33: d->op = DEC_RDPMC; return 0;
	case 0x34: d->op = DEC_SYSENTER; return 0;
	case 0x35: d->op = DEC_SYSEXIT; return 0;
	case 0x07: d->op = DEC_SYSRET; return 0;
	case 0xa2: d->op = DEC_CPUID; return 0;
	case 0xaa: d->op = DEC_RSM; return 0;
	case 0xa0: case 0xa8:
	case 0xa1: case 0xa9:
		d->op = (op & 1) ? DEC_POP_SEG : DEC_PUSH_SEG;
		reg_op(&d->ops[0], DEC_K_SREG, op < 0xa8 ? DEC_SEG_FS : DEC_SEG_GS, 2);
		d->nops = 1;
		return 0;
	case 0xb2: case 0xb4: case 0xb5:
		d->op = op == 0xb2 ? DEC_LSS : op == 0xb4 ? DEC_LFS : DEC_LGS;
		if (mem_only(c, d, (uint8_t)(d->opsize + 2), &reg))
			return -1;
		reg_op(&d->ops[1], DEC_K_GPR, (int)reg, d->opsize);
		d->nops = 2;
		return 0;
	case 0x38:
		if (take(c, &x))
			return -1;
		if (x != 0x82 || !(d->prefixes & DEC_PFX_OPSIZE))
			return reject(c, "0f 38 xx: not in the sensitive set");
		d->op = DEC_INVPCID;
		d->opsize = 4;	/* the 66 is mandatory, not an operand size */
		if (mem_only(c, d, 16, &reg))
			return -1;
		reg_op(&d->ops[1], DEC_K_GPR, (int)reg, 4);
		d->nops = 2;
		return 0;
	case 0xc7:
		/* 0f c7 /3 xrstors, /5 xsaves (CPL 0 only); the other forms
		   (cmpxchg8b, xsavec, rdrand...) run the same in ring 1. */
		if (mem_only(c, d, 1, &reg))
			return -1;
		if (reg != 3 && reg != 5)
			return reject(c, "0f c7: not in the sensitive set");
		d->op = reg == 3 ? DEC_XRSTORS : DEC_XSAVES;
		d->nops = 1;
		return 0;
	default:
		return reject(c, "0f opcode not in the sensitive set");
	}
}

static int decode_1(struct cursor *c, struct dec_insn *d, uint8_t op)
{
	unsigned reg, mod;
	uint32_t v, sel;
	uint8_t wide = (op & 1) ? d->opsize : 1;

	/* rep/repne on anything but ins/outs is ignored by the CPU; the
	 * flags are kept so the rewriter can tell. */
	switch (op) {
	case 0xfa: d->op = DEC_CLI; return 0;
	case 0xfb: d->op = DEC_STI; return 0;
	case 0x9c: d->op = DEC_PUSHF; return 0;
	case 0x9d: d->op = DEC_POPF; return 0;
	case 0xcf: d->op = DEC_IRET; return 0;
	case 0xf4: d->op = DEC_HLT; return 0;
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:
		if (take_le(c, 1, &v))
			return -1;
		d->op = op < 0xe6 ? DEC_IN : DEC_OUT;
		imm_op(&d->ops[op < 0xe6 ? 0 : 1], v, 1);
		reg_op(&d->ops[op < 0xe6 ? 1 : 0], DEC_K_GPR, 0, wide);
		d->nops = 2;
		return 0;
	case 0xec: case 0xed: case 0xee: case 0xef:
		d->op = op < 0xee ? DEC_IN : DEC_OUT;
		reg_op(&d->ops[op < 0xee ? 0 : 1], DEC_K_GPR, DEC_REG_EDX, 2);
		reg_op(&d->ops[op < 0xee ? 1 : 0], DEC_K_GPR, 0, wide);
		d->nops = 2;
		return 0;
	case 0x6c: case 0x6d:
		/* ins writes es:(%edi); the ES cannot be overridden. */
		d->op = DEC_INS;
		reg_op(&d->ops[0], DEC_K_GPR, DEC_REG_EDX, 2);
		reg_op(&d->ops[1], DEC_K_MEM, DEC_NOREG, wide);
		d->ops[1].mem = (struct dec_mem){ 7, DEC_NOREG, 1, DEC_SEG_ES, 0 };
		d->nops = 2;
		return 0;
	case 0x6e: case 0x6f:
		d->op = DEC_OUTS;
		reg_op(&d->ops[0], DEC_K_MEM, DEC_NOREG, wide);
		d->ops[0].mem = (struct dec_mem){ 6, DEC_NOREG, 1, d->seg, 0 };
		reg_op(&d->ops[1], DEC_K_GPR, DEC_REG_EDX, 2);
		d->nops = 2;
		return 0;
	case 0x8c:
		if (modrm(c, d->seg, d->opsize, 2, &d->ops[1], &reg, &mod))
			return -1;
		if (reg > 5)
			return reject(c, "mov from segment register 6/7 (#UD)");
		d->op = DEC_MOV_FROM_SEG;
		reg_op(&d->ops[0], DEC_K_SREG, (int)reg, 2);
		d->nops = 2;
		return 0;
	case 0x8e:
		if (modrm(c, d->seg, d->opsize, 2, &d->ops[0], &reg, &mod))
			return -1;
		if (reg > 5 || reg == DEC_SEG_CS)
			return reject(c, "mov to %cs or segment register 6/7 (#UD)");
		d->op = DEC_MOV_TO_SEG;
		reg_op(&d->ops[1], DEC_K_SREG, (int)reg, 2);
		d->nops = 2;
		return 0;
	case 0x06: case 0x0e: case 0x16: case 0x1e:
	case 0x07: case 0x17: case 0x1f:
		d->op = (op & 1) ? DEC_POP_SEG : DEC_PUSH_SEG;
		reg_op(&d->ops[0], DEC_K_SREG, op >> 3, 2);
		d->nops = 1;
		return 0;
	case 0xc4: case 0xc5:
		d->op = op == 0xc5 ? DEC_LDS : DEC_LES;
		if (mem_only(c, d, (uint8_t)(d->opsize + 2), &reg))
			return -1;
		reg_op(&d->ops[1], DEC_K_GPR, (int)reg, d->opsize);
		d->nops = 2;
		return 0;
	case 0x63:
		d->op = DEC_ARPL;
		if (modrm(c, d->seg, 2, 2, &d->ops[1], &reg, &mod))
			return -1;
		reg_op(&d->ops[0], DEC_K_GPR, (int)reg, 2);
		d->nops = 2;
		return 0;
	case 0xea: case 0x9a:
		d->op = op == 0xea ? DEC_LJMP_PTR : DEC_LCALL_PTR;
		if (take_le(c, d->opsize, &v) || take_le(c, 2, &sel))
			return -1;
		imm_op(&d->ops[0], sel, 2);
		imm_op(&d->ops[1], v, d->opsize);
		d->nops = 2;
		return 0;
	case 0xca:
		if (take_le(c, 2, &v))
			return -1;
		d->op = DEC_LRET_IMM;
		imm_op(&d->ops[0], v, 2);
		d->nops = 1;
		return 0;
	case 0xcb:
		d->op = DEC_LRET;
		return 0;
	case 0xff:
		if (modrm(c, d->seg, d->opsize, (uint8_t)(d->opsize + 2), &d->ops[0], &reg, &mod))
			return -1;
		if (reg != 3 && reg != 5)
			return reject(c, "ff /r other than far call/jmp: not sensitive");
		if (mod == 3)
			return reject(c, "far call/jmp through a register (#UD)");
		d->op = reg == 3 ? DEC_LCALL_MEM : DEC_LJMP_MEM;
		d->nops = 1;
		return 0;
	default:
		return reject(c, "opcode not in the sensitive set");
	}
}

int dec_decode(const uint8_t *bytes, unsigned avail, struct dec_insn *out,
	       const char **why)
{
	struct cursor c = { bytes, 0, avail, "?" };
	struct dec_insn d = { 0 };
	uint8_t b;
	int rc;

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
	rc = b == 0x0f ? decode_0f(&c, &d) : decode_1(&c, &d, b);
	if (rc)
		goto fail;
	d.len = (uint8_t)c.n;
	d.cls = op_class[d.op];
	*out = d;
	return 0;
fail:
	*why = c.why;
	return -1;
}
