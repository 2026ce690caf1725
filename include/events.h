/*
 * Events for guests (kernel/events.c; docs/ipvmm.md, "Events and
 * upcalls"): guest time, the IRQ thread, waiting, the upcalls, and the
 * per-guest CPU state loaded on a switch.
 */
#ifndef EVENTS_H
#define EVENTS_H

#include <stdint.h>
#include "trap.h"
#include "ipvmm/shared.h"

struct guest;

/* The guest's state at a trap as the IPVMM's upcalls read it (the one
 * place it is built: the upcalls here and the start in ipvmm_load.c). */
static inline void upcall_state_of(struct ipvmm_upcall_state *st, const struct trap_frame *tf,
				   uint32_t vector, uint32_t error, uint32_t cr2)
{
	*st = (struct ipvmm_upcall_state){
		.edi = tf->edi, .esi = tf->esi, .ebp = tf->ebp, .esp_unused = 0,
		.ebx = tf->ebx, .edx = tf->edx, .ecx = tf->ecx, .eax = tf->eax,
		.gs = tf->gs, .fs = tf->fs, .es = tf->es, .ds = tf->ds,
		.vector = vector, .error = error, .cr2 = cr2,
		.eip = tf->eip, .cs = tf->cs, .eflags = tf->eflags, .esp = tf->esp, .ss = tf->ss,
	};
}

uint64_t guest_time_ns(const struct guest *g);
/* Guest start: time 0 is now, published in its shared page. */
void guest_clock_start(struct guest *g);
/* A debugger holds the guest (kernel/gdbstub_guest.c): its clock stops,
 * so no deadline fires or, periodic, moves on meanwhile; the release skips
 * its time over the `held` TSC ticks and re-arms the clock event. */
void guest_clock_hold(struct guest *g);
void guest_clock_release(struct guest *g, uint64_t held);
/* From the timer interrupt: wake the IRQ threads whose deadline passed
 * (returns how many) and lower *next (hypervisor ns) to the earliest
 * deadline still ahead. */
int guest_events_tick(uint64_t *next);
/* Guest start: its IRQ thread (0, or -1 with the thread table full), so
 * that HC_SET_TIMER's invoke cannot fail. */
int guest_irq_thread_create(struct guest *g);
/* Guest ns, 0 = cancel; period 0 = one-shot, else re-armed every period
 * ns from the deadline (at least CONFIG_GUEST_TIMER_PERIOD_MIN_US). */
void guest_set_timer(struct guest *g, uint64_t deadline, uint64_t period);
void guest_wait(struct guest *g);                /* HC_WAIT / emulated hlt */
void guest_raise(struct guest *g, uint32_t bits);  /* set pending, wake, arrange a redirect */
int guest_in_ipvmm(const struct guest *g, uint32_t eip);
/* Before returning to the guest: deliver a due interrupt upcall. */
void guest_deliver_events(struct guest *g, struct trap_frame *tf);
/* Redirect to the exception upcall: 0, or -1 none registered / impossible. */
int guest_upcall_exc(struct guest *g, struct trap_frame *tf, uint32_t vector,
		     uint32_t error, uint32_t cr2);
void guest_load_cpu_state(const struct guest *g);  /* its GDT part and TSS ss1/esp1 */
void guest_load_cr4(const struct guest *g);

#endif
