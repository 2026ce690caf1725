/*
 * The boot self-test: every line it prints is something the system tests
 * assert on (tests/kernel.mk). Each check can fail, and a failure ends a
 * `shutdown` run with the failure code.
 */
#include "hv.h"
#include "log.h"
#include "timer.h"
#include "trap.h"
#include "thread.h"
#include "frame.h"
#include "mm.h"
#include "x86.h"
#include "pic.h"

static int checks, failures;

static void check(int ok, const char *what)
{
	checks++;
	if (!ok) {
		failures++;
		pr_err("selftest: FAIL %s\n", what);
	}
}

static void test_timer(void)
{
	uint32_t t0 = timer_ticks;
	int ifon = (read_eflags() & EF_IF) != 0;
	check(ifon, "interrupts enabled");
	check(timer_wait_ticks(CONFIG_PIT_HZ / 10 + 1) == 0, "waiting for ticks");
	uint32_t t1 = timer_ticks;
	pr_info("timer: ticks %u -> %u with interrupts %s\n", t0, t1, ifon ? "enabled" : "DISABLED");
	check(t1 > t0, "ticks advance");
}

static void test_exceptions(void)
{
	unsigned before = trap_expected_hits();
	trap_expect(3, 0);                  /* #BP is a trap: EIP is already past it */
	__asm__ volatile("int3");
	check(trap_expected_hits() == before + 1, "int3 caught");
	pr_info("selftest: int3 resumed\n");
	trap_expect(6, 2);                  /* #UD is a fault: skip the 2-byte ud2 */
	__asm__ volatile("ud2");
	check(trap_expected_hits() == before + 2, "ud2 caught");
	pr_info("selftest: ud2 resumed\n");
}

/* A spurious IRQ 7/15 arrives with nothing in the PIC's in-service
 * register. Raising their vectors by software gives exactly that. */
static void test_spurious_irq(void)
{
	unsigned before = pic_spurious, counted7 = irq_counts[7], counted15 = irq_counts[15];
	__asm__ volatile("int $0x27");
	__asm__ volatile("int $0x2f");
	check(pic_spurious == before + 2, "spurious IRQ 7/15 recognised");
	check(irq_counts[7] == counted7 && irq_counts[15] == counted15,
	      "spurious IRQs not counted as interrupts");
	pr_info("pic: spurious IRQ 7 and 15 recognised (%u so far), no EOI to their PIC\n",
		pic_spurious);
}

#define MAX_STEPS (CONFIG_SELFTEST_THREADS * CONFIG_SELFTEST_STEPS)
static volatile unsigned seq[MAX_STEPS], nseq;

static void worker(void *arg)
{
	char name = (char)(uintptr_t)arg;
	for (int step = 0; step < CONFIG_SELFTEST_STEPS; step++) {
		uint32_t f = irq_save();
		if (nseq < MAX_STEPS)
			seq[nseq++] = (unsigned)name;
		pr_info("thread %c: step %d at tick %u\n", name, step, timer_ticks);
		irq_restore(f);
		timer_wait_ticks(1);        /* the tick also preempts us */
	}
}

static void test_threads(void)
{
	for (int i = 0; i < CONFIG_SELFTEST_THREADS; i++)
		check(thread_create("selftest", worker, (void *)(uintptr_t)('A' + i)) != 0,
		      "thread_create");
	/* Bounded: every worker needs a few ticks per step. */
	uint32_t start = timer_ticks;
	uint32_t limit = 20u * MAX_STEPS + 10;
	while (thread_count_live() > 1 && timer_ticks - start < limit)
		timer_wait_ticks(1);
	check(thread_count_live() == 1, "threads finish");
	unsigned changes = 0;
	for (unsigned i = 1; i < nseq; i++)
		changes += seq[i] != seq[i - 1];
	/* Run to completion one after another would change owner only
	 * threads-1 times; round robin changes it after (nearly) every step. */
	int interleaved = changes > CONFIG_SELFTEST_THREADS - 1u;
	pr_info("threads: %d threads, %u steps, %u switches between them: %s\n",
		CONFIG_SELFTEST_THREADS, nseq, changes,
		interleaved ? "interleaved" : "NOT interleaved");
	check(nseq == MAX_STEPS, "all steps ran");
	check(interleaved, "threads interleave");
}

static void test_frames(void)
{
	uint32_t before = frame_total_free(&hv_frames), pa = 0;
	uint32_t size = 4u << 20;
	int ok = frame_alloc(&hv_frames, size, size, &pa) == 0;
	check(ok && (pa & (size - 1)) == 0, "carve an aligned 4 MiB partition");
	if (ok) {
		pr_info("frame: carved a %u KiB partition at %08x\n", size / 1024, pa);
		check(frame_free(&hv_frames, pa, size) == 0, "give it back");
	}
	check(frame_total_free(&hv_frames) == before, "free memory restored");
	/* kmap: a frame above the direct map, if the machine has one. */
	uint32_t hi = 0;
	for (unsigned i = 0; i < hv_frames.n; i++)
		if (hv_frames.r[i].end > DIRECT_MAP_SIZE + PAGE_SIZE)
			hi = (hv_frames.r[i].start > DIRECT_MAP_SIZE ? hv_frames.r[i].start
								    : DIRECT_MAP_SIZE);
	if (hi) {
		volatile uint32_t *p = kmap(hi);
		check(p != 0, "kmap");
		if (p) {
			p[0] = 0xfeedc0de;
			check(p[0] == 0xfeedc0de, "kmap read-back");
			pr_info("kmap: machine %08x at %p read back\n", hi, (void *)p);
			kunmap((void *)p);
		}
	}
}

int selftest_run(void)
{
	pr_info("selftest: start\n");
	test_timer();
	test_exceptions();
	test_spurious_irq();
	test_threads();
	test_frames();
	pr_info("selftest: %d checks, %d failed\n", checks, failures);
	return failures;
}

/* Fault on purpose (cmdline "crash"): shows, and lets a test check, the
 * panic report: registers, CR2 = 0x0dead000, a backtrace through kmain. */
void __attribute__((noinline)) selftest_crash(void)
{
	pr_info("hypervisor: crashing on purpose (cmdline 'crash')\n");
	*(volatile uint32_t *)0x0dead000 = 1;   /* unmapped: #PF */
	__asm__ volatile("" ::: "memory");      /* keep this frame */
}
