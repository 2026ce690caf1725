/*
 * The console multiplexer (kernel/console_mux.c): each guest's COM1
 * output as "[NAME] " lines on the serial port, and the serial input to
 * the guest that owns it.
 */
#ifndef CONSOLE_MUX_H
#define CONSOLE_MUX_H

#include <stdint.h>
#include "config.h"

struct guest;

/* console= of a guest module: where its COM1 goes and whether it gets
 * the serial input (docs/ipvmm.md, "Life of a guest"). */
enum guest_console {
	CONSOLE_SERIAL = 0,   /* default: "[NAME] " lines on the serial port */
	CONSOLE_INPUT,        /* the same, and it receives the serial input */
	CONSOLE_NONE,         /* output counted and dropped, no input */
};

/* A guest's part (struct guest's `con`). */
struct guest_con {
	enum guest_console mode;             /* console= */
	uint32_t dropped;                    /* output bytes of a console=none guest */
	int waiting;                         /* its VM thread waits for output ring room */
	uint32_t waits;                      /* times it did */
	uint32_t in_tail;                    /* input appended (the shared page's copy is the guest's) */
	char line[CONFIG_CONSOLE_LINE];      /* the line being collected */
	unsigned line_len;
	int line_open;                       /* part of its line is on the terminal (console=input) */
};

void console_mux_put(struct guest *g, const char *buf, uint32_t len);
void console_mux_flush(struct guest *g);
void console_mux_room(void);                     /* the output ring drained: wake writers */
int console_mux_is_input(const struct guest *g);  /* serial input goes to g */
/* From the timer interrupt: serial input to the console guest. */
void console_input_poll(void);
int console_input_getc(void);     /* the queue's next byte (the idle loop), -1: none */

/* kernel/console_cmd.c: the hypervisor's own commands after Ctrl-]. */
#define CONSOLE_ESCAPE 0x1d
int console_cmd_byte(uint8_t c);   /* 1: the byte was a command's, not the guest's */

#endif
