/*
 * Statement parser and site writer. The lexer splits the input into tokens
 * that cover every byte; this file groups them into statements (split at
 * newlines, ';' and multi-line C comments), finds each sensitive
 * instruction and streams the input to the output unchanged except for the
 * text inserted around those instructions. Everything stays on the
 * instruction's own line, so the assembler's line numbers (and DWARF line
 * info of .S files) are those of the original source.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "classify.h"
#include "run.h"

static void ab_vreport(struct run *r, unsigned phys, const char *fmt, va_list ap)
{
	struct ab_ctx *c = r->c;
	c->errors++;
	if (r->marked && phys >= r->mphys && r->mfile[0])
		fprintf(c->err, "%s:%u: error: ", r->mfile, r->mline + (phys - r->mphys));
	else
		fprintf(c->err, "%s:%u: error: ", r->name, phys);
	vfprintf(c->err, fmt, ap);
	if (r->marked && phys >= r->mphys && r->mfile[0])
		fprintf(c->err, " (afterburn input %s:%u)", r->name, phys);
	fputc('\n', c->err);
}

void ab_report(struct run *r, unsigned phys, const char *fmt, ...)
{
	va_list ap;
	if (r->c->depth > 0 || r->c->quiet) {	/* a probe or the first pass */
		r->c->errors++;
		return;
	}
	va_start(ap, fmt);
	ab_vreport(r, phys, fmt, ap);
	va_end(ap);
}

void ab_lower_copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
	dst[n] = 0;
}

/* --- output -------------------------------------------------------------- */

static void copy_to(struct run *r, size_t off)
{
	if (r->out && off > r->copied)
		fwrite(r->buf + r->copied, 1, off - r->copied, r->out);
	if (off > r->copied)
		r->copied = off;
}

void ab_insert(struct run *r, size_t off, const char *s)
{
	copy_to(r, off);
	if (r->out)
		fputs(s, r->out);
}

void ab_replace(struct run *r, size_t off, size_t len, const char *s, size_t slen)
{
	copy_to(r, off);
	if (r->out)
		fwrite(s, 1, slen, r->out);	/* S may hold NUL bytes */
	r->copied = off + len;
}

/* Wrap the instruction occupying [start, end) of the input: start label,
 * the untouched instruction, nops, end label, record. An interrupt-shadow
 * form (BEFORE) gets its nops between the start label and the instruction,
 * so the instruction stays adjacent to the one it shields. */
#define AB_PAD_MAX 63		/* the widest padding the buffers below hold */
#define AB_PAD_FITS(id, match, pad, shortest, rewrite, mnem) \
	_Static_assert((pad) <= AB_PAD_MAX, "afterburn class " #id ": padding wider than wrap() holds");
AFTERBURN_CLASSES(AB_PAD_FITS)
#undef AB_PAD_FITS

static void wrap(struct run *r, size_t start, size_t end, int cls, bool before)
{
	struct ab_ctx *c = r->c;
	char s[32], e[32], sref[32], eref[32];
	char nops[AB_PAD_MAX * 5 + 1], head[sizeof(nops) + 40], tail[sizeof(nops) + 300];
	c->sites++;
	c->per_class[cls]++;
	if (before)
		c->shadow_sites++;
	if (c->code16)
		c->sites16++;
	if (c->check_only)
		return;
	if (c->nframes > 0) {
		strcpy(s, BODY_START);
		strcpy(e, BODY_END);
		strcpy(sref, BODY_START "b");
		strcpy(eref, BODY_END "b");
	} else {
		snprintf(s, sizeof(s), LABEL_PREFIX "%u", c->next_label);
		snprintf(e, sizeof(e), LABEL_PREFIX "%u", c->next_label + 1);
		strcpy(sref, s);
		strcpy(eref, e);
		c->next_label += 2;
	}
	size_t n = 0;
	nops[0] = 0;
	for (int i = 0; i < ab_classes[cls].pad; i++)
		n += (size_t)snprintf(nops + n, sizeof(nops) - n, before ? "nop; " : "; nop");
	snprintf(head, sizeof(head), "%s: %s", s, before ? nops : "");
	ab_insert(r, start, head);
	snprintf(tail, sizeof(tail),
		 "%s; %s: %s; .balign 4; .long %s; .long %s; .popsection",
		 before ? "" : nops, e, ab_record_push(c), sref, eref);
	ab_insert(r, end, tail);
}

const char *ab_record_push(const struct ab_ctx *c)
{
	if (!c->modes)
		return ".pushsection " AFTERBURN_SECTION;
	return ".if " BITS_SYMBOL " == 16; .pushsection " AFTERBURN_SECTION16 "; .else; "
	       ".pushsection " AFTERBURN_SECTION "; .endif";
}

/* --- code size ------------------------------------------------------------- */

/* Ends the 16-bit range being assembled (if the assembler is in 16-bit
 * mode and a range was opened) with a record in AFTERBURN_CODE16. A range
 * opens at the first statement after .code16 or a section switch that is
 * not a directive, so a section holding no code (.note.GNU-stack, which
 * linker scripts discard) gets no record referring to it. */
#define RANGE_CLOSE ".if " BITS_SYMBOL " == 16; .if " OPEN_SYMBOL "; .set " R1_SYMBOL \
	", .; .pushsection " AFTERBURN_CODE16 "; .balign 4; .long " R0_SYMBOL ", " R1_SYMBOL \
	"; .popsection; .endif; .endif; .set " OPEN_SYMBOL ", 0"
#define RANGE_OPEN ".set " R0_SYMBOL ", .; .set " OPEN_SYMBOL ", 1"

void ab_range_open(struct run *r, size_t start)
{
	struct ab_ctx *c = r->c;
	if (!c->open_pending || c->check_only)
		return;
	c->open_pending = false;
	ab_insert(r, start, RANGE_OPEN "; ");
}

static bool is_section_switch(const char *name)
{
	static const char *const sw[] = {
		".section", ".text", ".data", ".bss", ".pushsection", ".popsection",
		".previous", ".subsection", NULL,
	};
	for (int i = 0; sw[i]; i++)
		if (!strcmp(name, sw[i]))
			return true;
	return false;
}

/* .code16, .code16gcc, .code32 and section switches in a unit that uses
 * .code16: keep BITS_SYMBOL and the 16-bit ranges right. The text goes on
 * the directive's own line, so line numbers stay. */
static void code_size(struct run *r, size_t k, const char *name)
{
	struct ab_ctx *c = r->c;
	size_t start = tok(r, k)->off;
	size_t end = tok(r, r->nsig - 1)->off + tok(r, r->nsig - 1)->len;
	bool to16 = !strcmp(name, ".code16") || !strcmp(name, ".code16gcc");
	bool to32 = !strcmp(name, ".code32") || !strcmp(name, ".code64");
	if (!to16 && !to32 && !is_section_switch(name))
		return;
	if (to16 || to32)
		c->code16 = to16;
	if (!c->modes || c->check_only)
		return;
	ab_insert(r, start, RANGE_CLOSE "; ");
	if (to16)
		ab_insert(r, end, "; .set " BITS_SYMBOL ", 16");
	else if (to32)
		ab_insert(r, end, "; .set " BITS_SYMBOL ", 32");
	/* Inside a body the statements after it are not in assembly order:
	   open at once (an empty range there is harmless unless its section
	   is discarded). */
	if (to32)
		c->open_pending = false;
	else if (c->nframes > 0)
		ab_insert(r, end, "; " RANGE_OPEN);
	else
		c->open_pending = true;
}

/* --- line markers ---------------------------------------------------------- */

/* "# 12 "file.S" 1" at column 0 sets the logical location of the next line;
 * "#NO_APP" returns to the input's own lines. */
static void line_marker(struct run *r, const struct ab_token *t)
{
	const char *p = text(r, t), *end = p + t->len;
	if (t->off != 0 && r->buf[t->off - 1] != '\n')
		return;
	if (t->len >= 7 && memcmp(p, "#NO_APP", 7) == 0) {
		r->marked = false;
		return;
	}
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return;
	unsigned long n = 0;	/* the buffer need not end in a NUL */
	while (p < end && *p >= '0' && *p <= '9' && n < 100000000)
		n = n * 10 + (unsigned long)(*p++ - '0');
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '"')
		return;
	const char *q = ++p;
	while (q < end && *q != '"')
		q++;
	size_t fl = (size_t)(q - p);
	if (fl >= sizeof(r->mfile))
		fl = sizeof(r->mfile) - 1;
	memcpy(r->mfile, p, fl);
	r->mfile[fl] = 0;
	r->mline = (unsigned)n;
	r->mphys = t->line + 1;
	r->marked = true;
}

/* --- directives ------------------------------------------------------------ */

/* The token after k, or NULL at the statement's end. */
static const struct ab_token *next_tok(const struct run *r, size_t k)
{
	return k + 1 < r->nsig ? tok(r, k + 1) : NULL;
}

/* .irp/.irpc SYMBOL, LIST: the list's text (after the first comma). */
static void irp_frame(struct run *r, size_t k, unsigned line)
{
	size_t a = 0, b = 0;
	for (size_t j = k + 1; j < r->nsig; j++)
		if (tok(r, j)->type == T_COMMA) {
			a = tok(r, j)->off + 1;
			b = tok(r, r->nsig - 1)->off + tok(r, r->nsig - 1)->len;
			break;
		}
	ab_push_frame(r, F_IRP, "", 0, line, r->buf + a, b - a);
}

/* The directives that open and close macro and repeat bodies; false if
 * name is none of them. */
static bool block_directive(struct run *r, size_t k, const char *name, unsigned line)
{
	struct ab_ctx *c = r->c;
	const struct ab_token *arg = next_tok(r, k);
	struct ab_frame *f;

	if (!strcmp(name, ".macro")) {
		if (!arg || arg->type != T_WORD)
			ab_report(r, line, "'.macro' without a name");
		else
			ab_push_frame(r, F_MACRO, text(r, arg), arg->len, line, NULL, 0);
	} else if (!strcmp(name, ".endm")) {
		f = ab_top(c);
		if (!f || f->kind != F_MACRO) {
			ab_report(r, line, "'.endm' without '.macro'");
		} else {
			ab_define_macro(r, f);
			ab_pop_frame(c);
		}
	} else if (!strcmp(name, ".rept") || !strcmp(name, ".rep")) {
		ab_push_frame(r, F_REPT, "", 0, line, NULL, 0);
	} else if (!strcmp(name, ".irp") || !strcmp(name, ".irpc")) {
		irp_frame(r, k, line);
	} else if (!strcmp(name, ".endr")) {
		f = ab_top(c);
		if (!f || f->kind == F_MACRO) {
			ab_report(r, line, "'.endr' without '.rept', '.irp' or '.irpc'");
		} else {
			ab_end_repeat(r, f, line);
			ab_pop_frame(c);
		}
	} else {
		return false;
	}
	return true;
}

/* .set/.equ of the afterburn switch: exactly "OFF_SYMBOL, 0" or ", 1";
 * any other symbol is not ours. */
static void set_directive(struct run *r, size_t k, unsigned line)
{
	struct ab_ctx *c = r->c;
	const struct ab_token *arg = next_tok(r, k);

	if (!arg || !tok_is(r, arg, OFF_SYMBOL))
		return;
	const struct ab_token *v = k + 3 < r->nsig ? tok(r, k + 3) : NULL;
	if (r->nsig != k + 4 || tok(r, k + 2)->type != T_COMMA ||
	    !(tok_is(r, v, "0") || tok_is(r, v, "1"))) {
		ab_report(r, line, "malformed afterburn directive: use '.set "
		       OFF_SYMBOL ", 0' (off) or '.set " OFF_SYMBOL ", 1' (on)");
		return;
	}
	if (tok_is(r, v, "0")) {
		if (c->off) {
			ab_report(r, line, "afterburn already switched off at %s",
			       c->off_where);
			return;
		}
		c->off = true;
		snprintf(c->off_where, sizeof(c->off_where), "%s:%u", r->name, line);
	} else {
		c->off = false;
	}
}

/* Directives that would hide instructions from the scan. */
static void refused_directive(struct run *r, const char *name, unsigned line)
{
	if (!strcmp(name, ".include")) {
		ab_report(r, line, "'.include' hides the included file from afterburn: "
		       "use the C preprocessor's #include, or afterburn the file "
		       "and assemble it as part of this input");
	} else if (!strcmp(name, ".intel_syntax")) {
		ab_report(r, line, "'.intel_syntax' is not supported: afterburn reads "
		       "AT&T syntax only");
	} else if (!strcmp(name, ".insn")) {
		ab_report(r, line, "'.insn' encodes an instruction afterburn cannot "
		       "classify: write the mnemonic");
	}
}

static void directive(struct run *r, size_t k)
{
	const struct ab_token *d = tok(r, k);
	const struct ab_token *arg = next_tok(r, k);
	char name[32];
	unsigned line = d->line;
	ab_lower_copy(name, sizeof(name), text(r, d), d->len);

	if (block_directive(r, k, name, line))
		return;
	if (!strcmp(name, ".purgem")) {
		struct ab_macro *m = arg ? ab_find_macro(r->c, text(r, arg), arg->len) : NULL;
		if (m)
			m->purged = true;
	} else if (!strcmp(name, ".set") || !strcmp(name, ".equ")) {
		set_directive(r, k, line);
	} else if (!strncmp(name, ".code", 5) || is_section_switch(name)) {
		code_size(r, k, name);
	} else {
		refused_directive(r, name, line);
	}
}

/* --- statements ------------------------------------------------------------ */

static bool is_other(const struct run *r, size_t k, char ch)
{
	return k < r->nsig && tok(r, k)->type == T_OTHER && text(r, tok(r, k))[0] == ch;
}

/* A statement that does not start with a word: GNU as would normally
 * reject it, but if a listed mnemonic appears in it we cannot be sure. */
static void unparsed(struct run *r, size_t k)
{
	for (size_t j = k; j < r->nsig; j++) {
		const struct ab_token *t = tok(r, j);
		bool any;
		if (t->type == T_WORD && ab_is_listed(text(r, t), t->len, &any)) {
			ab_report(r, t->line, "cannot parse statement starting with '%.*s' "
			       "around '%.*s'", (int)(tok(r, k)->len > 20 ? 20 : tok(r, k)->len),
			       text(r, tok(r, k)), (int)t->len, text(r, t));
			return;
		}
	}
}

/* Leading labels ("name:", also a quoted name); true if there was one.
 * A label carrying our own prefix means the input is already burned. */
static bool skip_labels(struct run *r, size_t *k)
{
	bool label = false;

	while (*k + 1 < r->nsig &&
	       (tok(r, *k)->type == T_WORD || tok(r, *k)->type == T_STRING) &&
	       tok(r, *k + 1)->type == T_COLON) {
		const struct ab_token *l = tok(r, *k);
		if (l->len > strlen(LABEL_PREFIX) &&
		    memcmp(text(r, l), LABEL_PREFIX, strlen(LABEL_PREFIX)) == 0) {
			ab_report(r, l->line, "input already afterburned (label %.*s)",
			       (int)l->len, text(r, l));
		}
		label = true;
		*k += 2;
	}
	return label;
}

/* Prefixes: rep, lock, cs, data16, {disp32}, "rep/" ...; the offset of
 * the first, or NO_PENDING. A prefix word followed by '=' or ':' is a
 * symbol or label, not a prefix. */
static size_t skip_prefixes(struct run *r, size_t *k)
{
	size_t prefix = NO_PENDING;

	while (*k < r->nsig) {
		const struct ab_token *p = tok(r, *k);
		bool pre = p->type == T_PSEUDO ||
			   (p->type == T_WORD && ab_is_prefix(text(r, p), p->len) &&
			    !is_other(r, *k + 1, '=') &&
			    !(*k + 1 < r->nsig && tok(r, *k + 1)->type == T_COLON));
		if (!pre)
			break;
		if (prefix == NO_PENDING)
			prefix = p->off;
		(*k)++;
		if (is_other(r, *k, '/'))
			(*k)++;
	}
	return prefix;
}

/* The mnemonic at k, its site starting at start (its first prefix): an
 * instruction whose mnemonic or operands are a body's parameters, a
 * macro's invocation, or a sensitive instruction to pad. cut: a label
 * stands between the prefix (line cut_line) and the instruction. */
static void instruction(struct run *r, size_t k, size_t start, bool cut, unsigned cut_line)
{
	struct ab_ctx *c = r->c;
	const struct ab_token *m = tok(r, k);
	const char *mn = text(r, m);
	size_t a = k + 1 < r->nsig ? tok(r, k + 1)->off : m->off + m->len;
	size_t end = tok(r, r->nsig - 1)->off + tok(r, r->nsig - 1)->len;

	if (c->modes)
		ab_range_open(r, start);
	if (memchr(mn, '\\', m->len)) {
		if (ab_top(c)) {
			ab_top(c)->insn_taint = true;
			if (!c->off)
				ab_wrap_param_insn(r, start, end, mn, m->len);
		}
		return;
	}
	struct ab_macro *mac = ab_find_macro(c, mn, m->len);
	if (mac && !mac->purged) {
		ab_invoke(r, mac, k);
		return;
	}
	struct ab_opinfo oi;
	ab_opinfo_from_text(r->buf + a, end - a, &oi);
	int cls = ab_classify(mn, m->len, &oi);
	if (cls >= 0) {
		if (cut && !c->off)
			ab_report(r, m->line, "label between prefix (line %u) and sensitive "
			       "instruction: the site would start inside it", cut_line);
		else if (!c->off)
			wrap(r, start, end, cls, ab_pad_before(cls, &oi));
		return;
	}
	bool any;
	if (ab_top(c) && memchr(r->buf + a, '\\', end - a) && ab_is_listed(mn, m->len, &any)) {
		ab_top(c)->op_taint = true;
		if (!c->off)
			ab_wrap_param_ops(r, start, end, mn, m->len, k + 1);
	}
}

/* One statement: labels, prefixes (a prefix alone on its line is kept
 * pending for the next statement), then a directive or an instruction. */
static void statement(struct run *r)
{
	size_t k = 0;
	bool label = skip_labels(r, &k);

	if (k == r->nsig) {
		if (label && r->pending != NO_PENDING)
			r->pending_cut = true;
		return;
	}
	bool cut = r->pending_cut || (label && r->pending != NO_PENDING);
	unsigned cut_line = r->pending_line;
	r->pending_cut = false;
	if (label)
		r->pending = NO_PENDING;
	size_t prefix = skip_prefixes(r, &k);
	if (k == r->nsig) {	/* prefix on a line of its own */
		if (r->pending == NO_PENDING) {
			r->pending = prefix;
			r->pending_line = tok(r, 0)->line;
		}
		return;
	}
	size_t pending = r->pending;
	r->pending = NO_PENDING;
	const struct ab_token *m = tok(r, k);
	if (m->type != T_WORD) {
		unparsed(r, k);
		return;
	}
	if (is_other(r, k + 1, '='))
		return;
	if (text(r, m)[0] == '.') {
		if (prefix == NO_PENDING)
			directive(r, k);
		return;
	}
	instruction(r, k, pending != NO_PENDING ? pending : prefix != NO_PENDING ? prefix : m->off,
		    cut, cut_line);
}

/* Run over all statements of the buffer. */
static void parse(struct run *r)
{
	size_t n = r->t.n;
	size_t i = 0;
	r->sig = malloc((n + 1) * sizeof(*r->sig));
	if (!r->sig && n) {
		ab_report(r, 1, "out of memory");
		return;
	}
	while (i < n) {
		r->nsig = 0;
		for (; i < n; i++) {
			const struct ab_token *t = &r->t.v[i];
			if (t->type == T_NL || t->type == T_SEMI || t->type == T_BCOMMENT_NL)
				break;
			if (t->type == T_COMMENT)
				line_marker(r, t);
			else if (t->type == T_ERR_STRING)
				ab_report(r, t->line, "unterminated string");
			else if (t->type == T_ERR_COMMENT)
				ab_report(r, t->line, "unterminated comment");
			else if (t->type != T_WS && t->type != T_BCOMMENT)
				r->sig[r->nsig++] = i;
		}
		if (r->nsig)
			statement(r);
		i++;
	}
	free(r->sig);
	r->sig = NULL;
}

unsigned ab_burn(struct ab_ctx *c, const char *name, const char *buf,
		 size_t len, FILE *out)
{
	struct run r = { .c = c, .name = name, .buf = buf, .len = len,
			 .out = c->check_only ? NULL : out, .pending = NO_PENDING };
	unsigned before = c->errors;
	if (ab_lex(buf, len, &r.t) < 0) {
		ab_report(&r, 1, "out of memory");
		return c->errors - before;
	}
	parse(&r);
	copy_to(&r, len);
	ab_tokens_free(&r.t);
	return c->errors - before;
}

/* Count the sensitive instructions in S without writing anything. */
unsigned ab_probe(struct ab_ctx *c, const char *s, size_t n)
{
	struct ab_ctx p;
	if (c->depth > 4)
		return 1;	/* deeper than any real use: assume the worst */
	ab_ctx_init(&p, c->err);
	p.check_only = true;
	p.depth = c->depth + 1;
	ab_burn(&p, "(macro argument)", s, n, NULL);
	unsigned sites = p.sites;
	ab_ctx_fini(&p);
	return sites;
}

unsigned ab_finish(struct ab_ctx *c, const char *name)
{
	unsigned errs = 0;
	while (c->nframes > 0) {
		struct ab_frame *f = ab_top(c);
		if (c->depth == 0 && !c->quiet)
			fprintf(c->err, "%s:%u: error: '%s' body not closed at end of input\n",
				name, f->line,
				f->kind == F_MACRO ? ".macro" : f->kind == F_REPT ? ".rept" : ".irp");
		errs++;
		ab_pop_frame(c);
	}
	c->errors += errs;
	return errs;
}

/* Does BUF contain ".WORD" (WORD lower case, 7 bytes at most) in any case? */
static bool has_directive(const char *buf, size_t len, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = buf; (p = memchr(p, '.', len - (size_t)(p - buf))) != NULL; p++) {
		if (len - (size_t)(p - buf) < n + 1)
			break;
		if (strncasecmp(p + 1, word, n) == 0)
			return true;
	}
	return false;
}

unsigned ab_burn_unit(struct ab_ctx *c, int n, const char *const *names,
		      const char *const *bufs, const size_t *lens, FILE *out)
{
	struct ab_ctx first;
	bool macros = false;
	for (int i = 0; i < n && !macros; i++)
		macros = has_directive(bufs[i], lens[i], "macro");
	/* A conservative test (a comment may say it): the cost of a false
	   positive is only longer output. */
	for (int i = 0; i < n && !c->modes; i++)
		c->modes = has_directive(bufs[i], lens[i], "code16");
	if (macros) {	/* only macro invocations feed the first pass */
		ab_ctx_init(&first, c->err);
		first.quiet = true;
		first.check_only = true;
		for (int i = 0; i < n; i++)
			ab_burn(&first, names[i], bufs[i], lens[i], NULL);
		ab_chain_off_collect(&first, c);
		ab_ctx_fini(&first);
	}
	for (int i = 0; i < n; i++)
		ab_burn(c, names[i], bufs[i], lens[i], out);
	if (c->modes && !c->check_only && out)	/* the unit may end in .code16 */
		fputs("\n" RANGE_CLOSE "\n", out);
	ab_finish(c, n ? names[n - 1] : "-");
	return c->errors;
}

void ab_ctx_init(struct ab_ctx *c, FILE *err)
{
	memset(c, 0, sizeof(*c));
	c->err = err;
}

void ab_ctx_fini(struct ab_ctx *c)
{
	while (c->nframes > 0)
		ab_pop_frame(c);
	free(c->macros);
	c->macros = NULL;
	free(c->mhash);
	c->mhash = NULL;
	free(c->chain_off);
	c->chain_off = NULL;
	free(c->calls);
	c->calls = NULL;
}

char *ab_read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	if (!f || !b) {
		free(b);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			char *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
		}
		size_t got = fread(b + n, 1, cap - n, f);
		if (got == 0)
			break;
		n += got;
	}
	if (b && ferror(f)) {
		free(b);
		b = NULL;
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return b;
}

