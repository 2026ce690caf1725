/*
 * One sensitive instruction executed on the virtual CPU (Intel SDM Vol. 2,
 * per instruction). Called with g->eip already at the next instruction;
 * faults are delivered through the guest's IDT with EIP = site_eip.
 * Shared by the rewritten sites (operands marshalled by the trampolines)
 * and trap mode / the #GP fallback (operands from the decoder).
 */
#include "vcpu.h"
#include "portio.h"
#include "util.h"

/*
 * emulate() is split into one handler per operation, all folded back into
 * it (EMU), so the split costs the trap path nothing (make
 * test-bench-short counts its instructions). The fault helpers are folded
 * too: a tail call out of emulate() reuses its argument slots, and GCC
 * then copies every argument to a fresh one on entry.
 */
#define EMU static inline __attribute__((always_inline))

static enum emu_result fault(struct vcpu *v, struct gstate *g, uint32_t site_eip,
			     unsigned vec, bool has_err, uint32_t err)
{
	g->eip = site_eip;
	return deliver(v, g, vec, DLV_EXC, has_err, err) ? EMU_STOP : EMU_FAULT;
}

/* A failed access of the instruction's own operand (acc: ACC_WRITE,
   ACC_STACK): the CPU's fault for it, U when the instruction runs at
   CPL 3 (vcpu_access_fault). */
EMU enum emu_result mem_fault(struct vcpu *v, struct gstate *g, uint32_t site_eip, unsigned acc)
{
	uint32_t err;
	unsigned vec = vcpu_access_fault(v, acc | (vcpu_cpl(g) == 3 ? ACC_USER : 0), &err);

	return fault(v, g, site_eip, vec, true, err);
}

/* A descriptor-table read that faulted: a supervisor access. */
EMU enum emu_result desc_fault(struct vcpu *v, struct gstate *g, uint32_t site_eip)
{
	uint32_t err;
	unsigned vec = vcpu_access_fault(v, 0, &err);

	return fault(v, g, site_eip, vec, true, err);
}

static bool rd(struct vcpu *v, uint32_t lin, void *p, unsigned n)
{
	return v->hv->read(v->hv_ctx, lin, p, n);
}

static bool wr(struct vcpu *v, uint32_t lin, const void *p, unsigned n)
{
	return v->hv->write(v->hv_ctx, lin, p, n);
}

static uint32_t mask_of(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* Read an operand of `size` bytes; false = page fault on memory. */
static bool get(struct vcpu *v, struct gstate *g, const struct eop *o, unsigned size, uint32_t *val)
{
	*val = 0;
	switch (o->kind) {
	case DEC_K_GPR:
		if (size == 1 && o->reg >= 4)
			*val = (g->gpr[o->reg - 4] >> 8) & 0xff;
		else
			*val = g->gpr[o->reg & 7] & mask_of(size);
		return true;
	case DEC_K_SREG:
		*val = g->sreg[o->reg % 6];
		return true;
	case DEC_K_MEM:
		return rd(v, o->ea, val, size);
	case DEC_K_IMM:
		*val = o->ea & mask_of(size);
		return true;
	}
	return false;
}

static bool put(struct vcpu *v, struct gstate *g, const struct eop *o, unsigned size, uint32_t val)
{
	switch (o->kind) {
	case DEC_K_GPR:
		if (size == 1 && o->reg >= 4)
			g->gpr[o->reg - 4] = (g->gpr[o->reg - 4] & ~0xff00u) | ((val & 0xff) << 8);
		else
			g->gpr[o->reg & 7] = (g->gpr[o->reg & 7] & ~mask_of(size)) | (val & mask_of(size));
		return true;
	case DEC_K_MEM:
		return wr(v, o->ea, &val, size);
	}
	return false;
}

static const struct eop *find(const struct eop *ops, unsigned nops, unsigned kind)
{
	for (unsigned i = 0; i < nops; i++)
		if (ops[i].kind == kind)
			return &ops[i];
	return 0;
}

/* The register-or-memory operand (whichever is not the special register). */
static const struct eop *rm(const struct eop *ops, unsigned nops)
{
	const struct eop *o = find(ops, nops, DEC_K_MEM);

	return o ? o : find(ops, nops, DEC_K_GPR);
}

static void set_zf(struct gstate *g, bool z)
{
	g->eflags = z ? g->eflags | EF_ZF : g->eflags & ~EF_ZF;
}

static int sr_of_load(unsigned op)
{
	switch (op) {
	case DEC_LDS: return SR_DS;
	case DEC_LES: return SR_ES;
	case DEC_LFS: return SR_FS;
	case DEC_LGS: return SR_GS;
	default: return SR_SS;
	}
}

static enum emu_result load_fault(struct vcpu *v, struct gstate *g, uint32_t site_eip, int rc)
{
	unsigned vec = ((uint32_t)rc >> 16) & 0xff;

	return fault(v, g, site_eip, vec, vec != VEC_UD, (uint32_t)rc & 0xffff);
}

/* Far transfer to sel:off at the current privilege level (no gates), in
   the order of the SDM's JMP, CALL and RET far: type and privilege first
   (#GP(sel)), then presence (#NP(sel)). 0 if allowed, VEC_GP, VEC_NP, or
   FAR_READ_FAULT (the descriptor read faulted). */
#define FAR_READ_FAULT 0x100u
static unsigned far_target(struct vcpu *v, struct gstate *g, uint16_t sel)
{
	uint32_t d[2];
	unsigned dpl, type, cpl = vcpu_cpl(g);
	enum desc_read r = (sel & ~SEL_RPL) ? vcpu_desc_read(v, sel, d) : DESC_BAD;

	if (r == DESC_FAULT)
		return FAR_READ_FAULT;
	if (r != DESC_OK)
		return VEC_GP;
	type = DESC_TYPE(d[1]);
	if ((type & (DT_S | DT_CODE)) != (DT_S | DT_CODE))
		return VEC_GP;
	dpl = DESC_DPL(d[1]);
	if ((type & DT_CONFORM) ? dpl > cpl : dpl != cpl || (sel & SEL_RPL) > cpl)
		return VEC_GP;
	return (d[1] & DESC_P) ? 0 : VEC_NP;
}

static bool push(struct vcpu *v, struct gstate *g, unsigned size, uint32_t val)
{
	if (!wr(v, g->gpr[4] - size, &val, size))
		return false;
	g->gpr[4] -= size;
	return true;
}

/*
 * One instruction on its way through emulate(): its arguments and the
 * operands the handlers look up (gp: a general register, m: the
 * register-or-memory operand, sr: a segment register; each may be absent
 * when the operation has none).
 */
struct emu {
	struct vcpu *v;
	struct gstate *g;
	const struct eop *ops, *gp, *m, *sr;
	unsigned op, nops, cpl, osz;
	bool o16;
	uint32_t site_eip;
};


EMU enum emu_result e_fault(const struct emu *e, unsigned vec, uint32_t err)
{
	return fault(e->v, e->g, e->site_eip, vec, vec != VEC_UD, err);
}

EMU enum emu_result e_gp0(const struct emu *e) { return e_fault(e, VEC_GP, 0); }
EMU enum emu_result e_ud(const struct emu *e) { return e_fault(e, VEC_UD, 0); }
/* #GP or #NP naming a selector (its RPL cleared, as the CPU reports it). */
EMU enum emu_result e_sel_fault(const struct emu *e, unsigned vec, uint32_t sel)
{
	return e_fault(e, vec, sel & ~SEL_RPL);
}

/* The instruction's own operand access failed (acc: ACC_*). */
EMU enum emu_result e_mem(const struct emu *e, unsigned acc)
{
	return mem_fault(e->v, e->g, e->site_eip, acc);
}

EMU enum emu_result e_desc(const struct emu *e)
{
	return desc_fault(e->v, e->g, e->site_eip);
}

/* vcpu_load_sreg's result: 0, or the vector in bits 16-23 and the error
   code in bits 0-15. */
EMU enum emu_result e_load(const struct emu *e, int rc)
{
	return rc ? load_fault(e->v, e->g, e->site_eip, rc) : EMU_OK;
}

/* ---- EFLAGS: the virtual IF and IOPL ---- */

EMU enum emu_result emu_cli_sti(const struct emu *e)
{
	struct gstate *g = e->g;

	if (e->cpl > EF_IOPL_OF(g->eflags))
		return e_gp0(e);
	g->eflags = e->op == DEC_STI ? g->eflags | EF_IF : g->eflags & ~EF_IF;
	return EMU_OK;
}

EMU enum emu_result emu_pushf(const struct emu *e)
{
	if (!push(e->v, e->g, e->osz, e->g->eflags & ~(EF_VM | EF_RF)))
		return e_mem(e, ACC_WRITE | ACC_STACK);
	return EMU_OK;
}

/* What popf may not change: VM, RF; IOPL above CPL 0; IF above IOPL;
   the upper half with a 16-bit operand. */
EMU enum emu_result emu_popf(const struct emu *e)
{
	struct gstate *g = e->g;
	/* val needs no zeroing: a 16-bit popf keeps the upper half */
	uint32_t val, keep = EF_VM | EF_RF, iopl = EF_IOPL_OF(g->eflags);

	if (!rd(e->v, g->gpr[4], &val, e->osz))
		return e_mem(e, ACC_STACK);
	if (e->cpl > 0)
		keep |= EF_IOPL;
	if (e->cpl > iopl)
		keep |= EF_IF;
	if (e->o16)
		keep |= EF_HIGH16;
	g->eflags = ((val & ~keep) | (g->eflags & keep) | EF_RSV1) & ~EF_RSV0;
	g->gpr[4] += e->osz;
	return EMU_OK;
}

EMU enum emu_result emu_hlt(const struct emu *e)
{
	struct vcpu *v = e->v;

	/* With IF clear nothing this board has (no NMI) ever resumes it:
	   the guest is finished (testos_exit's cli; hlt after its exit
	   port). Stop it instead of waking on every timer event. */
	if (!(e->g->eflags & EF_IF)) {
		v->fatal = IPVMM_FATAL_HLT_CLI;
		return EMU_STOP;
	}
	/* Block the VM thread until an event; delivery happens on the way
	   out (iret_restart checks for pending work). */
	v->stats.waits++;
	vcpu_console_flush(v);
	while (!v->sh->pending && !v->devs.pic.intr)
		if (v->hv->wait(v->hv_ctx) < 0)
			break;
	return EMU_OK;
}

/* ---- control and debug registers ---- */

EMU enum emu_result emu_mov_from_cr(const struct emu *e)
{
	struct vcpu *v = e->v;
	unsigned n = (unsigned)find(e->ops, e->nops, DEC_K_CREG)->reg;
	uint32_t val = n == 0 ? v->cr0 : n == 2 ? v->cr2 : n == 3 ? v->cr3 : n == 4 ? v->cr4 : 0xffffffffu;

	if (n == 1 || n > 4)
		return e_ud(e);
	put(v, e->g, e->gp, 4, val);
	return EMU_OK;
}

/* CR0 bits the shadow page tables depend on. */
#define CR0_SHADOW (CR0_PG | CR0_WP | CR0_PE)
/* CR4 bits mov to cr4 accepts (any other: #GP(0)) ... */
#define CR4_ACCEPTED (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | \
		      CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT)
/* ... and those the hypervisor acts on: the shadow (PSE, PGE, PAE) and
   the real CR4 while the guest runs (TSD, OSFXSR, OSXMMEXCPT). */
#define CR4_SHADOW (CR4_TSD | CR4_PSE | CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT)

EMU enum emu_result emu_mov_to_cr(const struct emu *e)
{
	struct vcpu *v = e->v;
	unsigned n = (unsigned)find(e->ops, e->nops, DEC_K_CREG)->reg;
	uint32_t val = 0;

	get(v, e->g, e->gp, 4, &val);
	switch (n) {
	case 0:
		if ((val & CR0_PG) && !(val & CR0_PE))
			return e_gp0(e);
		val |= CR0_ET;
		if ((val ^ v->cr0) & CR0_SHADOW)
			v->hv->set_cr0_cr4(v->hv_ctx, val, v->cr4);
		v->cr0 = val;
		return EMU_OK;
	case 2:
		v->cr2 = val;
		return EMU_OK;
	case 3:
		return vcpu_set_cr3(v, val) ? EMU_OK : EMU_STOP;
	case 4:
		if (val & ~CR4_ACCEPTED)
			return e_gp0(e);
		if ((val ^ v->cr4) & CR4_SHADOW)
			v->hv->set_cr0_cr4(v->hv_ctx, v->cr0, val);
		v->cr4 = val;
		return EMU_OK;
	}
	return e_ud(e);
}

EMU enum emu_result emu_mov_dr(const struct emu *e)
{
	uint32_t *dr = &e->v->dr[find(e->ops, e->nops, DEC_K_DREG)->reg & 7];
	uint32_t val = 0;

	if (e->op == DEC_MOV_FROM_DR) {
		put(e->v, e->g, e->gp, 4, *dr);
	} else {
		get(e->v, e->g, e->gp, 4, &val);
		*dr = val;
	}
	return EMU_OK;
}

/* lmsw loads PE, MP, EM, TS but never clears PE; clts clears TS. */
EMU enum emu_result emu_lmsw(const struct emu *e)
{
	struct vcpu *v = e->v;
	uint32_t val = 0;

	if (!get(v, e->g, e->m, 2, &val))
		return e_mem(e, 0);
	v->cr0 = (v->cr0 & ~(CR0_MSW & ~CR0_PE)) | (val & CR0_MSW) | (v->cr0 & CR0_PE);
	return EMU_OK;
}

/* ---- segment registers: moves, push/pop, far pointer loads ---- */

EMU enum emu_result emu_mov_from_seg(const struct emu *e)
{
	const struct eop *m = e->m;

	if (!put(e->v, e->g, m, m->kind == DEC_K_MEM ? 2 : e->osz, e->g->sreg[e->sr->reg % 6]))
		return e_mem(e, ACC_WRITE);
	return EMU_OK;
}

EMU enum emu_result emu_mov_to_seg(const struct emu *e)
{
	uint32_t val = 0;

	if (!get(e->v, e->g, e->m, 2, &val))
		return e_mem(e, 0);
	return e_load(e, vcpu_load_sreg(e->v, e->g, (unsigned)e->sr->reg, (uint16_t)val));
}

EMU enum emu_result emu_push_seg(const struct emu *e)
{
	if (!push(e->v, e->g, e->osz, e->g->sreg[e->sr->reg % 6]))
		return e_mem(e, ACC_WRITE | ACC_STACK);
	return EMU_OK;
}

EMU enum emu_result emu_pop_seg(const struct emu *e)
{
	struct gstate *g = e->g;
	uint32_t val = 0;
	int rc;

	if (!rd(e->v, g->gpr[4], &val, 2))
		return e_mem(e, ACC_STACK);
	rc = vcpu_load_sreg(e->v, g, (unsigned)e->sr->reg, (uint16_t)val);
	if (rc)
		return e_load(e, rc);
	g->gpr[4] += e->osz;
	return EMU_OK;
}

/* lds, les, lfs, lgs, lss: offset then selector from memory. */
EMU enum emu_result emu_load_far(const struct emu *e)
{
	const struct eop *mm = find(e->ops, e->nops, DEC_K_MEM);
	uint32_t val = 0, sel = 0;
	int rc;

	if (!rd(e->v, mm->ea, &val, e->osz) || !rd(e->v, mm->ea + e->osz, &sel, 2))
		return e_mem(e, 0);
	rc = vcpu_load_sreg(e->v, e->g, (unsigned)sr_of_load(e->op), (uint16_t)sel);
	if (rc)
		return e_load(e, rc);
	put(e->v, e->g, e->gp, e->osz, val);
	return EMU_OK;
}

/* ---- descriptor tables and system segments ---- */

EMU enum emu_result emu_store_dtr(const struct emu *e)
{
	const struct dtr *t = e->op == DEC_SGDT ? &e->v->gdtr : &e->v->idtr;

	if (!wr(e->v, e->m->ea, &t->limit, 2) || !wr(e->v, e->m->ea + 2, &t->base, 4))
		return e_mem(e, ACC_WRITE);
	return EMU_OK;
}

EMU enum emu_result emu_load_dtr(const struct emu *e)
{
	struct vcpu *v = e->v;
	uint32_t limit = 0, base;

	if (!rd(v, e->m->ea, &limit, 2) || !rd(v, e->m->ea + 2, &base, 4))
		return e_mem(e, 0);
	if (e->o16)
		base &= 0x00ffffffu;	/* a 16-bit operand loads a 24-bit base */
	if (e->op == DEC_LGDT)
		vcpu_lgdt(v, base, (uint16_t)limit);
	else {
		v->idtr.base = base;
		v->idtr.limit = (uint16_t)limit;
	}
	return EMU_OK;
}

/* sldt, str, smsw: 16 bits to memory, the operand size to a register. */
EMU enum emu_result emu_store_sys(const struct emu *e)
{
	struct vcpu *v = e->v;
	uint32_t val = e->op == DEC_SLDT ? v->ldtr : e->op == DEC_STR ? v->tr : v->cr0;

	if (!put(v, e->g, e->m, e->m->kind == DEC_K_MEM ? 2 : e->osz, val))
		return e_mem(e, ACC_WRITE);
	return EMU_OK;
}

/* The system descriptor lldt or ltr names (SDM Vol. 2, LLDT, LTR):
   EMU_OK with d filled, or the fault already delivered. */
EMU enum emu_result sys_desc(const struct emu *e, uint32_t sel, unsigned type, uint32_t d[2])
{
	enum desc_read r = vcpu_desc_read(e->v, (uint16_t)sel, d);

	if (r == DESC_FAULT)
		return e_desc(e);
	if (r != DESC_OK || DESC_TYPE(d[1]) != type)
		return e_sel_fault(e, VEC_GP, sel);
	if (!(d[1] & DESC_P))
		return e_sel_fault(e, VEC_NP, sel);
	return EMU_OK;
}

EMU enum emu_result emu_lldt(const struct emu *e)
{
	uint32_t val = 0, d[2];
	enum emu_result r;

	if (!get(e->v, e->g, e->m, 2, &val))
		return e_mem(e, 0);
	if (!(val & ~SEL_RPL)) {
		vcpu_lldt(e->v, 0, 0);
		return EMU_OK;
	}
	if (val & SEL_TI)
		return e_sel_fault(e, VEC_GP, val);	/* an LDT lives in the GDT */
	/* Its entries reach the hypervisor's LDT on first use. */
	r = sys_desc(e, val, DT_LDT, d);
	if (r == EMU_OK)
		vcpu_lldt(e->v, (uint16_t)val, d);
	return r;
}

EMU enum emu_result emu_ltr(const struct emu *e)
{
	struct vcpu *v = e->v;
	uint32_t val = 0, d[2];
	enum emu_result r;

	if (!get(v, e->g, e->m, 2, &val))
		return e_mem(e, 0);
	if (!(val & ~SEL_RPL))
		return e_sel_fault(e, VEC_GP, val);
	r = sys_desc(e, val, DT_TSS32, d);
	if (r != EMU_OK)
		return r;
	d[1] |= DT_TSS_BUSY << DESC_TYPE_SHIFT;
	if (!wr(v, v->gdtr.base + SEL_INDEX(val) * 8 + 4, &d[1], 4))
		return e_desc(e);
	v->tr = (uint16_t)val;
	v->tss_base = desc_base(d);
	v->tss_limit = desc_limit(d);
	return EMU_OK;
}

/* ---- selector checks: lar, lsl, verr, verw, arpl ---- */

/* Does the descriptor pass the check `op` makes (SDM Vol. 2, LAR, LSL,
   VERR/VERW)? The privilege rule first, then the types each accepts. */
EMU bool segchk_ok(const struct emu *e, uint32_t sel, const uint32_t d[2])
{
	unsigned type = DESC_TYPE(d[1]), rpl = sel & SEL_RPL;
	bool conforming = (type & (DT_S | DT_CODE | DT_CONFORM)) == (DT_S | DT_CODE | DT_CONFORM);
	bool ok = conforming || DESC_DPL(d[1]) >= (e->cpl > rpl ? e->cpl : rpl);

	switch (e->op) {
	case DEC_VERR:	/* data, or readable code */
		return ok && (type & DT_S) && ((type & (DT_S | DT_CODE)) != (DT_S | DT_CODE) || (type & DT_READ));
	case DEC_VERW:	/* writable data */
		return ok && (type & (DT_S | DT_CODE | DT_WRITE)) == (DT_S | DT_WRITE);
	}
	if (type & DT_S)
		return ok;
	/* lar and lsl: the TSS and LDT system types; lar also the gates */
	return ok && (type == DT_TSS16 || type == DT_LDT || type == DT_TSS16_BUSY || type == DT_TSS32 ||
		      type == DT_TSS32_BUSY ||
		      (e->op == DEC_LAR && (type == DT_CALL16 || type == DT_TASK || type == DT_CALL32)));
}

/* ZF says whether the check passed; lar and lsl then load the access
   rights or the limit into their register. */
EMU enum emu_result emu_segchk(const struct emu *e)
{
	uint32_t val = 0, d[2];
	bool ok = false;

	if (!get(e->v, e->g, e->m, 2, &val))
		return e_mem(e, 0);
	if (val & ~SEL_RPL) {
		enum desc_read r = vcpu_desc_read(e->v, (uint16_t)val, d);

		if (r == DESC_FAULT)
			return e_desc(e);
		ok = r == DESC_OK && segchk_ok(e, val, d);
	}
	set_zf(e->g, ok);
	if (ok && (e->op == DEC_LAR || e->op == DEC_LSL)) {
		const struct eop *dst = e->gp == e->m ? &e->ops[e->nops - 1] : e->gp;

		put(e->v, e->g, dst, e->osz, e->op == DEC_LAR ? d[1] & DESC_ACCESS : desc_limit(d));
	}
	return EMU_OK;
}

/* arpl src16, dst r/m16 (AT&T order): raise dst's RPL to src's. */
EMU enum emu_result emu_arpl(const struct emu *e)
{
	uint32_t s, d;
	const struct eop *dst = &e->ops[1], *src = &e->ops[0];

	if (!get(e->v, e->g, src, 2, &s) || !get(e->v, e->g, dst, 2, &d))
		return e_mem(e, 0);
	if ((d & SEL_RPL) < (s & SEL_RPL)) {
		if (!put(e->v, e->g, dst, 2, (d & ~SEL_RPL) | (s & SEL_RPL)))
			return e_mem(e, ACC_WRITE);
		set_zf(e->g, true);
	} else
		set_zf(e->g, false);
	return EMU_OK;
}

/* ---- MSRs, cpuid, sysenter/sysexit ---- */

EMU enum emu_result emu_rdmsr(const struct emu *e)
{
	struct gstate *g = e->g;
	uint64_t q;

	if (vcpu_rdmsr(e->v, g->gpr[1], &q))
		return e_gp0(e);
	g->gpr[0] = (uint32_t)q;
	g->gpr[2] = (uint32_t)(q >> 32);
	return EMU_OK;
}

EMU enum emu_result emu_wrmsr(const struct emu *e)
{
	struct gstate *g = e->g;

	if (vcpu_wrmsr(e->v, g->gpr[1], ((uint64_t)g->gpr[2] << 32) | g->gpr[0]))
		return e_gp0(e);
	return EMU_OK;
}

EMU enum emu_result emu_cpuid(const struct emu *e)
{
	struct gstate *g = e->g;
	uint32_t r[4];

	vcpu_cpuid(e->v, g->gpr[0], g->gpr[1], r);
	g->gpr[0] = r[0];
	g->gpr[3] = r[1];
	g->gpr[1] = r[2];
	g->gpr[2] = r[3];
	return EMU_OK;
}

/* The flat segments sysenter and sysexit load sit after IA32_SYSENTER_CS
   (SDM Vol. 2, SYSENTER): kernel CS, SS at +8, user CS at +16, SS at +24. */
EMU enum emu_result emu_sysenter(const struct emu *e)
{
	struct vcpu *v = e->v;
	struct gstate *g = e->g;
	uint16_t cs = (uint16_t)(v->sysenter_cs & ~SEL_RPL);

	if (!cs)
		return e_gp0(e);
	if (e->op == DEC_SYSENTER) {
		g->sreg[SR_CS] = cs;
		g->sreg[SR_SS] = (uint16_t)(cs + 8);
		g->gpr[4] = (uint32_t)v->sysenter_esp;
		g->eip = (uint32_t)v->sysenter_eip;
		g->eflags &= ~(EF_IF | EF_VM | EF_RF);
	} else {
		g->sreg[SR_CS] = (uint16_t)((cs + 16) | 3);
		g->sreg[SR_SS] = (uint16_t)((cs + 24) | 3);
		g->gpr[4] = g->gpr[1];
		g->eip = g->gpr[2];
	}
	g->sreg_dirty |= (1u << SR_CS) | (1u << SR_SS);
	return EMU_OK;
}

/* ---- far control transfers (same privilege; lret also outward) ---- */

/* Load CS with sel (its RPL already the new CPL) and EIP with off. */
EMU enum emu_result far_load_cs(const struct emu *e, uint32_t sel, uint32_t cs, uint32_t off)
{
	struct gstate *g = e->g;

	if (vcpu_sync_sel(e->v, (uint16_t)sel))
		return e_sel_fault(e, VEC_GP, sel);
	g->sreg[SR_CS] = (uint16_t)cs;
	g->sreg_dirty |= 1u << SR_CS;
	g->eip = off & mask_of(e->osz);
	return EMU_OK;
}

/* far_target's verdict as the instruction's fault. */
EMU enum emu_result far_check(const struct emu *e, struct gstate *as, uint32_t sel)
{
	unsigned f = far_target(e->v, as, (uint16_t)sel);

	if (!f)
		return EMU_OK;
	return f == FAR_READ_FAULT ? e_desc(e) : e_sel_fault(e, f, sel);
}

/* ljmp, lcall: to an immediate pointer or one in memory. */
EMU enum emu_result emu_far_jmp_call(const struct emu *e)
{
	struct gstate *g = e->g;
	uint32_t off = 0, sel = 0;
	enum emu_result r;

	if (e->op == DEC_LJMP_PTR || e->op == DEC_LCALL_PTR) {
		sel = e->ops[0].ea;
		off = e->ops[1].ea;
	} else if (!rd(e->v, e->m->ea, &off, e->osz) || !rd(e->v, e->m->ea + e->osz, &sel, 2))
		return e_mem(e, 0);
	sel &= 0xffff;
	r = far_check(e, g, sel);
	if (r != EMU_OK)
		return r;
	if (e->op == DEC_LCALL_PTR || e->op == DEC_LCALL_MEM) {
		uint32_t esp = g->gpr[4];

		if (!push(e->v, g, e->osz, g->sreg[SR_CS]) || !push(e->v, g, e->osz, g->eip)) {
			g->gpr[4] = esp;	/* a fault leaves ESP as it was */
			return e_mem(e, ACC_WRITE | ACC_STACK);
		}
	}
	return far_load_cs(e, sel, (sel & ~SEL_RPL) | e->cpl, off);
}

/* lret, lret $n: to the same level (checked as a far jump at the
   selector's RPL) or outward (SS:ESP from the stack too). */
EMU enum emu_result emu_lret(const struct emu *e)
{
	struct gstate *g = e->g;
	unsigned osz = e->osz;
	uint32_t eip = 0, cs = 0, esp = g->gpr[4], imm = e->op == DEC_LRET_IMM ? e->ops[0].ea : 0;
	uint32_t nesp = 0, nss = 0;

	if (!rd(e->v, esp, &eip, osz) || !rd(e->v, esp + osz, &cs, 2))
		return e_mem(e, ACC_STACK);
	cs &= 0xffff;
	if ((cs & SEL_RPL) < e->cpl || !(cs & ~SEL_RPL))
		return e_sel_fault(e, VEC_GP, cs);
	if ((cs & SEL_RPL) > e->cpl) {
		if (!rd(e->v, esp + 2 * osz + imm, &nesp, osz) || !rd(e->v, esp + 3 * osz + imm, &nss, 2))
			return e_mem(e, ACC_STACK);
		g->gpr[4] = nesp + imm;
		g->sreg[SR_SS] = (uint16_t)nss;
		g->sreg_dirty |= 1u << SR_SS;
	} else {
		struct gstate probe = *g;
		enum emu_result r;

		probe.sreg[SR_CS] = (uint16_t)((probe.sreg[SR_CS] & ~SEL_RPL) | (cs & SEL_RPL));
		r = far_check(e, &probe, cs);
		if (r != EMU_OK)
			return r;
		g->gpr[4] = esp + 2 * osz + imm;
	}
	return far_load_cs(e, cs, cs, eip);
}

/* ---- dispatch ---- */

/* Privileged at CPL 0 only (SDM: #GP(0) otherwise). */
static bool cpl0_only(unsigned op)
{
	switch (op) {
	case DEC_MOV_FROM_CR: case DEC_MOV_TO_CR: case DEC_MOV_FROM_DR: case DEC_MOV_TO_DR:
	case DEC_LGDT: case DEC_LIDT: case DEC_LLDT: case DEC_LTR: case DEC_LMSW:
	case DEC_INVLPG: case DEC_INVD: case DEC_WBINVD: case DEC_WBNOINVD: case DEC_CLTS:
	case DEC_RDMSR: case DEC_WRMSR: case DEC_HLT: case DEC_SYSEXIT:
		return true;
	}
	return false;
}

/* Each operation to its handler; what is not here (not advertised by
   the filtered cpuid: invpcid, rdpmc, xsetbv, monitor, mwait, clac,
   stac, rsm, sysret, xsaves, xrstors; in and out go through
   emulate_io) raises #UD. */
EMU enum emu_result dispatch(const struct emu *e)
{
	switch (e->op) {
	case DEC_CLI: case DEC_STI:		return emu_cli_sti(e);
	case DEC_PUSHF:				return emu_pushf(e);
	case DEC_POPF:				return emu_popf(e);
	case DEC_IRET:
		e->g->eip = e->site_eip;
		return emulate_iret(e->v, e->g) ? EMU_STOP : EMU_OK;
	case DEC_HLT:				return emu_hlt(e);
	case DEC_MOV_FROM_CR:			return emu_mov_from_cr(e);
	case DEC_MOV_TO_CR:			return emu_mov_to_cr(e);
	case DEC_MOV_FROM_DR: case DEC_MOV_TO_DR: return emu_mov_dr(e);
	case DEC_CLTS:
		e->v->cr0 &= ~CR0_TS;
		return EMU_OK;
	case DEC_LMSW:				return emu_lmsw(e);
	case DEC_MOV_FROM_SEG:			return emu_mov_from_seg(e);
	case DEC_MOV_TO_SEG:			return emu_mov_to_seg(e);
	case DEC_PUSH_SEG:			return emu_push_seg(e);
	case DEC_POP_SEG:			return emu_pop_seg(e);
	case DEC_LDS: case DEC_LES: case DEC_LFS: case DEC_LGS: case DEC_LSS:
						return emu_load_far(e);
	case DEC_SGDT: case DEC_SIDT:		return emu_store_dtr(e);
	case DEC_LGDT: case DEC_LIDT:		return emu_load_dtr(e);
	case DEC_SLDT: case DEC_STR: case DEC_SMSW: return emu_store_sys(e);
	case DEC_LLDT:				return emu_lldt(e);
	case DEC_LTR:				return emu_ltr(e);
	case DEC_LAR: case DEC_LSL: case DEC_VERR: case DEC_VERW:
						return emu_segchk(e);
	case DEC_ARPL:				return emu_arpl(e);
	case DEC_INVLPG:
		e->v->hv->invlpg(e->v->hv_ctx, e->m->ea);
		return EMU_OK;
	case DEC_INVD: case DEC_WBINVD: case DEC_WBNOINVD:
		return EMU_OK;		/* caches are the hypervisor's */
	case DEC_RDMSR:				return emu_rdmsr(e);
	case DEC_WRMSR:				return emu_wrmsr(e);
	case DEC_CPUID:				return emu_cpuid(e);
	case DEC_SYSENTER: case DEC_SYSEXIT:	return emu_sysenter(e);
	case DEC_LJMP_PTR: case DEC_LCALL_PTR: case DEC_LJMP_MEM: case DEC_LCALL_MEM:
						return emu_far_jmp_call(e);
	case DEC_LRET: case DEC_LRET_IMM:	return emu_lret(e);
	}
	return e_ud(e);
}

enum emu_result emulate(struct vcpu *v, struct gstate *g, unsigned op, bool o16,
			const struct eop *ops, unsigned nops, uint32_t site_eip)
{
	const struct emu e = {
		.v = v, .g = g, .ops = ops, .gp = find(ops, nops, DEC_K_GPR), .m = rm(ops, nops),
		.sr = find(ops, nops, DEC_K_SREG), .op = op, .nops = nops, .cpl = vcpu_cpl(g),
		.osz = o16 ? 2 : 4, .o16 = o16, .site_eip = site_eip,
	};

	if (op < DEC_OP_COUNT)
		v->stats.exits[op]++;
	if (cpl0_only(op) && e.cpl)
		return e_gp0(&e);
	return dispatch(&e);
}

/* Effective address of a decoded memory operand on the guest registers
   (flat segments: the guest's bases are all 0, see docs/rewriter.md). */
static uint32_t ea_of(const struct gstate *g, const struct dec_mem *mm)
{
	uint32_t a = (uint32_t)mm->disp;

	if (mm->base != DEC_NOREG)
		a += g->gpr[mm->base];
	if (mm->index != DEC_NOREG)
		a += g->gpr[mm->index] * mm->scale;
	return a;
}

/* mem_fault out of line, for the I/O and decode paths (whose code it
   would otherwise grow). */
static __attribute__((noinline)) enum emu_result access_fault(struct vcpu *v, struct gstate *g,
							       uint32_t site_eip, unsigned acc)
{
	return mem_fault(v, g, site_eip, acc);
}

struct gmem_ctx {
	struct vcpu *v;
};

static bool pio_read8(void *ctx, int seg, uint32_t off, uint8_t *b)
{
	struct vcpu *v = ctx;

	(void)seg;
	return v->hv->read(v->hv_ctx, off, b, 1);
}

static bool pio_write8(void *ctx, int seg, uint32_t off, uint8_t b)
{
	struct vcpu *v = ctx;

	(void)seg;
	return v->hv->write(v->hv_ctx, off, &b, 1);
}

/*
 * CPL > IOPL: the I/O permission bitmap of the guest's TSS decides (SDM
 * Vol. 1, 19.5.2): its offset at TSS+0x66, one bit per port, every bit of
 * the access clear and inside the TSS limit. Linux's iopl(3) and ioperm()
 * work this way since 5.5 (a full or partial bitmap, IOPL stays 0).
 */
#define TSS_IOMAP 0x66	/* the I/O map base's offset in a 32-bit TSS */

static bool io_bitmap_allows(struct vcpu *v, uint16_t port, unsigned width)
{
	uint16_t base;
	uint8_t bits[2];
	uint32_t at;

	if (!v->tss_base || v->tss_limit < TSS_IOMAP + 1 ||
	    !v->hv->read(v->hv_ctx, v->tss_base + TSS_IOMAP, &base, 2))
		return false;
	at = (uint32_t)base + port / 8;
	if (at + 1 > v->tss_limit || !v->hv->read(v->hv_ctx, v->tss_base + at, bits, 2))
		return false;	/* the CPU reads two bytes, both inside the limit */
	return !(((uint32_t)bits[0] | (uint32_t)bits[1] << 8) >> (port % 8) & ((1u << width) - 1));
}

enum emu_result emulate_io(struct vcpu *v, struct gstate *g, const struct dec_insn *di, uint32_t site_eip)
{
	struct portio_regs r = { g->gpr[0], g->gpr[1], g->gpr[2], g->gpr[6], g->gpr[7], g->eflags };
	struct portio_mem pm = { pio_read8, pio_write8, v };
	enum portio_status st;

	if (vcpu_cpl(g) > EF_IOPL_OF(g->eflags) &&
	    !io_bitmap_allows(v, portio_port(di, &r), portio_width(di)))
		return fault(v, g, site_eip, VEC_GP, true, 0);
	v->stats.exits[di->op]++;
	vcpu_fold_pending(v);
	st = portio_exec(&v->devs, di, &r, &pm);
	g->gpr[0] = r.eax;
	g->gpr[1] = r.ecx;
	g->gpr[6] = r.esi;
	g->gpr[7] = r.edi;
	if (st == PORTIO_FAULT)	/* ins stores through ES:EDI, outs loads */
		return access_fault(v, g, site_eip, di->op == DEC_INS ? ACC_WRITE : 0);
	return st == PORTIO_OK ? EMU_OK : fault(v, g, site_eip, VEC_UD, false, 0);
}

/* One read per page the DEC_MAX_LEN bytes span, not one per byte (the
   trapped-instruction path read byte by byte: a third of its cost). A
   page is readable as a whole or not at all (the hole starts on a page),
   so what is read is what the byte loop read, faults included. */
#define EMU_PAGE 4096u
unsigned emulate_fetch(struct vcpu *v, uint32_t eip, uint8_t *buf)
{
	uint32_t room = EMU_PAGE - (eip & (EMU_PAGE - 1));
	unsigned first = room < DEC_MAX_LEN ? (unsigned)room : DEC_MAX_LEN;

	if (!v->hv->read(v->hv_ctx, eip, buf, first))
		return 0;
	if (first == DEC_MAX_LEN ||
	    !v->hv->read(v->hv_ctx, eip + first, buf + first, DEC_MAX_LEN - first))
		return first;
	return DEC_MAX_LEN;
}

enum emu_result emulate_at(struct vcpu *v, struct gstate *g, uint32_t eip, uint32_t site_eip)
{
	uint8_t bytes[DEC_MAX_LEN];
	struct dec_insn di;
	const char *why;
	unsigned n = emulate_fetch(v, eip, bytes);

	if (!n)		/* the fetch (no I/D bit without NX) */
		return access_fault(v, g, site_eip, 0);
	if (dec_decode(bytes, n, &di, &why))
		return fault(v, g, site_eip, VEC_UD, false, 0);
	return emulate_insn(v, g, &di, eip, site_eip);
}

enum emu_result emulate_insn(struct vcpu *v, struct gstate *g, const struct dec_insn *di,
			     uint32_t eip, uint32_t site_eip)
{
	struct eop ops[2];

	g->eip = eip + di->len;
	if (di->op == DEC_IN || di->op == DEC_OUT || di->op == DEC_INS || di->op == DEC_OUTS)
		return emulate_io(v, g, di, site_eip);
	for (unsigned i = 0; i < di->nops; i++) {
		ops[i].kind = di->ops[i].kind;
		ops[i].reg = di->ops[i].reg;
		ops[i].size = di->ops[i].size;
		ops[i].ea = di->ops[i].kind == DEC_K_MEM ? ea_of(g, &di->ops[i].mem) : di->ops[i].imm;
	}
	return emulate(v, g, di->op, di->opsize == 2, ops, di->nops, site_eip);
}
