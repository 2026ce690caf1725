/*
 * The logger. Until the UART has answered its read-back check, output
 * collects in a fixed early buffer (nothing is lost to an unready console);
 * log_console_ready() flushes it. Every character also goes to the VGA
 * text screen when CONFIG_VGA_CONSOLE is set.
 */
#include "log.h"
#include "fmt.h"
#include "uart.h"
#include "vga.h"
#include "x86.h"

int log_level = CONFIG_LOG_LEVEL;

static char early[CONFIG_LOG_EARLY_BUF];
static unsigned early_len, early_lost;
static int console_up, uart_up;

static void sink(char c)
{
	if (uart_up) {
		if (c == '\n')
			uart_putc('\r');
		uart_putc(c);
	}
	if (HAVE_VGA_CONSOLE)
		vga_putc(c);
}

void log_raw_putc(char c)
{
	if (console_up) {
		sink(c);
	} else if (early_len < sizeof(early)) {
		early[early_len++] = c;
	} else {
		early_lost++;
	}
}

static void put_cb(void *ctx, char c)
{
	(void)ctx;
	log_raw_putc(c);
}

void log_console_ready(int uart_ok)
{
	uint32_t f = irq_save();
	uart_up = uart_ok;
	console_up = 1;
	for (unsigned i = 0; i < early_len; i++)
		sink(early[i]);
	early_len = 0;
	irq_restore(f);
	if (early_lost)
		pr_warn("log: %u early bytes lost (CONFIG_LOG_EARLY_BUF)\n", early_lost);
}

void log_set_level(int level)
{
	if (level >= LOG_ERR && level <= LOG_DEBUG)
		log_level = level;
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
	if (level > log_level)
		return;
	/* One message at a time: a timer-driven thread switch must not split
	 * a line. */
	uint32_t f = irq_save();
	fmt_vformat(put_cb, 0, fmt, ap);
	irq_restore(f);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	uint32_t f = irq_save();
	int n = fmt_vformat(put_cb, 0, fmt, ap);
	irq_restore(f);
	va_end(ap);
	return n;
}

/* A panic before the console was brought up must still be seen. */
void log_force_console(void)
{
	if (!console_up)
		log_console_ready(uart_init() == 0);
}
