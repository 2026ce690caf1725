/*
 * Arithmetic the device models need without libgcc: the target is linked
 * -nostdlib, so a C 64-bit division would pull in __udivdi3.
 */
#ifndef IPVMM_UTIL_H
#define IPVMM_UTIL_H

#include <stdint.h>

/* floor(a * mul / div), or ceil() if round_up; saturates at UINT64_MAX. */
uint64_t ipvmm_muldiv64(uint64_t a, uint32_t mul, uint32_t div, int round_up);
/* a / div, remainder in *rem (may be NULL). div != 0. */
uint64_t ipvmm_div64(uint64_t a, uint32_t div, uint32_t *rem);

/* Byte copies and fills: the IPVMM links against nothing. */
void ipvmm_memcpy(void *dst, const void *src, unsigned n);
void ipvmm_memset(void *dst, int c, unsigned n);

#endif /* IPVMM_UTIL_H */
