/* 16550 UART (COM1): ring-buffered output drained by its transmit
 * interrupt with bounded polls only when full or flushing; polled input.
 * And the debug unit (COM2) for the GDB stub. */
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

/* The debug unit (COM2, CONFIG_GDB_UART_PORT): interrupt-driven input into
 * a ring, hook() from its interrupt when bytes arrived; polled output. */
int uart_dbg_init(void (*hook)(void));   /* 0, or -1: no UART there */
int uart_dbg_getc(void);                 /* -1 when nothing is waiting */
void uart_dbg_write(const char *s, unsigned n);
extern unsigned uart_dbg_dropped;

#endif
