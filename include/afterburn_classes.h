/*
 * The sensitive-instruction classes: one X-macro table shared by the
 * afterburner (afterburn/), its coverage verifier and the IPVMM's site
 * rewriter. Each class names its mnemonics (every AT&T spelling GNU as
 * accepts and Capstone prints), how its operands decide membership, how
 * many one-byte nops the afterburner adds (after the instruction; before
 * it for the interrupt-shadow forms, see AFTERBURN_SHADOWS), and the
 * shortest encoding of any of its instructions. The comment above each row is the rewrite the
 * padding is sized for: shortest + pad >= rewrite length, so every site of
 * the class has room for it (checked by _Static_assert below).
 *
 * Usable from host C, freestanding C and (only the AFTERBURN_*_ASM
 * directives) preprocessed assembly.
 */
#ifndef AFTERBURN_CLASSES_H
#define AFTERBURN_CLASSES_H

/*
 * Switch annotation off and on for a region, e.g. code that runs before
 * the IPVMM exists. A plain assembler sees a harmless assignment to a
 * local (.L) symbol that never reaches the object file; the afterburner
 * recognises exactly these two spellings (see docs/afterburn.md). From C:
 * asm(AFTERBURN_OFF_ASM "\n"); from .S: AFTERBURN_OFF_ASM on its own line.
 */
#define AFTERBURN_OFF_ASM .set .L__afterburn, 0
#define AFTERBURN_ON_ASM  .set .L__afterburn, 1
#define AFTERBURN_STR_(...) #__VA_ARGS__
#define AFTERBURN_STR(...) AFTERBURN_STR_(__VA_ARGS__)
#define AFTERBURN_OFF     AFTERBURN_STR(AFTERBURN_OFF_ASM)
#define AFTERBURN_ON      AFTERBURN_STR(AFTERBURN_ON_ASM)

/*
 * Record format version 2 (docs/afterburn.md, "The record format"):
 * AFTERBURN_SECTION holds the sites assembled as 32-bit code, exactly as
 * in version 1; AFTERBURN_SECTION16 the sites assembled under .code16 or
 * .code16gcc (same record layout; the IPVMM counts and never rewrites
 * them: 16-bit code does not run under it); AFTERBURN_CODE16 the ranges
 * [start, end) of code assembled in 16-bit mode, so a disassembler knows
 * each byte's code size. A version-1 reader sees only AFTERBURN_SECTION.
 */
#define AFTERBURN_FORMAT_VERSION 2
#define AFTERBURN_SECTION   ".afterburn"
#define AFTERBURN_SECTION16 ".afterburn16"
#define AFTERBURN_CODE16    ".afterburn.code16"
#define AFTERBURN_NOP     0x90	/* the only padding byte a site may hold */

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * How the operands decide whether a mnemonic belongs to a class.
 * ANY: always. CR: an operand is %cr0-%cr15. DR: %db0-7, %dr0-7 or the
 * 386 test registers %tr3-7. SEG: an operand is a bare segment register
 * (%cs %ds %es %fs %gs %ss not followed by ':', which would be an
 * override). FAR: the l-spelling (ljmp, lcall) always, the plain
 * spelling only with two immediates ("jmp $sel, $off").
 */
enum afterburn_match {
	AB_MATCH_ANY,
	AB_MATCH_CR,
	AB_MATCH_DR,
	AB_MATCH_SEG,
	AB_MATCH_FAR,
};

/*
 * AB_CLASS(ID, match, pad, shortest, rewrite, "mnemonics")
 * A mnemonic may appear in several rows (mov, push, pop, jmp, call); the
 * first row whose match rule holds wins. Generic rewrite (slides):
 *   pushl %eax; lea OPERAND, %eax; call burn_X; popl %eax
 * is 1 + 7 (worst-case lea: disp32 + SIB) + 5 + 1 = 14 bytes.
 */
#define AFTERBURN_CLASSES(AB_CLASS) \
	/* movb $0, vcpu_if                        (c6 05 abs32 00: 7) */ \
	AB_CLASS(CLI,      AB_MATCH_ANY,     6, 1,  7, "cli") \
	/* movb $1, vcpu_if; call *vcpu_sti_hook   (7 + ff 15 abs32: 13);
	   the hook is a bare ret unless an interrupt is pending */ \
	AB_CLASS(STI,      AB_MATCH_ANY,    12, 1, 13, "sti") \
	/* pushl %eax; call burn_pushf             (1 + 5: 6) */ \
	AB_CLASS(PUSHF,    AB_MATCH_ANY,     5, 1,  6, \
		"pushf pushfl pushfw pushfd") \
	/* inline: pushl (%esp); andl $EF_VIRT,(%esp); popl veflags (3+7+6);
	   andl $mask,(%esp); testb $2,1(%esp); setnz vif (7+5+7);
	   cmpl $burn_sti_ret,sti_hook; je 1f; call burn_popf; 1: popfl
	   (10+2+5+1): 53 (ipvmm/rewrite.c build_popf, RW_LEN_POPF) */ \
	AB_CLASS(POPF,     AB_MATCH_ANY,    52, 1, 53, \
		"popf popfl popfw popfd") \
	/* jmp burn_iret                           (5) */ \
	AB_CLASS(IRET,     AB_MATCH_ANY,     4, 1,  5, \
		"iret iretl iretw iretd") \
	/* call burn_hlt                           (5) */ \
	AB_CLASS(HLT,      AB_MATCH_ANY,     4, 1,  5, "hlt") \
	/* pushl $port|dx-marker; call burn_in_X; lea 4(%esp),%esp (2+5+4=11,
	   sized 12); shortest is "in (%dx),%al" (1 byte) */ \
	AB_CLASS(IN,       AB_MATCH_ANY,    11, 1, 12, "in inb inw inl") \
	AB_CLASS(OUT,      AB_MATCH_ANY,    11, 1, 12, "out outb outw outl") \
	AB_CLASS(INS,      AB_MATCH_ANY,    11, 1, 12, \
		"ins insb insw insl insd") \
	AB_CLASS(OUTS,     AB_MATCH_ANY,    11, 1, 12, \
		"outs outsb outsw outsl outsd") \
	/* generic: pushl %eax; lea/mov operand; call burn_mov_{to,from}_crN;
	   popl %eax (14); shortest "mov %eax,%cr0" (0f 22 c0: 3) */ \
	AB_CLASS(MOV_CR,   AB_MATCH_CR,     11, 3, 14, "mov movl") \
	AB_CLASS(MOV_DR,   AB_MATCH_DR,     11, 3, 14, "mov movl") \
	/* generic (14); shortest "mov %eax,%ds" (8e d8: 2) */ \
	AB_CLASS(MOV_SEG,  AB_MATCH_SEG,    12, 2, 14, "mov movw movl") \
	/* generic (14); shortest "push %es" (06: 1) */ \
	AB_CLASS(PUSH_SEG, AB_MATCH_SEG,    13, 1, 14, "push pushw pushl") \
	AB_CLASS(POP_SEG,  AB_MATCH_SEG,    13, 1, 14, "pop popw popl") \
	/* generic (14); shortest "lds (%eax),%ebx" (c5 18: 2) */ \
	AB_CLASS(LOAD_FAR, AB_MATCH_ANY,    12, 2, 14, \
		"lds ldsw ldsl les lesw lesl lfs lfsw lfsl lgs lgsw lgsl " \
		"lss lssw lssl") \
	/* generic (14); shortest "lgdt (%eax)" (0f 01 10: 3) */ \
	AB_CLASS(DESC,     AB_MATCH_ANY,    11, 3, 14, \
		"lgdt lgdtl lgdtw lidt lidtl lidtw sgdt sgdtl sgdtw " \
		"sidt sidtl sidtw") \
	/* generic (14); shortest "lldt %ax" (0f 00 d0: 3) */ \
	AB_CLASS(SEGSYS,   AB_MATCH_ANY,    11, 3, 14, \
		"lldt lldtw ltr ltrw sldt sldtw sldtl str strw strl " \
		"smsw smsww smswl lmsw lmsww") \
	/* generic (14); shortest "arpl %ax,%bx" (63 c3: 2) */ \
	AB_CLASS(SEGCHK,   AB_MATCH_ANY,    12, 2, 14, \
		"lar larw larl lsl lslw lsll verr verrw verw verww arpl arplw") \
	/* generic (14) as on the slides; shortest "invlpg (%eax)" (3) */ \
	AB_CLASS(INVLPG,   AB_MATCH_ANY,    11, 3, 14, "invlpg invpcid") \
	/* call burn_X (5); all are 2-byte 0f xx (clac/stac/xsetbv/monitor/
	   mwait are 3, rounded down to the class's shortest) */ \
	AB_CLASS(CACHE,    AB_MATCH_ANY,     3, 2,  5, "invd wbinvd wbnoinvd") \
	AB_CLASS(CLTS,     AB_MATCH_ANY,     3, 2,  5, "clts") \
	AB_CLASS(MSR,      AB_MATCH_ANY,     3, 2,  5, "rdmsr wrmsr") \
	AB_CLASS(CPUID,    AB_MATCH_ANY,     3, 2,  5, "cpuid") \
	AB_CLASS(SYSENTER, AB_MATCH_ANY,     3, 2,  5, \
		"sysenter sysexit sysexitl sysret sysretl") \
	/* xsaves/xrstors (0f c7 /5 /3 + modrm, >= 3 bytes) need CPL 0 */ \
	AB_CLASS(PRIV,     AB_MATCH_ANY,     3, 2,  5, \
		"rdpmc xsetbv monitor mwait clac stac rsm xsaves xrstors") \
	/* generic (14); shortest "ljmp *(%eax)" (ff 28: 2); the direct
	   "ljmp $sel,$off" form is 7 */ \
	AB_CLASS(FAR_JMP,  AB_MATCH_FAR,    12, 2, 14, \
		"ljmp ljmpl ljmpw jmp jmpl jmpw") \
	AB_CLASS(FAR_CALL, AB_MATCH_FAR,    12, 2, 14, \
		"lcall lcalll lcallw call calll callw") \
	/* jmp burn_lret (5); shortest "lret" (cb: 1) */ \
	AB_CLASS(FAR_RET,  AB_MATCH_ANY,     4, 1,  5, \
		"lret lretl lretw retf retfl retfw")

enum afterburn_class {
#define AB_ENUM(id, match, pad, shortest, rewrite, mnem) AB_CLASS_##id,
	AFTERBURN_CLASSES(AB_ENUM)
#undef AB_ENUM
	AB_CLASS_COUNT
};

/* Every class leaves room for its planned rewrite at its shortest site. */
#define AB_ROOM(id, match, pad, shortest, rewrite, mnem) \
	_Static_assert((shortest) + (pad) >= (rewrite), \
		       "afterburn class " #id ": padding too small");
AFTERBURN_CLASSES(AB_ROOM)
#undef AB_ROOM

/*
 * Interrupt-shadow instructions: they inhibit interrupts until after the
 * NEXT instruction (Intel SDM Vol. 2B, STI; Vol. 2A, MOV and POP: a load
 * of SS), and code relies on it ("sti; hlt", "sti; sysexit", "movl ...,
 * %ss; movl ..., %esp"). Nops after them would be that next instruction,
 * so for these forms the afterburner puts the padding BEFORE:
 *   start: nop; ... nop; sti; end:
 * which keeps the instruction adjacent to its successor. LSS loads SS:ESP
 * in one instruction and has no shadow (it stays LOAD_FAR, padded after).
 * AB_SHADOW(ID, rule): class ID's instructions for which rule holds.
 * ANY: every instruction of the class. SS_DEST: the last (AT&T
 * destination) operand is a bare %ss ("mov %eax,%ss", "pop %ss"; not
 * "mov %ss,%eax" or "push %ss", which only read it).
 * A separate table so AB_CLASS keeps its arity and class IDs.
 */
enum afterburn_shadow {
	AB_SHADOW_NONE,		/* padding after the instruction */
	AB_SHADOW_ANY,
	AB_SHADOW_SS_DEST,
};

#define AFTERBURN_SHADOWS(AB_SHADOW) \
	AB_SHADOW(STI,     AB_SHADOW_ANY) \
	AB_SHADOW(MOV_SEG, AB_SHADOW_SS_DEST) \
	AB_SHADOW(POP_SEG, AB_SHADOW_SS_DEST)

/* The shadow rule of class CLS (AB_SHADOW_NONE: padding goes after). */
static inline enum afterburn_shadow afterburn_shadow_rule(int cls)
{
	switch (cls) {
#define AB_SHADOW_CASE(id, rule) case AB_CLASS_##id: return rule;
	AFTERBURN_SHADOWS(AB_SHADOW_CASE)
#undef AB_SHADOW_CASE
	default:
		return AB_SHADOW_NONE;
	}
}

/* A shadow row names a real class and a real rule; the padding moves, its
 * size does not, so the class's room check above still covers it. */
#define AB_SHADOW_CHECK(id, rule) \
	_Static_assert(AB_CLASS_##id < AB_CLASS_COUNT && (rule) != AB_SHADOW_NONE, \
		       "afterburn shadow row " #id " is not a class with a rule");
AFTERBURN_SHADOWS(AB_SHADOW_CHECK)
#undef AB_SHADOW_CHECK

/*
 * One .afterburn record: the site's start and end address (end = first
 * byte after the site). Normally start is the instruction (with its
 * prefixes) and the nops follow it; for the shadow forms above the nops
 * come first and end is the first byte after the instruction. A rewriter
 * skips leading 0x90 bytes before decoding: no sensitive instruction
 * starts with 0x90. Nothing else, so any tool can read them.
 */
struct afterburn_record {
	uint32_t start;
	uint32_t end;
};
_Static_assert(sizeof(struct afterburn_record) == 8,
	       "afterburn record is two 32-bit addresses");

/* One AFTERBURN_CODE16 entry: [start, end) was assembled as 16-bit code.
 * Empty ranges (a section switch with no code) may occur. */
struct afterburn_range {
	uint32_t start;
	uint32_t end;
};
_Static_assert(sizeof(struct afterburn_range) == sizeof(struct afterburn_record),
	       "afterburn code-size range has the record's layout");

#endif /* !__ASSEMBLER__ */
#endif /* AFTERBURN_CLASSES_H */
