/*
 * Hypervisor time (docs/architecture.md, "Time"): nanoseconds from the TSC,
 * calibrated once against the 8254 at boot, and the 8254's channel 0 as a
 * one-shot clock event programmed for the nearest of the next scheduler
 * tick and the earliest guest timer deadline. Guests see the same clock,
 * scaled in their shared page, so every reading between interrupts is
 * exact to the TSC and no count is derived from the number of interrupts.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

struct clock_scale {
	uint32_t mul;		/* ns = ((tsc_delta << shift) * mul) >> 32 (x86/tsc.h) */
	uint32_t shift;
};

extern struct clock_scale clock_scale;
extern uint64_t clock_tsc_hz;
extern uint32_t clock_events;           /* timer interrupts taken */

/* kernel/clock.c */
void clock_init(void);
uint64_t clock_tsc(void);
uint64_t clock_delta_ns(uint64_t tsc_delta);
uint64_t clock_ns(void);                 /* since clock_init */
/* Ask for a timer interrupt at or before hypervisor time ns. */
void clock_event_at(uint64_t ns);
/* From the timer interrupt: the event fired; program the next one. */
void clock_event_fired(uint64_t next_ns);

#endif
