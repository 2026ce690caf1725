/*
 * Port -> device dispatch. DEVSW_TABLE is the whole wiring of the virtual
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

/* X(id, first, last, arg, name, read, write): one row per port range. */
#define DEVSW_TABLE(X) \
	X(PIC_MASTER, 0x020, 0x021, 0, "pic-master", vpic_read, vpic_write) \
	X(PIT, 0x040, 0x043, 0, "pit", vpit_read, vpit_write) \
	X(KBC_DATA, 0x060, 0x060, 0, "i8042", vkbc_read, vkbc_write) \
	X(PORT61, 0x061, 0x061, 0, "port61", vport61_read, vport61_write) \
	X(KBC_CMD, 0x064, 0x064, 0, "i8042", vkbc_read, vkbc_write) \
	X(RTC, 0x070, 0x071, 0, "rtc", vrtc_read, vrtc_write) \
	X(POST, 0x080, 0x080, 0, "post", sink_read, sink_write) \
	X(PIC_SLAVE, 0x0a0, 0x0a1, 1, "pic-slave", vpic_read, vpic_write) \
	X(DEBUG_EXIT, 0x0f4, 0x0f7, 0, "debug-exit", vexit_read, vexit_write) \
	X(COM1, 0x3f8, 0x3ff, 0, "com1", vuart_read, vuart_write) \
	X(PCI, 0xcf8, 0xcff, 0, "pci", vpci_read, vpci_write) \
	X(BOCHS_SHUTDOWN, 0x8900, 0x8900, 0, "bochs-shutdown", vexit_read, vexit_write)

enum {
#define DEVSW_ENUM(id, first, last, arg, name, rd, wr) DEVSW_##id,
	DEVSW_TABLE(DEVSW_ENUM)
#undef DEVSW_ENUM
	DEVSW_COUNT
};

static const struct devsw_range table[] = {
#define DEVSW_ROW(id, first, last, arg, name, rd, wr) [DEVSW_##id] = { first, last, arg, name, rd, wr },
	DEVSW_TABLE(DEVSW_ROW)
#undef DEVSW_ROW
};

_Static_assert(DEVSW_COUNT <= CONFIG_IPVMM_DEVSWITCH_MAX_RANGES,
	       "device switch table larger than configured");

/* A switch over the same rows: the compiler's decision tree finds a port
   in a few compares (the linear scan cost up to a dozen per byte). */
const struct devsw_range *devsw_lookup(uint16_t port)
{
	switch (port) {
#define DEVSW_CASE(id, first, last, arg, name, rd, wr) case first ... last: return &table[DEVSW_##id];
	DEVSW_TABLE(DEVSW_CASE)
#undef DEVSW_CASE
	default:
		return 0;
	}
}

/* One byte: the switch calls the row's handler directly. */
uint8_t devsw_in8(struct ipvmm_devs *d, uint16_t port)
{
	switch (port) {
#define DEVSW_IN(id, first, last, arg, name, rd, wr) case first ... last: return (uint8_t)rd(d, arg, port);
	DEVSW_TABLE(DEVSW_IN)
#undef DEVSW_IN
	default:
		ipvmm_unimp(d, "devswitch", "read of unclaimed port", port);
		return 0xff;
	}
}

void devsw_out8(struct ipvmm_devs *d, uint16_t port, uint8_t v)
{
	switch (port) {
#define DEVSW_OUT(id, first, last, arg, name, rd, wr) case first ... last: wr(d, arg, port, v); return;
	DEVSW_TABLE(DEVSW_OUT)
#undef DEVSW_OUT
	default:
		ipvmm_unimp(d, "devswitch", "write to unclaimed port", port);
	}
}

/* The row claiming every byte of [port, port + size), or NULL: a wide
   access inside one row finds its handler once. */
static const struct devsw_range *whole(uint16_t port, unsigned size)
{
	const struct devsw_range *r = devsw_lookup(port);

	return r && (uint32_t)port + size - 1 <= r->last ? r : 0;
}

uint32_t devsw_in(struct ipvmm_devs *d, uint16_t port, unsigned size)
{
	const struct devsw_range *r;
	uint32_t v = 0;

	if (size != 1 && size != 2 && size != 4)
		size = 1;
	r = whole(port, size);
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)(r ? (uint8_t)r->read(d, r->arg, (uint16_t)(port + i)) :
			       devsw_in8(d, (uint16_t)(port + i))) << (8 * i);
	return v;
}

void devsw_out(struct ipvmm_devs *d, uint16_t port, unsigned size, uint32_t v)
{
	const struct devsw_range *r;

	if (size != 1 && size != 2 && size != 4)
		size = 1;
	r = whole(port, size);
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(v >> (8 * i));

		if (r)
			r->write(d, r->arg, (uint16_t)(port + i), b);
		else
			devsw_out8(d, (uint16_t)(port + i), b);
	}
}
