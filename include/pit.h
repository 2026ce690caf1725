/* 8254 PIT: channel 0 is the hypervisor's one-shot clock event, channel 2
 * the yardstick the TSC is calibrated against (drivers/pit.c). */
#ifndef PIT_H
#define PIT_H

#include <stdint.h>

#define PIT_INPUT_HZ 1193182u

/* drivers/pit.c */
void pit_oneshot(uint16_t count);       /* channel 0: one IRQ 0 after count clocks */
/* The TSC's rate in Hz, measured over 10 ms of channel 2; 0 when channel
 * 2 never reached terminal count (the poll is bounded). */
uint64_t pit_tsc_hz(void);

#endif
