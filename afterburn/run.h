/* Internal to the afterburner core (burn.c, bodies.c): the state of one
 * ab_burn() run and the helpers both files use. */
#ifndef AFTERBURN_RUN_H
#define AFTERBURN_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "burn.h"
#include "lex.h"

#define LABEL_PREFIX ".L_sensitive_"
/* Numeric local labels for sites inside .macro/.rept/.irp bodies: they may
 * be defined many times and "Nb" always means the latest definition. */
#define BODY_START "98100"
#define BODY_END "98101"
#define OFF_SYMBOL ".L__afterburn"
#define NO_PENDING ((size_t)-1)
#define PAD_SYMBOL ".L__afterburn_pad"
#define PRE_SYMBOL ".L__afterburn_pre"	/* 1: the nops go before (shadow) */
/* The code size the assembler is in (16 after .code16/.code16gcc; an
 * undefined symbol reads as 0 in .if, i.e. 32-bit), and the start and end
 * of the 16-bit range being assembled. Assembler symbols, not afterburn
 * state, so macro bodies and section switches are followed as GNU as
 * expands them. */
#define BITS_SYMBOL ".L__afterburn_bits"
#define R0_SYMBOL ".L__afterburn_r0"
#define R1_SYMBOL ".L__afterburn_r1"
#define OPEN_SYMBOL ".L__afterburn_open"	/* 1: R0_SYMBOL starts a range */

/* Everything one ab_burn() call needs. */
struct run {
	struct ab_ctx *c;
	const char *name;	/* input name */
	const char *buf;
	size_t len;
	FILE *out;
	size_t copied;		/* input bytes already written */
	struct ab_tokens t;
	size_t *sig;		/* significant token indices of a statement */
	size_t nsig;
	size_t pending;		/* offset of a prefix-only statement */
	unsigned pending_line;
	bool pending_cut;	/* a label followed that prefix */
	/* logical location from "# N "file"" line markers */
	char mfile[256];
	unsigned mline, mphys;
	bool marked;
};


static inline const struct ab_token *tok(const struct run *r, size_t k)
{
	return &r->t.v[r->sig[k]];
}

static inline const char *text(const struct run *r, const struct ab_token *t)
{
	return r->buf + t->off;
}

static inline bool tok_is(const struct run *r, const struct ab_token *t, const char *s)
{
	size_t n = strlen(s);
	return t->len == n && memcmp(text(r, t), s, n) == 0;
}

static inline struct ab_frame *ab_top(struct ab_ctx *c)
{
	return c->nframes ? &c->frames[c->nframes - 1] : NULL;
}

/* burn.c */
void ab_report(struct run *r, unsigned phys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ab_lower_copy(char *dst, size_t cap, const char *s, size_t n);
void ab_insert(struct run *r, size_t off, const char *s);
/* Write S instead of the LEN input bytes at OFF; S must contain them in
 * order (afterburn only inserts). */
void ab_replace(struct run *r, size_t off, size_t len, const char *s, size_t slen);
unsigned ab_probe(struct ab_ctx *c, const char *s, size_t n);
/* The ".pushsection" that opens a site's record: .afterburn, or, in a unit
 * that uses .code16, the section for the code size at assembly time. */
const char *ab_record_push(const struct ab_ctx *c);
/* Before a statement that is no directive, at START: open the 16-bit
 * range a section switch left pending (see code_size in burn.c). */
void ab_range_open(struct run *r, size_t start);

/* bodies.c: macros, .rept/.irp bodies, sites decided per expansion */
struct ab_macro *ab_find_macro(struct ab_ctx *c, const char *s, size_t n);
void ab_define_macro(struct run *r, const struct ab_frame *f);
void ab_push_frame(struct run *r, int kind, const char *name, size_t n,
		   unsigned line, const char *vals, size_t vlen);
void ab_pop_frame(struct ab_ctx *c);
void ab_end_repeat(struct run *r, struct ab_frame *f, unsigned line);
void ab_invoke(struct run *r, struct ab_macro *m, size_t k);
/* Is MACRO (NULL: the innermost one being read) in c->chain_off? */
bool ab_chain_off(struct ab_ctx *c, const char *macro);
/* After the first pass FIRST: propagate and copy its chain_off macros to C. */
void ab_chain_off_collect(struct ab_ctx *first, struct ab_ctx *c);
void ab_wrap_param_insn(struct run *r, size_t start, size_t end, const char *m, size_t mlen);
bool ab_wrap_param_ops(struct run *r, size_t start, size_t end, const char *mn,
		       size_t mlen, size_t k);

#endif
