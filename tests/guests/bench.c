/*
 * Round-trip costs, measured by the guest with rdtsc (under QEMU with
 * -icount shift=0 a TSC tick is one guest instruction, hypervisor
 * included): N hypercalls (HC_VERSION) and N iterations of an empty
 * loop as the baseline. (It runs without an IPVMM, so nothing would
 * emulate an `inb`: com1.c's `bench` times the trapped one through the
 * IPVMM.)
 */
#include "guest.h"

#define N 1000u

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void report(const char *what, uint64_t ticks)
{
	char num[] = "........ ticks per operation";
	hex(num, (uint32_t)ticks / N);      /* N ops take far below 2^32 ticks */
	puts_hc("bench: ");
	puts_hc(what);
	puts_hc(" 0x");
	puts_hc(num);
	puts_hc("\n");
}

int gmain(uint32_t magic, const struct mbi *mbi)
{
	(void)magic;
	(void)mbi;
	uint64_t t0 = rdtsc();
	for (unsigned i = 0; i < N; i++)
		__asm__ volatile("" ::: "memory");
	uint64_t t1 = rdtsc();
	for (unsigned i = 0; i < N; i++)
		hc(HC_VERSION, 0, 0);
	uint64_t t2 = rdtsc();
	report("empty loop        ", t1 - t0);
	report("hypercall version ", t2 - t1);
	return 0;
}
