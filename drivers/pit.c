/*
 * The 8254. Channel 0 in mode 0 (interrupt on terminal count): one IRQ 0
 * edge per programmed count, reprogrammed by kernel/clock.c for the next
 * event. Writing the command word drops OUT; the count starts on the next
 * input clock after its high byte.
 *
 * Channel 2 is the yardstick for the TSC: it counts PIT_CAL_COUNT input
 * clocks (about 10 ms) in mode 0 with its gate raised through port 0x61
 * (speaker off); the TSC advance until OUT2 rises gives its rate.
 */
#include "pit.h"
#include "x86.h"

#define PIT_CH0   0x40
#define PIT_CH2   0x42
#define PIT_CMD   0x43
#define PIT_CMD_CH0_LOHI_MODE0 0x30
#define PIT_CAL_COUNT   11932u          /* 10.0 ms of the 1.193182 MHz input */
#define PIT_CAL_POLLS   50000000u       /* bound: a PIT that never fires */
#define PORT_61         0x61
#define P61_GATE2       0x01
#define P61_SPEAKER     0x02
#define P61_OUT2        0x20

void pit_oneshot(uint16_t count)
{
	outb(PIT_CMD, PIT_CMD_CH0_LOHI_MODE0);
	outb(PIT_CH0, count & 0xff);
	outb(PIT_CH0, count >> 8);
}

uint64_t pit_tsc_hz(void)
{
	uint8_t p61 = inb(PORT_61);
	outb(PORT_61, (p61 & ~P61_SPEAKER) | P61_GATE2);
	outb(PIT_CMD, 0xb0);                         /* channel 2, lo/hi, mode 0 */
	outb(PIT_CH2, PIT_CAL_COUNT & 0xff);
	uint64_t t0 = rdtsc();
	outb(PIT_CH2, PIT_CAL_COUNT >> 8);            /* counting starts here */
	uint32_t i = 0;
	while (i < PIT_CAL_POLLS && !(inb(PORT_61) & P61_OUT2))
		i++;
	uint64_t t1 = rdtsc();
	outb(PORT_61, p61 & ~(P61_SPEAKER | P61_GATE2));
	if (i == PIT_CAL_POLLS || t1 <= t0)
		return 0;
	return (t1 - t0) * PIT_INPUT_HZ / PIT_CAL_COUNT;
}
