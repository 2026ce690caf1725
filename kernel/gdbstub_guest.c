/*
 * The stub's guest side: where the debugged guest stops, what GDB sees of
 * it, and its breakpoints (docs/debugging.md, "The per-guest stub").
 *
 * A guest stops only where its own state is whole: at guest_safe_point,
 * on its VM thread's way back to guest code (not into the IPVMM, not
 * inside a trap's emulation). The VM thread is held there, blocked, with
 * the trap frame on its stack; the stub's thread reads and writes that
 * frame and the guest's memory, and lets it go. Other threads keep their
 * turns. Guest time stops with it: on resume the bases of its clock move
 * by the time it was held.
 */
#include "gdbstub.h"
#include "gdbstub_target.h"
#include "guest.h"
#include "vtlb.h"
#include "events.h"
#include "guest_mem.h"
#include "guest_args.h"
#include "vm.h"
#include "thread.h"
#include "trap.h"
#include "x86.h"
#include "log.h"
#include "fmt.h"
#include "mm.h"
#include "clock.h"
#include "ipvmm_load.h"
#include "hypercall.h"

#define BP_INSN      0xccu
#define BP_GP_ERROR  (3u * 8 + 2)      /* int3 through the DPL-0 gate: #GP(IDT entry 3) */
#define STEP_IPVMM_MAX 1000000u        /* steps through an IPVMM call before giving up */
/* EFLAGS bits a debugger may change: the arithmetic flags and DF (IF is the
 * virtual one; TF is the stub's own). */
#define EFLAGS_GDB_RW 0x0cd5u

int gdbstub_on;

static struct {
	char name[GUEST_NAME_MAX];
	int wait;
	void (*wake)(void);
	struct guest *g;
	volatile enum target_state state;
	volatile int stop_req;             /* park at the next stop point */
	volatile int stop_new;             /* parked, not reported yet */
	unsigned sig, req_sig;
	struct trap_frame *tf;             /* the parked frame (VM thread's stack) */
	int stepping;
	uint32_t step_ipvmm;
	uint64_t park_tsc, others_cpu;
	struct bp { uint32_t la, gpa; uint8_t orig, used; } bp[CONFIG_GDB_BREAKPOINTS];
} t;

void target_setup(const char *name, int wait, void (*wake)(void))
{
	unsigned i;
	for (i = 0; name[i] && i < GUEST_NAME_MAX - 1; i++)
		t.name[i] = name[i];
	t.name[i] = 0;
	t.wait = wait;
	t.wake = wake;
}

enum target_state target_state(void) { return t.state; }
struct guest *target_guest(void) { return t.g; }
unsigned target_signal(void) { return t.sig; }

int target_take_stop(void)
{
	uint32_t f = irq_save();
	int n = t.stop_new;
	t.stop_new = 0;
	irq_restore(f);
	return n;
}

void target_request_stop(unsigned sig)
{
	uint32_t f = irq_save();
	if (t.state == TGT_RUNNING || t.state == TGT_NONE) {
		t.stop_req = 1;
		t.req_sig = sig;
	}
	irq_restore(f);
}

static int name_is(const struct guest *g)
{
	for (unsigned i = 0; i < GUEST_NAME_MAX; i++) {
		if (g->name[i] != t.name[i])
			return 0;
		if (!g->name[i])
			return 1;
	}
	return 1;
}

/* Bound, or loaded or running under that name (it will bind at its
 * first trap): a stop request can be met. */
int target_exists(void)
{
	if (t.g)
		return 1;
	for_each_guest(o)
		if ((o->state == G_LOADED || o->state == G_RUNNING) && name_is(o))
			return 1;
	return 0;
}

static uint64_t others_cpu(const struct guest *g)
{
	uint64_t n = 0;
	for_each_guest(o)
		if (o != g && o->state != G_FREE)
			n += o->sched.cpu_tsc;
	return n;
}

/* Held until the stub lets go; then the guest's clock skips the time it
 * was held and the hold is reported with what the others ran meanwhile
 * (docs/debugging.md: the cost of a stopped guest). */
static void park(struct guest *g, struct trap_frame *tf)
{
	t.tf = tf;
	t.sig = t.req_sig ? t.req_sig : 5;
	t.req_sig = 0;
	t.stop_req = 0;
	t.stepping = 0;
	tf->eflags &= ~EF_TF;
	t.park_tsc = clock_tsc();
	t.others_cpu = others_cpu(g);
	t.state = TGT_PARKED;
	t.stop_new = 1;
	guest_clock_hold(g);
	if (t.wake)
		t.wake();
	while (t.state == TGT_PARKED) {
		current->state = T_BLOCKED;
		schedule();
	}
	uint64_t held = clock_tsc() - t.park_tsc, ran = others_cpu(g) - t.others_cpu;
	guest_clock_release(g, held);
	uint32_t pm = held ? (uint32_t)(ran * 1000 / held) : 0;
	pr_info("gdbstub: guest %s held %llu us at eip %08x; the other guests ran %u.%u %% of it\n",
		g->name, (unsigned long long)clock_delta_ns(held) / 1000, tf->eip, pm / 10, pm % 10);
	t.tf = 0;
}

/* A stop point: ring 1/3 guest code, not the IPVMM, not virtual-8086. */
static int guest_level(const struct guest *g, const struct trap_frame *tf)
{
	return (tf->cs & 3) && !(tf->eflags & EF_VM) && !guest_in_ipvmm(g, tf->eip);
}

/* An upcall made while stepping copied the frame's TF, which is the
 * stub's, into the state it wrote below the IPVMM stack: the IPVMM would
 * take it for the guest's own (a virtual TF). Clear it there. */
static void upcall_state_untrace(struct guest *g, const struct trap_frame *tf)
{
	uint32_t at = tf->esp + (uint32_t)__builtin_offsetof(struct ipvmm_upcall_state, eflags), fl;
	if (tf->eip != g->v.upcall_exc && tf->eip != g->v.upcall_irq)
		return;
	if (guest_read(g, at, &fl, 4) == 0 && (fl & EF_TF)) {
		fl &= ~EF_TF;
		(void)guest_write(g, at, &fl, 4);
	}
}

void gdbstub_park_point(struct guest *g, struct trap_frame *tf)
{
	if (!g)
		return;
	if (!t.g) {
		if (!name_is(g))
			return;
		t.g = g;              /* its first trap: from now on it is the target */
		t.state = TGT_RUNNING;
		if (t.wait) {
			t.stop_req = 1;
			t.req_sig = 5;
		}
	}
	if (g != t.g || g->kill_pending)
		return;
	if (t.stepping && (tf->cs & 3) && guest_in_ipvmm(g, tf->eip)) {
		/* The step went into the IPVMM by an upcall (the emulation of
		 * a trapping site, rewrite=trap), whose entry drops TF: step on
		 * through it, so the step ends where the guest resumes. */
		upcall_state_untrace(g, tf);
		tf->eflags |= EF_TF;
		return;
	}
	if (!guest_level(g, tf))
		return;
	/* A step ends at the first guest-level point after the instruction:
	 * when its TF was replaced by the guest's own flags, and when the
	 * hypervisor completed the instruction itself (an emulated #GP/#UD
	 * or a hypercall from guest code: no #DB follows those). */
	if (t.stepping && (!(tf->eflags & EF_TF) || tf->vector == VEC_GP || tf->vector == VEC_UD ||
			   tf->vector == HC_VECTOR))
		t.stop_req = 1;
	if (!t.stop_req)
		return;
	if (t.wait == 1) {
		t.wait = 2;
		pr_info("gdbstub: guest %s held at eip %08x for GDB on COM2 (gdbwait)\n", g->name,
			tf->eip);
	}
	park(g, tf);
}

int gdbstub_event_hold(const struct guest *g)
{
	return g == t.g && t.stepping;
}

static struct bp *bp_at(uint32_t la)
{
	for (unsigned i = 0; i < CONFIG_GDB_BREAKPOINTS; i++)
		if (t.bp[i].used && t.bp[i].la == la)
			return &t.bp[i];
	return 0;
}

/* A rewritten pushf site is two instructions, `pushl %eax; call
 * burn_pushf` (ipvmm/rewrite.c): a step that stops between them is
 * inside the one guest instruction, so it goes on through the call. */
static int mid_pushf_site(struct guest *g, uint32_t eip)
{
	extern char burn_pushf[];
	uint8_t b[5];
	uint32_t rel;
	if (guest_read(g, eip, b, sizeof(b)) < 0 || b[0] != 0xe8)
		return 0;
	__builtin_memcpy(&rel, b + 1, 4);
	return eip + 5 + rel == (uint32_t)(uintptr_t)burn_pushf;
}

int gdbstub_claim_trap(struct guest *g, struct trap_frame *tf)
{
	uint32_t gpa;
	if (g != t.g || t.state != TGT_RUNNING || (tf->eflags & EF_VM))
		return 0;
	if (tf->vector == VEC_GP && tf->error == BP_GP_ERROR) {
		struct bp *b = bp_at(tf->eip);
		if (!b || vtlb_translate(g, tf->eip, 0, &gpa) < 0 || gpa != b->gpa)
			return 0;             /* the guest's own int3: its business */
		t.stop_req = 1;
		t.req_sig = 5;
		return 1;
	}
	if (tf->vector == VEC_DB && t.stepping) {
		/* TF may be clear in the frame: a popf in the IPVMM cleared it,
		 * and the trap still follows that popf. */
		if ((guest_in_ipvmm(g, tf->eip) || mid_pushf_site(g, tf->eip)) &&
		    ++t.step_ipvmm < STEP_IPVMM_MAX) {
			tf->eflags |= EF_TF;
			return 1;             /* a site's call: step through it as one instruction */
		}
		t.stop_req = 1;
		t.req_sig = 5;
		return 1;
	}
	return 0;
}

void gdbstub_guest_gone(struct guest *g)
{
	if (g != t.g)
		return;
	t.state = TGT_GONE;
	t.stop_new = 1;
	if (t.wake)
		t.wake();
}

void target_resume(int step)
{
	uint32_t f = irq_save();
	if (t.state == TGT_PARKED) {
		t.stepping = step;
		t.step_ipvmm = 0;
		t.stop_new = 0;
		if (step)
			t.tf->eflags |= EF_TF;
		t.state = TGT_RUNNING;
		thread_wake(t.g->vm);
	}
	irq_restore(f);
}

void target_kill(void)
{
	if (t.state != TGT_PARKED)
		return;
	kill_guest(t.g, "killed from GDB (k) at eip %08x", t.tf->eip);
	target_resume(0);
}

/* --- registers ---------------------------------------------------------- */

/* The guest kernel's selectors carry RPL 1 on the real CPU; under the
 * IPVMM the guest believes they are its RPL-0 ones (ipvmm/vcpu.h, sel_virt). */
static uint32_t sel_view(const struct guest *g, uint32_t s)
{
	s &= 0xffff;
	return ipvmm_runs(g) && (s & 3) == 1 ? s & ~3u : s;
}

void target_read_regs(uint32_t r[GDB_NREGS])
{
	const struct trap_frame *f = t.tf;
	const struct guest *g = t.g;
	r[0] = f->eax; r[1] = f->ecx; r[2] = f->edx; r[3] = f->ebx;
	r[4] = f->esp; r[5] = f->ebp; r[6] = f->esi; r[7] = f->edi;
	r[8] = f->eip;
	r[9] = (f->eflags & ~(EF_IF | EF_TF)) | (guest_vif(g) ? EF_IF : 0);
	r[10] = sel_view(g, f->cs); r[11] = sel_view(g, f->ss);
	r[12] = sel_view(g, f->ds); r[13] = sel_view(g, f->es);
	r[14] = sel_view(g, f->fs); r[15] = sel_view(g, f->gs);
}

int target_write_reg(unsigned n, uint32_t v)
{
	struct trap_frame *f = t.tf;
	struct guest *g = t.g;
	uint32_t now[GDB_NREGS];
	uint32_t *gp[9] = { &f->eax, &f->ecx, &f->edx, &f->ebx, &f->esp, &f->ebp, &f->esi,
			    &f->edi, &f->eip };
	if (n < 9) {
		*gp[n] = v;
		return 0;
	}
	if (n == 9) {
		f->eflags = (f->eflags & ~EFLAGS_GDB_RW) | (v & EFLAGS_GDB_RW);
		guest_set_vif(g, (v & EF_IF) != 0);
		return 0;
	}
	/* Segment registers hold descriptors the hypervisor validated: GDB
	 * may write back what it read (a G packet does), nothing else. */
	target_read_regs(now);
	return n < GDB_NREGS && now[n] == v ? 0 : -GDB_E_REG;
}

/* --- memory --------------------------------------------------------------- */

/* Through the guest's own tables (the walk sets A as the CPU would),
 * never into the IPVMM window or the hole (vtlb_translate refuses them),
 * page by page: 0, or -GDB_E_FAULT before any byte moved. */
static int span_ok(uint32_t la, uint32_t len)
{
	uint32_t gpa, a = la;
	if (!len)
		return 0;
	if (la + len - 1 < la)
		return -GDB_E_FAULT;
	for (;;) {
		if (vtlb_translate(t.g, a, 0, &gpa) < 0)
			return -GDB_E_FAULT;
		uint32_t next = (a & ~0xfffu) + 0x1000;
		if (next == 0 || next > la + len - 1)
			return 0;
		a = next;
	}
}

static int phys_copy(uint32_t gpa, uint8_t *buf, uint32_t n, int write)
{
	const struct guest *g = t.g;
	if (gpa >= g->mem.size || n > g->mem.size - gpa || (gpa & 0xfff) + n > 0x1000)
		return -GDB_E_FAULT;
	uint8_t *p = kmap(g->mem.base + (gpa & ~0xfffu));
	if (!p)
		panic("gdbstub: kmap full");
	for (uint32_t i = 0; i < n; i++) {
		if (write)
			p[(gpa & 0xfff) + i] = buf[i];
		else
			buf[i] = p[(gpa & 0xfff) + i];
	}
	kunmap(p);
	return 0;
}

/* Read or write len bytes; breakpoints show (and keep) the original byte. */
static int mem_xfer(uint32_t la, uint8_t *buf, uint32_t len, int write)
{
	uint32_t gpa;
	if (t.state != TGT_PARKED)
		return -GDB_E_STATE;
	if (span_ok(la, len) < 0)
		return -GDB_E_FAULT;
	for (uint32_t done = 0; done < len;) {
		uint32_t a = la + done, n = 0x1000 - (a & 0xfff);
		if (n > len - done)
			n = len - done;
		if (vtlb_translate(t.g, a, 0, &gpa) < 0 || phys_copy(gpa, buf + done, n, write) < 0)
			return -GDB_E_FAULT;
		for (unsigned i = 0; i < CONFIG_GDB_BREAKPOINTS; i++) {
			struct bp *b = &t.bp[i];
			if (!b->used || b->gpa < gpa || b->gpa >= gpa + n)
				continue;
			uint8_t cc = BP_INSN;
			if (write) {
				b->orig = buf[done + b->gpa - gpa];
				phys_copy(b->gpa, &cc, 1, 1);
			} else {
				buf[done + b->gpa - gpa] = b->orig;
			}
		}
		done += n;
	}
	return 0;
}

int target_read_mem(uint32_t la, uint8_t *dst, uint32_t len)
{
	return mem_xfer(la, dst, len, 0);
}

int target_write_mem(uint32_t la, const uint8_t *src, uint32_t len)
{
	return mem_xfer(la, (uint8_t *)src, len, 1);
}

int target_bp_insert(uint32_t la)
{
	struct bp *b = bp_at(la);
	uint32_t gpa;
	uint8_t cc = BP_INSN;
	if (t.state != TGT_PARKED)
		return -GDB_E_STATE;
	if (b)
		return 0;                     /* GDB may insert twice */
	if (vtlb_translate(t.g, la, 0, &gpa) < 0)
		return -GDB_E_FAULT;
	for (unsigned i = 0; i < CONFIG_GDB_BREAKPOINTS; i++) {
		b = &t.bp[i];
		if (b->used)
			continue;
		if (phys_copy(gpa, &b->orig, 1, 0) < 0 || phys_copy(gpa, &cc, 1, 1) < 0)
			return -GDB_E_FAULT;
		b->la = la;
		b->gpa = gpa;
		b->used = 1;
		return 0;
	}
	return -GDB_E_FULL;
}

int target_bp_remove(uint32_t la)
{
	struct bp *b = bp_at(la);
	if (t.state != TGT_PARKED)
		return -GDB_E_STATE;
	if (!b)
		return 0;
	b->used = 0;
	return phys_copy(b->gpa, &b->orig, 1, 1);
}

/* Detach: every int3 out, the original bytes back. */
void target_bp_clear_all(void)
{
	for (unsigned i = 0; i < CONFIG_GDB_BREAKPOINTS; i++)
		if (t.bp[i].used)
			(void)target_bp_remove(t.bp[i].la);
}

unsigned target_describe(char *out, unsigned max)
{
	const struct guest *g = t.g;
	const struct trap_frame *f = t.tf;
	const struct ipvmm_shared *s = g->shared;
	int n = fmt_snprintf(out, max,
		"guest %s (%s): virtual IF %d, cr0 %08x cr3 %08x cr4 %08x, paging %s\n"
		"pending %08x (shared page), redirect due %d, timer %s\n"
		"real: cs %04x eflags %08x esp %08x, shadow cr3 %08x\n"
		"breakpoints:", g->name, ipvmm_runs(g) ? "under the IPVMM" : "its own IPVMM",
		guest_vif(g), g->v.cr0, g->v.cr3, g->v.cr4, vtlb_paging(g) ? "on" : "off",
		s ? s->pending : 0, g->v.redirect_due, g->v.timer_deadline ? "armed" : "not armed",
		f->cs, f->eflags, f->esp, vtlb_current_cr3(g));
	for (unsigned i = 0; i < CONFIG_GDB_BREAKPOINTS && n > 0 && (unsigned)n < max; i++)
		if (t.bp[i].used)
			n += fmt_snprintf(out + n, max - (unsigned)n, " %08x", t.bp[i].la);
	if (n > 0 && (unsigned)n < max - 1) {
		out[n++] = '\n';
		out[n] = 0;
	}
	return n < 0 ? 0 : (unsigned)n < max ? (unsigned)n : max - 1;
}
