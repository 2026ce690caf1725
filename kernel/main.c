/*
 * The boot flow, in the order the hardware needs it: descriptor tables,
 * the console (so nothing is lost, the logger buffers until then), the
 * Multiboot information (validated before use), memory, interrupts and the
 * timer, threads; then the boot self-test and either shutdown or idle.
 */
#include "hv.h"
#include "gdt.h"
#include "trap.h"
#include "log.h"
#include "uart.h"
#include "vga.h"
#include "pic.h"
#include "timer.h"
#include "clock.h"
#include "thread.h"
#include "multiboot.h"
#include "frame.h"
#include "mm.h"
#include "machine.h"
#include "x86.h"
#include "guest.h"
#include "console_mux.h"
#include "fpu.h"
#include "loader.h"
#include "vm.h"
#include "gdbstub.h"

static struct boot_info boot_info;
static struct hv_options options;

static const void *map_direct(void *ctx, uint32_t pa, uint32_t len)
{
	(void)ctx;
	return phys_in_direct_map(pa, len) ? phys_to_virt(pa) : 0;
}

static const char *range_type(uint32_t t)
{
	switch (t) {
	case 1: return "available";
	case 2: return "reserved";
	case 3: return "ACPI reclaimable";
	case 4: return "ACPI NVS";
	case 5: return "bad";
	default: return "other";
	}
}

static void print_boot_info(const struct boot_info *bi)
{
	pr_info("multiboot: info at %08x, lower %u KiB, upper %u KiB\n", bi->info_phys,
		bi->mem_lower_kib, bi->mem_upper_kib);
	pr_info("memory map: %u entries\n", bi->nranges);
	for (unsigned i = 0; i < bi->nranges; i++) {
		const struct mb_range *r = &bi->range[i];
		pr_info("  mem %016llx-%016llx %s\n", (unsigned long long)r->base,
			(unsigned long long)(r->base + r->len - 1), range_type(r->type));
	}
	pr_info("modules: %u\n", bi->nmods);
	for (unsigned i = 0; i < bi->nmods; i++) {
		const struct mb_module *m = &bi->mod[i];
		pr_info("  module %u: %08x-%08x %u bytes name '%s' args '%s'\n", i, m->start,
			m->end, m->end - m->start, m->name, m->args);
	}
	if (bi->dropped_ranges || bi->dropped_mods || bi->truncated_strings)
		pr_warn("multiboot: dropped %u ranges, %u modules; %u strings truncated\n",
			bi->dropped_ranges, bi->dropped_mods, bi->truncated_strings);
}

/* Without guests yet: idle, echoing serial input; 'q' ends the machine. */
static void __attribute__((noreturn)) idle(void)
{
	pr_info("hypervisor: idle (type 'q' on the serial console to shut down)\n");
	for (;;) {
		int c = console_input_getc();   /* the clock event reads the UART */
		if (c == 'q') {
			pr_info("\nhypervisor: shutdown requested\n");
			machine_shutdown(1);
		}
		if (c >= 0)
			kprintf("%c", c == '\r' ? '\n' : c);
		else
			hlt();   /* the timer tick wakes us to poll again */
	}
}

/* Every module is a guest: load them all (a refused one is reported and
 * skipped), start a VM thread each, and wait until all have stopped.
 * Returns 0 when no guest started, or a started one did not exit with
 * status 0 (killed, or a non-zero status); a refused module beside a
 * guest that ran is reported but is not a failure of the run. */
static int run_guests(void)
{
	unsigned started = 0, unstarted = 0;
	guest_pools_mark();      /* every guest returns what it takes */
	loader_load_all(&boot_info);
	/* All start before any runs: a tick between two starts would switch
	 * to the first guest, and thread 0 runs only when no guest can, so a
	 * CPU-bound first guest kept the others from ever starting (seen on
	 * a loaded host: test-guests-console-kill, finding 8's hang). */
	uint32_t fl = irq_save();
	for_each_guest(g)
		if (g->state == G_LOADED) {
			const char *why;
			if (guest_start(g, &why) < 0) {
				pr_err("vm: refusing guest %s at its start: %s\n", g->name, why);
				unstarted++;
			} else {
				started++;
			}
		}
	irq_restore(fl);
	if (!started) {
		/* Modules were given and none runs: the configuration failed. */
		pr_err("hypervisor: no guest started (every module refused)\n");
		return 0;
	}
	while (guests_live())
		hlt();               /* interrupts are on: the tick runs the guests */
	int ok = guests_summary();
	return guest_pools_check() && ok && !unstarted;
}

void kmain(uint32_t magic, uint32_t info_pa)
{
	if (HAVE_VGA_CONSOLE)
		vga_init();
	gdt_init();
	idt_init();
	pr_info("pvhv: pre-virtualizing microhypervisor for IA-32, built " __DATE__ " " __TIME__ "\n");
	int uart = uart_init();
	log_console_ready(uart == 0);
	if (uart)
		pr_warn("uart: no 16550 at %#x, log on VGA only\n", CONFIG_UART_PORT);

	const char *why = 0;
	if (mb_parse(magic, info_pa, map_direct, 0, &boot_info, &why) < 0)
		panic("multiboot: %s (magic %08x, info %08x)", why, magic, info_pa);
	cmdline_parse(boot_info.cmdline, &options);
	if (options.loglevel > 0)
		log_set_level(options.loglevel);
	pr_info("cmdline: '%s' (shutdown=%d loglevel=%d)\n", boot_info.cmdline,
		options.shutdown, log_level);
	if (options.unknown)
		pr_warn("cmdline: %u words not understood\n", options.unknown);
	print_boot_info(&boot_info);

	pr_info("image: %08x-%08x (machine %08x-%08x)\n", (uint32_t)(uintptr_t)__image_start,
		(uint32_t)(uintptr_t)__image_end - 1, virt_to_phys(__image_start),
		virt_to_phys(__image_end) - 1);
	mm_init();
	frame_boot_init(&boot_info);

	thread_init();
	pic_init(IRQ_BASE_MASTER, IRQ_BASE_SLAVE);
	timer_init();
	uart_irq_init(console_mux_room);   /* output ring drained by IRQ 4; full: writers wait */
	fpu_init();
	sti();

	int failed = selftest_run();
	gdbstub_init(options.gdb, options.gdbwait);
	if (options.crash)
		selftest_crash();
	if (boot_info.nmods && run_guests() == 0)
		failed++;
	if (options.shutdown) {
		pr_info("clock: %u timer interrupts, %u scheduler ticks\n", clock_events, timer_ticks);
		pr_info("uart: %u bytes dropped\n", uart_dropped);
		pr_info("hypervisor: shutdown (%s)\n", failed ? "failure" : "success");
		machine_shutdown(!failed);
	}
	idle();
}
