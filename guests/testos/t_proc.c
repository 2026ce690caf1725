/* Ring-3 processes: iret to ring 3, system calls, preemption, separate
 * address spaces, faults confined to their process, user/supervisor
 * protection and the privilege checks of ring 3. */
#include "testos.h"
#include "x86.h"

#define MAX_TICKS (20 * HZ)

/* Runs one program alone; returns its (reaped) state copy. */
static struct proc run1(const uint8_t *code, const uint8_t *end)
{
	struct proc copy;
	memset(&copy, 0, sizeof(copy));
	struct proc *p = proc_new(code, end);
	if (!p) {
		copy.exit_code = -4;
		return copy;
	}
	proc_run_all(MAX_TICKS);
	copy = *p;
	proc_reap();
	return copy;
}

static void fault_case(const uint8_t *code, const uint8_t *end, uint32_t vec, uint32_t err, uint32_t cr2,
		       const char *what)
{
	struct proc p = run1(code, end);
	CHECKF(p.exit_code == -1 && p.fault_vec == vec && p.fault_err == err && p.fault_cr2 == cr2, "proc", what,
	       "exit=%d vec=%x err=%x cr2=%x", p.exit_code, p.fault_vec, p.fault_err, p.fault_cr2);
}

/* The system-call gate and the stack it switches to, changed while a
   process uses them (each state twice: the second call takes whatever a
   cached path would take, docs/security.md, "The direct system-call
   gate"): the kernel's IF and the frame's address per call. */
extern uint32_t vectors[NVECTORS];
static uint32_t probe_if[6], probe_frame[6];
static unsigned probe_n;
static uint8_t alt_kstack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void gate_probe(struct proc *p, struct trapframe *tf)
{
	unsigned i = probe_n++;

	if (i >= 6)
		return;
	probe_if[i] = read_eflags() & EFLAGS_IF;
	probe_frame[i] = (uint32_t)tf;
	if (i == 1)
		idt_set(VEC_SYSCALL, (void (*)(void))vectors[VEC_SYSCALL], 3, true);
	if (i == 3)
		idt_set(VEC_SYSCALL, (void (*)(void))vectors[VEC_SYSCALL], 3, false);
	if (i == 4) {
		p->esp0 = (uint32_t)alt_kstack + PAGE_SIZE;
		tss_set_esp0(p->esp0);
	}
}

static void test_gate_changes(void)
{
	syscall_probe = gate_probe;
	struct proc r = run1(UPROG(probe6));
	syscall_probe = 0;
	uint32_t k = (uint32_t)(r.kstack + PAGE_SIZE) - sizeof(struct trapframe);
	uint32_t alt = (uint32_t)alt_kstack + PAGE_SIZE - sizeof(struct trapframe);
	bool run = r.exit_code == 0 && probe_n == 6;

	CHECKF(run && !probe_if[0] && !probe_if[1] && probe_frame[0] == k && probe_frame[1] == k, "proc",
	       "int 0x80 through its interrupt gate clears if", "exit=%d n=%u if=%x,%x frame=%x,%x",
	       r.exit_code, probe_n, probe_if[0], probe_if[1], probe_frame[0], probe_frame[1]);
	CHECKF(run && probe_if[2] && probe_if[3] && probe_frame[2] == k && probe_frame[3] == k, "proc",
	       "int 0x80 gate rewritten to a trap gate at run time keeps if", "if=%x,%x frame=%x,%x",
	       probe_if[2], probe_if[3], probe_frame[2], probe_frame[3]);
	CHECKF(run && !probe_if[4] && !probe_if[5] && probe_frame[4] == k && probe_frame[5] == alt, "proc",
	       "int 0x80 follows the gate back and a tss esp0 moved at run time", "if=%x,%x frame=%x,%x",
	       probe_if[4], probe_if[5], probe_frame[4], probe_frame[5]);

	/* The kernel's own int $0x80: the DPL 3 gate admits CPL 0 too, with
	   no stack switch; proc_syscall answers -1 outside a process. */
	uint32_t rv = SYS_GETPID, esp0 = tss_esp0();
	__asm__ volatile("int $0x80" : "+a"(rv) : : "memory");
	CHECKF(rv == (uint32_t)-1 && tss_esp0() == esp0, "proc", "int 0x80 from the kernel: same-level delivery",
	       "eax=%x", rv);
}

/* The same for the #PF gate (docs/ipvmm.md, "The direct #PF delivery"):
   six faults of ring 3, each checked for the frame the CPU builds, the
   state it leaves (ring 3's registers and data segments in the kernel's
   frame) and the handler's IF. */
struct pf_seen {
	uint32_t kif, frame, err, eip, cs, ss, esp, uif, gs, ds, ebx, cr2;
};
static struct pf_seen pf_seen[6];

static void pf_probe(struct proc *p, struct trapframe *tf)
{
	unsigned i = probe_n++;

	if (i >= 6)
		return;
	pf_seen[i] = (struct pf_seen){ read_eflags() & EFLAGS_IF, (uint32_t)tf, tf->err, tf->eip,
				       tf->cs & 0xffff, tf->ss & 0xffff, tf->esp, tf->eflags & EFLAGS_IF,
				       tf->gs & 0xffff, tf->ds & 0xffff, tf->ebx, read_cr2() };
	if (i == 1)
		idt_set(14, (void (*)(void))vectors[14], 0, true);
	if (i == 3)
		idt_set(14, (void (*)(void))vectors[14], 0, false);
	if (i == 4) {
		p->esp0 = (uint32_t)alt_kstack + PAGE_SIZE;
		tss_set_esp0(p->esp0);
	}
}

static bool pf_frame_ok(unsigned i, uint32_t frame)
{
	const struct pf_seen *s = &pf_seen[i];
	uint32_t eip = USER_CODE + (uint32_t)(uprog_dzprobe_fault - uprog_dzprobe);

	return s->frame == frame && s->err == 4 && s->eip == eip && s->cs == SEL_UCODE && s->ss == SEL_UDATA &&
	       s->esp == USER_STACK + PAGE_SIZE && s->uif && s->gs == SEL_UTLS && s->ds == SEL_UDATA &&
	       s->ebx == 0x5eed0000u + 6 - i && s->cr2 == USER_DZ + i * PAGE_SIZE;
}

static void test_pf_gate_changes(void)
{
	probe_n = 0;
	fault_probe = pf_probe;
	struct proc r = run1(UPROG(dzprobe));
	fault_probe = 0;
	uint32_t k = (uint32_t)(r.kstack + PAGE_SIZE) - sizeof(struct trapframe);
	uint32_t alt = (uint32_t)alt_kstack + PAGE_SIZE - sizeof(struct trapframe);
	bool run = r.exit_code == 0 && probe_n == 6, frames = run;

	for (unsigned i = 0; i < 6; i++)
		frames = frames && pf_frame_ok(i, i == 5 ? alt : k);
	CHECKF(frames, "proc", "user #PF frames: error, eip, cs, ss, esp, if, cr2, gs, ds, ebx as at the fault",
	       "exit=%d n=%u frame=%x err=%x eip=%x gs=%x ds=%x ebx=%x cr2=%x", r.exit_code, probe_n,
	       pf_seen[1].frame, pf_seen[1].err, pf_seen[1].eip, pf_seen[1].gs, pf_seen[1].ds, pf_seen[1].ebx,
	       pf_seen[1].cr2);
	CHECKF(run && !pf_seen[0].kif && !pf_seen[1].kif, "proc", "user #PF through its interrupt gate clears if",
	       "if=%x,%x", pf_seen[0].kif, pf_seen[1].kif);
	CHECKF(run && pf_seen[2].kif && pf_seen[3].kif, "proc",
	       "user #PF gate rewritten to a trap gate at run time keeps if", "if=%x,%x", pf_seen[2].kif,
	       pf_seen[3].kif);
	CHECKF(run && !pf_seen[4].kif && !pf_seen[5].kif && pf_seen[4].frame == k && pf_seen[5].frame == alt, "proc",
	       "user #PF follows the gate back and a tss esp0 moved at run time", "if=%x,%x frame=%x,%x",
	       pf_seen[4].kif, pf_seen[5].kif, pf_seen[4].frame, pf_seen[5].frame);
}

void test_proc(void)
{
	unsigned free0 = pages_free();
	struct proc r = run1(UPROG(ring3));
	CHECKF(r.exit_code == 0 && (r.report[0] & 0xffff) == SEL_UCODE && (r.report[1] & 0xffff) == SEL_UDATA,
	       "proc", "iret to ring 3: cs and ss hold rpl 3 selectors", "exit=%d cs=%x ss=%x", r.exit_code,
	       r.report[0], r.report[1]);
	CHECKF((r.report[2] & EFLAGS_IF) && !(r.report[2] & EFLAGS_IOPL), "proc",
	       "ring 3 runs with if set and iopl 0", "eflags=%x", r.report[2]);
	CHECKF(r.report_cs == SEL_UCODE && r.report_ss == SEL_UDATA, "proc",
	       "int 0x80 frame holds the user cs and ss", "cs=%x ss=%x", r.report_cs, r.report_ss);
	CHECKF(r.report_frame == (uint32_t)(r.kstack + PAGE_SIZE) - sizeof(struct trapframe), "proc",
	       "int 0x80 switches to the tss esp0 stack", "frame=%x", r.report_frame);
	test_gate_changes();
	test_pf_gate_changes();

	/* a spinner that never yields next to a worker that needs the CPU */
	struct proc *s = proc_new(UPROG(spin));
	struct proc *w = proc_new(UPROG(worker));
	if (s)
		s->spinner = true;
	bool done = s && w && proc_run_all(MAX_TICKS);
	CHECKF(done && w->exit_code == 0x100 + w->pid, "proc",
	       "worker finishes next to a spinner: syscalls with register arguments", "exit=%x pid=%d",
	       w ? (uint32_t)w->exit_code : 0, w ? w->pid : 0);
	CHECKF(done && s->preempts > 0 && s->exit_code == -2 && s->syscalls == 0, "proc",
	       "timer preempts a process that never yields", "preempts=%u", s ? s->preempts : 0);
	CHECKF(done && s->data[0] > 0, "proc", "preempted spinner made progress in its own page",
	       "count=%u", s ? s->data[0] : 0);
	proc_reap();

	struct proc *a = proc_new(UPROG(separate)), *b = proc_new(UPROG(separate));
	done = a && b && proc_run_all(MAX_TICKS);
	CHECKF(done && a->exit_code == 0x200 + a->pid && b->exit_code == 0x200 + b->pid && a->pid != b->pid, "proc",
	       "same virtual address holds each process's own data", "a=%x b=%x", a ? (uint32_t)a->exit_code : 0,
	       b ? (uint32_t)b->exit_code : 0);
	CHECKF(done && a->switches_in >= 5 && b->switches_in >= 5, "proc", "yield switches between processes",
	       "a=%u b=%u", a ? a->switches_in : 0, b ? b->switches_in : 0);
	proc_reap();

	struct proc *f = proc_new(UPROG(rd_kernel)), *g = proc_new(UPROG(worker));
	done = f && g && proc_run_all(MAX_TICKS);
	CHECKF(done && f->exit_code == -1 && f->fault_vec == 14 && g->exit_code == 0x100 + g->pid, "proc",
	       "a fault kills only the faulting process", "f=%d vec=%x g=%x", f ? f->exit_code : 0,
	       f ? f->fault_vec : 0, g ? (uint32_t)g->exit_code : 0);
	proc_reap();

	fault_case(UPROG(rd_kernel), 14, 5, KERNEL_LOAD, "user read of a kernel page faults (err 5)");
	fault_case(UPROG(wr_kernel), 14, 7, KERNEL_LOAD + 0x10, "user write of a kernel page faults (err 7)");
	fault_case(UPROG(rd_super), 14, 5, USER_SUPER + 0x10, "user read of a supervisor pte faults (err 5)");
	fault_case(UPROG(wr_ro), 14, 7, USER_RO + 4, "user write of a read-only page faults (err 7)");
	fault_case(UPROG(rd_hole), 14, 4, USER_HOLE + 0x20, "user read of an unmapped page faults (err 4)");
	fault_case(UPROG(cli), 13, 0, 0, "cli in ring 3 raises #GP(0)");
	fault_case(UPROG(inport), 13, 0, 0, "in from ring 3 with iopl 0 raises #GP(0)");
	fault_case(UPROG(intdpl0), 13, VEC_INTGATE * 8 + 2, 0, "int to a dpl 0 gate raises #GP(vector*8+2)");

	/* Delivery faults (SDM Vol. 3, 6.15): a DPL 3 gate to a DPL 3 handler
	   runs it on the current stack, here the top of the never-mapped
	   page, so the first push faults: a user write (err 6, SDM Vol. 3,
	   4.6: only IDT, GDT/LDT and TSS accesses are implicitly supervisor)
	   at the int. QEMU's TCG pushes every frame as a supervisor (err 2):
	   U is not checked (docs/testos.md, "Emulator differences").
	   With the #PF gate not present, delivering that #PF raises #NP: a
	   #PF then a contributory fault is #DF (CR2 still the #PF's). */
	uint64_t pf_gate = idt[14];
	idt[VEC_USERGATE] = (uint64_t)(USER_CODE & 0xffff) | ((uint64_t)SEL_UCODE << 16) |
			    ((uint64_t)0xee << 40) | ((uint64_t)(USER_CODE >> 16) << 48);
	r = run1(UPROG(intstack));
	CHECKF(r.exit_code == -1 && r.fault_vec == 14 && (r.fault_err & ~4u) == 2 && r.fault_cr2 == USER_STACK - 4 &&
	       r.fault_eip == USER_CODE + 5, "proc", "int to a dpl 3 handler on an unmapped stack: #PF (write) at the int",
	       "exit=%d vec=%x err=%x cr2=%x eip=%x", r.exit_code, r.fault_vec, r.fault_err, r.fault_cr2, r.fault_eip);
	idt[14] &= ~(1ull << 47);
	r = run1(UPROG(intstack));
	idt[14] = pf_gate;
	idt[VEC_USERGATE] = 0;
	CHECKF(r.exit_code == -1 && r.fault_vec == 8 && r.fault_err == 0 && r.fault_cr2 == USER_STACK - 4, "proc",
	       "#PF gate not present while delivering that #PF: #DF", "exit=%d vec=%x err=%x cr2=%x", r.exit_code,
	       r.fault_vec, r.fault_err, r.fault_cr2);

	r = run1(UPROG(wr_dz));
	CHECKF(r.exit_code == 0x5a5a, "proc", "user demand-zero page on a write fault", "exit=%x", r.exit_code);

	r = run1(UPROG(rdtsc));
	CHECKF(r.exit_code == 0, "proc", "rdtsc allowed in ring 3 with cr4.tsd clear", "exit=%d", r.exit_code);
	write_cr4(read_cr4() | CR4_TSD);
	r = run1(UPROG(rdtsc));
	write_cr4(read_cr4() & ~CR4_TSD);
	CHECKF(r.exit_code == -1 && r.fault_vec == 13 && r.fault_err == 0, "proc",
	       "rdtsc in ring 3 with cr4.tsd set raises #GP(0)", "exit=%d vec=%x", r.exit_code, r.fault_vec);

	CHECKF(pages_free() == free0, "proc", "exited processes return all their pages", "free=%u before=%u",
	       pages_free(), free0);
}
