/*
 * The TSC as the hypervisor's clock and the 8254 as its clock event.
 *
 * Calibration: channel 2 counts PIT_CAL_COUNT input clocks (about 10 ms)
 * in mode 0 with its gate raised through port 0x61; the TSC advance over
 * that window gives its rate. The scale is kept as mul/shift so that a
 * reading is one multiply, the form the IPVMM repeats from the shared page.
 */
#include "clock.h"
#include "pit.h"
#include "x86.h"
#include "log.h"

#define PIT_CAL_COUNT   11932u          /* 10.0 ms of the 1.193182 MHz input */
#define PIT_CAL_POLLS   50000000u       /* bound: a PIT that never fires */
#define PORT_61         0x61
#define P61_GATE2       0x01
#define P61_SPEAKER     0x02
#define P61_OUT2        0x20
#define NS_PER_S        1000000000ull
#define PIT_MAX_NS      (0xffffull * NS_PER_S / PIT_INPUT_HZ + 1)   /* the longest count */

struct clock_scale clock_scale;
uint64_t clock_tsc_hz;
static uint64_t tsc0;
static uint64_t armed_ns;             /* the programmed event; 0 = none */
uint32_t clock_events;

uint64_t clock_tsc(void)
{
	return rdtsc();
}

/* Saturating: a delta too large for the shift (centuries of TSC) is
 * "forever", never a small value after the bits fell off. */
uint64_t clock_delta_ns(uint64_t d)
{
	if (clock_scale.shift && (d >> (64 - clock_scale.shift)))
		return ~0ull;
	uint64_t x = d << clock_scale.shift;
	uint64_t hi = (x >> 32) * clock_scale.mul, lo = ((x & 0xffffffffu) * clock_scale.mul) >> 32;
	return hi + lo < hi ? ~0ull : hi + lo;
}

uint64_t clock_ns(void)
{
	return clock_delta_ns(rdtsc() - tsc0);
}

static uint64_t calibrate(void)
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

void clock_init(void)
{
	clock_tsc_hz = calibrate();
	if (!clock_tsc_hz) {
		clock_tsc_hz = NS_PER_S;
		pr_err("clock: PIT channel 2 never reached terminal count; assuming a 1 GHz TSC\n");
	}
	/* mul = 2^32 * 1e9 / hz, halved (shift up) until it fits 32 bits */
	uint64_t m = (NS_PER_S << 32) / clock_tsc_hz;
	uint32_t shift = 0;
	while (m > 0xffffffffull) {
		m >>= 1;
		shift++;
	}
	clock_scale.mul = (uint32_t)m;
	clock_scale.shift = shift;
	tsc0 = rdtsc();
	pr_info("clock: TSC at %u kHz (mul %#x shift %u), PIT channel 0 one-shot\n",
		(uint32_t)(clock_tsc_hz / 1000), clock_scale.mul, shift);
}

/* Mode 0: OUT rises at terminal count, one edge on IRQ 0. */
static void program(uint64_t ns)
{
	uint64_t now = clock_ns();
	uint64_t d = ns > now ? ns - now : 0;
	/* Clamp before the multiply: d * PIT_INPUT_HZ wraps for d above
	 * about 4 hours and would give a short count for a far event. */
	if (d > PIT_MAX_NS)
		d = PIT_MAX_NS;
	uint64_t count = (d * PIT_INPUT_HZ + NS_PER_S - 1) / NS_PER_S;
	if (count < 2)
		count = 2;
	if (count > 0xffff)
		count = 0xffff;
	armed_ns = now + count * NS_PER_S / PIT_INPUT_HZ;
	pit_oneshot((uint16_t)count);
}

void clock_event_at(uint64_t ns)
{
	uint32_t f = irq_save();
	if (!armed_ns || ns < armed_ns)
		program(ns);
	irq_restore(f);
}

void clock_event_fired(uint64_t next_ns)
{
	clock_events++;
	armed_ns = 0;
	program(next_ns);
}
