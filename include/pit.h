/* 8254 PIT channel 0: the periodic hypervisor tick (CONFIG_PIT_HZ). */
#ifndef PIT_H
#define PIT_H

#include <stdint.h>

#define PIT_INPUT_HZ 1193182u

/* drivers/pit.c */
void pit_init(unsigned hz);
extern volatile uint32_t timer_ticks;
extern unsigned pit_hz;

#endif
