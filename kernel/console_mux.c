/*
 * The console multiplexer: each guest's output (HC_CONSOLE_WRITE, its
 * emulated COM1) is collected per line and written to the real serial port
 * in one piece, prefixed "[NAME] ", so lines of several guests and the
 * hypervisor never mix and stripping the prefix gives the guest's own
 * transcript. A line longer than CONFIG_CONSOLE_LINE is forced out in parts.
 */
#include "guest.h"
#include "log.h"

static void emit(struct guest *g)
{
	kprintf("[%s] %.*s\n", g->name, (int)g->line_len, g->line);
	g->line_len = 0;
}

void console_mux_put(struct guest *g, const char *buf, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		char c = buf[i];
		if (c == '\n') {
			emit(g);
			continue;
		}
		g->line[g->line_len++] = c;
		if (g->line_len == sizeof(g->line))
			emit(g);
	}
}

void console_mux_flush(struct guest *g)
{
	if (g->line_len)
		emit(g);
}
