/*
 * The 8254's channel 0 as the periodic hypervisor tick: mode 2 (rate
 * generator), divisor PIT_INPUT_HZ / hz, clamped to what 16 bits allow.
 */
#include "pit.h"
#include "x86.h"

#define PIT_CH0   0x40
#define PIT_CMD   0x43
#define PIT_CMD_CH0_LOHI_MODE2 0x34

volatile uint32_t timer_ticks;
unsigned pit_hz;

void pit_init(unsigned hz)
{
	uint32_t div = hz ? PIT_INPUT_HZ / hz : 0x10000;
	if (div < 2)
		div = 2;
	if (div > 0xffff)
		div = 0x10000;                   /* written as 0 */
	pit_hz = PIT_INPUT_HZ / div;
	outb(PIT_CMD, PIT_CMD_CH0_LOHI_MODE2);
	outb(PIT_CH0, div & 0xff);
	outb(PIT_CH0, (div >> 8) & 0xff);
}
