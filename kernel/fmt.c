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

/* One conversion's flags, field width, precision (-1: none) and length
 * (lng: -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t). */
struct spec {
	int flags, width, prec, lng;
};

/* A decimal field, clamped, all digits eaten. */
static const char *parse_decimal(const char *p, int *v)
{
	for (; *p >= '0' && *p <= '9'; p++)
		if (*v < 10000)
			*v = *v * 10 + (*p - '0');
	return p;
}

/* Flags, width, precision and length after the '%'; returns the
 * conversion character's position. */
static const char *parse_spec(const char *p, struct spec *sp, va_list *args)
{
	*sp = (struct spec){ 0, 0, -1, 0 };
	for (;; p++) {
		if (*p == '-') sp->flags |= F_LEFT;
		else if (*p == '0') sp->flags |= F_ZERO;
		else if (*p == '+') sp->flags |= F_PLUS;
		else if (*p == ' ') sp->flags |= F_SPACE;
		else if (*p == '#') sp->flags |= F_ALT;
		else break;
	}
	if (*p == '*') {
		sp->width = va_arg(*args, int);
		if (sp->width < 0) {
			sp->flags |= F_LEFT;
			sp->width = -sp->width;
		}
		p++;
	} else {
		p = parse_decimal(p, &sp->width);
	}
	if (*p == '.') {
		p++;
		sp->prec = 0;
		if (*p == '*') {
			sp->prec = va_arg(*args, int);
			p++;
		} else {
			p = parse_decimal(p, &sp->prec);
		}
	}
	if (*p == 'h') {
		sp->lng = -1;
		if (*++p == 'h') { sp->lng = -2; p++; }
	} else if (*p == 'l') {
		sp->lng = 1;
		if (*++p == 'l') { sp->lng = 2; p++; }
	} else if (*p == 'z') {
		sp->lng = 3;
		p++;
	}
	return p;
}

static long long arg_signed(int lng, va_list *args)
{
	long long s;

	if (lng == 2) s = va_arg(*args, long long);
	else if (lng == 1) s = va_arg(*args, long);
	else if (lng == 3) s = (long long)va_arg(*args, size_t);
	else s = va_arg(*args, int);
	if (lng == -1) s = (short)s;
	if (lng == -2) s = (signed char)s;
	return s;
}

static unsigned long long arg_unsigned(int lng, va_list *args)
{
	unsigned long long u;

	if (lng == 2) u = va_arg(*args, unsigned long long);
	else if (lng == 1) u = va_arg(*args, unsigned long);
	else if (lng == 3) u = va_arg(*args, size_t);
	else u = va_arg(*args, unsigned int);
	if (lng == -1) u = (unsigned short)u;
	if (lng == -2) u = (unsigned char)u;
	return u;
}

static void emit_char(struct out *o, char c, int width, int flags)
{
	if (!(flags & F_LEFT))
		pad(o, ' ', width - 1);
	emit(o, c);
	if (flags & F_LEFT)
		pad(o, ' ', width - 1);
}

/* One conversion; 0 if conv is none (the caller prints it as written). */
static int convert(struct out *o, char conv, const struct spec *sp, va_list *args)
{
	int flags = sp->flags;
	unsigned base = 10;
	long long s;

	switch (conv) {
	case 'd': case 'i':
		s = arg_signed(sp->lng, args);
		emit_num(o, s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s,
			 s < 0, 10, sp->prec, sp->width, flags);
		return 1;
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
		emit_num(o, arg_unsigned(sp->lng, args), 0, base, sp->prec, sp->width,
			 flags & ~(F_PLUS | F_SPACE));
		return 1;
	case 'p':
		emit_num(o, (uintptr_t)va_arg(*args, void *), 0, 16, (int)sizeof(void *) * 2,
			 sp->width, (flags & F_LEFT) | F_ALT);
		return 1;
	case 'c':
		emit_char(o, (char)va_arg(*args, int), sp->width, flags);
		return 1;
	case 's':
		emit_str(o, va_arg(*args, const char *), sp->prec, sp->width, flags);
		return 1;
	case '%':
		emit(o, '%');
		return 1;
	default:
		return 0;
	}
}

int fmt_vformat(fmt_putc_fn put, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { put, ctx, 0 };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			emit(&o, *p);
			continue;
		}
		const char *start = p;
		p = parse_spec(p + 1, &sp, &args);
		if (convert(&o, *p, &sp, &args))
			continue;
		/* Unknown or truncated conversion: print it as written. */
		for (const char *q = start; q <= p && *q; q++)
			emit(&o, *q);
		if (!*p)
			p--;
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
