/*
 * The site rewriter: an afterburn site (instruction + nop padding) ->
 * its replacement, in place. PREVIRT writes the fast path (inline store or
 * a call into a burn_* trampoline, docs/rewriter.md); TRAP writes ud2
 * followed by the original bytes so the hypervisor's #UD path can emulate
 * the instruction at eip+2 and resume at the site end.
 *
 * The addresses the replacement refers to (vcpu fields, trampolines) come
 * in struct rw_syms: the IPVMM's link-time symbols on the target, fake
 * values in the host tests.
 */
#ifndef IPVMM_REWRITE_H
#define IPVMM_REWRITE_H

#include <stdint.h>
#include "decode.h"

enum rw_mode { RW_PREVIRT, RW_TRAP };

#define RW_MAX_SITE 64	/* longest site accepted (15-byte insn + 14 pad with room) */

/* Fixed trampolines (one entry point each). */
#define RW_BURN_LIST(X) \
	X(PUSHF) X(POPF) X(IRET) X(HLT) X(LRET) X(LRET_IMM) \
	X(IO_IMM) X(IO_DX) X(IO_STR)

enum rw_burn {
#define RW_BURN_ENUM(n) RW_BURN_##n,
	RW_BURN_LIST(RW_BURN_ENUM)
#undef RW_BURN_ENUM
	RW_BURN_COUNT
};

/*
 * Generic sites call one of the stubs of the burn_generic table: stub
 * `id` is at generic_base + id * RW_STUB_STRIDE and pushes id before
 * entering the common trampoline. The id carries what the site bytes have
 * no room for: the operation, the operand size and the register operand
 * that is not in %eax.
 */
#define RW_STUB_STRIDE 16
#define RW_ID(op, o16, mem, reg) (((unsigned)(op) << 5) | ((unsigned)(mem) << 4) | \
				  ((unsigned)(o16) << 3) | ((unsigned)(reg) & 7))
#define RW_ID_OP(id)  ((id) >> 5)
#define RW_ID_MEM(id) (((id) >> 4) & 1)
#define RW_ID_O16(id) (((id) >> 3) & 1)
#define RW_ID_REG(id) ((id) & 7)
#define RW_STUB_COUNT (DEC_OP_COUNT << 5)

/*
 * Register-form generic sites load %eax with both register operands:
 * ops[0] in bits 0-7 (reg) and 16-23 (kind), ops[1] in 8-15 and 24-31.
 */
#define RW_REGS(r0, k0, r1, k1) ((uint32_t)(uint8_t)(r0) | ((uint32_t)(uint8_t)(r1) << 8) | \
				 ((uint32_t)(k0) << 16) | ((uint32_t)(k1) << 24))

/*
 * Port sites push one byte: for IO_IMM the port, for IO_DX/IO_STR an
 * info byte; the trampoline takes the low 8 bits (the push sign-extends).
 */
#define RW_IO_OUT  0x01
#define RW_IO_SIZE(sz) ((sz) == 1 ? 0 : (sz) == 2 ? 2 : 4)	/* bits 1-2 */
#define RW_IO_REP  0x08
#define RW_IO_INFO(out, sz, rep) ((out) | RW_IO_SIZE(sz) | ((rep) ? RW_IO_REP : 0))
/* IO_IMM: which of in/out and size is in the stub table (see burn.asm). */

/*
 * The opcodes and lengths of what build_previrt emits around a call, and
 * from them the geometry the frontend (frontend.c, burn_common_c) reads
 * off the call's return address `ret`: the site starts at ret - RW_BACK_*
 * (a fault is reported there) and a normal completion resumes at
 * ret + RW_AFTER_*. A change to an encoding changes both sides here;
 * test_rewrite's geometry case checks the rewriter's output against it.
 */
#define OP_PUSH_EAX 0x50
#define OP_POP_EAX  0x58
#define OP_PUSH_I8  0x6a
#define OP_PUSH_I32 0x68
#define OP_CALL     0xe8
#define OP_MOV_EAX  0xb8
#define OP_LEA      0x8d

#define RW_LEN_CALL     5	/* call rel32 */
#define RW_LEN_PUSH_I8  2	/* pushl $imm8 */
#define RW_LEN_PUSH_I32 5	/* pushl $imm32 */
#define RW_LEN_PUSH_EAX 1
#define RW_LEN_MOV_EAX  5	/* movl $imm32, %eax */
#define RW_LEN_POP_EAX  1
#define RW_LEN_LEA_ESP4 4	/* lea 4(%esp), %esp */
#define RW_LEA_MIN      2	/* rw_encode_lea's shortest and longest */
#define RW_LEA_MAX      7

/* pushl %eax; call burn_pushf (RW_F_PUSHF; the trampoline never enters
   the frontend, the geometry is only the rewriter's) */
#define RW_BACK_PUSHF   (RW_LEN_PUSH_EAX + RW_LEN_CALL)
/* The inline popf (RW_F_POPF): its call to burn_popf is followed by the
   site's popfl; the frontend resumes past it (burn.asm). */
#define RW_LEN_POPF     53
/* call (RW_F_CALL, RW_F_JMP, RW_F_GEN_CALL) */
#define RW_BACK_CALL    RW_LEN_CALL
/* pushl $b; call (RW_F_IO, RW_F_LRET_IMM) */
#define RW_BACK_PUSH8   (RW_LEN_PUSH_I8 + RW_LEN_CALL)
/* pushl $off; pushl $sel; call (ljmp, lcall to a pointer) */
#define RW_BACK_FARPTR  (2 * RW_LEN_PUSH_I32 + RW_LEN_CALL)
/* pushl %eax; movl $regs, %eax; call (RW_F_GEN, register form) */
#define RW_BACK_GEN_REG (RW_LEN_PUSH_EAX + RW_LEN_MOV_EAX + RW_LEN_CALL)
/* pushl %eax; lea m, %eax; call (RW_F_GEN, memory form; lea of lea_len) */
#define RW_BACK_GEN_MEM(lea_len) (RW_LEN_PUSH_EAX + (lea_len) + RW_LEN_CALL)
#define RW_AFTER_GEN    RW_LEN_POP_EAX	/* popl %eax */
#define RW_AFTER_IO     RW_LEN_LEA_ESP4	/* lea 4(%esp), %esp */

#define RW_IO_PORTS 12

struct rw_syms {
	uint32_t vif;			/* &vcpu.vif (byte) */
	uint32_t sti_hook;		/* &vcpu.sti_hook (pointer) */
	uint32_t sti_ret;		/* burn_sti_ret: the hook when nothing is pending */
	uint32_t veflags;		/* &vcpu.eflags (the virtual bits, EF_VIRT) */
	uint32_t cr[5];			/* &vcpu.crN for N = 0, 2, 3, 4 (cr[1] unused) */
	uint32_t burn[RW_BURN_COUNT];	/* trampoline entry points */
	uint32_t io_imm[2][3];		/* [out][size 1,2,4]: in/out with an imm port */
	uint32_t io_dx[2][3];		/* [out][size 1,2,4]: in/out with the port in %dx */
	/* Immediate-port sites of a hot register with an entry of their own
	   (ipvmm/fastdev.asm); entry 0 ends the list. */
	struct rw_io_port {
		uint8_t port, out, size;
		uint32_t entry;
	} io_port[RW_IO_PORTS];
	uint32_t generic_base;		/* stub table */
};

/* How a decoded op is rewritten in PREVIRT mode (also tells the frontend
   which frame the trampoline finds). */
enum rw_form {
	RW_F_CLI, RW_F_STI,		/* inline */
	RW_F_PUSHF,			/* pushl %eax; call burn_pushf */
	RW_F_POPF,			/* inline; calls burn_popf when work is pending */
	RW_F_CALL,			/* call fixed trampoline */
	RW_F_JMP,			/* iret, lret: call trampoline, never returns there */
	RW_F_LRET_IMM,			/* pushl $imm8; call burn_lret_imm */
	RW_F_IO,			/* pushl $b; call burn_fio_*|burn_io_str; lea 4(%esp),%esp */
	RW_F_GEN_CALL,			/* call stub (no operand marshalled) */
	RW_F_CR_READ,			/* inline: movl vcpu.crN, %reg */
	RW_F_GEN,			/* pushl %eax; lea|mov $regs,%eax; call stub; popl %eax */
	RW_F_NONE,			/* not supported: refused */
};

enum rw_form rw_form_of(const struct dec_insn *in);

struct rw_result {
	uint32_t site;		/* link address of the site */
	const char *why;	/* failure reason, NULL on success */
	uint8_t used;		/* bytes of replacement before the nop fill */
	uint8_t trap_at;	/* RW_TRAP: offset of the ud2 in the site */
};

/*
 * Rewrite the site at bytes[0..len) (link address addr), whose first
 * instruction decodes to *in. Returns 0 or -1 with r->why; on failure the
 * site is left untouched.
 */
int rw_rewrite(uint8_t *bytes, unsigned len, uint32_t addr, const struct dec_insn *in,
	       const struct rw_syms *s, enum rw_mode mode, struct rw_result *r);

/* Decode and rewrite one site: the load-time entry point. The padding
 * may precede the instruction for the interrupt-shadow forms. */
int rw_site(uint8_t *bytes, unsigned len, uint32_t addr, const struct rw_syms *s,
	    enum rw_mode mode, struct rw_result *r, struct dec_insn *out);

/* Encode lea m, %eax into out (RW_LEA_MAX bytes at most); esp_bias is added to the
 * displacement when the base is %esp (the site pushed %eax first).
 * Returns the length or 0 if the operand cannot be expressed. */
unsigned rw_encode_lea(const struct dec_mem *m, int32_t esp_bias, uint8_t *out);

#endif /* IPVMM_REWRITE_H */
