/*
 * Physical frame allocator over a fixed-size table of free ranges (no heap,
 * no bitmap). Built from the Multiboot memory map minus what is in use; it
 * hands out single frames and carves contiguous, aligned partitions for
 * guests. Pure logic, unit-tested on the host.
 */
#ifndef FRAME_H
#define FRAME_H

#include <stdint.h>
#include "config.h"

struct frame_range {
	uint32_t start, end;             /* page-aligned [start, end) */
};

struct frame_pool {
	unsigned n;                      /* ranges in use, sorted, disjoint, not adjacent */
	struct frame_range r[CONFIG_FRAME_RANGES];
	unsigned lost;                   /* ranges dropped because the table was full */
};

void frame_pool_init(struct frame_pool *p);
/* Add usable memory: rounded inward to pages, clipped below 4 GiB. */
int frame_add(struct frame_pool *p, uint64_t base, uint64_t len);
/* Take [base, base+len) out (rounded outward); -1 if a split needs a slot
 * the table does not have (ranges before the failing one are already
 * taken out: the caller treats -1 as fatal or as memory lost, never as
 * "nothing happened"). */
int frame_reserve(struct frame_pool *p, uint64_t base, uint64_t len);
/* Allocate `size` bytes (rounded up to pages) aligned to `align` (a power
 * of two, at least a page): returns 0 and the machine address in *pa. */
int frame_alloc(struct frame_pool *p, uint32_t size, uint32_t align, uint32_t *pa);
/* Give [pa, pa+size) back; -1 if it overlaps free memory or the table is full. */
int frame_free(struct frame_pool *p, uint32_t pa, uint32_t size);
uint32_t frame_total_free(const struct frame_pool *p);

/* kernel/frame_boot.c: the hypervisor's pool */
extern struct frame_pool hv_frames;
struct boot_info;
void frame_boot_init(const struct boot_info *bi);

#endif
