/* Per-guest device set: initialisation, timer fan-out, diagnostics. */
#include "config.h"
#include "devices.h"

static uint64_t now_of(struct ipvmm_devs *d)
{
	return ipvmm_now(d->be);
}

void ipvmm_devs_init(struct ipvmm_devs *d, const struct ipvmm_backend *be)
{
	uint8_t *p = (uint8_t *)d;

	for (unsigned i = 0; i < sizeof(*d); i++)
		p[i] = 0;
	d->be = be;
	d->armed = IPVMM_TIMER_NONE;
	vpic_init(d);
	vpit_init(d);
	vrtc_init(d);
	vkbc_init(d);
	vpci_init(d);
	vuart_init(d, &d->com1, 0, VUART_COM1_IRQ);
	vpit_update_irq(d);
	ipvmm_devs_rearm(d);
}

/* How far the backend's periodic deadline may trail the edge it serves
   before it is re-armed: the period is rounded up to whole ns, so the
   backend's deadlines fall behind the PIT's edges by under 1 ns per
   period; 2 us is thousands of periods. */
#define PERIODIC_LAG_NS 2000u
/* Steps of the period the check walks; a longer gap (the guest did not
   run for that long) is one re-arm. */
#define PERIODIC_STEPS 8u

/* Does the periodic timer the backend re-arms by itself (armed + k *
   period, the first past the last fire) already fire for `want`, the
   next edge, within the lag? Walks d->armed forward to the deadline
   that will: the first after now and at or after want. */
static bool periodic_serves(struct ipvmm_devs *d, uint64_t want, uint64_t period)
{
	uint64_t t = now_of(d);

	if (!d->armed_period || period != d->armed_period || want == IPVMM_TIMER_NONE)
		return false;
	for (unsigned i = 0; d->armed <= t || d->armed < want; i++) {
		if (i == PERIODIC_STEPS || d->armed > IPVMM_TIMER_NONE - period)
			return false;
		d->armed += period;
	}
	return d->armed - want < PERIODIC_LAG_NS;
}

static void arm(struct ipvmm_devs *d, uint64_t next, uint64_t period)
{
	const struct ipvmm_backend_ops *ops = d->be->ops;

	if (period && period > d->refused_period && ops->timer_arm_periodic) {
		if (ops->timer_arm_periodic(d->be->ctx, next, period)) {
			d->armed = next;
			d->armed_period = period;
			return;
		}
		d->refused_period = period;	/* below the floor: one-shots from now on */
	}
	d->armed = next;
	d->armed_period = 0;
	ops->timer_arm(d->be->ctx, next);
}

/* A periodic PIT channel 0 with no RTC event arms the backend's periodic
   timer once; its fires then need no re-arm until the guest reprograms
   the PIT (or the RTC wants an event). Anything else: one-shots. */
void ipvmm_devs_rearm(struct ipvmm_devs *d)
{
	uint64_t next = vpit_next_deadline(d), rtc = vrtc_next_deadline(d);
	uint64_t period = rtc == IPVMM_TIMER_NONE && next != IPVMM_TIMER_NONE ? vpit_period_ns(d) : 0;

	if (rtc < next)
		next = rtc;
	if (period ? periodic_serves(d, next, period) : !d->armed_period && next == d->armed)
		return;
	arm(d, next, period);
}

void ipvmm_devs_timer(struct ipvmm_devs *d)
{
	vpit_update_irq(d);
	vrtc_update_irq(d);
	if (!d->armed_period)
		d->armed = IPVMM_TIMER_NONE;	/* the one-shot has fired */
	ipvmm_devs_rearm(d);
}

void ipvmm_unimp(struct ipvmm_devs *d, const char *dev, const char *what,
		 uint32_t value)
{
	if (d->unimp_logged >= CONFIG_IPVMM_UNIMP_LOG_LIMIT)
		return;
	if (++d->unimp_logged == CONFIG_IPVMM_UNIMP_LOG_LIMIT)
		what = "further unimplemented-feature reports suppressed";
	d->be->ops->log(d->be->ctx, IPVMM_LOG_UNIMP, dev, what, value);
}
