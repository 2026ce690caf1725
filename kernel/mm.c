/*
 * kmap: 1024 temporary 4 KiB mappings in the last 4 MiB of the address
 * space, for machine frames beyond the direct map (and, later, guest pages).
 */
#include "mm.h"
#include "x86.h"
#include "log.h"

void mm_init(void)
{
	/* boot/ built the direct map and hooked hv_kmap_pt in; say so. */
	pr_info("mm: direct map %08x..%08x -> machine 0..%#x, kmap at %08x (%u slots)\n",
		HV_BASE, HV_BASE + DIRECT_MAP_SIZE - 1, DIRECT_MAP_SIZE, KMAP_BASE, KMAP_SLOTS);
}

/* The top KMAP_CACHE slots are not handed out: phys_read32 and
 * phys_write32 keep the last frame of each set mapped there. */
#define KMAP_TEMP (KMAP_SLOTS - KMAP_CACHE)

void *kmap(uint32_t pa)
{
	/* Inside the direct map: no slot, no invlpg (the slots serve frames
	 * above it, such as Linux's partition). */
	if (phys_in_direct_map(pa & ~(uint32_t)(PAGE_SIZE - 1), PAGE_SIZE))
		return phys_to_virt(pa);
	uint32_t f = irq_save();
	for (unsigned i = 0; i < KMAP_TEMP; i++) {
		if (!(hv_kmap_pt[i] & PTE_P)) {
			hv_kmap_pt[i] = (pa & ~(uint32_t)(PAGE_SIZE - 1)) | PTE_P | PTE_W;
			irq_restore(f);
			uint32_t va = KMAP_BASE + i * PAGE_SIZE;
			invlpg(va);
			return (void *)(uintptr_t)(va + (pa & (PAGE_SIZE - 1)));
		}
	}
	irq_restore(f);
	return 0;
}

unsigned kmap_slots_used(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < KMAP_TEMP; i++)
		n += (hv_kmap_pt[i] & PTE_P) != 0;
	return n;
}

void kunmap(void *va)
{
	uint32_t v = (uint32_t)(uintptr_t)va;
	if (v >= HV_BASE && v - HV_BASE < DIRECT_MAP_SIZE)
		return;                      /* kmap handed out the direct map */
	if (v < KMAP_BASE)
		panic("kunmap of %08x, not a kmap address", v);
	unsigned i = (v - KMAP_BASE) / PAGE_SIZE;
	if (i >= KMAP_TEMP)
		panic("kunmap of %08x, a slot of the frame cache", v);
	hv_kmap_pt[i] = 0;
	invlpg(KMAP_BASE + i * PAGE_SIZE);
}

/*
 * Words of machine frames beyond the direct map, read and written one at
 * a time (the virtual TLB's walks of a guest's page tables and its CR3
 * re-check: Linux's 128 MiB partition lies above the 44 MiB direct map).
 * Each frame has one cache slot (its frame number modulo KMAP_CACHE),
 * kept mapped until another frame of its set needs it, so the walks of
 * the same directory and tables cost no kmap, kunmap and two invlpg per
 * word. A and D are preset so the entry stays what was written, and the
 * interrupts are off from the lookup to the access: a slot is only good
 * until the next lookup.
 */
static volatile uint32_t *cache_slot(uint32_t pa)
{
	unsigned i = KMAP_TEMP + (pa / PAGE_SIZE) % KMAP_CACHE;
	uint32_t pte = (pa & ~(uint32_t)(PAGE_SIZE - 1)) | PTE_P | PTE_W | PTE_A | PTE_D;
	if (hv_kmap_pt[i] != pte) {
		hv_kmap_pt[i] = pte;
		invlpg(KMAP_BASE + i * PAGE_SIZE);
	}
	return (volatile uint32_t *)(uintptr_t)(KMAP_BASE + i * PAGE_SIZE + (pa & (PAGE_SIZE - 1)));
}

uint32_t phys_read32(uint32_t pa)
{
	if (phys_in_direct_map(pa, 4))
		return *(volatile uint32_t *)phys_to_virt(pa);
	uint32_t f = irq_save();
	uint32_t v = *cache_slot(pa);
	irq_restore(f);
	return v;
}

void phys_write32(uint32_t pa, uint32_t v)
{
	if (phys_in_direct_map(pa, 4)) {
		*(volatile uint32_t *)phys_to_virt(pa) = v;
		return;
	}
	uint32_t f = irq_save();
	*cache_slot(pa) = v;
	irq_restore(f);
}
