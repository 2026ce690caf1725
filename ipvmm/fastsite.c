/*
 * The C halves of burn.asm's fast sites: generic stubs whose operation
 * needs neither the full frame nor the decode (docs/rewriter.md, "Fast
 * sites"). Each does the operation or declines (non-zero / -1), and on
 * declining burn.asm enters burn_common with the site untouched, so the
 * common path does it again (harmless: each check here is repeated there)
 * and raises the fault or delivers the pending work itself. Sites run at
 * CPL 1 (ring 3 cannot reach the IPVMM window): the guest kernel's CPL 0.
 */
#include "vcpu.h"

/* Declines where burn_common_c would do more than the operation: an sti
   shadow to end, or work pending with IF set to deliver. */
static bool must_decline(struct vcpu *v)
{
	return v->step_shadow || (v->sh->vif && vcpu_has_pending(v));
}

int burn_invlpg_c(uint32_t la)
{
	struct vcpu *v = &ipvmm_vcpu;

	if (v->step_shadow)
		return 1;
	v->stats.exits[DEC_INVLPG]++;
	v->hv->invlpg(v->hv_ctx, la);
	return v->sh->vif && vcpu_has_pending(v);
}

/* A data segment load checked as vcpu_load_sreg checks it (descriptor
   read from the guest's table now, installed if it changed): the real
   selector for burn.asm to load, (sr << 16) | selector, or -1. */
static int32_t load_data_sreg(struct vcpu *v, unsigned sr, uint16_t sel, unsigned op)
{
	struct gstate g;

	if ((sr != SR_DS && sr != SR_ES && sr != SR_FS && sr != SR_GS) || must_decline(v))
		return -1;
	g.sreg[SR_CS] = 0;		/* CPL 0, see above */
	g.sreg_dirty = 0;
	if (vcpu_load_sreg(v, &g, sr, sel))
		return -1;
	v->stats.exits[op]++;
	return (int32_t)((sr << 16) | (sel_real(sel) & 0xffff));
}

/*
 * p: burn.asm's pushad block, then the real EFLAGS, the stub id, the
 * call's return address and what the site pushed: p[0..7] = edi esi ebp
 * esp ebx edx ecx eax, p[8] eflags, p[9] id, p[10] ret, p[11]...
 */
enum { P_EAX = 7, P_ID = 9, P_PARAM = 11 };

/* popl %sreg (call stub): the selector is at the guest's esp after the
   call, p + P_PARAM; reading it may fault (the common path reports it). */
int32_t burn_pop_sreg_c(uint32_t *p)
{
	struct vcpu *v = &ipvmm_vcpu;
	uint16_t sel;

	if (!v->hv->read(v->hv_ctx, (uint32_t)(uintptr_t)(p + P_PARAM), &sel, 2))
		return -1;
	return load_data_sreg(v, RW_ID_REG(p[P_ID]), sel, DEC_POP_SEG);
}

/*
 * A register-form generic site (pushl %eax; movl $regs, %eax; call stub;
 * popl %eax): eax holds RW_REGS, the guest's eax is at p + P_PARAM. The
 * number of the operand of kind `kind` and the guest's general register
 * the other names (its slot in p, written back by popad or popl %eax);
 * false for any other pair, or %esp (its value at the site is the common
 * path's to compute).
 */
static inline __attribute__((always_inline)) bool reg_pair(uint32_t *p, unsigned kind, unsigned *n,
						     uint32_t **gpr)
{
	uint32_t regs = p[P_EAX];
	unsigned k0 = (regs >> 16) & 0xff, k1 = regs >> 24, r0 = regs & 0xff, r1 = (regs >> 8) & 0xff;
	unsigned g;

	if (k0 == kind && k1 == DEC_K_GPR) {
		*n = r0;
		g = r1;
	} else if (k1 == kind && k0 == DEC_K_GPR) {
		*n = r1;
		g = r0;
	} else {
		return false;
	}
	if (g > 7 || g == 4)
		return false;
	*gpr = g ? &p[7 - g] : &p[P_PARAM];
	return true;
}

/* movw %reg, %sreg. */
int32_t burn_mov_sreg_c(uint32_t *p)
{
	unsigned sr;
	uint32_t *gpr;

	if (!reg_pair(p, DEC_K_SREG, &sr, &gpr))
		return -1;
	return load_data_sreg(&ipvmm_vcpu, sr, (uint16_t)*gpr, DEC_MOV_TO_SEG);
}

/* The selector in a data or code segment register now: the guest's own
   (the trampolines load none); SS and CS are the site's too. */
static uint16_t real_sreg(unsigned sr)
{
	uint16_t s = 0;

	switch (sr) {
	case SR_ES: __asm__ volatile("movw %%es, %0" : "=r"(s)); break;
	case SR_CS: __asm__ volatile("movw %%cs, %0" : "=r"(s)); break;
	case SR_SS: __asm__ volatile("movw %%ss, %0" : "=r"(s)); break;
	case SR_DS: __asm__ volatile("movw %%ds, %0" : "=r"(s)); break;
	case SR_FS: __asm__ volatile("movw %%fs, %0" : "=r"(s)); break;
	case SR_GS: __asm__ volatile("movw %%gs, %0" : "=r"(s)); break;
	}
	return s;
}

/* movw|movl %sreg, %reg as emu_mov_from_seg: the guest's view of the
   selector (sel_virt), zero-extended into a 32-bit register, the low half
   only of a 16-bit one. */
static int32_t mov_from_sreg(uint32_t *p)
{
	unsigned sr;
	uint32_t *gpr;

	if (!reg_pair(p, DEC_K_SREG, &sr, &gpr) || sr > SR_GS)
		return -1;
	uint16_t sel = sel_virt(real_sreg(sr));

	*gpr = RW_ID_O16(p[P_ID]) ? (*gpr & 0xffff0000u) | sel : sel;
	return 0;
}

/* movl %crN, %reg for CR0/2/3/4 and movl %reg, %cr2|%cr3, as
   emu_mov_from_cr and emu_mov_to_cr do them. CR0 and CR4 writes (their
   checks, the shadow's bits) stay with the common path. */
static int32_t mov_cr(struct vcpu *v, uint32_t *p, unsigned op)
{
	unsigned n;
	uint32_t *gpr;

	if (!reg_pair(p, DEC_K_CREG, &n, &gpr))
		return -1;
	if (op == DEC_MOV_FROM_CR && (n == 0 || n == 2 || n == 3 || n == 4)) {
		*gpr = n == 0 ? v->cr0 : n == 2 ? v->cr2 : n == 3 ? v->cr3 : v->cr4;
	} else if (op == DEC_MOV_TO_CR && n == 2) {
		v->cr2 = *gpr;
	} else if (op == DEC_MOV_TO_CR && n == 3) {
		if (!vcpu_set_cr3(v, *gpr))
			return -1;	/* the common path stops the guest */
	} else {
		return -1;
	}
	return 0;
}

/* A register-form site that loads no segment (burn_reg_site): control
   register moves and reads of a segment register; 0 done, -1 declined. */
int32_t burn_reg_site_c(uint32_t *p)
{
	struct vcpu *v = &ipvmm_vcpu;
	unsigned op = RW_ID_OP(p[P_ID]);
	int32_t r;

	if (v->step_shadow)
		return -1;
	r = op == DEC_MOV_FROM_SEG ? mov_from_sreg(p) : mov_cr(v, p, op);
	if (r)
		return -1;
	v->stats.exits[op]++;
	return must_decline(v) ? -1 : 0;	/* the common path repeats it: idempotent */
}
