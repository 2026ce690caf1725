/*
 * The physical-mode shadow address space of a guest (kernel/shadow.c): the
 * page tables the VM thread runs on while the guest's paging is off, and
 * the hole's mappings every shadow copies. The virtual TLB's guest-CR3-keyed
 * shadows are in include/vtlb.h.
 */
#ifndef SHADOW_H
#define SHADOW_H

#include <stdint.h>
#include "layout.h"

struct guest;

/* A guest's part (struct guest's `phys`). */
struct shadow {
	uint32_t *pd;            /* page directory (hypervisor virtual) */
	uint32_t cr3;            /* its machine address */
	uint32_t limit;          /* guest-linear [0, limit) is mapped */
};

/* The page directory entries of the hole (IPVMM window and the hypervisor's
 * trap entry): every shadow of the guest copies them from its phys shadow. */
#define SHADOW_HOLE_PDE (IPVMM_BASE >> 22)

int shadow_phys_build(struct shadow *s, uint32_t base, uint32_t size);
/* The top page of the VM thread's stack, writable in its guest's shadow. */
int shadow_map_stack(struct shadow *s, const void *lo, uint32_t size);
int shadow_map_guest(struct shadow *s, uint32_t va, uint32_t ma, uint32_t len);
/* Hypervisor frames ring 1 may read, never write (the vTLB's filter). */
int shadow_map_ro(struct shadow *s, uint32_t va, uint32_t ma, uint32_t len);
/* Guest-linear -> machine through the guest's current shadow: 0 and *ma,
 * or -1 when the address is not mapped for the guest. */
int shadow_translate(const struct guest *g, uint32_t gla, uint32_t *ma);
int shadow_translate_write(const struct guest *g, uint32_t gla, uint32_t *ma);
/* A writable page of the guest's IPVMM data window: machine address, or -1. */
int shadow_window_write(const struct guest *g, uint32_t la, uint32_t *ma);
unsigned shadow_pool_used(void);
void shadow_phys_free(struct shadow *s);         /* a stopped guest's pages back */

#endif
