/*
 * The TSC as the hypervisor's clock and the 8254 as its clock event.
 *
 * The TSC's rate is measured once against PIT channel 2 (drivers/pit.c).
 * The scale is kept as mul/shift so that a reading is one multiply, the
 * form the IPVMM repeats from the shared page.
 */
#include "clock.h"
#include "pit.h"
#include "x86.h"
#include "log.h"
#include "x86/tsc.h"

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
	uint64_t ns = tsc_mul_shr32(x, clock_scale.mul);
	return ns < tsc_mul_hi(x, clock_scale.mul) ? ~0ull : ns;   /* the sum wrapped */
}

uint64_t clock_ns(void)
{
	return clock_delta_ns(rdtsc() - tsc0);
}

void clock_init(void)
{
	clock_tsc_hz = pit_tsc_hz();
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
