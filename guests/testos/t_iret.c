/* iret in the cases the IPVMM's fast path (ipvmm/burn.asm, burn_iret) must
 * get right or refuse (docs/security.md, "The iret fast path"): an
 * interrupt pending as iret sets IF, a user-loadable descriptor rewritten
 * in memory before the return to ring 3, and frames whose next word is
 * unmapped (to ring 3 and to the same level). Each holds natively. */
#include "testos.h"
#include "x86.h"

static struct proc run1(const uint8_t *code, const uint8_t *end, void (*setup)(struct proc *))
{
	struct proc copy;
	memset(&copy, 0, sizeof(copy));
	struct proc *p = proc_new(code, end);
	if (!p) {
		copy.exit_code = -4;
		return copy;
	}
	if (setup)
		setup(p);
	proc_run_all(20 * HZ);
	copy = *p;
	proc_reap();
	return copy;
}

/* The first tick that interrupts ring 3 after the probe armed it. */
static volatile uint32_t tick_eip, tick_cs;
static bool pend_ok;

static void record_tick(struct trapframe *tf)
{
	tick_eip = tf->eip;
	tick_cs = tf->cs;
	tick_probe = 0;
}

/* In the system call (IF clear): IRQ0 pending when its iret sets IF. */
static void make_pending(struct proc *p, struct trapframe *tf)
{
	(void)p;
	(void)tf;
	pend_ok = pit_wait_pending_irq0();
	tick_eip = tick_cs = 0;
	tick_probe = record_tick;
}

static void test_pending(void)
{
	syscall_probe = make_pending;
	struct proc r = run1(UPROG(irqret), 0);
	syscall_probe = 0;
	tick_probe = 0;
	uint32_t want = USER_CODE + (uint32_t)(uprog_irqret_after - uprog_irqret);
	CHECKF(r.exit_code == 0 && pend_ok && tick_cs == SEL_UCODE && tick_eip == want, "iret",
	       "iret to ring 3 with irq0 pending: taken at the first user instruction",
	       "exit=%d pend=%d cs=%x eip=%x want=%x", r.exit_code, pend_ok, tick_cs, tick_eip, want);
}

static void tls_words(struct proc *p)
{
	p->data[0] = 0x1111;
	p->data[1] = 0x2222;
}

/* SEL_UTLS's base moved by a plain store, no lgdt: ring 3's own load of
   it after the next iret must see the new base (Linux's TLS entries). */
static void test_rewritten_desc(void)
{
	uint64_t keep = gdt[SEL_UTLS >> 3];
	struct proc a = run1(UPROG(tlsread), tls_words);
	gdt[SEL_UTLS >> 3] = seg_desc(USER_DATA + 4, 0xfffff, 0xf2, 0xc);	/* P DPL3 S data, 4K 32 */
	struct proc b = run1(UPROG(tlsread), tls_words);
	gdt[SEL_UTLS >> 3] = keep;
	CHECKF(a.exit_code == 0x1111 && b.exit_code == 0x2222, "iret",
	       "dpl 3 descriptor rewritten in memory: ring 3 loads the new one after iret",
	       "before=%x after=%x", a.exit_code, b.exit_code);
}

/* iret with the frame's last word in the page after IRET_VA (unmapped):
   #PF (supervisor read, not present) at the iret, cr2 = that page. */
static void iret_fault(bool mapped, unsigned n, const uint32_t *words, const char *what)
{
	uint32_t top = IRET_VA + PAGE_SIZE, *frame = (uint32_t *)top - n;

	catch_reset();
	if (mapped) {
		for (unsigned i = 0; i < n; i++)
			frame[i] = words[i];
		uint32_t flags = irq_save();
		iret_fault_probe((uint32_t)frame);
		irq_restore(flags);
	}
	CHECKF(mapped && catch_.vec == 14 && catch_.err == 0 && catch_.cr2 == top && catch_.eip == (uint32_t)iret_fault_insn,
	       "iret", what, "vec=%x err=%x cr2=%x eip=%x", catch_.vec, catch_.err, catch_.cr2, catch_.eip);
}

static void test_frame_faults(void)
{
	uint32_t *page = page_alloc();
	bool mapped = page && vm_map(kernel_pd, IRET_VA, (uint32_t)page, PTE_W);
	if (mapped)
		invlpg(IRET_VA);
	/* To ring 3 only SS is unmapped: emulators pop ESP and SS in either
	   order, and the fault must be the same on all of them. */
	const uint32_t outer[4] = { USER_CODE, SEL_UCODE, EFLAGS_IF | 0x2, USER_STACK + PAGE_SIZE };
	const uint32_t same[2] = { (uint32_t)iret_fault_insn, SEL_KCODE };
	iret_fault(mapped, 4, outer, "iret to ring 3 with its ss unmapped: #PF at the iret");
	iret_fault(mapped, 2, same, "iret to the same level with its eflags unmapped: #PF at the iret");
}

void test_iret(void)
{
	test_pending();
	test_rewritten_desc();
	test_frame_faults();
}
