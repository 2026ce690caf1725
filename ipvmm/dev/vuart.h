/*
 * 16550A UART (COM1 at 0x3F8 on IRQ4). Transmission is instantaneous:
 * a byte written to THR goes to the backend console at once and THR is
 * empty again, as a very fast line would make it. Received bytes come
 * from the backend through vuart_receive().
 */
#ifndef IPVMM_VUART_H
#define IPVMM_VUART_H

#include <stdbool.h>
#include <stdint.h>
#include "config.h"

#define VUART_COM1_IRQ 4

struct ipvmm_devs;

struct vuart {
	uint8_t unit, irq;
	uint16_t divisor;
	uint8_t ier, iir, lcr, mcr, lsr, msr, scr, fcr;
	bool thr_ipending;	/* THRE interrupt armed until IIR read or THR write */
	bool irq_level;		/* last level driven on the PIC */
	uint8_t rx[CONFIG_IPVMM_UART_FIFO];
	uint8_t rx_head, rx_count;
};

void vuart_init(struct ipvmm_devs *d, struct vuart *u, uint8_t unit, uint8_t irq);
/* Recompute IIR and drive the IRQ line (gated by MCR OUT2, as on a PC). */
void vuart_update_irq(struct ipvmm_devs *d, struct vuart *u);
/* Room in the receiver (FIFO depth, 1 with the FIFO off). */
unsigned vuart_rx_room(const struct vuart *u);
/* Backend input: false if the receiver is full (byte dropped, OE set). */
bool vuart_receive(struct ipvmm_devs *d, struct vuart *u, uint8_t byte);

uint32_t vuart_read(struct ipvmm_devs *d, unsigned unit, uint16_t port);
void vuart_write(struct ipvmm_devs *d, unsigned unit, uint16_t port, uint32_t v);

#endif /* IPVMM_VUART_H */
