/*
 * Days from 1970-01-01 to y-m-d (proleptic Gregorian, H. Hinnant's
 * days_from_civil): the hypervisor's reading of the real RTC and the
 * IPVMM's RTC model share it (both sides are freestanding; no division
 * by anything but constants).
 */
#ifndef CIVIL_H
#define CIVIL_H

#include <stdint.h>

static inline uint32_t days_from_civil(uint32_t y, uint32_t m, uint32_t d)
{
	y -= m <= 2;
	uint32_t era = y / 400, yoe = y - era * 400;
	uint32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

#endif
