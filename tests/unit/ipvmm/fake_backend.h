/* Host-side backend for the IPVMM frontend: fake clock, recorded calls. */
#ifndef FAKE_BACKEND_H
#define FAKE_BACKEND_H

#include <stdint.h>
#include "backend.h"
#include "devices.h"

struct fake_backend {
	struct ipvmm_backend be;
	uint64_t now;			/* ns */
	uint64_t wallclock;		/* Unix seconds reported at init */
	uint64_t armed;			/* IPVMM_TIMER_NONE if idle */
	uint64_t period;		/* 0: one-shot; else re-armed as the hypervisor does */
	uint64_t period_min;		/* a shorter period is refused (0: periodic refused) */
	unsigned arm_calls, periodic_calls, timer_fired;
	unsigned power_offs;
	uint32_t power_status;
	char console[8192];
	unsigned console_len;
	unsigned logs[4];		/* per ipvmm_log_level */
	char last_log[256];
};

void fake_backend_init(struct fake_backend *f);
/* Advance the clock by ns, firing the armed timer (late by `late` ns,
 * as a loaded hypervisor would) each time its deadline passes. */
void fake_advance(struct fake_backend *f, struct ipvmm_devs *d, uint64_t ns, uint64_t late);

#endif
