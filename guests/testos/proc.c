/* Ring-3 processes: one address space and one kernel stack each, round
 * robin on the timer, system calls through int $0x80. The scheduler runs
 * on the caller's stack (xv6 style): proc_run_all switches into each
 * runnable process and gets control back when it yields, is preempted,
 * exits or faults. */
#include "testos.h"
#include "x86.h"

struct proc procs[NPROC];
struct proc *curproc;
void (*syscall_probe)(struct proc *p, struct trapframe *tf);
void (*tick_probe)(struct trapframe *tf);
void (*fault_probe)(struct proc *p, struct trapframe *tf);
static uint32_t sched_ctx;
static int next_pid = 1;
extern char trapret[];

static bool map_new(pte_t *pd, uint32_t va, uint32_t flags, void **out)
{
	void *pg = page_alloc();
	if (!pg || !vm_map(pd, va, (uint32_t)pg, flags))
		return false;
	if (out)
		*out = pg;
	return true;
}

struct proc *proc_new(const uint8_t *code, const uint8_t *end)
{
	struct proc *p = NULL;
	for (int i = 0; i < NPROC && !p; i++)
		if (procs[i].state == P_FREE)
			p = &procs[i];
	if (!p || end - code > USER_CODE_MAX)
		return NULL;
	memset(p, 0, sizeof(*p));
	void *codepg;
	p->pd = pd_new();
	p->kstack = page_alloc();
	if (!p->pd || !p->kstack || !map_new(p->pd, USER_CODE, PTE_U, &codepg) ||
	    !map_new(p->pd, USER_DATA, PTE_U | PTE_W, (void **)&p->data) ||
	    !map_new(p->pd, USER_STACK, PTE_U | PTE_W, NULL) ||
	    !map_new(p->pd, USER_SUPER, PTE_W, NULL) ||
	    !map_new(p->pd, USER_RO, PTE_U, NULL)) {
		if (p->pd)
			pd_free(p->pd);
		page_free(p->kstack);
		return NULL;
	}
	memcpy(codepg, code, end - code);

	/* First run: swtch pops the context, returns to trapret, which irets
	 * to ring 3 with this frame. */
	struct trapframe *tf = (struct trapframe *)(p->kstack + PAGE_SIZE) - 1;
	memset(tf, 0, sizeof(*tf));
	tf->ds = tf->es = tf->fs = tf->gs = SEL_UDATA;
	tf->eip = USER_CODE;
	tf->cs = SEL_UCODE;
	tf->eflags = EFLAGS_IF | 0x2;
	tf->esp = USER_STACK + PAGE_SIZE;
	tf->ss = SEL_UDATA;
	uint32_t *ctx = (uint32_t *)tf - 5;
	ctx[0] = ctx[1] = ctx[2] = ctx[3] = 0;   /* edi esi ebx ebp */
	ctx[4] = (uint32_t)trapret;
	p->ctx = (uint32_t)ctx;
	p->tf = tf;
	p->pid = next_pid++;
	p->exit_code = -3;
	p->state = P_RUNNABLE;
	return p;
}

static void __attribute__((noreturn)) proc_exit(int code)
{
	curproc->exit_code = code;
	curproc->state = P_ZOMBIE;
	swtch(&curproc->ctx, sched_ctx);
	for (;;)
		;
}

static void proc_yield(void)
{
	swtch(&curproc->ctx, sched_ctx);
}

/* Runs until no process is runnable; false if max_ticks passed first
 * (the remaining processes are then killed). Spinners are killed once
 * they are alone and the timer took the CPU from them at least once. */
bool proc_run_all(uint32_t max_ticks)
{
	uint32_t flags = irq_save();
	uint32_t start = ticks;
	bool ok = true;
	for (;;) {
		int runnable = 0;
		for (int i = 0; i < NPROC; i++)
			runnable += procs[i].state == P_RUNNABLE;
		if (!runnable)
			break;
		for (int i = 0; i < NPROC; i++) {
			struct proc *p = &procs[i];
			if (p->state != P_RUNNABLE)
				continue;
			if (ticks - start > max_ticks) {
				p->state = P_ZOMBIE;
				ok = false;
				continue;
			}
			if (runnable == 1 && p->spinner && p->preempts > 0) {
				p->state = P_ZOMBIE;
				p->exit_code = -2;
				continue;
			}
			curproc = p;
			p->switches_in++;
			tss_set_esp0(p->esp0 ? p->esp0 : (uint32_t)(p->kstack + PAGE_SIZE));
			write_cr3((uint32_t)p->pd);
			swtch(&sched_ctx, p->ctx);
			write_cr3((uint32_t)kernel_pd);
			curproc = NULL;
		}
	}
	irq_restore(flags);
	return ok;
}

void proc_reap(void)
{
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		if (p->state != P_ZOMBIE)
			continue;
		pd_free(p->pd);
		page_free(p->kstack);
		p->state = P_FREE;
	}
}

void proc_tick(struct trapframe *tf)
{
	if (tick_probe)
		tick_probe(tf);
	if (!curproc)
		return;
	curproc->preempts++;
	proc_yield();
}

static void dz_unmap_all(void)
{
	for (uint32_t va = USER_DZ; va < USER_DZ + USER_DZ_PAGES * PAGE_SIZE; va += PAGE_SIZE) {
		pte_t *pte = pte_get(curproc->pd, va, false, 0);
		if (pte && (*pte & PTE_P)) {
			page_free((void *)(*pte & ~0xfffu));
			*pte = 0;
		}
	}
	write_cr3(read_cr3());
}

void proc_syscall(struct trapframe *tf)
{
	struct proc *p = curproc;
	if (!p || !(tf->cs & 3)) {
		tf->eax = (uint32_t)-1;
		return;
	}
	p->syscalls++;
	switch (tf->eax) {
	case SYS_EXIT:
		proc_exit((int)tf->ebx);
	case SYS_GETPID:
		tf->eax = (uint32_t)p->pid;
		break;
	case SYS_YIELD:
		if (p->dzstorm)
			dz_unmap_all();
		proc_yield();
		tf->eax = 0;
		break;
	case SYS_ADD:
		tf->eax = tf->ebx + tf->ecx + tf->edx;
		break;
	case SYS_REPORT:
		p->report[0] = tf->ebx;
		p->report[1] = tf->ecx;
		p->report[2] = tf->edx;
		p->report_cs = tf->cs;
		p->report_ss = tf->ss;
		p->report_frame = (uint32_t)tf;
		tf->eax = 0;
		break;
	case SYS_NOP:
		tf->eax = 0;
		break;
	case SYS_PROBE:
		if (syscall_probe)
			syscall_probe(p, tf);
		tf->eax = 0;
		break;
	default:
		tf->eax = (uint32_t)-1;
		break;
	}
}

/* A fault in ring 3: demand-zero in USER_DZ, otherwise the process dies
 * (and only it). */
void proc_user_fault(struct trapframe *tf)
{
	struct proc *p = curproc;
	/* #DF too: the #PF that escalated to it set CR2 */
	uint32_t cr2 = tf->vec == 14 || tf->vec == 8 ? read_cr2() : 0;
	if (tf->vec == 14 && fault_probe)
		fault_probe(p, tf);
	if (tf->vec == 14 && !(tf->err & PTE_P) && cr2 >= USER_DZ &&
	    cr2 < USER_DZ + USER_DZ_PAGES * PAGE_SIZE && map_new(p->pd, cr2 & ~0xfffu, PTE_U | PTE_W, NULL))
		return;
	p->fault_vec = tf->vec;
	p->fault_err = tf->err;
	p->fault_cr2 = cr2;
	p->fault_eip = tf->eip;
	proc_exit(-1);
}
