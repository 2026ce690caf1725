/*
 * Interrupt and exception delivery through the guest's virtual IDT, and
 * the emulated iret (Intel SDM Vol. 3, 6.12 "Exception and interrupt
 * handling"; Vol. 2, IRET). The frame written is exactly the one the CPU
 * writes; the guest sees its own selectors (RPL 0 for its kernel).
 */
#include "vcpu.h"
#include "util.h"


static bool rd32(struct vcpu *v, uint32_t lin, uint32_t *val)
{
	return v->hv->read(v->hv_ctx, lin, val, 4);
}

static bool wr32(struct vcpu *v, uint32_t lin, uint32_t val)
{
	return v->hv->write(v->hv_ctx, lin, &val, 4);
}

/* A guest access of the delivery failed: the fault it raises. */
static int acc_fault(struct vcpu *v, unsigned acc, unsigned *fault_vec, uint32_t *fault_err)
{
	*fault_vec = vcpu_access_fault(v, acc, fault_err);
	return -1;
}

/* The stack switch source: the guest TSS's ss0:esp0 (read on each
   ring 3 -> 0 transition, as the CPU does). */
static bool tss_stack(struct vcpu *v, uint32_t *ss0, uint32_t *esp0)
{
	return rd32(v, v->tss_base + 4, esp0) && rd32(v, v->tss_base + 8, ss0);
}

/* An IDT gate as delivery uses it. */
struct dlv_gate {
	unsigned type;
	uint16_t sel;
	uint32_t off;
};

/* The gate for vec, checked as the CPU does (SDM Vol. 3, 6.12.1): inside
 * the IDT's limit, a 32-bit interrupt or trap gate, DPL for INT n, present. */
static int read_gate(struct vcpu *v, unsigned vec, enum dlv_src src, unsigned cpl,
		     struct dlv_gate *gt, unsigned *fault_vec, uint32_t *fault_err)
{
	uint32_t gate[2];

	if (vec * 8 + 7 > v->idtr.limit)
		return -1;
	if (!v->hv->read(v->hv_ctx, v->idtr.base + vec * 8, gate, 8))
		return acc_fault(v, 0, fault_vec, fault_err);	/* implicit: supervisor */
	gt->type = DESC_TYPE(gate[1]);
	if (gt->type != DT_INT32 && gt->type != DT_TRAP32)
		return -1;			/* task and 16-bit gates: not supported, #GP */
	if (src == DLV_SOFT && DESC_DPL(gate[1]) < cpl)
		return -1;
	if (!(gate[1] & 0x8000)) {
		*fault_vec = VEC_NP;
		return -1;
	}
	gt->sel = (uint16_t)(gate[0] >> 16);
	gt->off = (gate[0] & 0xffff) | (gate[1] & 0xffff0000u);
	return 0;
}

/* The gate's code segment, which decides the handler's privilege level:
 * a present code segment of DPL <= CPL. */
static int gate_target(struct vcpu *v, const struct dlv_gate *gt, unsigned cpl, uint32_t ext,
		       unsigned *tdpl, unsigned *fault_vec, uint32_t *fault_err)
{
	uint32_t desc[2];

	*fault_vec = VEC_GP;
	*fault_err = (gt->sel & ~3u) + ext;
	if (!(gt->sel & ~3u))
		return -1;
	switch (vcpu_desc_read(v, gt->sel, desc)) {
	case DESC_OK:
		break;
	case DESC_BAD:
		return -1;
	case DESC_FAULT:
		return acc_fault(v, 0, fault_vec, fault_err);
	}
	if (((desc[1] >> 11) & 3) != 3)		/* S=1 and code */
		return -1;
	*tdpl = DESC_DPL(desc[1]);
	if (*tdpl > cpl)
		return -1;
	if (!(desc[1] & 0x8000)) {
		*fault_vec = VEC_NP;
		return -1;
	}
	return 0;
}

/* Push the handler's frame: from the TSS's stack for an inner level (old
 * SS:ESP first), else on the current one. *espp gets the new ESP. */
static int push_frame(struct vcpu *v, struct gstate *g, unsigned cpl, unsigned tdpl, uint32_t ext,
		      bool has_err, uint32_t err, uint32_t *ssp, uint32_t *espp,
		      unsigned *fault_vec, uint32_t *fault_err)
{
	uint32_t esp, ss, frame[6];
	unsigned n = 0;

	if (tdpl < cpl) {
		if (!v->tss_base) {
			*fault_vec = VEC_TS;
			*fault_err = (v->tr & ~3u) + ext;
			return -1;
		}
		if (!tss_stack(v, &ss, &esp))
			return acc_fault(v, 0, fault_vec, fault_err);
		frame[n++] = g->sreg[SR_SS];
		frame[n++] = g->gpr[4];
	} else {
		ss = g->sreg[SR_SS];
		esp = g->gpr[4];
	}
	frame[n++] = g->eflags;
	frame[n++] = g->sreg[SR_CS];
	frame[n++] = g->eip;
	if (has_err)
		frame[n++] = err;
	/* frame[] is in push order; the lowest address gets the last push.
	   The pushes are made at the handler's privilege: user ones only for
	   a DPL-3 handler on the current stack. */
	for (unsigned i = 0; i < n; i++) {
		esp -= 4;
		if (!wr32(v, esp, frame[i]))
			return acc_fault(v, ACC_WRITE | ACC_STACK | (tdpl == 3 ? ACC_USER : 0), fault_vec,
					 fault_err);
	}
	*ssp = ss;
	*espp = esp;
	return 0;
}

static int deliver_once(struct vcpu *v, struct gstate *g, unsigned vec, enum dlv_src src,
			bool has_err, uint32_t err, unsigned *fault_vec, uint32_t *fault_err)
{
	/* EXT: the event is not the program's own INT n (SDM Vol. 3, 6.13). */
	uint32_t ext = src == DLV_SOFT ? 0 : 1, esp, ss;
	unsigned cpl = vcpu_cpl(g), tdpl;
	struct dlv_gate gt;

	*fault_err = vec * 8 + 2 + ext;		/* IDT-referencing error code */
	*fault_vec = VEC_GP;
	if (read_gate(v, vec, src, cpl, &gt, fault_vec, fault_err) < 0)
		return -1;
	if (gate_target(v, &gt, cpl, ext, &tdpl, fault_vec, fault_err) < 0)
		return -1;
	if (push_frame(v, g, cpl, tdpl, ext, has_err, err, &ss, &esp, fault_vec, fault_err) < 0)
		return -1;
	if (tdpl < cpl) {
		g->sreg[SR_SS] = (uint16_t)(ss & 0xfffc);	/* loaded with RPL = CPL 0 */
		g->sreg_dirty |= 1u << SR_SS;
		/* Data segments stay as they were (the handler reloads them). */
	}
	g->gpr[4] = esp;
	g->sreg[SR_CS] = (uint16_t)((gt.sel & ~3u) | tdpl);
	g->eip = gt.off;
	g->eflags &= ~(EF_TF | EF_NT | EF_RF | EF_VM);
	if (gt.type == DT_INT32)
		g->eflags &= ~EF_IF;
	v->stats.delivered++;
	return 0;
}

/* Exception classes (SDM Vol. 3, 6.15, Table 6-4): external interrupts
   and INT n are benign whatever their vector. */
enum xclass { X_BENIGN, X_CONTRIB, X_PF, X_DF };

static enum xclass class_of(unsigned vec, enum dlv_src src)
{
	if (src != DLV_EXC)
		return X_BENIGN;
	switch (vec) {
	case VEC_DE: case VEC_TS: case VEC_NP: case VEC_SS: case VEC_GP:
		return X_CONTRIB;
	case VEC_PF:
		return X_PF;
	case VEC_DF:
		return X_DF;
	}
	return X_BENIGN;
}

/*
 * A fault while delivering is handled as Table 6-5 says: after a benign
 * event, or a contributory one followed by #PF, the new fault is
 * delivered in turn; contributory after contributory, or #PF or
 * contributory after #PF, is #DF; any fault delivering #DF is a triple
 * fault (shutdown). Each step moves up that order, so four attempts
 * bound it (benign, contributory, #PF, #DF). The faults are the
 * instruction's: for INT n they report its address (soft_len back).
 */
static int deliver_chain(struct vcpu *v, struct gstate *g, unsigned vec, enum dlv_src src,
			 bool has_err, uint32_t err, unsigned soft_len)
{
	struct gstate save = *g;

	for (unsigned attempt = 0; attempt < 4; attempt++) {
		unsigned fv;
		uint32_t fe;
		enum xclass first = class_of(vec, src), second;

		if (!deliver_once(v, g, vec, src, has_err, err, &fv, &fe))
			return 0;
		if (src == DLV_SOFT)
			save.eip -= soft_len;
		*g = save;
		second = class_of(fv, DLV_EXC);
		if (first == X_DF)
			break;
		if ((first == X_CONTRIB && second == X_CONTRIB) || (first == X_PF && second != X_BENIGN)) {
			fv = VEC_DF;
			fe = 0;
		}
		vec = fv;
		err = fe;
		src = DLV_EXC;
		has_err = true;		/* #DF and every fault delivery raises carry one */
	}
	v->fatal = IPVMM_FATAL_TRIPLE;
	return -1;
}

int deliver(struct vcpu *v, struct gstate *g, unsigned vec, enum dlv_src src,
	    bool has_err, uint32_t err)
{
	return deliver_chain(v, g, vec, src, has_err, err, 0);
}

int deliver_soft(struct vcpu *v, struct gstate *g, unsigned vec, unsigned len)
{
	return deliver_chain(v, g, vec, DLV_SOFT, false, 0, len);
}

/* A failed pop of the iret frame: the fault it raises through SS. */
static int pop_fault(struct vcpu *v, struct gstate *g, unsigned cpl)
{
	uint32_t err;
	unsigned vec = vcpu_access_fault(v, ACC_STACK | (cpl == 3 ? ACC_USER : 0), &err);

	return deliver(v, g, vec, DLV_EXC, true, err);
}

int emulate_iret(struct vcpu *v, struct gstate *g)
{
	uint32_t esp = g->gpr[4], eip, cs, fl, nesp = 0, nss = 0;
	unsigned cpl = vcpu_cpl(g), rpl;
	uint32_t desc[2];
	enum desc_read dr = DESC_BAD;

	if (!rd32(v, esp, &eip) || !rd32(v, esp + 4, &cs) || !rd32(v, esp + 8, &fl))
		return pop_fault(v, g, cpl);
	cs &= 0xffff;
	rpl = cs & 3;
	if (!(fl & EF_NT) && !(fl & EF_VM) && rpl >= cpl && (cs & ~3u))
		dr = vcpu_desc_read(v, (uint16_t)cs, desc);
	if (dr == DESC_FAULT) {
		uint32_t err;
		unsigned vec = vcpu_access_fault(v, 0, &err);	/* the GDT: supervisor */

		return deliver(v, g, vec, DLV_EXC, true, err);
	}
	if (dr != DESC_OK || ((desc[1] >> 11) & 3) != 3)
		return deliver(v, g, VEC_GP, DLV_EXC, true, cs & ~3u);
	if (rpl > cpl) {
		if (!rd32(v, esp + 12, &nesp) || !rd32(v, esp + 16, &nss))
			return pop_fault(v, g, cpl);
		nss &= 0xffff;
		if ((nss & 3) != rpl)
			return deliver(v, g, VEC_GP, DLV_EXC, true, nss & ~3u);
		g->gpr[4] = nesp;
		g->sreg[SR_SS] = (uint16_t)nss;
		g->sreg_dirty |= 1u << SR_SS;
	} else {
		g->gpr[4] = esp + 12;
	}
	/* Privileged bits change only as the CPU allows: IOPL at CPL 0, IF
	   when CPL <= IOPL; the new CPL is the frame's RPL. */
	{
		uint32_t keep = 0, iopl = (g->eflags & EF_IOPL) >> 12;

		if (cpl > 0)
			keep |= EF_IOPL;
		if (cpl > iopl)
			keep |= EF_IF;
		g->eflags = ((fl & ~keep) | (g->eflags & keep) | EF_RSV1) & ~(EF_VM | 0xffc08028u);
	}
	g->eip = eip;
	g->sreg[SR_CS] = (uint16_t)cs;
	g->sreg_dirty |= 1u << SR_CS;
	return 0;
}

bool vcpu_has_pending(struct vcpu *v)
{
	return v->sh->pending || v->devs.pic.intr;
}

void vcpu_update_hook(struct vcpu *v)
{
	/* Ret first, then re-check: a bit the hypervisor sets in between
	   also stores sti_deliver, so nothing is lost. */
	v->sh->sti_hook = v->sh->sti_ret;
	if (vcpu_has_pending(v))
		v->sh->sti_hook = v->sh->sti_deliver;
}

static uint32_t take_pending(struct vcpu *v)
{
#if defined(__i386__) || defined(__x86_64__)
	uint32_t x = 0;

	__asm__ volatile("xchgl %0, %1" : "+r"(x), "+m"(v->sh->pending));
	return x;
#else
	uint32_t x = v->sh->pending;

	v->sh->pending = 0;
	return x;
#endif
}

/* Console input into COM1's receiver, as far as it has room; the rest
   waits in the ring for the guest to read (nothing is dropped here). */
static void take_console(struct vcpu *v)
{
	struct ipvmm_shared *sh = v->sh;
	struct vuart *u = &v->devs.com1;

	while (sh->con_in_head != sh->con_in_tail && vuart_rx_room(u)) {
		vuart_receive(&v->devs, u, sh->con_in[sh->con_in_head % IPVMM_CON_IN_RING]);
		sh->con_in_head++;
	}
}

void vcpu_fold_pending(struct vcpu *v)
{
	uint32_t bits = take_pending(v);

	if (bits & IPVMM_PEND_TIMER)
		ipvmm_devs_timer(&v->devs);
	if (v->sh->con_in_head != v->sh->con_in_tail)
		take_console(v);
}

bool deliver_pending(struct vcpu *v, struct gstate *g)
{
	bool done = false;

	v->stats.checks++;
	vcpu_fold_pending(v);
	if ((g->eflags & EF_IF) && v->devs.pic.intr) {
		uint8_t vec = vpic_ack(&v->devs);

		v->stats.irqs++;
		if (deliver(v, g, vec, DLV_EXT, false, 0) == 0)
			done = true;
	}
	v->sh->vif = (g->eflags & EF_IF) ? 1 : 0;
	vcpu_update_hook(v);
	return done;
}
