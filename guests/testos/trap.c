/* Trap dispatch: exceptions (caught by probes, demand-zero, user faults),
 * device interrupts, system calls and the gate tests. */
#include "testos.h"
#include "x86.h"

struct catch_state catch_;
volatile uint32_t ticks;
volatile uint32_t irq0_eip, irq0_vec, irq0_isr, irq0_max_depth;
volatile uint32_t irq0_no_eoi;
volatile uint32_t shadow_marker;
volatile uint32_t irq_count[16];
volatile uint32_t uart_thre_irqs, rtc_irqs, rtc_regc;
volatile uint32_t nest_mode, nest_depth_seen, gate_if_seen;
static volatile uint32_t depth;

static const char *const exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO",
	"#TS", "#NP", "#SS", "#GP", "#PF", "R15", "#MF", "#AC", "#MC", "#XM",
};

void catch_reset(void)
{
	catch_.armed = 0;
	catch_.hit = 0;
	catch_.vec = catch_.err = catch_.cr2 = catch_.eip = 0xffffffff;
}

/* A kernel-mode exception nobody expected: the run cannot be trusted. */
static void __attribute__((noreturn)) kernel_panic(struct trapframe *tf)
{
	uint32_t cr2 = read_cr2();
	const char *name = tf->vec < 32 && exc_names[tf->vec] ? exc_names[tf->vec] : "?";
	printf_("not ok - panic: unexpected %s (vector %u) err=%x eip=%x cr2=%x\n",
		name, tf->vec, tf->err, tf->eip, cr2);
	tap_summary();
	testos_exit(false);
}

static void exception(struct trapframe *tf)
{
	if (tf->cs & 3) {
		proc_user_fault(tf);
		return;
	}
	if (catch_.armed) {
		catch_.armed = 0;
		catch_.hit = 1;
		catch_.vec = tf->vec;
		catch_.err = tf->err;
		catch_.eip = tf->eip;
		catch_.cr2 = tf->vec == 14 ? read_cr2() : 0;
		if (catch_.detail) {            /* not in the bench's page_fault loop */
			catch_.kif = read_eflags() & EFLAGS_IF;
			catch_.pif = tf->eflags & EFLAGS_IF;
			catch_.frame = (uint32_t)tf;
			catch_.fs = tf->fs & 0xffff;
		}
		if (tf->vec == 3 && nest_mode == 1)
			nest_depth_seen = depth;
		tf->eip = catch_.resume;
		return;
	}
	if (tf->vec == 14 && kdz_fault(read_cr2(), tf->err))
		return;
	kernel_panic(tf);
}

static void irq(struct trapframe *tf)
{
	int n = (int)tf->vec - VEC_IRQ0;
	/* Spurious IRQ 7/15: the PIC shows nothing in service; no EOI. */
	if ((n == 7 || n == 15) && !(pic_read_isr() & (1u << n)))
		return;
	irq_count[n]++;
	switch (n) {
	case 0:
		ticks++;
		irq0_eip = tf->eip;
		irq0_vec = tf->vec;
		irq0_isr = pic_read_isr();
		if (depth > irq0_max_depth)
			irq0_max_depth = depth;
		if (irq0_no_eoi) {
			irq0_no_eoi = 0;
			return;
		}
		pic_eoi(0);
		if (tf->cs & 3)
			proc_tick(tf);
		return;
	case 4: {
		uint8_t iir = inb(0x3fa);
		if ((iir & 0x0f) == 0x02) {
			uart_thre_irqs++;
			outb(0x3f9, 0x00);     /* one is enough: disable THRE */
		}
		break;
	}
	case 8:
		outb(0x70, 0x0c);
		rtc_regc = inb(0x71);      /* reading C acknowledges the RTC */
		rtc_irqs++;
		break;
	default:
		break;
	}
	pic_eoi(n);
}

/* Only kernel-mode traps count as nesting: traps from ring 3 may switch
 * to another process and come back much later. */
void trap(struct trapframe *tf)
{
	bool kernel = !(tf->cs & 3);
	if (kernel)
		depth++;
	if (tf->vec < 32)
		exception(tf);
	else if (tf->vec < VEC_IRQ0 + 16)
		irq(tf);
	else if (tf->vec == VEC_SYSCALL)
		proc_syscall(tf);
	else if (tf->vec == VEC_TRAPGATE) {
		gate_if_seen = read_eflags() & EFLAGS_IF;
		if (nest_mode == 1) {
			probe_bp();
		} else if (nest_mode == 2) {
			uint32_t t0 = ticks;
			for (uint32_t i = 0; i < 100000000 && ticks == t0; i++)
				pause_();
		}
	} else if (tf->vec == VEC_INTGATE) {
		gate_if_seen = read_eflags() & EFLAGS_IF;
	} else {
		kernel_panic(tf);
	}
	if (kernel)
		depth--;
}
