/*
 * Decoder for the sensitive instruction set: the bytes at an afterburn
 * site -> {class, length, operation, operands}. Anything outside the set
 * (or a form this decoder does not accept: LOCK, address-size override,
 * #UD encodings) is rejected with a reason, never guessed at.
 * Class identifiers come from include/afterburn_classes.h, the table the
 * afterburner uses to pad the sites.
 */
#ifndef IPVMM_DECODE_H
#define IPVMM_DECODE_H

#include <stdint.h>
#include "afterburn_classes.h"

#define DEC_MAX_LEN 15

/* DEC_OP(ID, CLASS): each instruction the decoder knows and its class. */
#define DEC_OPS(X) \
	X(CLI, CLI) X(STI, STI) X(PUSHF, PUSHF) X(POPF, POPF) X(IRET, IRET) \
	X(HLT, HLT) X(IN, IN) X(OUT, OUT) X(INS, INS) X(OUTS, OUTS) \
	X(MOV_FROM_CR, MOV_CR) X(MOV_TO_CR, MOV_CR) \
	X(MOV_FROM_DR, MOV_DR) X(MOV_TO_DR, MOV_DR) \
	X(MOV_FROM_SEG, MOV_SEG) X(MOV_TO_SEG, MOV_SEG) \
	X(PUSH_SEG, PUSH_SEG) X(POP_SEG, POP_SEG) \
	X(LDS, LOAD_FAR) X(LES, LOAD_FAR) X(LFS, LOAD_FAR) X(LGS, LOAD_FAR) \
	X(LSS, LOAD_FAR) \
	X(SGDT, DESC) X(SIDT, DESC) X(LGDT, DESC) X(LIDT, DESC) \
	X(SLDT, SEGSYS) X(STR, SEGSYS) X(LLDT, SEGSYS) X(LTR, SEGSYS) \
	X(SMSW, SEGSYS) X(LMSW, SEGSYS) \
	X(LAR, SEGCHK) X(LSL, SEGCHK) X(VERR, SEGCHK) X(VERW, SEGCHK) \
	X(ARPL, SEGCHK) \
	X(INVLPG, INVLPG) X(INVPCID, INVLPG) \
	X(INVD, CACHE) X(WBINVD, CACHE) X(WBNOINVD, CACHE) \
	X(CLTS, CLTS) X(RDMSR, MSR) X(WRMSR, MSR) X(CPUID, CPUID) \
	X(SYSENTER, SYSENTER) X(SYSEXIT, SYSENTER) X(SYSRET, SYSENTER) \
	X(RDPMC, PRIV) X(XSETBV, PRIV) X(MONITOR, PRIV) X(MWAIT, PRIV) \
	X(CLAC, PRIV) X(STAC, PRIV) X(RSM, PRIV) X(XSAVES, PRIV) X(XRSTORS, PRIV) \
	X(LJMP_MEM, FAR_JMP) X(LJMP_PTR, FAR_JMP) \
	X(LCALL_MEM, FAR_CALL) X(LCALL_PTR, FAR_CALL) \
	X(LRET, FAR_RET) X(LRET_IMM, FAR_RET)

enum dec_op {
#define DEC_ENUM(id, cls) DEC_##id,
	DEC_OPS(DEC_ENUM)
#undef DEC_ENUM
	DEC_OP_COUNT
};

enum dec_kind {
	DEC_K_NONE,
	DEC_K_GPR,	/* reg: 0-7 = eax ecx edx ebx esp ebp esi edi (size picks al/ax/eax) */
	DEC_K_SREG,	/* reg: 0-5 = es cs ss ds fs gs */
	DEC_K_CREG,	/* reg: control register number */
	DEC_K_DREG,	/* reg: debug register number */
	DEC_K_MEM,	/* mem */
	DEC_K_IMM,	/* imm (port number, far selector/offset, lret count) */
};

#define DEC_NOREG  (-1)
#define DEC_SEG_ES 0
#define DEC_SEG_CS 1
#define DEC_SEG_SS 2
#define DEC_SEG_DS 3
#define DEC_SEG_FS 4
#define DEC_SEG_GS 5
#define DEC_REG_EDX 2

struct dec_mem {
	int8_t base, index;	/* GPR numbers or DEC_NOREG */
	uint8_t scale;		/* 1, 2, 4, 8 */
	int8_t seg;		/* override (DEC_SEG_*) or DEC_NOREG for the default */
	int32_t disp;
};

struct dec_operand {
	uint8_t kind;		/* enum dec_kind */
	uint8_t size;		/* bytes accessed: 1, 2, 4, 6 (pseudo-descriptor, far pointer) */
	int8_t reg;
	struct dec_mem mem;
	uint32_t imm;
};

#define DEC_PFX_OPSIZE 0x01
#define DEC_PFX_REP    0x02	/* F3 */
#define DEC_PFX_REPNE  0x04	/* F2 */
#define DEC_PFX_SEG    0x08

/*
 * Operands in AT&T order: sources first, destination last (as Capstone's
 * AT&T detail and GNU as list them).
 */
struct dec_insn {
	uint8_t cls;		/* enum afterburn_class */
	uint8_t op;		/* enum dec_op */
	uint8_t len;
	uint8_t prefixes;	/* DEC_PFX_* */
	int8_t seg;		/* segment override or DEC_NOREG */
	uint8_t opsize;		/* 2 or 4 */
	uint8_t nops;
	struct dec_operand ops[2];
};

/*
 * Decode the instruction at bytes[0]; it must end within avail bytes
 * (the afterburn site). Returns 0, or -1 with *why set.
 */
int dec_decode(const uint8_t *bytes, unsigned avail, struct dec_insn *out,
	       const char **why);
const char *dec_op_name(enum dec_op op);

#endif /* IPVMM_DECODE_H */
