/* 16550 UART (COM1): ring-buffered output drained by its transmit
 * interrupt with bounded polls only when full or flushing; polled input. */
#ifndef UART_H
#define UART_H

#include <stdint.h>

/* drivers/uart.c */
int uart_init(void);             /* 0 if the chip answered the read-back check */
void uart_putc(char c);          /* queues; polls (bounded) only when the ring is full */
int uart_getc(void);             /* -1 when nothing is waiting */
uint32_t uart_tx_room(void);     /* free bytes in the output ring */
void uart_drain(void);           /* what the UART takes now, no waiting */
void uart_tick(void);            /* the timer's backstop drain and stall bound */
void uart_flush(void);           /* all of it, bounded polls (shutdown, panic) */
/* After the PIC: the transmit interrupt; hook() runs when the ring is
 * at least half empty again (kernel/console_mux.c wakes waiting guests). */
void uart_irq_init(void (*hook)(void));
extern unsigned uart_dropped;

#endif
