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
	/* The data register's dword for cache_addr (VPCI_NO_CACHE: none):
	   configuration space is read-only here, so an address reads the
	   same dword until it changes. ipvmm/fastdev.asm answers a dword
	   read at 0xCFC from it. */
	uint32_t cache_addr, cache_val;
};
#define VPCI_NO_CACHE 1u	/* never an address: bits 1:0 read as zero */

void vpci_init(struct ipvmm_devs *d);
uint32_t vpci_read(struct ipvmm_devs *d, unsigned unused, uint16_t port);
void vpci_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v);

#endif /* IPVMM_VPCI_H */
