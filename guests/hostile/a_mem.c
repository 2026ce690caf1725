/* Its own page tables against the hole and the partition (docs/hostile.md):
 * a self-map, a 4 MiB page, directory entries over the IPVMM window and
 * over the hypervisor. What the guest's MMU would do is emulated; entries
 * over the hole are ignored (the hole's mappings are the hypervisor's).
 * The attacks that must end the guest (a PTE past its partition, a store
 * into the hypervisor) are acts (acts.c). */
#include "hostile.h"
#include "hypercall.h"
#include "x86.h"

#define PTE_PS   0x080u
#define CR4_PSE  0x010u
#define SELF_PDE 0x200u               /* 0x80000000: never used by the test OS */
#define IPVMM_PDE (0xfc000000u >> 22)
#define HV_PDE    (0xfd000000u >> 22)

static volatile uint32_t target = 0x5e1f0a11;

static void mem_selfmap(void)
{
	kernel_pd[SELF_PDE] = (uint32_t)kernel_pd | PTE_W | PTE_P;
	invlpg(SELF_PDE << 22 | SELF_PDE << 12);
	const volatile uint32_t *pd = (const uint32_t *)(SELF_PDE << 22 | SELF_PDE << 12);
	bool ok = pd[0] == kernel_pd[0] && pd[SELF_PDE] == kernel_pd[SELF_PDE];
	kernel_pd[SELF_PDE] = 0;
	write_cr3(read_cr3());
	CHECK(ok, "paging", "self-map: its directory read through a pde that points at it");
}

static void mem_pse(void)
{
	uint32_t cr4 = read_cr4();
	write_cr4(cr4 | CR4_PSE);
	kernel_pd[SELF_PDE] = 0 | PTE_PS | PTE_W | PTE_P;       /* guest-physical 0..4 MiB */
	invlpg(SELF_PDE << 22);
	uint32_t v = *(volatile uint32_t *)((SELF_PDE << 22) + (uint32_t)&target);
	kernel_pd[SELF_PDE] = 0;
	write_cr3(read_cr3());
	write_cr4(cr4);
	CHECKF(v == target, "paging", "pse: a 4 MiB page maps its own memory", "read %x", v);
}

/* A directory entry of its own over the IPVMM window, one over the
 * hypervisor: the IPVMM still runs from its text (a hypercall through it,
 * a trapped port read), the hypervisor still answers. */
static void mem_hole_pdes(void)
{
	pte_t *pt = page_alloc();
	for (int i = 0; i < 1024; i++)
		pt[i] = (uint32_t)&target | PTE_W | PTE_P;   /* every page: this guest's own */
	kernel_pd[IPVMM_PDE] = (uint32_t)pt | PTE_W | PTE_P;
	invlpg(0xfc000000u);
	write_cr3(read_cr3());
	bool text = hc_find_gadget() && *(volatile uint32_t *)0xfc000000u != target;
	uint16_t imr = pic_read_imr();
	kernel_pd[IPVMM_PDE] = 0;
	write_cr3(read_cr3());
	CHECKF(text && imr == pic_read_imr(), "paging", "a pde over the ipvmm window: ignored, the ipvmm runs on",
	       "text %u imr %x", text, imr);
	kernel_pd[HV_PDE] = (uint32_t)pt | PTE_W | PTE_P;
	write_cr3(read_cr3());
	struct hc_regs r = { HC_VERSION, 0, 0, 0, 0, 0 };
	int32_t ver = hv_call(&r);
	kernel_pd[HV_PDE] = 0;
	write_cr3(read_cr3());
	page_free(pt);
	CHECKF(ver == HC_ABI_VERSION, "paging", "a pde over the hypervisor: ignored, hypercalls answer",
	       "version %x", (uint32_t)ver);
}

/* mov to cr3 with the bits the CPU ignores set (0-2, 5-11; PWT and PCD
 * kept): the switch happens. (Before, the hypervisor refused the value
 * and the IPVMM ignored the refusal: the old tables stayed.) */
static void cr3_read(uint32_t va) { target = *(volatile uint32_t *)va; }
static void mem_cr3_low_bits(void)
{
	pte_t *pd = pd_new();
	uint32_t *page = page_alloc();
	page[0] = 0xc3c3c3c3u;
	vm_map(pd, SELF_PDE << 22, (uint32_t)page, PTE_W);
	uint32_t old = target;
	write_cr3((uint32_t)pd | 0xfe7u);
	catch_reset();
	bool ok = !hprobe(cr3_read, SELF_PDE << 22) && target == 0xc3c3c3c3u;
	uint32_t cr3 = read_cr3();
	write_cr3((uint32_t)kernel_pd);
	target = old;
	pd_free(pd);
	CHECKF(ok && cr3 == ((uint32_t)pd | 0xfe7u), "paging", "mov to cr3 with its ignored low bits set: switched",
	       "cr3 %x vec %u", cr3, catch_.vec);
}

void attack_memory(void)
{
	mem_cr3_low_bits();
	mem_selfmap();
	mem_pse();
	mem_hole_pdes();
}
