/*
 * Shadow address spaces. This file builds the "physical mode" shadow a guest
 * runs on while its own paging is off: guest-linear x -> machine base + x
 * for x below the partition size, 4 KiB supervisor pages (ring 1 counts as
 * supervisor), the IPVMM window, and of the hypervisor only what a trap
 * needs before trap_common switches to hv_page_dir: its text and the entry
 * data (IDT, GDT, TSS, `current`) read-only, and the VM thread's own stack
 * writable. Segment limits keep ring 1 out of the hypervisor on hardware
 * that checks them; these page tables do it where limits are not checked
 * (QEMU's TCG). The virtual TLB (kernel/vtlb.c) keeps the shadows keyed by
 * guest CR3 in its own pool; they share this shadow's page tables for the
 * hole. The guest's IPVMM data window (shared page first) is mapped here
 * too (kernel/ipvmm_load.c), so every shadow of the guest has it.
 */
#include "guest.h"
#include "shadow.h"
#include "vtlb.h"
#include "mm.h"
#include "log.h"
#include "hv.h"
#include "ipvmm/image.h"


static uint32_t pool[CONFIG_SHADOW_POOL_PAGES][1024] __attribute__((aligned(PAGE_SIZE)));
static uint8_t pool_busy[CONFIG_SHADOW_POOL_PAGES];   /* a stopped guest returns its pages */
static unsigned pool_used;

static uint32_t page_down(const void *p)
{
	return (uint32_t)(uintptr_t)p & ~(uint32_t)(PAGE_SIZE - 1);
}

static uint32_t page_up(const void *p)
{
	return ((uint32_t)(uintptr_t)p + PAGE_SIZE - 1) & ~(uint32_t)(PAGE_SIZE - 1);
}

static uint32_t *pool_page(void)
{
	unsigned k = 0;
	while (k < CONFIG_SHADOW_POOL_PAGES && pool_busy[k])
		k++;
	if (k == CONFIG_SHADOW_POOL_PAGES)
		return 0;
	pool_busy[k] = 1;
	pool_used++;
	uint32_t *p = pool[k];
	for (unsigned i = 0; i < 1024; i++)
		p[i] = 0;
	return p;
}

static void pool_put(const uint32_t *p)
{
	unsigned k = (unsigned)((p - pool[0]) / 1024);
	if (p < pool[0] || k >= CONFIG_SHADOW_POOL_PAGES || !pool_busy[k])
		panic("shadow: returning page %p, not a busy pool page", (const void *)p);
	pool_busy[k] = 0;
	pool_used--;
}

/* Return the shadow's page directory and every page table it holds (each
 * guest's phys shadow has its own; the virtual TLB's shadows only point
 * at them). Only for a guest that will never run again: its VM thread is
 * in the hypervisor, on hv_page_dir. */
void shadow_phys_free(struct shadow *s)
{
	if (!s->pd)
		return;
	for (unsigned i = 0; i < 1024; i++)
		if (s->pd[i] & PTE_P)
			pool_put(phys_to_virt(s->pd[i] & ~(uint32_t)(PAGE_SIZE - 1)));
	pool_put(s->pd);
	s->pd = 0;
	s->cr3 = 0;
}

unsigned shadow_pool_used(void)
{
	return pool_used;
}

/* Map [va, va+len) -> [ma, ma+len) with `flags` in pd, page tables from
 * the pool. -1 when the pool is empty. */
static int map_range(uint32_t *pd, uint32_t va, uint32_t ma, uint32_t len, uint32_t flags)
{
	for (uint32_t off = 0; off < len; off += PAGE_SIZE) {
		uint32_t v = va + off;
		uint32_t *pde = &pd[PD_INDEX(v)];
		if (!(*pde & PTE_P)) {
			uint32_t *pt = pool_page();
			if (!pt)
				return -1;
			/* Permissions live in the PTEs; the PDE allows all. */
			*pde = virt_to_phys(pt) | PTE_P | PTE_W | PTE_U;
		}
		uint32_t *pt = phys_to_virt(*pde & ~(uint32_t)(PAGE_SIZE - 1));
		pt[PT_INDEX(v)] = (ma + off) | flags;
	}
	return 0;
}

static int phys_build(struct shadow *s, uint32_t base, uint32_t size);

/* On failure the pages it took go back (a refused module leaks none). */
int shadow_phys_build(struct shadow *s, uint32_t base, uint32_t size)
{
	if (phys_build(s, base, size) == 0)
		return 0;
	shadow_phys_free(s);
	return -1;
}

static int phys_build(struct shadow *s, uint32_t base, uint32_t size)
{
	if (size % PAGE_SIZE || size > IPVMM_BASE)
		return -1;
	uint32_t *pd = pool_page();
	if (!pd)
		return -1;
	s->pd = pd;                  /* so a failure below can return its pages */
	s->cr3 = virt_to_phys(pd);
	if (map_range(pd, 0, base, size, PTE_P | PTE_W) < 0)
		return -1;
	/* The IPVMM's text and rodata, read-only, one copy for all guests (its
	 * per-guest data window: kernel/ipvmm_load.c). */
	uint32_t isz = (uint32_t)(uintptr_t)__ipvmm_size;
	if (isz && map_range(pd, IPVMM_BASE, (uint32_t)(uintptr_t)__ipvmm_load_phys,
			     isz, PTE_P) < 0)
		return -1;
	/* The hypervisor's trap entry, read-only (not global: see boot/). */
	uint32_t t0 = page_down(__text_start), t1 = page_up(__text_end);
	uint32_t d0 = page_down(__entry_data_start), d1 = page_up(__entry_data_end);
	if (map_range(pd, t0, virt_to_phys((void *)(uintptr_t)t0), t1 - t0, PTE_P) < 0 ||
	    map_range(pd, d0, virt_to_phys((void *)(uintptr_t)d0), d1 - d0, PTE_P) < 0)
		return -1;
	s->limit = size;
	return 0;
}

/* Only the top page: the CPU pushes the trap frame there before
 * trap_common leaves the shadow; the rest of the stack (and its canary)
 * stays out of the guest's reach. */
int shadow_map_stack(struct shadow *s, const void *lo, uint32_t size)
{
	uint32_t v = page_down(lo);
	if (v != (uint32_t)(uintptr_t)lo || size % PAGE_SIZE || size < PAGE_SIZE)
		return -1;
	v += size - PAGE_SIZE;
	return map_range(s->pd, v, virt_to_phys((void *)(uintptr_t)v), PAGE_SIZE, PTE_P | PTE_W);
}

/* Guest frames at another address (the IPVMM data window, whose first
 * page is the guest's shared page), supervisor-writable. */
int shadow_map_guest(struct shadow *s, uint32_t va, uint32_t ma, uint32_t len)
{
	return map_range(s->pd, va, ma, len, PTE_P | PTE_W);
}

int shadow_map_ro(struct shadow *s, uint32_t va, uint32_t ma, uint32_t len)
{
	return map_range(s->pd, va, ma, len, PTE_P);
}

/* Guest-linear -> machine: the guest's own tables when its paging is on
 * (kernel/vtlb.c), the identity below its size otherwise. The hole is
 * never a valid guest buffer. */
int shadow_translate(const struct guest *g, uint32_t gla, uint32_t *ma)
{
	uint32_t gpa;
	if (vtlb_translate(g, gla, 0, &gpa) < 0)
		return -1;
	*ma = g->mem.base + gpa;
	return 0;
}

int shadow_translate_write(const struct guest *g, uint32_t gla, uint32_t *ma)
{
	uint32_t gpa;
	if (vtlb_translate(g, gla, 1, &gpa) < 0)
		return -1;
	*ma = g->mem.base + gpa;
	return 0;
}

/* The IPVMM data window (IPVMM_SHARED_ADDR and up, per guest): machine
 * address of a writable page the phys shadow maps there, or -1. */
int shadow_window_write(const struct guest *g, uint32_t la, uint32_t *ma)
{
	if (la < IPVMM_SHARED_ADDR || la >= IPVMM_BASE + IPVMM_SIZE)
		return -1;
	uint32_t pde = g->mem.phys.pd[PD_INDEX(la)];
	if (!(pde & PTE_P))
		return -1;
	const uint32_t *pt = phys_to_virt(pde & ~(uint32_t)(PAGE_SIZE - 1));
	uint32_t pte = pt[PT_INDEX(la)];
	if ((pte & (PTE_P | PTE_W)) != (PTE_P | PTE_W))
		return -1;
	*ma = (pte & ~(uint32_t)(PAGE_SIZE - 1)) | (la & (PAGE_SIZE - 1));
	return 0;
}
