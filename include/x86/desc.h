/*
 * Segment descriptors as the two words the CPU reads (Intel SDM Vol. 3,
 * 3.4.5): d[0] = limit 15:0, base 15:0; d[1] = base 23:16, access byte,
 * limit 19:16, flags, base 31:24. Selectors (3.4.2).
 */
#ifndef X86_DESC_H
#define X86_DESC_H

#include <stdint.h>

#define SEL_RPL   0x3u
#define SEL_TI    0x4u		/* LDT, not GDT */
#define SEL_INDEX(sel) ((uint32_t)(sel) >> 3)

/* Bits of the high word d[1] (also what lar returns, under DESC_ACCESS). */
#define DESC_A          0x00000100u	/* accessed */
#define DESC_RW         0x00000200u	/* data: writable; code: readable */
#define DESC_DC         0x00000400u	/* data: expand-down; code: conforming */
#define DESC_CODE       0x00000800u
#define DESC_S          0x00001000u	/* code or data, not a system descriptor */
#define DESC_TYPE_SHIFT 8
#define DESC_TYPE_MASK  0x1fu	/* S and the 4-bit type, as one field */
#define DESC_DPL_SHIFT  13
#define DESC_P          0x00008000u
#define DESC_G          0x00800000u
#define DESC_ACCESS     0x00f0ff00u	/* what lar returns: access byte and flags */

#define DESC_TYPE(hi) (((hi) >> DESC_TYPE_SHIFT) & DESC_TYPE_MASK)
#define DESC_DPL(hi)  (((hi) >> DESC_DPL_SHIFT) & 3u)

/* The 5-bit type field (DESC_TYPE). */
#define DT_S         0x10u	/* code or data (else system) */
#define DT_CODE      0x08u	/* with DT_S */
#define DT_CONFORM   0x04u	/* code */
#define DT_READ      0x02u	/* code: readable */
#define DT_WRITE     0x02u	/* data: writable */
/* System types. */
#define DT_TSS16     0x01u
#define DT_LDT       0x02u
#define DT_TSS16_BUSY 0x03u
#define DT_CALL16    0x04u
#define DT_TASK      0x05u
#define DT_TSS32     0x09u
#define DT_TSS32_BUSY 0x0bu
#define DT_CALL32    0x0cu
#define DT_INT32     0x0eu	/* interrupt gate */
#define DT_TRAP32    0x0fu	/* trap gate */
#define DT_TSS_BUSY  0x02u	/* the bit that marks a TSS busy */

static inline uint32_t desc_base(const uint32_t d[2])
{
	return (d[0] >> 16) | ((d[1] & 0xffu) << 16) | (d[1] & 0xff000000u);
}

/* The limit in bytes (granularity applied). */
static inline uint32_t desc_limit(const uint32_t d[2])
{
	uint32_t l = (d[0] & 0xffffu) | (d[1] & 0x000f0000u);

	return (d[1] & DESC_G) ? (l << 12) | 0xfffu : l;
}

#endif /* X86_DESC_H */
