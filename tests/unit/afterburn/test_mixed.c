/*
 * The afterburner and its verifier on code they did not write (issue 16):
 * 16-bit code inside a 32-bit unit (record format 2: .afterburn16 and the
 * .afterburn.code16 ranges), the mnemonics added to the class table, and
 * data bytes inside a function (dead ranges after ud2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "classify.h"
#include "harness.h"

/* Burn SRC, assemble the output to OBJ; returns the verifier's problems. */
static int burn_verify(const char *src, const char *obj, struct ab_vstats *st, bool show)
{
	struct burned b;
	burn_text(src, &b);
	if (b.errors)
		fail_msg("afterburn refused the input: %s", b.err);
	assert_int_equal(assemble(b.out, b.outlen, obj), 0);
	burned_free(&b);
	return ab_verify(tmp_path(obj), show ? stderr : NULL, st);
}

/* The modes of all sites of OBJ, in address order, as a string "16 32 ...". */
static void site_bits(const char *obj, char *buf, size_t n)
{
	struct elf32 e;
	char err[128];
	struct ab_site_ref *s;
	unsigned bad;
	assert_int_equal(elf32_load(tmp_path(obj), &e, err, sizeof(err)), 0);
	size_t k = ab_sites(&e, &s, &bad), used = 0;
	assert_int_equal(bad, 0);
	buf[0] = 0;
	for (size_t i = 0; i < k && used + 4 < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%d", i ? " " : "", s[i].bits);
	free(s);
	elf32_free(&e);
}

/* A 32-bit guest with a real-mode AP trampoline: its sites are 16-bit
 * records, decoded as 16-bit code, beside the 32-bit ones; a section
 * switch in 16-bit mode and back keeps the mode. */
static void test_code16_trampoline(void **state)
{
	static const char src[] =
		"\t.text\nstart32:\tcli\n\tmovl %eax, %cr3\n"
		"\t.code16\ntramp:\tcli\n\txorw %ax, %ax\n\tmovw %ax, %ds\n"
		"\tlgdtl gdtr - tramp\n\tmovl %cr0, %eax\n\torl $1, %eax\n"
		"\tmovl %eax, %cr0\n"
		"\t.section .rodata\ngdtr:\t.word 0\n\t.long 0\n\t.text\n"
		"\tljmpl $0x08, $pm\n\t.code32\npm:\tmovw $0x10, %ax\n\tmovw %ax, %ss\n"
		"\tmovl $0, %esp\n\thlt\n";
	struct ab_vstats st;
	char bits[256];
	(void)state;
	assert_int_equal(burn_verify(src, "t16.o", &st, true), 0);
	assert_int_equal(st.records, 10);
	assert_int_equal(st.records16, 6);
	assert_true(st.insns16 >= 2);	/* xorw, orl */
	site_bits("t16.o", bits, sizeof(bits));
	assert_string_equal(bits, "32 32 16 16 16 16 16 16 32 32");
	/* The same code plainly assembled: the 16-bit instructions are found
	   in the sweep, but with no ranges they decode as 32-bit code; the
	   verifier then reports what a version-1 reader would. */
	assert_int_equal(assemble(src, strlen(src), "t16plain.o"), 0);
	assert_true(ab_verify(tmp_path("t16plain.o"), NULL, &st) > 0);
}

/* A 16-bit site recorded in .afterburn (what format 1 did) is refused,
 * and so is a 32-bit site in .afterburn16. */
static void test_code16_wrong_section(void **state)
{
	static const char *const srcs[] = {
		"\t.text\n\t.code16\n1:\tcli\n\tnop;nop;nop;nop;nop;nop\n2:\n"
		"\t.pushsection .afterburn; .long 1b, 2b; .popsection\n"
		"\t.pushsection .afterburn.code16; .long 1b, 2b; .popsection\n",
		"\t.text\n1:\tcli\n\tnop;nop;nop;nop;nop;nop\n2:\n"
		"\t.pushsection .afterburn16; .long 1b, 2b; .popsection\n",
	};
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct ab_vstats st;
		assert_int_equal(assemble(srcs[i], strlen(srcs[i]), "w16.o"), 0);
		assert_int_equal(ab_verify(tmp_path("w16.o"), NULL, &st), 1);
		assert_int_equal(st.bad_records, 1);
	}
}

/* .code16 inside a macro body: the mode is the assembler's at expansion
 * time, not where the text stands. */
static void test_code16_macro(void **state)
{
	static const char src[] =
		"\t.macro real_mode\n\t.code16\n\t.endm\n"
		"\t.text\n\tcli\n\treal_mode\n\tcli\n\tlret\n\t.code32\n\tsti\n";
	struct ab_vstats st;
	char bits[64];
	(void)state;
	assert_int_equal(burn_verify(src, "m16.o", &st, true), 0);
	site_bits("m16.o", bits, sizeof(bits));
	assert_string_equal(bits, "32 16 16 32");
}

/* gcc -m16 (.code16gcc, as Linux's arch/x86/boot) through gcc -B. */
static void test_code16gcc(void **state)
{
	char cmd[2048], c[600], o[600];
	struct ab_vstats st;
	(void)state;
	snprintf(c, sizeof(c), "%s", tmp_path("r.c"));
	snprintf(o, sizeof(o), "%s", tmp_path("r.o"));
	FILE *f = fopen(c, "w");
	assert_non_null(f);
	fputs("static const char msg[] = \"x\";\n"
	      "void r(void); void r(void)\n"
	      "{ for (const char *p = msg; *p; p++) asm volatile(\"outb %0, $0x80\" :: \"a\"(*p));\n"
	      "  asm volatile(\"cli; hlt\"); }\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "i686-linux-gnu-gcc -m16 -Os -B%s/ -c -o %s %s", AB_B_DIR, o, c);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ab_verify(o, stderr, &st), 0);
	assert_int_equal(st.records16, 3);
	assert_int_equal(st.records, 3);
	assert_true(st.insns16 > 0);
	/* gcc ends with ".section .note.GNU-stack": no range may refer to
	   it (Linux's setup.ld discards it; ld refuses such a reference). */
	snprintf(cmd, sizeof(cmd), "i686-linux-gnu-readelf -r %s | sed -n "
		 "'/rel.afterburn.code16/,/^$/p' | grep -q GNU-stack", o);
	assert_int_not_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "i686-linux-gnu-readelf -r %s | grep -q 'rel.afterburn.code16'", o);
	assert_int_equal(system(cmd), 0);
}

/* Data after a ud2: a signature ("xen": js; outsb if taken for code) is
 * a dead range, not an uncovered OUTS; code a branch reaches after it is
 * decoded again, so a raw cli there is still found. */
static void test_data_in_code(void **state)
{
	static const char xen[] =
		"\t.text\nf:\tjmp 3f\n\tud2\n\t.ascii \"xen\"\n3:\tcli\n\tret\n";
	static const char kvm[] =	/* KVM's forced-emulation prefix before a site */
		"\t.text\ng:\tud2\n\t.byte 0x6b, 0x76, 0x6d\n\tcpuid\n\tret\n";
	static const char raw[] =
		"\t.text\nh:\tjmp 3f\n\tud2\n\t.ascii \"xen\"\n3:\t.byte 0xfa\n\tret\n";
	struct ab_vstats st;
	(void)state;
	assert_int_equal(burn_verify(xen, "x.o", &st, true), 0);
	assert_int_equal(st.dead_ranges, 1);
	assert_int_equal(st.dead_bytes, 3);
	assert_int_equal(st.uncovered[AB_CLASS_OUTS], 0);
	assert_int_equal(st.covered[AB_CLASS_CLI], 1);
	assert_int_equal(burn_verify(kvm, "k.o", &st, true), 0);
	assert_int_equal(st.dead_ranges, 1);
	assert_int_equal(st.covered[AB_CLASS_CPUID], 1);
	assert_int_equal(burn_verify(raw, "r.o", &st, false), 1);
	assert_int_equal(st.uncovered[AB_CLASS_CLI], 1);
	assert_int_equal(st.dead_ranges, 1);
}

/* The mnemonics the class-table audit added, each padded as its class
 * and proven by the round trip (Capstone on input and output). */
static void test_new_mnemonics(void **state)
{
	static const struct { const char *text; int cls; } forms[] = {
		{ "xsaves (%eax)", AB_CLASS_PRIV }, { "xrstors 8(%ebx,%esi,4)", AB_CLASS_PRIV },
		{ "sysret", AB_CLASS_SYSENTER }, { "stac", AB_CLASS_PRIV }, { "clac", AB_CLASS_PRIV },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char src[128];
		struct ab_vstats st;
		snprintf(src, sizeof(src), "\t.text\n\t%s\n", forms[i].text);
		check_roundtrip(src, 1, &st);
		assert_int_equal(st.covered[forms[i].cls], 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code16_trampoline),
		cmocka_unit_test(test_code16_wrong_section),
		cmocka_unit_test(test_code16_macro),
		cmocka_unit_test(test_code16gcc),
		cmocka_unit_test(test_data_in_code),
		cmocka_unit_test(test_new_mnemonics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
