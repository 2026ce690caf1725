/*
 * The virtual TLB (kernel/vtlb.c; docs/vtlb.md): shadows keyed by guest
 * CR3, their page tables from a per-guest pool that is reset (every shadow
 * emptied) when it runs dry. The pure walk is kernel/vtlb_walk.h.
 */
#ifndef VTLB_H
#define VTLB_H

#include <stdint.h>
#include "config.h"
#include "layout.h"
#include "ipvmm/shared.h"

struct guest;

/* A guest's part (struct guest's `vtlb`). The page directories and tables
 * are pages of the guest object itself (first, so only they need the page
 * alignment). */
/* One fill of a shadow entry: the page, the guest's PDE and PTE the walk
 * read (after setting A/D), and the shadow entry made from them. */
struct vtlb_fill {
	uint32_t la, gpde, gpte, spte;
};

#define VTLB_USED_WORDS (((IPVMM_BASE >> 22) + 31) / 32)   /* a bit per PDE below the hole */
struct vtlb {
	uint32_t pd[CONFIG_VTLB_SHADOWS][1024] __attribute__((aligned(PAGE_SIZE)));
	uint32_t pt[CONFIG_VTLB_PT_PAGES][1024];
	/* The presence filter the IPVMM reads (include/ipvmm/shared.h): whole
	 * pages, mapped read-only at IPVMM_VTLB_FILTER_ADDR. */
	uint32_t filter[IPVMM_VTLB_FILTER_WORDS];
	uint16_t pt_free[CONFIG_VTLB_PT_PAGES];  /* free page tables: a stack of indices into pt */
	unsigned pt_nfree;
	/* Page tables of global entries, shared by the shadows whose guest
	 * PDE is the one they were made from (kernel/vtlb.c, "Shared page
	 * tables"): per page table the shadow PDEs linking it and the PDE
	 * index + 1 it is shared at (0: private); per PDE index the shared
	 * table + 1 (0: none) and the guest PDE it was made from, A masked. */
	uint8_t pt_refs[CONFIG_VTLB_PT_PAGES];
	uint16_t pt_shared_at[CONFIG_VTLB_PT_PAGES];
	uint16_t share_pt[IPVMM_BASE >> 22];
	uint32_t share_key[IPVMM_BASE >> 22];
	uint32_t used[CONFIG_VTLB_SHADOWS][VTLB_USED_WORDS];  /* PDEs with a page table */
	uint32_t key[CONFIG_VTLB_SHADOWS];     /* guest CR3 (page) of each slot */
	uint8_t valid[CONFIG_VTLB_SHADOWS];
	uint32_t lru[CONFIG_VTLB_SHADOWS];     /* last use, for replacement */
	uint32_t clock;
	int cur;                               /* slot in use when paging is on */
	int pool_ready;
	unsigned pt_used;                      /* page tables taken from the pool */
	uint32_t fills, reflected, resets, switches, hits, prefills, kept, checked, overflows;
	uint32_t shared_links;                 /* shadow PDEs pointed at a shared table */
	/* Per slot, the pages filled since it last became current: what a
	 * CR3 write back to it re-checks (kernel/vtlb.c, slot_refresh). */
	struct vtlb_fill log[CONFIG_VTLB_SHADOWS][CONFIG_VTLB_PREFILL ? CONFIG_VTLB_PREFILL : 1];
	uint16_t log_n[CONFIG_VTLB_SHADOWS];
	uint32_t again[CONFIG_VTLB_PREFILL ? CONFIG_VTLB_PREFILL : 1];  /* slot_refresh's pages to walk again */
	uint32_t *kept_at[CONFIG_VTLB_PREFILL ? CONFIG_VTLB_PREFILL : 1];  /* ... and the entries it kept */
	uint8_t log_lost[CONFIG_VTLB_SHADOWS];  /* a fill did not fit in the log */
};

int vtlb_paging(const struct guest *g);          /* guest CR0.PG */
uint32_t vtlb_current_cr3(const struct guest *g); /* machine CR3 the VM thread runs on */
/* A #PF from the guest: 1 resolved (shadow filled), 0 reflect with *err
 * and *cr2, -1 the guest was killed. */
int vtlb_fault(struct guest *g, uint32_t la, uint32_t hw_err, uint32_t *err);
void vtlb_set_cr3(struct guest *g, uint32_t cr3);
void vtlb_set_cr0_cr4(struct guest *g, uint32_t cr0, uint32_t cr4);
void vtlb_invlpg(struct guest *g, uint32_t la);
void vtlb_flush(struct guest *g, int all);
/* Map the presence filter into the guest's physical-mode shadow (and so
 * into every shadow of it): -1 when the shadow pool is empty. */
int vtlb_map_filter(struct guest *g);
/* Guest-linear -> guest-physical through the guest's tables (a supervisor
 * read or write, A/D set as the CPU would); -1 when they do not allow it. */
int vtlb_translate(const struct guest *g, uint32_t la, int write, uint32_t *gpa);

#endif
