/* The test OS's own descriptor tables: GDT, LDT, IDT and TSS. */
#include "testos.h"
#include "x86.h"

/* Access bytes and flags of segment descriptors. */
#define A_P        0x80
#define A_DPL3     0x60
#define A_S        0x10      /* code or data */
#define A_CODE     0x0a      /* execute/read */
#define A_XONLY    0x08      /* execute only */
#define A_DATA     0x02      /* read/write */
#define A_ACC      0x01
#define A_TSS      0x09      /* available 32-bit TSS */
#define A_LDT      0x02
#define F_4K32     0xc       /* G=1, D/B=1 */

struct tss {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "32-bit TSS");

uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(8)));
uint64_t ldt[LDT_ENTRIES] __attribute__((aligned(8)));
uint64_t idt[256] __attribute__((aligned(8)));
uint8_t ldt_buf[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct tss tss __attribute__((aligned(128)));
extern uint32_t vectors[NVECTORS];

uint64_t seg_desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (uint64_t)(limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)access << 40) | ((uint64_t)((limit >> 16) & 0xf) << 48) |
	       ((uint64_t)(flags & 0xf) << 52) | ((uint64_t)(base >> 24) << 56);
}

void idt_set(int vec, void (*handler)(void), int dpl, bool trap)
{
	uint32_t off = (uint32_t)handler;
	uint8_t type = trap ? 0x8f : 0x8e;          /* P, 32-bit trap/interrupt gate */
	idt[vec] = (uint64_t)(off & 0xffff) | ((uint64_t)SEL_KCODE << 16) |
		   ((uint64_t)(type | (dpl << 5)) << 40) | ((uint64_t)(off >> 16) << 48);
}

void tss_set_esp0(uint32_t esp0) { tss.esp0 = esp0; }
uint32_t tss_esp0(void) { return tss.esp0; }

/* Reload every data segment register and %cs from the new GDT. */
static void reload_segments(void)
{
	write_ds(SEL_KDATA);
	write_es(SEL_KDATA);
	write_ss(SEL_KDATA);
	write_fs(0);
	write_gs(0);
	__asm__ volatile("ljmp %0, $1f\n1:" : : "i"(SEL_KCODE));
}

void desc_init(void)
{
	gdt[0] = 0;
	gdt[SEL_KCODE >> 3] = seg_desc(0, 0xfffff, A_P | A_S | A_CODE, F_4K32);
	gdt[SEL_KDATA >> 3] = seg_desc(0, 0xfffff, A_P | A_S | A_DATA, F_4K32);
	gdt[SEL_UCODE >> 3] = seg_desc(0, 0xfffff, A_P | A_DPL3 | A_S | A_CODE, F_4K32);
	gdt[SEL_UDATA >> 3] = seg_desc(0, 0xfffff, A_P | A_DPL3 | A_S | A_DATA, F_4K32);
	gdt[SEL_TSS >> 3] = seg_desc((uint32_t)&tss, sizeof(tss) - 1, A_P | A_TSS, 0);
	gdt[SEL_LDT >> 3] = seg_desc((uint32_t)ldt, sizeof(ldt) - 1, A_P | A_LDT, 0);
	gdt[SEL_KCODE2 >> 3] = gdt[SEL_KCODE >> 3];
	gdt[SEL_FRESH >> 3] = seg_desc(0, 0xfffff, A_P | A_S | A_DATA, F_4K32);
	gdt[SEL_NOTPRES >> 3] = seg_desc(0, 0xfffff, A_S | A_DATA, F_4K32);
	gdt[SEL_XONLY >> 3] = seg_desc(0, 0xfffff, A_P | A_S | A_XONLY, F_4K32);
	gdt[SEL_UTLS >> 3] = seg_desc(USER_DATA, 0xfffff, A_P | A_DPL3 | A_S | A_DATA, F_4K32);
	ldt[0] = seg_desc((uint32_t)ldt_buf, sizeof(ldt_buf) - 1, A_P | A_S | A_DATA, 0x4);
	ldt[1] = seg_desc(0, 0xfffff, A_P | A_DPL3 | A_S | A_DATA, F_4K32);

	memset(&tss, 0, sizeof(tss));
	tss.ss0 = SEL_KDATA;
	tss.iomap = sizeof(tss);           /* no I/O bitmap: ring 3 gets no ports */

	for (int v = 0; v < NVECTORS; v++)
		idt_set(v, (void (*)(void))vectors[v], 0, false);
	idt_set(VEC_SYSCALL, (void (*)(void))vectors[VEC_SYSCALL], 3, false);
	idt_set(VEC_TRAPGATE, (void (*)(void))vectors[VEC_TRAPGATE], 0, true);
	idt_set(3, (void (*)(void))vectors[3], 0, true);  /* #BP: trap gate, like Linux */

	struct dtr g = { sizeof(gdt) - 1, (uint32_t)gdt };
	struct dtr i = { sizeof(idt) - 1, (uint32_t)idt };
	lgdt(&g);
	lidt(&i);
	reload_segments();
	lldt(SEL_LDT);
	ltr(SEL_TSS);
}
