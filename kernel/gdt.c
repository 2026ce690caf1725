/*
 * The real GDT: the guest's entries first (empty until the guest loads its
 * own through HC_LOAD_DESC, validated), then the hypervisor's ring-0 flat
 * segments, its TSS, and the ring-1/ring-3 segments whose limit ends below
 * the hypervisor (GUEST_LIMIT), which is what protects ring 0 from ring 1.
 */
#include "gdt.h"
#include "layout.h"
#include "hv.h"

uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(8))) ENTRY_DATA;
struct tss hv_tss __attribute__((aligned(128))) ENTRY_DATA;
/* One real LDT, the running guest's validated entries (guest_load_cpu_state
 * copies them in on a switch): read-only in every shadow, like the GDT. */
uint64_t ldt[CONFIG_GUEST_LDT_ENTRIES] __attribute__((aligned(8))) ENTRY_DATA;

struct gdt_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

void gdt_load(const struct gdt_ptr *p);   /* kernel/entry.asm */

#define SEG_PRESENT  (1ull << 47)
#define SEG_S        (1ull << 44)      /* code/data, not system */
/* Accessed bit preset: the CPU would otherwise write it on the first load,
 * and a trap from a guest loads HV_CS/HV_DS while the guest's shadow (with
 * the GDT read-only) is still current. */
#define SEG_CODE     (0xBull << 40)    /* execute/read, accessed */
#define SEG_DATA     (0x3ull << 40)    /* read/write, accessed */
#define SEG_TSS32    (0x9ull << 40)    /* available 32-bit TSS */
#define SEG_LDT      (0x2ull << 40)
#define SEG_DB       (1ull << 54)      /* 32-bit */
#define SEG_G        (1ull << 55)      /* limit in 4 KiB units */

static uint64_t desc_base_limit(uint32_t base, uint32_t limit)
{
	return (uint64_t)(limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 |
	       (uint64_t)((limit >> 16) & 0xf) << 48 | (uint64_t)(base >> 24) << 56;
}

/* A 32-bit code or data segment, limit in bytes (page granular if > 1 MiB). */
uint64_t gdt_make_seg(uint32_t base, uint32_t limit, unsigned dpl, int code)
{
	uint64_t d = SEG_PRESENT | SEG_S | SEG_DB | (uint64_t)(dpl & 3) << 45 |
		     (code ? SEG_CODE : SEG_DATA);
	if (limit > 0xfffff) {
		d |= SEG_G;
		limit >>= 12;
	}
	return d | desc_base_limit(base, limit);
}

static uint64_t make_tss(uint32_t base, uint32_t limit)
{
	return SEG_PRESENT | SEG_TSS32 | desc_base_limit(base, limit);
}

static uint64_t make_ldt(uint32_t base, uint32_t limit)
{
	return SEG_PRESENT | SEG_LDT | desc_base_limit(base, limit);
}

void tss_set_esp0(uint32_t esp0)
{
	hv_tss.esp0 = esp0;
}

void gdt_init(void)
{
	for (unsigned i = 0; i < GDT_ENTRIES; i++)
		gdt[i] = 0;
	gdt[HV_CS >> 3] = gdt_make_seg(0, 0xffffffff, 0, 1);
	gdt[HV_DS >> 3] = gdt_make_seg(0, 0xffffffff, 0, 0);
	gdt[GK_CS >> 3] = gdt_make_seg(0, GUEST_LIMIT, 1, 1);
	gdt[GK_DS >> 3] = gdt_make_seg(0, GUEST_LIMIT, 1, 0);
	gdt[GU_CS >> 3] = gdt_make_seg(0, GUEST_LIMIT, 3, 1);
	gdt[GU_DS >> 3] = gdt_make_seg(0, GUEST_LIMIT, 3, 0);
	hv_tss.ss0 = HV_DS;
	hv_tss.esp0 = (uint32_t)(uintptr_t)hv_stack_top;   /* the running thread's, later */
	hv_tss.iomap_base = sizeof(hv_tss);   /* no I/O bitmap: ring 1/3 port I/O faults */
	gdt[HV_TSS >> 3] = make_tss((uint32_t)(uintptr_t)&hv_tss, sizeof(hv_tss) - 1);
	for (unsigned i = 0; i < CONFIG_GUEST_LDT_ENTRIES; i++)
		ldt[i] = 0;
	gdt[HV_LDT >> 3] = make_ldt((uint32_t)(uintptr_t)ldt, sizeof(ldt) - 1);
	struct gdt_ptr p = { sizeof(gdt) - 1, (uint32_t)(uintptr_t)gdt };
	gdt_load(&p);
}
