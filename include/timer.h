/* Time for the hypervisor: the tick counter and waiting on it. */
#ifndef TIMER_H
#define TIMER_H

#include <stdint.h>
#include "config.h"
#include "x86.h"

/* kernel/timer.c */
void timer_init(void);
int timer_wait_ticks(uint32_t ticks);

#endif
