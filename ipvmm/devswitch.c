/*
 * Port -> device dispatch. The table is the whole wiring of the virtual
 * board: adding a device is one row here (docs/devices.md).
 */
#include "config.h"
#include "devices.h"
#include "devswitch.h"

/* Port 0x80 (POST codes, also an I/O delay): accepted, reads as 0xff. */
static uint32_t sink_read(struct ipvmm_devs *d, unsigned arg, uint16_t port)
{
	(void)d, (void)arg, (void)port;
	return 0xff;
}

static void sink_write(struct ipvmm_devs *d, unsigned arg, uint16_t port, uint32_t v)
{
	(void)d, (void)arg, (void)port, (void)v;
}

static const struct devsw_range table[] = {
	{ 0x020, 0x021, 0, "pic-master", vpic_read, vpic_write },
	{ 0x040, 0x043, 0, "pit", vpit_read, vpit_write },
	{ 0x060, 0x060, 0, "i8042", vkbc_read, vkbc_write },
	{ 0x061, 0x061, 0, "port61", vport61_read, vport61_write },
	{ 0x064, 0x064, 0, "i8042", vkbc_read, vkbc_write },
	{ 0x070, 0x071, 0, "rtc", vrtc_read, vrtc_write },
	{ 0x080, 0x080, 0, "post", sink_read, sink_write },
	{ 0x0a0, 0x0a1, 1, "pic-slave", vpic_read, vpic_write },
	{ 0x0f4, 0x0f7, 0, "debug-exit", vexit_read, vexit_write },
	{ 0x3f8, 0x3ff, 0, "com1", vuart_read, vuart_write },
	{ 0xcf8, 0xcff, 0, "pci", vpci_read, vpci_write },
	{ 0x8900, 0x8900, 0, "bochs-shutdown", vexit_read, vexit_write },
};

_Static_assert(sizeof(table) / sizeof(table[0]) <= CONFIG_IPVMM_DEVSWITCH_MAX_RANGES,
	       "device switch table larger than configured");

/* Linear scan: the table is short and sorted; hot ports come first. */
const struct devsw_range *devsw_lookup(uint16_t port)
{
	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (port >= table[i].first && port <= table[i].last)
			return &table[i];
	return 0;
}

static uint8_t in8(struct ipvmm_devs *d, uint16_t port)
{
	const struct devsw_range *r = devsw_lookup(port);

	if (!r) {
		ipvmm_unimp(d, "devswitch", "read of unclaimed port", port);
		return 0xff;
	}
	return (uint8_t)r->read(d, r->arg, port);
}

static void out8(struct ipvmm_devs *d, uint16_t port, uint8_t v)
{
	const struct devsw_range *r = devsw_lookup(port);

	if (!r) {
		ipvmm_unimp(d, "devswitch", "write to unclaimed port", port);
		return;
	}
	r->write(d, r->arg, port, v);
}

uint32_t devsw_in(struct ipvmm_devs *d, uint16_t port, unsigned size)
{
	uint32_t v = 0;

	if (size != 1 && size != 2 && size != 4)
		size = 1;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)in8(d, (uint16_t)(port + i)) << (8 * i);
	return v;
}

void devsw_out(struct ipvmm_devs *d, uint16_t port, unsigned size, uint32_t v)
{
	if (size != 1 && size != 2 && size != 4)
		size = 1;
	for (unsigned i = 0; i < size; i++)
		out8(d, (uint16_t)(port + i), (uint8_t)(v >> (8 * i)));
}
