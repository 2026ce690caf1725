/*
 * Guest ELF validation on a real cross-assembled guest and on copies of it
 * damaged one field at a time: each damage must be refused with its reason,
 * and the good image must be described exactly.
 */
#define _GNU_SOURCE         /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <elf.h>

#include "guest_elf.h"

#define PART  (4u << 20)          /* a 4 MiB partition */
#define HOLE  0xFC000000u

static uint8_t *good;
static size_t good_len;

static int load(void **state)
{
	(void)state;
	FILE *f = fopen(GUEST_ELF_PATH, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	good_len = (size_t)ftell(f);
	rewind(f);
	good = malloc(good_len);
	if (fread(good, 1, good_len, f) != good_len)
		return -1;
	fclose(f);
	return 0;
}

static uint8_t *dup_img(void)
{
	uint8_t *p = malloc(good_len);
	memcpy(p, good, good_len);
	return p;
}

static Elf32_Phdr *first_load(uint8_t *p)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)p;
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf32_Phdr *ph = (Elf32_Phdr *)(p + eh->e_phoff + i * sizeof(Elf32_Phdr));
		if (ph->p_type == PT_LOAD)
			return ph;
	}
	return NULL;
}

static Elf32_Shdr *section(uint8_t *p, const char *name)
{
	Elf32_Ehdr *eh = (Elf32_Ehdr *)p;
	Elf32_Shdr *sh = (Elf32_Shdr *)(p + eh->e_shoff);
	const char *names = (const char *)p + sh[eh->e_shstrndx].sh_offset;
	for (int i = 0; i < eh->e_shnum; i++)
		if (strcmp(names + sh[i].sh_name, name) == 0)
			return &sh[i];
	return NULL;
}

static void expect_refused(uint8_t *img, size_t len, uint32_t part, const char *reason)
{
	struct guest_image gi;
	const char *why = NULL;
	assert_int_equal(guest_elf_check(img, (uint32_t)len, part, HOLE, &gi, &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why, reason));
}

static void test_good_image(void **state)
{
	(void)state;
	struct guest_image gi;
	const char *why = NULL;
	uint32_t s, e;
	Elf32_Ehdr *eh = (Elf32_Ehdr *)good;

	assert_int_equal(guest_elf_check(good, (uint32_t)good_len, PART, HOLE, &gi, &why), 0);
	assert_null(why);
	assert_int_equal(gi.entry, eh->e_entry);
	assert_true(gi.nseg >= 1);
	assert_int_equal(gi.ab_count, 2);
	guest_elf_site(good, &gi, 0, &s, &e);
	assert_int_equal(s, eh->e_entry);         /* cli is the first instruction */
	assert_int_equal(e - s, 7);               /* cli + 6 nops */
	guest_elf_site(good, &gi, 1, &s, &e);
	assert_int_equal(e - s, 13);              /* sti + 12 nops */
	assert_true(gi.highest > gi.lowest);
	assert_true(gi.highest - gi.lowest >= 8192);  /* bss counted */
}

static void test_truncated(void **state)
{
	(void)state;
	expect_refused(good, 20, PART, "truncated");
	expect_refused(good, 0, PART, "truncated");
	/* cut inside the first segment's data */
	Elf32_Phdr *ph = first_load(good);
	expect_refused(good, ph->p_offset + ph->p_filesz - 1, PART, "truncated");
}

static void test_bad_magic_class_machine(void **state)
{
	(void)state;
	uint8_t *p = dup_img();
	p[1] = 'X';
	expect_refused(p, good_len, PART, "magic");
	memcpy(p, good, good_len);
	p[EI_CLASS] = ELFCLASS64;
	expect_refused(p, good_len, PART, "32-bit");
	memcpy(p, good, good_len);
	((Elf32_Ehdr *)p)->e_machine = EM_X86_64;
	expect_refused(p, good_len, PART, "i386");
	memcpy(p, good, good_len);
	((Elf32_Ehdr *)p)->e_type = ET_DYN;
	expect_refused(p, good_len, PART, "executable");
	free(p);
}

static void test_phdrs_past_end(void **state)
{
	(void)state;
	uint8_t *p = dup_img();
	((Elf32_Ehdr *)p)->e_phoff = 0xfffffff0u;      /* wraps if added naively */
	expect_refused(p, good_len, PART, "program headers");
	memcpy(p, good, good_len);
	((Elf32_Ehdr *)p)->e_phnum = 0xffff;
	expect_refused(p, good_len, PART, "program headers");
	free(p);
}

static void test_segment_outside_partition(void **state)
{
	(void)state;
	uint8_t *p = dup_img();
	Elf32_Phdr *ph = first_load(p);
	ph->p_paddr = PART - 16;                         /* straddles the end */
	expect_refused(p, good_len, PART, "outside the guest's partition");
	ph->p_paddr = 0xfffff000u;                       /* wraps */
	expect_refused(p, good_len, PART, "outside the guest's partition");
	free(p);
	/* a partition too small for the image as linked */
	expect_refused(good, good_len, 0x100000u, "outside the guest's partition");
}

static void test_segment_in_hole(void **state)
{
	(void)state;
	uint8_t *p = dup_img();
	Elf32_Phdr *ph = first_load(p);
	ph->p_paddr = HOLE - 4;                           /* straddles the hole */
	struct guest_image gi;
	const char *why;
	/* with a partition reaching the hole, the hole still wins */
	assert_int_equal(guest_elf_check(p, (uint32_t)good_len, 0xFFFFF000u, HOLE, &gi, &why), -1);
	assert_non_null(strstr(why, "hole"));
	free(p);
}

static void test_filesz_gt_memsz(void **state)
{
	(void)state;
	uint8_t *p = dup_img();
	Elf32_Phdr *ph = first_load(p);
	ph->p_memsz = ph->p_filesz - 1;
	expect_refused(p, good_len, PART, "file size exceeds");
	free(p);
}

static void test_entry_outside_code(void **state)
{
	(void)state;
	uint8_t *p = dup_img();
	((Elf32_Ehdr *)p)->e_entry = 0x10;
	expect_refused(p, good_len, PART, "entry point");
	free(p);
}

static void test_afterburn_records(void **state)
{
	(void)state;
	uint8_t *p = dup_img();
	Elf32_Shdr *ab = section(p, ".afterburn");
	assert_non_null(ab);
	uint32_t *rec = (uint32_t *)(p + ab->sh_offset);
	rec[1] = rec[0];                                 /* empty site */
	expect_refused(p, good_len, PART, "afterburn record");
	memcpy(p, good, good_len);
	rec[0] = 0x10; rec[1] = 0x17;                    /* not in code */
	expect_refused(p, good_len, PART, "afterburn record");
	memcpy(p, good, good_len);
	rec[1] = rec[0] + 1000;                          /* absurdly large */
	expect_refused(p, good_len, PART, "afterburn record");
	memcpy(p, good, good_len);
	ab->sh_size = 12;
	expect_refused(p, good_len, PART, "multiple of 8");
	memcpy(p, good, good_len);
	ab->sh_offset = (uint32_t)good_len - 4;
	expect_refused(p, good_len, PART, ".afterburn");
	free(p);
}

static void test_no_sections_is_fine(void **state)
{
	(void)state;
	uint8_t *p = dup_img();
	struct guest_image gi;
	const char *why = NULL;
	((Elf32_Ehdr *)p)->e_shoff = 0;
	((Elf32_Ehdr *)p)->e_shnum = 0;
	assert_int_equal(guest_elf_check(p, (uint32_t)good_len, PART, HOLE, &gi, &why), 0);
	assert_int_equal(gi.ab_count, 0);
	free(p);
}

/* A section named .no_ipvmm (the direct test guests' start.S) marks the
 * image; the good one has none. Renaming its .afterburn in the section
 * name table makes one: the marker found, the records gone. */
static void test_no_ipvmm_section(void **state)
{
	(void)state;
	uint8_t *p = dup_img();
	struct guest_image gi;
	const char *why = NULL;
	assert_int_equal(guest_elf_check(good, (uint32_t)good_len, PART, HOLE, &gi, &why), 0);
	assert_int_equal(gi.no_ipvmm, 0);
	uint8_t *name = memmem(p, good_len, ".afterburn", sizeof(".afterburn"));
	assert_non_null(name);
	memcpy(name, ".no_ipvmm", sizeof(".no_ipvmm"));
	assert_int_equal(guest_elf_check(p, (uint32_t)good_len, PART, HOLE, &gi, &why), 0);
	assert_int_equal(gi.no_ipvmm, 1);
	assert_int_equal(gi.ab_count, 0);
	free(p);
}

/* Every prefix of the image is refused or accepted, never crashes. */
static void test_every_truncation(void **state)
{
	(void)state;
	struct guest_image gi;
	const char *why;
	for (size_t n = 0; n < good_len; n++) {
		uint8_t *p = malloc(n ? n : 1);
		memcpy(p, good, n);
		int r = guest_elf_check(p, (uint32_t)n, PART, HOLE, &gi, &why);
		if (r == 0)   /* only possible once all segment data is present */
			assert_true(n >= first_load(good)->p_offset + first_load(good)->p_filesz);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_image),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_magic_class_machine),
		cmocka_unit_test(test_phdrs_past_end),
		cmocka_unit_test(test_segment_outside_partition),
		cmocka_unit_test(test_segment_in_hole),
		cmocka_unit_test(test_filesz_gt_memsz),
		cmocka_unit_test(test_entry_outside_code),
		cmocka_unit_test(test_afterburn_records),
		cmocka_unit_test(test_no_sections_is_fine),
		cmocka_unit_test(test_no_ipvmm_section),
		cmocka_unit_test(test_every_truncation),
	};
	return cmocka_run_group_tests_name("guest_elf", tests, load, NULL);
}
