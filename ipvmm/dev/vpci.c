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

/* The dword at the data register for addr: all ones for an absent
   function, 0 past the 64-byte header. */
static uint32_t data_dword(uint32_t addr)
{
	const struct vpci_function *f = lookup(addr);
	unsigned reg = addr & 0xfc;

	if (!f)
		return 0xffffffffu;
	if (reg >= 64)
		return 0;
	return f->cfg[reg] | (uint32_t)f->cfg[reg + 1] << 8 | (uint32_t)f->cfg[reg + 2] << 16 |
	       (uint32_t)f->cfg[reg + 3] << 24;
}

uint32_t vpci_read(struct ipvmm_devs *d, unsigned unused, uint16_t port)
{
	struct vpci *p = &d->pci;

	(void)unused;
	if (port < 0xcfc)
		return (p->addr >> (8 * (port - 0xcf8))) & 0xff;
	if (p->cache_addr != p->addr) {
		p->cache_val = data_dword(p->addr);
		p->cache_addr = p->addr;
	}
	return (p->cache_val >> (8 * (port - 0xcfc))) & 0xff;
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
	d->pci.cache_addr = VPCI_NO_CACHE;
}
