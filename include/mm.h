/*
 * The hypervisor's view of machine memory: the direct map at HV_BASE and
 * one page table of temporary mappings (kmap) at KMAP_BASE (frames inside
 * the direct map are handed out from it instead).
 */
#ifndef MM_H
#define MM_H

#include <stdint.h>
#include "layout.h"
#include "x86/paging.h"

/* Machine address inside the direct map -> hypervisor virtual address. */
static inline void *phys_to_virt(uint32_t pa)
{
	return (void *)(uintptr_t)(pa + HV_BASE);
}
static inline uint32_t virt_to_phys(const void *va)
{
	return (uint32_t)(uintptr_t)va - HV_BASE;
}
/* [pa, pa+len) lies inside the direct map (no wrap-around). */
static inline int phys_in_direct_map(uint32_t pa, uint32_t len)
{
	return pa < DIRECT_MAP_SIZE && len <= DIRECT_MAP_SIZE - pa;
}

extern uint32_t hv_page_dir[1024];   /* boot/: the hypervisor's page directory */
extern uint32_t hv_kmap_pt[1024];    /* boot/: the page table behind KMAP_BASE */

/* kernel/mm.c */
void mm_init(void);
void *kmap(uint32_t pa);             /* one 4 KiB frame; NULL when full */
void kunmap(void *va);
unsigned kmap_slots_used(void);      /* for the shutdown's pool check */
/* One aligned word of machine memory, anywhere (beyond the direct map
 * through a cached slot of the kmap area). */
uint32_t phys_read32(uint32_t pa);
void phys_write32(uint32_t pa, uint32_t v);

#endif
