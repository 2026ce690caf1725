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

void *kmap(uint32_t pa)
{
	/* Inside the direct map: no slot, no invlpg (every guest partition
	 * is carved there today; the slots serve frames above it). */
	if (phys_in_direct_map(pa & ~(uint32_t)(PAGE_SIZE - 1), PAGE_SIZE))
		return phys_to_virt(pa);
	uint32_t f = irq_save();
	for (unsigned i = 0; i < KMAP_SLOTS; i++) {
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
	for (unsigned i = 0; i < KMAP_SLOTS; i++)
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
	hv_kmap_pt[i] = 0;
	invlpg(KMAP_BASE + i * PAGE_SIZE);
}
