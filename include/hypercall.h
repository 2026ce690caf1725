/*
 * The hypercall ABI, version 1 (docs/hypercalls.md): numbers, error codes
 * and limits shared by the hypervisor (kernel/hypercall.c), the IPVMM
 * backend (ipvmm/hcall.h) and guests. The numbers and error codes come
 * from the one table, include/hypercall_table.h: C gets them as enum
 * constants, GNU as guests (cpp'd .S files) as absolute symbols.
 */
#ifndef HYPERCALL_H
#define HYPERCALL_H

#include "hypercall_table.h"

#define HC_VECTOR          0x82          /* int $0x82 from ring 1 */
#define HC_ABI_VERSION     0x00010002    /* major 1, minor 2 (HC_SET_TIMER_PERIODIC) */
#define HC_CONSOLE_MAX     4096          /* longest HC_CONSOLE_WRITE */

#ifdef __ASSEMBLER__

#define HC_ASM_CALL_(nr, NAME, name, kind, a1, a2, a3, a4, a5) .set HC_##NAME, nr;
#define HC_ASM_ERROR_(code, NAME, meaning) .set HC_##NAME, code;
HC_CALLS(HC_ASM_CALL_)
HC_ERRORS(HC_ASM_ERROR_)

#else

/* Call numbers (EAX), and their count. */
#define HC_ENUM_CALL_(nr, NAME, name, kind, a1, a2, a3, a4, a5) HC_##NAME = nr,
enum { HC_CALLS(HC_ENUM_CALL_) };
#define HC_COUNT_CALL_(nr, NAME, name, kind, a1, a2, a3, a4, a5) + 1
enum { HC_NR_CALLS = 0 HC_CALLS(HC_COUNT_CALL_) };

/* Rows dense and in order: row k has number k, so a number indexes the
 * hypervisor's tables. */
#define HC_ROW_CALL_(nr, NAME, name, kind, a1, a2, a3, a4, a5) HC_ROW_##NAME,
enum { HC_CALLS(HC_ROW_CALL_) };
#define HC_DENSE_CALL_(nr, NAME, name, kind, a1, a2, a3, a4, a5) \
	_Static_assert((int)HC_##NAME == (int)HC_ROW_##NAME, "hypercall_table.h: HC_" #NAME " out of order");
HC_CALLS(HC_DENSE_CALL_)

/* Results (EAX): 0 or positive on success, one of these on failure. */
#define HC_ENUM_ERROR_(code, NAME, meaning) HC_##NAME = code,
enum { HC_ERRORS(HC_ENUM_ERROR_) };

#endif /* __ASSEMBLER__ */

#endif
