#include "util.h"

/*
 * 64- and 96-bit by 32-bit division, limb by limb: each step divides
 * (remainder:limb) by div, which fits 32 bits because remainder < div, so
 * on i386 it is one divl. No libgcc helpers (the IPVMM links alone).
 * The device models call these on every timer and CMOS read.
 */
static uint32_t div_step(uint32_t hi, uint32_t lo, uint32_t div, uint32_t *rem)
{
#if defined(__i386__)
	uint32_t q, r;

	__asm__("divl %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(div));
	*rem = r;
	return q;
#else
	uint64_t n = (uint64_t)hi << 32 | lo;

	*rem = (uint32_t)(n % div);
	return (uint32_t)(n / div);
#endif
}

uint64_t ipvmm_div64(uint64_t a, uint32_t div, uint32_t *rem)
{
	uint32_t r, qhi = div_step(0, (uint32_t)(a >> 32), div, &r);
	uint32_t qlo = div_step(r, (uint32_t)a, div, &r);

	if (rem)
		*rem = r;
	return (uint64_t)qhi << 32 | qlo;
}

/* a * mul / div with the 96-bit product; saturates at UINT64_MAX. */
uint64_t ipvmm_muldiv64(uint64_t a, uint32_t mul, uint32_t div, int round_up)
{
	uint64_t lo = (a & 0xffffffffu) * mul;
	uint64_t hi = (a >> 32) * mul + (lo >> 32);
	uint32_t r, q2, q1, q0;
	uint64_t q;

	q2 = div_step(0, (uint32_t)(hi >> 32), div, &r);
	q1 = div_step(r, (uint32_t)hi, div, &r);
	q0 = div_step(r, (uint32_t)lo, div, &r);
	if (q2)
		return UINT64_MAX;
	q = (uint64_t)q1 << 32 | q0;
	if (round_up && r) {
		if (q == UINT64_MAX)
			return UINT64_MAX;
		q++;
	}
	return q;
}

/* String instructions on i386: the frontend copies frames and descriptors
   on every exit, a byte loop there was a measurable part of its cost. */
void ipvmm_memcpy(void *dst, const void *src, unsigned n)
{
#if defined(__i386__)
	unsigned words = n / 4, rest = n % 4;

	__asm__ volatile("rep movsl\n\tmovl %3, %%ecx\n\trep movsb"
			 : "+D"(dst), "+S"(src), "+c"(words) : "r"(rest) : "memory");
#else
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
#endif
}

void ipvmm_memset(void *dst, int c, unsigned n)
{
#if defined(__i386__)
	uint32_t v = (uint8_t)c * 0x01010101u, words = n / 4, rest = n % 4;

	__asm__ volatile("rep stosl\n\tmovl %3, %%ecx\n\trep stosb"
			 : "+D"(dst), "+c"(words) : "a"(v), "r"(rest) : "memory");
#else
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
#endif
}
