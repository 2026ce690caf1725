/*
 * i8042 keyboard controller (data 0x60, status/command 0x64) with a PS/2
 * keyboard behind it, IRQ1. Commands complete at once (IBF never shows);
 * replies queue in a small output buffer. No mouse.
 */
#ifndef IPVMM_VKBC_H
#define IPVMM_VKBC_H

#include <stdbool.h>
#include <stdint.h>

#define VKBC_IRQ 1
#define VKBC_QUEUE 16

struct ipvmm_devs;

struct vkbc {
	uint8_t status, cmd_byte, outport;
	uint8_t pending_ctrl;	/* controller command awaiting its data byte */
	uint8_t pending_kbd;	/* keyboard command awaiting its argument */
	uint8_t q[VKBC_QUEUE];
	uint8_t q_head, q_count;
	bool scanning;
};

void vkbc_init(struct ipvmm_devs *d);
void vkbc_update_irq(struct ipvmm_devs *d);
/* Backend input: a scancode from the console; false if the queue is full. */
bool vkbc_key(struct ipvmm_devs *d, uint8_t scancode);

uint32_t vkbc_read(struct ipvmm_devs *d, unsigned unused, uint16_t port);
void vkbc_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v);

#endif /* IPVMM_VKBC_H */
