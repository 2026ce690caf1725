/* TAP-style case lines: "ok N - area: what" or "not ok N - ... # reason". */
#include <stdarg.h>
#include "testos.h"

static unsigned n_cases, n_failed;

void tap_check(bool ok, const char *area, const char *what, const char *fmt, ...)
{
	n_cases++;
	if (ok) {
		printf_("ok %u - %s: %s\n", n_cases, area, what);
		return;
	}
	n_failed++;
	printf_("not ok %u - %s: %s # ", n_cases, area, what);
	va_list ap;
	va_start(ap, fmt);
	/* the reason is a format: print it through printf_'s own formatter */
	char buf[160];
	unsigned n = 0;
	for (const char *f = fmt; *f && n < sizeof(buf) - 12; f++) {
		if (*f != '%' || f[1] == 0) {
			buf[n++] = *f;
			continue;
		}
		f++;
		uint32_t v;
		const char *s;
		switch (*f) {
		case 's':
			for (s = va_arg(ap, const char *); *s && n < sizeof(buf) - 12; s++)
				buf[n++] = *s;
			break;
		case 'x': case 'u': case 'd':
			v = va_arg(ap, uint32_t);
			if (*f == 'x') {
				buf[n++] = '0';
				buf[n++] = 'x';
				for (int sh = 28; sh >= 0; sh -= 4)
					buf[n++] = "0123456789abcdef"[(v >> sh) & 0xf];
			} else {
				char t[10];
				int k = 0;
				do { t[k++] = (char)('0' + v % 10); v /= 10; } while (v);
				while (k)
					buf[n++] = t[--k];
			}
			break;
		default:
			buf[n++] = *f;
		}
	}
	buf[n] = 0;
	va_end(ap);
	printf_("%s\n", buf);
}

unsigned tap_failed(void) { return n_failed; }

void tap_summary(void)
{
	printf_("%u passed, %u failed\n", n_cases - n_failed, n_failed);
}
