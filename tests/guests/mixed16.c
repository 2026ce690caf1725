/*
 * The mixed-mode test guest (tests/afterburn.mk): runs natively and under
 * the hypervisor in both rewrite modes, printing on COM1 what the tests
 * check: that stac/clac (padded by the afterburner) run only where CPUID
 * reports SMAP, that it reads the signature embedded in its own code,
 * and the first byte of its 16-bit site (always the original cli: never
 * rewritten) and of a 32-bit one (rewritten under the IPVMM).
 */
#include <stdint.h>

extern const uint8_t site32[], tramp16[], tramp16_end[];
const char *dic_signature(void);
int gmain(void);

#define COM1 0x3f8
#define EXIT_PORT 0xf4	/* isa-debug-exit; the IPVMM's vexit under the hypervisor */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void put(const char *s)
{
	for (; *s; s++) {
		for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
			;
		outb(COM1, (uint8_t)*s);
	}
}

static void put_hex8(uint8_t v)
{
	char b[3] = { "0123456789abcdef"[v >> 4], "0123456789abcdef"[v & 15], 0 };
	put(b);
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

static int has_smap(void)
{
	uint32_t r[4];
	cpuid(0, r);
	if (r[0] < 7)
		return 0;
	cpuid(7, r);
	return (r[1] >> 20) & 1;
}

int gmain(void)
{
	int fails = 0;
	put("mixed16: start\n");
	if (has_smap()) {
		/* AC is only honoured at CPL 0 with CR4.SMAP; nothing here
		   depends on it, the point is that they are sites. */
		__asm__ volatile("stac" ::: "memory");
		__asm__ volatile("clac" ::: "memory");
		put("mixed16: smap present, stac and clac ran\n");
	} else {
		put("mixed16: smap absent, stac and clac not run\n");
	}
	const char *sig = dic_signature();
	if (sig[0] == 'x' && sig[1] == 'e' && sig[2] == 'n') {
		put("mixed16: data in code: signature xen read\n");
	} else {
		put("mixed16: FAIL data in code: signature not found\n");
		fails++;
	}
	put("mixed16: site16 ");
	put_hex8(tramp16[0]);
	put(", site32 ");
	put_hex8(site32[0]);
	put(site32[1] == 0x0b ? " 0b" : "");
	put("\n");
	if (tramp16[0] != 0xfa) {
		put("mixed16: FAIL 16-bit site changed\n");
		fails++;
	}
	put(fails ? "mixed16: FAIL\n" : "mixed16: done\n");
	outb(EXIT_PORT, fails ? 0x11 : 0x10);
	return fails;
}
