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

static enum emu_result fault(struct vcpu *v, struct gstate *g, uint32_t site_eip,
			     unsigned vec, bool has_err, uint32_t err)
{
	g->eip = site_eip;
	return deliver(v, g, vec, DLV_EXC, has_err, err) ? EMU_STOP : EMU_FAULT;
}

#define GP0() fault(v, g, site_eip, VEC_GP, true, 0)
#define UD()  fault(v, g, site_eip, VEC_UD, false, 0)

/* A failed access of the instruction's own operand (acc: ACC_WRITE,
   ACC_STACK): the CPU's fault for it, U when the instruction runs at
   CPL 3 (vcpu_access_fault). */
static enum emu_result mem_fault(struct vcpu *v, struct gstate *g, uint32_t site_eip, unsigned acc)
{
	uint32_t err;
	unsigned vec = vcpu_access_fault(v, acc | (vcpu_cpl(g) == 3 ? ACC_USER : 0), &err);

	return fault(v, g, site_eip, vec, true, err);
}

/* A descriptor-table read that faulted: a supervisor access. */
static enum emu_result desc_fault(struct vcpu *v, struct gstate *g, uint32_t site_eip)
{
	uint32_t err;
	unsigned vec = vcpu_access_fault(v, 0, &err);

	return fault(v, g, site_eip, vec, true, err);
}

#define MF_R()  mem_fault(v, g, site_eip, 0)
#define MF_W()  mem_fault(v, g, site_eip, ACC_WRITE)
#define MF_SR() mem_fault(v, g, site_eip, ACC_STACK)
#define MF_SW() mem_fault(v, g, site_eip, ACC_WRITE | ACC_STACK)

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

static uint32_t desc_base(const uint32_t d[2])
{
	return (d[0] >> 16) | ((d[1] & 0xff) << 16) | (d[1] & 0xff000000u);
}

static uint32_t desc_limit(const uint32_t d[2])
{
	uint32_t l = (d[0] & 0xffff) | (d[1] & 0xf0000);

	return (d[1] & 0x800000) ? (l << 12) | 0xfff : l;
}

/* Far transfer to sel:off at the current privilege level (no gates):
   DESC_OK, DESC_BAD (#GP(sel)) or DESC_FAULT (the descriptor read). */
static enum desc_read far_target(struct vcpu *v, struct gstate *g, uint16_t sel)
{
	uint32_t d[2];
	unsigned dpl;
	enum desc_read r = (sel & ~3u) ? vcpu_desc_read(v, sel, d) : DESC_BAD;

	if (r != DESC_OK)
		return r;
	if (((d[1] >> 11) & 3) != 3 || !(d[1] & 0x8000))
		return DESC_BAD;
	dpl = (d[1] >> 13) & 3;
	if (d[1] & 0x400)	/* conforming */
		return dpl <= vcpu_cpl(g) ? DESC_OK : DESC_BAD;
	return dpl == vcpu_cpl(g) && (sel & 3) <= vcpu_cpl(g) ? DESC_OK : DESC_BAD;
}

static bool push(struct vcpu *v, struct gstate *g, unsigned size, uint32_t val)
{
	if (!wr(v, g->gpr[4] - size, &val, size))
		return false;
	g->gpr[4] -= size;
	return true;
}

enum emu_result emulate(struct vcpu *v, struct gstate *g, unsigned op, bool o16,
			const struct eop *ops, unsigned nops, uint32_t site_eip)
{
	unsigned cpl = vcpu_cpl(g), osz = o16 ? 2 : 4;
	const struct eop *gp = find(ops, nops, DEC_K_GPR), *m = rm(ops, nops);
	const struct eop *sr = find(ops, nops, DEC_K_SREG);
	uint32_t val = 0, lo, hi;
	uint64_t q;
	int rc;

	if (op < DEC_OP_COUNT)
		v->stats.exits[op]++;
	/* Privileged at CPL 0 only (SDM: #GP(0) otherwise). */
	switch (op) {
	case DEC_MOV_FROM_CR: case DEC_MOV_TO_CR: case DEC_MOV_FROM_DR: case DEC_MOV_TO_DR:
	case DEC_LGDT: case DEC_LIDT: case DEC_LLDT: case DEC_LTR: case DEC_LMSW:
	case DEC_INVLPG: case DEC_INVD: case DEC_WBINVD: case DEC_WBNOINVD: case DEC_CLTS:
	case DEC_RDMSR: case DEC_WRMSR: case DEC_HLT: case DEC_SYSEXIT:
		if (cpl)
			return GP0();
	}
	switch (op) {
	case DEC_CLI: case DEC_STI:
		if (cpl > ((g->eflags & EF_IOPL) >> 12))
			return GP0();
		g->eflags = op == DEC_STI ? g->eflags | EF_IF : g->eflags & ~EF_IF;
		return EMU_OK;
	case DEC_PUSHF:
		if (!push(v, g, osz, g->eflags & ~(EF_VM | EF_RF)))
			return MF_SW();
		return EMU_OK;
	case DEC_POPF: {
		uint32_t keep = EF_VM | EF_RF, iopl = (g->eflags & EF_IOPL) >> 12;

		if (!rd(v, g->gpr[4], &val, osz))
			return MF_SR();
		if (cpl > 0)
			keep |= EF_IOPL;
		if (cpl > iopl)
			keep |= EF_IF;
		if (o16)
			keep |= 0xffff0000u;
		g->eflags = ((val & ~keep) | (g->eflags & keep) | EF_RSV1) & ~0xffc08028u;
		g->gpr[4] += osz;
		return EMU_OK;
	}
	case DEC_IRET:
		g->eip = site_eip;
		return emulate_iret(v, g) ? EMU_STOP : EMU_OK;
	case DEC_HLT:
		/* With IF clear nothing this board has (no NMI) ever resumes
		   it: the guest is finished (testos_exit's cli; hlt after its
		   exit port). Stop it instead of waking on every timer event. */
		if (!(g->eflags & EF_IF)) {
			v->fatal = IPVMM_FATAL_HLT_CLI;
			return EMU_STOP;
		}
		/* Block the VM thread until an event; delivery happens on the
		   way out (iret_restart checks for pending work). */
		v->stats.waits++;
		vcpu_console_flush(v);
		while (!v->sh->pending && !v->devs.pic.intr)
			if (v->hv->wait(v->hv_ctx) < 0)
				break;
		return EMU_OK;
	case DEC_MOV_FROM_CR: {
		unsigned n = (unsigned)find(ops, nops, DEC_K_CREG)->reg;

		val = n == 0 ? v->cr0 : n == 2 ? v->cr2 : n == 3 ? v->cr3 : n == 4 ? v->cr4 : 0xffffffffu;
		if (n == 1 || n > 4)
			return UD();
		put(v, g, gp, 4, val);
		return EMU_OK;
	}
	case DEC_MOV_TO_CR: {
		unsigned n = (unsigned)find(ops, nops, DEC_K_CREG)->reg;

		get(v, g, gp, 4, &val);
		switch (n) {
		case 0:
			if ((val & 0x80000000u) && !(val & 1))
				return GP0();
			val |= 0x10;
			if ((val ^ v->cr0) & 0x80010001u)	/* PG, WP, PE: the shadow's business */
				v->hv->set_cr0_cr4(v->hv_ctx, val, v->cr4);
			v->cr0 = val;
			return EMU_OK;
		case 2:
			v->cr2 = val;
			return EMU_OK;
		case 3:
			v->cr3 = val;
			v->hv->set_cr3(v->hv_ctx, val);
			return EMU_OK;
		case 4:
			if (val & ~0x000006ffu)
				return GP0();
			/* TSD, PSE, PGE, PAE (the shadow), OSFXSR, OSXMMEXCPT
			   (the real CR4 follows them while the guest runs) */
			if ((val ^ v->cr4) & 0x6b4u)
				v->hv->set_cr0_cr4(v->hv_ctx, v->cr0, val);
			v->cr4 = val;
			return EMU_OK;
		}
		return UD();
	}
	case DEC_MOV_FROM_DR:
		put(v, g, gp, 4, v->dr[find(ops, nops, DEC_K_DREG)->reg & 7]);
		return EMU_OK;
	case DEC_MOV_TO_DR:
		get(v, g, gp, 4, &val);
		v->dr[find(ops, nops, DEC_K_DREG)->reg & 7] = val;
		return EMU_OK;
	case DEC_MOV_FROM_SEG:
		val = g->sreg[sr->reg % 6];
		if (!put(v, g, m, m->kind == DEC_K_MEM ? 2 : osz, val))
			return MF_W();
		return EMU_OK;
	case DEC_MOV_TO_SEG:
		if (!get(v, g, m, 2, &val))
			return MF_R();
		rc = vcpu_load_sreg(v, g, (unsigned)sr->reg, (uint16_t)val);
		return rc ? load_fault(v, g, site_eip, rc) : EMU_OK;
	case DEC_PUSH_SEG:
		if (!push(v, g, osz, g->sreg[sr->reg % 6]))
			return MF_SW();
		return EMU_OK;
	case DEC_POP_SEG:
		if (!rd(v, g->gpr[4], &val, 2))
			return MF_SR();
		rc = vcpu_load_sreg(v, g, (unsigned)sr->reg, (uint16_t)val);
		if (rc)
			return load_fault(v, g, site_eip, rc);
		g->gpr[4] += osz;
		return EMU_OK;
	case DEC_LDS: case DEC_LES: case DEC_LFS: case DEC_LGS: case DEC_LSS: {
		const struct eop *mm = find(ops, nops, DEC_K_MEM);
		uint32_t sel = 0;

		if (!rd(v, mm->ea, &val, osz) || !rd(v, mm->ea + osz, &sel, 2))
			return MF_R();
		rc = vcpu_load_sreg(v, g, (unsigned)sr_of_load(op), (uint16_t)sel);
		if (rc)
			return load_fault(v, g, site_eip, rc);
		put(v, g, gp, osz, val);
		return EMU_OK;
	}
	case DEC_SGDT: case DEC_SIDT: {
		const struct dtr *t = op == DEC_SGDT ? &v->gdtr : &v->idtr;

		if (!wr(v, m->ea, &t->limit, 2) || !wr(v, m->ea + 2, &t->base, 4))
			return MF_W();
		return EMU_OK;
	}
	case DEC_LGDT: case DEC_LIDT: {
		uint32_t limit = 0, base;

		if (!rd(v, m->ea, &limit, 2) || !rd(v, m->ea + 2, &base, 4))
			return MF_R();
		if (o16)
			base &= 0x00ffffffu;
		if (op == DEC_LGDT)
			vcpu_lgdt(v, base, (uint16_t)limit);
		else {
			v->idtr.base = base;
			v->idtr.limit = (uint16_t)limit;
		}
		return EMU_OK;
	}
	case DEC_SLDT: case DEC_STR: case DEC_SMSW:
		val = op == DEC_SLDT ? v->ldtr : op == DEC_STR ? v->tr : v->cr0;
		if (!put(v, g, m, m->kind == DEC_K_MEM ? 2 : osz, val))
			return MF_W();
		return EMU_OK;
	case DEC_LLDT:
		if (!get(v, g, m, 2, &val))
			return MF_R();
		if (val & ~3u) {
			/* Checked as the CPU does (SDM Vol. 2, LLDT); its
			   entries reach the hypervisor's LDT on first use. */
			uint32_t d[2];
			enum desc_read r = (val & 4) ? DESC_BAD : vcpu_desc_read(v, (uint16_t)val, d);

			if (r == DESC_FAULT)
				return desc_fault(v, g, site_eip);
			if (r != DESC_OK || ((d[1] >> 8) & 0x1f) != 0x02)
				return fault(v, g, site_eip, VEC_GP, true, val & ~3u);
			if (!(d[1] & 0x8000))
				return fault(v, g, site_eip, VEC_NP, true, val & ~3u);
			vcpu_lldt(v, (uint16_t)val, d);
		} else {
			vcpu_lldt(v, 0, 0);
		}
		return EMU_OK;
	case DEC_LTR: {
		uint32_t d[2];
		enum desc_read r = DESC_BAD;

		if (!get(v, g, m, 2, &val))
			return MF_R();
		if (val & ~3u)
			r = vcpu_desc_read(v, (uint16_t)val, d);
		if (r == DESC_FAULT)
			return desc_fault(v, g, site_eip);
		if (r != DESC_OK || ((d[1] >> 8) & 0x1f) != 0x09)
			return fault(v, g, site_eip, VEC_GP, true, val & ~3u);
		if (!(d[1] & 0x8000))
			return fault(v, g, site_eip, VEC_NP, true, val & ~3u);
		d[1] |= 0x200;		/* busy */
		if (!wr(v, v->gdtr.base + (val >> 3) * 8 + 4, &d[1], 4))
			return desc_fault(v, g, site_eip);
		v->tr = (uint16_t)val;
		v->tss_base = desc_base(d);
		v->tss_limit = desc_limit(d);
		return EMU_OK;
	}
	case DEC_LMSW:
		if (!get(v, g, m, 2, &val))
			return MF_R();
		v->cr0 = (v->cr0 & ~0xeu) | (val & 0xf) | (v->cr0 & 1);
		return EMU_OK;
	case DEC_LAR: case DEC_LSL: case DEC_VERR: case DEC_VERW: {
		uint32_t d[2];
		unsigned dpl, type;
		bool ok = false;

		if (!get(v, g, m, 2, &val))
			return MF_R();
		if (val & ~3u) {
			enum desc_read r = vcpu_desc_read(v, (uint16_t)val, d);

			if (r == DESC_FAULT)
				return desc_fault(v, g, site_eip);
			ok = r == DESC_OK;
		}
		if (ok) {
			dpl = (d[1] >> 13) & 3;
			type = (d[1] >> 8) & 0x1f;
			bool conforming = (type & 0x1c) == 0x1c;
			ok = conforming || dpl >= (cpl > (val & 3) ? cpl : (val & 3));
			if (op == DEC_VERR)
				ok = ok && (type & 0x10) && ((type & 0x18) != 0x18 || (type & 2));
			if (op == DEC_VERW)
				ok = ok && (type & 0x1a) == 0x12;
			if ((op == DEC_LAR || op == DEC_LSL) && !(type & 0x10))
				ok = ok && (type == 1 || type == 2 || type == 3 || type == 9 || type == 11 ||
					    (op == DEC_LAR && (type == 4 || type == 5 || type == 12)));
		}
		set_zf(g, ok);
		if (ok && op == DEC_LAR)
			put(v, g, gp == m ? &ops[nops - 1] : gp, osz, d[1] & 0x00f0ff00u);
		if (ok && op == DEC_LSL)
			put(v, g, gp == m ? &ops[nops - 1] : gp, osz, desc_limit(d));
		return EMU_OK;
	}
	case DEC_ARPL: {
		/* arpl src16, dst r/m16 (AT&T order) */
		uint32_t s, d;
		const struct eop *dst = &ops[1], *src = &ops[0];

		if (!get(v, g, src, 2, &s) || !get(v, g, dst, 2, &d))
			return MF_R();
		if ((d & 3) < (s & 3)) {
			if (!put(v, g, dst, 2, (d & ~3u) | (s & 3)))
				return MF_W();
			set_zf(g, true);
		} else
			set_zf(g, false);
		return EMU_OK;
	}
	case DEC_INVLPG:
		v->hv->invlpg(v->hv_ctx, m->ea);
		return EMU_OK;
	case DEC_INVD: case DEC_WBINVD: case DEC_WBNOINVD:
		return EMU_OK;		/* caches are the hypervisor's */
	case DEC_CLTS:
		v->cr0 &= ~0x8u;
		return EMU_OK;
	case DEC_RDMSR:
		if (vcpu_rdmsr(v, g->gpr[1], &q))
			return GP0();
		g->gpr[0] = (uint32_t)q;
		g->gpr[2] = (uint32_t)(q >> 32);
		return EMU_OK;
	case DEC_WRMSR:
		if (vcpu_wrmsr(v, g->gpr[1], ((uint64_t)g->gpr[2] << 32) | g->gpr[0]))
			return GP0();
		return EMU_OK;
	case DEC_CPUID: {
		uint32_t r[4];

		vcpu_cpuid(v, g->gpr[0], g->gpr[1], r);
		g->gpr[0] = r[0];
		g->gpr[3] = r[1];
		g->gpr[1] = r[2];
		g->gpr[2] = r[3];
		return EMU_OK;
	}
	case DEC_SYSENTER: {
		uint16_t cs = (uint16_t)(v->sysenter_cs & 0xfffc);

		if (!cs)
			return GP0();
		g->sreg[SR_CS] = cs;
		g->sreg[SR_SS] = (uint16_t)(cs + 8);
		g->sreg_dirty |= (1u << SR_CS) | (1u << SR_SS);
		g->gpr[4] = (uint32_t)v->sysenter_esp;
		g->eip = (uint32_t)v->sysenter_eip;
		g->eflags &= ~(EF_IF | EF_VM | EF_RF);
		return EMU_OK;
	}
	case DEC_SYSEXIT: {
		uint16_t cs = (uint16_t)(v->sysenter_cs & 0xfffc);

		if (!cs)
			return GP0();
		g->sreg[SR_CS] = (uint16_t)((cs + 16) | 3);
		g->sreg[SR_SS] = (uint16_t)((cs + 24) | 3);
		g->sreg_dirty |= (1u << SR_CS) | (1u << SR_SS);
		g->gpr[4] = g->gpr[1];
		g->eip = g->gpr[2];
		return EMU_OK;
	}
	case DEC_LJMP_PTR: case DEC_LCALL_PTR: case DEC_LJMP_MEM: case DEC_LCALL_MEM: {
		uint32_t off = 0, sel = 0;

		if (op == DEC_LJMP_PTR || op == DEC_LCALL_PTR) {
			sel = ops[0].ea;
			off = ops[1].ea;
		} else if (!rd(v, m->ea, &off, osz) || !rd(v, m->ea + osz, &sel, 2))
			return MF_R();
		sel &= 0xffff;
		switch (far_target(v, g, (uint16_t)sel)) {
		case DESC_OK:
			break;
		case DESC_BAD:
			return fault(v, g, site_eip, VEC_GP, true, sel & ~3u);
		case DESC_FAULT:
			return desc_fault(v, g, site_eip);
		}
		if (op == DEC_LCALL_PTR || op == DEC_LCALL_MEM) {
			uint32_t esp = g->gpr[4];

			if (!push(v, g, osz, g->sreg[SR_CS]) || !push(v, g, osz, g->eip)) {
				g->gpr[4] = esp;	/* a fault leaves ESP as it was */
				return MF_SW();
			}
		}
		if (vcpu_sync_sel(v, (uint16_t)sel))
			return fault(v, g, site_eip, VEC_GP, true, sel & ~3u);
		g->sreg[SR_CS] = (uint16_t)((sel & ~3u) | cpl);
		g->sreg_dirty |= 1u << SR_CS;
		g->eip = off & mask_of(osz);
		return EMU_OK;
	}
	case DEC_LRET: case DEC_LRET_IMM: {
		uint32_t eip = 0, cs = 0, esp = g->gpr[4], imm = op == DEC_LRET_IMM ? ops[0].ea : 0;
		uint32_t nesp = 0, nss = 0;

		if (!rd(v, esp, &eip, osz) || !rd(v, esp + osz, &cs, 2))
			return MF_SR();
		cs &= 0xffff;
		if ((cs & 3) < cpl || !(cs & ~3u))
			return fault(v, g, site_eip, VEC_GP, true, cs & ~3u);
		if ((cs & 3) > cpl) {
			if (!rd(v, esp + 2 * osz + imm, &nesp, osz) || !rd(v, esp + 3 * osz + imm, &nss, 2))
				return MF_SR();
			g->gpr[4] = nesp + imm;
			g->sreg[SR_SS] = (uint16_t)nss;
			g->sreg_dirty |= 1u << SR_SS;
		} else {
			struct gstate probe = *g;

			probe.sreg[SR_CS] = (uint16_t)((probe.sreg[SR_CS] & ~3u) | (cs & 3));
			switch (far_target(v, &probe, (uint16_t)cs)) {
			case DESC_OK:
				break;
			case DESC_BAD:
				return fault(v, g, site_eip, VEC_GP, true, cs & ~3u);
			case DESC_FAULT:
				return desc_fault(v, g, site_eip);
			}
			g->gpr[4] = esp + 2 * osz + imm;
		}
		if (vcpu_sync_sel(v, (uint16_t)cs))
			return fault(v, g, site_eip, VEC_GP, true, cs & ~3u);
		g->sreg[SR_CS] = (uint16_t)cs;
		g->sreg_dirty |= 1u << SR_CS;
		g->eip = eip & mask_of(osz);
		return EMU_OK;
	}
	case DEC_INVPCID: case DEC_RDPMC: case DEC_XSETBV: case DEC_MONITOR: case DEC_MWAIT:
	case DEC_CLAC: case DEC_STAC: case DEC_RSM: case DEC_SYSRET:
	case DEC_XSAVES: case DEC_XRSTORS:
		return UD();		/* not advertised by the filtered cpuid */
	}
	(void)lo;
	(void)hi;
	return UD();
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
static bool io_bitmap_allows(struct vcpu *v, uint16_t port, unsigned width)
{
	uint16_t base;
	uint8_t bits[2];
	uint32_t at;

	if (!v->tss_base || v->tss_limit < 0x67 || !v->hv->read(v->hv_ctx, v->tss_base + 0x66, &base, 2))
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

	if (vcpu_cpl(g) > ((g->eflags & EF_IOPL) >> 12) &&
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
		return mem_fault(v, g, site_eip, di->op == DEC_INS ? ACC_WRITE : 0);
	return st == PORTIO_OK ? EMU_OK : fault(v, g, site_eip, VEC_UD, false, 0);
}

enum emu_result emulate_at(struct vcpu *v, struct gstate *g, uint32_t eip, uint32_t site_eip)
{
	uint8_t bytes[DEC_MAX_LEN];
	struct dec_insn di;
	struct eop ops[2];
	const char *why;
	unsigned n = 0;

	while (n < DEC_MAX_LEN && v->hv->read(v->hv_ctx, eip + n, bytes + n, 1))
		n++;
	if (!n)		/* the fetch (no I/D bit without NX) */
		return mem_fault(v, g, site_eip, 0);
	if (dec_decode(bytes, n, &di, &why))
		return fault(v, g, site_eip, VEC_UD, false, 0);
	g->eip = eip + di.len;
	if (di.op == DEC_IN || di.op == DEC_OUT || di.op == DEC_INS || di.op == DEC_OUTS)
		return emulate_io(v, g, &di, site_eip);
	for (unsigned i = 0; i < di.nops; i++) {
		ops[i].kind = di.ops[i].kind;
		ops[i].reg = di.ops[i].reg;
		ops[i].size = di.ops[i].size;
		ops[i].ea = di.ops[i].kind == DEC_K_MEM ? ea_of(g, &di.ops[i].mem) : di.ops[i].imm;
	}
	return emulate(v, g, di.op, di.opsize == 2, ops, di.nops, site_eip);
}
