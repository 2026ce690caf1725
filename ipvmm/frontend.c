/*
 * The C frontend behind the trampolines (burn.asm) and the hypervisor's
 * upcalls: turn the trampoline frame or upcall state into a guest state,
 * execute, and either return through the site (state unchanged but for
 * registers and arithmetic flags) or leave through iret_restart with the
 * resume record filled.
 */
#include "vcpu.h"
#include "util.h"

struct vcpu ipvmm_vcpu;
/* First page of the data window: the hypervisor writes into it. */
struct ipvmm_shared ipvmm_shared __attribute__((section(".ipvmm.shared"), aligned(4096)));

void resume_commit(struct vcpu *v, struct gstate *g)
{
	struct burn_resume *r = &v->resume;
	uint32_t rflags = (g->eflags & EF_REAL) | EF_RSV1 | EF_IF;
	/* TF only in the iretd frame: the single step after an sti with work
	   pending (the exit path itself must not trap). */
	uint32_t fflags = rflags | (v->step_shadow ? EF_TF : 0);
	unsigned cpl = vcpu_cpl(g);

	r->eax = g->gpr[0];
	r->ecx = g->gpr[1];
	r->edx = g->gpr[2];
	r->ebx = g->gpr[3];
	r->esp_unused = 0;
	r->ebp = g->gpr[5];
	r->esi = g->gpr[6];
	r->edi = g->gpr[7];
	r->eflags = rflags;
	v->eflags = (g->eflags & EF_VIRT) | EF_RSV1;
	for (unsigned i = 0; i < 6; i++)
		r->sel[i] = sel_real(g->sreg[i]);
	/* Data segments changed by the instruction are loaded before the
	   iretd; SS too unless the iretd itself loads it (return to ring 3). */
	r->segmask = g->sreg_dirty & ((1u << SR_ES) | (1u << SR_DS) | (1u << SR_FS) | (1u << SR_GS) |
				      (cpl == 3 ? 0 : 1u << SR_SS));
	/* A CS or SS the instruction loaded: its descriptor as the guest's
	   table has it now (the CPU reads it on the load; an unchanged one
	   keeps what was installed when it was loaded). */
	if (g->sreg_dirty & (1u << SR_CS))
		vcpu_sync_sel(v, g->sreg[SR_CS]);
	if (cpl == 3) {
		vcpu_sync_watched(v);	/* user mode loads selectors natively */
		if (g->sreg_dirty & (1u << SR_SS))
			vcpu_sync_sel(v, g->sreg[SR_SS]);
		r->outer[0] = g->eip;
		r->outer[1] = r->sel[SR_CS];
		r->outer[2] = fflags;
		r->outer[3] = g->gpr[4];
		r->outer[4] = r->sel[SR_SS];
		r->frame = (uint32_t)(uintptr_t)r->outer;
	} else {
		/* Same level: the iretd frame goes just below the target stack
		   pointer, on the guest's stack (free space there). */
		uint32_t f[3] = { g->eip, r->sel[SR_CS], fflags };

		v->hv->write(v->hv_ctx, g->gpr[4] - 12, f, 12);
		r->frame = g->gpr[4] - 12;
	}
	r->st = *g;
	v->sh->vif = (g->eflags & EF_IF) ? 1 : 0;
	vcpu_update_hook(v);
}

static void frame_to_state(struct vcpu *v, const struct burn_frame *f, struct gstate *g)
{
	g->gpr[0] = f->eax;
	g->gpr[1] = f->ecx;
	g->gpr[2] = f->edx;
	g->gpr[3] = f->ebx;
	g->gpr[5] = f->ebp;
	g->gpr[6] = f->esi;
	g->gpr[7] = f->edi;
	g->sreg[SR_ES] = sel_virt(f->es);
	g->sreg[SR_CS] = sel_virt(f->cs);
	g->sreg[SR_SS] = sel_virt(f->ss);
	g->sreg[SR_DS] = sel_virt(f->ds);
	g->sreg[SR_FS] = sel_virt(f->fs);
	g->sreg[SR_GS] = sel_virt(f->gs);
	g->eflags = vcpu_eflags(v, f->eflags);
	g->sreg_dirty = 0;
}

/*
 * A trap-mode site at the guest's EIP. Sites are recorded at their link
 * addresses; a kernel linked above where it loads (vmlinux) runs its
 * first instructions at the load address, paging off: there a kernel-mode
 * EIP below the link offset is looked up at EIP + link_offset.
 */
static bool trap_site_here(const struct vcpu *v, const struct gstate *g)
{
	uint32_t off = v->sh->link_offset;

	if (vcpu_is_trap_site(v, g->eip))
		return true;
	return off && vcpu_cpl(g) != 3 && g->eip < off && vcpu_is_trap_site(v, g->eip + off);
}

/* Does this op carry a register operand beside its memory operand? */
static int mem_form_reg_kind(unsigned op)
{
	switch (op) {
	case DEC_MOV_FROM_SEG: case DEC_MOV_TO_SEG:
		return DEC_K_SREG;
	case DEC_LDS: case DEC_LES: case DEC_LFS: case DEC_LGS: case DEC_LSS:
	case DEC_LAR: case DEC_LSL: case DEC_ARPL: case DEC_INVPCID:
		return DEC_K_GPR;
	}
	return DEC_K_NONE;
}

/* The frame is on the guest's stack: its addresses are guest-linear.
   (Host tests keep the frame in a fake guest memory and translate.) */
#ifdef IPVMM_HOST_TEST
uint32_t host_linear(const void *p);
#define LINEAR(p) host_linear(p)
#else
#define LINEAR(p) ((uint32_t)(uintptr_t)(p))
#endif

static uint32_t stack_addr(const struct burn_frame *f, unsigned slot)
{
	return LINEAR(&f->params[slot]);
}

/* Length of the lea at p (reg field 0, as the rewriter encodes it). */
static unsigned lea_len(const uint8_t *p)
{
	unsigned mod = p[1] >> 6, rm = p[1] & 7, n = 2;

	if (rm == 4) {
		n++;
		if (mod == 0 && (p[2] & 7) == 5)
			n += 4;
	}
	if (mod == 0 && rm == 5)
		n += 4;
	return n + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/*
 * The first byte of a generic site, from its call's return address: the
 * guest state in the frame is the one at the site's start (esp and eax
 * as before the pushl %eax), so a fault must report that address, not
 * the return address (where popl %eax would run). The window holds the
 * longest form, pushl %eax; lea (RW_LEA_MAX); call.
 */
#define GEN_WINDOW RW_BACK_GEN_MEM(RW_LEA_MAX)
_Static_assert(GEN_WINDOW >= RW_BACK_GEN_REG, "gen_site_start window");

static uint32_t gen_site_start(struct vcpu *v, uint32_t ret, bool mem)
{
	uint8_t b[GEN_WINDOW];
	const uint8_t *call = b + GEN_WINDOW - RW_LEN_CALL;	/* b[i] is at ret - GEN_WINDOW + i */

	if (!v->hv->read(v->hv_ctx, ret - GEN_WINDOW, b, GEN_WINDOW))
		return ret;
	if (!mem)	/* pushl %eax; movl $imm, %eax */
		return call[-RW_LEN_MOV_EAX] == OP_MOV_EAX && call[-RW_LEN_MOV_EAX - 1] == OP_PUSH_EAX ?
			ret - RW_BACK_GEN_REG : ret;
	for (unsigned l = RW_LEA_MIN; l <= RW_LEA_MAX; l++) {
		const uint8_t *p = call - l;	/* the lea ends at the call */

		if (p[0] == OP_LEA && p[-1] == OP_PUSH_EAX && lea_len(p) == l)
			return ret - RW_BACK_GEN_MEM(l);
	}
	return ret;
}

/*
 * How a trampoline entry ends when the instruction completed normally:
 * the guest's ESP and EIP then (the frontend returns through the site
 * only if the instruction left both so), and whether the site's
 * pushl %eax holds the guest's EAX (a generic site).
 */
struct site_exit {
	uint32_t esp0, cont;
	bool gen_eax;
};

/* The operands a generic site marshalled (rewrite.h: RW_ID, RW_REGS). */
static unsigned gen_operands(const struct burn_frame *f, unsigned op, uint32_t id, struct eop ops[2])
{
	unsigned n = 0;

	if (!RW_ID_MEM(id)) {
		ops[0].kind = (uint8_t)(f->eax >> 16);
		ops[0].reg = (int8_t)f->eax;
		ops[1].kind = (uint8_t)(f->eax >> 24);
		ops[1].reg = (int8_t)(f->eax >> 8);
		return ops[1].kind ? 2 : 1;
	}
	int k = mem_form_reg_kind(op);
	struct eop mem = { DEC_K_MEM, DEC_NOREG, 0, f->eax };
	struct eop reg = { (uint8_t)k, (int8_t)RW_ID_REG(id), 0, 0 };

	if (op == DEC_ARPL) {
		ops[n++] = reg;
		ops[n++] = mem;
	} else {
		ops[n++] = mem;
		if (k != DEC_K_NONE)
			ops[n++] = reg;
	}
	return n;
}

/* A generic stub (id < RW_STUB_COUNT): the operation from the id. */
static inline enum emu_result burn_generic(struct vcpu *v, struct burn_frame *f, struct gstate *g,
					   uint32_t id, struct site_exit *x)
{
	unsigned op = RW_ID_OP(id), n = 0;
	struct dec_insn probe = { .op = (uint8_t)op };
	struct eop ops[2] = { { 0, 0, 0, 0 }, { 0, 0, 0, 0 } };
	uint32_t site = f->ret - RW_BACK_CALL;
	enum rw_form form = rw_form_of(&probe);

	/* CR reads are rewritten inline, but their stub is a generic one
	   (any code can call any stub): it keeps the generic frame. */
	if (form == RW_F_GEN || form == RW_F_CR_READ) {
		/* pushl %eax; lea|mov ...,%eax; call; popl %eax */
		x->gen_eax = true;
		g->gpr[0] = f->params[0];
		x->esp0 = stack_addr(f, 1);
		x->cont = f->ret + RW_AFTER_GEN;
		site = gen_site_start(v, f->ret, RW_ID_MEM(id));
		n = gen_operands(f, op, id, ops);
	} else if (op == DEC_LJMP_PTR || op == DEC_LCALL_PTR) {
		ops[0] = (struct eop){ DEC_K_IMM, DEC_NOREG, 2, f->params[0] };
		ops[1] = (struct eop){ DEC_K_IMM, DEC_NOREG, 4, f->params[1] };
		n = 2;
		x->esp0 = stack_addr(f, 2);
		x->cont = f->ret;
		site = f->ret - RW_BACK_FARPTR;
	} else {
		if (op == DEC_PUSH_SEG || op == DEC_POP_SEG) {
			ops[0] = (struct eop){ DEC_K_SREG, (int8_t)RW_ID_REG(id), 2, 0 };
			n = 1;
		}
		x->esp0 = stack_addr(f, 0);
		x->cont = f->ret;
	}
	g->gpr[4] = x->esp0;
	g->eip = x->cont;
	return emulate(v, g, op, RW_ID_O16(id), ops, n, site);
}

/* call burn_iret / burn_lret / pushl $n; call burn_lret_imm: the
   frontend never returns to the site. */
static inline enum emu_result burn_far_ret(struct vcpu *v, struct burn_frame *f, struct gstate *g,
					   uint32_t id, struct site_exit *x)
{
	struct eop imm = { DEC_K_IMM, DEC_NOREG, 2, f->params[0] };
	uint32_t site = f->ret - (id == BURN_ID_LRET_IMM ? RW_BACK_PUSH8 : RW_BACK_CALL);
	enum emu_result res;

	g->gpr[4] = x->esp0 = stack_addr(f, id == BURN_ID_LRET_IMM ? 1 : 0);
	g->eip = x->cont = site;	/* emulate_iret faults report g->eip */
	if (id == BURN_ID_IRET) {
		v->stats.exits[DEC_IRET]++;
		res = emulate_iret(v, g) ? EMU_STOP : EMU_OK;
	} else
		res = emulate(v, g, id == BURN_ID_LRET ? DEC_LRET : DEC_LRET_IMM, false, &imm,
			      id == BURN_ID_LRET_IMM, site);
	if (res == EMU_OK)
		deliver_pending(v, g);
	x->cont = ~g->eip;		/* never a plain return */
	return res;
}

/* pushl $b; call burn_io_*; lea 4(%esp),%esp: b is the port (IO_IMM,
   in/out and size from the id) or the info byte (rewrite.h, RW_IO_*). */
static inline enum emu_result burn_io(struct vcpu *v, struct burn_frame *f, struct gstate *g,
				      uint32_t id, struct site_exit *x)
{
	struct dec_insn di;
	uint8_t b = (uint8_t)f->params[0];
	unsigned sz, out;

	ipvmm_memset(&di, 0, sizeof(di));
	if (id >= BURN_ID_IO_IMM) {
		out = (id - BURN_ID_IO_IMM) >> 2;
		sz = 1u << ((id - BURN_ID_IO_IMM) & 3);
	} else {
		out = b & RW_IO_OUT;
		sz = (b & 6) ? (b & 6) : 1;
	}
	di.opsize = 4;
	if (id == BURN_ID_IO_STR) {
		di.op = out ? DEC_OUTS : DEC_INS;
		di.ops[0] = (struct dec_operand){ .kind = DEC_K_MEM, .size = (uint8_t)sz };
		di.nops = 1;
		di.prefixes = (b & RW_IO_REP) ? DEC_PFX_REP : 0;
	} else {
		di.op = out ? DEC_OUT : DEC_IN;
		di.ops[0] = (struct dec_operand){ .kind = DEC_K_GPR, .size = (uint8_t)sz, .reg = 0 };
		if (id >= BURN_ID_IO_IMM)
			di.ops[1] = (struct dec_operand){ .kind = DEC_K_IMM, .size = 1, .imm = b };
		else
			di.ops[1] = (struct dec_operand){ .kind = DEC_K_GPR, .size = 2, .reg = DEC_REG_EDX };
		di.nops = 2;
	}
	g->gpr[4] = x->esp0 = stack_addr(f, 1);
	g->eip = x->cont = f->ret + RW_AFTER_IO;
	return emulate_io(v, g, &di, f->ret - RW_BACK_PUSH8);
}

/* Plain return through the site: only registers and arithmetic flags
   changed, written back into the frame the trampoline pops. */
static inline void return_through_site(struct vcpu *v, struct burn_frame *f, const struct gstate *g,
				       bool gen_eax)
{
	f->ecx = g->gpr[1];
	f->edx = g->gpr[2];
	f->ebx = g->gpr[3];
	f->ebp = g->gpr[5];
	f->esi = g->gpr[6];
	f->edi = g->gpr[7];
	if (gen_eax)
		f->params[0] = g->gpr[0];
	else
		f->eax = g->gpr[0];
	f->eflags = (f->eflags & ~EF_REAL) | (g->eflags & EF_REAL);
	vcpu_set_eflags(v, g->eflags);
	vcpu_update_hook(v);
}

/* Execute what the trampoline entry `id` stands for; false: the id is
   corrupt (the guest wrote its own trampoline) and the guest is stopped. */
static inline bool burn_execute(struct vcpu *v, struct burn_frame *f, struct gstate *g, uint32_t id,
				struct site_exit *x, enum emu_result *res)
{
	if (id < RW_STUB_COUNT) {
		*res = burn_generic(v, f, g, id, x);
	} else if (id == BURN_ID_CHECK || id == BURN_ID_HLT) {
		g->gpr[4] = x->esp0 = stack_addr(f, 0);
		g->eip = x->cont = f->ret;
		if (id == BURN_ID_HLT)
			*res = emulate(v, g, DEC_HLT, false, 0, 0, f->ret - RW_BACK_CALL);
		if (*res == EMU_OK)
			deliver_pending(v, g);
	} else if (id == BURN_ID_IRET || id == BURN_ID_LRET || id == BURN_ID_LRET_IMM) {
		*res = burn_far_ret(v, f, g, id, x);
	} else if (id >= BURN_ID_IO_DX && id < BURN_ID_END && id != BURN_ID_STI) {
		*res = burn_io(v, f, g, id, x);
	} else {
		v->fatal = 0x100 | id;		/* corrupted trampoline id: stop */
		v->hv->shutdown(v->hv_ctx, IPVMM_STOP | id);
		return false;
	}
	return true;
}

/* The sti shadow (SDM Vol. 2, STI): the instruction after the site runs
   before pending work is delivered. A one-byte nop there is run here (it
   only moves EIP), so the delivery needs no single step and no #DB entry
   into the hypervisor: false, deliver now. Anything else is stepped with
   TF: true, its #DB (or the next frontend entry) delivers. */
static bool sti_shadow_site(struct vcpu *v, const struct burn_frame *f, struct gstate *g)
{
	uint8_t next;

	g->gpr[4] = stack_addr(f, 0);
	g->eip = f->ret;
	if (v->hv->read(v->hv_ctx, g->eip, &next, 1) && next == 0x90) {
		g->eip++;
		v->stats.shadow_nops++;
		return false;
	}
	v->step_shadow = true;
	v->stats.shadow_steps++;
	return true;
}

int burn_common_c(struct burn_frame *f)
{
	struct vcpu *v = &ipvmm_vcpu;
	struct gstate g;
	struct site_exit x = { 0, 0, false };
	enum emu_result res = EMU_OK;
	uint32_t id = f->id;	/* read once: the frame is guest memory */

	v->step_shadow = false;	/* a step that ended in the IPVMM: this entry delivers */
	frame_to_state(v, f, &g);
	if (id == BURN_ID_STI) {
		if (!sti_shadow_site(v, f, &g))
			deliver_pending(v, &g);
		resume_commit(v, &g);
		return 1;
	}
	if (!burn_execute(v, f, &g, id, &x, &res))
		return 0;
	if (res == EMU_STOP) {
		vcpu_console_flush(v);
		v->hv->shutdown(v->hv_ctx, IPVMM_STOP | v->fatal);
	}
	/* Every entry is a delivery point once IF is set: work that arrived
	   while the IPVMM ran (the hypervisor leaves the bit then) or after
	   an sti shadow that ended in a site is taken before the guest goes on. */
	if (res == EMU_OK && (g.eflags & EF_IF) && vcpu_has_pending(v))
		deliver_pending(v, &g);
	if (res == EMU_OK && g.eip == x.cont && g.gpr[4] == x.esp0 && !g.sreg_dirty) {
		return_through_site(v, f, &g, x.gen_eax);
		return 0;
	}
	/* Anything else leaves through iret_restart. (A generic site's
	   popl %eax is skipped: cont is past it and the guest's eax is in g.) */
	resume_commit(v, &g);
	return 1;
}

static const uint8_t has_err[32] = { [8] = 1, [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1, [17] = 1 };

/* The guest cannot go on (v->fatal says why): HC_SHUTDOWN, which the
   hypervisor records as a kill with the reason (kernel/ipvmm_load.c). */
static void stop(struct vcpu *v)
{
	vcpu_console_flush(v);
	v->hv->shutdown(v->hv_ctx, IPVMM_STOP | v->fatal);
}

/* int n / int3 / into that reached the hypervisor as #GP on its gate. */
static bool soft_int(struct vcpu *v, struct gstate *g, uint32_t err)
{
	uint8_t b[2];

	if ((err & 3) != 2 || !v->hv->read(v->hv_ctx, g->eip, b, 2))
		return false;
	if (b[0] == 0xcd && b[1] == err >> 3) {
		g->eip += 2;
		if (deliver_soft(v, g, b[1], 2))
			stop(v);
		return true;
	}
	if (b[0] == 0xcc && err >> 3 == VEC_BP) {
		g->eip += 1;
		if (deliver_soft(v, g, VEC_BP, 1))
			stop(v);
		return true;
	}
	return false;
}

/* A #GP(0) at a sensitive instruction is emulated; any other #GP(0) is
   the guest's and delivered as such. */
static bool sensitive_at(struct vcpu *v, uint32_t eip, struct dec_insn *d)
{
	uint8_t b[DEC_MAX_LEN];
	unsigned n = emulate_fetch(v, eip, b);
	const char *why;

	return n && !dec_decode(b, n, d, &why);
}

/* A raw segment load or far transfer names the guest's selector with its
   virtual RPL 0, which the real CPU at CPL 1 refuses with #GP(selector)
   (SS, CS): emulated like a #GP(0), against the guest's own tables, so the
   emulator raises whatever the guest's CPU would. */
static bool sel_op(const struct dec_insn *d)
{
	switch (d->op) {
	case DEC_MOV_TO_SEG: case DEC_POP_SEG: case DEC_LDS: case DEC_LES: case DEC_LFS:
	case DEC_LGS: case DEC_LSS: case DEC_LJMP_MEM: case DEC_LJMP_PTR: case DEC_LCALL_MEM:
	case DEC_LCALL_PTR: case DEC_LRET: case DEC_LRET_IMM: case DEC_IRET:
		return true;
	default:
		return false;
	}
}

/* The 8-byte, NUL-padded name of a raw-trap record equals name. */
static bool same_name(const char *rec, const char *name)
{
	for (unsigned i = 0; i < 8; i++, name += *name != 0)
		if (rec[i] != *name)
			return false;
	return true;
}

/* Count an unpadded sensitive instruction by address (shared.h); user
   mode's by class only (its code moves: the vDSO at a random address per
   process). */
static void raw_trap_count(struct vcpu *v, uint32_t eip, enum dec_op op)
{
	struct ipvmm_shared *sh = v->sh;
	unsigned i, n = sh->raw_trap_sites < IPVMM_RAW_TRAP_SLOTS ? sh->raw_trap_sites : IPVMM_RAW_TRAP_SLOTS;
	const char *name = dec_op_name(op);

	for (i = 0; i < n; i++)
		if (sh->raw_traps[i].eip == eip && same_name(sh->raw_traps[i].op, name)) {
			sh->raw_traps[i].count++;
			return;
		}
	sh->raw_trap_sites++;
	if (n == IPVMM_RAW_TRAP_SLOTS) {
		sh->raw_trap_lost++;
		return;
	}
	sh->raw_traps[n].eip = eip;
	sh->raw_traps[n].count = 1;
	for (i = 0; i < sizeof(sh->raw_traps[n].op); i++)
		sh->raw_traps[n].op[i] = *name ? *name++ : 0;
}


/* An emulated sti that set IF with work pending: the next instruction
   runs first (the shadow), as burn_common_c does for rewritten sites. */
static bool sti_shadow(struct vcpu *v, const struct gstate *g, uint32_t insn, bool was_if)
{
	uint8_t b;

	if (was_if || !(g->eflags & EF_IF) || !vcpu_has_pending(v))
		return false;
	if (!v->hv->read(v->hv_ctx, insn, &b, 1) || b != 0xfb)
		return false;
	v->step_shadow = true;
	v->stats.shadow_steps++;
	return true;
}

static inline void upcall_to_state(struct vcpu *v, const struct ipvmm_upcall_state *s, struct gstate *g)
{
	g->gpr[0] = s->eax;
	g->gpr[1] = s->ecx;
	g->gpr[2] = s->edx;
	g->gpr[3] = s->ebx;
	g->gpr[4] = s->esp;
	g->gpr[5] = s->ebp;
	g->gpr[6] = s->esi;
	g->gpr[7] = s->edi;
	g->sreg[SR_ES] = sel_virt(s->es);
	g->sreg[SR_CS] = sel_virt(s->cs);
	g->sreg[SR_SS] = sel_virt(s->ss);
	g->sreg[SR_DS] = sel_virt(s->ds);
	g->sreg[SR_FS] = sel_virt(s->fs);
	g->sreg[SR_GS] = sel_virt(s->gs);
	g->eip = s->eip;
	g->eflags = vcpu_eflags(v, s->eflags);
	/* Every selector is reloaded: the upcall ran with the IPVMM's. */
	g->sreg_dirty = (1u << SR_ES) | (1u << SR_DS) | (1u << SR_FS) | (1u << SR_GS) | (1u << SR_SS);
}

void burn_upcall_c(struct ipvmm_upcall_state *s)
{
	struct vcpu *v = &ipvmm_vcpu;
	struct gstate g;
	struct dec_insn di;
	uint32_t vec = s->vector;
	bool stepping = v->step_shadow;

	v->step_shadow = false;
	v->sh->n_upcalls++;
	upcall_to_state(v, s, &g);
	if (vec == VEC_DB && stepping) {
		/* the sti shadow has passed: deliver below */
	} else if (vec != IPVMM_UPCALL_IRQ && (vec & IPVMM_UPCALL_SOFT)) {
		/* int $0x82 from outside the IPVMM; DIRECT_VEC from direct.asm's slow path */
		if (deliver_soft(v, &g, vec & 0xff, 2))
			stop(v);
		if ((vec & 0xff) == DIRECT_VEC)
			direct_gate_learn(v);
	} else if (vec == VEC_UD && trap_site_here(v, &g)) {
		/* trap mode: ud2 + the original instruction (docs/rewriter.md);
		   the guest's own ud2 elsewhere still raises #UD */
		uint32_t at = g.eip + 2;
		bool was_if = g.eflags & EF_IF;

		v->sh->n_trap_emul++;
		if (emulate_at(v, &g, at, g.eip) == EMU_STOP)
			stop(v);
		if (sti_shadow(v, &g, at, was_if)) {
			resume_commit(v, &g);
			return;
		}
	} else if ((vec == VEC_GP || vec == VEC_NP || vec == VEC_SS) && !(s->error & 3) &&
		   vcpu_refresh_sel(v, (uint16_t)(s->error & 0xfffcu), g.eip)) {
		/* a descriptor the guest rewrote in memory: installed, retried */
	} else if (vec == VEC_GP && soft_int(v, &g, s->error)) {
		/* software interrupt through a gate the hypervisor owns */
	} else if (vec == VEC_GP && sensitive_at(v, g.eip, &di) && (!s->error || sel_op(&di))) {
		uint32_t at = g.eip;
		bool was_if = g.eflags & EF_IF;

		v->sh->n_gp_emul++;	/* a sensitive instruction the guest did not afterburn */
		raw_trap_count(v, vcpu_cpl(&g) == 3 ? IPVMM_RAW_TRAP_USER : at, di.op);
		if (emulate_insn(v, &g, &di, at, at) == EMU_STOP)
			stop(v);
		if (sti_shadow(v, &g, at, was_if)) {
			resume_commit(v, &g);
			return;
		}
	} else if (vec != IPVMM_UPCALL_IRQ && vec < VEC_EXCEPTIONS) {
		/* a #PF burn_pf_direct left to this path: its gate is learned
		   again after the delivery */
		bool pf = vec == VEC_PF && !(g.eflags & EF_VM);

		if (vec == VEC_PF)
			v->cr2 = s->cr2;
		if (deliver(v, &g, vec, DLV_EXC, has_err[vec], s->error))
			stop(v);
		if (pf) {
			v->sh->pf_slow++;
			pf_gate_learn(v);
		}
	}
	/* IPVMM_UPCALL_IRQ (the interrupt upcall) and every path above:
	   pending work is taken before the guest continues. */
	deliver_pending(v, &g);
	resume_commit(v, &g);
}

/* iret_restart found pending work: deliver it into the state being
   resumed and rebuild the resume record. */
void burn_resume_check_c(void)
{
	struct vcpu *v = &ipvmm_vcpu;
	struct gstate g = v->resume.st;

	if (v->step_shadow)
		return;		/* the shadow's instruction runs first */
	deliver_pending(v, &g);
	resume_commit(v, &g);
}
