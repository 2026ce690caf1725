/* The direct test guests' tiny runtime: hypercalls, output, strings. */
#ifndef TEST_GUEST_H
#define TEST_GUEST_H

#include <stdint.h>
#include "hypercall.h"

struct mbi {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
};

static inline int32_t hc(uint32_t nr, uint32_t a, uint32_t b)
{
	int32_t r;
	__asm__ volatile("int $0x82" : "=a"(r) : "a"(nr), "b"(a), "c"(b) : "memory");
	return r;
}

/* EAX = nr, EBX, ECX, EDX, ESI, EDI = a..e (docs/hypercalls.md). */
static inline int32_t hc5(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
	int32_t r;
	__asm__ volatile("int $0x82" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	return r;
}

static inline unsigned slen(const char *s)
{
	unsigned n = 0;
	while (s[n])
		n++;
	return n;
}

static inline void puts_hc(const char *s)
{
	hc(HC_CONSOLE_WRITE, (uint32_t)s, slen(s));
}

/* "act=WORD" in s? */
static inline int has_word(const char *s, const char *w)
{
	unsigned n = slen(w);
	for (; *s; s++) {
		unsigned i = 0;
		while (i < n && s[i] == w[i])
			i++;
		if (i == n && (s[n] == ' ' || s[n] == '\0'))
			return 1;
		while (*s && *s != ' ')
			s++;
		if (!*s)
			break;
	}
	return 0;
}

/* Hex into buf (8 digits). */
static inline void hex(char *buf, uint32_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 4)
		buf[i] = "0123456789abcdef"[v & 15];
}

int gmain(uint32_t magic, const struct mbi *mbi);

#endif
