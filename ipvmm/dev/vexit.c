/* Power-off ports (vexit.h): the guest's end, reported through the backend. */
#include "devices.h"

static const char bochs_word[] = "Shutdown";

uint32_t vexit_read(struct ipvmm_devs *d, unsigned unused, uint16_t port)
{
	(void)d, (void)unused, (void)port;
	return 0xff;
}

void vexit_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v)
{
	struct vexit *x = &d->exit;

	(void)unused;
	if (port == VEXIT_QEMU_PORT) {
		d->be->ops->power_off(d->be->ctx, (v & 0xff) == VEXIT_QEMU_SUCCESS ? 0 : (v & 0xff));
		return;
	}
	if (port != VEXIT_BOCHS_PORT)
		return;		/* the upper bytes of a wide write to 0xf4 */
	x->matched = (uint8_t)v == (uint8_t)bochs_word[x->matched] ? x->matched + 1
		   : (uint8_t)v == (uint8_t)bochs_word[0];
	if (x->matched == sizeof(bochs_word) - 1) {
		x->matched = 0;
		d->be->ops->power_off(d->be->ctx, 0);
	}
}
