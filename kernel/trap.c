/*
 * Where every interrupt and exception arrives (trap_dispatch, called by the
 * generated stubs through trap_common). IRQs go to their registered handler
 * and are acknowledged here; an exception in the hypervisor is a bug and
 * panics, except the one the self-test announced with trap_expect(). An
 * exception from a guest (ring 1/3) is the guest's problem: emulated or
 * the guest is killed (kernel/vm.c), never a panic; int $0x82 is the
 * hypercall gate.
 */
#include "trap.h"
#include "pic.h"
#include "log.h"
#include "hv.h"
#include "thread.h"
#include "guest.h"
#include "vm.h"
#include "hypercall_hv.h"
#include "hypercall.h"
#include "retpath.h"
#include "x86.h"

uint32_t irq_counts[NR_IRQS];
static irq_handler_fn irq_handlers[NR_IRQS];

static struct {
	int armed;
	unsigned vector, skip, hits;
} expect;

const char *trap_name(unsigned vector)
{
	const char *n = vector < 256 ? vector_names[vector] : 0;
	return n ? n : "unknown";
}

void irq_register(unsigned irq, irq_handler_fn fn)
{
	if (irq < NR_IRQS)
		irq_handlers[irq] = fn;
}

void trap_expect(unsigned vector, unsigned skip)
{
	expect.vector = vector;
	expect.skip = skip;
	expect.armed = 1;
}

unsigned trap_expected_hits(void)
{
	return expect.hits;
}

static void handle_irq(struct trap_frame *tf)
{
	unsigned irq = tf->vector - IRQ_BASE_MASTER;
	if ((irq == 7 || irq == 15) && pic_is_spurious(irq))
		return;
	irq_counts[irq]++;
	/* EOI before the handler: the timer handler may switch threads and
	 * only come back here much later. */
	pic_eoi(irq);
	if (irq_handlers[irq]) {
		irq_handlers[irq](irq, tf);
	} else {
		pr_warn("irq %u with no handler (masked again)\n", irq);
		pic_mask(irq);
	}
}

static void handle_exception(struct trap_frame *tf)
{
	if (expect.armed && tf->vector == expect.vector && (tf->cs & 3) == 0) {
		uint32_t off = 0;
		const char *fn = symbol_lookup(tf->eip, &off);
		expect.armed = 0;
		expect.hits++;
		pr_info("trap: caught expected %s (vector %u) at %08x %s+%#x, resuming\n",
			trap_name(tf->vector), tf->vector, tf->eip, fn ? fn : "?", off);
		tf->eip += expect.skip;
		return;
	}
	retpath_fault(tf);      /* a fault on the way back to a guest: its kill */
	panic_frame(tf, "unexpected %s in the hypervisor", trap_name(tf->vector));
}

/* Count the entry for the guest whose VM thread is running (docs/
 * performance.md): interrupts, exceptions it raised; hypercall_dispatch
 * counts its own (all but the console). */
static void count_entry(const struct trap_frame *tf, int from_guest)
{
	struct guest *g = current->guest;
	if (!g)
		return;
	if (tf->vector >= IRQ_BASE_MASTER && tf->vector < IRQ_BASE_MASTER + NR_IRQS)
		g->stats.entries.irqs++;
	else if (tf->vector < VEC_EXCEPTIONS && from_guest)
		g->stats.entries.traps++;
}

void trap_dispatch(struct trap_frame *tf)
{
	/* From a guest: ring 1/3, or virtual-8086 mode (whose CS is a real-mode
	 * segment with any low bits: QEMU lets ring 1 iret into it). */
	int from_guest = (tf->cs & 3) != 0 || (tf->eflags & EF_VM);
	count_entry(tf, from_guest);
	if (tf->vector >= IRQ_BASE_MASTER && tf->vector < IRQ_BASE_MASTER + NR_IRQS)
		handle_irq(tf);
	else if (tf->vector == HC_VECTOR)
		hypercall_dispatch(tf);
	else if (tf->vector < VEC_EXCEPTIONS && (tf->eflags & EF_VM) && current->guest)
		retpath_check(current->guest, tf);   /* kills: no virtual-8086 mode */
	else if (tf->vector < VEC_EXCEPTIONS && from_guest)
		guest_fault(tf);        /* emulated, or the guest is killed */
	else if (tf->vector < VEC_EXCEPTIONS)
		handle_exception(tf);
	else
		panic_frame(tf, "vector %u has no handler", tf->vector);
	/* Back to a guest only if it may still run. */
	if (from_guest)
		guest_safe_point(tf);
}
