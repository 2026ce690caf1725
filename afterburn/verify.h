/* Coverage proof for an afterburned ELF file: every sensitive instruction
 * in an executable section sits at the start of an .afterburn record whose
 * rest is one-byte nops (0x90), enough for the class's planned rewrite. */
#ifndef AFTERBURN_VERIFY_H
#define AFTERBURN_VERIFY_H

#include <stdio.h>
#include "afterburn_classes.h"
#include "elf32.h"

/* One record resolved to a section and offsets in it. */
struct ab_site_ref {
	unsigned sec;
	uint32_t start, end;	/* section offsets */
	size_t rec;		/* record index, for messages */
	int bits;		/* 32: from .afterburn, 16: from .afterburn16 */
};

struct ab_vstats {
	unsigned covered[AB_CLASS_COUNT];	/* sites per class */
	unsigned uncovered[AB_CLASS_COUNT];	/* sensitive, no record */
	unsigned bad_records;			/* malformed, bad padding, ... */
	unsigned records;
	unsigned insns;				/* instructions decoded */
	unsigned skipped;			/* undecodable bytes skipped */
	unsigned records16;			/* of them in .afterburn16 */
	unsigned insns16;			/* decoded as 16-bit code */
	unsigned dead_ranges;			/* after ud2, reached by nothing */
	unsigned dead_bytes;			/* not decoded in them */
};

/* Check PATH, listing each problem on OUT (NULL: silent). Returns the
 * number of problems (uncovered + bad records), or -1 if PATH is not a
 * readable i386 ELF file. */
int ab_verify(const char *path, FILE *out, struct ab_vstats *st);

/* The records of E (.afterburn and .afterburn16) resolved and sorted by
 * (section, start), malloc'd in *SITES; records that do not resolve to
 * executable code are counted in *BAD. Returns the number of sites. */
size_t ab_sites(const struct elf32 *e, struct ab_site_ref **sites, unsigned *bad);

#endif
