/*
 * int $0x82 hypercalls (docs/hypercalls.md, ABI version 1). The numbers
 * come from include/hypercall.h when the hypervisor side provides it;
 * until then from the table in docs/hypercalls.md.
 */
#ifndef IPVMM_HCALL_H
#define IPVMM_HCALL_H

#include <stdint.h>

#if defined(__has_include)
#if __has_include("hypercall.h")
#include "hypercall.h"
#endif
#endif

#ifndef HC_VERSION
#define HC_VERSION       0
#define HC_CONSOLE_WRITE 1
#define HC_SHUTDOWN      2
#define HC_SET_CR3       3
#define HC_INVLPG        4
#define HC_FLUSH_TLB     5
#define HC_SET_CR0_CR4   6
#define HC_LOAD_DESC     7
#define HC_SET_STACK     8
#define HC_SET_TIMER     9
#define HC_WAIT          10
#define HC_SET_UPCALL    11
#define HC_IRET_DONE     12
#define HC_MAP           13
#define HC_UNMAP         14
#endif
#ifndef HC_ABI_MAJOR
#define HC_ABI_MAJOR     1
#endif

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
