/* in/out/ins/outs on a register frame (Intel SDM Vol. 2: IN, OUT, INS, OUTS, REP). */
#include "devswitch.h"
#include "portio.h"
#include "x86/eflags.h"

uint16_t portio_port(const struct dec_insn *in, const struct portio_regs *r)
{
	for (unsigned i = 0; i < in->nops; i++)
		if (in->ops[i].kind == DEC_K_IMM)
			return (uint16_t)in->ops[i].imm;
	return (uint16_t)r->edx;
}

/* Width of the data: the accumulator's or the string element's size. */
unsigned portio_width(const struct dec_insn *in)
{
	for (unsigned i = 0; i < in->nops; i++)
		if (in->ops[i].kind == DEC_K_MEM ||
		    (in->ops[i].kind == DEC_K_GPR && in->ops[i].reg == 0))
			return in->ops[i].size;
	return 1;
}

static void set_acc(uint32_t *eax, unsigned size, uint32_t v)
{
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

	*eax = (*eax & ~mask) | (v & mask);
}

enum portio_status portio_exec(struct ipvmm_devs *d, const struct dec_insn *in,
			       struct portio_regs *r, const struct portio_mem *mem)
{
	unsigned size = portio_width(in);
	uint16_t port = portio_port(in, r);
	bool rep = in->prefixes & (DEC_PFX_REP | DEC_PFX_REPNE);
	int32_t step = (r->eflags & EF_DF) ? -(int32_t)size : (int32_t)size;

	switch (in->op) {
	case DEC_IN:
		set_acc(&r->eax, size, devsw_in(d, port, size));
		return PORTIO_OK;
	case DEC_OUT:
		devsw_out(d, port, size, r->eax);
		return PORTIO_OK;
	case DEC_INS:
	case DEC_OUTS:
		break;
	default:
		return PORTIO_NOT_PORTIO;
	}
	/* One element per iteration; with rep, ECX counts down to 0 and
	 * registers stay consistent after each element, so a fault leaves a
	 * restartable state. */
	while (!rep || r->ecx) {
		uint32_t v = 0;
		uint8_t b;

		if (in->op == DEC_INS) {
			v = devsw_in(d, port, size);
			for (unsigned i = 0; i < size; i++)
				if (!mem->write8(mem->ctx, DEC_SEG_ES, r->edi + i, (uint8_t)(v >> (8 * i))))
					return PORTIO_FAULT;
			r->edi += (uint32_t)step;
		} else {
			int seg = in->seg == DEC_NOREG ? DEC_SEG_DS : in->seg;

			for (unsigned i = 0; i < size; i++) {
				if (!mem->read8(mem->ctx, seg, r->esi + i, &b))
					return PORTIO_FAULT;
				v |= (uint32_t)b << (8 * i);
			}
			devsw_out(d, port, size, v);
			r->esi += (uint32_t)step;
		}
		if (!rep)
			break;
		r->ecx--;
	}
	return PORTIO_OK;
}
