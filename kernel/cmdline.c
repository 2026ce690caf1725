/*
 * The hypervisor's own command line (its image path already dropped by the
 * Multiboot parser): "shutdown" runs the boot self-test and ends the
 * machine; "loglevel=N" (1..4) sets the log level; "crash" faults on
 * purpose after the self-test to show (and test) a panic; "rewrite=trap" /
 * "rewrite=previrt" choose how the IPVMM rewrites afterburn sites; "gdb=NAME" names the
 * guest the GDB stub on COM2 serves, "gdbwait" holds it for GDB at its first stop
 * point (kernel/gdbstub.c). Anything else is counted
 * and reported, never silently ignored.
 */
#include "hv.h"

/* The next blank-separated word of *s (advancing *s past it), or NULL at
 * the end. Shared by every command-line parser (guest_args.c too). */
const char *cmdline_next_word(const char **s, unsigned *len)
{
	const char *p = *s, *w;
	while (*p == ' ' || *p == '\t')
		p++;
	w = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	*s = p;
	*len = (unsigned)(p - w);
	return *len ? w : 0;
}

static int word_is(const char *w, unsigned len, const char *lit)
{
	unsigned i;
	for (i = 0; i < len && lit[i]; i++)
		if (w[i] != lit[i])
			return 0;
	return i == len && !lit[i];
}

/* "N" with 1 <= N <= 4, exactly one digit. */
static int parse_level(const char *v, unsigned len)
{
	if (len != 1 || v[0] < '1' || v[0] > '4')
		return -1;
	return v[0] - '0';
}

void cmdline_parse(const char *s, struct hv_options *o)
{
	o->shutdown = 0;
	o->loglevel = -1;
	o->crash = 0;
	o->rewrite_trap = 0;
	o->gdb[0] = 0;
	o->gdbwait = 0;
	o->unknown = 0;
	const char *w;
	unsigned len;
	while ((w = cmdline_next_word(&s, &len))) {
		if (word_is(w, len, "shutdown")) {
			o->shutdown = 1;
		} else if (word_is(w, len, "crash")) {
			o->crash = 1;
		} else if (word_is(w, len, "rewrite=trap") || word_is(w, len, "rewrite=previrt")) {
			o->rewrite_trap = len == 12;
		} else if (word_is(w, len, "gdbwait")) {
			o->gdbwait = 1;
		} else if (len > 4 && len - 4 < sizeof(o->gdb) && word_is(w, 4, "gdb=")) {
			for (unsigned i = 4; i < len; i++)
				o->gdb[i - 4] = w[i];
			o->gdb[len - 4] = 0;
		} else if (len > 9 && word_is(w, 9, "loglevel=")) {
			int l = parse_level(w + 9, len - 9);
			if (l < 0)
				o->unknown++;
			else
				o->loglevel = l;
		} else {
			o->unknown++;
		}
	}
}

/* Is `word` one of the space-separated words of s? (a guest's command
 * line: `ipvmm=self`) */
int cmdline_has_word(const char *s, const char *word)
{
	const char *w;
	unsigned len;
	while ((w = cmdline_next_word(&s, &len)))
		if (word_is(w, len, word))
			return 1;
	return 0;
}
