/*
 * 8254 programmable interval timer: three channels at 0x40-0x42, mode
 * and command register at 0x43; channel 0 drives IRQ0, channel 2's gate
 * and output are wired to system control port B (0x61). Counters are
 * never stepped: every value is derived from the backend clock.
 */
#ifndef IPVMM_VPIT_H
#define IPVMM_VPIT_H

#include <stdbool.h>
#include <stdint.h>

#define VPIT_HZ 1193182u	/* input clock, 14.31818 MHz / 12 */

struct ipvmm_devs;

/* Access modes (control word bits 5-4) and the byte a read or write is
   at; ipvmm/fastdev.asm reads a pending latch by these. */
enum vpit_rw { VPIT_RW_LATCH, VPIT_RW_LSB, VPIT_RW_MSB, VPIT_RW_WORD0, VPIT_RW_WORD1 };

struct vpit_channel {
	uint32_t count;		/* reload value, 1..0x10000 */
	uint64_t load_time;	/* ns when counting (re)started */
	uint64_t paused_at;	/* ns when the gate fell (gate low only) */
	uint64_t edges;		/* output rising edges already reported */
	uint16_t latched_count;
	uint8_t count_latched;	/* RW_* state of a pending latch, 0 none */
	bool status_latched;
	uint8_t status;
	uint8_t read_state, write_state, rw_mode;
	uint8_t write_latch;
	uint8_t mode;
	bool bcd;
	bool gate;
	bool counting;		/* a count was written since the mode */
};

struct vpit {
	struct vpit_channel ch[3];
};

void vpit_init(struct ipvmm_devs *d);
/* Recompute channel 0's output and drive IRQ0 (pulses for missed edges). */
void vpit_update_irq(struct ipvmm_devs *d);
/* Absolute ns of channel 0's next rising edge, or IPVMM_TIMER_NONE. */
uint64_t vpit_next_deadline(struct ipvmm_devs *d);
void vpit_set_gate(struct ipvmm_devs *d, unsigned ch, bool level);
bool vpit_out(struct ipvmm_devs *d, unsigned ch);
/* Current counter value as a read would see it (no latch side effect). */
uint32_t vpit_count(struct ipvmm_devs *d, unsigned ch);

uint32_t vpit_read(struct ipvmm_devs *d, unsigned unused, uint16_t port);
void vpit_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v);
/* System control port B (0x61). */
uint32_t vport61_read(struct ipvmm_devs *d, unsigned unused, uint16_t port);
void vport61_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v);

#endif /* IPVMM_VPIT_H */
