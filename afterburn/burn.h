/* The afterburner proper: GNU as source in, the same source with every
 * sensitive instruction wrapped in a padded, recorded site out. */
#ifndef AFTERBURN_BURN_H
#define AFTERBURN_BURN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "afterburn_classes.h"

#define AB_MAX_NEST 64		/* .macro/.rept/.irp nesting we track */
#define AB_MAX_MACROS 8192	/* macro definitions per run */
#define AB_MACRO_HASH 16384	/* power of two, > 2 x AB_MAX_MACROS */
#define AB_MAX_CALLS 8192	/* macro-to-macro parameter passings tracked */

/* A .macro/.rept/.irp body being read. */
struct ab_frame {
	enum { F_MACRO, F_REPT, F_IRP } kind;
	char name[64];		/* macro name (lower case) */
	unsigned line;
	bool insn_taint;	/* a \param is used as an instruction */
	bool op_taint;		/* a \param is an operand of mov/push/pop/... */
	char *values;		/* .irp/.irpc value list (copy) */
};

struct ab_macro {
	char name[64];
	bool insn_taint, op_taint;
	bool chain_off;		/* first pass: see ab_ctx.chain_off */
	bool purged;		/* .purgem: no longer a macro */
};

/* State that lives across the files of one assembly unit. */
struct ab_ctx {
	FILE *err;		/* diagnostics (stderr) */
	bool check_only;	/* count sites, emit nothing */
	unsigned next_label;	/* .L_sensitive_N: unique across the unit */
	unsigned sites;
	unsigned per_class[AB_CLASS_COUNT];
	unsigned dynamic_sites;	/* decided per macro expansion (.ifc) */
	unsigned shadow_sites;	/* padded before (interrupt shadow) */
	unsigned errors;
	bool off;		/* annotation switched off */
	/* The unit mentions .code16: sites choose their record section by
	 * the assembler's code size at assembly time (BITS_SYMBOL), and the
	 * 16-bit code ranges go to AFTERBURN_CODE16 (docs/afterburn.md). */
	bool modes;
	bool code16;		/* textually after .code16/.code16gcc */
	bool open_pending;	/* a range opens at the next instruction */
	unsigned sites16;	/* sites written while code16 (for -s) */
	char off_where[300];
	struct ab_frame frames[AB_MAX_NEST];
	int nframes;
	struct ab_macro *macros;
	size_t nmacros;
	int *mhash;		/* name -> index + 1 into macros */
	int depth;		/* check_only recursion into macro args */
	bool quiet;		/* no diagnostics (first pass) */
	/* Macros some string argument of which (passed to a parameter the
	 * body runs as an instruction) holds ';', a quote or a sensitive
	 * instruction: GNU as's .ifc cannot compare such text, so their
	 * parameter mnemonics get no .ifc chain and the sensitive string
	 * arguments are afterburned in place. Found by the first pass. */
	char (*chain_off)[64];
	size_t n_chain_off;
	/* first pass: macro A passes a parameter on to macro B */
	char (*calls)[2][64];
	size_t n_calls;
};

void ab_ctx_init(struct ab_ctx *c, FILE *err);
void ab_ctx_fini(struct ab_ctx *c);

/* Afterburn BUF (named NAME in diagnostics) onto OUT (may be NULL when
 * check_only). Returns the number of errors found in this buffer. */
unsigned ab_burn(struct ab_ctx *c, const char *name, const char *buf,
		 size_t len, FILE *out);

/* Afterburn a whole assembly unit (N buffers, as as concatenates its
 * inputs): a first, silent pass decides chain_off, the second writes OUT.
 * Returns the number of errors; C holds the counts. */
unsigned ab_burn_unit(struct ab_ctx *c, int n, const char *const *names,
		      const char *const *bufs, const size_t *lens, FILE *out);

/* Report unclosed bodies at the end of the unit; returns errors. */
unsigned ab_finish(struct ab_ctx *c, const char *name);

/* Read a whole file ("-" = stdin) into a malloc'd buffer. */
char *ab_read_file(const char *path, size_t *len);

#endif
