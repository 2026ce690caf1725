/*
 * Afterburner unit tests. Most cases go through check_roundtrip(): the
 * input and the afterburned output are assembled with the real assembler
 * and compared with Capstone, so a missed site, a changed instruction or
 * changed data fails the test whatever the afterburner believes.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>
#include <capstone/capstone.h>
#include "classify.h"
#include "harness.h"

#ifndef AB_TESTDIR
#define AB_TESTDIR "tests/unit/afterburn"
#endif

/* One spelling and the class it must land in. */
struct form {
	const char *text;
	int cls;
};

#define C(x) AB_CLASS_##x
static const struct form sensitive[] = {
	{ "cli", C(CLI) }, { "CLI", C(CLI) }, { "sti", C(STI) },
	{ "pushf", C(PUSHF) }, { "pushfl", C(PUSHF) }, { "pushfw", C(PUSHF) },
	{ "popf", C(POPF) }, { "popfl", C(POPF) }, { "popfw", C(POPF) },
	{ "iret", C(IRET) }, { "iretl", C(IRET) }, { "iretw", C(IRET) },
	{ "hlt", C(HLT) },
	{ "movl %eax, %cr0", C(MOV_CR) }, { "mov %cr2, %eax", C(MOV_CR) },
	{ "movl %cr3,%ebx", C(MOV_CR) }, { "mov %eax,%CR4", C(MOV_CR) },
	{ "movl %eax, %db7", C(MOV_DR) }, { "mov %dr6, %ecx", C(MOV_DR) },
	{ "movl %db0, %eax", C(MOV_DR) },
	{ "movl %eax, %fs", C(MOV_SEG) }, { "mov.s %eax, %ds", C(MOV_SEG) },
	{ "movl.d32 %eax, %cr0", C(MOV_CR) }, { "movw %ax, %ds", C(MOV_SEG) },
	{ "mov %cs, %eax", C(MOV_SEG) }, { "movw (%eax), %ss", C(MOV_SEG) },
	{ "mov %gs, 4(%esp)", C(MOV_SEG) }, { "movl %es,%edx", C(MOV_SEG) },
	{ "push %ds", C(PUSH_SEG) }, { "pushl %fs", C(PUSH_SEG) },
	{ "pushw %gs", C(PUSH_SEG) }, { "pushl %cs", C(PUSH_SEG) },
	{ "pop %es", C(POP_SEG) }, { "popl %ss", C(POP_SEG) }, { "popw %fs", C(POP_SEG) },
	{ "lds (%eax), %ebx", C(LOAD_FAR) }, { "les 4(%esi), %edi", C(LOAD_FAR) },
	{ "lfs (%eax), %ecx", C(LOAD_FAR) }, { "lgsl (%eax), %ecx", C(LOAD_FAR) },
	{ "lss 8(%esp), %esp", C(LOAD_FAR) },
	{ "lgdt (%eax)", C(DESC) }, { "lidtl 6(%ebx)", C(DESC) },
	{ "sgdt (%eax)", C(DESC) }, { "sidt 0x100", C(DESC) },
	{ "lldt %ax", C(SEGSYS) }, { "ltr %dx", C(SEGSYS) }, { "sldt %eax", C(SEGSYS) },
	{ "str %eax", C(SEGSYS) }, { "smsw %eax", C(SEGSYS) }, { "lmsw %ax", C(SEGSYS) },
	{ "lar %eax, %ebx", C(SEGCHK) }, { "lsl %eax, %ebx", C(SEGCHK) },
	{ "verr %ax", C(SEGCHK) }, { "verw (%eax)", C(SEGCHK) }, { "arpl %ax, %bx", C(SEGCHK) },
	{ "invlpg (%eax)", C(INVLPG) }, { "invlpg 0x1000(,%ebx,4)", C(INVLPG) },
	{ "invd", C(CACHE) }, { "wbinvd", C(CACHE) }, { "clts", C(CLTS) },
	{ "rdmsr", C(MSR) }, { "wrmsr", C(MSR) }, { "cpuid", C(CPUID) },
	{ "sysenter", C(SYSENTER) }, { "sysexit", C(SYSENTER) },
	{ "rdpmc", C(PRIV) }, { "clac", C(PRIV) }, { "stac", C(PRIV) },
	{ "monitor", C(PRIV) }, { "mwait", C(PRIV) }, { "xsetbv", C(PRIV) },
	{ "ljmp $0x10, $0x1000", C(FAR_JMP) }, { "ljmp *(%eax)", C(FAR_JMP) },
	{ "ljmpw *(%eax)", C(FAR_JMP) }, { "jmp $0x08, $0x2000", C(FAR_JMP) },
	{ "lcall $0x10, $0x1000", C(FAR_CALL) }, { "lcall *4(%ebx)", C(FAR_CALL) },
	{ "call $0x18, $0x3000", C(FAR_CALL) },
	{ "lret", C(FAR_RET) }, { "lret $8", C(FAR_RET) }, { "lretw", C(FAR_RET) },
	{ "in $0x60, %al", C(IN) }, { "inb $0x60, %al", C(IN) }, { "inw %dx, %ax", C(IN) },
	{ "inl (%dx), %eax", C(IN) }, { "in %dx, %al", C(IN) },
	{ "out %al, $0x80", C(OUT) }, { "outb %al, %dx", C(OUT) }, { "outw %ax, (%dx)", C(OUT) },
	{ "outl %eax, $0x20", C(OUT) },
	{ "insb", C(INS) }, { "insw", C(INS) }, { "insl", C(INS) },
	{ "ins (%dx), %es:(%edi)", C(INS) }, { "rep insb", C(INS) },
	{ "outsb", C(OUTS) }, { "outsl", C(OUTS) }, { "rep outsw", C(OUTS) },
	{ "outs %ds:(%esi), (%dx)", C(OUTS) },
};

static const char *const harmless[] = {
	"mov %fs:4(%eax), %eax", "movl %gs:0x14, %ecx", "pushl %fs:(%eax)",
	"popl %es:8(%ebx)", "int $0x80", "int3", "int $3", "rdtsc",
	"movl %eax, %ebx", "pushl %eax", "popl %ebp", "jmp 1f", "call *%eax",
	"jmp *(%eax)", "call 1f", "1: nop", "lea 4(%esp), %esp", "movl $cli, %eax",
	"movl sti, %eax", "ret", "ret $4", "xchg %eax, %eax", "movw %ss:(%esi), %ax",
	"incl (%eax)", "sti = 1", ".set cli, 2", "cli == 3", "movsb", "rep movsl",
	"lock incl (%eax)", "stosb", "mov $'#', %al", "cmpb $';', %bl",
	".byte 0x90", "movl %esp, %ebp", "leave",
};

/* Every spelling becomes exactly one site of its class. */
static void test_every_form(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(sensitive) / sizeof(*sensitive); i++) {
		char src[256];
		struct ab_vstats st;
		snprintf(src, sizeof(src), "\t.text\nf:\t%s\n\tret\n", sensitive[i].text);
		check_roundtrip(src, 1, &st);
		if (st.covered[sensitive[i].cls] != 1)
			fail_msg("'%s' is not a %s site", sensitive[i].text,
				 ab_classes[sensitive[i].cls].name);
	}
}

/* Non-sensitive statements pass through byte for byte. */
static void test_harmless_untouched(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(harmless) / sizeof(*harmless); i++) {
		char src[256];
		struct burned b;
		snprintf(src, sizeof(src), "\t.text\n\t%s\n1:\tret\n", harmless[i]);
		burn_text(src, &b);
		assert_int_equal(b.errors, 0);
		if (b.outlen != strlen(src) || memcmp(b.out, src, b.outlen))
			fail_msg("'%s' was changed:\n%s", harmless[i], b.out);
		burned_free(&b);
		check_roundtrip(src, 0, NULL);
	}
}

/* All spellings together, as one file: the class counts add up. */
static void test_all_forms_one_file(void **state)
{
	char *src = malloc(16384);
	size_t n = 0;
	unsigned want[AB_CLASS_COUNT] = { 0 };
	struct ab_vstats st;
	(void)state;
	n += (size_t)sprintf(src + n, "\t.text\nf:\n");
	for (size_t i = 0; i < sizeof(sensitive) / sizeof(*sensitive); i++) {
		n += (size_t)sprintf(src + n, "\t%s\n", sensitive[i].text);
		want[sensitive[i].cls]++;
	}
	for (size_t i = 0; i < sizeof(harmless) / sizeof(*harmless); i++)
		if (strchr(harmless[i], '=') == NULL && strncmp(harmless[i], ".set", 4) &&
		    strncmp(harmless[i], "1:", 2))
			n += (size_t)sprintf(src + n, "\t%s\n", harmless[i]);
	n += (size_t)sprintf(src + n, "1:\tret\n");
	check_roundtrip(src, (int)(sizeof(sensitive) / sizeof(*sensitive)), &st);
	for (int c = 0; c < AB_CLASS_COUNT; c++)
		assert_int_equal(st.covered[c], want[c]);
	free(src);
}

/* Prefixes on the same line, after ';', after '/', on the line before. */
static void test_prefixes(void **state)
{
	(void)state;
	check_roundtrip("\t.text\n\trep insb\n\trep; outsl\n\trep/insw\n"
			"\trep\n\tinsl\n"
			"\trepne\n# a comment between\n\n\toutsb\n"
			"\tdata16 outsl\n\tlock\n\tnop\n"
			"\t{disp32} movl %eax, %cr3\n"
			"\trepz /* c */ insb\n", 8, NULL);
}

/* Nothing inside comments or strings is code. */
static void test_comments_strings(void **state)
{
	(void)state;
	check_roundtrip("\t.text\n"
			"\tcli # sti; pushf\n"
			"\t/* sti; hlt */ cli\n"
			"/ hlt at column 0 is a comment\n"
			"\t// so is this hlt, after blanks\n"
			"\tcli; / and after ';' hlt\n"
			"lbl: / and after a label hlt\n"
			"\tmovl $4/2, %eax; movl $4 / 2, %ebx\n"
			"\t/* hlt\n\t   sti */\n"
			"\tnop /* cli */ ; sti\n"
			"\tmovb $';', %al; hlt\n"
			"\tmovb $'#', %al; hlt\n"
			"\t.section .rodata\n"
			"\t.ascii \"cli; sti # hlt\"\n"
			"\t.asciz \"\\\"; cli; \\\\\"\n"
			"\t.byte 'c, 'l, 'i'\n", 6, NULL);
}

/* Several statements per line, with labels. */
static void test_multi_statement(void **state)
{
	(void)state;
	check_roundtrip("\t.text\n"
			"a: cli; b: sti; pushf ; popf;hlt\n"
			"\"quoted label\": cli\n"
			"1: movl %eax, %cr0; 2: jmp 1b; jmp 2b; pushl %ds; popl %ds\n", 9, NULL);
}

/* Bodies: .macro, .rept, .irp, nesting, \@ and parameters. */
static void test_macros(void **state)
{
	(void)state;
	check_roundtrip("\t.text\n"
			"\t.macro SAVE\n\tpushl %ds\n\tpushl %es\n\tcli\n\t.endm\n"
			"\tSAVE\n\tSAVE\n\tSAVE\n"
			"\t.rept 4\n\tsti\n\t.endr\n"
			"\t.irp r, eax, ebx\n\tpushl %\\r\n\tpopf\n\t.endr\n"
			"\t.macro OUTER n\n\t.rept \\n\n\thlt\n\t.endr\n.Lx\\@: cli\n\t.endm\n"
			"\tOUTER 2\n\tOUTER 3\n", 3 * 3 + 4 + 2 + 5 + 2, NULL);
	/* a macro named like an instruction wins until it is purged */
	check_roundtrip("\t.text\n\t.macro cli\n\tnop\n\t.endm\n\tcli\n\tCLI\n"
			"\t.purgem cli\n\tcli\n", 1, NULL);
}

/* Parameters that are instructions or registers: decided per expansion. */
static void test_macro_params(void **state)
{
	struct ab_vstats st;
	(void)state;
	check_roundtrip("\t.text\n"
			"\t.macro op_safe op\n1:\t\\op\n2:\tret\n\t.endm\n"
			"\top_safe rdmsr\n\top_safe wrmsr\n\top_safe nop\n"
			"\t.macro PUSHSEG reg\n\tpushl \\reg\n\t.endm\n"
			"\tPUSHSEG %eax\n\tPUSHSEG %fs\n\tPUSHSEG %GS\n"
			"\t.irp s, %ds, %es, %ebx\n\tpushl \\s\n\tmovl \\s, %eax\n\t.endr\n"
			"\t.macro MOVE src, dst\n\tmovl \\src, \\dst\n\t.endm\n"
			"\tMOVE %eax, %cr3\n\tMOVE %eax, %ebx\n\tMOVE %dr7, %eax\n"
			"\t.macro ALT old, new\n\t\\old\n\t.endm\n"
			"\tALT \"cli\", \"x\"\n\tALT \"jmp 1f\", \"x\"\n\tALT \"\", \"x\"\n"
			"\tALT \"movl %esp, %ebp; sysenter\", \"\"\n"
			"\tALT \"pushl %fs; popl %gs\", \"\"\n1:\n", 14, &st);
	assert_int_equal(st.covered[AB_CLASS_SYSENTER], 1);
	assert_int_equal(st.covered[AB_CLASS_POP_SEG], 1);
	assert_int_equal(st.covered[AB_CLASS_MSR], 2);
	assert_int_equal(st.covered[AB_CLASS_PUSH_SEG], 5);
	assert_int_equal(st.covered[AB_CLASS_MOV_SEG], 2);
	assert_int_equal(st.covered[AB_CLASS_MOV_CR], 1);
	assert_int_equal(st.covered[AB_CLASS_MOV_DR], 1);
	assert_int_equal(st.covered[AB_CLASS_CLI], 1);
}

/* Compiler output with inline asm between #APP and #NO_APP. */
static void test_app_blocks(void **state)
{
	(void)state;
	check_roundtrip("\t.file\t\"x.c\"\n\t.text\n\t.globl\tf\n\t.type\tf, @function\nf:\n"
			"#APP\n# 3 \"x.c\" 1\n\tpushfl; popl %eax\n# 0 \"\" 2\n#NO_APP\n"
			"\tmovl\t%eax, %edx\n"
			"#APP\n# 4 \"x.c\" 1\n\tcli\n\toutb %al, $0x80\n# 0 \"\" 2\n#NO_APP\n"
			"\tret\n\t.size\tf, .-f\n", 3, NULL);
}

/* The off/on directives: the region is left alone, the symbol never
 * reaches the object, the rest is annotated. */
static void test_off_on(void **state)
{
	struct burned b;
	(void)state;
	const char *src = "\t.text\n\tcli\n\t.set .L__afterburn, 0\n\tcli\n\tsti\n"
			  "\t.set .L__afterburn, 1\n\tsti\n";
	burn_text(src, &b);
	assert_int_equal(b.errors, 0);
	assert_int_equal(b.sites, 2);
	assert_non_null(strstr(b.out, "\n\tcli\n\tsti\n\t.set .L__afterburn, 1\n"));
	assert_int_equal(assemble(b.out, b.outlen, "offon.o"), 0);
	struct ab_vstats st;
	assert_int_equal(ab_verify(tmp_path("offon.o"), NULL, &st), 2);
	assert_int_equal(st.covered[AB_CLASS_CLI] + st.covered[AB_CLASS_STI], 2);
	assert_int_equal(st.uncovered[AB_CLASS_CLI] + st.uncovered[AB_CLASS_STI], 2);
	struct elf32 e;
	char err[128];
	assert_int_equal(elf32_load(tmp_path("offon.o"), &e, err, sizeof(err)), 0);
	for (unsigned i = 0; i < e.nsyms; i++)
		assert_null(strstr(elf32_symname(&e, &e.syms[i]), "afterburn"));
	elf32_free(&e);
	burned_free(&b);
}

/* Each malformed input is an error naming the file and line. */
static void test_errors(void **state)
{
	static const struct {
		const char *src, *where, *what;
	} cases[] = {
		{ "\tnop\n\t.ascii \"abc\n\tcli\n", "test.s:2:", "unterminated string" },
		{ "\tnop\n\tnop /* cli\n\tsti\n", "test.s:2:", "unterminated comment" },
		{ "\t.include \"x.s\"\n", "test.s:1:", ".include" },
		{ "\n\t.intel_syntax noprefix\n", "test.s:2:", "intel_syntax" },
		{ "\t.insn 0x0f\n", "test.s:1:", ".insn" },
		{ "\t.macro A x\n\t\\x\n\t.endm\n\tA \"pushl %fs; \\\"\"\n", "test.s:4:",
		  "macro 'a'" },
		{ "\t.macro A x\n\t\\x\n\t.endm\n\tA CLI\n", "test.s:4:", "argument 'CLI'" },
		{ "\t.irp i, \"cli; sti\"\n\t\\i\n\t.endr\n", "test.s:1:", ".irp" },
		{ "\t.endm\n", "test.s:1:", ".endm" },
		{ "\tnop\n\t*cli\n", "test.s:2:", "cannot parse" },
		{ "\trep\nx:\tinsb\n", "test.s:2:", "label between" },
		{ "\t.endr\n", "test.s:1:", ".endr" },
		{ "\tnop\n\t.macro A\n\tcli\n", "test.s:2:", "not closed" },
		{ ".L_sensitive_4: cli\n", "test.s:1:", "already afterburned" },
		{ "\t.set .L__afterburn, 0\n\t.set .L__afterburn, 0\n", "test.s:2:",
		  "already switched off at test.s:1" },
		{ "\t.set .L__afterburn, 2\n", "test.s:1:", "malformed afterburn directive" },
		{ "# 40 \"orig.S\"\n\tnop\n\t.ascii \"x\n", "orig.S:41:", "unterminated" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct burned b;
		burn_text(cases[i].src, &b);
		if (b.errors == 0 || !strstr(b.err, cases[i].where) || !strstr(b.err, cases[i].what))
			fail_msg("case %zu: expected '%s ... %s', got:\n%s", i, cases[i].where,
				 cases[i].what, b.err ? b.err : "(nothing)");
		burned_free(&b);
	}
}

/* Labels are unique in a unit and safe in bodies: a file with many sites
 * in and out of bodies assembles (checked by check_roundtrip) and names
 * no label twice. */
static void test_labels(void **state)
{
	struct burned b;
	(void)state;
	const char *src = "\t.text\n\tcli\n\tcli\n\t.rept 3\n\tcli\n\t.endr\n\tcli\n";
	burn_text(src, &b);
	assert_non_null(strstr(b.out, ".L_sensitive_0: cli"));
	assert_non_null(strstr(b.out, ".L_sensitive_2: cli"));
	assert_non_null(strstr(b.out, ".L_sensitive_4: cli"));
	assert_non_null(strstr(b.out, "98100: cli"));
	assert_null(strstr(b.out, ".L_sensitive_6"));
	burned_free(&b);
	check_roundtrip(src, 6, NULL);
}

/* Line numbers are kept: the output has exactly as many lines. */
static void test_lines_kept(void **state)
{
	struct burned b;
	(void)state;
	const char *src = "\t.text\n\tcli; sti\n\t.rept 2\n\thlt\n\t.endr\n\tpushl %fs\n";
	burn_text(src, &b);
	size_t nl_in = 0, nl_out = 0;
	for (const char *p = src; *p; p++)
		nl_in += *p == '\n';
	for (size_t i = 0; i < b.outlen; i++)
		nl_out += b.out[i] == '\n';
	assert_int_equal(nl_in, nl_out);
	burned_free(&b);
}

static char *slurp(const char *path, size_t *len)
{
	return ab_read_file(path, len);
}

/* The golden input gives exactly the committed output. */
static void test_golden(void **state)
{
	size_t il, ol;
	char *in = slurp(AB_TESTDIR "/golden.s", &il);
	char *want = slurp(AB_TESTDIR "/golden.expected.s", &ol);
	struct burned b;
	(void)state;
	assert_non_null(in);
	assert_non_null(want);
	in = realloc(in, il + 1);
	in[il] = 0;
	burn_text(in, &b);
	assert_int_equal(b.errors, 0);
	if (b.outlen != ol || memcmp(b.out, want, ol))
		fail_msg("golden output differs; got:\n%s", b.out);
	check_roundtrip(in, -1, NULL);
	burned_free(&b);
	free(in);
	free(want);
}

/* Inputs the fuzzer once found troublesome: no crash, nothing of the
 * input lost, and the output assembles whenever the input does. */
static void test_regressions(void **state)
{
	DIR *d = opendir(AB_TESTDIR "/regress");
	struct dirent *de;
	int n = 0;
	(void)state;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[600];
		size_t len;
		struct burned b;
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "README"))
			continue;
		snprintf(path, sizeof(path), AB_TESTDIR "/regress/%s", de->d_name);
		char *in = slurp(path, &len);
		assert_non_null(in);
		in = realloc(in, len + 1);
		in[len] = 0;
		burn_buf(in, len, &b);
		if (b.errors == 0) {	/* afterburn only inserts */
			size_t j = 0;
			for (size_t i = 0; i < b.outlen && j < len; i++)
				j += b.out[i] == in[j];
			if (j != len)
				fail_msg("%s: output lost input bytes", de->d_name);
		}
		if (b.errors == 0 && memchr(in, 0, len) == NULL &&
		    assemble(in, len, "reg-plain.o") == 0)
			assert_int_equal(assemble(b.out, b.outlen, "reg-burned.o"), 0);
		burned_free(&b);
		free(in);
		n++;
	}
	closedir(d);
	print_message("%d regression inputs\n", n);
}

/* gcc -B build/afterburn-b/ really runs the afterburner, for C and .S. */
static void test_gcc_b(void **state)
{
	char cmd[4096], gc[600], go[600], hs[600], ho[600], h0[600];
	struct ab_vstats st;
	(void)state;
	snprintf(gc, sizeof(gc), "%s", tmp_path("g.c"));
	snprintf(go, sizeof(go), "%s", tmp_path("g.o"));
	snprintf(hs, sizeof(hs), "%s", tmp_path("h.S"));
	snprintf(ho, sizeof(ho), "%s", tmp_path("h.o"));
	snprintf(h0, sizeof(h0), "%s", tmp_path("h0.o"));
	FILE *f = fopen(gc, "w");
	assert_non_null(f);
	fputs("static inline void outb(unsigned char v, unsigned short p)\n"
	      "{ asm volatile(\"outb %0, %1\" :: \"a\"(v), \"Nd\"(p)); }\n"
	      "unsigned long g(void); unsigned long g(void)\n"
	      "{ unsigned long f; asm volatile(\"pushfl; popl %0; cli\" : \"=r\"(f));\n"
	      "  outb(1, 0x80); return f; }\n", f);
	fclose(f);
	f = fopen(hs, "w");
	assert_non_null(f);
	fputs("#define LOAD_CR3(r) movl r, %cr3\n.text\nh:\tLOAD_CR3(%eax)\n\tiret\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "i686-linux-gnu-gcc -B%s/ -O2 -c -o %s %s", AB_B_DIR, go, gc);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ab_verify(go, stderr, &st), 0);
	assert_int_equal(st.covered[AB_CLASS_PUSHF], 1);
	assert_int_equal(st.covered[AB_CLASS_CLI], 1);
	assert_int_equal(st.covered[AB_CLASS_OUT], 1);
	snprintf(cmd, sizeof(cmd), "i686-linux-gnu-gcc -B%s/ -c -o %s %s", AB_B_DIR, ho, hs);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ab_verify(ho, stderr, &st), 0);
	assert_int_equal(st.covered[AB_CLASS_MOV_CR], 1);
	assert_int_equal(st.covered[AB_CLASS_IRET], 1);
	/* the off/on directives survive cpp in .S and work from C inline asm */
	f = fopen(hs, "w");
	assert_non_null(f);
	fputs("#include \"afterburn_classes.h\"\n.text\nh:\tcli\n\tAFTERBURN_OFF_ASM\n"
	      "\tcli\n\tAFTERBURN_ON_ASM\n\tsti\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "i686-linux-gnu-gcc -I%s -B%s/ -c -o %s %s", AB_INCLUDE_DIR,
		 AB_B_DIR, ho, hs);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ab_verify(ho, NULL, &st), 1);
	assert_int_equal(st.covered[AB_CLASS_CLI] + st.covered[AB_CLASS_STI], 2);
	assert_int_equal(st.uncovered[AB_CLASS_CLI], 1);
	f = fopen(gc, "w");
	assert_non_null(f);
	fputs("#include \"afterburn_classes.h\"\nvoid k(void); void k(void)\n"
	      "{ asm volatile(\"cli\\n\" AFTERBURN_OFF \"\\n\\tcli\\n\" AFTERBURN_ON \"\\n\\tsti\"); }\n",
	      f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "i686-linux-gnu-gcc -I%s -B%s/ -O2 -ffreestanding -c -o %s %s",
		 AB_INCLUDE_DIR, AB_B_DIR, go, gc);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ab_verify(go, NULL, &st), 1);
	assert_int_equal(st.covered[AB_CLASS_CLI] + st.covered[AB_CLASS_STI], 2);
	assert_int_equal(st.uncovered[AB_CLASS_CLI], 1);
	/* the directives are harmless to the plain assembler */
	snprintf(cmd, sizeof(cmd), "i686-linux-gnu-gcc -I%s -c -o %s %s", AB_INCLUDE_DIR, h0, hs);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ab_verify(h0, NULL, &st), 3);
	f = fopen(hs, "w");
	assert_non_null(f);
	fputs("#define LOAD_CR3(r) movl r, %cr3\n.text\nh:\tLOAD_CR3(%eax)\n\tiret\n", f);
	fclose(f);
	/* without -B nothing is annotated, so the check above can fail */
	snprintf(cmd, sizeof(cmd), "i686-linux-gnu-gcc -c -o %s %s", h0, hs);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ab_verify(h0, NULL, &st), 2);
}

/* The assembler wrapper: keeps intermediates on request, honours
 * AFTERBURN_REAL_AS, and never runs the assembler on input it refused. */
static void test_afterburn_as(void **state)
{
	char cmd[4096], src[600], bad[600], obj[600], keep[600];
	struct ab_vstats st;
	(void)state;
	snprintf(src, sizeof(src), "%s", tmp_path("w.s"));
	snprintf(bad, sizeof(bad), "%s", tmp_path("wbad.s"));
	snprintf(obj, sizeof(obj), "%s", tmp_path("w.o"));
	snprintf(keep, sizeof(keep), "%s", tmp_path("keep"));
	FILE *f = fopen(src, "w");
	assert_non_null(f);
	fputs("\t.text\n\tcli\n\tinb $0x60, %al\n", f);
	fclose(f);
	f = fopen(bad, "w");
	assert_non_null(f);
	fputs("\t.ascii \"open\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "AFTERBURN_KEEP=%s %s/as --32 -o %s %s", keep, AB_B_DIR, obj, src);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ab_verify(obj, stderr, &st), 0);
	assert_int_equal(st.covered[AB_CLASS_CLI] + st.covered[AB_CLASS_IN], 2);
	snprintf(cmd, sizeof(cmd), "ls %s | grep -c '\\.ab\\.s$\\|\\.in0\\.s$' | grep -qx 2", keep);
	assert_int_equal(system(cmd), 0);
	/* the real assembler is the one named by AFTERBURN_REAL_AS */
	snprintf(cmd, sizeof(cmd), "AFTERBURN_REAL_AS=false %s/as --32 -o %s %s", AB_B_DIR, obj, src);
	assert_int_not_equal(system(cmd), 0);
	/* refused input: exit 1, no object */
	unlink(obj);
	snprintf(cmd, sizeof(cmd), "%s/as --32 -o %s %s 2>/dev/null", AB_B_DIR, obj, bad);
	assert_int_not_equal(system(cmd), 0);
	assert_int_not_equal(access(obj, F_OK), 0);
	/* AFTERBURN_EXCLUDE: a matching object is assembled untouched */
	snprintf(cmd, sizeof(cmd), "AFTERBURN_EXCLUDE='*/nomatch.o:*/w.o' %s/as --32 -o %s %s",
		 AB_B_DIR, obj, src);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ab_verify(obj, NULL, &st), 2);
	assert_int_equal(st.uncovered[AB_CLASS_CLI] + st.uncovered[AB_CLASS_IN], 2);
	/* standard input, as with gcc -pipe */
	snprintf(cmd, sizeof(cmd), "%s/as --32 -o %s < %s", AB_B_DIR, obj, src);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ab_verify(obj, stderr, &st), 0);
}

/* Capstone's "mnemonic op_str" of the instruction at OFF of section SEC. */
static int insn_at(const struct elf32 *e, unsigned sec, uint32_t off, char *buf, size_t n)
{
	csh h;
	cs_insn *in;
	const uint8_t *code = elf32_secdata(e, sec);
	uint32_t size = e->sh[sec].sh_size;
	assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_32, &h), CS_ERR_OK);
	cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	size_t got = off < size ? cs_disasm(h, code + off, size - off, off, 1, &in) : 0;
	int len = 0;
	if (got) {
		snprintf(buf, n, "%s%s%s", in[0].mnemonic, in[0].op_str[0] ? " " : "",
			 in[0].op_str);
		len = in[0].size;
		cs_free(in, got);
	} else {
		snprintf(buf, n, "(none)");
	}
	cs_close(&h);
	return len;
}

/* IN holds one site of an interrupt-shadow instruction SHADOW (Capstone's
 * text) followed by SUCC. Assert the record covers nops + SHADOW, that
 * SHADOW ends the record and SUCC follows it immediately. */
static void check_shadow(const char *in, const char *shadow, const char *succ)
{
	struct burned b;
	struct elf32 e;
	struct ab_site_ref *sites;
	unsigned bad;
	char err[128], text[256];
	check_roundtrip(in, -1, NULL);	/* Capstone equivalence + verify */
	burn_text(in, &b);
	assert_int_equal(b.errors, 0);
	assert_int_equal(assemble(b.out, b.outlen, "shadow.o"), 0);
	assert_int_equal(elf32_load(tmp_path("shadow.o"), &e, err, sizeof(err)), 0);
	size_t n = ab_sites(&e, &sites, &bad);
	assert_int_equal(bad, 0);
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *code = elf32_secdata(&e, sites[i].sec);
		uint32_t at = sites[i].start;
		while (at < sites[i].end && code[at] == AFTERBURN_NOP)
			at++;
		int len = insn_at(&e, sites[i].sec, at, text, sizeof(text));
		if (strcmp(text, shadow)) {
			print_message("site %zu holds '%s'\n", i, text);
			continue;
		}
		found++;
		/* nops first, at least the class's padding, then the instruction */
		struct ab_opinfo oi;
		size_t ml = strcspn(shadow, " ");
		ab_opinfo_from_text(shadow + ml, strlen(shadow + ml), &oi);
		int cls = ab_classify(shadow, ml, &oi);
		assert_true(cls >= 0);
		assert_true(ab_pad_before(cls, &oi));
		assert_true((int)(sites[i].end - sites[i].start) >= ab_classes[cls].rewrite);
		assert_true(at > sites[i].start);
		assert_int_equal(at + (uint32_t)len, sites[i].end);
		insn_at(&e, sites[i].sec, sites[i].end, text, sizeof(text));
		if (strcmp(text, succ))
			fail_msg("'%s' is followed by '%s', not '%s':\n%s", shadow, text, succ, b.out);
	}
	assert_int_equal(found, 1);
	free(sites);
	elf32_free(&e);
	burned_free(&b);
}

/* Interrupt-shadow instructions (sti, loads of %ss) keep their successor
 * adjacent: the padding goes before them. */
static void test_shadow(void **state)
{
	(void)state;
	check_shadow("\t.text\n\tsti; hlt\n", "sti", "hlt");
	check_shadow("\t.text\n\tsti\n\tsysexit\n", "sti", "sysexit");
	check_shadow("\t.text\n\tsti; mwait\n", "sti", "mwait");
	check_shadow("\t.text\n\tmovl %eax,%ss; movl %ebx,%esp\n", "movl %eax, %ss",
		     "movl %ebx, %esp");
	check_shadow("\t.text\n\tmovw (%eax), %ss\n\tmovl %ebx,%esp\n", "movw (%eax), %ss",
		     "movl %ebx, %esp");
	check_shadow("\t.text\n\tpopl %ss\n\tmovl %ebx,%esp\n", "popl %ss", "movl %ebx, %esp");
	check_shadow("\t.text\nfoo:\trep; sti\n\tret\n", "sti", "retl");	/* prefix in the site */
	/* decided per macro expansion: the same placement */
	check_shadow("\t.text\n\t.macro M op\n\t\\op\n\thlt\n\t.endm\n\tM sti\n", "sti", "hlt");
	check_shadow("\t.text\n\t.macro S a, b\n\tmovl \\a, \\b\n\tmovl %ebx, %esp\n\t.endm\n"
		     "\tS %eax, %ss\n", "movl %eax, %ss", "movl %ebx, %esp");
	check_shadow("\t.text\n\t.macro P r\n\tpopl \\r\n\tmovl %ebx, %esp\n\t.endm\n"
		     "\tP %SS\n", "popl %ss", "movl %ebx, %esp");
	check_shadow("\t.text\n\t.macro ALT old\n\t\\old\n\t.endm\n"
		     "\tALT \"sti; sysexit\"\n", "sti", "sysexit");

	/* no shadow, padded after: reading %ss, lss, a %ss operand that is
	   the source, the %ss parameter as the source */
	const char *after[] = {
		"\t.text\n\tmovl %ss, %eax\n", "\t.text\n\tpushl %ss\n",
		"\t.text\n\tlss (%eax), %esp\n", "\t.text\n\tcli\n",
		"\t.text\n\tmovl %ss:(%eax), %ebx\n\tcli\n",
		"\t.text\n\t.macro S a, b\n\tmovl \\a, \\b\n\t.endm\n\tS %ss, %eax\n",
	};
	for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		struct burned b;
		struct elf32 e;
		struct ab_site_ref *sites;
		unsigned bad;
		char err[128];
		check_roundtrip(after[i], 1, NULL);
		burn_text(after[i], &b);
		assert_int_equal(assemble(b.out, b.outlen, "after.o"), 0);
		assert_int_equal(elf32_load(tmp_path("after.o"), &e, err, sizeof(err)), 0);
		assert_int_equal(ab_sites(&e, &sites, &bad), 1);
		const uint8_t *code = elf32_secdata(&e, sites[0].sec);
		assert_int_not_equal(code[sites[0].start], AFTERBURN_NOP);
		assert_int_equal(code[sites[0].end - 1], AFTERBURN_NOP);
		free(sites);
		elf32_free(&e);
		burned_free(&b);
	}
}

/* The verifier accepts nops before exactly the shadow forms, and only
 * nops. Records written by hand. */
static void test_verify_shadow_layout(void **state)
{
	static const struct { const char *body; int problems; } cases[] = {
		{ "nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; sti", 0 },
		{ "nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; popl %ss", 0 },
		/* the old layout: padding between sti and its successor */
		{ "sti; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop", 1 },
		{ "movl %eax, %ss; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop", 1 },
		/* nops before an instruction without a shadow */
		{ "nop; nop; nop; nop; nop; nop; cli", 1 },
		{ "nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; lss (%eax), %esp", 1 },
		/* padding that is not one-byte nops, before sti */
		{ ".byte 0x66, 0x90; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; sti", 1 },
		{ "movl %eax, %eax; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; sti", 1 },
		/* too short */
		{ "nop; nop; nop; sti", 1 },
		/* only nops */
		{ "nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop; nop", 1 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char src[1024];
		struct ab_vstats st;
		snprintf(src, sizeof(src), "\t.text\n1:\t%s\n2:\thlt\n"
			 "\t.pushsection .afterburn; .long 1b; .long 2b; .popsection\n"
			 "\t.set .L__x, 0\n", cases[i].body);
		/* the trailing hlt is uncovered on purpose: one problem more */
		assert_int_equal(assemble(src, strlen(src), "lay.o"), 0);
		int got = ab_verify(tmp_path("lay.o"), NULL, &st);
		if (got != cases[i].problems + 1)
			fail_msg("case %zu '%s': %d problems, expected %d", i, cases[i].body,
				 got, cases[i].problems + 1);
		assert_int_equal(st.uncovered[AB_CLASS_HLT], 1);
	}
}

/* Run the afterburn binary on refused input with -o PATH. */
static int burn_bad_to(const char *bin, const char *out, const char *extra)
{
	char cmd[2048], bad[600];
	snprintf(bad, sizeof(bad), "%s", tmp_path("refused.s"));
	FILE *f = fopen(bad, "w");
	assert_non_null(f);
	fputs("\tcli\n\t.ascii \"open\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s %s %s %s 2>/dev/null", bin, extra, out, bad);
	return system(cmd);
}

/* On error, afterburn and afterburn-as never remove or replace -o's
 * path: not a device (it once deleted /dev/null when run as root), FIFO or
 * symlink, and a regular file keeps its old contents. */
static void test_output_kept(void **state)
{
	char bin[600], as[600], fifo[600], lnk[600], target[600], reg[600], dev[600];
	char cmd[2048], buf[64];
	struct stat st;
	(void)state;
	snprintf(bin, sizeof(bin), "%s/../bin/afterburn", AB_B_DIR);
	snprintf(as, sizeof(as), "%s/as --32", AB_B_DIR);
	snprintf(fifo, sizeof(fifo), "%s", tmp_path("out.fifo"));
	snprintf(lnk, sizeof(lnk), "%s", tmp_path("out.lnk"));
	snprintf(target, sizeof(target), "%s", tmp_path("out.target"));
	snprintf(reg, sizeof(reg), "%s", tmp_path("out.reg"));
	snprintf(dev, sizeof(dev), "%s", tmp_path("out.null"));

	/* a FIFO: hold a reader open so the writer does not block */
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	int rd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_not_equal(burn_bad_to(bin, fifo, "-o"), 0);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	close(rd);

	/* a symlink stays the same symlink (writes go through it) */
	FILE *f = fopen(target, "w");
	assert_non_null(f);
	fputs("target\n", f);
	fclose(f);
	unlink(lnk);
	assert_int_equal(symlink(target, lnk), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_not_equal(burn_bad_to(i ? as : bin, lnk, "-o"), 0);
		assert_int_equal(lstat(lnk, &st), 0);
		assert_true(S_ISLNK(st.st_mode));
		ssize_t n = readlink(lnk, buf, sizeof(buf) - 1);
		assert_true(n > 0);
		buf[n] = 0;
		assert_string_equal(buf, target);
		assert_int_equal(lstat(target, &st), 0);
		assert_true(S_ISREG(st.st_mode));
	}

	/* a regular file: untouched on error, replaced on success, and no
	   temporary file is left beside it */
	f = fopen(reg, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	assert_int_not_equal(burn_bad_to(bin, reg, "-o"), 0);
	f = fopen(reg, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "old\n");
	snprintf(cmd, sizeof(cmd), "printf 'cli\\n' | %s -o %s", bin, reg);
	assert_int_equal(system(cmd), 0);
	f = fopen(reg, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_non_null(strstr(buf, "cli; nop"));
	snprintf(cmd, sizeof(cmd), "ls -a %s | grep -q afterburn-", tmp_path(""));
	assert_int_not_equal(system(cmd), 0);

	/* a character device like /dev/null (a private node, never the real
	   one; needs root, skipped otherwise) */
	unlink(dev);
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0) {
		assert_int_not_equal(burn_bad_to(bin, dev, "-o"), 0);
		assert_int_not_equal(burn_bad_to(as, dev, "-o"), 0);
		assert_int_equal(lstat(dev, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		unlink(dev);
	} else {
		print_message("mknod not permitted: character-device case skipped\n");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_form),
		cmocka_unit_test(test_harmless_untouched),
		cmocka_unit_test(test_all_forms_one_file),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_comments_strings),
		cmocka_unit_test(test_multi_statement),
		cmocka_unit_test(test_macros),
		cmocka_unit_test(test_macro_params),
		cmocka_unit_test(test_app_blocks),
		cmocka_unit_test(test_off_on),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_lines_kept),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_regressions),
		cmocka_unit_test(test_gcc_b),
		cmocka_unit_test(test_afterburn_as),
		cmocka_unit_test(test_shadow),
		cmocka_unit_test(test_verify_shadow_layout),
		cmocka_unit_test(test_output_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
