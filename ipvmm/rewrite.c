/*
 * Site rewriter (docs/rewriter.md). Every failure names the site and the
 * reason; nothing is skipped silently. The replacement is built in a
 * scratch buffer and copied only when it fits, so a refused site keeps
 * its original bytes.
 */
#include "rewrite.h"
#include "util.h"
#include "vcpu.h"

/* The longest replacement (the generic memory form) fits a site. */
_Static_assert(RW_BACK_GEN_MEM(RW_LEA_MAX) + RW_AFTER_GEN <= RW_MAX_SITE, "rewrite.h geometry");
_Static_assert(RW_LEN_POPF <= RW_MAX_SITE, "rewrite.h geometry");
_Static_assert(RW_BACK_FARPTR <= RW_MAX_SITE && RW_BACK_PUSH8 + RW_AFTER_IO <= RW_MAX_SITE,
	       "rewrite.h geometry");

enum rw_form rw_form_of(const struct dec_insn *in)
{
	switch (in->op) {
	case DEC_CLI: return RW_F_CLI;
	case DEC_STI: return RW_F_STI;
	case DEC_PUSHF: return RW_F_PUSHF;
	case DEC_POPF: return RW_F_POPF;
	case DEC_HLT:
		return RW_F_CALL;
	case DEC_IRET: case DEC_LRET:
		return RW_F_JMP;
	case DEC_LRET_IMM:
		return RW_F_LRET_IMM;
	case DEC_IN: case DEC_OUT: case DEC_INS: case DEC_OUTS:
		return RW_F_IO;
	case DEC_MOV_FROM_CR:	/* the decoder takes only CR0/2/3/4 */
		return RW_F_CR_READ;
	/* No explicit operand, or one the trampoline takes from the stack
	   (segment push/pop change %esp, so they resume through the frame). */
	case DEC_INVD: case DEC_WBINVD: case DEC_WBNOINVD: case DEC_CLTS:
	case DEC_RDMSR: case DEC_WRMSR: case DEC_CPUID: case DEC_SYSENTER:
	case DEC_SYSEXIT: case DEC_RDPMC: case DEC_XSETBV: case DEC_MONITOR:
	case DEC_MWAIT: case DEC_CLAC: case DEC_STAC: case DEC_RSM:
	case DEC_SYSRET: case DEC_XSAVES: case DEC_XRSTORS:
	case DEC_PUSH_SEG: case DEC_POP_SEG:
		return RW_F_GEN_CALL;
	case DEC_LJMP_PTR: case DEC_LCALL_PTR:
		return RW_F_GEN_CALL;	/* with the pointer pushed, see below */
	default:
		return RW_F_GEN;
	}
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A call/jmp at buffer offset `at` of a site linked at addr. */
static unsigned branch(uint8_t *b, unsigned at, uint8_t opc, uint32_t addr, uint32_t target)
{
	b[at] = opc;
	put32(b + at + 1, target - (addr + at + 5));
	return at + 5;
}

static int fits8(int32_t v) { return v >= -128 && v <= 127; }

unsigned rw_encode_lea(const struct dec_mem *m, int32_t esp_bias, uint8_t *out)
{
	int32_t disp = m->disp;
	unsigned n = 0, mod;
	int base = m->base, index = m->index;
	uint8_t ss;

	if (base == 4)
		disp += esp_bias;
	if (index == 4 || base > 7 || index > 7)
		return 0;
	ss = m->scale == 1 ? 0 : m->scale == 2 ? 1 : m->scale == 4 ? 2 : m->scale == 8 ? 3 : 4;
	if (index != DEC_NOREG && ss > 3)
		return 0;
	out[n++] = OP_LEA;
	if (base == DEC_NOREG && index == DEC_NOREG) {
		out[n++] = 0x05;		/* mod 00 rm 101: disp32 */
		put32(out + n, (uint32_t)disp);
		return n + 4;
	}
	if (base == DEC_NOREG) {		/* SIB, no base: disp32 */
		out[n++] = 0x04;
		out[n++] = (uint8_t)((ss << 6) | (index << 3) | 5);
		put32(out + n, (uint32_t)disp);
		return n + 4;
	}
	mod = (disp == 0 && base != 5) ? 0 : fits8(disp) ? 1 : 2;
	if (index == DEC_NOREG && base != 4) {
		out[n++] = (uint8_t)((mod << 6) | base);
	} else {
		out[n++] = (uint8_t)((mod << 6) | 4);
		out[n++] = (uint8_t)((ss << 6) | ((index == DEC_NOREG ? 4 : index) << 3) | base);
	}
	if (mod == 1)
		out[n++] = (uint8_t)disp;
	else if (mod == 2) {
		put32(out + n, (uint32_t)disp);
		n += 4;
	}
	return n;
}

static const struct dec_operand *mem_op(const struct dec_insn *in)
{
	for (unsigned i = 0; i < in->nops; i++)
		if (in->ops[i].kind == DEC_K_MEM)
			return &in->ops[i];
	return 0;
}

/* The register operand that is not the memory one (for the stub id). */
static unsigned other_reg(const struct dec_insn *in)
{
	for (unsigned i = 0; i < in->nops; i++)
		if (in->ops[i].kind == DEC_K_GPR || in->ops[i].kind == DEC_K_SREG)
			return (unsigned)in->ops[i].reg & 7;
	return 0;
}

static unsigned io_size(const struct dec_insn *in)
{
	for (unsigned i = 0; i < in->nops; i++)
		if (in->ops[i].kind == DEC_K_MEM ||
		    (in->ops[i].kind == DEC_K_GPR && in->ops[i].reg == 0))
			return in->ops[i].size;
	return 1;
}

static const struct dec_operand *imm_op(const struct dec_insn *in)
{
	for (unsigned i = 0; i < in->nops; i++)
		if (in->ops[i].kind == DEC_K_IMM)
			return &in->ops[i];
	return 0;
}

/* cli: movb $0, vif; sti: movb $1, vif; call *sti_hook. */
static unsigned build_vif(uint8_t *b, const struct dec_insn *in, const struct rw_syms *s)
{
	unsigned n = 0;

	b[n++] = 0xc6;			/* movb $imm8, abs32 */
	b[n++] = 0x05;
	put32(b + n, s->vif);
	n += 4;
	b[n++] = in->op == DEC_STI;
	if (in->op == DEC_STI) {
		b[n++] = 0xff;		/* call *abs32 */
		b[n++] = 0x15;
		put32(b + n, s->sti_hook);
		n += 4;
	}
	return n;
}

/* movl %crN,%reg: the virtual CR read in place (movl abs32,%reg), the
   value emu_mov_from_cr gives; a read changes no state and opens no
   interrupt window, so nothing is pending on it. Ring 3 cannot reach the
   vCPU: a user-mode site faults on the IPVMM window like every site. */
static unsigned build_cr_read(uint8_t *b, const struct dec_insn *in, const struct rw_syms *s)
{
	unsigned n = 0, reg = (unsigned)in->ops[1].reg & 7;

	if (reg == 0) {
		b[n++] = 0xa1;		/* movl moffs32, %eax */
	} else {
		b[n++] = 0x8b;		/* movl disp32, %reg: mod 00, r/m 101 */
		b[n++] = (uint8_t)(reg << 3 | 5);
	}
	put32(b + n, s->cr[in->ops[0].reg]);
	return n + 4;
}

/* hlt, iret, lret: call the fixed trampoline. */
static unsigned build_fixed_call(uint8_t *b, uint32_t addr, const struct dec_insn *in,
				 const struct rw_syms *s, const char **why)
{
	if (in->opsize == 2 && in->op != DEC_HLT) {
		*why = "16-bit operand size not supported";
		return 0;
	}
	/* iret/lret too are a call (not a jmp): the return address names
	   the site, so a fault reports the site's address. */
	return branch(b, 0, OP_CALL, addr,
		      s->burn[in->op == DEC_IRET ? RW_BURN_IRET :
			      in->op == DEC_HLT ? RW_BURN_HLT : RW_BURN_LRET]);
}

/* pushf: pushl %eax; call burn_pushf (the trampoline leaves the guest's
   EFLAGS where the pushed eax was, docs/ipvmm.md, "Virtual CPU"). */
static unsigned build_pushf(uint8_t *b, uint32_t addr, const struct dec_insn *in,
			    const struct rw_syms *s, const char **why)
{
	if (in->opsize == 2) {
		*why = "16-bit operand size not supported";
		return 0;
	}
	b[0] = OP_PUSH_EAX;
	return branch(b, 1, OP_CALL, addr, s->burn[RW_BURN_PUSHF]);
}

/* andl $imm32, (%esp) */
static unsigned and_esp(uint8_t *b, unsigned n, uint32_t imm)
{
	b[n++] = 0x81;
	b[n++] = 0x24;
	b[n++] = 0x24;
	put32(b + n, imm);
	return n + 4;
}

/*
 * popf, inline (docs/ipvmm.md, "Virtual CPU"): the virtual bits and IF
 * from the word at (%esp), the word masked to what the real popfl may
 * load (IF and IOPL it ignores in ring 1), and burn_popf only when work
 * is pending:
 *   pushl (%esp); andl $EF_VIRT,(%esp); popl veflags
 *   andl $(EF_REAL|EF_IF|EF_RSV1),(%esp)
 *   testb $2,1(%esp); setnz vif
 *   cmpl $burn_sti_ret,sti_hook; je 1f; call burn_popf
 *   1: popfl
 */
static unsigned build_popf(uint8_t *b, uint32_t addr, const struct dec_insn *in,
			   const struct rw_syms *s, const char **why)
{
	static const uint8_t push_top[] = { 0xff, 0x34, 0x24 }, test_if[] = { 0xf6, 0x44, 0x24, 0x01, 0x02 };
	unsigned n = 0;

	if (in->opsize == 2) {
		*why = "16-bit operand size not supported";
		return 0;
	}
	ipvmm_memcpy(b, push_top, sizeof(push_top));
	n = and_esp(b, sizeof(push_top), EF_VIRT);
	b[n++] = 0x8f;				/* popl abs32 */
	b[n++] = 0x05;
	put32(b + n, s->veflags);
	n = and_esp(b, n + 4, EF_REAL | EF_IF | EF_RSV1);
	ipvmm_memcpy(b + n, test_if, sizeof(test_if));
	n += sizeof(test_if);
	b[n++] = 0x0f;				/* setnz abs32 */
	b[n++] = 0x95;
	b[n++] = 0x05;
	put32(b + n, s->vif);
	n += 4;
	b[n++] = 0x81;				/* cmpl $imm32, abs32 */
	b[n++] = 0x3d;
	put32(b + n, s->sti_hook);
	put32(b + n + 4, s->sti_ret);
	n += 8;
	b[n++] = 0x74;				/* je past the call */
	b[n++] = RW_LEN_CALL;
	n = branch(b, n, OP_CALL, addr, s->burn[RW_BURN_POPF]);
	b[n++] = 0x9d;				/* popfl */
	return n;
}

/* lret $n: pushl $n; call burn_lret_imm. */
static unsigned build_lret_imm(uint8_t *b, uint32_t addr, const struct dec_insn *in,
			       const struct rw_syms *s, const char **why)
{
	const struct dec_operand *im = imm_op(in);

	if (in->opsize == 2 || !im || im->imm > 127) {
		*why = "lret $n: 16-bit or n > 127 not supported";
		return 0;
	}
	b[0] = OP_PUSH_I8;
	b[1] = (uint8_t)im->imm;
	return branch(b, 2, OP_CALL, addr, s->burn[RW_BURN_LRET_IMM]);
}

/* A hot register's own entry for an immediate-port site, or 0. */
static uint32_t io_port_entry(const struct rw_syms *s, uint8_t port, unsigned out, unsigned size)
{
	for (unsigned i = 0; i < RW_IO_PORTS && s->io_port[i].entry; i++)
		if (s->io_port[i].port == port && s->io_port[i].out == out && s->io_port[i].size == size)
			return s->io_port[i].entry;
	return 0;
}

/*
 * pushl $b; call ENTRY; lea 4(%esp),%esp. in/out take the fast entries
 * (fastio.c), chosen here by direction, size and where the port is (a
 * hot register's immediate port: its own entry in ipvmm/fastdev.asm); the
 * pushed byte is the immediate port or, for %dx sites, the info byte the
 * slow twin reads. ins/outs go to the frontend with the info byte.
 */
static unsigned build_io(uint8_t *b, uint32_t addr, const struct dec_insn *in,
			 const struct rw_syms *s)
{
	const struct dec_operand *im = imm_op(in);
	unsigned sz = io_size(in), out = in->op == DEC_OUT || in->op == DEC_OUTS;
	unsigned szi = sz == 1 ? 0 : sz == 2 ? 1 : 2, n = 0;
	uint32_t target;

	b[n++] = OP_PUSH_I8;
	if (in->op == DEC_INS || in->op == DEC_OUTS) {
		unsigned seg = in->seg == DEC_NOREG ? 0 : (unsigned)in->seg + 1;

		b[n++] = (uint8_t)(RW_IO_INFO(out, sz, in->prefixes & (DEC_PFX_REP | DEC_PFX_REPNE)) |
				   (seg << 4));
		target = s->burn[RW_BURN_IO_STR];
	} else if (im) {
		b[n++] = (uint8_t)im->imm;
		target = io_port_entry(s, (uint8_t)im->imm, out, sz);
		if (!target)
			target = s->io_imm[out][szi];
	} else {
		b[n++] = (uint8_t)RW_IO_INFO(out, sz, 0);
		target = s->io_dx[out][szi];
	}
	n = branch(b, n, OP_CALL, addr, target);
	b[n++] = 0x8d;			/* lea 4(%esp),%esp: drops the byte, flags intact */
	b[n++] = 0x64;
	b[n++] = 0x24;
	b[n++] = 0x04;
	return n;
}

/* call stub[id]; a far pointer is pushed first (offset, then selector). */
static unsigned build_gen_call(uint8_t *b, uint32_t addr, const struct dec_insn *in,
			       const struct rw_syms *s)
{
	uint32_t stub = s->generic_base +
			RW_ID(in->op, in->opsize == 2, 0, other_reg(in)) * RW_STUB_STRIDE;
	unsigned n = 0;

	if (in->op == DEC_LJMP_PTR || in->op == DEC_LCALL_PTR) {
		/* pushl $offset; pushl $selector; call stub (15) */
		uint32_t sel = 0, off = 0;

		for (unsigned i = 0; i < in->nops; i++)
			if (in->ops[i].kind == DEC_K_IMM) {
				if (i == 0) sel = in->ops[i].imm;
				else off = in->ops[i].imm;
			}
		b[n++] = OP_PUSH_I32;
		put32(b + n, off);
		n += 4;
		b[n++] = OP_PUSH_I32;
		put32(b + n, sel);
		n += 4;
	}
	return branch(b, n, OP_CALL, addr, stub);
}

/* pushl %eax; lea MEM,%eax | movl $regs,%eax; call stub[id]; popl %eax. */
static unsigned build_gen(uint8_t *b, uint32_t addr, const struct dec_insn *in,
			  const struct rw_syms *s, const char **why)
{
	const struct dec_operand *m = mem_op(in);
	unsigned n = 0;
	uint32_t stub;

	b[n++] = OP_PUSH_EAX;
	if (m) {
		unsigned l;

		if (m->mem.seg == DEC_SEG_FS || m->mem.seg == DEC_SEG_GS ||
		    in->seg == DEC_SEG_FS || in->seg == DEC_SEG_GS) {
			*why = "%fs/%gs override on a memory operand not supported";
			return 0;
		}
		l = rw_encode_lea(&m->mem, 4, b + n);
		if (!l) {
			*why = "memory operand not expressible as lea";
			return 0;
		}
		n += l;
	} else {
		b[n++] = OP_MOV_EAX;
		put32(b + n, RW_REGS(in->ops[0].reg, in->ops[0].kind,
				     in->nops > 1 ? in->ops[1].reg : 0,
				     in->nops > 1 ? in->ops[1].kind : 0));
		n += 4;
	}
	stub = s->generic_base + RW_ID(in->op, in->opsize == 2, m != 0, other_reg(in)) * RW_STUB_STRIDE;
	n = branch(b, n, OP_CALL, addr, stub);
	b[n++] = OP_POP_EAX;
	return n;
}

/* Build the PREVIRT replacement into b; returns its length or 0 with *why. */
static unsigned build_previrt(uint8_t *b, uint32_t addr, const struct dec_insn *in,
			      const struct rw_syms *s, const char **why)
{
	switch (rw_form_of(in)) {
	case RW_F_CLI:
	case RW_F_STI:
		return build_vif(b, in, s);
	case RW_F_PUSHF:
		return build_pushf(b, addr, in, s, why);
	case RW_F_POPF:
		return build_popf(b, addr, in, s, why);
	case RW_F_CALL:
	case RW_F_JMP:
		return build_fixed_call(b, addr, in, s, why);
	case RW_F_LRET_IMM:
		return build_lret_imm(b, addr, in, s, why);
	case RW_F_IO:
		return build_io(b, addr, in, s);
	case RW_F_GEN_CALL:
		return build_gen_call(b, addr, in, s);
	case RW_F_CR_READ:
		return build_cr_read(b, in, s);
	case RW_F_GEN:
		return build_gen(b, addr, in, s, why);
	case RW_F_NONE:
		break;
	}
	*why = "unsupported form";
	return 0;
}

int rw_rewrite(uint8_t *bytes, unsigned len, uint32_t addr, const struct dec_insn *in,
	       const struct rw_syms *s, enum rw_mode mode, struct rw_result *r)
{
	uint8_t b[RW_MAX_SITE];
	unsigned n;
	const char *why = "unsupported form";

	r->site = addr;
	r->why = 0;
	r->used = 0;
	if (in->len > len) {
		r->why = "instruction longer than its site";
		return -1;
	}
	if (mode == RW_TRAP) {
		/* ud2, then the original instruction for the #UD emulator. */
		b[0] = 0x0f;
		b[1] = 0x0b;
		ipvmm_memcpy(b + 2, bytes, in->len);
		n = 2u + in->len;
	} else {
		n = build_previrt(b, addr, in, s, &why);
		if (!n) {
			r->why = why;
			return -1;
		}
	}
	if (n > len) {
		r->why = mode == RW_TRAP ? "site too small for ud2 + instruction" :
			 "site too small for its rewrite";
		return -1;
	}
	ipvmm_memcpy(bytes, b, n);
	for (unsigned i = n; i < len; i++)
		bytes[i] = AFTERBURN_NOP;
	r->used = (uint8_t)n;
	return 0;
}

int rw_site(uint8_t *bytes, unsigned len, uint32_t addr, const struct rw_syms *s,
	    enum rw_mode mode, struct rw_result *r, struct dec_insn *out)
{
	struct dec_insn tmp, *in = out ? out : &tmp;
	uint8_t site[RW_MAX_SITE];
	unsigned lead = 0;
	const char *why;

	r->site = addr;
	r->used = 0;
	r->why = 0;
	if (len > RW_MAX_SITE) {
		r->why = "site longer than any padded instruction";
		return -1;
	}
	/*
	 * Interrupt-shadow forms (sti, loads of %ss) carry their padding
	 * BEFORE the instruction (include/afterburn_classes.h); no sensitive
	 * instruction starts with 0x90, so leading nops are padding.
	 */
	while (lead < len && bytes[lead] == AFTERBURN_NOP)
		lead++;
	if (dec_decode(bytes + lead, len - lead, in, &why)) {
		r->why = why;
		return -1;
	}
	/* Only padding may follow the instruction inside the site. */
	for (unsigned i = lead + in->len; i < len; i++)
		if (bytes[i] != AFTERBURN_NOP) {
			r->why = "site holds more than one instruction and its padding";
			return -1;
		}
	if (lead && afterburn_shadow_rule(in->cls) == AB_SHADOW_NONE) {
		r->why = "padding before an instruction that has no interrupt shadow";
		return -1;
	}
	/* The whole site is the rewriter's: work on it as "instruction,
	   then padding", write back only on success. */
	ipvmm_memcpy(site, bytes + lead, in->len);
	for (unsigned i = in->len; i < len; i++)
		site[i] = AFTERBURN_NOP;
	if (rw_rewrite(site, len, addr, in, s, mode, r))
		return -1;
	r->trap_at = 0;
	if (mode == RW_TRAP && lead) {
		/* Trap mode keeps the shadow form's layout, padding first, so
		   the instruction after the emulated one is the guest's next
		   (the one an sti shadow covers), not a nop of the fill. */
		uint8_t used = r->used;

		for (unsigned i = 0; i < len; i++)
			bytes[i] = i < len - used ? AFTERBURN_NOP : site[i - (len - used)];
		r->trap_at = (uint8_t)(len - used);
		return 0;
	}
	ipvmm_memcpy(bytes, site, len);
	return 0;
}
