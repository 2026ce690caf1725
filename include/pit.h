/* 8254 PIT: channel 0 is the hypervisor's one-shot clock event, channel 2
 * the yardstick the TSC is calibrated against (kernel/clock.c). */
#ifndef PIT_H
#define PIT_H

#include <stdint.h>

#define PIT_INPUT_HZ 1193182u
#define PIT_CH0   0x40
#define PIT_CH2   0x42
#define PIT_CMD   0x43

/* drivers/pit.c */
void pit_oneshot(uint16_t count);
extern volatile uint32_t timer_ticks;   /* scheduler ticks (CONFIG_PIT_HZ) since boot */
extern unsigned pit_hz;                 /* the scheduler tick rate */

#endif
