/* Per-guest device set: initialisation, timer fan-out, diagnostics. */
#include "config.h"
#include "devices.h"

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

void ipvmm_devs_rearm(struct ipvmm_devs *d)
{
	uint64_t next = vpit_next_deadline(d), rtc = vrtc_next_deadline(d);

	if (rtc < next)
		next = rtc;

	if (next != d->armed) {
		d->armed = next;
		d->be->ops->timer_arm(d->be->ctx, next);
	}
}

void ipvmm_devs_timer(struct ipvmm_devs *d)
{
	vpit_update_irq(d);
	vrtc_update_irq(d);
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
