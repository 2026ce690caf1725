/*
 * Every constant and structure offset the hypervisor's NASM code uses. This
 * file is compiled to assembly only; kernel/gen-asm-offsets.py turns the
 * "->NAME value" markers into build/include/generated/asm-offsets.inc.
 */
#include <stddef.h>
#include "config.h"
#include "layout.h"
#include "gdt.h"
#include "trap.h"
#include "thread.h"
#include "x86.h"

#define DEFINE(sym, val) \
	__asm__ volatile("\n.ascii \"->" #sym " %c0\"" : : "i"((long)(val)))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

void asm_offsets(void);
void asm_offsets(void)
{
	DEFINE(HV_BASE, HV_BASE);
	DEFINE(IPVMM_BASE, IPVMM_BASE);
	DEFINE(KMAP_BASE, KMAP_BASE);
	DEFINE(DIRECT_MAP_SIZE, DIRECT_MAP_SIZE);
	DEFINE(HV_LOAD_PHYS, HV_LOAD_PHYS);
	DEFINE(PAGE_SIZE, PAGE_SIZE);
	DEFINE(LARGE_PAGE_SIZE, LARGE_PAGE_SIZE);
	DEFINE(LARGE_PAGE_SHIFT, LARGE_PAGE_SHIFT);
	DEFINE(HV_STACK_SIZE, CONFIG_HV_STACK_SIZE);

	DEFINE(CR0_PG, CR0_PG);
	DEFINE(CR0_WP, CR0_WP);
	DEFINE(CR4_PSE, CR4_PSE);
	DEFINE(CR4_PGE, CR4_PGE);

	DEFINE(HV_CS, HV_CS);
	DEFINE(HV_DS, HV_DS);
	DEFINE(HV_TSS, HV_TSS);
	DEFINE(HV_LDT, HV_LDT);
	DEFINE(GK_CS, GK_CS);
	DEFINE(GK_DS, GK_DS);
	DEFINE(GU_CS, GU_CS);
	DEFINE(GU_DS, GU_DS);

	OFFSET(TF_GS, trap_frame, gs);
	OFFSET(TF_FS, trap_frame, fs);
	OFFSET(TF_ES, trap_frame, es);
	OFFSET(TF_DS, trap_frame, ds);
	OFFSET(TF_EAX, trap_frame, eax);
	OFFSET(TF_VECTOR, trap_frame, vector);
	OFFSET(TF_ERROR, trap_frame, error);
	OFFSET(TF_EIP, trap_frame, eip);
	OFFSET(TF_CS, trap_frame, cs);
	OFFSET(TF_EFLAGS, trap_frame, eflags);
	DEFINE(TF_SIZE, sizeof(struct trap_frame));

	OFFSET(THREAD_ESP, thread, esp);
	OFFSET(THREAD_STACK_TOP, thread, stack_top);
	OFFSET(THREAD_CR3, thread, cr3);
	DEFINE(THREAD_SIZE, sizeof(struct thread));
}

/* The layouts the assembly relies on without naming them. */
_Static_assert(offsetof(struct trap_frame, gs) == 0, "common stub pushes gs last");
_Static_assert(offsetof(struct trap_frame, edi) == 16, "pusha follows the segments");
_Static_assert(offsetof(struct trap_frame, vector) == 48, "stub pushes follow pusha");
_Static_assert(offsetof(struct trap_frame, eip) ==
	       offsetof(struct trap_frame, vector) + 8, "CPU frame after vector, error");
_Static_assert(offsetof(struct thread, esp) == 0, "switch_to saves esp at THREAD_ESP");
_Static_assert(HV_CS == 0x800 || CONFIG_GUEST_GDT_ENTRIES != 256,
	       "docs/architecture.md fixes HV_CS = 0x800 with 256 guest entries");
_Static_assert(GK_CS == 0x819 || CONFIG_GUEST_GDT_ENTRIES != 256, "GK_CS");
_Static_assert(GU_DS == 0x833 || CONFIG_GUEST_GDT_ENTRIES != 256, "GU_DS");
_Static_assert(DIRECT_MAP_SIZE % LARGE_PAGE_SIZE == 0, "direct map in 4 MiB pages");
_Static_assert(HV_BASE + DIRECT_MAP_SIZE <= KMAP_BASE, "direct map below kmap");
_Static_assert(IPVMM_BASE + IPVMM_SIZE == HV_BASE, "IPVMM window right below HV");
