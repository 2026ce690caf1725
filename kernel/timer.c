/*
 * The hypervisor tick and guest timer deadlines on one clock event: each
 * IRQ 0 advances the scheduler tick count from elapsed time (not by one
 * per interrupt), runs the timer hooks (the guests' deadlines and console
 * input, kernel/timer_hooks.c), and programs the next event at the
 * nearest of the next tick, the earliest guest deadline and the running
 * thread's slice end.
 */
#include "timer.h"
#include "clock.h"
#include "pic.h"
#include "trap.h"
#include "thread.h"
#include "log.h"
#include "uart.h"

volatile uint32_t timer_ticks;
unsigned pit_hz;
static uint64_t tick_ns, next_tick_ns;
static int wake_sleepers(void);

static void timer_irq(unsigned irq, struct trap_frame *tf)
{
	(void)irq;
	(void)tf;
	uint64_t now = clock_ns();
	int tick = 0;
	if (now >= next_tick_ns) {
		uint32_t n = (uint32_t)((now - next_tick_ns) / tick_ns) + 1;
		timer_ticks += n;
		next_tick_ns += (uint64_t)n * tick_ns;
		tick = 1;
		wake_sleepers();
	}
	uint64_t next = next_tick_ns;
	int woke = 0;
	for (timer_hook_fn *const *h = timer_hooks; *h; h++)
		woke |= (*h)(&next);           /* guest deadlines, console input */
	uart_tick();                           /* console output, with interrupts on */
	uint64_t slice = sched_slice_end_ns(); /* the running VM thread's quantum */
	if (slice < next)
		next = slice;
	clock_event_fired(next);
	if (tick || woke || sched_slice_due())
		sched_tick();
}

void timer_init(void)
{
	clock_init();
	pit_hz = CONFIG_PIT_HZ;
	tick_ns = 1000000000u / pit_hz;
	sched_quantum_tsc = clock_tsc_hz / pit_hz;   /* one tick of CPU per slice */
	next_tick_ns = clock_ns() + tick_ns;
	irq_register(0, timer_irq);
	clock_event_fired(next_tick_ns);
	pic_unmask(0);
	pr_info("timer: scheduler tick %u Hz (CONFIG_PIT_HZ=%d), guest deadlines to the TSC\n",
		pit_hz, CONFIG_PIT_HZ);
}

/* Sleep until the tick count moves past `ticks` more; returns 0, or -1
 * when interrupts are off and it would never end. A thread blocks (its
 * budget is not spent on a hlt, and the round robin moves on); thread 0,
 * which must never block, halts. */
int timer_wait_ticks(uint32_t ticks)
{
	if (!(read_eflags() & EF_IF))
		return -1;
	uint32_t start = timer_ticks;
	while (timer_ticks - start < ticks) {
		if (current->id == 0) {
			hlt();
			continue;
		}
		cli();
		current->sleep_until = start + ticks;
		current->state = T_BLOCKED;
		schedule();
		sti();
	}
	return 0;
}

/* On a tick: the threads whose timer_wait_ticks is over. */
static int wake_sleepers(void)
{
	int woke = 0;
	for (unsigned i = 1; i < thread_slots; i++) {
		struct thread *t = thread_by_index(i);
		if (t->sleep_until && t->state == T_BLOCKED && (int32_t)(timer_ticks - t->sleep_until) >= 0) {
			t->sleep_until = 0;
			thread_wake(t);
			woke++;
		}
	}
	return woke;
}
