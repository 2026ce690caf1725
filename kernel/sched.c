/*
 * Scheduling over the thread table, driven by the clock event: a runnable
 * urgent thread (a guest's IRQ thread: short, it only posts an event) runs
 * first; then round robin, every tick sending the running thread to the
 * back of the line; thread 0 (the boot flow, which only waits once the
 * guests run) last, so a guest never waits for its hlt to end. Called with
 * interrupts disabled (from the IRQ path, or after cli).
 */
#include "thread.h"
#include "gdt.h"
#include "x86.h"
#include "log.h"
#include "guest.h"

void schedule(void)
{
	struct thread *prev = current, *next = 0;
	/* A smashed canary means the thread ran off its fixed-size stack. */
	if (*(const uint32_t *)prev->stack != THREAD_STACK_CANARY)
		panic("thread %u (%s) overflowed its stack", prev->id, prev->name);
	for (unsigned k = 1; k <= CONFIG_MAX_THREADS && !next; k++) {
		struct thread *t = thread_by_index((prev->id + k) % CONFIG_MAX_THREADS);
		if (t->state == T_RUNNABLE && t->urgent)
			next = t;
	}
	for (unsigned k = 1; k <= CONFIG_MAX_THREADS && !next; k++) {
		struct thread *t = thread_by_index((prev->id + k) % CONFIG_MAX_THREADS);
		if (t->state == T_RUNNABLE && t->id != 0)
			next = t;
	}
	if (!next && thread_by_index(0)->state == T_RUNNABLE)
		next = thread_by_index(0);
	if (!next)
		panic("schedule: nothing runnable (thread 0 must never block)");
	if (next == prev)
		return;
	next->switches++;
	current = next;
	/* The hypervisor always runs on hv_page_dir; trap_return loads a VM
	 * thread's shadow (thread->cr3) on the way out to its guest. */
	tss_set_esp0(next->stack_top);
	if (next->guest)
		guest_load_cpu_state(next->guest);   /* its GDT part, TSS ss1/esp1 */
	switch_to(prev, next);
}

void sched_tick(void)
{
	schedule();
}

void sched_yield(void)
{
	uint32_t f = irq_save();
	schedule();
	irq_restore(f);
}
