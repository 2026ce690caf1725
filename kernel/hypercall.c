/*
 * The hypercall gate (int $0x82, DPL 1; ABI in include/hypercall.h and
 * docs/hypercalls.md). Two steps, as seL4 does it: decode checks every
 * argument against the calling guest and produces an operation that cannot
 * fail; invoke carries it out. Only EAX changes in the guest's registers.
 */
#include "guest.h"
#include "hypercall.h"
#include "trap.h"
#include "log.h"
#include "gdt.h"
#include "desc_check.h"
#include "ipvmm/image.h"

#define CR0_PE   0x00000001u
#define CR0_PG   0x80000000u
#define CR4_PAE  0x00000020u
#define CR3_FLAGS 0x18u          /* PWT, PCD: accepted, no effect on the shadow */
#define UPCALL_STATE_SIZE ((uint32_t)sizeof(struct ipvmm_upcall_state))
#define DESC_ACCESSED (1ull << 40)   /* preset: the GDT is read-only in the shadow */
#define HC_UNMAP_MAX 1024u

struct hc_op {
	unsigned nr;
	uint32_t buf, len;      /* HC_CONSOLE_WRITE: a checked guest range */
	uint32_t status;        /* HC_SHUTDOWN */
	uint32_t a, b, c;       /* the other calls, checked */
	uint64_t q;             /* HC_LOAD_DESC: the descriptor to install; HC_SET_TIMER */
	int32_t result;         /* what invoke returns on success */
};

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

static int decode_upcall(const struct guest *g, const struct trap_frame *tf, struct hc_op *op)
{
	op->a = tf->ebx;        /* interrupt entry */
	op->b = tf->ecx;        /* exception entry */
	op->c = tf->edx;        /* stack */
	if (!op->a && !op->b && !op->c)
		return 0;           /* unregister: faults kill again */
	if (g->ipvmm_self) {
		/* A test guest that is its own IPVMM names its "IPVMM text"
		 * [ESI, EDI): the entries lie in it, no interrupt is redirected
		 * while EIP is in it. */
		if (tf->esi >= tf->edi || tf->edi > g->size || tf->edi > IPVMM_BASE)
			return HC_EINVAL;
		if (op->a < tf->esi || op->a >= tf->edi || op->b < tf->esi || op->b >= tf->edi)
			return HC_EFAULT;
		op->q = ((uint64_t)tf->edi << 32) | tf->esi;
	} else if (!in_ipvmm_text(op->a) || !in_ipvmm_text(op->b)) {
		return HC_EFAULT;
	}
	return upcall_stack_ok(g, op->c) ? 0 : HC_EFAULT;
}

static int decode_desc(const struct trap_frame *tf, struct hc_op *op)
{
	const char *why;
	struct desc_change ch = { false, false };
	uint64_t out;
	if (tf->ebx > 1)                         /* 0 = GDT, 1 = LDT */
		return HC_EINVAL;
	if (tf->ebx == 0 ? tf->ecx == 0 || tf->ecx >= CONFIG_GUEST_GDT_ENTRIES
			 : tf->ecx >= CONFIG_GUEST_LDT_ENTRIES)
		return HC_EINVAL;
	if (desc_check(((uint64_t)tf->edx << 32) | tf->esi, &out, &why, &ch) != DESC_OK)
		return HC_EPERM;
	op->a = tf->ecx;
	op->b = tf->ebx;
	op->q = out | DESC_ACCESSED;
	op->result = (ch.dpl_raised ? 1 : 0) | (ch.clipped ? 2 : 0);
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
	uint32_t hi = (uint32_t)(g->gdt[idx] >> 32);
	uint32_t type = (hi >> 8) & 0xf, s = (hi >> 12) & 1, dpl = (hi >> 13) & 3, p = (hi >> 15) & 1;
	return p && s && dpl == 1 && !(type & 8) && (type & 2);
}

static int decode(const struct guest *g, const struct trap_frame *tf, struct hc_op *op)
{
	op->nr = tf->eax;
	switch (tf->eax) {
	case HC_VERSION:
		return 0;
	case HC_CONSOLE_WRITE:
		op->buf = tf->ebx;
		op->len = tf->ecx;
		if (op->len > HC_CONSOLE_MAX)
			return HC_EINVAL;
		return guest_range_ok(g, op->buf, op->len) ? HC_EFAULT : 0;
	case HC_SHUTDOWN:
		op->status = tf->ebx;
		return 0;
	case HC_SET_CR3:
		if (tf->ebx & 0xfff & ~CR3_FLAGS)
			return HC_EINVAL;
		op->a = tf->ebx;
		return (tf->ebx & ~0xfffu) > g->size - PAGE_SIZE ? HC_EFAULT : 0;
	case HC_INVLPG:
		op->a = tf->ebx;
		return 0;
	case HC_FLUSH_TLB:
		op->a = tf->ebx;
		return tf->ebx > 1 ? HC_EINVAL : 0;
	case HC_SET_CR0_CR4:
		op->a = tf->ebx;
		op->b = tf->ecx;
		if ((op->a & CR0_PG) && !(op->a & CR0_PE))
			return HC_EINVAL;        /* the CPU's #GP */
		return (op->b & CR4_PAE) ? HC_EINVAL : 0;   /* PAE is hidden by cpuid */
	case HC_LOAD_DESC:
		return decode_desc(tf, op);
	case HC_SET_STACK:
		op->a = tf->ebx;
		op->b = tf->ecx;
		return stack_sel_ok(g, tf->ebx) ? 0 : HC_EPERM;
	case HC_SET_TIMER:
		op->q = ((uint64_t)tf->ebx << 32) | tf->ecx;
		return 0;
	case HC_WAIT:
		return 0;
	case HC_SET_UPCALL:
		return decode_upcall(g, tf, op);
	case HC_UNMAP:
		op->a = tf->ebx;
		op->b = tf->ecx;
		if (op->a & 0xfff || op->b == 0 || op->b > HC_UNMAP_MAX ||
		    op->a + (op->b - 1) * PAGE_SIZE < op->a)
			return HC_EINVAL;
		return 0;
	default:
		/* HC_IRET_DONE is reserved; HC_MAP is not implemented (the
		 * shadow fills on demand, docs/hypercalls.md). */
		return HC_ENOSYS;
	}
}

static void console_write(struct guest *g, uint32_t buf, uint32_t len)
{
	char chunk[128];
	while (len) {
		uint32_t n = len < sizeof(chunk) ? len : sizeof(chunk);
		if (guest_read(g, buf, chunk, n) < 0) {
			/* decode proved the range: the mapping changed under us */
			kill_guest(g, "console buffer %08x vanished during the copy", buf);
			return;
		}
		console_mux_put(g, chunk, n);
		buf += n;
		len -= n;
	}
}

static int32_t invoke(struct guest *g, const struct hc_op *op)
{
	switch (op->nr) {
	case HC_VERSION:
		return HC_ABI_VERSION;
	case HC_CONSOLE_WRITE:
		console_write(g, op->buf, op->len);
		return (int32_t)op->len;
	case HC_SHUTDOWN:
		guest_exit(g, (int)op->status);
	case HC_SET_CR3:
		vtlb_set_cr3(g, op->a);
		return 0;
	case HC_INVLPG:
		vtlb_invlpg(g, op->a);
		return 0;
	case HC_FLUSH_TLB:
		vtlb_flush(g, (int)op->a);
		return 0;
	case HC_SET_CR0_CR4:
		vtlb_set_cr0_cr4(g, op->a, op->b);
		return 0;
	case HC_LOAD_DESC:
		if (op->b) {
			g->ldt[op->a] = op->q;
			ldt[op->a] = op->q;      /* the running guest's real LDT */
		} else {
			g->gdt[op->a] = op->q;
			gdt[op->a] = op->q;      /* the running guest's part of the real GDT */
		}
		g->desc_gen++;               /* the return path checks selectors again */
		return op->result;
	case HC_SET_STACK:
		g->v.ss1 = op->a;
		g->v.esp1 = op->b;
		guest_load_cpu_state(g);
		return 0;
	case HC_SET_TIMER:
		return guest_set_timer(g, op->q);
	case HC_WAIT:
		guest_wait(g);
		return 0;
	case HC_SET_UPCALL:
		g->v.upcall_irq = op->a;
		g->v.upcall_exc = op->b;
		g->v.upcall_stack = op->c;
		g->v.self_lo = (uint32_t)op->q;
		g->v.self_hi = (uint32_t)(op->q >> 32);
		return 0;
	case HC_UNMAP:
		for (uint32_t i = 0; i < op->b; i++)
			vtlb_invlpg(g, op->a + i * PAGE_SIZE);
		return 0;
	}
	panic("hypercall: invoke of undecoded call %u", op->nr);
}

void hypercall_dispatch(struct trap_frame *tf)
{
	struct guest *g = guest_current();
	struct hc_op op = { 0 };
	if (!g || (tf->cs & 3) == 0)
		panic_frame(tf, "hypercall from outside a guest");
	/* Only the IPVMM makes hypercalls; the guest kernel's own int $0x82
	 * (the gate is DPL 1, so ring 1 reaches it) is a software interrupt
	 * through its virtual IDT, as on hardware. */
	if (g->v.upcall_exc && !g->ipvmm_self && !guest_in_ipvmm(g, tf->eip - 2)) {
		guest_upcall_exc(g, tf, HC_VECTOR | IPVMM_UPCALL_SOFT, 0, 0);
		g->soft_ints++;
		return;
	}
	g->hypercalls++;
	if (tf->eax < HC_NR_CALLS)
		g->hc_count[tf->eax]++;
	if (tf->eax != HC_CONSOLE_WRITE)
		g->entries.hcalls++;    /* the console is the bench's instrument */
	int err = decode(g, tf, &op);
	tf->eax = err ? (uint32_t)err : (uint32_t)invoke(g, &op);
}
