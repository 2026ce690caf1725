/*
 * The printf-style formatter behind the logger. Freestanding and pure, so
 * the same file is compiled for the host and unit-tested there.
 */
#include <stdint.h>
#include "fmt.h"

enum {
	F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16, F_UPPER = 32,
};

struct out {
	fmt_putc_fn put;
	void *ctx;
	int n;
};

static void emit(struct out *o, char c)
{
	o->put(o->ctx, c);
	o->n++;
}

static void pad(struct out *o, char c, int count)
{
	while (count-- > 0)
		emit(o, c);
}

static void emit_str(struct out *o, const char *s, int prec, int width, int flags)
{
	int len = 0;
	if (!s)
		s = "(null)";
	while (s[len] && (prec < 0 || len < prec))
		len++;
	if (!(flags & F_LEFT))
		pad(o, ' ', width - len);
	for (int i = 0; i < len; i++)
		emit(o, s[i]);
	if (flags & F_LEFT)
		pad(o, ' ', width - len);
}

/* Digits of v in base (8, 10, 16), without sign, reversed into buf. */
static int digits(char *buf, unsigned long long v, unsigned base, int upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;
	do {
		buf[n++] = set[v % base];
		v /= base;
	} while (v);
	return n;
}

static void emit_num(struct out *o, unsigned long long v, int neg, unsigned base,
		     int prec, int width, int flags)
{
	char buf[24];
	int n = (v == 0 && prec == 0) ? 0 : digits(buf, v, base, flags & F_UPPER);
	char sign = neg ? '-' : (flags & F_PLUS) ? '+' : (flags & F_SPACE) ? ' ' : 0;
	const char *prefix = "";
	if ((flags & F_ALT) && base == 16 && v)
		prefix = (flags & F_UPPER) ? "0X" : "0x";
	if ((flags & F_ALT) && base == 8 && (n == 0 || buf[n - 1] != '0') && prec <= n)
		prefix = "0";
	int plen = (sign ? 1 : 0) + (prefix[0] ? (prefix[1] ? 2 : 1) : 0);
	int zeros = prec > n ? prec - n : 0;
	int total = plen + zeros + n;
	if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 && width > total) {
		zeros += width - total;
		total = width;
	}
	if (!(flags & F_LEFT))
		pad(o, ' ', width - total);
	if (sign)
		emit(o, sign);
	for (const char *p = prefix; *p; p++)
		emit(o, *p);
	pad(o, '0', zeros);
	while (n > 0)
		emit(o, buf[--n]);
	if (flags & F_LEFT)
		pad(o, ' ', width - total);
}

int fmt_vformat(fmt_putc_fn put, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { put, ctx, 0 };
	va_list args;
	va_copy(args, ap);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			emit(&o, *p);
			continue;
		}
		const char *start = p++;
		int flags = 0, width = 0, prec = -1, lng = 0;
		for (;; p++) {
			if (*p == '-') flags |= F_LEFT;
			else if (*p == '0') flags |= F_ZERO;
			else if (*p == '+') flags |= F_PLUS;
			else if (*p == ' ') flags |= F_SPACE;
			else if (*p == '#') flags |= F_ALT;
			else break;
		}
		if (*p == '*') {
			width = va_arg(args, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			p++;
		} else {
			for (; *p >= '0' && *p <= '9'; p++)      /* clamped, all digits eaten */
				if (width < 10000)
					width = width * 10 + (*p - '0');
		}
		if (*p == '.') {
			p++;
			prec = 0;
			if (*p == '*') {
				prec = va_arg(args, int);
				p++;
			} else {
				for (; *p >= '0' && *p <= '9'; p++)
					if (prec < 10000)
						prec = prec * 10 + (*p - '0');
			}
		}
		/* lng: -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t */
		if (*p == 'h') {
			lng = -1;
			if (*++p == 'h') { lng = -2; p++; }
		} else if (*p == 'l') {
			lng = 1;
			if (*++p == 'l') { lng = 2; p++; }
		} else if (*p == 'z') {
			lng = 3;
			p++;
		}
		unsigned long long u = 0;
		long long s = 0;
		unsigned base = 10;
		switch (*p) {
		case 'd': case 'i':
			if (lng == 2) s = va_arg(args, long long);
			else if (lng == 1) s = va_arg(args, long);
			else if (lng == 3) s = (long long)va_arg(args, size_t);
			else s = va_arg(args, int);
			if (lng == -1) s = (short)s;
			if (lng == -2) s = (signed char)s;
			u = s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s;
			emit_num(&o, u, s < 0, 10, prec, width, flags);
			break;
		case 'X':
			flags |= F_UPPER;
			/* fall through */
		case 'x':
			base = 16;
			goto unsigned_conv;
		case 'o':
			base = 8;
			/* fall through */
		case 'u':
		unsigned_conv:
			if (lng == 2) u = va_arg(args, unsigned long long);
			else if (lng == 1) u = va_arg(args, unsigned long);
			else if (lng == 3) u = va_arg(args, size_t);
			else u = va_arg(args, unsigned int);
			if (lng == -1) u = (unsigned short)u;
			if (lng == -2) u = (unsigned char)u;
			emit_num(&o, u, 0, base, prec, width, flags & ~(F_PLUS | F_SPACE));
			break;
		case 'p':
			u = (uintptr_t)va_arg(args, void *);
			emit_num(&o, u, 0, 16, (int)sizeof(void *) * 2, width,
				 (flags & F_LEFT) | F_ALT);
			break;
		case 'c': {
			char c = (char)va_arg(args, int);
			if (!(flags & F_LEFT))
				pad(&o, ' ', width - 1);
			emit(&o, c);
			if (flags & F_LEFT)
				pad(&o, ' ', width - 1);
			break;
		}
		case 's':
			emit_str(&o, va_arg(args, const char *), prec, width, flags);
			break;
		case '%':
			emit(&o, '%');
			break;
		default:
			/* Unknown or truncated conversion: print it as written. */
			for (const char *q = start; q <= p && *q; q++)
				emit(&o, *q);
			if (!*p)
				p--;
			break;
		}
	}
	va_end(args);
	return o.n;
}

struct sbuf {
	char *buf;
	size_t size, pos;
};

static void sbuf_put(void *ctx, char c)
{
	struct sbuf *b = ctx;
	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf b = { buf, size, 0 };
	int n = fmt_vformat(sbuf_put, &b, fmt, ap);
	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
