/*
 * The 8254's channel 0 in mode 0 (interrupt on terminal count): one IRQ 0
 * edge per programmed count, reprogrammed by kernel/clock.c for the next
 * event. Writing the command word drops OUT; the count starts on the next
 * input clock after its high byte.
 */
#include "pit.h"
#include "x86.h"

#define PIT_CMD_CH0_LOHI_MODE0 0x30

volatile uint32_t timer_ticks;
unsigned pit_hz;

void pit_oneshot(uint16_t count)
{
	outb(PIT_CMD, PIT_CMD_CH0_LOHI_MODE0);
	outb(PIT_CH0, count & 0xff);
	outb(PIT_CH0, count >> 8);
}
