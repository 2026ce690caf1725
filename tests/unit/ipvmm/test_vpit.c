/* 8254: counters, outputs and IRQ0 derived from the fake clock. */
#include <stdlib.h>
#include "dev_helpers.h"
#include "util.h"

#define TICK_NS(n) ((uint64_t)(n) * 1000000000ull / VPIT_HZ)

static void program(struct ipvmm_devs *d, unsigned ch, unsigned mode, uint16_t count)
{
	outb(d, 0x43, (uint8_t)(ch << 6 | 0x30 | mode << 1));
	outb(d, (uint16_t)(0x40 + ch), count & 0xff);
	outb(d, (uint16_t)(0x40 + ch), count >> 8);
}

static uint16_t latch(struct ipvmm_devs *d, unsigned ch)
{
	outb(d, 0x43, (uint8_t)(ch << 6));
	uint16_t lo = inb(d, (uint16_t)(0x40 + ch));
	return (uint16_t)(lo | inb(d, (uint16_t)(0x40 + ch)) << 8);
}

/* Deliver every IRQ0 the way a guest handler would: ack + EOI. */
static unsigned drain_irq0(struct ipvmm_devs *d)
{
	unsigned n = 0;

	while (d->pic.intr) {
		assert_int_equal(vpic_ack(d), 0x20);
		outb(d, 0x20, 0x20);
		n++;
	}
	return n;
}

static void test_muldiv(void **state)
{
	(void)state;
	srand(7);
	for (int i = 0; i < 20000; i++) {
		uint64_t a = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();
		uint32_t m = (uint32_t)rand() | 1, dv = (uint32_t)rand() | 1;
		unsigned __int128 p = (unsigned __int128)a * m;
		unsigned __int128 q = p / dv, qc = (p + dv - 1) / dv;
		uint64_t want = q > UINT64_MAX ? UINT64_MAX : (uint64_t)q;
		uint64_t wantc = qc > UINT64_MAX ? UINT64_MAX : (uint64_t)qc;
		assert_true(ipvmm_muldiv64(a, m, dv, 0) == want);
		assert_true(ipvmm_muldiv64(a, m, dv, 1) == wantc);
		uint32_t r;
		assert_true(ipvmm_div64(a, dv, &r) == a / dv);
		assert_int_equal(r, a % dv);
	}
}

static void test_bios_state_18hz(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	/* Mode 3, count 65536: one IRQ0 edge per 54.9 ms, timer armed. */
	assert_true(x->fb.armed != IPVMM_TIMER_NONE);
	fake_advance(&x->fb, &x->d, 54000000, 0);
	assert_int_equal(drain_irq0(&x->d), 0);
	fake_advance(&x->fb, &x->d, 1000000, 0);
	assert_int_equal(drain_irq0(&x->d), 1);
}

static void test_mode2_rate_and_deadline(void **state)
{
	struct fix *x = *state;
	uint64_t t0 = x->fb.now;

	pic_linux_init(&x->d, 0x01);
	program(&x->d, 0, 2, 1193);	/* ~1 kHz */
	/* Armed for the first reload: ceil(1193 ticks) in ns. */
	assert_true(x->fb.armed == t0 + (1193ull * 1000000000ull + VPIT_HZ - 1) / VPIT_HZ);
	unsigned n = 0;
	for (int ms = 0; ms < 100; ms++) {
		fake_advance(&x->fb, &x->d, 1000000, 0);
		n += drain_irq0(&x->d);
	}
	/* 100 ms at 1193182/1193 Hz = 100.015 periods. */
	assert_int_equal(n, 100);
	assert_int_equal(x->fb.timer_fired, 100);
}

static void test_late_timer_coalesces(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	program(&x->d, 0, 2, 1193);
	/* The hypervisor ran the timer 5 ms late each time. */
	fake_advance(&x->fb, &x->d, 20000000, 5000000);
	unsigned n = drain_irq0(&x->d);
	assert_int_equal(n, 1);	/* one IRR bit, as on hardware */
	/* Guest time did not stop: the counter still reflects real time. */
	fake_advance(&x->fb, &x->d, TICK_NS(100) + 1, 0);
	uint16_t c = latch(&x->d, 0);
	assert_true(c >= 1 && c <= 1193);
}

static void test_latch_and_readback(void **state)
{
	struct fix *x = *state;

	program(&x->d, 0, 2, 1000);
	fake_advance(&x->fb, &x->d, TICK_NS(250) + 100, 0);
	outb(&x->d, 0x43, 0x00);	/* latch channel 0 */
	fake_advance(&x->fb, &x->d, TICK_NS(100), 0);
	/* The latch froze the value; the counter moved on. */
	uint16_t lo = inb(&x->d, 0x40), hi = inb(&x->d, 0x40);
	assert_int_equal(lo | hi << 8, 750);
	assert_int_equal(latch(&x->d, 0), 650);
	/* Read-back: status of channel 0 (out high, rw 3, mode 2, binary). */
	outb(&x->d, 0x43, 0xe2);	/* 11 1 0 001 0: latch status only */
	assert_int_equal(inb(&x->d, 0x40), 0x80 | 0x30 | 0x04);
	/* Read-back of count and status: status first, then the count. */
	outb(&x->d, 0x43, 0xc2);
	assert_int_equal(inb(&x->d, 0x40), 0xb4);
	lo = inb(&x->d, 0x40);
	hi = inb(&x->d, 0x40);
	assert_int_equal(lo | hi << 8, 650);
	/* Null count after a new mode, before the count. */
	outb(&x->d, 0x43, 0x34);
	outb(&x->d, 0x43, 0xe2);
	assert_int_equal(inb(&x->d, 0x40) & 0x40, 0x40);
}

static void test_access_modes(void **state)
{
	struct fix *x = *state;

	outb(&x->d, 0x43, 0x54);	/* ch1, lobyte only, mode 2 */
	outb(&x->d, 0x41, 200);
	assert_int_equal(x->d.pit.ch[1].count, 200);
	fake_advance(&x->fb, &x->d, TICK_NS(50) + 100, 0);
	assert_int_equal(inb(&x->d, 0x41), 150);
	assert_int_equal(inb(&x->d, 0x41), 150);	/* lobyte mode: no flip-flop */
	outb(&x->d, 0x43, 0x64);	/* ch1, hibyte only, mode 2 */
	outb(&x->d, 0x41, 0x02);
	assert_int_equal(x->d.pit.ch[1].count, 0x200);
	fake_advance(&x->fb, &x->d, TICK_NS(0x100) + 100, 0);
	assert_int_equal(inb(&x->d, 0x41), 0x01);
	/* Count 0 means 65536. */
	program(&x->d, 1, 2, 0);
	assert_int_equal(x->d.pit.ch[1].count, 0x10000);
}

static void test_mode0_one_shot(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	program(&x->d, 0, 0, 5000);
	assert_false(vpit_out(&x->d, 0));
	fake_advance(&x->fb, &x->d, TICK_NS(4990), 0);
	assert_false(vpit_out(&x->d, 0));
	assert_int_equal(drain_irq0(&x->d), 0);
	fake_advance(&x->fb, &x->d, TICK_NS(20), 0);
	assert_true(vpit_out(&x->d, 0));
	assert_int_equal(drain_irq0(&x->d), 1);
	/* One shot: nothing more, timer idle. */
	fake_advance(&x->fb, &x->d, 100000000, 0);
	assert_int_equal(drain_irq0(&x->d), 0);
	assert_true(x->fb.armed == IPVMM_TIMER_NONE);
}

static void test_mode3_square_wave(void **state)
{
	struct fix *x = *state;

	program(&x->d, 1, 3, 1000);
	fake_advance(&x->fb, &x->d, TICK_NS(100), 0);
	assert_true(vpit_out(&x->d, 1));
	fake_advance(&x->fb, &x->d, TICK_NS(500), 0);
	assert_false(vpit_out(&x->d, 1));
	fake_advance(&x->fb, &x->d, TICK_NS(450), 0);
	assert_true(vpit_out(&x->d, 1));
	/* Mode 3 counts down by two. */
	uint16_t a = latch(&x->d, 1);
	fake_advance(&x->fb, &x->d, TICK_NS(10) + 1, 0);
	uint16_t b = latch(&x->d, 1);
	assert_int_equal((uint16_t)(a - b), 20);
}

/* The test OS's yardstick: channel 2 one-shot gated through port 0x61. */
static void test_channel2_gate_port61(void **state)
{
	struct fix *x = *state;

	uint8_t p61 = inb(&x->d, 0x61);
	outb(&x->d, 0x61, p61 & ~0x03);
	outb(&x->d, 0x43, 0xb0);
	outb(&x->d, 0x42, 0xff);
	outb(&x->d, 0x42, 0xff);
	assert_int_equal(inb(&x->d, 0x61) & 0x20, 0);
	/* Gate low: no counting however long we wait. */
	fake_advance(&x->fb, &x->d, 200000000, 0);
	assert_int_equal(inb(&x->d, 0x61) & 0x20, 0);
	assert_int_equal(latch(&x->d, 2), 0xffff);
	outb(&x->d, 0x61, (p61 & ~0x03) | 0x01);
	assert_int_equal(inb(&x->d, 0x61) & 0x01, 0x01);
	fake_advance(&x->fb, &x->d, TICK_NS(65534), 0);
	assert_int_equal(inb(&x->d, 0x61) & 0x20, 0);
	fake_advance(&x->fb, &x->d, TICK_NS(3), 0);
	assert_int_equal(inb(&x->d, 0x61) & 0x20, 0x20);
	/* Mode 3 on channel 2: a low gate forces OUT high, the rise restarts. */
	outb(&x->d, 0x43, 0xb6);
	outb(&x->d, 0x42, 100);
	outb(&x->d, 0x42, 0);
	fake_advance(&x->fb, &x->d, TICK_NS(60), 0);
	assert_int_equal(inb(&x->d, 0x61) & 0x20, 0);	/* second half: low */
	outb(&x->d, 0x61, p61 & ~0x03);
	assert_int_equal(inb(&x->d, 0x61) & 0x20, 0x20);
	outb(&x->d, 0x61, (p61 & ~0x03) | 0x01);
	assert_int_equal(latch(&x->d, 2), 100);	/* reloaded on the rising gate */
	/* Refresh bit toggles with time. */
	uint8_t r0 = inb(&x->d, 0x61) & 0x10;
	fake_advance(&x->fb, &x->d, 15085, 0);
	assert_int_not_equal(inb(&x->d, 0x61) & 0x10, r0);
}

/* A periodic channel 0 arms the backend's periodic timer once: a minute
 * of 1 kHz ticks (60,000 edges, each delivered) takes no re-arm, only the
 * periodic call and the re-bases when the rounded-up period's lag passes
 * PERIODIC_LAG_NS (under 1 ns per period: a few times a minute). */
static void test_periodic_arms_once(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	program(&x->d, 0, 2, 1193);
	unsigned arms0 = x->fb.arm_calls, periodic0 = x->fb.periodic_calls;
	assert_true(x->fb.period == (1193ull * 1000000000ull + VPIT_HZ - 1) / VPIT_HZ);
	unsigned n = 0;
	for (int step = 0; step < 120000; step++) {	/* 0.5 ms: below the period, no IRR coalescing */
		fake_advance(&x->fb, &x->d, 500000, 0);
		n += drain_irq0(&x->d);
	}
	/* 60 s at 1193182/1193 Hz = 60,009.1 periods, each one edge. */
	assert_int_equal(n, 60009);
	assert_int_equal(x->fb.arm_calls, arms0);
	assert_true(x->fb.periodic_calls - periodic0 <= 60);
	/* Reprogrammed: re-armed with the new period. */
	program(&x->d, 0, 3, 5966);
	assert_true(x->fb.period == (5966ull * 1000000000ull + VPIT_HZ - 1) / VPIT_HZ);
	unsigned periodic1 = x->fb.periodic_calls;
	fake_advance(&x->fb, &x->d, 100000000, 0);
	assert_int_equal(drain_irq0(&x->d), 1);		/* 20 edges, one IRR bit */
	assert_int_equal(x->fb.periodic_calls, periodic1);
	/* A one-shot mode goes back to one-shots. */
	program(&x->d, 0, 0, 1000);
	assert_true(x->fb.period == 0 && x->fb.armed != IPVMM_TIMER_NONE);
}

/* A period the backend refuses (below its floor) falls back to one-shots
 * at the same rate, and is not asked for again on every edge. */
static void test_periodic_refused(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	program(&x->d, 0, 2, 40);	/* 33.5 us: below the 50 us floor */
	unsigned periodic0 = x->fb.periodic_calls, n = 0;
	assert_true(x->fb.period == 0 && x->fb.armed != IPVMM_TIMER_NONE);
	for (int us = 0; us < 1000; us++) {
		fake_advance(&x->fb, &x->d, 1000, 0);
		n += drain_irq0(&x->d);
	}
	/* 1 ms / 33.52 us = 29.8 periods */
	assert_int_equal(n, 29);
	assert_int_equal(x->fb.periodic_calls, periodic0);
}

/* The backend fires late and coalesces missed periods: the edges still
 * come from time, and the phase never drifts (each edge's IRQ within the
 * lateness of its own edge time). */
static void test_periodic_late_no_drift(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	program(&x->d, 0, 2, 1193);
	fake_advance(&x->fb, &x->d, 20000000, 5000000);	/* 5 ms late, each time */
	assert_int_equal(drain_irq0(&x->d), 1);
	unsigned n = 0;
	for (int step = 0; step < 2000; step++) {
		fake_advance(&x->fb, &x->d, 500000, 0);
		n += drain_irq0(&x->d);
	}
	assert_true(n >= 999 && n <= 1001);
	/* the backend's next deadline is the PIT's next edge, to the lag */
	uint64_t edge = vpit_next_deadline(&x->d);
	assert_true(x->fb.armed >= edge && x->fb.armed - edge < 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
		cmocka_unit_test(test_muldiv),
		T(test_bios_state_18hz),
		T(test_mode2_rate_and_deadline),
		T(test_late_timer_coalesces),
		T(test_latch_and_readback),
		T(test_access_modes),
		T(test_mode0_one_shot),
		T(test_mode3_square_wave),
		T(test_channel2_gate_port61),
		T(test_periodic_arms_once),
		T(test_periodic_refused),
		T(test_periodic_late_no_drift),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
