/*
 * The Linux guest's benchmark (docs/performance.md, "Linux"): each
 * operation in a loop between two rdtsc reads, printed as the test OS's
 * benchmark prints them, so scripts/bench.py reads both:
 *
 *   bench: op=NAME iters=N cycles=C cycles_per_op=Q
 *   bench: done ops=K status=ok
 *
 * Under QEMU's -icount shift=0 the TSC counts executed instructions (the
 * guest's, the IPVMM's and the hypervisor's alike), so the figures are
 * instructions per operation and repeat exactly. The same static binary
 * runs natively and under the hypervisor.
 *
 *   lxbench [boot]     boot: only the TSC at this point (boot to /init)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned n_ops;

static uint64_t tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void report(const char *op, unsigned iters, uint64_t cycles)
{
	printf("bench: op=%s iters=%u cycles=%llu cycles_per_op=%llu\n", op, iters,
	       (unsigned long long)cycles, (unsigned long long)(cycles / iters));
	fflush(stdout);
	n_ops++;
}

static void die(const char *what)
{
	printf("bench: %s failed: %s\n", what, strerror(errno));
	printf("bench: done ops=%u status=failed\n", n_ops);
	fflush(stdout);
	exit(1);
}

static void bench_getpid(void)
{
	enum { N = 20000 };
	uint64_t t0 = tsc();
	for (unsigned i = 0; i < N; i++)
		syscall(SYS_getpid);    /* not glibc's cached getpid */
	report("getpid", N, tsc() - t0);
}

static void wait_child(pid_t p)
{
	int st;
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
		die("child");
}

static void bench_fork_exit(void)
{
	enum { N = 200 };
	uint64_t t0 = tsc();
	for (unsigned i = 0; i < N; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		wait_child(p);
	}
	report("fork_exit", N, tsc() - t0);
}

static void bench_fork_exec(void)
{
	enum { N = 100 };
	char *const argv[] = { "true", 0 };
	uint64_t t0 = tsc();
	for (unsigned i = 0; i < N; i++) {
		pid_t p = fork();
		if (p == 0) {
			execv("/bin/true", argv);
			_exit(127);
		}
		wait_child(p);
	}
	report("fork_exec", N, tsc() - t0);
}

/* One byte there and back between two processes: two switches, four
 * system calls per round trip. */
static void bench_pipe(void)
{
	enum { N = 5000 };
	int a[2], b[2];
	char c = 'x';
	if (pipe(a) || pipe(b))
		die("pipe");
	pid_t p = fork();
	if (p == 0) {
		for (unsigned i = 0; i < N; i++)
			if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	uint64_t t0 = tsc();
	for (unsigned i = 0; i < N; i++)
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			die("pipe round trip");
	uint64_t t = tsc() - t0;
	wait_child(p);
	report("pipe_rtt", N, t);
}

/* The first write to each page of a fresh anonymous mapping. */
static void bench_page_fault(void)
{
	enum { N = 4096 };
	volatile char *m = mmap(0, N * 4096u, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap");
	uint64_t t0 = tsc();
	for (unsigned i = 0; i < N; i++)
		m[i * 4096u] = 1;
	report("page_fault", N, tsc() - t0);
	munmap((void *)m, N * 4096u);
}

/* Two runnable processes taking turns through sched_yield: each yield is
 * one switch to the other process (and one back, counted by the other). */
static void bench_switch(void)
{
	enum { N = 5000 };
	int go[2];
	char c = 0;
	if (pipe(go))
		die("pipe");
	pid_t p = fork();
	if (p == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		for (unsigned i = 0; i < N; i++)
			sched_yield();
		_exit(0);
	}
	if (write(go[1], &c, 1) != 1)
		die("start");
	uint64_t t0 = tsc();
	for (unsigned i = 0; i < N; i++)
		sched_yield();
	uint64_t t = tsc() - t0;
	wait_child(p);
	report("ctx_switch", 2 * N, t);
}

/* The macro workload: a shell loop over busybox tools in tmpfs. */
static void bench_macro(const char *script)
{
	uint64_t t0 = tsc();
	int st = system(script);
	if (st != 0)
		die("macro workload");
	report("macro_shell", 1, tsc() - t0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "boot")) {
		unsigned long long t = tsc();   /* instructions since the machine started */
		printf("bench: op=boot_to_init iters=1 cycles=%llu cycles_per_op=%llu\n", t, t);
		return 0;
	}
	bench_getpid();
	bench_fork_exit();
	bench_fork_exec();
	bench_pipe();
	bench_page_fault();
	bench_switch();
	if (argc > 1)
		bench_macro(argv[1]);
	printf("bench: done ops=%u status=ok\n", n_ops);
	fflush(stdout);
	return 0;
}
