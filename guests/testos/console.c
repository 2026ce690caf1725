/* COM1 output (16550, polled), a small printf and the exit path. */
#include <stdarg.h>
#include "testos.h"
#include "x86.h"

#define COM1 0x3f8
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

void console_init(void)
{
	outb(COM1 + 1, 0x00);          /* no interrupts */
	outb(COM1 + 3, 0x80);          /* DLAB */
	outb(COM1 + 0, 0x01);          /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);          /* 8N1 */
	outb(COM1 + 2, 0x07);          /* FIFO on, cleared */
	outb(COM1 + 4, 0x03);          /* DTR, RTS; OUT2 off: polled */
}

/* Bounded wait: a missing UART must not hang the test OS. */
static void wait_lsr(uint8_t bit)
{
	for (int i = 0; i < 1000000 && !(inb(COM1 + 5) & bit); i++)
		pause_();
}

void putc_(char c)
{
	if (c == '\n')
		putc_('\r');
	wait_lsr(LSR_THRE);
	outb(COM1, (uint8_t)c);
}

void console_drain(void) { wait_lsr(LSR_TEMT); }

#define LSR_DR 0x01
#define ECHO_SILENCE (5 * HZ)	/* timer ticks without input that end the run */

/* Console input, polled: "echo: LINE" for every line typed, until a line
 * "q" (success) or 5 s without a byte (failure). The oracle for a
 * hypervisor's console input: the same keystrokes must give the same
 * transcript natively and virtualized. */
bool echo_run(void)
{
	char line[80];
	unsigned n = 0;
	uint32_t last = ticks;

	sti();			/* the timer measures the silence */
	while (ticks - last < ECHO_SILENCE) {
		if (!(inb(COM1 + 5) & LSR_DR)) {
			pause_();
			continue;
		}
		last = ticks;
		char c = (char)inb(COM1);
		if (c != '\r' && c != '\n') {
			if (n < sizeof(line) - 1)
				line[n++] = c;
			continue;
		}
		if (!n)
			continue;
		line[n] = 0;
		if (n == 1 && line[0] == 'q') {
			puts_("echo: bye\n");
			return true;
		}
		printf_("echo: %s\n", line);
		n = 0;
	}
	puts_("echo: no input\n");
	return false;
}

void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void put_num(uint32_t v, unsigned base, int width, char pad)
{
	char buf[12];
	int n = 0;
	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		putc_(pad);
	while (n)
		putc_(buf[--n]);
}

static void vprintf_(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putc_(*fmt);
			continue;
		}
		char pad = ' ';
		int width = 0;
		fmt++;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		switch (*fmt) {
		case 'd': {
			int v = va_arg(ap, int);
			if (v < 0) {
				putc_('-');
				put_num(-(uint32_t)v, 10, width, pad);
			} else {
				put_num((uint32_t)v, 10, width, pad);
			}
			break;
		}
		case 'u': put_num(va_arg(ap, uint32_t), 10, width, pad); break;
		case 'x': put_num(va_arg(ap, uint32_t), 16, width, pad); break;
		case 's': puts_(va_arg(ap, const char *)); break;
		case 'c': putc_((char)va_arg(ap, int)); break;
		case '%': putc_('%'); break;
		default: putc_('?'); break;
		}
	}
}

void printf_(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf_(fmt, ap);
	va_end(ap);
}

/* QEMU: isa-debug-exit at 0xf4 ends the run with status (v << 1) | 1.
 * Bochs: the string "Shutdown" at 0x8900. Then halt for good. */
void testos_exit(bool success)
{
	console_drain();
	cli();
	outl(0xf4, success ? 0x10 : 0x11);
	for (const char *s = "Shutdown"; *s; s++)
		outb(0x8900, (uint8_t)*s);
	for (;;)
		hlt();
}
