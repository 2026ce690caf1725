/* Shift-and-subtract division: no libgcc helpers, bounded loops. */
#include "util.h"

uint64_t ipvmm_div64(uint64_t a, uint32_t div, uint32_t *rem)
{
	uint64_t q = 0, r = 0;

	for (int bit = 63; bit >= 0; bit--) {
		r = (r << 1) | ((a >> bit) & 1);
		if (r >= div) {
			r -= div;
			q |= (uint64_t)1 << bit;
		}
	}
	if (rem)
		*rem = (uint32_t)r;
	return q;
}

/*
 * The 96-bit product a * mul as three 32-bit limbs, divided limb by limb
 * bitwise; the remainder stays below div < 2^32, so it fits in 64 bits.
 */
uint64_t ipvmm_muldiv64(uint64_t a, uint32_t mul, uint32_t div, int round_up)
{
	uint64_t lo = (a & 0xffffffffu) * mul;
	uint64_t hi = (a >> 32) * mul + (lo >> 32);
	uint32_t limb[3] = { (uint32_t)(hi >> 32), (uint32_t)hi, (uint32_t)lo };
	uint64_t r = 0, q_hi = 0, q = 0;

	for (int i = 0; i < 3; i++) {
		for (int bit = 31; bit >= 0; bit--) {
			r = (r << 1) | ((limb[i] >> bit) & 1);
			q_hi = (q_hi << 1) | (q >> 63);
			q <<= 1;
			if (r >= div) {
				r -= div;
				q |= 1;
			}
		}
	}
	if (round_up && r) {
		if (q == UINT64_MAX)
			q_hi = 1;
		q++;
	}
	return q_hi ? UINT64_MAX : q;
}

void ipvmm_memcpy(void *dst, const void *src, unsigned n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
}

void ipvmm_memset(void *dst, int c, unsigned n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
}
