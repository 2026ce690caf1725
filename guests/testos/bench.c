/* Benchmark mode: rdtsc-timed loops of the operations a hypervisor makes
 * expensive, one line each:
 *   bench: op=NAME iters=N cycles=C cycles_per_op=Q
 * (C total TSC cycles for N operations, Q = C / N rounded down). */
#include "testos.h"
#include "x86.h"

static unsigned n_ops;
static bool all_ok = true;

/* 64-by-32 division without libgcc. */
static uint64_t udiv64(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint64_t q = 0, r = 0;
	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	if (rem)
		*rem = (uint32_t)r;
	return q;
}

static void put_u64(uint64_t v)
{
	char buf[21];
	int n = 0;
	do {
		uint32_t r;
		v = udiv64(v, 10, &r);
		buf[n++] = (char)('0' + r);
	} while (v);
	while (n)
		putc_(buf[--n]);
}

static void report(const char *op, uint32_t iters, uint64_t cycles)
{
	n_ops++;
	printf_("bench: op=%s iters=%u cycles=", op, iters);
	put_u64(cycles);
	puts_(" cycles_per_op=");
	put_u64(iters ? udiv64(cycles, iters, NULL) : 0);
	putc_('\n');
}

#define TIME_LOOP(op, iters, body)                                  \
	do {                                                        \
		uint64_t t0_ = rdtsc();                             \
		for (uint32_t i_ = 0; i_ < (iters); i_++) {         \
			body;                                       \
		}                                                   \
		report(op, iters, rdtsc() - t0_);                   \
	} while (0)

static void bench_cpu(void)
{
	TIME_LOOP("cli_sti", 100000, __asm__ volatile("cli; sti" ::: "memory"));
	TIME_LOOP("pushf_popf", 100000, __asm__ volatile("pushfl; popfl" ::: "memory", "cc"));
	cli();
	TIME_LOOP("pic_eoi", 20000, outb(0x20, 0x20));
	TIME_LOOP("cr3_reload", 20000, write_cr3(read_cr3()));
	TIME_LOOP("invlpg", 50000, invlpg(TEST_VA));
	sti();
	TIME_LOOP("page_fault", 10000, probe_read(UNMAPPED_VA));
}

static void bench_ports(void)
{
	uint32_t flags = irq_save();
	TIME_LOOP("pic_imr_read", 20000, (void)inb(0x21));
	TIME_LOOP("pit_latch_read", 20000, (void)pit_latch(0));
	TIME_LOOP("rtc_read", 20000, outb(0x70, 0x00); (void)inb(0x71));
	TIME_LOOP("uart_lsr_read", 20000, (void)inb(0x3fd));
	TIME_LOOP("pci_cfg_read", 20000, outl(0xcf8, 0x80000000u); (void)inl(0xcfc));
	TIME_LOOP("kbc_status_read", 20000, (void)inb(0x64));
	outl(0xcf8, 0);
	irq_restore(flags);
}

/* Delivery of a real timer interrupt: with IRQ0 pending and IF=0, time
 * from sti to the instruction after the handler's iret. */
static void bench_timer(void)
{
	const uint32_t iters = 200;
	uint64_t sum = 0;
	pit_set_rate(200);
	cli();
	for (uint32_t i = 0; i < iters; i++) {
		if (!pit_wait_pending_irq0()) {
			all_ok = false;
			break;
		}
		uint64_t t0 = rdtsc();
		__asm__ volatile("sti; nop; cli" ::: "memory");
		sum += rdtsc() - t0;
	}
	sti();
	pit_set_rate(PIT_HZ / HZ);
	report("timer_irq", iters, sum);
}

static void bench_procs(void)
{
	const uint32_t n_sys = 20000;
	struct proc *p = proc_new(UPROG(bsyscall));
	if (p) {
		p->data[0] = n_sys;
		all_ok &= proc_run_all(60 * HZ) && p->exit_code == 0;
		report("syscall", n_sys, (uint64_t)p->report[1] << 32 | p->report[0]);
		proc_reap();
	} else {
		all_ok = false;
	}

	const uint32_t n_yield = 20000;
	struct proc *a = proc_new(UPROG(pingpong)), *b = proc_new(UPROG(pingpong));
	if (a && b) {
		a->data[0] = b->data[0] = n_yield;
		uint64_t t0 = rdtsc();
		all_ok &= proc_run_all(120 * HZ) && a->exit_code == 0 && b->exit_code == 0;
		report("as_switch", a->switches_in + b->switches_in, rdtsc() - t0);
	} else {
		all_ok = false;
	}
	proc_reap();

	const uint32_t rounds = 4000;
	a = proc_new(UPROG(dzstorm));
	b = proc_new(UPROG(dzstorm));
	if (a && b) {
		a->data[0] = b->data[0] = rounds;
		a->dzstorm = b->dzstorm = true;
		uint64_t t0 = rdtsc();
		all_ok &= proc_run_all(120 * HZ) && a->exit_code == 0 && b->exit_code == 0;
		report("dz_storm", 2 * rounds * USER_DZ_PAGES, rdtsc() - t0);
	} else {
		all_ok = false;
	}
	proc_reap();
}

void bench_run(void)
{
	sti();
	bench_cpu();
	bench_ports();
	bench_timer();
	bench_procs();
	printf_("bench: done ops=%u status=%s\n", n_ops, all_ok ? "ok" : "failed");
	testos_exit(all_ok);
}
