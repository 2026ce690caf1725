/* 16550 UART (COM1), polled output with bounded waits, polled input. */
#ifndef UART_H
#define UART_H

/* drivers/uart.c */
int uart_init(void);             /* 0 if the chip answered the read-back check */
void uart_putc(char c);          /* drops the byte after a bounded wait */
int uart_getc(void);             /* -1 when nothing is waiting */
extern unsigned uart_dropped;

#endif
