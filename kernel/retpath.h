/* The way back to a guest (kernel/retpath.c, docs/security.md). */
#ifndef RETPATH_H
#define RETPATH_H

#include "trap.h"

struct guest;

/* Make tf safe for trap_return's pops and iretd against the descriptors
 * loaded now: a data selector that no longer loads becomes null (counted),
 * an unusable CS or SS, or EFLAGS.VM, kills the guest (returns -1). */
int retpath_check(struct guest *g, struct trap_frame *tf);

/* kernel/entry.asm: the instructions of trap_return that act on guest
 * state, each with the frame offset ESP points at there; ends at eip 0. */
struct retpath_fixup { uint32_t eip, frame_off; };
_Static_assert(sizeof(struct retpath_fixup) == 8, "entry.asm writes two dd per fixup");
extern const struct retpath_fixup retpath_fixups[];

/* A ring-0 fault at one of trap_return's guest-state instructions: kill
 * the current guest with the reason and never return. Returns if tf is
 * not such a fault. */
void retpath_fault(struct trap_frame *tf);

#endif
