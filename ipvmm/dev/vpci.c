/*
 * PCI mechanism #1. The device switch hands over byte lanes, so a 32-bit
 * write to 0xCF8 arrives as four byte writes that assemble the address
 * register (a byte write to 0xCF9, the chipset's reset control on real
 * boards, lands in the address register here).
 */
#include "../devices.h"

#define CFG_ENABLE 0x80000000u

struct vpci_function {
	uint8_t dev, fn;
	const uint8_t *cfg;	/* 64-byte type-0 header; the rest reads as 0 */
};

/* 00:00.0 host bridge, as QEMU's i440FX shows it: 8086:1237, class 0600. */
static const uint8_t host_bridge[64] = {
	[0x00] = 0x86, [0x01] = 0x80, [0x02] = 0x37, [0x03] = 0x12,
	[0x04] = 0x06, [0x06] = 0x00, [0x07] = 0x00,
	[0x08] = 0x02, [0x09] = 0x00, [0x0a] = 0x00, [0x0b] = 0x06,
	[0x0e] = 0x00,
};

static const struct vpci_function functions[] = {
	{ 0, 0, host_bridge },
};

static const struct vpci_function *lookup(uint32_t addr)
{
	unsigned bus = (addr >> 16) & 0xff, dev = (addr >> 11) & 0x1f, fn = (addr >> 8) & 7;

	if (!(addr & CFG_ENABLE) || bus != 0)
		return 0;
	for (unsigned i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (functions[i].dev == dev && functions[i].fn == fn)
			return &functions[i];
	return 0;
}

uint32_t vpci_read(struct ipvmm_devs *d, unsigned unused, uint16_t port)
{
	uint32_t addr = d->pci.addr;
	const struct vpci_function *f;
	unsigned reg;

	(void)unused;
	if (port < 0xcfc)
		return (addr >> (8 * (port - 0xcf8))) & 0xff;
	f = lookup(addr);
	if (!f)
		return 0xff;
	reg = (addr & 0xfc) + (port - 0xcfc);
	return reg < 64 ? f->cfg[reg] : 0;
}

void vpci_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v)
{
	(void)unused;
	if (port < 0xcf8 + 4) {
		unsigned sh = 8 * (port - 0xcf8u);

		/* Bits 1:0 and 30:24 are reserved and read as zero. */
		d->pci.addr = ((d->pci.addr & ~(0xffu << sh)) | ((v & 0xffu) << sh)) & 0x80fffffcu;
		return;
	}
	/* The host bridge's registers are read-only in this model. */
	if (lookup(d->pci.addr))
		ipvmm_unimp(d, "pci", "config write (ignored)", d->pci.addr & 0xff);
}

void vpci_init(struct ipvmm_devs *d)
{
	d->pci.addr = 0;
}
