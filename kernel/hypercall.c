/*
 * The hypercall gate (int $0x82, DPL 1; the calls are the rows of
 * include/hypercall_table.h, the ABI is docs/hypercalls.md). Two steps per
 * call, as seL4 does it: decode_NAME checks every argument against the
 * calling guest (the IPVMM lives in guest-writable memory: everything it
 * passes is hostile) and fills the call's typed struct, or refuses with a
 * reason, logged at debug level; invoke_NAME carries the struct out and
 * cannot fail. What invoke needs is allocated when the guest starts. The
 * glue between the registers and the two steps is generated
 * (kernel/hypercall_glue.h). Only EAX changes in the guest's registers.
 */
#include "guest.h"
#include "shadow.h"
#include "vtlb.h"
#include "events.h"
#include "guest_mem.h"
#include "console_mux.h"
#include "vm.h"
#include "hypercall_hv.h"
#include "hypercall.h"
#include "trap.h"
#include "log.h"
#include "gdt.h"
#include "desc_check.h"
#include "ipvmm/image.h"
#include "hypercall_glue.h"
#include "thread.h"
#include "x86/cr.h"
#include "x86/desc.h"

#define CR3_FLAGS 0x18u          /* PWT, PCD: accepted, no effect on the shadow */
#define UPCALL_STATE_SIZE ((uint32_t)sizeof(struct ipvmm_upcall_state))
#define DESC_ACCESSED (1ull << 40)   /* preset: the GDT is read-only in the shadow */
#define HC_UNMAP_MAX 1024u

/* A refusal: the code for the guest, the reason for the log. */
#define REFUSE(err, reason) (*why = (reason), (err))

HC_CALLS(HC_IN_STRUCT_)

/* --- the calls' checked operations ------------------------------------ */
struct hc_version { char none; };
struct hc_console_write { uint32_t buf, len; };              /* a guest range, proved */
struct hc_shutdown { int status; };
struct hc_set_cr3 { uint32_t cr3; };                         /* a page of the partition */
struct hc_invlpg { uint32_t va; };
struct hc_flush_tlb { int all; };
struct hc_set_cr0_cr4 { uint32_t cr0, cr4; };
struct hc_load_desc {
	int ldt;                 /* 0: the guest's part of the GDT, 1: the LDT */
	uint32_t index;          /* inside that table */
	uint64_t desc;           /* as desc_check made it safe, accessed bit set */
	int32_t adjusted;        /* the result: 1 DPL raised, 2 limit clipped */
};
struct hc_set_stack { uint32_t ss, esp; };                   /* ss a ring-1 data segment */
struct hc_set_timer { uint64_t deadline; };                  /* guest ns, 0 = cancel */
struct hc_set_timer_periodic { uint64_t deadline, period; };  /* deadline > 0, period >= the floor */
struct hc_wait { char none; };
struct hc_set_upcall { uint32_t irq, exc, stack, self_lo, self_hi; };   /* all 0: none */
struct hc_unmap { uint32_t va, pages; };
struct hc_direct_gate { uint32_t vector, stack; };           /* vector 0: none */

const char *const hc_names[HC_NR_CALLS] = { HC_CALLS(HC_NAME_) };
static const char *const hc_error_names[] = { HC_ERRORS(HC_ERROR_NAME_) };

/* --- decode: every check, nothing changes ----------------------------- */
static int decode_version(const struct guest *g, const struct hc_in_version *in,
			  struct hc_version *op, const char **why)
{
	(void)g, (void)in, (void)op, (void)why;
	return 0;
}

static int decode_console_write(const struct guest *g, const struct hc_in_console_write *in,
				struct hc_console_write *op, const char **why)
{
	if (in->len > HC_CONSOLE_MAX)
		return REFUSE(HC_EINVAL, "length above HC_CONSOLE_MAX (4096)");
	if (guest_range_ok(g, in->buf, in->len))
		return REFUSE(HC_EFAULT, "buffer not the guest's (wraps, unmapped, or in the hole)");
	op->buf = in->buf;
	op->len = in->len;
	return 0;
}

static int decode_shutdown(const struct guest *g, const struct hc_in_shutdown *in,
			   struct hc_shutdown *op, const char **why)
{
	(void)g, (void)why;
	op->status = (int)in->status;
	return 0;
}

static int decode_set_cr3(const struct guest *g, const struct hc_in_set_cr3 *in,
			  struct hc_set_cr3 *op, const char **why)
{
	if (in->cr3 & 0xfff & ~CR3_FLAGS)
		return REFUSE(HC_EINVAL, "low bits other than PWT/PCD set");
	if ((in->cr3 & ~0xfffu) > g->mem.size - PAGE_SIZE)
		return REFUSE(HC_EFAULT, "page directory outside the partition");
	op->cr3 = in->cr3;
	return 0;
}

static int decode_invlpg(const struct guest *g, const struct hc_in_invlpg *in,
			 struct hc_invlpg *op, const char **why)
{
	(void)g, (void)why;
	op->va = in->va;         /* any address: one in the hole has no effect */
	return 0;
}

static int decode_flush_tlb(const struct guest *g, const struct hc_in_flush_tlb *in,
			    struct hc_flush_tlb *op, const char **why)
{
	(void)g;
	if (in->all > 1)
		return REFUSE(HC_EINVAL, "flush kind not 0 (non-global) or 1 (all)");
	op->all = (int)in->all;
	return 0;
}

static int decode_set_cr0_cr4(const struct guest *g, const struct hc_in_set_cr0_cr4 *in,
			      struct hc_set_cr0_cr4 *op, const char **why)
{
	(void)g;
	if ((in->cr0 & CR0_PG) && !(in->cr0 & CR0_PE))
		return REFUSE(HC_EINVAL, "CR0.PG without CR0.PE");   /* the CPU's #GP */
	if (in->cr4 & CR4_PAE)
		return REFUSE(HC_EINVAL, "CR4.PAE (hidden by cpuid)");
	op->cr0 = in->cr0;
	op->cr4 = in->cr4;
	return 0;
}

static int decode_load_desc(const struct guest *g, const struct hc_in_load_desc *in,
			    struct hc_load_desc *op, const char **why)
{
	struct desc_change ch = { false, false };
	uint64_t out;
	(void)g;
	if (in->table > 1)
		return REFUSE(HC_EINVAL, "table not 0 (GDT) or 1 (LDT)");
	if (in->table == 0 && (in->index == 0 || in->index >= CONFIG_GUEST_GDT_ENTRIES))
		return REFUSE(HC_EINVAL, "GDT index 0 or past the guest's entries");
	if (in->table == 1 && in->index >= CONFIG_GUEST_LDT_ENTRIES)
		return REFUSE(HC_EINVAL, "LDT index past CONFIG_GUEST_LDT_ENTRIES");
	if (desc_check(((uint64_t)in->hi << 32) | in->lo, &out, why, &ch) != DESC_OK)
		return HC_EPERM;     /* *why: desc_check's reason */
	op->ldt = (int)in->table;
	op->index = in->index;
	op->desc = out | DESC_ACCESSED;
	op->adjusted = (ch.dpl_raised ? 1 : 0) | (ch.clipped ? 2 : 0);
	return 0;
}

/* ss1 for HC_SET_STACK: RPL 1 and a present writable data segment at DPL 1. */
static int stack_sel_ok(const struct guest *g, uint32_t ss)
{
	if (ss > 0xffff || (ss & 7) != 1)        /* GDT, RPL 1 */
		return 0;
	if (ss == GK_DS)
		return 1;
	uint32_t idx = ss >> 3;
	if (idx == 0 || idx >= CONFIG_GUEST_GDT_ENTRIES)
		return 0;
	uint32_t hi = (uint32_t)(g->gdt[idx] >> 32), type = DESC_TYPE(hi);
	return (hi & DESC_P) && DESC_DPL(hi) == 1 &&
	       (type & (DT_S | DT_CODE | DT_WRITE)) == (DT_S | DT_WRITE);   /* writable data */
}

static int decode_set_stack(const struct guest *g, const struct hc_in_set_stack *in,
			    struct hc_set_stack *op, const char **why)
{
	if (!stack_sel_ok(g, in->ss))
		return REFUSE(HC_EPERM, "ss not GK_DS or a present writable DPL-1 data segment, RPL 1");
	op->ss = in->ss;
	op->esp = in->esp;
	return 0;
}

static int decode_set_timer(const struct guest *g, const struct hc_in_set_timer *in,
			    struct hc_set_timer *op, const char **why)
{
	(void)g, (void)why;
	op->deadline = ((uint64_t)in->deadline_hi << 32) | in->deadline_lo;   /* far: never */
	return 0;
}

static int decode_set_timer_periodic(const struct guest *g, const struct hc_in_set_timer_periodic *in,
				     struct hc_set_timer_periodic *op, const char **why)
{
	(void)g;
	op->deadline = ((uint64_t)in->deadline_hi << 32) | in->deadline_lo;
	op->period = in->period;
	if (!op->deadline)
		return REFUSE(HC_EINVAL, "deadline 0 (HC_SET_TIMER 0 cancels)");
	if (op->period < (uint64_t)CONFIG_GUEST_TIMER_PERIOD_MIN_US * 1000)
		return REFUSE(HC_EINVAL, "period below CONFIG_GUEST_TIMER_PERIOD_MIN_US");
	return 0;
}

static int decode_wait(const struct guest *g, const struct hc_in_wait *in, struct hc_wait *op,
		       const char **why)
{
	(void)g, (void)in, (void)op, (void)why;
	return 0;
}

static int in_ipvmm_text(uint32_t a)
{
	return a >= IPVMM_BASE && a < (uint32_t)(uintptr_t)__ipvmm_text_end;
}

/* The upcall stack: the state goes to [stack - 80, stack), which must be
 * writable guest memory (ipvmm=self) or the IPVMM's data window. */
static int upcall_stack_ok(const struct guest *g, uint32_t stack)
{
	uint32_t lo = stack - UPCALL_STATE_SIZE, ma;
	if (stack % 4 || stack < UPCALL_STATE_SIZE)
		return 0;
	if (g->ipvmm_self)
		return shadow_translate_write(g, lo, &ma) == 0 &&
			shadow_translate_write(g, stack - 1, &ma) == 0;
	return lo >= IPVMM_SHARED_ADDR + PAGE_SIZE && shadow_window_write(g, lo, &ma) == 0 &&
		shadow_window_write(g, stack - 1, &ma) == 0;
}

static int decode_set_upcall(const struct guest *g, const struct hc_in_set_upcall *in,
			     struct hc_set_upcall *op, const char **why)
{
	*op = (struct hc_set_upcall){ in->irq_entry, in->exc_entry, in->stack, 0, 0 };
	if (!in->irq_entry && !in->exc_entry && !in->stack)
		return 0;           /* unregister: faults kill again */
	if (g->ipvmm_self) {
		/* A test guest that is its own IPVMM names its "IPVMM text"
		 * [ESI, EDI): the entries lie in it, no interrupt is redirected
		 * while EIP is in it. */
		if (in->self_lo >= in->self_hi || in->self_hi > g->mem.size || in->self_hi > IPVMM_BASE)
			return REFUSE(HC_EINVAL, "ipvmm=self code range empty or outside the partition");
		if (in->irq_entry < in->self_lo || in->irq_entry >= in->self_hi ||
		    in->exc_entry < in->self_lo || in->exc_entry >= in->self_hi)
			return REFUSE(HC_EFAULT, "an entry outside the guest's ipvmm=self code");
		op->self_lo = in->self_lo;
		op->self_hi = in->self_hi;
	} else if (!in_ipvmm_text(in->irq_entry) || !in_ipvmm_text(in->exc_entry)) {
		return REFUSE(HC_EFAULT, "an entry outside the IPVMM text");
	}
	if (!upcall_stack_ok(g, in->stack))
		return REFUSE(HC_EFAULT, "upcall stack unaligned or its 80 bytes not writable");
	return 0;
}

static int decode_unmap(const struct guest *g, const struct hc_in_unmap *in, struct hc_unmap *op,
			const char **why)
{
	(void)g;
	if (in->va & 0xfff)
		return REFUSE(HC_EINVAL, "address not page-aligned");
	if (in->pages == 0 || in->pages > HC_UNMAP_MAX)
		return REFUSE(HC_EINVAL, "page count not 1..1024");
	if (in->va + (in->pages - 1) * PAGE_SIZE < in->va)
		return REFUSE(HC_EINVAL, "range wraps past 4 GiB");
	op->va = in->va;
	op->pages = in->pages;
	return 0;
}

/* The direct system-call gate (docs/security.md): only for a guest that
 * runs the IPVMM (the gate enters its text), never on a vector the
 * hypervisor owns; the ring-1 stack the CPU switches to is 32 bytes of
 * the IPVMM data window, where burn_int_direct takes the frame from. */
static int decode_direct_gate(const struct guest *g, const struct hc_in_direct_gate *in,
			      struct hc_direct_gate *op, const char **why)
{
	uint32_t lo = in->stack - 32, ma;
	*op = (struct hc_direct_gate){ 0, 0 };
	if (!in->vector)
		return 0;                        /* remove */
	if (in->vector > 0xff)
		return REFUSE(HC_EINVAL, "vector above 255");
	if (idt_vector_owned(in->vector))
		return REFUSE(HC_EPERM, "a vector the hypervisor owns");
	if (!g->v.upcall_exc || g->ipvmm_self)
		return REFUSE(HC_EPERM, "no IPVMM: the gate enters the IPVMM's text");
	if (in->stack % 4 || lo < IPVMM_SHARED_ADDR + PAGE_SIZE || lo > in->stack ||
	    shadow_window_write(g, lo, &ma) || shadow_window_write(g, in->stack - 1, &ma))
		return REFUSE(HC_EFAULT, "stack unaligned or its 32 bytes not in the data window");
	op->vector = in->vector;
	op->stack = in->stack;
	return 0;
}

/* --- invoke: the effects; every value was checked --------------------- */
static int32_t invoke_version(struct guest *g, const struct hc_version *op)
{
	(void)g, (void)op;
	return HC_ABI_VERSION;
}

static int32_t invoke_console_write(struct guest *g, const struct hc_console_write *op)
{
	char chunk[128];
	uint32_t buf = op->buf, len = op->len;
	while (len) {
		uint32_t n = len < sizeof(chunk) ? len : sizeof(chunk);
		if (guest_read(g, buf, chunk, n) < 0) {
			/* decode proved the range: the mapping changed under us,
			 * a rule the guest broke that no code can report */
			kill_guest(g, "console buffer %08x vanished during the copy", buf);
			break;
		}
		console_mux_put(g, chunk, n);
		buf += n;
		len -= n;
	}
	return (int32_t)op->len;
}

static int32_t invoke_shutdown(struct guest *g, const struct hc_shutdown *op)
{
	guest_exit(g, op->status);
}

static int32_t invoke_set_cr3(struct guest *g, const struct hc_set_cr3 *op)
{
	vtlb_set_cr3(g, op->cr3);
	return 0;
}

static int32_t invoke_invlpg(struct guest *g, const struct hc_invlpg *op)
{
	vtlb_invlpg(g, op->va);
	return 0;
}

static int32_t invoke_flush_tlb(struct guest *g, const struct hc_flush_tlb *op)
{
	vtlb_flush(g, op->all);
	return 0;
}

static int32_t invoke_set_cr0_cr4(struct guest *g, const struct hc_set_cr0_cr4 *op)
{
	vtlb_set_cr0_cr4(g, op->cr0, op->cr4);
	return 0;
}

static int32_t invoke_load_desc(struct guest *g, const struct hc_load_desc *op)
{
	if (op->ldt) {
		g->ldt[op->index] = op->desc;
		ldt[op->index] = op->desc;      /* the running guest's real LDT */
	} else {
		g->gdt[op->index] = op->desc;
		gdt[op->index] = op->desc;      /* the running guest's part of the real GDT */
	}
	g->desc_gen++;                      /* the return path checks selectors again */
	return op->adjusted;
}

static int32_t invoke_set_stack(struct guest *g, const struct hc_set_stack *op)
{
	g->v.ss1 = op->ss;
	g->v.esp1 = op->esp;
	guest_load_cpu_state(g);
	return 0;
}

static int32_t invoke_set_timer(struct guest *g, const struct hc_set_timer *op)
{
	guest_set_timer(g, op->deadline, 0);   /* its IRQ thread exists since the start */
	return 0;
}

static int32_t invoke_set_timer_periodic(struct guest *g, const struct hc_set_timer_periodic *op)
{
	guest_set_timer(g, op->deadline, op->period);
	return 0;
}

static int32_t invoke_wait(struct guest *g, const struct hc_wait *op)
{
	(void)op;
	guest_wait(g);
	return 0;
}

static int32_t invoke_set_upcall(struct guest *g, const struct hc_set_upcall *op)
{
	g->v.upcall_irq = op->irq;
	g->v.upcall_exc = op->exc;
	g->v.upcall_stack = op->stack;
	g->v.self_lo = op->self_lo;
	g->v.self_hi = op->self_hi;
	return 0;
}

static int32_t invoke_direct_gate(struct guest *g, const struct hc_direct_gate *op)
{
	g->v.direct_vec = op->vector;
	if (op->vector) {
		g->v.ss1 = GK_DS;                /* flat ring 1: the IPVMM data */
		g->v.esp1 = op->stack;
	}
	guest_load_cpu_state(g);             /* the caller runs: install now */
	return 0;
}

static int32_t invoke_unmap(struct guest *g, const struct hc_unmap *op)
{
	for (uint32_t i = 0; i < op->pages; i++)
		vtlb_invlpg(g, op->va + i * PAGE_SIZE);
	return 0;
}

/* --- the gate ---------------------------------------------------------- */

/* A refused call returns its code; the reason goes to the debug log (as
 * seL4's userError), off at the default level so transcripts stay as
 * they are. */
static int32_t hc_refused(const struct guest *g, uint32_t nr, int err, const char *why)
{
	const char *call = nr < HC_NR_CALLS ? hc_names[nr] : "unknown call";
	pr_debug("hypercall: guest %s: %s (%u) refused, %s: %s\n", g->name, call, nr,
		 hc_error_names[-err], why);
	return err;
}

HC_CALLS(HC_DECODE_)
HC_CALLS(HC_DO_)

#ifdef HC_DECODE_ANY
/* Decode alone, for tests/unit/kernel/fuzz_hypercall.c: the same steps
 * the gate runs, without the effects. */
union hc_op { HC_CALLS(HC_OP_MEMBER_) };
static int hc_decode_any(const struct guest *g, const struct trap_frame *tf, union hc_op *op,
			 const char **why)
{
	switch (tf->eax) {
	HC_CALLS(HC_DECODE_CASE_)
	}
	return REFUSE(HC_ENOSYS, tf->eax < HC_NR_CALLS ? "reserved" : "no such call");
}
#endif

void hypercall_dispatch(struct trap_frame *tf)
{
	struct guest *g = current ? current->guest : 0;   /* guest_current(), without the call */
	if (!g || (tf->cs & 3) == 0)
		panic_frame(tf, "hypercall from outside a guest");
	/* Only the IPVMM makes hypercalls; the guest kernel's own int $0x82
	 * (the gate is DPL 1, so ring 1 reaches it) is a software interrupt
	 * through its virtual IDT, as on hardware. */
	if (g->v.upcall_exc && !g->ipvmm_self && !guest_in_ipvmm(g, tf->eip - 2)) {
		guest_upcall_exc(g, tf, HC_VECTOR | IPVMM_UPCALL_SOFT, 0, 0);
		g->stats.soft_ints++;
		return;
	}
	uint32_t nr = tf->eax;
	g->stats.hypercalls++;
	if (nr != HC_CONSOLE_WRITE)
		g->stats.entries.hcalls++;    /* the console is the bench's instrument */
	if (nr >= HC_NR_CALLS) {
		tf->eax = (uint32_t)hc_refused(g, nr, HC_ENOSYS, "no such call");
		return;
	}
	g->stats.hc_count[nr]++;
	switch (nr) {
	HC_CALLS(HC_CASE_)
	}
	tf->eax = (uint32_t)hc_refused(g, nr, HC_ENOSYS, "reserved, not implemented");
}
