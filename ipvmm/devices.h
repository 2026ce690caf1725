/*
 * The legacy PC devices one guest sees, as frontend state living in the
 * IPVMM. One struct per guest; no allocation. Port accesses reach the
 * models through the device switch (devswitch.h); time comes from the
 * backend (backend.h).
 */
#ifndef IPVMM_DEVICES_H
#define IPVMM_DEVICES_H

#include <stdbool.h>
#include <stdint.h>
#include "backend.h"
#include "dev/vpic.h"
#include "dev/vkbc.h"
#include "dev/vpci.h"
#include "dev/vpit.h"
#include "dev/vrtc.h"
#include "dev/vuart.h"
#include "dev/vexit.h"

struct ipvmm_devs {
	const struct ipvmm_backend *be;
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;
	struct vkbc kbc;
	struct vpci pci;
	struct vuart com1;
	struct vexit exit;
	uint8_t port61;		/* system control port B: gate2, speaker */
	uint64_t armed;		/* deadline last passed to timer_arm; periodic: the
				   backend's deadline as far as the last check knows */
	uint64_t armed_period;	/* 0: one-shot; else the period of timer_arm_periodic */
	uint64_t refused_period;	/* the longest period the backend refused */
	uint32_t unimp_logged;	/* rate limit for ipvmm_unimp() */
};

/* The state the BIOS leaves every device in; arms the backend timer. */
void ipvmm_devs_init(struct ipvmm_devs *d, const struct ipvmm_backend *be);
/*
 * Bring every time-derived device up to the backend's now and re-arm the
 * backend timer for the earliest next event. The backend calls it when
 * the timer expires; the vCPU may call it before checking for interrupts.
 */
void ipvmm_devs_timer(struct ipvmm_devs *d);
/* Re-arm after a device changed its next deadline. */
void ipvmm_devs_rearm(struct ipvmm_devs *d);
/* Loud, rate-limited report of a feature a model does not implement. */
void ipvmm_unimp(struct ipvmm_devs *d, const char *dev, const char *what,
		 uint32_t value);

#endif /* IPVMM_DEVICES_H */
