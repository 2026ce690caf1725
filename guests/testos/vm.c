/* Physical pages and two-level page tables. All page-table memory comes
 * from a static pool inside the identity-mapped first 16 MiB, so a table's
 * physical address is also its kernel virtual address. */
#include "testos.h"
#include "x86.h"

#define POOL_PAGES 512
static uint8_t pool[POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t pool_used[POOL_PAGES];
pte_t kernel_pd[1024] __attribute__((aligned(PAGE_SIZE)));
static pte_t kernel_pt[KMAP_END / (PAGE_SIZE * 1024)][1024] __attribute__((aligned(PAGE_SIZE)));
volatile uint32_t kdz_count, kdz_cr2, kdz_err;

#define KPDES (KMAP_END / (PAGE_SIZE * 1024))

void *page_alloc(void)
{
	for (int i = 0; i < POOL_PAGES; i++) {
		if (!pool_used[i]) {
			pool_used[i] = 1;
			memset(pool[i], 0, PAGE_SIZE);
			return pool[i];
		}
	}
	return NULL;
}

void page_free(void *p)
{
	uint32_t i = ((uint32_t)p - (uint32_t)pool) / PAGE_SIZE;
	if (p && i < POOL_PAGES)
		pool_used[i] = 0;
}

unsigned pages_free(void)
{
	unsigned n = 0;
	for (int i = 0; i < POOL_PAGES; i++)
		n += !pool_used[i];
	return n;
}

/* A new address space shares the kernel's page tables (supervisor only). */
pte_t *pd_new(void)
{
	pte_t *pd = page_alloc();
	if (pd)
		for (unsigned i = 0; i < KPDES; i++)
			pd[i] = kernel_pd[i];
	return pd;
}

/* Frees the address space's own page tables and the pool pages they map. */
void pd_free(pte_t *pd)
{
	for (unsigned i = KPDES; i < 1024; i++) {
		if (!(pd[i] & PTE_P))
			continue;
		pte_t *pt = (pte_t *)(pd[i] & ~0xfffu);
		for (int j = 0; j < 1024; j++)
			if (pt[j] & PTE_P)
				page_free((void *)(pt[j] & ~0xfffu));
		page_free(pt);
	}
	page_free(pd);
}

pte_t *pte_get(pte_t *pd, uint32_t va, bool create, uint32_t pde_flags)
{
	pte_t *pde = &pd[va >> 22];
	if (!(*pde & PTE_P)) {
		if (!create)
			return NULL;
		pte_t *pt = page_alloc();
		if (!pt)
			return NULL;
		*pde = (uint32_t)pt | pde_flags | PTE_P;
	}
	return &((pte_t *)(*pde & ~0xfffu))[(va >> 12) & 0x3ff];
}

bool vm_map(pte_t *pd, uint32_t va, uint32_t pa, uint32_t flags)
{
	pte_t *pte = pte_get(pd, va, true, PTE_W | PTE_U);
	if (!pte)
		return false;
	*pte = (pa & ~0xfffu) | flags | PTE_P;
	return true;
}

/* Identity map the first 16 MiB (supervisor, writable) and turn paging on. */
void vm_init(void)
{
	for (unsigned t = 0; t < KPDES; t++) {
		for (int i = 0; i < 1024; i++)
			kernel_pt[t][i] = ((t * 1024 + i) * PAGE_SIZE) | PTE_W | PTE_P;
		kernel_pd[t] = (uint32_t)kernel_pt[t] | PTE_W | PTE_P;
	}
	kernel_pt[0][0] = 0;   /* page 0 stays unmapped: catches null pointers */
	/* Multiboot leaves CR0 (beyond PE/PG) and CR4 undefined: set them. */
	write_cr4(0);
	write_cr3((uint32_t)kernel_pd);
	write_cr0(CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG);
}

/* Kernel demand-zero region: a not-present fault there maps a zero page. */
bool kdz_fault(uint32_t cr2, uint32_t err)
{
	if (cr2 < KDZ_VA || cr2 >= KDZ_VA + KDZ_PAGES * PAGE_SIZE || (err & (PTE_P | PTE_U)))
		return false;
	void *pg = page_alloc();
	if (!pg || !vm_map((pte_t *)read_cr3(), cr2, (uint32_t)pg, PTE_W))
		return false;
	kdz_count++;
	kdz_cr2 = cr2;
	kdz_err = err;
	return true;
}
