/* MC146818: derived time of day, UIP window, periodic/update interrupts, CMOS. */
#include "dev_helpers.h"

static uint8_t cmos(struct ipvmm_devs *d, uint8_t r)
{
	outb(d, 0x70, r);
	return inb(d, 0x71);
}

static void cmos_write(struct ipvmm_devs *d, uint8_t r, uint8_t v)
{
	outb(d, 0x70, r);
	outb(d, 0x71, v);
}

static void test_bios_state_and_time(void **state)
{
	struct fix *x = *state;

	assert_int_equal(cmos(&x->d, 0x0a), 0x26);
	assert_int_equal(cmos(&x->d, 0x0b), 0x02);
	assert_int_equal(cmos(&x->d, 0x0d), 0x80);
	/* 2026-11-29 23:59:59, a Sunday, in BCD. */
	static const uint8_t want[] = { 0x59, 0, 0x59, 0, 0x23, 0, 0x01, 0x29, 0x11, 0x26 };
	for (uint8_t r = 0; r < 10; r++)
		if (r != 1 && r != 3 && r != 5)
			assert_int_equal(cmos(&x->d, r), want[r]);
	assert_int_equal(cmos(&x->d, 0x32), 0x20);
	/* One second later: month rollover, Monday. */
	fake_advance(&x->fb, &x->d, 1000000000, 0);
	static const uint8_t next[] = { 0x00, 0, 0x00, 0, 0x00, 0, 0x02, 0x30, 0x11, 0x26 };
	for (uint8_t r = 0; r < 10; r++)
		if (r != 1 && r != 3 && r != 5)
			assert_int_equal(cmos(&x->d, r), next[r]);
	/* Time keeps up over a long stretch (derived, not counted). */
	fake_advance(&x->fb, &x->d, 86400ull * 1000000000ull * 33, 0);
	assert_int_equal(cmos(&x->d, 0x07), 0x02);	/* 2027-01-02 */
	assert_int_equal(cmos(&x->d, 0x08), 0x01);
	assert_int_equal(cmos(&x->d, 0x09), 0x27);
}

static void test_uip_window(void **state)
{
	struct fix *x = *state;

	assert_int_equal(cmos(&x->d, 0x0a) & 0x80, 0);
	fake_advance(&x->fb, &x->d, 999700000, 0);
	assert_int_equal(cmos(&x->d, 0x0a) & 0x80, 0);
	assert_int_equal(cmos(&x->d, 0x00), 0x59);
	fake_advance(&x->fb, &x->d, 200000, 0);	/* 100 us before the update */
	assert_int_equal(cmos(&x->d, 0x0a) & 0x80, 0x80);
	assert_int_equal(cmos(&x->d, 0x00), 0x59);	/* old second until the update */
	fake_advance(&x->fb, &x->d, 200000, 0);
	assert_int_equal(cmos(&x->d, 0x0a) & 0x80, 0);
	assert_int_equal(cmos(&x->d, 0x00), 0x00);
}

/* A poller that was away for the whole window sees UIP once, late, right
   after the update; a reader that comes back much later does not. */
static void test_uip_missed_window(void **state)
{
	struct fix *x = *state;

	fake_advance(&x->fb, &x->d, 500000000, 0);
	assert_int_equal(cmos(&x->d, 0x0a) & 0x80, 0);	/* polling, mid-second */
	fake_advance(&x->fb, &x->d, 501000000, 0);		/* 1 ms past the update */
	assert_int_equal(cmos(&x->d, 0x0a) & 0x80, 0x80);	/* the late edge */
	assert_int_equal(cmos(&x->d, 0x0a) & 0x80, 0);	/* and its fall */
	assert_int_equal(cmos(&x->d, 0x00), 0x00);
	fake_advance(&x->fb, &x->d, 1200000000, 0);	/* 200 ms into the next second */
	assert_int_equal(cmos(&x->d, 0x0a) & 0x80, 0);	/* too late to pretend */
	fake_advance(&x->fb, &x->d, 2000000000, 0);
	assert_int_equal(cmos(&x->d, 0x0a) & 0x80, 0);	/* two seconds: no edge either */
}

static void test_binary_12h(void **state)
{
	struct fix *x = *state;

	cmos_write(&x->d, 0x0b, 0x04);		/* binary, 12-hour */
	assert_int_equal(cmos(&x->d, 0x04), 0x80 | 11);
	assert_int_equal(cmos(&x->d, 0x00), 59);
	assert_int_equal(cmos(&x->d, 0x09), 26);
	assert_int_equal(cmos(&x->d, 0x32), 20);
}

static void test_set_clock(void **state)
{
	struct fix *x = *state;

	cmos_write(&x->d, 0x0b, 0x82);		/* SET, 24h BCD */
	cmos_write(&x->d, 0x00, 0x56);
	cmos_write(&x->d, 0x02, 0x34);
	cmos_write(&x->d, 0x04, 0x12);
	cmos_write(&x->d, 0x07, 0x15);
	cmos_write(&x->d, 0x08, 0x01);
	cmos_write(&x->d, 0x09, 0x30);
	fake_advance(&x->fb, &x->d, 5000000000ull, 0);
	assert_int_equal(cmos(&x->d, 0x00), 0x56);	/* frozen while SET */
	assert_int_equal(cmos(&x->d, 0x0a) & 0x80, 0);
	cmos_write(&x->d, 0x0b, 0x02);
	assert_true(vrtc_seconds(&x->d) == 1894710896ull);	/* 2030-01-15 12:34:56 */
	fake_advance(&x->fb, &x->d, 2000000000ull, 0);
	assert_int_equal(cmos(&x->d, 0x00), 0x58);
	/* A write to a running clock changes that field only. */
	cmos_write(&x->d, 0x02, 0x00);
	assert_int_equal(cmos(&x->d, 0x02), 0x00);
	assert_int_equal(cmos(&x->d, 0x04), 0x12);
	assert_int_equal(cmos(&x->d, 0x00), 0x58);
}

static void test_periodic_irq8(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	outb(&x->d, 0x21, 0x01);		/* PIT out of the way */
	cmos_write(&x->d, 0x0a, 0x26);	/* 1024 Hz */
	cmos_write(&x->d, 0x0b, 0x42);	/* PIE */
	(void)cmos(&x->d, 0x0c);
	assert_false(x->d.pic.intr);
	unsigned n = 0;
	uint8_t c = 0;
	for (int ms = 0; ms < 100; ms++) {
		fake_advance(&x->fb, &x->d, 1000000, 0);
		while (x->d.pic.intr) {
			assert_int_equal(vpic_ack(&x->d), 0x28);
			c = cmos(&x->d, 0x0c);
			outb(&x->d, 0xa0, 0x20);
			outb(&x->d, 0x20, 0x20);
			n++;
		}
	}
	assert_int_equal(c & 0xc0, 0xc0);
	assert_true(n >= 99 && n <= 103);	/* 102.4 periods in 100 ms, ms-granular steps */
	/* Not acknowledged (C unread): the line stays up, no further edges. */
	fake_advance(&x->fb, &x->d, 1000000, 0);
	assert_true(x->d.pic.intr);
	vpic_ack(&x->d);
	outb(&x->d, 0xa0, 0x20);
	outb(&x->d, 0x20, 0x20);
	fake_advance(&x->fb, &x->d, 10000000, 0);
	assert_false(x->d.pic.intr);
	/* Nothing for the RTC to do until C is read (the PIT still runs). */
	assert_true(vrtc_next_deadline(&x->d) == IPVMM_TIMER_NONE);
	(void)cmos(&x->d, 0x0c);
	uint64_t next = vrtc_next_deadline(&x->d);
	assert_true(next > x->fb.now && next <= x->fb.now + 976563);
	assert_true(x->fb.armed <= next);
}

static void test_update_ended_irq(void **state)
{
	struct fix *x = *state;

	pic_linux_init(&x->d, 0x01);
	outb(&x->d, 0x21, 0x01);
	cmos_write(&x->d, 0x0b, 0x12);	/* UIE */
	(void)cmos(&x->d, 0x0c);
	fake_advance(&x->fb, &x->d, 999000000, 0);
	assert_false(x->d.pic.intr);
	fake_advance(&x->fb, &x->d, 2000000, 0);
	assert_true(x->d.pic.intr);
	assert_int_equal(cmos(&x->d, 0x0c) & 0x90, 0x90);
}

static void test_cmos_ram(void **state)
{
	struct fix *x = *state;

	cmos_write(&x->d, 0x7e, 0xa5);
	assert_int_equal(cmos(&x->d, 0x7e), 0xa5);
	cmos_write(&x->d, 0x7e, 0x5a);
	assert_int_equal(cmos(&x->d, 0x7e), 0x5a);
	cmos_write(&x->d, 0x0d, 0x00);		/* D is read-only */
	assert_int_equal(cmos(&x->d, 0x0d), 0x80);
	outb(&x->d, 0x70, 0x80 | 0x7e);		/* NMI-disable bit is not part of the index */
	assert_int_equal(inb(&x->d, 0x71), 0x5a);
	cmos_write(&x->d, 0x0a, 0x06);		/* divider stopped: loud */
	assert_int_equal(x->fb.logs[IPVMM_LOG_UNIMP], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
		T(test_bios_state_and_time),
		T(test_uip_window),
		T(test_uip_missed_window),
		T(test_binary_12h),
		T(test_set_clock),
		T(test_periodic_irq8),
		T(test_update_ended_irq),
		T(test_cmos_ram),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
