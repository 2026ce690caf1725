/*
 * MC146818 real-time clock and CMOS RAM (index 0x70, data 0x71, IRQ8).
 * The time of day is derived from the backend clock plus the wall-clock
 * time read once at init; the periodic and update-ended interrupts are
 * derived from elapsed time like the PIT's output.
 */
#ifndef IPVMM_VRTC_H
#define IPVMM_VRTC_H

#include <stdbool.h>
#include <stdint.h>

#define VRTC_IRQ 8
#define VRTC_REG_B   0x0b	/* register B */
#define VRTC_B_SET   0x80	/* B: SET holds the clock */
#define VRTC_CENTURY 0x32	/* the century byte (ACPI FADT's default) */

struct ipvmm_devs;

struct vrtc {
	uint8_t index;
	uint8_t cmos[128];	/* registers A-D live at 0x0a-0x0d; time is derived */
	uint64_t base_s;	/* Unix seconds at guest time base_ns */
	uint64_t base_ns;
	uint64_t pf_seen, uf_seen;	/* periodic / update ticks already flagged */
	uint8_t set_time[10];	/* time registers while SET (B bit 7) holds the clock */
	uint64_t a_read_sec;	/* second of the last register A read without UIP (+1; 0 = none) */
	/* to_regs' last answer: a function of the second and of register B
	   (BCD, 12/24 h) only, so reads within one second reuse it. */
	bool regs_ok;
	uint8_t regs_b, regs_century;
	uint32_t regs_s;
	uint8_t regs[10];
};

void vrtc_init(struct ipvmm_devs *d);
/* Fold elapsed periods/updates into register C and drive IRQ8. */
void vrtc_update_irq(struct ipvmm_devs *d);
uint64_t vrtc_next_deadline(struct ipvmm_devs *d);
/* Unix seconds the guest's clock shows now (for tests and diagnostics). */
uint64_t vrtc_seconds(struct ipvmm_devs *d);

uint32_t vrtc_read(struct ipvmm_devs *d, unsigned unused, uint16_t port);
void vrtc_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v);

#endif /* IPVMM_VRTC_H */
