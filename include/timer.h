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
int timer_wait_ticks(uint32_t ticks);

#endif
