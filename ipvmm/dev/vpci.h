/*
 * PCI configuration mechanism #1 (address 0xCF8, data 0xCFC-0xCFF) over a
 * compile-time table of functions, each with a static configuration-space
 * image. Bus 0 only; absent functions read as all ones.
 */
#ifndef IPVMM_VPCI_H
#define IPVMM_VPCI_H

#include <stdint.h>

struct ipvmm_devs;

struct vpci {
	uint32_t addr;		/* CONFIG_ADDRESS */
};

void vpci_init(struct ipvmm_devs *d);
uint32_t vpci_read(struct ipvmm_devs *d, unsigned unused, uint16_t port);
void vpci_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v);

#endif /* IPVMM_VPCI_H */
