/*
 * Guest descriptor validation (Intel SDM Vol. 3A, 3.4.5 and 5.2-5.3).
 * Segments are clipped by their linear extent: for expand-up segments the
 * offsets 0..limit, for expand-down data segments limit+1..upper (upper is
 * 0xFFFFFFFF with B=1, 0xFFFF with B=0), all modulo 2^32 as the CPU
 * computes linear addresses. Nothing of the extent may exceed
 * DESC_GUEST_TOP, including by wrapping past 4 GiB.
 */
#include "desc_check.h"

#define TYPE_CODE     0x8
#define TYPE_EXPDOWN  0x4	/* data segments */
#define TYPE_CONFORM  0x4	/* code segments */

void desc_decode(uint64_t raw, struct desc_fields *f)
{
	uint32_t lo = (uint32_t)raw, hi = (uint32_t)(raw >> 32);

	f->limit = (lo & 0xffff) | (hi & 0x000f0000u);
	f->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
	f->type = (hi >> 8) & 0xf;
	f->s = (hi >> 12) & 1;
	f->dpl = (hi >> 13) & 3;
	f->p = (hi >> 15) & 1;
	f->avl = (hi >> 20) & 1;
	f->l = (hi >> 21) & 1;
	f->db = (hi >> 22) & 1;
	f->g = (hi >> 23) & 1;
}

uint64_t desc_encode(const struct desc_fields *f)
{
	uint32_t lo = (f->limit & 0xffff) | (f->base << 16);
	uint32_t hi = ((f->base >> 16) & 0xff) | (f->base & 0xff000000u) |
		(f->limit & 0x000f0000u) | (uint32_t)f->type << 8 |
		(uint32_t)f->s << 12 | (uint32_t)f->dpl << 13 | (uint32_t)f->p << 15 |
		(uint32_t)f->avl << 20 | (uint32_t)f->l << 21 | (uint32_t)f->db << 22 |
		(uint32_t)f->g << 23;

	return (uint64_t)hi << 32 | lo;
}

uint32_t desc_byte_limit(const struct desc_fields *f)
{
	return f->g ? (f->limit << 12) | 0xfff : f->limit;
}

/* Encode the largest byte limit <= want (expand-up: shrink from the top). */
static void set_limit_down(struct desc_fields *f, uint32_t want)
{
	if (want <= 0xfffff) {
		f->g = false;
		f->limit = want;
	} else {
		f->g = true;
		f->limit = (want - 0xfff) >> 12;
	}
}

/* Encode the smallest byte limit >= want (expand-down: shrink from the bottom). */
static void set_limit_up(struct desc_fields *f, uint32_t want)
{
	if (!f->g && want <= 0xfffff) {
		f->limit = want;
	} else {
		f->g = true;
		f->limit = want >> 12;
	}
}

/* Clip so the linear extent stays at or below DESC_GUEST_TOP. */
static bool clip(struct desc_fields *f, bool *clipped, const char **reason)
{
	uint32_t lim = desc_byte_limit(f);
	bool expand_down = !(f->type & TYPE_CODE) && (f->type & TYPE_EXPDOWN);

	*clipped = false;
	if (!expand_down) {
		/* Offsets 0..lim: linear base..base+lim, rising. */
		if (f->base > DESC_GUEST_TOP) {
			*reason = "segment base inside the hypervisor area";
			return false;
		}
		if (lim > DESC_GUEST_TOP - f->base) {
			set_limit_down(f, DESC_GUEST_TOP - f->base);
			*clipped = true;
		}
		return true;
	}
	/*
	 * Offsets lim+1..upper: linear base+lim+1 .. base+upper. Only the
	 * bottom can move (raising the limit), so the range must either end
	 * at or below the top without wrapping, or wrap past 4 GiB with its
	 * bottom raised to linear 0 and its end (mod 2^32) at or below the
	 * top. Otherwise the top offset itself reaches the hypervisor and
	 * the segment becomes empty (limit = upper): the guest may still
	 * load the selector, every access faults.
	 */
	uint32_t upper = f->db ? 0xffffffffu : 0xffffu;
	uint64_t end = (uint64_t)f->base + upper, need;

	if (end <= DESC_GUEST_TOP)
		return true;
	if (end < 0x100000000ull || end - 0x100000000ull > DESC_GUEST_TOP)
		need = upper;
	else
		need = 0xffffffffull - f->base;	/* lowest offset maps to linear 0 */
	if (lim < need) {
		set_limit_up(f, (uint32_t)need);
		*clipped = true;
	}
	return true;
}

enum desc_verdict desc_check(uint64_t raw, uint64_t *out, const char **reason,
			     struct desc_change *change)
{
	struct desc_fields f;
	struct desc_change ch = { false, false };

	*reason = "ok";
	if (raw == 0) {			/* the null descriptor */
		*out = 0;
		if (change)
			*change = ch;
		return DESC_OK;
	}
	desc_decode(raw, &f);
	if (!f.s) {
		switch (f.type) {
		case 0x1: case 0x2: case 0x3: case 0x9: case 0xb:
			*reason = "TSS/LDT descriptors go through the checked TSS/LDT path (not implemented)";
			return DESC_UNIMPLEMENTED;
		case 0x4: case 0xc:
			*reason = "call gate refused";
			return DESC_REFUSED;
		case 0x5:
			*reason = "task gate refused";
			return DESC_REFUSED;
		case 0x6: case 0x7: case 0xe: case 0xf:
			*reason = "interrupt/trap gate refused in a descriptor table";
			return DESC_REFUSED;
		default:
			*reason = "reserved system descriptor type";
			return DESC_REFUSED;
		}
	}
	if (f.l) {
		*reason = "64-bit code segment (L=1) refused";
		return DESC_REFUSED;
	}
	if (f.dpl == 0) {
		/* Ring 0 is the hypervisor's: the guest kernel runs in ring 1.
		 * A conforming segment at DPL 1 still runs at its caller's CPL,
		 * never more privileged than ring 1. */
		f.dpl = 1;
		ch.dpl_raised = true;
	}
	/*
	 * User segments (DPL 3) keep the guest's limit. Ring 3 cannot reach
	 * the hole through them (its pages are supervisor, or not mapped in
	 * a guest's shadow), and ring 1 reaches nothing through them that
	 * paging does not already guard (docs/security.md, "Segment
	 * limits"); but user code relies on a 4 GiB limit: glibc reads its
	 * thread pointer at %gs:-4 and friends, offsets that wrap past 4 GiB
	 * to just below the TLS segment's base (i386 TLS variant II).
	 */
	if (f.dpl != 3 && !clip(&f, &ch.clipped, reason))
		return DESC_REFUSED;
	*out = desc_encode(&f);
	if (change)
		*change = ch;
	return DESC_OK;
}
