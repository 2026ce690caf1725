/*
 * The one way the hypervisor touches guest memory (kernel/guest_mem.c).
 * Range checks with wrap-around in mind; 0 or HC_EFAULT.
 */
#ifndef GUEST_MEM_H
#define GUEST_MEM_H

#include <stdint.h>
#include "shadow.h"

struct guest;

/* A guest's memory part (struct guest's mem): its machine partition and
 * the shadow that maps it while the guest runs with paging off. */
struct guest_part {
	uint32_t base, size;                  /* machine partition [base, base+size) */
	struct shadow phys;                   /* the physical-mode shadow */
};

int guest_range_ok(const struct guest *g, uint32_t gla, uint32_t len);
int guest_read(const struct guest *g, uint32_t gla, void *dst, uint32_t len);
int guest_write(const struct guest *g, uint32_t gla, const void *src, uint32_t len);
int guest_phys_write(const struct guest *g, uint32_t gpa, const void *src, uint32_t len);
int guest_phys_zero(const struct guest *g, uint32_t gpa, uint32_t len);

#endif
