/*
 * TSC ticks to nanoseconds: ns = ((ticks << shift) * mul) >> 32, with
 * shift and mul from the boot calibration (kernel/clock.c; a guest's
 * shared page carries them to its IPVMM). The product is split in two
 * 32x64 multiplies: no 64x64 multiply, so no libgcc call in the IPVMM.
 */
#ifndef X86_TSC_H
#define X86_TSC_H

#include <stdint.h>

/* (x * mul) >> 32 for x already shifted, as its two halves' terms; the
 * sum wraps when the result passes 2^64 (a caller that cares compares it
 * with the high term). */
static inline uint64_t tsc_mul_hi(uint64_t x, uint32_t mul)
{
	return (x >> 32) * mul;
}
static inline uint64_t tsc_mul_lo(uint64_t x, uint32_t mul)
{
	return ((x & 0xffffffffu) * mul) >> 32;
}
static inline uint64_t tsc_mul_shr32(uint64_t x, uint32_t mul)
{
	return tsc_mul_hi(x, mul) + tsc_mul_lo(x, mul);
}

#endif /* X86_TSC_H */
