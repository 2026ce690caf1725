/*
 * The hypervisor's side of the hypercall ABI (kernel/hypercall.c); the ABI
 * itself, shared with the IPVMM and the guests, is include/hypercall.h.
 */
#ifndef HYPERCALL_HV_H
#define HYPERCALL_HV_H

#include "hypercall.h"

struct trap_frame;

void hypercall_dispatch(struct trap_frame *tf);
/* "HC_VERSION" ... by call number (the stats line). */
extern const char *const hc_names[HC_NR_CALLS];

#endif
