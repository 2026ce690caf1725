/*
 * Freestanding printf-style formatter. Pure logic (no hypervisor state), so
 * the same source is unit-tested on the host.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '+' ' ' '#',
 * field width and precision (numbers or '*'), length modifiers hh h l ll z.
 * Unknown conversions are printed literally, so a bad format cannot crash.
 */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: always NUL-terminates when size > 0, returns the length
 * the full output would have had. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Emit through a callback, one character at a time; returns the count. */
typedef void (*fmt_putc_fn)(void *ctx, char c);
int fmt_vformat(fmt_putc_fn put, void *ctx, const char *fmt, va_list ap);

#endif
