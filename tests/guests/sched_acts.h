/*
 * The hostile guest's time, scheduling and console acts (docs/security.md),
 * kept apart from hostile.c's protection acts:
 *   act=timerfar    HC_SET_TIMER at 2^64-1 (must never fire, must not storm
 *                   the clock event), then one deadline in the past (must
 *                   fire exactly once), then spin 300 ms of guest time
 *   act=spin        CPU-bound for 400 ms of guest time
 *   act=spinlong    CPU-bound for 3 s (beside the test OS's timing cases)
 *   act=rearm       CPU-bound for 400 ms too, re-arming a 50 us deadline
 *                   each time the last one fired (its IRQ thread wakes
 *                   every 50 us: that must not buy it CPU time)
 *   act=conflood    64 console writes of 4 KiB each
 *   act=waitforever HC_WAIT with no timer armed  -> killed by the watchdog
 *   act=forever     CPU-bound for ever, interrupts on: fair use of its
 *                   share, no watchdog's business -> only the console's
 *                   kill (Ctrl-] k N) stops it
 *   act=waitlong    a timer an hour ahead, then HC_WAIT: blocked, not idle
 *                   for ever -> the console's kill must wake it to stop it
 *   act=clispin     cli, a timer 1 ms ahead, then a busy loop forever: the
 *                   timer's event stays pending behind the clear virtual IF
 *                   -> killed by the interrupts-off watchdog
 *   act=clishort    the same for 100 ms of guest time only (below the
 *                   limit), then it takes the event itself, sti, exits 0
 * Guest time is the hypervisor's clock read from the shared page (the
 * formula of docs/hypercalls.md), the same one HC_SET_TIMER compares with.
 */
#ifndef SCHED_ACTS_H
#define SCHED_ACTS_H

#include "ipvmm/shared.h"

#define SH ((volatile struct ipvmm_shared *)IPVMM_SHARED_ADDR)

static inline uint64_t sa_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t sa_now_ns(void)
{
	uint64_t x = (sa_rdtsc() - SH->time_tsc_base) << SH->time_shift;
	uint32_t mul = SH->time_mul;
	return SH->time_ns_base + (x >> 32) * mul + (((x & 0xffffffffu) * mul) >> 32);
}

static int32_t sa_set_timer(uint64_t ns)
{
	return hc(HC_SET_TIMER, (uint32_t)(ns >> 32), (uint32_t)ns);
}

static uint32_t sa_take_timer(void)
{
	uint32_t bits = __atomic_fetch_and(&SH->pending, ~IPVMM_PEND_TIMER, __ATOMIC_SEQ_CST);
	return bits & IPVMM_PEND_TIMER;
}

static void sa_spin_until(uint64_t ns)
{
	while (sa_now_ns() < ns)
		;
}

static void sa_num(const char *what, uint32_t v)
{
	char num[] = "........\n";
	hex(num, v);
	puts_hc(what);
	puts_hc(num);
}

static int sa_timerfar(void)
{
	int bad = 0;
	puts_hc("hostile: timer at 2^64-1\n");
	bad += sa_set_timer(~0ull) != 0;
	uint64_t t0 = sa_now_ns();
	sa_spin_until(t0 + 100000000ull);
	bad += sa_take_timer() != 0;                  /* a far deadline never fires */
	bad += sa_set_timer(1) != 0;                  /* in the past: fires once */
	sa_spin_until(sa_now_ns() + 50000000ull);
	uint32_t first = sa_take_timer();
	sa_spin_until(sa_now_ns() + 150000000ull);
	uint32_t again = sa_take_timer();
	bad += !first + (again != 0);
	puts_hc(bad ? "hostile: timerfar FAIL\n" : "hostile: timerfar ok (far never fired, past fired once)\n");
	return bad;
}

static int sa_cpu(int rearm, uint64_t ms)
{
	uint64_t end = sa_now_ns() + ms * 1000000ull;
	uint32_t fires = 0;
	puts_hc(rearm ? "hostile: rearm for 400 ms\n" : "hostile: spinning\n");
	if (rearm)
		sa_set_timer(sa_now_ns() + 50000);
	for (uint64_t now; (now = sa_now_ns()) < end;) {
		if (rearm && sa_take_timer()) {
			fires++;
			sa_set_timer(now + 50000);
		}
	}
	if (rearm)
		sa_num("hostile: rearm fired ", fires);
	puts_hc("hostile: cpu act done\n");
	return 0;
}

static int sa_conflood(void)
{
	static char page[HC_CONSOLE_MAX];
	for (unsigned i = 0; i < sizeof(page); i++)
		page[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
	for (unsigned k = 0; k < 64; k++)
		if (hc(HC_CONSOLE_WRITE, (uint32_t)page, sizeof(page)) != (int32_t)sizeof(page))
			return 1;
	puts_hc("hostile: conflood done\n");
	return 0;
}

/* cli and a timer 1 ms ahead whose event then stays pending: for ms of
 * guest time (0: for ever), then the event taken by hand and sti. This
 * guest runs without an IPVMM, so its cli and sti are what an IPVMM's
 * would be: the virtual IF in the shared page (a real cli would be the
 * #GP kill, nothing emulates it). */
static int sa_cli(uint64_t ms)
{
	puts_hc(ms ? "hostile: cli, timer pending, 100 ms\n" : "hostile: cli, timer pending, spinning\n");
	SH->vif = 0;
	uint64_t t0 = sa_now_ns();
	sa_set_timer(t0 + 1000000ull);
	while (!ms || sa_now_ns() < t0 + ms * 1000000ull)
		;
	uint32_t fired = sa_take_timer();
	SH->vif = 1;
	puts_hc(fired ? "hostile: clishort ok\n" : "hostile: clishort FAIL (no timer)\n");
	return !fired;
}

/* 1 and *status when cmd names one of these acts. */
static int sched_act(const char *cmd, int *status)
{
	if (has_word(cmd, "act=timerfar")) {
		*status = sa_timerfar();
	} else if (has_word(cmd, "act=spin")) {
		*status = sa_cpu(0, 400);
	} else if (has_word(cmd, "act=spinlong")) {
		*status = sa_cpu(0, 3000);
	} else if (has_word(cmd, "act=rearm")) {
		*status = sa_cpu(1, 400);
	} else if (has_word(cmd, "act=clispin")) {
		*status = sa_cli(0) + 4;     /* never returns: the watchdog kills it */
	} else if (has_word(cmd, "act=clishort")) {
		*status = sa_cli(100);
	} else if (has_word(cmd, "act=conflood")) {
		*status = sa_conflood();
	} else if (has_word(cmd, "act=forever")) {
		puts_hc("hostile: spinning for ever\n");
		for (;;)
			;
	} else if (has_word(cmd, "act=waitlong")) {
		puts_hc("hostile: waiting an hour\n");
		sa_set_timer(sa_now_ns() + 3600ull * 1000000000ull);
		for (;;)
			hc(HC_WAIT, 0, 0);
	} else if (has_word(cmd, "act=waitforever")) {
		puts_hc("hostile: HC_WAIT with nothing armed\n");
		hc(HC_WAIT, 0, 0);
		puts_hc("hostile: still alive after its wait\n");
		*status = 4;
	} else {
		return 0;
	}
	return 1;
}

#endif
