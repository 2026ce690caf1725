/*
 * Events for guests (docs/ipvmm.md, "Events and upcalls"): guest time, the
 * IRQ thread, HC_WAIT, and redirecting the VM thread to the IPVMM's upcalls.
 *
 * Guest time is the TSC since the guest started, scaled to ns
 * (kernel/clock.c); it never counts delivered interrupts, so a guest that was
 * descheduled still sees the time that passed. Its shared page carries the
 * scale, so the IPVMM reads the same clock without a hypercall. The clock
 * event fires at the earliest HC_SET_TIMER deadline and wakes that guest's
 * IRQ thread. The IRQ thread sets the pending bit,
 * arms sti_hook, wakes the VM thread if it waits in HC_WAIT, and marks a
 * redirect as due. The redirect itself is decided on the VM thread's own
 * trap frame on its way back to the guest (guest_safe_point): on one CPU
 * the VM thread is always inside a trap while the IRQ thread runs, and every
 * such trap returns through that point, so no thread edits another's frame.
 */
#include "guest.h"
#include "events.h"
#include "guest_mem.h"
#include "shadow.h"
#include "mm.h"
#include "console_mux.h"
#include "fpu.h"
#include "vm.h"
#include "thread.h"
#include "trap.h"
#include "gdt.h"
#include "clock.h"
#include "x86.h"
#include "log.h"
#include "hypercall.h"
#include "ipvmm_load.h"

#define UPCALL_EFLAGS (EF_IF | EF_RSV1)   /* the real IF, always on in ring 1 */

uint64_t guest_time_ns(const struct guest *g)
{
	return clock_delta_ns(clock_tsc() - g->v.start_tsc);
}

/* A guest deadline as hypervisor time (clock_ns), saturated: a far
 * deadline (up to 2^64-1) that wrapped would land in the past and make
 * every reprogram a minimal PIT count, an interrupt storm. */
static uint64_t deadline_hv_ns(const struct guest *g)
{
	uint64_t offset = clock_ns() - guest_time_ns(g), d = g->v.timer_deadline + offset;
	return d < offset ? ~0ull : d;
}

void guest_clock_start(struct guest *g)
{
	g->v.start_tsc = clock_tsc();
	if (g->shared) {
		g->shared->time_ns_base = 0;
		g->shared->time_tsc_base = g->v.start_tsc;
		g->shared->time_shift = clock_scale.shift;
		g->shared->time_mul = clock_scale.mul;
	}
}

void guest_clock_hold(struct guest *g)
{
	g->v.clock_held = 1;
}

void guest_clock_release(struct guest *g, uint64_t held)
{
	uint32_t fl = irq_save();
	g->v.start_tsc += held;
	if (g->shared)
		g->shared->time_tsc_base += held;
	g->v.clock_held = 0;
	if (g->v.timer_deadline)
		clock_event_at(deadline_hv_ns(g));
	irq_restore(fl);
}

/* A periodic timer's next deadline once guest time `now` passed
 * `deadline`: the first deadline + k * period after now. k comes from the
 * elapsed time, so a late fire never shifts the phase (no drift) and the
 * periods missed meanwhile coalesce into the one fire; past 2^64-1 it
 * saturates and never fires. The period is at least the floor
 * (decode_set_timer_periodic), so this cannot storm. */
static uint64_t next_period(uint64_t deadline, uint64_t period, uint64_t now)
{
	uint64_t k = now - deadline < period ? 1 : (now - deadline) / period + 1;
	if (k > (~0ull - deadline) / period)
		return ~0ull;
	return deadline + k * period;
}

/* The deadline passed: one-shot disarms, periodic re-arms from itself. */
static void timer_expire(struct guest *g)
{
	uint64_t d = g->v.timer_deadline, now = guest_time_ns(g);
	if (!d || now < d)
		return;
	g->v.timer_deadline = g->v.timer_period ? next_period(d, g->v.timer_period, now) : 0;
	g->v.timer_expired = 1;
}

/* Timer interrupt, interrupts off. */
int guest_events_tick(uint64_t *next)
{
	int woke = 0;
	for_each_guest(g) {
		if (!g->irq)
			continue;
		int ticking = g->state == G_RUNNING && !g->v.clock_held;
		if (ticking)
			timer_expire(g);
		if (g->state != G_RUNNING || g->v.timer_expired) {
			/* Its IRQ thread posts the event (or exits); it is urgent,
			 * so the schedule this asks for runs it next. */
			thread_wake(g->irq);
			woke++;
		}
		if (ticking && g->v.timer_deadline) {
			uint64_t d = deadline_hv_ns(g);
			if (d < *next)
				*next = d;
		}
	}
	return woke;
}

void guest_raise(struct guest *g, uint32_t bits)
{
	struct ipvmm_shared *s = g->shared;
	s->pending |= bits;      /* one CPU: the guest is not running right now */
	if (s->sti_deliver)
		s->sti_hook = s->sti_deliver;
	if (!g->v.redirect_due)
		g->v.cli_watch = 0;  /* a new episode for the interrupts-off watchdog */
	g->v.redirect_due = 1;
	if (g->v.waiting && g->vm)
		thread_wake(g->vm);
}

static void irq_thread(void *arg)
{
	struct guest *g = arg;
	for (;;) {
		cli();
		if (g->state != G_RUNNING) {
			g->irq = 0;
			thread_exit();
		}
		if (g->v.timer_expired) {   /* the tick disarmed or re-armed it */
			g->v.timer_expired = 0;
			g->v.timer_fires++;
			guest_raise(g, IPVMM_PEND_TIMER);
		}
		current->state = T_BLOCKED;
		schedule();
	}
}

/* At the guest's start, so that HC_SET_TIMER cannot fail later: its IRQ
 * thread, blocked until the clock event wakes it. -1: the table is full. */
int guest_irq_thread_create(struct guest *g)
{
	char *name = g->irq_name;
	unsigned n = 0;
	while (g->name[n] && n < sizeof(g->irq_name) - 5) {
		name[n] = g->name[n];
		n++;
	}
	name[n++] = '-';
	name[n++] = 'i';
	name[n++] = 'r';
	name[n++] = 'q';
	name[n] = 0;
	struct thread *t = thread_create(name, irq_thread, g);
	if (!t)
		return -1;
	t->state = T_BLOCKED;   /* the clock event wakes it */
	t->urgent = 1;
	t->acct = &g->sched;    /* its wake-ups are the guest's CPU time; its */
	g->irq = t;             /* payer, the VM thread, is set by guest_start */
	return 0;
}

void guest_set_timer(struct guest *g, uint64_t deadline, uint64_t period)
{
	g->v.timer_deadline = deadline;
	g->v.timer_period = deadline ? period : 0;
	if (deadline)
		clock_event_at(deadline_hv_ns(g));
}

/* The watchdog: a guest that blocks with no timer armed and no input
 * routed to it has nothing that could ever wake it; it would keep the
 * machine from shutting down, so it is killed instead. */
void guest_wait(struct guest *g)
{
	cli();
	while (!g->shared->pending && !g->kill_pending) {
		if (!g->v.timer_deadline && !console_mux_is_input(g)) {
			kill_guest(g, "waits with nothing armed (no timer, no console input)");
			break;
		}
		g->v.waiting = 1;
		current->state = T_BLOCKED;
		schedule();
	}
	g->v.waiting = 0;
}

int guest_in_ipvmm(const struct guest *g, uint32_t eip)
{
	if (eip >= IPVMM_BASE && eip - IPVMM_BASE < IPVMM_SIZE)
		return 1;
	return g->v.self_hi && eip >= g->v.self_lo && eip < g->v.self_hi;
}

/* The upcall state at `at` (include/ipvmm/shared.h). For a guest with the
 * IPVMM it lies in the IPVMM's data window, which HC_SET_UPCALL checked
 * is writable: built in place through one kmap (the direct map when the
 * window lies in it), 55-75 instructions fewer per upcall than
 * guest_write's two translations and copy (docs/performance.md), which a
 * guest that is its own IPVMM (the state in its own memory) and a state
 * across two pages keep. */
static int upcall_state_write(struct guest *g, uint32_t at, const struct trap_frame *tf,
			      uint32_t vector, uint32_t error, uint32_t cr2)
{
	struct ipvmm_upcall_state st, *p;
	uint32_t ma;
	if (!g->ipvmm_self && (at & (PAGE_SIZE - 1)) <= PAGE_SIZE - sizeof(st) &&
	    shadow_window_write(g, at, &ma) == 0 && (p = kmap(ma)) != 0) {
		upcall_state_of(p, tf, vector, error, cr2);
		kunmap(p);
		return 0;
	}
	upcall_state_of(&st, tf, vector, error, cr2);
	return guest_write(g, at, &st, sizeof(st));
}

/* Write the interrupted state below the IPVMM stack and enter `entry` in
 * ring 1 on it (include/ipvmm/shared.h, struct ipvmm_upcall_state). */
static int upcall(struct guest *g, struct trap_frame *tf, uint32_t entry, uint32_t vector,
		  uint32_t error, uint32_t cr2)
{
	uint32_t at = g->v.upcall_stack - sizeof(struct ipvmm_upcall_state);
	if (upcall_state_write(g, at, tf, vector, error, cr2) < 0) {
		kill_guest(g, "upcall stack %08x not writable (vector %#x at eip %08x)",
			   g->v.upcall_stack, vector, tf->eip);
		return -1;
	}
	tf->eip = entry;
	tf->cs = GK_CS;
	tf->eflags = UPCALL_EFLAGS;
	tf->esp = at;
	tf->ss = tf->ds = tf->es = tf->fs = tf->gs = GK_DS;
	return 0;
}

/* A fault inside the IPVMM: at a guest copy instruction of its exception
 * table the copy returns the fault and the IPVMM raises it for the guest
 * (kernel/ipvmm_fixup.c); anywhere else it cannot be delivered. Out of
 * line, so the upcall path stays as short as it was. */
static void __attribute__((noinline)) ipvmm_fault(struct guest *g, struct trap_frame *tf,
						   uint32_t vector, uint32_t error, uint32_t cr2)
{
	if (ipvmm_fixup(tf, vector, error, cr2)) {
		g->v.fixups++;
		return;
	}
	kill_guest(g, "%s (vector %u) error %#x inside the IPVMM at %08x cr2 %08x",
		   trap_name(vector), vector, error, tf->eip, cr2);
}

int guest_upcall_exc(struct guest *g, struct trap_frame *tf, uint32_t vector, uint32_t error,
		     uint32_t cr2)
{
	if (!g->v.upcall_exc)
		return -1;
	if (vector == VEC_DB && (tf->eflags & EF_TF) && guest_in_ipvmm(g, tf->eip)) {
		/* The IPVMM's sti-shadow step ended on a site's call: the
		 * trampoline it entered delivers the pending work. */
		tf->eflags &= ~EF_TF;
		return 0;
	}
	if (guest_in_ipvmm(g, tf->eip)) {
		ipvmm_fault(g, tf, vector, error, cr2);
		return 0;
	}
	if (upcall(g, tf, g->v.upcall_exc, vector, error, cr2) == 0)
		g->v.upcalls_exc++;
	return 0;
}

/* The interrupts-off watchdog: an event pending that the virtual IF keeps
 * out for CONFIG_GUEST_CLI_LIMIT_MS of the guest's own CPU time (a busy
 * loop after cli never ends) kills the guest. Checked only on the way
 * back from an interrupt (the tick preempts a spinner at least once a
 * quantum) while a raise is not yet delivered (redirect_due), off the
 * hypercall path; an episode starts at the raise that set it. The shared
 * page's vif and pending are the guest's to write: they only decide
 * whether this guest is charged, and both are read here once. */
static void watch_cli(struct guest *g)
{
	const struct ipvmm_shared *s = g->shared;
	uint32_t pending = s->pending;
	if (!pending || s->vif) {
		g->v.cli_watch = 0;
		return;
	}
	if (!g->v.cli_watch) {
		g->v.cli_watch = 1;
		g->v.cli_since = g->sched.cpu_tsc;
		return;
	}
	static uint64_t limit;      /* in TSC ticks, once: clock_init calibrated before any guest */
	if (!limit)
		limit = clock_tsc_hz / 1000 * CONFIG_GUEST_CLI_LIMIT_MS;
	if (g->sched.cpu_tsc - g->v.cli_since >= limit)
		kill_guest(g, "interrupts disabled for %u ms of its CPU time with an event pending "
			   "(%#x)", CONFIG_GUEST_CLI_LIMIT_MS, pending);
}

/* The roll-back region the shared page claims (guest memory: read once)
 * is honoured only inside the IPVMM's text and for a ring-1 frame, where
 * the IPVMM's own iret_restart lies; any other claim is ignored and the
 * event is delivered as anywhere else. */
static int iret_region_ok(const struct guest *g, const struct trap_frame *tf, uint32_t restart,
			  uint32_t end)
{
	return (tf->cs & 3) == 1 && restart < end && guest_in_ipvmm(g, restart) &&
	       guest_in_ipvmm(g, end - 1);
}

void guest_deliver_events(struct guest *g, struct trap_frame *tf)
{
	struct ipvmm_shared *s = g->shared;
	if (!g->v.redirect_due)
		return;                              /* nothing raised since the last delivery */
	if (tf->vector >= IRQ_BASE_MASTER && tf->vector < IRQ_BASE_MASTER + NR_IRQS) {
		watch_cli(g);                    /* at interrupts: a spinner gets the tick */
		if (g->kill_pending)
			return;
	}
	if (!g->v.upcall_irq || !(tf->cs & 3))
		return;
	if (!s->pending) {                       /* the IPVMM took the bits itself */
		g->v.redirect_due = 0;
		return;
	}
	uint32_t eip = tf->eip, restart = s->iret_restart, end = s->iret_restart_end;
	if (eip >= restart && eip < end && iret_region_ok(g, tf, restart, end)) {
		tf->eip = restart;                   /* redo the pending check */
		g->v.rollbacks++;
		g->v.redirect_due = 0;
		return;
	}
	if (guest_in_ipvmm(g, eip) || !s->vif)
		return;                              /* the bit waits for a sync point */
	if (upcall(g, tf, g->v.upcall_irq, IPVMM_UPCALL_IRQ, 0, 0) == 0) {
		g->v.upcalls_irq++;
		g->v.redirect_due = 0;
	}
}

/* On a switch to a VM thread: its guest's part of the GDT, its LDT, the TSS's
 * ring-1 stack and its direct system-call gate. The GDT copy is skipped when the same guest ran last. */
void guest_load_cpu_state(const struct guest *g)
{
	static const struct guest *owner;
	if (owner != g) {           /* HC_LOAD_DESC writes both copies */
		for (unsigned i = 0; i < CONFIG_GUEST_GDT_ENTRIES; i++)
			gdt[i] = g->gdt[i];
		for (unsigned i = 0; i < CONFIG_GUEST_LDT_ENTRIES; i++)
			ldt[i] = g->ldt[i];
		owner = g;
	}
	hv_tss.ss1 = g->v.ss1;
	hv_tss.esp1 = g->v.esp1;
	idt_set_direct(g->v.direct_vec);    /* this guest's gate only, or none */
	fpu_switch_to((struct guest *)g);
	guest_load_cr4(g);
}

/* The bits of the guest's CR4 the real CPU applies for it: TSD, so that
 * rdtsc in its ring 3 faults as it asked (ring 1 faults too; its rdtsc is
 * emulated by guest_fault: the guest kernel is CPL 0 to itself), and
 * OSFXSR/OSXMMEXCPT, so its SSE instructions run (or #UD) as it enabled. */
#define CR4_GUEST (CR4_TSD | CR4_OSFXSR | CR4_OSXMMEXCPT)
void guest_load_cr4(const struct guest *g)
{
	uint32_t cr4 = read_cr4(), want = (cr4 & ~CR4_GUEST) | (g->v.cr4 & CR4_GUEST);
	if (want != cr4)
		write_cr4(want);
}
