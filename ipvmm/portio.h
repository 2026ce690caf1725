/*
 * Executing a decoded port instruction (classes IN, OUT, INS, OUTS) on the
 * guest's registers through the device switch: the frontend body behind
 * the burn_in/burn_out trampolines and the #GP fallback.
 */
#ifndef IPVMM_PORTIO_H
#define IPVMM_PORTIO_H

#include <stdbool.h>
#include <stdint.h>
#include "decode.h"

struct ipvmm_devs;

/* The registers a port instruction reads or writes. */
struct portio_regs {
	uint32_t eax, ecx, edx, esi, edi;
	uint32_t eflags;	/* DF (bit 10) picks the string direction */
};

/*
 * Guest linear memory for ins/outs, one byte at a time through the
 * guest's own segments and paging; false = fault (the instruction stops
 * there with registers describing the progress, as the CPU leaves them).
 */
struct portio_mem {
	bool (*read8)(void *ctx, int seg, uint32_t offset, uint8_t *v);
	bool (*write8)(void *ctx, int seg, uint32_t offset, uint8_t v);
	void *ctx;
};

enum portio_status {
	PORTIO_OK,
	PORTIO_FAULT,		/* memory access failed; regs show progress */
	PORTIO_NOT_PORTIO,	/* the instruction is not an in/out/ins/outs */
};

enum portio_status portio_exec(struct ipvmm_devs *d, const struct dec_insn *insn,
			       struct portio_regs *r, const struct portio_mem *mem);

/* The port an in/out/ins/outs names (imm8 or DX) and its data width. */
uint16_t portio_port(const struct dec_insn *in, const struct portio_regs *r);
unsigned portio_width(const struct dec_insn *in);

#endif /* IPVMM_PORTIO_H */
