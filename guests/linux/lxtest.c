/*
 * lxtest: the Linux guest's own user-space checks, run by the workload
 * (guests/linux/workload.sh). Each prints "lxtest: NAME ok" or
 * "lxtest: NAME FAIL: details"; the exit status is the number of failures.
 * Everything printed is the same on every correct machine (no addresses,
 * no times), so transcripts compare line for line.
 *
 * What a kernel (and under the hypervisor, the virtual CPU beneath it)
 * must get right for these to pass: futex waits and wakes, per-thread TLS
 * through set_thread_area and %gs, an LDT segment of modify_ldt, signal
 * delivery with the right siginfo
 * for faults and timers, x87 and SSE state (control words included) kept
 * per process across context switches, and privileged instructions in
 * ring 3 faulting into SIGSEGV.
 *
 * Built static with i686-linux-gnu-gcc -pthread; -msse2 -mfpmath=sse makes
 * `double` SSE arithmetic while `long double` stays on the x87.
 */
#include <errno.h>
#include <fenv.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <xmmintrin.h>
#include <asm/ldt.h>

static int failures;

static void result(const char *name, int ok, const char *detail)
{
	if (ok)
		printf("lxtest: %s ok\n", name);
	else {
		printf("lxtest: %s FAIL: %s\n", name, detail);
		failures++;
	}
	fflush(stdout);
}

/* ---- threads: a contended futex mutex, and __thread per thread ---- */

#define THREADS 4
#define ROUNDS  20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long counter;
static __thread unsigned long tls_word;
static __thread char tls_pad[64] = "initial";

struct worker {
	pthread_t id;
	unsigned long seed;
	int tls_bad;
	uintptr_t tls_addr;
};

/* Each thread keeps its own tls_word (the thread's seed times its round),
 * checked after every yield and every lock: a %gs left pointing at
 * another thread's block, or one shared block, shows up as a wrong value. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->tls_addr = (uintptr_t)&tls_word;
	if (strcmp(tls_pad, "initial") != 0)
		w->tls_bad++;
	for (unsigned long i = 0; i < ROUNDS; i++) {
		tls_word = w->seed * i;
		pthread_mutex_lock(&lock);
		unsigned long c = counter;
		if ((i & 63) == 0)
			sched_yield();	/* let others find the mutex taken */
		counter = c + 1;
		pthread_mutex_unlock(&lock);
		if (tls_word != w->seed * i)
			w->tls_bad++;
	}
	return NULL;
}

static void *blocked_main(void *arg)
{
	int *got = arg;

	pthread_mutex_lock(&lock);	/* held by main: a futex wait */
	*got = 1;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void check_threads(void)
{
	struct worker w[THREADS];
	char msg[160];
	int created = 0, tls_bad = 0, distinct = 1;

	counter = 0;
	for (int i = 0; i < THREADS; i++) {
		w[i].seed = 1000003ul * (unsigned long)(i + 1);
		w[i].tls_bad = 0;
		if (pthread_create(&w[i].id, NULL, worker_main, &w[i]) == 0)
			created++;
		else
			break;
	}
	for (int i = 0; i < created; i++)
		pthread_join(w[i].id, NULL);
	for (int i = 0; i < created; i++) {
		tls_bad += w[i].tls_bad;
		for (int j = 0; j < i; j++)
			distinct &= w[i].tls_addr != w[j].tls_addr;
	}
	snprintf(msg, sizeof(msg), "%d of %d threads, counter %lu of %lu",
		 created, THREADS, counter, (unsigned long)THREADS * ROUNDS);
	result("threads: mutex counter", created == THREADS &&
	       counter == (unsigned long)THREADS * ROUNDS, msg);
	snprintf(msg, sizeof(msg), "%d wrong values, blocks %s", tls_bad,
		 distinct ? "distinct" : "shared");
	result("threads: __thread per thread", created == THREADS &&
	       tls_bad == 0 && distinct, msg);

	/* A waiter that must sleep on the futex until main unlocks: main
	 * holds the mutex across a 50 ms sleep, so the thread surely blocked. */
	pthread_t t;
	volatile int got = 0;
	struct timespec pause50 = { 0, 50 * 1000 * 1000 };
	pthread_mutex_lock(&lock);
	int rc = pthread_create(&t, NULL, blocked_main, (void *)&got);
	nanosleep(&pause50, NULL);
	int early = got;
	pthread_mutex_unlock(&lock);
	if (rc == 0)
		pthread_join(t, NULL);
	snprintf(msg, sizeof(msg), "create %d, got it while held %d, after %d",
		 rc, early, got);
	result("threads: futex wait and wake", rc == 0 && !early && got, msg);
}

/* ---- signals: faults with their siginfo, and an interval timer ---- */

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_sig, fault_code;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(fault_jmp, 1);
}

static void catch_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void check_signals(void)
{
	char msg[160];
	int * volatile null_ptr = NULL;
	volatile int sink;

	fault_sig = 0;
	if (sigsetjmp(fault_jmp, 1) == 0)
		sink = *null_ptr;
	snprintf(msg, sizeof(msg), "signal %d, code %d, si_addr %p",
		 (int)fault_sig, (int)fault_code, fault_addr);
	result("signals: SIGSEGV on NULL load, si_addr 0",
	       fault_sig == SIGSEGV && fault_code == SEGV_MAPERR &&
	       fault_addr == NULL, msg);

	/* divl itself: GCC may turn a C 1 / x into a comparison (a zero
	 * divisor is undefined behaviour, so it need not divide). */
	fault_sig = 0;
	if (sigsetjmp(fault_jmp, 1) == 0) {
		unsigned int q, r, zero = 0;
		__asm__ volatile("divl %2" : "=a"(q), "=d"(r)
				 : "r"(zero), "0"(1u), "1"(0u));
		sink = (int)q;
	}
	(void)sink;
	snprintf(msg, sizeof(msg), "signal %d, code %d", (int)fault_sig,
		 (int)fault_code);
	result("signals: SIGFPE on integer divide by zero",
	       fault_sig == SIGFPE && fault_code == FPE_INTDIV, msg);

	/* Three expiries of a 20 ms ITIMER_REAL, waited for with sigsuspend
	 * (SIGALRM blocked in between, so none is missed). */
	struct sigaction sa;
	sigset_t block, old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	int rc = setitimer(ITIMER_REAL, &it, NULL);
	while (rc == 0 && alarms < 3)
		sigsuspend(&old);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	snprintf(msg, sizeof(msg), "setitimer %d, %d alarms", rc, (int)alarms);
	result("signals: SIGALRM from setitimer(ITIMER_REAL) x3",
	       rc == 0 && alarms >= 3, msg);
}

/* ---- the FPU: x87 and SSE state per process across switches ---- */

#define FPU_STEPS 300000
#define FPU_CHUNK 1000

/* A long chain on the x87 (long double: 64-bit mantissa), each step
 * depending on the last, so a register or control word lost in a context
 * switch changes the result. Rounded per the current x87 control word. */
static long double x87_chain(void)
{
	volatile long double seed = 1.0L;
	long double acc = seed;

	for (int i = 1; i <= FPU_STEPS; i++) {
		acc = acc * 1.0000001L + 1.0L / (long double)i;
		if (i % FPU_CHUNK == 0)
			sched_yield();
	}
	return acc;
}

/* The same on SSE2 doubles, rounded per MXCSR. */
static double sse_chain(void)
{
	volatile double seed = 1.0;
	double acc = seed;

	for (int i = 1; i <= FPU_STEPS; i++) {
		acc = acc * 1.0000001 + 1.0 / (double)i;
		if (i % FPU_CHUNK == 0)
			sched_yield();
	}
	return acc;
}

/* x87 rounding per fesetround (fldcw), SSE's through MXCSR directly. */
static void set_rounding(int upward)
{
	fesetround(upward ? FE_UPWARD : FE_TONEAREST);
	_MM_SET_ROUNDING_MODE(upward ? _MM_ROUND_UP : _MM_ROUND_NEAREST);
}

struct fpu_result {
	long double x87;
	double sse;
};

static struct fpu_result fpu_run(int upward)
{
	struct fpu_result r;

	set_rounding(upward);
	r.x87 = x87_chain();
	r.sse = sse_chain();
	set_rounding(0);
	return r;
}

static int fpu_same(const struct fpu_result *a, const struct fpu_result *b,
		    int which)
{
	return which ? memcmp(&a->sse, &b->sse, sizeof(a->sse)) == 0
		     : memcmp(&a->x87, &b->x87, 10) == 0;
}

/* References first, one process alone; then parent (round to nearest)
 * and child (round upward) compute at once, switching at every yield and
 * timer tick, and each compares with its own reference. The two modes
 * must give different results, or the test would not see a control word
 * leaking from one process into the other. The child reports through its
 * exit status: bit 0 x87 wrong, bit 1 SSE wrong. */
static void check_fpu(void)
{
	struct fpu_result near = fpu_run(0), up = fpu_run(1), mine;
	char msg[160];
	int status = -1;

	pid_t pid = fork();
	if (pid == 0) {
		mine = fpu_run(1);
		_exit((!fpu_same(&mine, &up, 0) ? 1 : 0) |
		      (!fpu_same(&mine, &up, 1) ? 2 : 0));
	}
	mine = fpu_run(0);
	if (pid > 0)
		waitpid(pid, &status, 0);
	int child = pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	for (int which = 0; which < 2; which++) {
		int differ = !fpu_same(&near, &up, which);
		int parent_ok = fpu_same(&mine, &near, which);
		int child_ok = child >= 0 && !(child & (1 << which));
		snprintf(msg, sizeof(msg), "modes differ %d, parent %s, child %s "
			 "(fork %d, status 0x%x)", differ,
			 parent_ok ? "same" : "changed",
			 child_ok ? "same" : "changed", (int)pid, status);
		result(which ? "fpu: SSE state in two processes"
			     : "fpu: x87 state in two processes",
		       differ && parent_ok && child_ok, msg);
	}
}

/* ---- the LDT: a data segment of our own through %fs ---- */

static unsigned int ldt_data[2] = { 0x4c445430u, 0x6f6b2121u };

/* LDT entry 0 as a byte-granular data segment over ldt_data (limit 7),
 * loaded into %fs (selector 7: index 0, LDT, RPL 3): both words read
 * through it, then %fs is put back. No read past the limit: QEMU's TCG
 * checks no segment limits (Bochs and hardware do), and the transcript
 * must be the same on every machine. */
static void check_ldt(void)
{
	struct user_desc d;
	unsigned int w0 = 0, w1 = 0;
	unsigned short old_fs, sel = 7;
	char msg[160];

	memset(&d, 0, sizeof(d));
	d.entry_number = 0;
	d.base_addr = (unsigned int)(uintptr_t)ldt_data;
	d.limit = sizeof(ldt_data) - 1;
	d.seg_32bit = 1;
	d.useable = 1;
	long rc = syscall(SYS_modify_ldt, 1, &d, sizeof(d));
	__asm__ volatile("mov %%fs, %0" : "=r"(old_fs));
	if (rc == 0) {
		__asm__ volatile("mov %2, %%fs\n\t"
				 "movl %%fs:0, %0\n\t"
				 "movl %%fs:4, %1\n\t"
				 "mov %3, %%fs"
				 : "=&r"(w0), "=&r"(w1)
				 : "r"(sel), "r"(old_fs) : "memory");
	}
	snprintf(msg, sizeof(msg), "modify_ldt %ld (%s), read 0x%08x 0x%08x",
		 rc, rc ? strerror(errno) : "ok", w0, w1);
	result("ldt: a modify_ldt data segment reads through %fs",
	       rc == 0 && w0 == ldt_data[0] && w1 == ldt_data[1], msg);
}

/* ---- privileged instructions in ring 3: each must raise SIGSEGV ---- */

static void priv_cli(void) { __asm__ volatile("cli"); }
static void priv_hlt(void) { __asm__ volatile("hlt"); }
static void priv_cr0(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	(void)v;
}
static void priv_int82(void) { __asm__ volatile("int $0x82"); }

static void check_priv(void)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} insns[] = {
		{ "priv: cli gives SIGSEGV", priv_cli },
		{ "priv: hlt gives SIGSEGV", priv_hlt },
		{ "priv: mov %cr0,%eax gives SIGSEGV", priv_cr0 },
		{ "priv: int $0x82 gives SIGSEGV", priv_int82 },
	};
	char msg[160];

	for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
		volatile int returned = 0;
		fault_sig = 0;
		if (sigsetjmp(fault_jmp, 1) == 0) {
			insns[i].run();
			returned = 1;
		}
		snprintf(msg, sizeof(msg), "signal %d, code %d, %s",
			 (int)fault_sig, (int)fault_code,
			 returned ? "the instruction completed" : "no return");
		result(insns[i].name, fault_sig == SIGSEGV && !returned, msg);
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	catch_faults();
	check_threads();
	check_signals();
	check_fpu();
	check_ldt();
	check_priv();
	printf("lxtest: %d failures\n", failures);
	return failures;
}
