/*
 * A hypervisor bug stops everything: print why, the registers (of the
 * faulting context when there is a trap frame), the control registers with
 * CR2 (the last fault address), and a frame-pointer backtrace with symbol
 * names, then end the machine with the failure code.
 */
#include "log.h"
#include "trap.h"
#include "x86.h"
#include "hv.h"
#include "mm.h"
#include "layout.h"
#include "machine.h"

static int in_panic;

/* A frame pointer we may follow: aligned, inside the direct map. */
static int frame_ok(uint32_t ebp)
{
	return (ebp & 3) == 0 && ebp >= HV_BASE && ebp < HV_BASE + DIRECT_MAP_SIZE - 8;
}

void backtrace(unsigned long ebp_arg)
{
	uint32_t ebp = (uint32_t)ebp_arg;
	kprintf("backtrace:\n");
	for (int depth = 0; depth < CONFIG_BACKTRACE_DEPTH && frame_ok(ebp); depth++) {
		const uint32_t *fp = (const uint32_t *)(uintptr_t)ebp;
		uint32_t ret = fp[1], off = 0;
		if (!ret)
			break;
		const char *name = symbol_lookup(ret, &off);
		kprintf("  #%d %08x %s+%#x\n", depth, ret, name ? name : "?", off);
		if (fp[0] <= ebp)        /* stacks grow down; callers are above */
			break;
		ebp = fp[0];
	}
}

static void dump_frame(const struct trap_frame *tf)
{
	uint32_t off = 0;
	const char *name = symbol_lookup(tf->eip, &off);
	kprintf("trap %u (%s) error %#x at eip %08x %s+%#x\n", tf->vector,
		trap_name(tf->vector), tf->error, tf->eip, name ? name : "?", off);
	kprintf("eax %08x ebx %08x ecx %08x edx %08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
	kprintf("esi %08x edi %08x ebp %08x esp %08x\n", tf->esi, tf->edi, tf->ebp,
		(tf->cs & 3) ? tf->esp : tf->esp_dummy + 5 * 4);
	kprintf("cs %04x ds %04x es %04x fs %04x gs %04x eflags %08x\n", tf->cs & 0xffff,
		tf->ds & 0xffff, tf->es & 0xffff, tf->fs & 0xffff, tf->gs & 0xffff, tf->eflags);
}

static void dump_cregs(void)
{
	kprintf("cr0 %08x cr2 %08x cr3 %08x cr4 %08x\n", read_cr0(), read_cr2(),
		read_cr3(), read_cr4());
}

static void __attribute__((noreturn)) vpanic(const struct trap_frame *tf,
					     const char *fmt, va_list ap)
{
	cli();
	if (in_panic++) {          /* a panic while panicking: just stop */
		machine_shutdown(0);
	}
	log_force_console();
	kprintf("\nPANIC: ");
	log_vmsg(LOG_ERR, fmt, ap);
	kprintf("\n");
	if (tf) {
		dump_frame(tf);
	} else {
		uint32_t eax, ebx, ecx, edx, esi, edi, esp;
		__asm__ volatile("" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx),
				 "=S"(esi), "=D"(edi));
		__asm__ volatile("mov %%esp, %0" : "=r"(esp));
		kprintf("eax %08x ebx %08x ecx %08x edx %08x\n", eax, ebx, ecx, edx);
		kprintf("esi %08x edi %08x ebp %08x esp %08x\n", esi, edi, read_ebp(), esp);
	}
	dump_cregs();
	if (tf)
		kprintf("(callers of the interrupted code at %08x:)\n", tf->eip);
	backtrace(tf ? tf->ebp : read_ebp());
	kprintf("hypervisor halted\n");
	machine_shutdown(0);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpanic(0, fmt, ap);
}

void panic_frame(const struct trap_frame *tf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpanic(tf, fmt, ap);
}
