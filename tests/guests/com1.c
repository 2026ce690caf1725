/* An unmodified guest's way to print: program COM1 and poll its LSR with
 * plain in/out, around cli/sti. It has no .afterburn records and makes no
 * hypercall (start_raw.S ends it through the power-off port): each of
 * those instructions traps (#GP in ring 1) and the IPVMM's #GP fallback
 * emulates it, its COM1 model printing. Words on its command line add,
 * after its lines:
 *   hlt         cli; hlt: the IPVMM stops the guest (it can never wake)
 *   bench       N trapped `inb 0x3fd` timed with rdtsc (ticks per inb)
 */
#include "guest.h"

#define BENCH_N 1000u

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

static uint32_t rdtsc_lo(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo;            /* N inb take far below 2^32 ticks */
}

static void bench(void)
{
	char num[] = "........ ticks per operation\n";
	uint32_t t0 = rdtsc_lo();
	for (unsigned i = 0; i < BENCH_N; i++)
		(void)inb(0x3fd);
	hex(num, (rdtsc_lo() - t0) / BENCH_N);
	print("com1: bench trapped inb 0x3fd 0x");
	print(num);
}

int gmain(uint32_t magic, const struct mbi *mbi)
{
	const char *cmd = (mbi->flags & 4) ? (const char *)mbi->cmdline : "";
	(void)magic;
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
	if (has_word(cmd, "bench"))
		bench();
	if (has_word(cmd, "hlt")) {
		print("com1: cli; hlt\n");
		__asm__ volatile("cli; hlt");
		print("com1: still alive after its hlt\n");
		return 4;
	}
	print("com1: partial line without newline");
	return scratch_ok ? 0 : 1;
}
