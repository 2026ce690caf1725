/*
 * 16550 UART on CONFIG_UART_PORT (COM1), 8N1 at CONFIG_UART_BAUD, FIFOs on,
 * interrupts off (polled). init checks the chip is there by reading back
 * the scratch and line-control registers; output waits a bounded number of
 * polls for the transmitter, then drops the byte (and counts it).
 */
#include "uart.h"
#include "x86.h"
#include "config.h"

#define UART_CLOCK_HZ 115200u   /* the divisor-latch base rate */

enum {                          /* register offsets */
	RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, FCR = 2, LCR = 3,
	MCR = 4, LSR = 5, SCR = 7,
};
#define LCR_8N1    0x03
#define LCR_DLAB   0x80
#define FCR_ENABLE 0x07         /* enable, clear RX and TX FIFOs */
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DR     0x01         /* data ready */
#define LSR_THRE   0x20         /* transmit holding register empty */

unsigned uart_dropped;
static int uart_ok;

static void reg_w(unsigned r, uint8_t v) { outb(CONFIG_UART_PORT + r, v); }
static uint8_t reg_r(unsigned r) { return inb(CONFIG_UART_PORT + r); }

int uart_init(void)
{
	uint16_t div = UART_CLOCK_HZ / CONFIG_UART_BAUD;
	reg_w(SCR, 0x5a);
	if (reg_r(SCR) != 0x5a)
		return -1;                       /* nothing answers at this port */
	reg_w(IER, 0);
	reg_w(LCR, LCR_DLAB);
	reg_w(DLL, div & 0xff);
	reg_w(DLM, div >> 8);
	reg_w(LCR, LCR_8N1);
	if (reg_r(LCR) != LCR_8N1)
		return -1;
	reg_w(FCR, FCR_ENABLE);
	reg_w(MCR, MCR_DTR_RTS_OUT2);
	uart_ok = 1;
	return 0;
}

void uart_putc(char c)
{
	if (!uart_ok)
		return;
	for (unsigned i = 0; i < CONFIG_UART_POLL_LIMIT; i++) {
		if (reg_r(LSR) & LSR_THRE) {
			reg_w(THR, (uint8_t)c);
			return;
		}
	}
	uart_dropped++;
}

int uart_getc(void)
{
	if (!uart_ok || !(reg_r(LSR) & LSR_DR))
		return -1;
	return reg_r(RBR);
}
