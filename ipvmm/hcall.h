/*
 * int $0x82 hypercalls from the IPVMM (docs/hypercalls.md). The wrappers
 * are generated from include/hypercall_table.h, the rows the hypervisor
 * decodes, so their numbers and argument registers cannot disagree with
 * it: hcall_NAME(arg1, ...) puts argument K in EBX, ECX, EDX, ESI, EDI
 * for K = 1..5 and 0 in the unused ones. Reserved calls get none. The IPVMM
 * calls only these (scripts/check-hypercalls.py refuses a raw int $0x82
 * anywhere else in ipvmm/).
 */
#ifndef IPVMM_HCALL_H
#define IPVMM_HCALL_H

#include <stdint.h>
#include "hypercall.h"

#define HC_ABI_MAJOR (HC_ABI_VERSION >> 16)

static inline int32_t hcall_raw_(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3,
				 uint32_t a4, uint32_t a5)
{
	int32_t r;

	__asm__ volatile("int $0x82"
			 : "=a"(r)
			 : "a"(nr), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
			 : "memory");
	return r;
}

/* The parameter list (first slot: "void" when the call has none) and the
 * register values, slot by slot. */
#define HC_P1_HC_ARG(type, field) type field
#define HC_P1_HC_NOARG void
#define HC_PN_HC_ARG(type, field) , type field
#define HC_PN_HC_NOARG
#define HC_V_HC_ARG(type, field) (uint32_t)(field)
#define HC_V_HC_NOARG 0

#define HC_WRAP_HC_CALL(NAME, name, a1, a2, a3, a4, a5) \
	static inline int32_t hcall_##name(HC_P1_##a1 HC_PN_##a2 HC_PN_##a3 HC_PN_##a4 \
					   HC_PN_##a5) \
	{ \
		return hcall_raw_(HC_##NAME, HC_V_##a1, HC_V_##a2, HC_V_##a3, HC_V_##a4, \
				  HC_V_##a5); \
	}
#define HC_WRAP_HC_RESERVED(NAME, name, a1, a2, a3, a4, a5)
#define HC_WRAP_(nr, NAME, name, kind, a1, a2, a3, a4, a5) \
	HC_WRAP_##kind(NAME, name, a1, a2, a3, a4, a5)

HC_CALLS(HC_WRAP_)

#endif /* IPVMM_HCALL_H */
