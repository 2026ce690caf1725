/* A guest instruction the hypervisor emulates (kernel/guest_code.c). */
#ifndef GUEST_CODE_H
#define GUEST_CODE_H

#include <stdint.h>
#include "trap.h"

struct guest;

/* Up to n bytes of the instruction at CS:EIP, each within CS's limit and
 * the guest's memory; returns how many could be read. */
int guest_fetch(struct guest *g, const struct trap_frame *tf, uint8_t *buf, unsigned n);

/* Step EIP over an emulated instruction of len bytes. An EIP past CS's
 * limit raises #GP(0) there in the guest (upcall or kill): returns -1. */
int guest_advance(struct guest *g, struct trap_frame *tf, unsigned len);

#endif
