/*
 * Hypervisor threads and the round-robin scheduler driven by the timer.
 * Threads live in a fixed table with static stacks (no heap); a guest's VM
 * thread and IRQ thread (kernel/vm.c, kernel/events.c) are threads of this
 * kind. The scheduler knows guests only through the hooks and the
 * accounting below.
 */
#ifndef THREAD_H
#define THREAD_H

#include <stdint.h>
#include "config.h"

struct guest;

enum thread_state { T_FREE = 0, T_RUNNABLE, T_BLOCKED, T_DEAD };

/* A guest's CPU accounting, kept by kernel/sched.c (embedded in struct
 * guest): TSC ticks its threads ran, the longest a runnable VM thread
 * waited, its round-robin slices, the TSC it stopped at (0 while it runs). */
struct sched_account { uint64_t cpu_tsc, wait_max_tsc, end_tsc; uint32_t slices; };

struct thread {
	uint32_t esp;                 /* saved by switch_to (asm-offsets: THREAD_ESP) */
	enum thread_state state;
	unsigned id;
	const char *name;
	void (*fn)(void *);
	void *arg;
	uint32_t switches;            /* times it was switched in */
	uint8_t *stack;               /* lowest byte of its stack */
	uint32_t stack_top;           /* TSS esp0 while it runs (ring 1/3 -> 0) */
	uint32_t cr3;                 /* its address space; 0: the hypervisor's */
	struct guest *guest;          /* the guest a VM thread runs, or 0 */
	int urgent;                   /* runs before the round robin (IRQ threads) */
	/* Run by schedule() when it is switched in (a VM thread: its
	 * guest's GDT part and TSS ss1/esp1, set by kernel/vm.c); 0: none. */
	void (*switch_in)(struct thread *t);
	/* CPU accounting (kernel/sched.c): the account its time is charged to
	 * (its guest's, VM and IRQ thread alike, so IRQ wake-ups are the
	 * guest's time), the thread whose budget an urgent thread spends (an
	 * IRQ thread's: its guest's VM thread), the TSC it was switched in
	 * at, and since when it waits runnable. */
	struct sched_account *acct;
	struct thread *payer;
	uint64_t ran_tsc, ready_tsc;
	/* The round robin's budget: TSC ticks used in this round (an IRQ
	 * thread's are charged to its guest's VM thread), and whether it was
	 * woken from a block since it last ran (kernel/sched.c). */
	uint64_t used;
	int woken;
	uint32_t sleep_until;         /* timer_wait_ticks: blocked until this tick; 0 none */
};

#define THREAD_STACK_CANARY 0x57ac4ca7u   /* at the bottom of every stack */

/* kernel/thread.c */
extern struct thread *current;
extern unsigned thread_slots;                 /* slots [0, n) ever used */
void thread_init(void);                      /* the boot flow becomes thread 0 */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
void thread_exit(void) __attribute__((noreturn));
unsigned thread_count_live(void);
struct thread *thread_by_index(unsigned i);   /* NULL past the table */
void thread_run_current(void);               /* the trampoline's C half */

/* kernel/sched.c */
void sched_tick(void);                       /* from the timer interrupt */
int sched_slice_due(void);                   /* the running thread used its quantum */
uint64_t sched_slice_end_ns(void);           /* when it will have (clock_ns) */
void schedule(void);                         /* pick the next runnable thread */
void sched_yield(void);
void thread_wake(struct thread *t);          /* blocked -> runnable, its wait starts */
extern uint64_t sched_quantum_tsc;           /* one round-robin slice */
/* A guest's "sched:" summary line: its share of the time since start_tsc. */
void sched_report(const char *name, const struct sched_account *a, uint64_t start_tsc);

/* kernel/entry.asm: save callee-saved registers and esp in prev, load next */
void switch_to(struct thread *prev, struct thread *next);
void thread_entry_trampoline(void);

#endif
