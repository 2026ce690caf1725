/*
 * VM threads and the one way a guest dies. A guest's VM thread enters it in
 * ring 1 the way GRUB starts a kernel (EAX = 0x2BADB002, EBX = its Multiboot
 * info, paging off: here, on its physical-mode shadow). Every trap from the
 * guest comes back on that thread's stack; before it returns to the guest
 * (guest_safe_point) a pending kill stops the thread for good.
 */
#include <stdarg.h>
#include "guest.h"
#include "multiboot.h"
#include "shadow.h"
#include "vtlb.h"
#include "events.h"
#include "console_mux.h"
#include "fpu.h"
#include "vm.h"
#include "thread.h"
#include "trap.h"
#include "gdt.h"
#include "x86.h"
#include "log.h"
#include "fmt.h"
#include "mm.h"
#include "ipvmm_load.h"
#include "ipvmm/image.h"
#include "retpath.h"
#include "guest_code.h"
#include "clock.h"
#include "frame.h"
#include "gdbstub.h"

#define GUEST_BOOT_ESP 0x7000u   /* the stack a loader leaves is undefined; GRUB's is low */
#define GUEST_EFLAGS   (EF_IF | EF_RSV1)   /* the real IF=1, IOPL=0 */

struct guest *guest_current(void)
{
	return current ? current->guest : 0;
}

static void vm_thread(void *arg)
{
	struct guest *g = arg;
	struct trap_frame *f = &g->start_frame;
	f->gs = f->fs = f->es = f->ds = GK_DS;
	f->edi = f->esi = f->ebp = f->esp_dummy = f->edx = f->ecx = 0;
	f->eax = MB_BOOT_MAGIC;
	f->ebx = g->mbi;
	if (g->linux_boot) {     /* the 32-bit boot protocol: %esi = the zero page */
		f->eax = f->ebx = 0;
		f->esi = g->mbi;
	}
	f->vector = f->error = 0;
	f->eip = g->entry;
	f->cs = GK_CS;
	f->eflags = GUEST_EFLAGS;
	f->esp = GUEST_BOOT_ESP;
	f->ss = GK_DS;
	if (ipvmm_runs(g))       /* through burn_start: the IPVMM rewrites, then enters */
		ipvmm_start_frame(g, f);
	guest_set_vif(g, 0);     /* GRUB hands over with interrupts disabled */
	cli();                   /* the iret sets IF; no tick on the way */
	pr_info("vm: guest '%s' entering at %08x%s (cr3 %08x)\n", g->name, g->entry,
		ipvmm_runs(g) ? " through the IPVMM" : "", g->mem.phys.cr3);
	enter_guest(f);
}

/* The scheduler's switch-in hook of a VM thread. */
static void vm_switch_in(struct thread *t)
{
	guest_load_cpu_state(t->guest);   /* its GDT part, TSS ss1/esp1 */
}

static void guest_release(struct guest *g);

/* Its threads: the IRQ thread first (HC_SET_TIMER's invoke cannot fail,
 * so it exists from the start; made first, each guest's VM thread is the
 * round robin's next after it), then the VM thread. A full table refuses
 * the guest here, its resources returned, with the reason in *why. */
int guest_start(struct guest *g, const char **why)
{
	uint32_t fl = irq_save();   /* the threads must not run before they are set up */
	struct thread *t = 0;
	if (guest_irq_thread_create(g) < 0 || !(t = thread_create(g->name, vm_thread, g))) {
		*why = "thread table full (CONFIG_THREAD_TABLE)";
	} else if (shadow_map_stack(&g->mem.phys, t->stack, CONFIG_THREAD_STACK_SIZE) < 0) {
		*why = "shadow page-table pool empty for its stack (CONFIG_SHADOW_POOL_PAGES)";
	} else {
		t->cr3 = g->mem.phys.cr3;
		t->guest = g;
		t->acct = &g->sched;
		t->switch_in = vm_switch_in;
		g->irq->payer = t;      /* the IRQ thread's time is the VM thread's budget */
		guest_clock_start(g);
		g->vm = t;
		g->state = G_RUNNING;
		irq_restore(fl);
		return 0;
	}
	if (t)
		t->state = T_DEAD;
	if (g->irq)
		g->irq->state = T_DEAD;
	g->irq = 0;
	guest_release(g);
	g->state = G_FREE;          /* refused: no summary, its pools are back */
	irq_restore(fl);
	return -1;
}

void kill_guest(struct guest *g, const char *fmt, ...)
{
	va_list ap;
	if (g->kill_pending)
		return;                       /* the first reason is the one */
	va_start(ap, fmt);
	fmt_vsnprintf(g->reason, sizeof(g->reason), fmt, ap);
	va_end(ap);
	g->kill_pending = 1;
}

/* A kill from outside the guest (the console's `k`): recorded now, acted
 * on at the guest's next safe point; a VM thread blocked in a wait (its
 * HC_WAIT, the output ring) is woken so that it reaches one. */
void guest_kill_outside(struct guest *g, const char *why)
{
	kill_guest(g, "%s", why);
	if (g->vm && g->vm->state == T_BLOCKED)
		thread_wake(g->vm);
}

/* Everything a stopped guest held goes back, exit and kill alike: the
 * shared page's kmap slot, its virtual TLB's page tables, its shadow's
 * pool pages and its partition. Runs on its VM thread, in the hypervisor
 * (hv_page_dir), after its state left G_RUNNING: its IRQ thread and the
 * console input then never touch g->shared again. */
static void guest_release(struct guest *g)
{
	if (g->shared)
		kunmap(g->shared);
	g->shared = 0;
	fpu_release(g);
	g->vtlb.pool_ready = 0;          /* its per-guest page tables: all free */
	g->vtlb.pt_used = 0;
	shadow_phys_free(&g->mem.phys);
	if (g->mem.base && frame_free(&hv_frames, g->mem.base, g->mem.size) < 0)
		pr_warn("vm: partition of guest %s not returned\n", g->name);
	g->mem.base = 0;
}

static struct { uint32_t frames_kib; unsigned shadow, kmap; } pools_at_start;

void guest_pools_mark(void)
{
	pools_at_start.frames_kib = frame_total_free(&hv_frames) / 1024;
	pools_at_start.shadow = shadow_pool_used();
	pools_at_start.kmap = kmap_slots_used();
}

/* At shutdown: every pool as it was before the first guest loaded. */
int guest_pools_check(void)
{
	uint32_t kib = frame_total_free(&hv_frames) / 1024;
	unsigned sh = shadow_pool_used(), km = kmap_slots_used();
	int ok = kib == pools_at_start.frames_kib && sh == pools_at_start.shadow &&
		 km == pools_at_start.kmap;
	pr_info("pools: %u KiB free (%u before the guests), shadow pool %u pages used (%u), "
		"kmap %u slots (%u)%s\n", kib, pools_at_start.frames_kib, sh, pools_at_start.shadow,
		km, pools_at_start.kmap, ok ? "" : ": NOT ALL RETURNED");
	if (!ok)
		pr_err("pools: guest resources not returned\n");
	return ok;
}

/* The VM thread ends here, after its guest's resources went back. */
static void __attribute__((noreturn)) stop(struct guest *g, enum guest_state how)
{
	cli();
	g->v.timer_deadline = 0;    /* its timer ends here, not when its last line has drained */
	gdbstub_stopping(g);
	console_mux_flush(g);
	ipvmm_report_raw_traps(g);
	ipvmm_report_direct(g);
	if (g->stats.bounces)
		pr_info("vm: guest %s: %u IPVMM calls from its load address (paging off)\n", g->name,
			g->stats.bounces);
	g->state = how;
	g->sched.end_tsc = clock_tsc();
	guest_release(g);
	if (g->irq)
		thread_wake(g->irq);          /* it sees the state and exits: its slot is free */
	if (g->vtlb.switches || g->v.upcalls_exc || g->v.upcalls_irq)
		pr_info("vtlb: guest %s: %u fills, %u #PF reflected, %u cr3 switches (%u cached, "
			"%u entries re-walked), %u pool resets; upcalls: %u exception, %u interrupt, "
			"%u roll-backs; %u timer expiries\n", g->name, g->vtlb.fills, g->vtlb.reflected,
			g->vtlb.switches, g->vtlb.hits, g->vtlb.prefills, g->vtlb.resets, g->v.upcalls_exc,
			g->v.upcalls_irq, g->v.rollbacks, g->v.timer_fires);
	if (g->vtlb.shared_links)
		pr_info("vtlb: guest %s: %u shadow PDEs linked to a shared page table of global entries\n",
			g->name, g->vtlb.shared_links);
	if (g->vtlb.checked)
		pr_info("vtlb: guest %s: CR3 re-check: %u logged entries, %u kept, %u logs overflowed\n",
			g->name, g->vtlb.checked, g->vtlb.kept, g->vtlb.overflows);
	if (g->v.fixups)
		pr_info("ipvmm: guest %s: %u faults on guest memory returned to the IPVMM "
			"(exception table)\n", g->name, g->v.fixups);
	if (how == G_KILLED)
		pr_err("guest %s killed: %s\n", g->name, g->reason);
	else
		pr_info("guest %s exited with status %d\n", g->name, g->exit_status);
	thread_exit();
}

void guest_exit(struct guest *g, int status)
{
	g->exit_status = status;
	if (ipvmm_exit_is_kill(g, (uint32_t)status))
		stop(g, G_KILLED);
	stop(g, G_EXITED);
}

void guest_safe_point(struct trap_frame *tf)
{
	struct guest *g = guest_current();
	gdbstub_safe_point(g, tf);     /* GDB holds the guest here (kernel/gdbstub_guest.c) */
	if (g && !g->kill_pending && !gdbstub_holds_events(g))
		guest_deliver_events(g, tf);
	if (g && !g->kill_pending)
		retpath_check(g, tf);     /* last: nothing changes tf after it */
	if (g && g->kill_pending)
		stop(g, G_KILLED);
}

/* rdtsc at CPL 1 with the guest's CR4.TSD set (guest_load_cr4): the
 * guest kernel and its IPVMM are privileged to it, so it is emulated. */
static int ring1_rdtsc(struct guest *g, struct trap_frame *tf)
{
	uint32_t off = tf->eip - IPVMM_BASE;
	uint8_t b[2];
	if (!(g->v.cr4 & CR4_TSD))
		return 0;
	if (tf->eip >= IPVMM_BASE && off + 2 <= (uint32_t)(uintptr_t)__ipvmm_size) {
		const uint8_t *p = phys_to_virt((uint32_t)(uintptr_t)__ipvmm_load_phys + off);
		b[0] = p[0];        /* the IPVMM's own clock read (its text is ours) */
		b[1] = p[1];
	} else if (guest_fetch(g, tf, b, 2) < 2) {
		return 0;
	}
	if (b[0] != 0x0f || b[1] != 0x31)
		return 0;
	uint64_t t = rdtsc();
	tf->eax = (uint32_t)t;
	tf->edx = (uint32_t)(t >> 32);
	g->stats.traps_emulated++;
	(void)guest_advance(g, tf, 2);   /* past CS's limit: its #GP, or its kill */
	return 1;
}

/*
 * Sites are rewritten for their link address (ipvmm/main.c); a kernel
 * linked above where it loads (vmlinux: PAGE_OFFSET) runs its first
 * instructions at the load address, so a rewritten call there lands at the
 * IPVMM's text moved down by the link offset, where nothing is mapped. That
 * fetch fault from the guest kernel is the call it was meant to be: resume
 * at the IPVMM text it names. Its return address stays the load address.
 */
static int ipvmm_bounce(struct guest *g, struct trap_frame *tf, uint32_t la)
{
	extern char __ipvmm_text_end[];   /* linker.ld */
	uint32_t to = tf->eip + g->link_offset;
	if (!g->link_offset || (tf->cs & 3) != 1 || (tf->eflags & EF_VM) || la != tf->eip ||
	    tf->eip >= g->link_offset || to < IPVMM_BASE ||
	    to >= (uint32_t)(uintptr_t)__ipvmm_text_end)
		return 0;
	tf->eip = to;
	g->stats.bounces++;
	return 1;
}

/* A #GP(0) in ring 1 no exception upcall took: a guest without the
 * IPVMM (ipvmm=self, .no_ipvmm; every other one has the IPVMM's upcall,
 * whose #GP fallback emulates sensitive instructions) ran an instruction
 * its ring forbids. Nothing is emulated here; the kill names the bytes. */
static void kill_gp(struct guest *g, const struct trap_frame *tf)
{
	uint8_t b[2] = { 0, 0 };
	int got = guest_fetch(g, tf, b, 2);
	if (got < 1)
		kill_guest(g, "#GP at %08x, outside its memory or its code segment", tf->eip);
	else if (got < 2)
		kill_guest(g, "#GP general protection (vector 13) error 0 at eip %08x (opcode %02x)",
			   tf->eip, b[0]);
	else
		kill_guest(g, "#GP general protection (vector 13) error 0 at eip %08x (opcode %02x %02x)",
			   tf->eip, b[0], b[1]);
}

void guest_fault(struct trap_frame *tf)
{
	struct guest *g = guest_current();
	if (!g)
		panic_frame(tf, "%s from ring %u with no guest", trap_name(tf->vector), tf->cs & 3);
	if (gdbstub_trap(g, tf))
		return;                        /* a stub breakpoint or step: the stub's stop */
	if (tf->vector == VEC_GP && tf->error == 0 && (tf->cs & 3) == 1 && ring1_rdtsc(g, tf))
		return;
	if (tf->vector == VEC_PF) {
		uint32_t la = read_cr2(), err;
		/* Paging on: the virtual TLB fills, or the guest's tables say
		 * #PF. Paging off, or the hole: a kill (there is nothing a
		 * guest may map there). */
		if (vtlb_paging(g) && la < IPVMM_BASE) {
			if (vtlb_fault(g, la, tf->error, &err) != 0)
				return;                /* filled, or killed */
			if (ipvmm_bounce(g, tf, la))
				return;
			if (guest_upcall_exc(g, tf, VEC_PF, err, la) < 0)
				kill_guest(g, "#PF its page tables do not allow: error %#x at eip %08x "
					   "cr2 %08x (no exception upcall)", err, tf->eip, la);
			return;
		}
		if (ipvmm_bounce(g, tf, la))
			return;                        /* paging off: the load address */
	} else if (guest_upcall_exc(g, tf, tf->vector, tf->error, 0) == 0) {
		return;                        /* the IPVMM's business now */
	}
	if (tf->vector == VEC_GP && tf->error == 0 && (tf->cs & 3) == 1) {
		kill_gp(g, tf);
		return;
	}
	if (tf->vector == VEC_PF)
		kill_guest(g, "%s (vector %u) error %#x at eip %08x cr2 %08x", trap_name(tf->vector),
			   tf->vector, tf->error, tf->eip, read_cr2());
	else
		kill_guest(g, "%s (vector %u) error %#x at eip %08x", trap_name(tf->vector),
			   tf->vector, tf->error, tf->eip);
}
