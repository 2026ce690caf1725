/* Forged descriptors in its own GDT and LDT (docs/hostile.md): every type
 * a selector register must refuse, conforming and DPL-0 code, expand-down
 * data, bases and limits that wrap into the hole, the G bit, and the
 * hypervisor's own selectors. The IPVMM decides against the guest's tables
 * (its emulator, or the hypervisor's desc_check for what reaches the CPU):
 * the case checks what the guest's CPU would do, or the documented refusal. */
#include "hostile.h"
#include "x86.h"

#define A_P 0x80
#define A_S 0x10
#define T_DATA 0x2       /* read/write */
#define T_EXPDOWN 0x6    /* read/write, expand-down */
#define T_CODE 0xa       /* execute/read */
#define T_CONFORM 0xe    /* execute/read, conforming */
#define F_4K32 0xc
#define EXPDOWN_BASE 0x00200000u   /* the test OS's identity-mapped memory */

enum { H_CONFORM = 12, H_EXPDOWN, H_HVBASE, H_WRAP, H_GRAN, H_CALLGATE, H_TASKGATE,
       H_INTGATE, H_TRAPGATE, H_NPCODE, H_LDTDESC, H_ENTRIES };
#define SEL(i) ((uint32_t)(i) << 3)
/* The hypervisor's selectors (include/gdt.h: its entries follow the 256 of the guests). */
#define HV_DS_SEL  0x808u
#define HV_TSS_SEL 0x810u
#define GK_DS_SEL  0x821u

static uint64_t hgdt[H_ENTRIES] __attribute__((aligned(8)));
static uint64_t hldt[2] __attribute__((aligned(8)));
static volatile uint32_t target = 0x600df00d;
static volatile uint32_t p_off, p_val;

static uint64_t gate(uint8_t type, uint32_t sel, uint32_t off)
{
	return (uint64_t)(off & 0xffff) | ((uint64_t)sel << 16) | ((uint64_t)(A_P | type) << 40) |
	       ((uint64_t)(off >> 16) << 48);
}

static void load_hgdt(void)
{
	memcpy(hgdt, gdt, sizeof(gdt));
	hgdt[H_CONFORM] = seg_desc(0, 0xfffff, A_P | A_S | T_CONFORM, F_4K32);
	/* B=0: offsets 0x1000..0xffff above its base, all below the hole */
	hgdt[H_EXPDOWN] = seg_desc(EXPDOWN_BASE, 0xfff, A_P | A_S | T_EXPDOWN, 0);
	hgdt[H_HVBASE] = seg_desc(0xfd000000u, 0xfffff, A_P | A_S | T_DATA, F_4K32);
	/* base 0x1000, 4 GiB: wraps to 0xfff; clipped, from its base up to the hole */
	hgdt[H_WRAP] = seg_desc(0x1000, 0xfffff, A_P | A_S | T_DATA, F_4K32);
	hgdt[H_GRAN] = seg_desc((uint32_t)&target & ~0xfffu, 0, A_P | A_S | T_DATA, F_4K32);
	hgdt[H_CALLGATE] = gate(0x0c, SEL_KCODE, (uint32_t)farjmp_sel);
	hgdt[H_TASKGATE] = gate(0x05, SEL_TSS, 0);
	hgdt[H_INTGATE] = gate(0x0e, SEL_KCODE, (uint32_t)farjmp_sel);
	hgdt[H_TRAPGATE] = gate(0x0f, SEL_KCODE, (uint32_t)farjmp_sel);
	hgdt[H_NPCODE] = seg_desc(0, 0xfffff, A_S | T_CODE, F_4K32);
	hgdt[H_LDTDESC] = seg_desc((uint32_t)hldt, sizeof(hldt) - 1, A_P | 0x2, 0);
	hldt[0] = seg_desc(0, 0xfffff, A_P | A_S | T_CODE, F_4K32);   /* DPL 0 code in the LDT */
	hldt[1] = seg_desc(0, 0xfffff, A_P | A_S | T_DATA, F_4K32);
	struct dtr d = { sizeof(hgdt) - 1, (uint32_t)hgdt };
	lgdt(&d);
}

static void restore_gdt(void)
{
	struct dtr d = { sizeof(gdt) - 1, (uint32_t)gdt };
	lgdt(&d);
	lldt(SEL_LDT);
}

static void load_ds(uint32_t sel) { write_ds((uint16_t)sel); }
static void load_ss_null(uint32_t sel) { write_ss((uint16_t)sel); }
static void fs_read(uint32_t sel)
{
	uint32_t v;
	write_fs((uint16_t)sel);
	__asm__ volatile("movl %%fs:(%1), %0" : "=r"(v) : "r"(p_off) : "memory");
	p_val = v;
}
static void ldt_farjmp(uint32_t sel)
{
	lldt(SEL(H_LDTDESC));
	farjmp_sel(sel);
	lldt(SEL_LDT);
}

/* hprobe(fn, arg) faulted with exactly this vector and error code? */
static bool faults(void (*fn)(uint32_t), uint32_t arg, uint32_t vec, uint32_t err)
{
	catch_reset();
	return hprobe(fn, arg) && catch_.vec == vec && catch_.err == err;
}
#define FAULT_WHY "vec %u err %x", catch_.vec, catch_.err

static void desc_system_types(void)
{
	bool ok = faults(load_ds, SEL_TSS, 13, SEL_TSS);
	CHECKF(ok, "desc", "tss descriptor into ds: #GP(selector)", FAULT_WHY);
	ok = faults(load_ds, SEL(H_LDTDESC), 13, SEL(H_LDTDESC));
	CHECKF(ok, "desc", "ldt descriptor into ds: #GP(selector)", FAULT_WHY);
	unsigned bad = 0;
	for (unsigned i = H_CALLGATE; i <= H_TRAPGATE; i++)
		bad += !faults(load_ds, SEL(i), 13, SEL(i)) << (i - H_CALLGATE);
	CHECKF(!bad, "desc", "call, task, interrupt and trap gates into ds: #GP(selector)", "bad mask %x", bad);
	bad = (unsigned)!faults(load_ds, HV_DS_SEL, 13, HV_DS_SEL) |
	      (unsigned)!faults(load_ds, HV_TSS_SEL, 13, HV_TSS_SEL) << 1;
	CHECKF(!bad, "desc", "the hypervisor's ring-0 selectors into ds: #GP(selector)", "bad mask %x", bad);
	/* Its ring-1 data selector: emulated, beyond this guest's GDT limit;
	   raw, a plain mov the CPU runs on the real GDT, where it is the
	   IPVMM's flat segment ending below the hole: no more than its own. */
	catch_reset();
	p_off = (uint32_t)&target;
	p_val = 0;
	ok = HOSTILE_AFTERBURN ? faults(fs_read, GK_DS_SEL, 13, GK_DS_SEL & ~3u) :
	     !hprobe(fs_read, GK_DS_SEL) && p_val == target;
	CHECKF(ok, "desc", HOSTILE_AFTERBURN ? "the hypervisor's ring-1 data selector: #GP(selector)" :
	       "the hypervisor's ring-1 data selector (raw: not trapped) is a flat segment", FAULT_WHY);
	ok = faults(load_ss_null, 0, 13, 0);
	CHECKF(ok, "desc", "null selector into ss: #GP(0)", FAULT_WHY);
}

static void desc_code(void)
{
	catch_reset();
	bool ok = !hprobe(farjmp_sel, SEL(H_CONFORM));
	CHECKF(ok, "desc", "far jump to a conforming code segment and back", FAULT_WHY);
	ok = !hprobe(ldt_farjmp, 0x4);
	CHECKF(ok, "desc", "far jump to dpl 0 code in its own ldt and back", FAULT_WHY);
	lldt(SEL_LDT);
	ok = faults(farjmp_sel, SEL(H_NPCODE), 11, SEL(H_NPCODE));
	CHECKF(ok, "desc", "far jump to a not-present code segment: #NP(selector)", FAULT_WHY);
	catch_reset();
	uint32_t r = hprobe(lcall_sel, SEL(H_CALLGATE));
	CHECKF(r && catch_.vec == 13 && catch_.err == SEL(H_CALLGATE), "desc",
	       "lcall through a call gate in its gdt: refused, #GP(selector)", "r %u vec %u err %x", r,
	       catch_.vec, catch_.err);
}

static void desc_data(void)
{
	catch_reset();
	p_off = 0x2000;
	p_val = 0;
	bool ok = !hprobe(fs_read, SEL(H_EXPDOWN)) && p_val == *(volatile uint32_t *)(EXPDOWN_BASE + 0x2000);
	CHECKF(ok, "desc", "expand-down data segment: read above its limit", FAULT_WHY);
	p_off = (uint32_t)&target - 0x1000;
	p_val = 0;
	ok = !hprobe(fs_read, SEL(H_WRAP)) && p_val == target;
	CHECKF(ok, "desc", "data segment wrapping 4 GiB: clipped, a read inside it", FAULT_WHY);
	p_off = (uint32_t)&target & 0xfff;
	p_val = 0;
	ok = !hprobe(fs_read, SEL(H_GRAN)) && p_val == target;
	CHECKF(ok, "desc", "g bit: a one-page data segment reads its page", FAULT_WHY);
	p_off = 0x100000;
	catch_reset();
	uint32_t r = hprobe(fs_read, SEL(H_HVBASE));
	CHECKF(r && catch_.vec == 13, "desc", "data segment based in the hypervisor: #GP, nothing read",
	       "r %u vec %u err %x val %x", r, catch_.vec, catch_.err, p_val);
}

void attack_descriptors(void)
{
	load_hgdt();
	desc_system_types();
	desc_code();
	desc_data();
	restore_gdt();
}
