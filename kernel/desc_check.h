/*
 * Validation of a guest-supplied GDT/LDT descriptor before it enters the
 * real GDT: decode the 8 bytes into fields, check them, produce the
 * descriptor to install (decode, then invoke; installing cannot fail).
 * Guests get code and data segments only, never at DPL 0, never reaching
 * the hypervisor above DESC_GUEST_TOP.
 */
#ifndef DESC_CHECK_H
#define DESC_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* Highest linear address a guest segment may reach: the IPVMM window's
 * end, just below the hypervisor (include/layout.h: HV_BASE - 1). */
#define DESC_GUEST_TOP 0xfcffffffu

struct desc_fields {
	uint32_t base;
	uint32_t limit;		/* the 20-bit field */
	uint8_t type;		/* 4 bits */
	bool s;			/* 1: code/data, 0: system */
	uint8_t dpl;
	bool p, avl, l, db, g;
};

enum desc_verdict {
	DESC_OK,		/* install *out; may differ from the input (clipped/raised) */
	DESC_REFUSED,		/* reason says why; nothing to install */
	DESC_UNIMPLEMENTED,	/* a legal request this checker does not handle yet */
};

struct desc_change {
	bool dpl_raised, clipped;
};

void desc_decode(uint64_t raw, struct desc_fields *f);
uint64_t desc_encode(const struct desc_fields *f);
/* Effective byte limit: the 20-bit field scaled by G. */
uint32_t desc_byte_limit(const struct desc_fields *f);

enum desc_verdict desc_check(uint64_t raw, uint64_t *out, const char **reason,
			     struct desc_change *change);

#endif /* DESC_CHECK_H */
