/*
 * VGA text mode, 80x25 at machine 0xB8000 (reached through the direct
 * map): a mirror of the log for a machine with a screen and no serial line.
 */
#include "vga.h"
#include "mm.h"
#include <stdint.h>

#define VGA_PHYS 0xB8000
#define COLS 80
#define ROWS 25
#define ATTR 0x0700                      /* light grey on black */

static uint16_t *screen;
static unsigned row, col;

void vga_init(void)
{
	screen = phys_to_virt(VGA_PHYS);
	for (unsigned i = 0; i < COLS * ROWS; i++)
		screen[i] = ATTR | ' ';
	row = col = 0;
}

static void scroll(void)
{
	for (unsigned i = 0; i < COLS * (ROWS - 1); i++)
		screen[i] = screen[i + COLS];
	for (unsigned i = COLS * (ROWS - 1); i < COLS * ROWS; i++)
		screen[i] = ATTR | ' ';
	row = ROWS - 1;
}

void vga_putc(char c)
{
	if (!screen)
		return;
	if (c == '\n') {
		col = 0;
		if (++row == ROWS)
			scroll();
		return;
	}
	if (c == '\r') {
		col = 0;
		return;
	}
	screen[row * COLS + col] = ATTR | (uint8_t)c;
	if (++col == COLS) {
		col = 0;
		if (++row == ROWS)
			scroll();
	}
}
