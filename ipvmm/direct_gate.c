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

void direct_gate_learn(struct vcpu *v)
{
	struct vcpu_direct *d = &v->direct;
	uint32_t gate[2], desc[2], off, type;
	uint16_t sel;

	d->ok = 0;
	if (!d->installed || DIRECT_VEC * 8 + 7 > v->idtr.limit ||
	    !v->hv->read(v->hv_ctx, v->idtr.base + DIRECT_VEC * 8, gate, 8))
		return;
	type = (gate[1] >> 8) & 0x1f;
	sel = (uint16_t)(gate[0] >> 16);
	off = (gate[0] & 0xffff) | (gate[1] & 0xffff0000u);
	/* Present, DPL 3 (ring 3 may use it), a 32-bit interrupt or trap gate
	   into a GDT code segment; the handler below the IPVMM window. */
	if ((type != GATE_INT32 && type != GATE_TRAP32) || ((gate[1] >> 13) & 3) != 3 ||
	    !(gate[1] & 0x8000) || !(sel & ~3u) || (sel & 4) || off >= IPVMM_BASE)
		return;
	if (vcpu_desc_read(v, sel, desc) != DESC_OK || !flat_kernel_code(desc))
		return;
	/* The real GDT holds the guest's descriptor as it is now. */
	if (vcpu_sync_sel(v, (uint16_t)(sel & ~3u)) < 0)
		return;
	d->lo = gate[0];
	d->hi = gate[1];
	d->eip = off;
	d->cs = sel_real((uint16_t)(sel & ~3u));
	d->trap = type == GATE_TRAP32;
	d->ok = 1;
}
