/*
 * The frontend -> backend interface of the in-place VMM.
 *
 * The frontend (device models, vCPU, rewriter) never calls the hypervisor
 * directly: everything it needs from the outside world goes through these
 * five calls. The hypervisor provides one implementation (hypercalls);
 * tests/unit/ipvmm/fake_backend.c provides a second one with a fake clock
 * and recorded calls, so the same frontend code runs in a host process.
 *
 * Interrupts are not part of this interface: device models raise lines on
 * the virtual PIC (ipvmm/dev/vpic.h), which is frontend state.
 */
#ifndef IPVMM_BACKEND_H
#define IPVMM_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#define IPVMM_BACKEND_VERSION 2	/* 2: timer_arm_periodic */
#define IPVMM_TIMER_NONE      UINT64_MAX	/* timer_arm(): cancel */

enum ipvmm_log_level {
	IPVMM_LOG_ERROR = 1,	/* guest did something the model refuses */
	IPVMM_LOG_UNIMP = 2,	/* guest used a feature the model lacks */
	IPVMM_LOG_INFO  = 3,
};

struct ipvmm_backend_ops {
	/*
	 * Guest time in nanoseconds: monotonic, continuous across
	 * descheduling (the guest must not see gaps it would not see on
	 * hardware beyond what a slow machine shows). Devices derive all
	 * their state from it; they never count callbacks.
	 */
	uint64_t (*now_ns)(void *ctx);
	/*
	 * One-shot timer: call ipvmm_devs_timer() at or after deadline_ns
	 * (absolute, same clock as now_ns). A new call replaces the previous
	 * deadline; IPVMM_TIMER_NONE cancels. Late expiry is harmless.
	 */
	void (*timer_arm)(void *ctx, uint64_t deadline_ns);
	/*
	 * Periodic timer (optional, may be null): as timer_arm at
	 * deadline_ns, then at deadline_ns + k * period_ns for every k,
	 * re-armed by the backend itself; periods that pass before the call
	 * coalesce into one. Replaced by the next timer_arm or
	 * timer_arm_periodic. False: refused (a period below the backend's
	 * floor), nothing armed; the caller arms a one-shot instead.
	 */
	bool (*timer_arm_periodic)(void *ctx, uint64_t deadline_ns, uint64_t period_ns);
	/*
	 * Wall-clock time in seconds since 1970-01-01 UTC, read once when
	 * the devices are initialised (the RTC then runs on now_ns).
	 */
	uint64_t (*wallclock_s)(void *ctx);
	/* One byte the guest transmitted on serial unit `unit` (0 = COM1). */
	void (*console_putc)(void *ctx, unsigned unit, uint8_t c);
	/* The guest powered the board off (vexit.h) with this status; on
	 * the hypervisor this does not return. */
	void (*power_off)(void *ctx, uint32_t status);
	/* A line of diagnostics: "dev: msg value". Never fails. */
	void (*log)(void *ctx, enum ipvmm_log_level level, const char *dev,
		    const char *msg, uint32_t value);
};

struct ipvmm_backend {
	const struct ipvmm_backend_ops *ops;
	void *ctx;
};

static inline uint64_t ipvmm_now(const struct ipvmm_backend *be)
{
	return be->ops->now_ns(be->ctx);
}

#endif /* IPVMM_BACKEND_H */
