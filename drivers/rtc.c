/*
 * The CMOS RTC (ports 0x70/0x71), read once: its time seeds each guest's
 * RTC model (the shared page's wallclock_s, kernel/ipvmm_load.c). BCD or
 * binary and 12- or 24-hour mode as register B says.
 */
#include "rtc.h"
#include "civil.h"
#include "x86.h"

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static uint32_t bcd(uint8_t v, int binary)
{
	return binary ? v : (uint32_t)(v >> 4) * 10 + (v & 15);
}

/* 0 when the RTC stays busy or reads nonsense (the guest's RTC then
 * starts at 1970; nothing depends on it). The update poll is bounded. */
uint32_t rtc_read(void)
{
	unsigned spins;
	for (spins = 0; spins < 100000 && (cmos(0x0A) & 0x80); spins++)
		;
	if (spins == 100000)
		return 0;
	uint8_t b = cmos(0x0B);
	int bin = b & 4;
	uint32_t s = bcd(cmos(0x00), bin), mi = bcd(cmos(0x02), bin);
	uint8_t hr = cmos(0x04);
	uint32_t d = bcd(cmos(0x07), bin), mo = bcd(cmos(0x08), bin);
	uint32_t y = bcd(cmos(0x09), bin) + 2000;
	uint32_t h = bcd(hr & 0x7F, bin);
	if (!(b & 2) && (hr & 0x80))   /* 12-hour mode, PM */
		h = (h % 12) + 12;
	if (s > 59 || mi > 59 || h > 23 || d < 1 || d > 31 || mo < 1 || mo > 12)
		return 0;
	return days_from_civil(y, mo, d) * 86400u + h * 3600 + mi * 60 + s;
}
