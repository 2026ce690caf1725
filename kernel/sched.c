/*
 * Scheduling over the thread table, driven by the clock event
 * (docs/architecture.md, "Time and scheduling"; docs/security.md, "the
 * fairness guarantee").
 *
 * Round robin with a budget: in each round every VM thread may use one
 * quantum (sched_quantum_tsc, one scheduler tick) of CPU. A runnable
 * urgent thread (a guest's IRQ thread: short, it only posts an event) runs
 * first, but its time is charged to its guest's VM thread and it does not
 * move the round robin: when it blocks, the thread it preempted resumes
 * the rest of its slice. A VM thread woken from a block (HC_WAIT, hlt)
 * with budget left runs at once (low wake-up latency), on its own budget.
 * When no runnable thread has budget left a new round starts. So no guest
 * gets more than one quantum per round however often its IRQ thread
 * wakes, and a runnable VM thread waits at most one quantum per other VM
 * thread. Thread 0 (the boot flow, which only waits once the guests run)
 * runs only when nothing else can. Called with interrupts disabled.
 */
#include "thread.h"
#include "gdt.h"
#include "x86.h"
#include "log.h"
#include "clock.h"

uint64_t sched_quantum_tsc;
static struct thread *rr;       /* the round robin's slice holder */

/* A TSC interval that is never negative: a TSC seen going back (QEMU's
 * after a GDB stop) must not turn into a huge run, an exhausted budget
 * and a slice end that is always due (a clock-event storm). */
static uint64_t since(uint64_t then, uint64_t now)
{
	return now > then ? now - then : 0;
}

static int vm_candidate(const struct thread *t)
{
	return t->state == T_RUNNABLE && !t->urgent && t->id != 0;
}

/* Charge what prev ran since it was switched in: to its budget (an IRQ
 * thread's to its guest's VM thread) and to its guest's CPU time. */
static void charge(struct thread *prev, uint64_t now)
{
	uint64_t d = prev->ran_tsc ? since(prev->ran_tsc, now) : 0;
	struct thread *payer = prev->urgent && prev->payer ? prev->payer : prev;
	payer->used += d;
	if (prev->acct)
		prev->acct->cpu_tsc += d;
	prev->ran_tsc = now;
}

static struct thread *pick(const struct thread *prev)
{
	const unsigned n = thread_slots;      /* the slots above were never used */
	for (unsigned k = 1; k <= n; k++) {
		struct thread *t = thread_by_index((prev->id + k) % n);
		if (t->state == T_RUNNABLE && t->urgent)
			return t;
	}
	for (unsigned i = 1; i < n; i++) {
		struct thread *t = thread_by_index(i);
		if (vm_candidate(t) && t->woken && t->used < sched_quantum_tsc)
			return t;
	}
	if (rr && vm_candidate(rr) && rr->used < sched_quantum_tsc)
		return rr;
	for (int round = 0; round < 2; round++) {
		unsigned base = rr ? rr->id : 0;
		for (unsigned k = 1; k <= n; k++) {
			struct thread *t = thread_by_index((base + k) % n);
			if (vm_candidate(t) && t->used < sched_quantum_tsc) {
				rr = t;
				if (t->acct)
					t->acct->slices++;
				return t;
			}
		}
		for (unsigned i = 0; i < n; i++)
			thread_by_index(i)->used = 0;   /* a new round: every budget full */
	}
	return thread_by_index(0)->state == T_RUNNABLE ? thread_by_index(0) : 0;
}

/* A VM thread switched in ends its wait; a preempted one starts one. */
static void note_wait(struct thread *prev, struct thread *next, uint64_t now)
{
	if (prev->state == T_RUNNABLE)
		prev->ready_tsc = now;
	if (next->guest && next->acct && next->ready_tsc) {
		uint64_t w = since(next->ready_tsc, now);
		if (w > next->acct->wait_max_tsc)
			next->acct->wait_max_tsc = w;
	}
	next->ready_tsc = 0;
	next->woken = 0;
	next->ran_tsc = now;
}

void schedule(void)
{
	struct thread *prev = current;
	/* A smashed canary means the thread ran off its fixed-size stack. */
	if (*(const uint32_t *)prev->stack != THREAD_STACK_CANARY)
		panic("thread %u (%s) overflowed its stack", prev->id, prev->name);
	uint64_t now = rdtsc();
	charge(prev, now);
	struct thread *next = pick(prev);
	if (!next)
		panic("schedule: nothing runnable (thread 0 must never block)");
	if (next == prev) {
		prev->woken = 0;
		return;
	}
	note_wait(prev, next, now);
	next->switches++;
	current = next;
	/* The hypervisor always runs on hv_page_dir; trap_return loads a VM
	 * thread's shadow (thread->cr3) on the way out to its guest. */
	tss_set_esp0(next->stack_top);
	if (next->switch_in)
		next->switch_in(next);               /* a VM thread: its guest's CPU state */
	switch_to(prev, next);
}

/* Only a VM thread's slice ends; an IRQ thread runs until it blocks. */
int sched_slice_due(void)
{
	const struct thread *t = current;
	return !t->urgent && t->id != 0 && t->used + since(t->ran_tsc, rdtsc()) >= sched_quantum_tsc;
}

uint64_t sched_slice_end_ns(void)
{
	const struct thread *t = current;
	if (t->urgent || t->id == 0)
		return ~0ull;
	uint64_t used = t->used + since(t->ran_tsc, rdtsc());
	return used >= sched_quantum_tsc ? clock_ns() : clock_ns() + clock_delta_ns(sched_quantum_tsc - used);
}

/* The summary's per-guest line: its share of the time it was alive
 * (start to stop, in TSC ticks, so -icount makes it exact), its longest
 * wait while runnable, in microseconds and in scheduler quanta. */
void sched_report(const char *name, const struct sched_account *a, uint64_t start_tsc)
{
	uint64_t end = a->end_tsc ? a->end_tsc : rdtsc();
	uint64_t alive = since(start_tsc, end), cpu = a->cpu_tsc, w = a->wait_max_tsc;
	uint32_t pm = alive ? (uint32_t)(cpu * 1000 / alive) : 0;
	uint32_t us = clock_tsc_hz ? (uint32_t)(w * 1000000 / clock_tsc_hz) : 0;
	uint32_t q10 = sched_quantum_tsc ? (uint32_t)(w * 10 / sched_quantum_tsc) : 0;
	pr_info("sched: guest %s cpu %u.%u %% (%llu of %llu TSC ticks alive), longest wait %u us "
		"(%u.%u quanta), %u slices\n", name, pm / 10, pm % 10, (unsigned long long)cpu,
		(unsigned long long)alive, us, q10 / 10, q10 % 10, a->slices);
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
