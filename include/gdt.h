/*
 * The real GDT: entries 0 .. CONFIG_GUEST_GDT_ENTRIES-1 belong to the guest
 * (validated copies of its virtual GDT), the hypervisor's descriptors sit
 * above them (docs/architecture.md, "Selectors").
 */
#ifndef GDT_H
#define GDT_H

#include "config.h"

#define GDT_HV_FIRST  CONFIG_GUEST_GDT_ENTRIES
#define GDT_SEL(idx, rpl) (((idx) << 3) | (rpl))

#define HV_CS   GDT_SEL(GDT_HV_FIRST + 0, 0)   /* ring-0 code, flat */
#define HV_DS   GDT_SEL(GDT_HV_FIRST + 1, 0)   /* ring-0 data, flat */
#define HV_TSS  GDT_SEL(GDT_HV_FIRST + 2, 0)   /* the hypervisor's TSS */
#define GK_CS   GDT_SEL(GDT_HV_FIRST + 3, 1)   /* ring-1 code, ends below HV_BASE */
#define GK_DS   GDT_SEL(GDT_HV_FIRST + 4, 1)   /* ring-1 data */
#define GU_CS   GDT_SEL(GDT_HV_FIRST + 5, 3)   /* ring-3 code */
#define GU_DS   GDT_SEL(GDT_HV_FIRST + 6, 3)   /* ring-3 data */
#define HV_LDT  GDT_SEL(GDT_HV_FIRST + 7, 0)   /* the running guest's LDT */
#define GDT_ENTRIES (GDT_HV_FIRST + 8)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The hypervisor's TSS: only ss0/esp0 matter (ring 1/3 -> 0 stack). */
struct tss {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "32-bit TSS layout");

extern struct tss hv_tss;
extern uint64_t gdt[GDT_ENTRIES];
extern uint64_t ldt[CONFIG_GUEST_LDT_ENTRIES];

/* kernel/gdt.c */
void gdt_init(void);
uint64_t gdt_make_seg(uint32_t base, uint32_t limit, unsigned dpl, int code);
void tss_set_esp0(uint32_t esp0);
#endif

#endif
