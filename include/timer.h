/* Time for the hypervisor: the tick counter and waiting on it. */
#ifndef TIMER_H
#define TIMER_H

#include <stdint.h>
#include "config.h"
#include "x86.h"

/* kernel/timer.c: the tick state is the timer's (written by its IRQ 0
 * handler only); everyone else reads it. */
extern volatile uint32_t timer_ticks;   /* scheduler ticks (CONFIG_PIT_HZ) since boot */
extern unsigned pit_hz;                 /* the scheduler tick rate */
void timer_init(void);

/* Work the timer interrupt runs for others on every clock event, in table
 * order, ended by 0 (kernel/timer_hooks.c): each may lower *next, the next
 * event in hypervisor ns, and returns nonzero when it woke a thread. */
typedef int timer_hook_fn(uint64_t *next);
extern timer_hook_fn *const timer_hooks[];
int timer_wait_ticks(uint32_t ticks);

#endif
