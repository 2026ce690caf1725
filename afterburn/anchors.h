/* Addresses the rest of an ELF file refers to inside one executable
 * section, and direct branch targets: where the verifier may resume
 * decoding after data in code (verify.c). */
#ifndef AFTERBURN_ANCHORS_H
#define AFTERBURN_ANCHORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "elf32.h"

/* Section offsets of SEC referred to by relocations (objects) or by
 * address-valued words of data sections (linked images); malloc'd,
 * unsorted, *N of them (NULL when there are none). */
uint32_t *ab_anchors(const struct elf32 *e, unsigned sec, size_t *n);

/* The target of a direct jmp/jcc/call/loop Capstone printed as MNEM OPS
 * (AT&T), in the address space it was decoded at; false for others. */
bool ab_branch_target(const char *mnem, const char *ops, uint32_t *target);

#endif
