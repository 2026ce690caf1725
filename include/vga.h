/* VGA text mode console (80x25 at machine 0xB8000), a mirror of the log. */
#ifndef VGA_H
#define VGA_H

/* drivers/vga.c */
void vga_init(void);
void vga_putc(char c);

#endif
