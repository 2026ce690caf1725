/* The CMOS real-time clock, read once at boot for the guests' wall clock. */
#ifndef RTC_H
#define RTC_H

#include <stdint.h>

/* drivers/rtc.c: Unix time, or 0 when the RTC stays busy or reads nonsense. */
uint32_t rtc_read(void);

#endif
