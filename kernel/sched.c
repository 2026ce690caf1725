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
#include "clock.h"

uint64_t sched_quantum_tsc;

/* Charge prev's run to its guest; a VM thread switched in ends a wait. */
static void account(struct thread *prev, struct thread *next)
{
	uint64_t now = rdtsc();
	if (prev->owner && prev->ran_tsc)
		prev->owner->sched.cpu_tsc += now - prev->ran_tsc;
	if (prev->state == T_RUNNABLE)
		prev->ready_tsc = now;               /* preempted: it waits from now */
	if (next->guest && next->ready_tsc) {
		uint64_t w = now - next->ready_tsc;
		if (w > next->guest->sched.wait_max_tsc)
			next->guest->sched.wait_max_tsc = w;
	}
	next->ready_tsc = 0;
	next->ran_tsc = now;
}

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
	account(prev, next);
	next->switches++;
	current = next;
	/* The hypervisor always runs on hv_page_dir; trap_return loads a VM
	 * thread's shadow (thread->cr3) on the way out to its guest. */
	tss_set_esp0(next->stack_top);
	if (next->guest)
		guest_load_cpu_state(next->guest);   /* its GDT part, TSS ss1/esp1 */
	switch_to(prev, next);
}

/* The summary's per-guest line: its share of the time it was alive
 * (start to stop, in TSC ticks, so -icount makes it exact), its longest
 * wait while runnable, in microseconds and in scheduler quanta. */
void sched_report(const struct guest *g)
{
	uint64_t end = g->sched.end_tsc ? g->sched.end_tsc : rdtsc();
	uint64_t alive = end - g->v.start_tsc, cpu = g->sched.cpu_tsc, w = g->sched.wait_max_tsc;
	uint32_t pm = alive ? (uint32_t)(cpu * 1000 / alive) : 0;
	uint32_t us = clock_tsc_hz ? (uint32_t)(w * 1000000 / clock_tsc_hz) : 0;
	uint32_t q10 = sched_quantum_tsc ? (uint32_t)(w * 10 / sched_quantum_tsc) : 0;
	pr_info("sched: guest %s cpu %u.%u %% (%llu of %llu TSC ticks alive), longest wait %u us "
		"(%u.%u quanta), %u slices\n", g->name, pm / 10, pm % 10, (unsigned long long)cpu,
		(unsigned long long)alive, us, q10 / 10, q10 % 10, g->sched.slices);
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
