/* Test harness for the afterburner: burn text in memory, assemble the
 * original and the output with the real assembler, and compare them with
 * Capstone. The cmocka assertions fail the calling test. */
#ifndef AFTERBURN_TEST_HARNESS_H
#define AFTERBURN_TEST_HARNESS_H

#include <stddef.h>
#include "burn.h"
#include "verify.h"

struct burned {
	char *out;		/* afterburned text */
	size_t outlen;
	char *err;		/* diagnostics */
	size_t errlen;
	unsigned errors, sites, dynamic_sites;
	unsigned per_class[AB_CLASS_COUNT];
};

/* Run afterburn on IN (named "test.s"). */
void burn_text(const char *in, struct burned *b);
void burn_buf(const char *in, size_t len, struct burned *b);
void burned_free(struct burned *b);

/* Assemble LEN bytes of SRC into OBJ (in the test's temp dir); returns the
 * assembler's exit status. */
int assemble(const char *src, size_t len, const char *obj);

/* The full check on IN: afterburn it without errors, assemble input and
 * output, and assert that
 * - the output's instruction stream minus record padding equals the
 *   input's (relative branches compared by mnemonic, the rest by bytes),
 * - allocated data sections are byte-identical (outside relocations),
 * - afterburn-verify finds no problem in the output, and its covered
 *   sites per class equal the sensitive instructions Capstone finds in
 *   the plain input,
 * - the number of sites is EXPECT (if EXPECT >= 0).
 * Returns the per-class counts of the output in *ST (may be NULL). */
void check_roundtrip(const char *in, int expect, struct ab_vstats *st);

/* Path of a scratch file NAME in the test's temp dir (static buffer). */
const char *tmp_path(const char *name);

#endif
