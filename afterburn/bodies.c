/*
 * Macro and repeat bodies: which macros exist, which body is open, and the
 * sites only a macro expansion can decide (a parameter used as the
 * mnemonic or as a register operand), written as GNU as .ifc chains.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "classify.h"
#include "run.h"

/* --- sites decided when a macro body is expanded ------------------------- */

struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		size_t room = b->cap - b->n;
		va_start(ap, fmt);
		int w = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? room : 0, fmt, ap);
		va_end(ap);
		if (w < 0) {
			b->oom = true;
			return;
		}
		if (b->p && (size_t)w < room) {
			b->n += (size_t)w;
			return;
		}
		size_t cap = (b->cap + (size_t)w + 1) * 2;
		char *np = realloc(b->p, cap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
}

/* A statement inside a body whose mnemonic or register operand is a macro
 * parameter: only the expansion knows whether it is sensitive. Emit
 *   .set PAD,0; .set PRE,0; .ifc "_PARAM","_cli"; .set PAD,6; .endif; ...
 *   .if PAD; START:; .rept PRE*PAD; nop; .endr; INSN; .rept (1-PRE)*PAD; nop;
 *   .endr; END: record; .else; INSN; .endif
 * so GNU as wraps exactly the expansions that are sensitive, with the nops
 * before the interrupt-shadow forms (the chain sets PRE to 1 for them).
 * CONDS holds the .ifc chain. The '_' keeps an empty argument from reading
 * as "", which .ifc takes for an escaped quote. */
static void wrap_dynamic(struct run *r, size_t start, size_t end, struct sbuf *conds)
{
	struct ab_ctx *c = r->c;
	struct sbuf tail = { 0 };
	c->dynamic_sites++;
	if (c->check_only)
		return;
	/* The empty statement after the label matters: GNU as mistakes
	   "LABEL: .rept" inside a skipped .if of a body for a nested body. */
	sb_printf(conds, ".if " PAD_SYMBOL "; " BODY_START ":; .rept " PRE_SYMBOL "*"
		  PAD_SYMBOL "; nop; .endr; ");
	sb_printf(&tail, "; .rept (1-" PRE_SYMBOL ")*" PAD_SYMBOL "; nop; .endr; " BODY_END
		  ": %s; .balign 4; .long " BODY_START "b; .long "
		  BODY_END "b; .popsection; .else; %.*s; .endif",
		  ab_record_push(c), (int)(end - start), r->buf + start);
	if (conds->oom || tail.oom) {
		ab_report(r, 1, "out of memory");
	} else {
		ab_insert(r, start, conds->p);
		ab_insert(r, end, tail.p);
	}
	free(tail.p);
}

/* The mnemonic is the macro parameter text M: test it against every
 * mnemonic whose class matches whatever the operands are. */
void ab_wrap_param_insn(struct run *r, size_t start, size_t end,
			    const char *m, size_t mlen)
{
	struct sbuf b = { 0 };
	if (ab_chain_off(r->c, NULL))
		return;	/* the invocations' arguments are afterburned instead */
	sb_printf(&b, ".set " PAD_SYMBOL ", 0; .set " PRE_SYMBOL ", 0; ");
	for (int k = 0; k < AB_CLASS_COUNT; k++) {
		const char *p = ab_classes[k].mnemonics;
		if (ab_classes[k].match != AB_MATCH_ANY)
			continue;
		/* operands cannot matter: the rule is ANY or none */
		bool pre = afterburn_shadow_rule(k) == AB_SHADOW_ANY;
		while (*p) {
			size_t n = strcspn(p, " ");
			if (n)
				sb_printf(&b, ".ifc \"_%.*s\",\"_%.*s\"; .set " PAD_SYMBOL
					  ", %d;%s .endif; ", (int)mlen, m, (int)n, p,
					  ab_classes[k].pad, pre ? " .set " PRE_SYMBOL ", 1;" : "");
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	wrap_dynamic(r, start, end, &b);
	free(b.p);
}

/* Registers that make a class with rule M match. */
static const char *const *rule_regs(enum afterburn_match m)
{
	static const char *const seg[] = { "%cs", "%ds", "%es", "%fs", "%gs", "%ss", NULL };
	static const char *const cr[] = { "%cr0", "%cr2", "%cr3", "%cr4", NULL };
	static const char *const dr[] = { "%db0", "%db1", "%db2", "%db3", "%db4",
		"%db5", "%db6", "%db7", "%dr0", "%dr1", "%dr2", "%dr3", "%dr4", "%dr5",
		"%dr6", "%dr7", "%tr3", "%tr4", "%tr5", "%tr6", "%tr7", NULL };
	static const char *const none[] = { NULL };
	return m == AB_MATCH_SEG ? seg : m == AB_MATCH_CR ? cr : m == AB_MATCH_DR ? dr : none;
}

/* A mov/push/pop whose operands hold macro parameters (sig tokens from
 * K on): test each parameter against the registers that would make it
 * sensitive. Returns false if no class depends on registers. */
bool ab_wrap_param_ops(struct run *r, size_t start, size_t end, const char *mn,
			   size_t mlen, size_t k)
{
	int rows[8], nrows = ab_rows(mn, mlen, rows, 8);
	struct sbuf b = { 0 };
	bool any = false;
	sb_printf(&b, ".set " PAD_SYMBOL ", 0; .set " PRE_SYMBOL ", 0; ");
	for (size_t j = k; j < r->nsig; j++) {
		const struct ab_token *t = tok(r, j);
		if ((t->type != T_WORD && t->type != T_REG) || !memchr(text(r, t), '\\', t->len))
			continue;
		/* In the last operand (no ',' outside parentheses after it)? */
		bool last = true;
		int depth = 0;
		for (size_t q = j + 1; q < r->nsig; q++) {
			const struct ab_token *u = tok(r, q);
			if (u->type == T_COMMA && depth <= 0)
				last = false;
			else if (u->type == T_OTHER && text(r, u)[0] == '(')
				depth++;
			else if (u->type == T_OTHER && text(r, u)[0] == ')')
				depth--;
		}
		for (int i = 0; i < nrows; i++) {
			const char *const *reg = rule_regs(ab_classes[rows[i]].match);
			bool ss_dest = last && afterburn_shadow_rule(rows[i]) == AB_SHADOW_SS_DEST;
			for (; *reg; reg++) {
				/* a load of %ss: the nops go before it */
				const char *pre = ss_dest && !strcmp(*reg, "%ss")
						  ? " .set " PRE_SYMBOL ", 1;" : "";
				char up[8];	/* .ifc is case-sensitive; as is not */
				size_t l = strlen(*reg);
				for (size_t q = 0; q <= l; q++)
					up[q] = (char)((*reg)[q] >= 'a' && (*reg)[q] <= 'z'
						       ? (*reg)[q] - 'a' + 'A' : (*reg)[q]);
				sb_printf(&b, ".ifc \"_%.*s\",\"_%s\"; .set " PAD_SYMBOL
					  ", %d;%s .endif; .ifc \"_%.*s\",\"_%s\"; .set " PAD_SYMBOL
					  ", %d;%s .endif; ", (int)t->len, text(r, t), *reg,
					  ab_classes[rows[i]].pad, pre, (int)t->len, text(r, t), up,
					  ab_classes[rows[i]].pad, pre);
				any = true;
			}
		}
	}
	if (any)
		wrap_dynamic(r, start, end, &b);
	free(b.p);
	return any;
}

/* --- macros and bodies ----------------------------------------------------- */

static unsigned name_hash(const char *s)
{
	unsigned h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Slot of NAME in the macro hash: its entry, or the empty slot for it. */
static int *macro_slot(struct ab_ctx *c, const char *name)
{
	for (unsigned i = name_hash(name);; i++) {
		int *slot = &c->mhash[i & (AB_MACRO_HASH - 1)];
		if (*slot == 0 || strcmp(c->macros[*slot - 1].name, name) == 0)
			return slot;
	}
}

struct ab_macro *ab_find_macro(struct ab_ctx *c, const char *s, size_t n)
{
	char name[64];
	if (n >= sizeof(name) || !c->mhash)
		return NULL;
	ab_lower_copy(name, sizeof(name), s, n);
	int *slot = macro_slot(c, name);
	return *slot ? &c->macros[*slot - 1] : NULL;
}

void ab_define_macro(struct run *r, const struct ab_frame *f)
{
	struct ab_ctx *c = r->c;
	struct ab_macro *m = ab_find_macro(c, f->name, strlen(f->name));
	if (!m) {
		if (c->nmacros == AB_MAX_MACROS) {
			ab_report(r, f->line, "too many macros (limit %d)", AB_MAX_MACROS);
			return;
		}
		if (!c->macros) {
			c->macros = calloc(AB_MAX_MACROS, sizeof(*c->macros));
			c->mhash = calloc(AB_MACRO_HASH, sizeof(*c->mhash));
		}
		if (!c->macros || !c->mhash) {
			ab_report(r, f->line, "out of memory");
			return;
		}
		m = &c->macros[c->nmacros++];
		strcpy(m->name, f->name);
		*macro_slot(c, m->name) = (int)c->nmacros;
	}
	m->insn_taint = f->insn_taint;
	m->op_taint = f->op_taint;
	m->chain_off = false;
	m->purged = false;
}

void ab_push_frame(struct run *r, int kind, const char *name, size_t n,
		       unsigned line, const char *vals, size_t vlen)
{
	struct ab_ctx *c = r->c;
	if (c->nframes == AB_MAX_NEST) {
		ab_report(r, line, "bodies nested deeper than %d", AB_MAX_NEST);
		return;
	}
	struct ab_frame *f = &c->frames[c->nframes++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->line = line;
	ab_lower_copy(f->name, sizeof(f->name), name, n);
	if (vals) {
		f->values = malloc(vlen + 1);
		if (f->values) {
			memcpy(f->values, vals, vlen);
			f->values[vlen] = 0;
		}
	}
}

static bool is_lower_word(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return n > 0;
}

/* Would the text S (an argument of a macro or a .irp value list) make an
 * instruction in the body sensitive in a way the .ifc chains of
 * ab_wrap_param_insn() cannot catch? That is a string holding a sensitive
 * instruction with operands or several statements, or a mnemonic not in
 * lower case. Registers are always caught (wrap_param_ops). */
static bool args_sensitive(struct run *r, const char *s, size_t n,
			   bool insn, bool chain_off, char *why, size_t whylen)
{
	struct ab_tokens t = { 0 };
	bool hit = false;
	if (ab_lex(s, n, &t) < 0)
		return true;
	for (size_t i = 0; i < t.n && !hit; i++) {
		const struct ab_token *k = &t.v[i];
		const char *p = s + k->off;
		/* a lower-case mnemonic alone is caught by the .ifc chain */
		if (insn && k->type == T_WORD) {
			bool any;
			hit = ab_is_listed(p, k->len, &any) && any &&
			      (chain_off || !is_lower_word(p, k->len));
		}
		if (insn && k->type == T_STRING && k->len >= 2) {
			/* unescape the common escapes and look inside */
			char *u = malloc(k->len);
			size_t m = 0;
			if (!u) {
				hit = true;
				break;
			}
			for (size_t j = 1; j + 1 < k->len; j++) {
				char ch = p[j];
				if (ch == '\\' && j + 2 < k->len) {
					ch = p[++j];
					ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch;
				}
				u[m++] = ch;
			}
			/* exactly one lower-case word: the chain compares it */
			hit = (chain_off || !is_lower_word(u, m)) && ab_probe(r->c, u, m) > 0;
			free(u);
		}
		if (hit)
			snprintf(why, whylen, "%.*s", (int)(k->len > 60 ? 60 : k->len), p);
	}
	ab_tokens_free(&t);
	return hit;
}

/* End of a .rept/.irp/.irpc body. */
void ab_end_repeat(struct run *r, struct ab_frame *f, unsigned line)
{
	struct ab_ctx *c = r->c;
	char why[80];
	(void)line;
	if (f->kind == F_IRP && (f->insn_taint || f->op_taint) && f->values) {
		size_t vlen = strlen(f->values);
		struct ab_frame *parent = c->nframes > 1 ? &c->frames[c->nframes - 2] : NULL;
		if (parent && memchr(f->values, '\\', vlen)) {
			parent->insn_taint |= f->insn_taint;
			parent->op_taint |= f->op_taint;
		}
		if (!c->off && args_sensitive(r, f->values, vlen, f->insn_taint, false,
					      why, sizeof(why)))
			ab_report(r, f->line,
			       "'.irp' value '%s' makes an instruction of its body "
			       "sensitive; afterburn cannot annotate it per iteration: "
			       "write the instructions out", why);
	} else if (f->kind == F_REPT && (f->insn_taint || f->op_taint)) {
		struct ab_frame *parent = c->nframes > 1 ? &c->frames[c->nframes - 2] : NULL;
		if (parent) {
			parent->insn_taint |= f->insn_taint;
			parent->op_taint |= f->op_taint;
		}
	}
}

void ab_pop_frame(struct ab_ctx *c)
{
	free(c->frames[c->nframes - 1].values);
	c->nframes--;
}

/* A statement that invokes a macro defined in this unit. */
/* The innermost macro whose body is being read, or NULL. */
static const char *current_macro(struct ab_ctx *c)
{
	for (int i = c->nframes; i-- > 0;)
		if (c->frames[i].kind == F_MACRO)
			return c->frames[i].name;
	return NULL;
}

/* First pass: the current macro passes a parameter on to macro TO. */
static void note_call(struct ab_ctx *c, const char *to)
{
	const char *from = current_macro(c);
	if (!from || c->n_calls == AB_MAX_CALLS)
		return;
	if (!c->calls && !(c->calls = calloc(AB_MAX_CALLS, sizeof(*c->calls))))
		return;
	snprintf(c->calls[c->n_calls][0], 64, "%s", from);
	snprintf(c->calls[c->n_calls][1], 64, "%s", to);
	c->n_calls++;
}

bool ab_chain_off(struct ab_ctx *c, const char *macro)
{
	if (!macro)
		macro = current_macro(c);
	for (size_t i = 0; macro && i < c->n_chain_off; i++)
		if (!strcmp(c->chain_off[i], macro))
			return true;
	return false;
}

void ab_chain_off_collect(struct ab_ctx *first, struct ab_ctx *c)
{
	bool more = true;
	while (more) {	/* a caller's unsafe text reaches its callees */
		more = false;
		for (size_t i = 0; i < first->n_calls; i++) {
			struct ab_macro *a = ab_find_macro(first, first->calls[i][0], strlen(first->calls[i][0]));
			struct ab_macro *b = ab_find_macro(first, first->calls[i][1], strlen(first->calls[i][1]));
			if (a && b && a->chain_off && !b->chain_off)
				more = b->chain_off = true;
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < first->nmacros; i++)
		n += first->macros[i].chain_off;
	c->chain_off = n ? calloc(n, sizeof(*c->chain_off)) : NULL;
	c->n_chain_off = 0;
	for (size_t i = 0; c->chain_off && i < first->nmacros; i++)
		if (first->macros[i].chain_off)
			strcpy(c->chain_off[c->n_chain_off++], first->macros[i].name);
}

/* Afterburn the text of a string argument S (quotes excluded) into a
 * malloc'd string; NULL if that fails. Labels are numeric (the text ends
 * up in a macro expansion). */
static char *burn_arg(struct ab_ctx *c, const char *s, size_t n, size_t *outlen)
{
	struct ab_ctx sub;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	ab_ctx_init(&sub, c->err);
	sub.depth = c->depth + 1;
	sub.nframes = 1;	/* as if inside a body: numeric labels */
	sub.frames[0].kind = F_MACRO;
	sub.modes = c->modes;
	sub.code16 = c->code16;
	ab_burn(&sub, "(macro argument)", s, n, f);
	fclose(f);
	sub.nframes = 0;
	if (sub.errors || !out || memchr(out, '"', len)) {
		free(out);
		out = NULL;
	}
	*outlen = len;
	c->sites += sub.sites;
	for (int k = 0; k < AB_CLASS_COUNT; k++)
		c->per_class[k] += sub.per_class[k];
	ab_ctx_fini(&sub);
	return out;
}

/* A statement that invokes a macro defined in this unit. A string
 * argument of a macro that runs a parameter as an instruction is code:
 * if it holds sensitive instructions the .ifc chain cannot match (several
 * statements, operands), afterburn the string itself. */
void ab_invoke(struct run *r, struct ab_macro *m, size_t k)
{
	struct ab_ctx *c = r->c;
	struct ab_frame *f = ab_top(c);
	char why[80];
	if (!(m->insn_taint || m->op_taint) || k + 1 >= r->nsig)
		return;
	size_t a = tok(r, k + 1)->off;
	size_t b = tok(r, r->nsig - 1)->off + tok(r, r->nsig - 1)->len;
	if (f && memchr(r->buf + a, '\\', b - a)) {
		f->insn_taint |= m->insn_taint;
		f->op_taint |= m->op_taint;
	}
	if (f && c->quiet && memchr(r->buf + a, '\\', b - a))
		note_call(c, m->name);
	if (c->off || !m->insn_taint)
		return;
	bool off = ab_chain_off(c, m->name);
	for (size_t j = k + 1; j < r->nsig; j++) {
		const struct ab_token *t = tok(r, j);
		if (c->quiet) {
			if (t->type == T_STRING &&
			    (memchr(text(r, t) + 1, ';', t->len - 2) ||
			     memchr(text(r, t) + 1, '"', t->len - 2) ||
			     args_sensitive(r, text(r, t), t->len, true, false, why, sizeof(why))))
				m->chain_off = true;
			continue;
		}
		if (t->type == T_STRING) {
			if (!args_sensitive(r, text(r, t), t->len, true, off, why, sizeof(why)))
				continue;
			size_t blen;
			char *burned = burn_arg(c, text(r, t) + 1, t->len - 2, &blen);
			if (burned) {
				ab_replace(r, t->off + 1, t->len - 2, burned, blen);
				free(burned);
				continue;
			}
		} else if (!args_sensitive(r, text(r, t), t->len, true, off, why, sizeof(why))) {
			continue;
		}
		ab_report(r, t->line,
			  "argument '%s' of macro '%s' becomes a sensitive instruction "
			  "inside the macro body, where afterburn cannot annotate it: "
			  "write the instruction outside the macro argument", why, m->name);
	}
}

