/* Instruction classification shared by the afterburner and the verifier:
 * mnemonic + operand text -> class from include/afterburn_classes.h. */
#ifndef AFTERBURN_CLASSIFY_H
#define AFTERBURN_CLASSIFY_H

#include <stddef.h>
#include <stdbool.h>
#include "afterburn_classes.h"

/* What the match rules need to know about an operand list. */
struct ab_opinfo {
	bool has_cr;		/* %crN */
	bool has_dr;		/* %dbN, %drN, %trN */
	bool has_seg;		/* bare %cs..%ss (not an override) */
	int n_operands;
	int n_imm;		/* operands starting with '$' */
	bool dest_ss;		/* the last operand is a bare %ss */
};

struct ab_class_info {
	const char *name;
	enum afterburn_match match;
	int pad;
	int shortest;
	int rewrite;
	const char *mnemonics;
};

extern const struct ab_class_info ab_classes[AB_CLASS_COUNT];

/* Scan AT&T operand text (strings and comments skipped). */
void ab_opinfo_from_text(const char *s, size_t n, struct ab_opinfo *oi);

/* Class of mnemonic MNEM (any case) with operands OI, or -1. */
int ab_classify(const char *mnem, size_t len, const struct ab_opinfo *oi);

/* Does a site of class CLS with operands OI take its padding before the
 * instruction (an interrupt-shadow form, AFTERBURN_SHADOWS)? */
bool ab_pad_before(int cls, const struct ab_opinfo *oi);

/* Does any class list MNEM (any case), whatever its operands? Classes whose
 * rule is ANY are reported in *any_rule. */
bool ab_is_listed(const char *mnem, size_t len, bool *any_rule);

/* The classes listing MNEM (any case), at most MAX; returns how many. */
int ab_rows(const char *mnem, size_t len, int *cls, int max);

/* Is MNEM (any case) an instruction prefix GNU as accepts as a word? */
bool ab_is_prefix(const char *mnem, size_t len);

#endif
