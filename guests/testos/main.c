/* Entry from entry.S: set up the machine, run every suite (or the
 * benchmarks when the command line says "bench", or the console echo when
 * it says "echo"), report and exit. */
#include "testos.h"
#include "x86.h"

#define MB_BOOT_MAGIC 0x2BADB002
#define MBI_MEM       (1u << 0)
#define MBI_CMDLINE   (1u << 2)

void kmain(uint32_t magic, uint32_t mbi);

static uint32_t mb_magic, mb_flags, mb_mem_upper;
static bool bench_mode, echo_mode;
static enum fault_mode fault_sel;

/* Is word w on the command line s, delimited by spaces or the ends? */
static bool has_word(const char *s, const char *w, unsigned n)
{
	for (int i = 0; s[i] && i < 4096; i++) {
		bool start = i == 0 || s[i - 1] == ' ';
		if (start && !memcmp(&s[i], w, n) && (s[i + n] == 0 || s[i + n] == ' '))
			return true;
	}
	return false;
}

/* Copies what we need from the Multiboot info before paging is on; the
 * info may lie anywhere below 16 MiB, including page 0's neighbours. */
static void read_multiboot(uint32_t magic, uint32_t mbi)
{
	mb_magic = magic;
	if (magic != MB_BOOT_MAGIC || mbi == 0 || mbi >= KMAP_END)
		return;
	const uint32_t *info = (const uint32_t *)mbi;
	mb_flags = info[0];
	if (mb_flags & MBI_MEM)
		mb_mem_upper = info[2];
	if (!(mb_flags & MBI_CMDLINE) || info[4] == 0 || info[4] >= KMAP_END)
		return;
	const char *s = (const char *)info[4];
	bench_mode = has_word(s, "bench", 5);
	echo_mode = has_word(s, "echo", 4);
	fault_sel = has_word(s, "triple=stack", 12) ? FM_TRIPLE_STACK :
		    has_word(s, "triple=tss", 10) ? FM_TRIPLE_TSS :
		    has_word(s, "triple=idt", 10) ? FM_TRIPLE_IDT :
		    has_word(s, "lowstack", 8) ? FM_LOW_STACK : FM_NONE;
}

void test_boot(uint32_t magic, uint32_t mbi)
{
	(void)mbi;
	CHECKF(magic == MB_BOOT_MAGIC, "boot", "multiboot magic in eax", "eax=%x", magic);
	uint32_t mem = mb_mem_upper * 1024 + 0x100000;
	CHECKF((mb_flags & MBI_MEM) && mem >= KMAP_END, "boot", "multiboot memory size covers 16 MiB",
	       "flags=%x mem_upper=%u KiB", mb_flags, mb_mem_upper);
	extern char _end[];
	CHECKF((uint32_t)_end <= KMAP_END, "boot", "kernel image ends below 16 MiB", "end=%x", (uint32_t)_end);
}

void kmain(uint32_t magic, uint32_t mbi)
{
	read_multiboot(magic, mbi);
	console_init();
	puts_(bench_mode ? "testos: start (bench)\n" : echo_mode ? "testos: start (echo)\n" :
	      fault_sel ? "testos: start (fault)\n" : "testos: start\n");
	desc_init();
	pic_init();
	pit_set_rate(PIT_HZ / HZ);
	pic_mask(0, false);
	vm_init();
	catch_reset();

	if (bench_mode) {
		bench_run();
		testos_exit(true);
	}
	if (echo_mode)
		testos_exit(echo_run());
	if (fault_sel)
		fault_run(fault_sel);
	test_boot(mb_magic, mbi);
	test_desc();
	test_intr();
	test_paging();
	test_proc();
	test_iret();
	test_pic();
	test_pit();
	test_rtc();
	test_uart();
	test_misc_dev();
	test_cpu();
	tap_summary();
	testos_exit(tap_failed() == 0);
}
