/* Privileged and I/O instructions as inline functions. Each one is a
 * sensitive instruction the afterburner pads; keep them tiny. */
#ifndef TESTOS_X86_H
#define TESTOS_X86_H
#include <stdint.h>

#define EFLAGS_IF   0x00000200u
#define EFLAGS_IOPL 0x00003000u
#define CR0_PE      0x00000001u
#define CR0_MP      0x00000002u
#define CR0_TS      0x00000008u
#define CR0_ET      0x00000010u
#define CR0_NE      0x00000020u
#define CR0_WP      0x00010000u
#define CR0_PG      0x80000000u
#define CR4_TSD     0x00000004u

struct dtr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

static inline uint32_t read_eflags(void)
{
	uint32_t f;
	__asm__ volatile("pushfl; popl %0" : "=r"(f) : : "memory");
	return f;
}

static inline void write_eflags(uint32_t f)
{
	__asm__ volatile("pushl %0; popfl" : : "r"(f) : "memory", "cc");
}

/* Save IF and disable; restore with irq_restore. */
static inline uint32_t irq_save(void)
{
	uint32_t f = read_eflags();
	cli();
	return f;
}

static inline void irq_restore(uint32_t f) { write_eflags(f); }

#define DEFINE_CR(n)                                                        \
	static inline uint32_t read_cr##n(void)                             \
	{                                                                   \
		uint32_t v;                                                 \
		__asm__ volatile("movl %%cr" #n ", %0" : "=r"(v));          \
		return v;                                                   \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)

static inline void write_cr0(uint32_t v) { __asm__ volatile("movl %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(uint32_t v) { __asm__ volatile("movl %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(uint32_t v) { __asm__ volatile("movl %0, %%cr4" : : "r"(v) : "memory"); }

static inline void invlpg(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void lgdt(const struct dtr *d) { __asm__ volatile("lgdt %0" : : "m"(*d)); }
static inline void lidt(const struct dtr *d) { __asm__ volatile("lidt %0" : : "m"(*d)); }
static inline void sgdt(struct dtr *d) { __asm__ volatile("sgdt %0" : "=m"(*d)); }
static inline void sidt(struct dtr *d) { __asm__ volatile("sidt %0" : "=m"(*d)); }
static inline void ltr(uint16_t s) { __asm__ volatile("ltr %0" : : "r"(s)); }
static inline void lldt(uint16_t s) { __asm__ volatile("lldt %0" : : "r"(s)); }

static inline uint16_t str(void)
{
	uint16_t s;
	__asm__ volatile("str %0" : "=r"(s));
	return s;
}

static inline uint16_t sldt(void)
{
	uint16_t s;
	__asm__ volatile("sldt %0" : "=r"(s));
	return s;
}

static inline uint16_t smsw(void)
{
	uint16_t s;
	__asm__ volatile("smsw %0" : "=r"(s));
	return s;
}

static inline void clts(void) { __asm__ volatile("clts"); }

#define DEFINE_SEG(r)                                                       \
	static inline uint16_t read_##r(void)                               \
	{                                                                   \
		uint16_t s;                                                 \
		__asm__ volatile("movw %%" #r ", %0" : "=r"(s));            \
		return s;                                                   \
	}                                                                   \
	static inline void write_##r(uint16_t s)                            \
	{                                                                   \
		__asm__ volatile("movw %0, %%" #r : : "r"(s) : "memory");   \
	}
DEFINE_SEG(ds)
DEFINE_SEG(es)
DEFINE_SEG(fs)
DEFINE_SEG(gs)
DEFINE_SEG(ss)

static inline uint16_t read_cs(void)
{
	uint16_t s;
	__asm__ volatile("movw %%cs, %0" : "=r"(s));
	return s;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

static inline void pause_(void) { __asm__ volatile("pause"); }
#endif
