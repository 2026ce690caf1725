/*
 * The direct system-call gate's C half (ipvmm/direct.asm, docs/security.md):
 * which guest gate burn_int_direct may enter without the emulated
 * delivery. Learned after every delivery of DIRECT_VEC as a software
 * interrupt (the first ring-3 int, and every one whose gate changed); the
 * stub compares the guest's IDT entry with it on every entry, so a gate
 * the guest rewrites in memory is honoured at once.
 */
#include "vcpu.h"
#include "layout.h"

#define GATE_INT32  0xe
#define GATE_TRAP32 0xf

/* A flat, present, 32-bit, non-conforming code segment of the guest
   kernel (DPL 0 to the guest, ring 1 to the CPU): what the stub's far
   return into the handler loads without a check the CPU would make
   differently. */
static bool flat_kernel_code(const uint32_t d[2])
{
	uint32_t hi = d[1];

	return ((hi >> 11) & 3) == 3 && !(hi & (1u << 10)) && (hi & 0x8000) && ((hi >> 13) & 3) == 0 &&
	       (hi & (1u << 22)) && (hi & (1u << 23)) && (d[0] & 0xffff) == 0xffff &&
	       (hi & 0xf0000) == 0xf0000 && desc_base(d) == 0;
}

/* A gate the direct entries may take without the emulated delivery, as
   the CPU would check it: present, a 32-bit interrupt or trap gate into a
   GDT code segment that is flat kernel code, the handler below the IPVMM
   window; DPL 3 too for one ring 3 names by int n. Its code segment is
   installed as the guest's GDT has it now, its descriptor in desc. */
struct learned_gate {
	uint32_t lo, hi, eip, desc[2];
	uint16_t sel;
	bool trap;
};

static bool gate_learn(struct vcpu *v, unsigned vec, bool soft, struct learned_gate *lg)
{
	uint32_t gate[2], type;

	if (vec * 8 + 7 > v->idtr.limit || !v->hv->read(v->hv_ctx, v->idtr.base + vec * 8, gate, 8))
		return false;
	type = (gate[1] >> 8) & 0x1f;
	lg->sel = (uint16_t)(gate[0] >> 16);
	lg->eip = (gate[0] & 0xffff) | (gate[1] & 0xffff0000u);
	if ((type != GATE_INT32 && type != GATE_TRAP32) || (soft && ((gate[1] >> 13) & 3) != 3) ||
	    !(gate[1] & 0x8000) || !(lg->sel & ~3u) || (lg->sel & 4) || lg->eip >= IPVMM_BASE)
		return false;
	if (vcpu_desc_read(v, lg->sel, lg->desc) != DESC_OK || !flat_kernel_code(lg->desc))
		return false;
	/* The real GDT holds the guest's descriptor as it is now. */
	if (vcpu_sync_sel(v, (uint16_t)(lg->sel & ~3u)) < 0)
		return false;
	lg->lo = gate[0];
	lg->hi = gate[1];
	lg->trap = type == GATE_TRAP32;
	return true;
}

void direct_gate_learn(struct vcpu *v)
{
	struct vcpu_direct *d = &v->direct;
	struct learned_gate lg;

	d->ok = 0;
	if (!d->installed || !gate_learn(v, DIRECT_VEC, true, &lg))
		return;
	d->lo = lg.lo;
	d->hi = lg.hi;
	d->eip = lg.eip;
	d->cs = sel_real((uint16_t)(lg.sel & ~3u));
	d->trap = lg.trap;
	d->ok = 1;
}

/* burn_pf_direct also compares the code segment's descriptor, in the
   guest's GDT and in what was installed (gdt_cache): one of the first
   VCPU_GDT_CACHE entries. */
void pf_gate_learn(struct vcpu *v)
{
	struct vcpu_direct_pf *p = &v->pf;
	struct learned_gate lg;
	unsigned idx;

	p->ok = 0;
	if (!gate_learn(v, VEC_PF, false, &lg))
		return;
	idx = lg.sel >> 3;
	if (idx >= VCPU_GDT_CACHE || !v->gdt_valid[idx] || v->gdt_cache[idx][0] != lg.desc[0] ||
	    v->gdt_cache[idx][1] != lg.desc[1])
		return;
	p->lo = lg.lo;
	p->hi = lg.hi;
	p->eip = lg.eip;
	p->cs = sel_real((uint16_t)(lg.sel & ~3u));
	p->trap = lg.trap;
	p->cs_off = idx * 8;
	p->desc[0] = lg.desc[0];
	p->desc[1] = lg.desc[1];
	p->ok = 1;
}
