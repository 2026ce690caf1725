/* The second backend: the frontend runs inside a cmocka process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_backend.h"

static uint64_t f_now(void *ctx)
{
	return ((struct fake_backend *)ctx)->now;
}

static void f_arm(void *ctx, uint64_t deadline)
{
	struct fake_backend *f = ctx;

	f->armed = deadline;
	f->period = 0;
	f->arm_calls++;
}

/* HC_SET_TIMER_PERIODIC's rules: refused below the floor. */
static bool f_arm_periodic(void *ctx, uint64_t deadline, uint64_t period)
{
	struct fake_backend *f = ctx;

	f->periodic_calls++;
	if (!f->period_min || period < f->period_min)
		return false;
	f->armed = deadline;
	f->period = period;
	return true;
}

static uint64_t f_wall(void *ctx)
{
	return ((struct fake_backend *)ctx)->wallclock;
}

static void f_putc(void *ctx, unsigned unit, uint8_t c)
{
	struct fake_backend *f = ctx;

	(void)unit;
	if (f->console_len < sizeof(f->console) - 1)
		f->console[f->console_len++] = (char)c;
}

static void f_log(void *ctx, enum ipvmm_log_level level, const char *dev,
		  const char *msg, uint32_t value)
{
	struct fake_backend *f = ctx;

	if ((unsigned)level < 4)
		f->logs[level]++;
	snprintf(f->last_log, sizeof(f->last_log), "%s: %s %#x", dev, msg, value);
	if (getenv("FAKE_BACKEND_VERBOSE"))
		fprintf(stderr, "[log %d] %s\n", level, f->last_log);
}

static void f_power_off(void *ctx, uint32_t status)
{
	struct fake_backend *f = ctx;

	f->power_offs++;
	f->power_status = status;
}

static const struct ipvmm_backend_ops ops = {
	.power_off = f_power_off,
	.now_ns = f_now,
	.timer_arm = f_arm,
	.timer_arm_periodic = f_arm_periodic,
	.wallclock_s = f_wall,
	.console_putc = f_putc,
	.log = f_log,
};

void fake_backend_init(struct fake_backend *f)
{
	memset(f, 0, sizeof(*f));
	f->be.ops = &ops;
	f->be.ctx = f;
	f->armed = IPVMM_TIMER_NONE;
	f->period_min = 50000;		/* the hypervisor's default floor, 50 us */
	f->now = 1000000000ull;	/* not zero: catches "time since boot" bugs */
	f->wallclock = 1795996799;	/* 2026-11-29 23:59:59 UTC, a Sunday */
}

void fake_advance(struct fake_backend *f, struct ipvmm_devs *d, uint64_t ns, uint64_t late)
{
	uint64_t end = f->now + ns;

	for (unsigned guard = 0; guard < 10000000 && f->armed != IPVMM_TIMER_NONE &&
	     f->armed + late <= end; guard++) {
		uint64_t at = f->armed + late;

		if (at > f->now)
			f->now = at;
		/* periodic: the first deadline + k * period after now (kernel/events.c) */
		f->armed = f->period ? f->armed + ((f->now - f->armed) / f->period + 1) * f->period
				     : IPVMM_TIMER_NONE;
		f->timer_fired++;
		ipvmm_devs_timer(d);
	}
	f->now = end;
}
