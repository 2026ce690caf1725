/*
 * Hypervisor threads: a fixed table with static stacks. Thread 0 is the
 * boot flow itself (it keeps the boot stack). A new thread's stack is laid
 * out as switch_to() leaves a switched-out one, returning into
 * thread_entry_trampoline, which enables interrupts and runs the function.
 */
#include "thread.h"
#include "log.h"
#include "x86.h"
#include "hv.h"

static struct thread threads[CONFIG_THREAD_TABLE];
/* Page-aligned: a VM thread's stack is the one hypervisor page range its
 * guest's shadow maps writable (the CPU pushes the trap frame there). */
static uint8_t stacks[CONFIG_THREAD_TABLE][CONFIG_THREAD_STACK_SIZE]
	__attribute__((aligned(4096)));
_Static_assert(CONFIG_THREAD_STACK_SIZE % 4096 == 0, "stacks are whole pages");
struct thread *current ENTRY_DATA;
/* Slots [0, thread_slots) have been used (never shrinks): the scheduler's
 * scans stop there, so a large table costs nothing until it fills. */
unsigned thread_slots = 1;

void thread_init(void)
{
	threads[0].state = T_RUNNABLE;
	threads[0].id = 0;
	threads[0].name = "boot";
	threads[0].stack = (uint8_t *)hv_stack_bottom;
	threads[0].stack_top = (uint32_t)(uintptr_t)hv_stack_top;
	*(uint32_t *)threads[0].stack = THREAD_STACK_CANARY;
	current = &threads[0];
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	uint32_t f = irq_save();
	struct thread *t = 0;
	for (unsigned i = 1; i < CONFIG_THREAD_TABLE; i++) {
		if (threads[i].state == T_FREE || threads[i].state == T_DEAD) {
			t = &threads[i];
			t->id = i;
			t->stack = stacks[i];
			if (i >= thread_slots)
				thread_slots = i + 1;
			break;
		}
	}
	if (t) {
		uint32_t *sp = (uint32_t *)(t->stack + CONFIG_THREAD_STACK_SIZE);
		*--sp = 0;                                    /* end of backtrace */
		*--sp = (uint32_t)(uintptr_t)thread_entry_trampoline;
		*--sp = 0;                                    /* ebp */
		*--sp = 0;                                    /* ebx */
		*--sp = 0;                                    /* esi */
		*--sp = 0;                                    /* edi */
		t->esp = (uint32_t)(uintptr_t)sp;
		t->stack_top = (uint32_t)(uintptr_t)(t->stack + CONFIG_THREAD_STACK_SIZE);
		*(uint32_t *)t->stack = THREAD_STACK_CANARY;
		t->name = name;
		t->fn = fn;
		t->arg = arg;
		t->switches = 0;
		t->cr3 = 0;
		t->guest = 0;
		t->acct = 0;
		t->payer = 0;
		t->switch_in = 0;
		t->ran_tsc = 0;
		t->ready_tsc = rdtsc();
		t->used = 0;
		t->woken = 0;
		t->sleep_until = 0;
		t->state = T_RUNNABLE;
	}
	irq_restore(f);
	if (!t)
		pr_err("thread: table full (CONFIG_THREAD_TABLE=%d)\n", CONFIG_THREAD_TABLE);
	return t;
}

void thread_wake(struct thread *t)
{
	if (t->state == T_BLOCKED) {
		t->state = T_RUNNABLE;
		t->ready_tsc = rdtsc();
		t->woken = !t->urgent;
	}
}

void thread_run_current(void)
{
	current->fn(current->arg);
	thread_exit();
}

void thread_exit(void)
{
	cli();
	current->state = T_DEAD;
	schedule();
	panic("thread %s ran after exit", current->name);
}

unsigned thread_count_live(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < CONFIG_THREAD_TABLE; i++)
		if (threads[i].state == T_RUNNABLE || threads[i].state == T_BLOCKED)
			n++;
	return n;
}

struct thread *thread_by_index(unsigned i)
{
	return i < CONFIG_THREAD_TABLE ? &threads[i] : 0;
}
