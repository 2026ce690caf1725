/* An unmodified guest's way to print: program COM1 and poll its LSR with
 * plain in/out, around cli/sti. Each of those traps (#GP in ring 1) and is
 * emulated by the hypervisor. Ends with HC_SHUTDOWN 0 (start.S). */
#include "guest.h"

static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }

static void putc_com1(char c)
{
	for (int i = 0; i < 1000 && !(inb(0x3fd) & 0x20); i++)
		;
	outb(0x3f8, (uint8_t)c);
}

static void print(const char *s)
{
	while (*s)
		putc_com1(*s++);
}

int gmain(uint32_t magic, const struct mbi *mbi)
{
	(void)magic;
	(void)mbi;
	__asm__ volatile("cli");
	outb(0x3f9, 0x00);
	outb(0x3fb, 0x80);          /* DLAB: the next two go to the divisor */
	outb(0x3f8, 0x01);
	outb(0x3f9, 0x00);
	outb(0x3fb, 0x03);
	outb(0x3ff, 0x5a);          /* scratch register reads back */
	int scratch_ok = inb(0x3ff) == 0x5a;
	__asm__ volatile("sti");
	print("com1: hello through the trap path\n");
	print(scratch_ok ? "com1: scratch register ok\n" : "com1: FAIL scratch register\n");
	print("com1: partial line without newline");
	return scratch_ok ? 0 : 1;
}
