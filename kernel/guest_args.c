/*
 * A guest module's arguments (after the loader's file name, if any):
 * "name=NAME", "mem=SIZE" and "console=serial|input|none" are the
 * hypervisor's; every other word is
 * passed on to the guest as its own command line, in order. Pure logic,
 * unit-tested on the host.
 */
#include "guest.h"
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

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

int guest_args_parse(const char *s, struct guest_args *o, const char **why)
{
	unsigned rl = 0;
	o->name[0] = '\0';
	o->mem = 0;
	o->console = CONSOLE_SERIAL;
	o->rest[0] = '\0';
	const char *w;
	unsigned len;
	while ((w = cmdline_next_word(&s, &len))) {
		if (has_prefix(w, len, "name=", 5)) {
			if (len - 5 == 0 || len - 5 >= GUEST_NAME_MAX)
				return *why = "name= empty or too long", -1;
			for (unsigned i = 5; i < len; i++)
				if (!name_char_ok(w[i]))
					return *why = "name= may hold only [A-Za-z0-9._-]", -1;
			for (unsigned i = 5; i < len; i++)
				o->name[i - 5] = w[i];
			o->name[len - 5] = '\0';
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
		} else {
			if (rl + (rl ? 1 : 0) + len >= sizeof(o->rest))
				return *why = "guest command line too long", -1;
			if (rl)
				o->rest[rl++] = ' ';
			for (unsigned i = 0; i < len; i++)
				o->rest[rl++] = w[i];
			o->rest[rl] = '\0';
		}
	}
	return 0;
}
