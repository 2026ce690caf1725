/* Interrupt flag, gates, exceptions, nesting and interrupt windows. */
#include "testos.h"
#include "x86.h"

/* Bounded wait for the next timer tick with interrupts enabled. */
static bool wait_tick(void)
{
	uint32_t t0 = ticks;
	for (uint32_t i = 0; i < 200000000 && ticks == t0; i++)
		pause_();
	return ticks != t0;
}

/* A #PF of the kernel itself through its gate changed at run time (the
 * same-level direct delivery, docs/ipvmm.md): interrupt gate, trap gate,
 * interrupt gate again, each twice (the second fault takes whatever a
 * cached path would take). Each frame is where the first was, with the
 * error code, cr2, eip, the interrupted IF and fs as at the fault. */
extern uint32_t vectors[NVECTORS];

/* Out of line: test_intr's first sites stay where tests/gdb/stub-testos.gdb steps. */
static void __attribute__((noinline)) pf_kernel_gate(void)
{
	uint32_t kif[6], frame0 = 0;
	bool same = true;
	uint16_t fs = read_fs();

	for (unsigned i = 0; i < 6; i++) {
		if (i == 2 || i == 4)
			idt_set(14, (void (*)(void))vectors[14], 0, i == 2);
		catch_reset();
		catch_.detail = 1;
		write_fs(SEL_UDATA);
		probe_read(UNMAPPED_VA + 0x40 + i * 4);
		write_fs(fs);
		catch_.detail = 0;
		kif[i] = catch_.kif;
		if (i == 0)
			frame0 = catch_.frame;
		same = same && catch_.vec == 14 && catch_.err == 0 && catch_.cr2 == UNMAPPED_VA + 0x40 + i * 4 &&
		       catch_.eip == (uint32_t)probe_read_insn && catch_.pif && catch_.frame == frame0 &&
		       catch_.fs == SEL_UDATA;
	}
	CHECKF(same, "intr", "kernel #PF frames: error, cr2, eip, if, fs, place as at the first",
	       "vec=%x err=%x cr2=%x eip=%x pif=%x frame=%x,%x fs=%x", catch_.vec, catch_.err, catch_.cr2,
	       catch_.eip, catch_.pif, frame0, catch_.frame, catch_.fs);
	CHECKF(!kif[0] && !kif[1] && kif[2] && kif[3] && !kif[4] && !kif[5], "intr",
	       "kernel #PF through its gate rewritten at run time: interrupt, trap, interrupt",
	       "if=%x,%x,%x,%x,%x,%x", kif[0], kif[1], kif[2], kif[3], kif[4], kif[5]);
}

static void exceptions(void)
{
	catch_reset();
	probe_de();
	CHECKF(catch_.vec == 0 && catch_.eip == (uint32_t)probe_de_insn, "intr",
	       "#DE on divide by zero, eip at the div", "vec=%x eip=%x", catch_.vec, catch_.eip);
	catch_reset();
	probe_ud();
	CHECKF(catch_.vec == 6 && catch_.eip == (uint32_t)probe_ud_insn, "intr", "#UD on ud2, eip at the ud2",
	       "vec=%x eip=%x", catch_.vec, catch_.eip);
	catch_reset();
	probe_bp();
	CHECKF(catch_.vec == 3 && catch_.eip == (uint32_t)probe_bp_after, "intr", "#BP on int3, eip after it",
	       "vec=%x eip=%x", catch_.vec, catch_.eip);
	catch_reset();
	probe_load_fs(SEL_KCODE2 | 0x100);        /* index 39: outside the GDT */
	CHECKF(catch_.vec == 13 && catch_.err == ((SEL_KCODE2 | 0x100) & ~3u), "intr",
	       "#GP pushes an error code", "vec=%x err=%x", catch_.vec, catch_.err);
	catch_reset();
	probe_read(UNMAPPED_VA + 0x44);
	CHECKF(catch_.vec == 14 && catch_.err == 0 && catch_.cr2 == UNMAPPED_VA + 0x44, "intr",
	       "#PF pushes an error code and sets cr2", "vec=%x err=%x cr2=%x", catch_.vec, catch_.err, catch_.cr2);
	pf_kernel_gate();
}

/* The timer handler records where IRQ0 interrupted us; make IRQ0 pending
 * with IF=0, then open the window one way or another. */
static void windows(void)
{
	bool pend = pit_wait_pending_irq0();
	irq0_eip = 0;
	shadow_sti_probe();
	/* SDM: after sti, interrupts stay inhibited for exactly one more
	 * instruction; afterburn pads before sti, so that is still the movl. */
	CHECKF(pend && irq0_eip == (uint32_t)shadow_after, "intr",
	       "pending irq waits one instruction after sti", "pend=%u eip=%x sti=%x after=%x",
	       pend, irq0_eip, (uint32_t)shadow_sti, (uint32_t)shadow_after);
	pend = pit_wait_pending_irq0();
	irq0_eip = 0;
	shadow_nop_probe();
	CHECKF(pend && irq0_eip == (uint32_t)shadow_nop_after, "intr",
	       "pending irq waits for the nop after sti", "pend=%u eip=%x after=%x", pend, irq0_eip,
	       (uint32_t)shadow_nop_after);
	pend = pit_wait_pending_irq0();
	irq0_eip = 0;
	popf_irq_probe();
	CHECKF(pend && irq0_eip > (uint32_t)popf_insn && irq0_eip <= (uint32_t)popf_after, "intr",
	       "pending irq taken right after popf sets if", "eip=%x", irq0_eip);
	pend = pit_wait_pending_irq0();
	irq0_eip = 0;
	iret_irq_probe();
	CHECKF(pend && irq0_eip == (uint32_t)iret_target, "intr",
	       "pending irq taken at the iret target when iret sets if", "eip=%x", irq0_eip);
}

/* The arithmetic flags and DF, all set (bit 1 too). */
#define FLAGS_ARITH 0x00000cd7u
/* Bits a kernel sets at CPL 0 that are virtual under the IPVMM: IOPL, NT,
   AC, ID (TF would single-step the probe). */
#define FLAGS_VIRT  0x00247000u

/* popf of `in`, then pushf: the word pushed; the flags restored after. */
static uint32_t popf_pushf(uint32_t in)
{
	uint32_t out, saved;

	__asm__ volatile("pushfl; popl %[s]\n\t"
			 "pushl %[in]; popfl; pushfl; popl %[o]\n\t"
			 "pushl %[s]; popfl"
			 : [o] "=&r"(out), [s] "=&r"(saved) : [in] "r"(in) : "cc", "memory");
	return out;
}

/* Every flag survives popf then pushf, IF both ways; and a pushf leaves
   the flags it pushes as they were (a second pushf sees the same word). */
static void flag_words(void)
{
	uint32_t in = FLAGS_ARITH | FLAGS_VIRT, off, on, a, b, saved;

	off = popf_pushf(in);
	on = popf_pushf(in | EFLAGS_IF);
	CHECKF(off == in && on == (in | EFLAGS_IF), "intr", "popf then pushf keep iopl, nt, ac, id and if both ways",
	       "in=%x off=%x on=%x", in, off, on);
	__asm__ volatile("pushfl; popl %[s]\n\t"
			 "pushl %[in]; popfl; pushfl; pushfl; popl %[b]; popl %[a]\n\t"
			 "pushl %[s]; popfl"
			 : [a] "=&r"(a), [b] "=&r"(b), [s] "=&r"(saved) : [in] "r"(FLAGS_ARITH) : "cc", "memory");
	CHECKF(a == FLAGS_ARITH && b == a, "intr", "pushf changes no flag: two in a row push the same word",
	       "a=%x b=%x", a, b);
}

void test_intr(void)
{
	cli();
	CHECK(!(read_eflags() & EFLAGS_IF), "intr", "cli clears if");
	sti();
	CHECK(read_eflags() & EFLAGS_IF, "intr", "sti sets if");
	write_eflags(read_eflags() & ~EFLAGS_IF);
	bool off = !(read_eflags() & EFLAGS_IF);
	write_eflags(read_eflags() | EFLAGS_IF);
	bool on = read_eflags() & EFLAGS_IF;
	CHECKF(off && on, "intr", "popf round trips if both ways", "off=%u on=%u", off, on);
	CHECK(read_eflags() & 0x2, "intr", "pushf shows reserved bit 1 set");
	write_eflags(read_eflags() | EFLAGS_IOPL);
	bool iopl = (read_eflags() & EFLAGS_IOPL) == EFLAGS_IOPL;
	write_eflags(read_eflags() & ~EFLAGS_IOPL);
	CHECKF(iopl && !(read_eflags() & EFLAGS_IOPL), "intr", "popf at cpl 0 changes iopl", "iopl=%u", iopl);
	flag_words();

	CHECK(wait_tick(), "intr", "timer interrupts arrive with if set");
	CHECKF(irq0_vec == VEC_IRQ0, "intr", "irq0 arrives on the remapped vector", "vec=%x", irq0_vec);

	cli();
	uint32_t t0 = ticks;
	bool pend = pit_wait_pending_irq0();
	bool held = ticks == t0 && pend;
	sti();
	bool taken = wait_tick();
	CHECKF(held && taken, "intr", "irq held pending while if is clear, taken after sti",
	       "held=%u taken=%u", held, taken);

	exceptions();

	gate_if_seen = 7;
	int81();
	CHECKF(gate_if_seen == EFLAGS_IF, "intr", "trap gate keeps if set", "if=%x", gate_if_seen);
	gate_if_seen = 7;
	int82();
	CHECKF(gate_if_seen == 0, "intr", "interrupt gate clears if", "if=%x", gate_if_seen);

	nest_mode = 1;
	nest_depth_seen = 0;
	catch_reset();
	int81();
	CHECKF(catch_.vec == 3 && nest_depth_seen == 2, "intr", "exception nests inside a trap handler",
	       "vec=%x depth=%u", catch_.vec, nest_depth_seen);
	nest_mode = 2;
	irq0_max_depth = 0;
	int81();
	nest_mode = 0;
	CHECKF(irq0_max_depth == 2, "intr", "timer irq nests inside a trap handler", "depth=%u", irq0_max_depth);

	cli();
	windows();
	sti();

	t0 = ticks;
	hlt();
	CHECK(ticks != t0, "intr", "hlt wakes on the timer interrupt");
}
