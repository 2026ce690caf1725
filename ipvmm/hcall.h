/*
 * int $0x82 hypercalls from the IPVMM. The numbers, errors and version are
 * the hypervisor's, from include/hypercall.h (docs/hypercalls.md): one
 * definition of the ABI for both sides.
 */
#ifndef IPVMM_HCALL_H
#define IPVMM_HCALL_H

#include <stdint.h>
#include "hypercall.h"

#define HC_ABI_MAJOR (HC_ABI_VERSION >> 16)

static inline int32_t hcall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3,
			    uint32_t a4, uint32_t a5)
{
	int32_t r;

	__asm__ volatile("int $0x82"
			 : "=a"(r)
			 : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
			 : "memory");
	return r;
}

#endif /* IPVMM_HCALL_H */
