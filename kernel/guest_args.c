/*
 * A guest module's arguments (after the loader's file name, if any):
 * "name=NAME", "mem=SIZE", "console=serial|input|none" and
 * "initrd-for=NAME" (the module is that guest's initramfs) are the
 * hypervisor's; every other word is passed on to the guest as its own
 * command line, in order, and everything after a lone "--" verbatim (so a
 * Linux guest's own console=ttyS0 is never taken for the hypervisor's). Pure logic,
 * unit-tested on the host.
 */
#include "guest_args.h"
#include "console_mux.h"
#include "hv.h"

static int has_prefix(const char *w, unsigned len, const char *p, unsigned plen)
{
	if (len < plen)
		return 0;
	for (unsigned i = 0; i < plen; i++)
		if (w[i] != p[i])
			return 0;
	return 1;
}

/* "32M", "4096K", "1G", "8388608": bytes, or -1 on anything else or
 * a value that does not fit 32 bits. */
static int parse_size(const char *v, unsigned len, uint32_t *out)
{
	uint64_t n = 0, mul = 1;
	unsigned i = 0;
	if (len == 0)
		return -1;
	switch (v[len - 1]) {
	case 'K': case 'k': mul = 1024; len--; break;
	case 'M': case 'm': mul = 1024 * 1024; len--; break;
	case 'G': case 'g': mul = 1024 * 1024 * 1024; len--; break;
	}
	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	n *= mul;
	if (n == 0 || n > 0xffffffffull)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

static unsigned cmdline_len(const char *s)
{
	unsigned n = 0;
	while (s[n])
		n++;
	return n;
}

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* Append len bytes of w to o->rest, a space first if it is not empty. */
static int rest_add(struct guest_args *o, unsigned *rl, const char *w, unsigned len)
{
	if (*rl + (*rl ? 1 : 0) + len >= sizeof(o->rest))
		return -1;
	if (*rl)
		o->rest[(*rl)++] = ' ';
	for (unsigned i = 0; i < len; i++)
		o->rest[(*rl)++] = w[i];
	o->rest[*rl] = '\0';
	return 0;
}

/* A name= or initrd-for= value: 1..GUEST_NAME_MAX-1 of [A-Za-z0-9._-]. */
static int name_parse(const char *v, unsigned len, char *out)
{
	if (len == 0 || len >= GUEST_NAME_MAX)
		return -1;
	for (unsigned i = 0; i < len; i++)
		if (!name_char_ok(v[i]))
			return -1;
	for (unsigned i = 0; i < len; i++)
		out[i] = v[i];
	out[len] = '\0';
	return 0;
}

/* After a lone "--" the rest is the guest's own, verbatim. */
static int is_separator(const char *w, unsigned len)
{
	return len == 2 && w[0] == '-' && w[1] == '-';
}

int guest_args_parse(const char *s, struct guest_args *o, const char **why)
{
	unsigned rl = 0;
	o->initrd_for[0] = '\0';
	o->name[0] = '\0';
	o->mem = 0;
	o->console = CONSOLE_SERIAL;
	o->rest[0] = '\0';
	const char *w;
	unsigned len;
	while ((w = cmdline_next_word(&s, &len))) {
		if (is_separator(w, len)) {
			while (*s == ' ')
				s++;
			if (*s && rest_add(o, &rl, s, cmdline_len(s)) < 0)
				return *why = "guest command line too long", -1;
			break;
		} else if (has_prefix(w, len, "name=", 5)) {
			if (name_parse(w + 5, len - 5, o->name) < 0)
				return *why = "name= must be 1-31 of [A-Za-z0-9._-]", -1;
		} else if (has_prefix(w, len, "initrd-for=", 11)) {
			if (name_parse(w + 11, len - 11, o->initrd_for) < 0)
				return *why = "initrd-for= must name a guest (1-31 of [A-Za-z0-9._-])", -1;
		} else if (has_prefix(w, len, "console=", 8)) {
			static const struct { const char *v; unsigned n; enum guest_console c; } cons[] = {
				{ "serial", 6, CONSOLE_SERIAL }, { "input", 5, CONSOLE_INPUT },
				{ "none", 4, CONSOLE_NONE },
			};
			unsigned k = 0;
			while (k < 3 && !(len - 8 == cons[k].n && has_prefix(w + 8, len - 8, cons[k].v, cons[k].n)))
				k++;
			if (k == 3)
				return *why = "console= must be serial, input or none", -1;
			o->console = cons[k].c;
		} else if (has_prefix(w, len, "mem=", 4)) {
			if (parse_size(w + 4, len - 4, &o->mem) < 0)
				return *why = "mem= is not a size (e.g. 32M)", -1;
		} else if (rest_add(o, &rl, w, len) < 0) {
			return *why = "guest command line too long", -1;
		}
	}
	return 0;
}
