/* Byte copies for the hypervisor's guest-memory paths: string instructions
 * (a byte loop was a visible part of every upcall's cost). */
#ifndef COPY_H
#define COPY_H

#include <stdint.h>

static inline void copy_bytes(void *dst, const void *src, uint32_t n)
{
	uint32_t words = n / 4, rest = n % 4;
	__asm__ volatile("rep movsl\n\tmovl %3, %%ecx\n\trep movsb"
			 : "+D"(dst), "+S"(src), "+c"(words) : "r"(rest) : "memory");
}

static inline void zero_bytes(void *dst, uint32_t n)
{
	uint32_t words = n / 4, rest = n % 4;
	__asm__ volatile("rep stosl\n\tmovl %2, %%ecx\n\trep stosb"
			 : "+D"(dst), "+c"(words) : "r"(rest), "a"(0) : "memory");
}

#endif
