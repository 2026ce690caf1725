/*
 * The board's power-off ports, as the emulators the project runs on have
 * them, so a guest ends under the IPVMM the way it ends natively:
 * QEMU's isa-debug-exit at 0xf4 (a write ends the guest with the value as
 * its status, 0x10 meaning success by this project's convention,
 * scripts/run-qemu.sh) and the Bochs port 0x8900 ("Shutdown" written
 * byte by byte: status 0).
 */
#ifndef IPVMM_DEV_VEXIT_H
#define IPVMM_DEV_VEXIT_H

#include <stdint.h>

#define VEXIT_QEMU_PORT    0xf4
#define VEXIT_BOCHS_PORT   0x8900
#define VEXIT_QEMU_SUCCESS 0x10

struct ipvmm_devs;

struct vexit {
	uint8_t matched;	/* bytes of "Shutdown" seen in a row at 0x8900 */
};

uint32_t vexit_read(struct ipvmm_devs *d, unsigned unused, uint16_t port);
void vexit_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v);

#endif
