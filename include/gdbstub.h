/*
 * The per-guest GDB stub (docs/debugging.md, "The per-guest stub"): one
 * guest, named by `gdb=NAME` on the hypervisor's command line, is served
 * on the second serial port. The hooks below are all the rest of the
 * hypervisor calls; each costs a load and a branch when no stub is set up.
 */
#ifndef GDBSTUB_H
#define GDBSTUB_H

#include <stdint.h>

struct guest;
struct trap_frame;

/* Nonzero once `gdb=NAME` was given and COM2 answered. */
extern int gdbstub_on;

/* kernel/gdbstub.c: from kmain, after the PIC and the timer, before the
 * guests start. wait: `gdbwait`, hold the guest at its first stop point. */
void gdbstub_init(const char *guest_name, int wait);

/* kernel/gdbstub_guest.c */
void gdbstub_park_point(struct guest *g, struct trap_frame *tf);
int gdbstub_event_hold(const struct guest *g);   /* no upcall redirect now (stepping) */
int gdbstub_claim_trap(struct guest *g, struct trap_frame *tf);  /* 1: a stub #BP or step */
void gdbstub_guest_gone(struct guest *g);       /* its VM thread is stopping for good */

/* The hooks as the trap path calls them (kernel/vm.c). */
static inline void gdbstub_safe_point(struct guest *g, struct trap_frame *tf)
{
	if (gdbstub_on)
		gdbstub_park_point(g, tf);
}
static inline int gdbstub_holds_events(const struct guest *g)
{
	return gdbstub_on && gdbstub_event_hold(g);
}
static inline int gdbstub_trap(struct guest *g, struct trap_frame *tf)
{
	return gdbstub_on && gdbstub_claim_trap(g, tf);
}
static inline void gdbstub_stopping(struct guest *g)
{
	if (gdbstub_on)
		gdbstub_guest_gone(g);
}

#endif
