/*
 * A hypercall-aware guest that is its own IPVMM (`ipvmm=self`): it turns on
 * paging with its own tables and checks the virtual TLB and the event path
 * (docs/vtlb.md, docs/hypercalls.md, docs/ipvmm.md "Events and upcalls"):
 *   - HC_SET_CR3 + HC_SET_CR0_CR4: paging on, the code keeps running;
 *   - A and D bits appear in its own PTE on the first read / first write;
 *   - a not-present page and a write to a read-only page come back as #PF
 *     exception upcalls with the SDM error code and CR2, and the retried
 *     access works after the handler fixed its PTE and did HC_INVLPG;
 *   - a changed PTE stays stale until HC_INVLPG (as a TLB entry would);
 *   - two address spaces (two CR3s) map the same address differently;
 *   - ud2 arrives as an exception upcall with vector 6;
 *   - HC_SET_TIMER + HC_WAIT with the virtual IF clear: woken, pending bit
 *     set, guest time past the deadline;
 *   - with the virtual IF set, a timer interrupt redirects the running guest
 *     to its interrupt upcall, which returns to the interrupted loop.
 * The shared page (include/ipvmm/shared.h) sits at IPVMM_SHARED_ADDR in the
 * hole, mapped by the hypervisor in every shadow.
 */
#include "guest.h"
#include "ipvmm/shared.h"

#define P   0x001u
#define RW  0x002u
#define US  0x004u
#define A   0x020u
#define D   0x040u
#define VA  0x40000000u          /* a test address in PDE 256 */
#define PF_STACK_TOP (upcall_stack + sizeof(upcall_stack))

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pd2[1024] __attribute__((aligned(4096)));
static uint32_t pt_low[2][1024] __attribute__((aligned(4096)));   /* identity 0..8 MiB */
static uint32_t pt_va[1024] __attribute__((aligned(4096)));       /* VA.. in pd */
static uint32_t pt_va2[1024] __attribute__((aligned(4096)));      /* VA.. in pd2 */
static uint32_t page[4][1024] __attribute__((aligned(4096)));
static uint8_t upcall_stack[4096] __attribute__((aligned(16)));

static volatile struct ipvmm_shared *const sh = (struct ipvmm_shared *)IPVMM_SHARED_ADDR;
static volatile uint32_t exc_vector, exc_error, exc_cr2, exc_count, irq_count, irq_eip;
static int failed;
static void check(const char *what, uint32_t got, uint32_t want);
static uint32_t rd(uint32_t va);
static void wr(uint32_t va, uint32_t v);

extern char upcall_lo[], upcall_hi[], irq_entry[], exc_entry[], spin_lo[], spin_hi[];

/* The upcall entries: the state the hypervisor wrote is at ESP; the C half
 * handles it, then the interrupted registers come back and an iret (same
 * ring) returns to the interrupted EIP on the interrupted stack. */
__asm__(".section .text.upcall, \"ax\"\n"
	".globl upcall_lo, upcall_hi, irq_entry, exc_entry\n"
	"upcall_lo:\n"
	"irq_entry: pushl %esp; call irq_c; addl $4, %esp; jmp 1f\n"
	"exc_entry: pushl %esp; call exc_c; addl $4, %esp\n"
	"1: popal; popl %gs; popl %fs; popl %es; popl %ds\n"
	"   addl $12, %esp\n"          /* vector error cr2 */
	"   testb $2, 4(%esp)\n"       /* interrupted in ring 3: the frame is iret's */
	"   jnz 2f\n"
	"   addl $12, %esp\n"          /* eip cs eflags (copied to the old stack) */
	"   lss (%esp), %esp\n"
	"2: iret\n"
	/* Spins until a pending bit shows up, then clears vif, all inside the
	 * "IPVMM text": the hypervisor must not redirect here. */
	".globl ipvmm_spin\n"
	"ipvmm_spin: cmpl $0, 0xfc800000 + 20\n"
	"   je ipvmm_spin\n"
	"   movb $0, 0xfc800000 + 4\n"
	"   ret\n"
	/* The iret race's region, in the "IPVMM text" as the real one is:
	 * spins until a pending bit shows up. */
	".globl rb_wait, rb_lo, rb_hi\n"
	"rb_wait:\n"
	"rb_lo: cmpl $0, 0xfc800000 + 20\n"
	"   je rb_lo\n"
	"rb_hi: ret\n"
	"upcall_hi:\n"
	".previous\n"
	/* void enter_user(uint32_t eip, uint32_t esp): iret to ring 3; the
	 * exception handler brings it back to user_done on the saved stack. */
	".globl enter_user\n"
	"enter_user: pushl %ebp; pushl %ebx; pushl %esi; pushl %edi\n"
	"   movl %esp, saved_kesp\n"
	"   movl 20(%esp), %eax; movl 24(%esp), %ecx\n"
	"   pushl $0x833; pushl %ecx; pushfl; pushl $0x82b; pushl %eax\n"
	"   movw $0x833, %dx; movw %dx, %ds; movw %dx, %es; movw %dx, %fs; movw %dx, %gs\n"
	"   iret\n"
	"user_done: popl %edi; popl %esi; popl %ebx; popl %ebp; ret\n"
	/* Ring-3 code, alone in a user page. */
	".section .text.user, \"ax\"\n"
	".balign 4096\n"
	".globl user_code\n"
	"user_code: movl $0x40000000, %ebx\n"
	"   movl (%ebx), %eax\n"        /* 8b 03: supervisor page -> #PF(5), skipped */
	"   int $0x80\n"                /* no DPL-3 gate -> #GP(0x402), skipped */
	"   movl $0x1234, %eax\n"
	"   int $0x82\n"                /* DPL-1 gate -> #GP(0x412): back to ring 1 */
	"   jmp .\n"
	".balign 4096\n"
	".previous\n");

uint32_t saved_kesp;
void ipvmm_spin(void);
void rb_wait(void);
_Static_assert(__builtin_offsetof(struct ipvmm_shared, pending) == 20, "ipvmm_spin's offset");
_Static_assert(__builtin_offsetof(struct ipvmm_shared, vif) == 4, "ipvmm_spin's offset");
extern char user_code[], user_done[];
void enter_user(uint32_t eip, uint32_t esp);
static uint32_t user_stack[1024] __attribute__((aligned(4096)));
static volatile uint32_t user_pf_error, user_pf_cr2, user_pf_cs, user_gp_error, user_eax;

/* Copy EIP/CS/EFLAGS onto the interrupted stack for the final iret (same
 * ring only: from ring 3 the state ends in iret's own frame). */
static void frame_fixup(struct ipvmm_upcall_state *st)
{
	if ((st->cs & 3) == 3)
		return;
	st->esp -= 12;
	uint32_t *f = (uint32_t *)st->esp;
	f[0] = st->eip;
	f[1] = st->cs;
	f[2] = st->eflags;
}

void irq_c(struct ipvmm_upcall_state *st);
void irq_c(struct ipvmm_upcall_state *st)
{
	irq_count++;
	irq_eip = st->eip;
	__atomic_exchange_n(&sh->pending, 0, __ATOMIC_SEQ_CST);
	frame_fixup(st);
}

void exc_c(struct ipvmm_upcall_state *st);
void exc_c(struct ipvmm_upcall_state *st)
{
	exc_count++;
	exc_vector = st->vector;
	exc_error = st->error;
	exc_cr2 = st->cr2;
	if ((st->cs & 3) == 3) {
		if (st->vector == 14) {
			user_pf_error = st->error;
			user_pf_cr2 = st->cr2;
			user_pf_cs = st->cs;
			st->eip += 2;              /* skip movl (%ebx), %eax */
		} else if (st->vector == 13 && st->error == 0x402) {
			user_gp_error = st->error;
			st->eip += 2;              /* skip int $0x80 */
		} else {
			/* int $0x82 from ring 3 (#GP 0x412), or anything else:
			 * back to ring 1 after enter_user's call. */
			user_eax = st->eax | (st->error == 0x412 ? 0 : 0x80000000u);
			st->eip = (uint32_t)user_done;
			st->cs = 0x819;
			st->ss = st->ds = st->es = st->fs = st->gs = 0x821;
			st->esp = saved_kesp;
		}
	} else if (st->vector == 14) {
		/* Make the page present and writable, then drop the stale entry. */
		pt_va[(st->cr2 >> 12) & 1023] = (uint32_t)page[1] | P | RW;
		hc(HC_INVLPG, st->cr2, 0);
	} else if (st->vector == 6) {
		st->eip += 2;                  /* skip the ud2 */
	} else {
		hc(HC_SHUTDOWN, 0x100 + st->vector, 0);
	}
	frame_fixup(st);
}

static void check(const char *what, uint32_t got, uint32_t want)
{
	char num[] = " got ........ want ........";
	hex(num + 5, got);
	hex(num + 19, want);
	puts_hc(got == want ? "paging: ok   " : "paging: FAIL ");
	puts_hc(what);
	puts_hc(num);
	puts_hc("\n");
	failed += got != want;
}

/* Through an address the compiler cannot tie to the tables it aliases
 * (a self-map, a 4 MiB page): every table store before it is done first. */
static uint32_t rd(uint32_t va)
{
	__asm__ volatile("" : : : "memory");
	return *(volatile uint32_t *)va;
}

static void wr(uint32_t va, uint32_t v)
{
	__asm__ volatile("" : : : "memory");
	*(volatile uint32_t *)va = v;
	__asm__ volatile("" : : : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* `bench` on the command line: costs under -icount (one tick = one
 * instruction, hypervisor included), per operation, N = 256. */
static void bench(void)
{
	const unsigned n = 256;
	char num[] = "........ ticks per operation\n";
	uint64_t t0 = rdtsc();
	for (unsigned i = 0; i < n; i++)
		hc(HC_INVLPG, VA + 0x5000, 0);          /* nothing mapped there */
	uint64_t t1 = rdtsc();
	for (unsigned i = 0; i < n; i++) {
		hc(HC_INVLPG, VA, 0);
		(void)rd(VA);                            /* #PF, walk, fill */
	}
	uint64_t t2 = rdtsc();
	for (unsigned i = 0; i < n; i++)
		hc(HC_SET_CR3, (uint32_t)(i & 1 ? pd : pd2), 0);
	uint64_t t3 = rdtsc();
	hc(HC_SET_CR3, (uint32_t)pd, 0);
	for (unsigned i = 0; i < n; i++)
		__asm__ volatile("ud2");                 /* exception upcall and back */
	uint64_t t4 = rdtsc();
	hex(num, (uint32_t)((t1 - t0) / n));
	puts_hc("paging: bench invlpg hypercall 0x");
	puts_hc(num);
	hex(num, (uint32_t)((t2 - t1 - (t1 - t0)) / n));
	puts_hc("paging: bench #PF fill (walk + shadow entry) 0x");
	puts_hc(num);
	hex(num, (uint32_t)((t3 - t2) / n));
	puts_hc("paging: bench cr3 switch (cached shadow) 0x");
	puts_hc(num);
	hex(num, (uint32_t)((t4 - t3) / n));
	puts_hc("paging: bench exception upcall round trip (ud2) 0x");
	puts_hc(num);
}

/* The shared page's clock, as the IPVMM reads it (include/ipvmm/shared.h). */
static uint64_t now_ns(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	uint64_t d = (((uint64_t)hi << 32 | lo) - sh->time_tsc_base) << sh->time_shift;
	return sh->time_ns_base + (d >> 32) * sh->time_mul + (((d & 0xffffffffu) * sh->time_mul) >> 32);
}

#include "vtlb_acts.h"   /* hostile page tables: their own block */
#include "vtlb_global.h" /* global pages: the shared page tables */

int gmain(uint32_t magic, const struct mbi *mbi)
{
	const char *cmd = (mbi->flags & 4) ? (const char *)mbi->cmdline : "";
	(void)magic;
	for (unsigned i = 0; i < 2048; i++)
		pt_low[i / 1024][i % 1024] = (i << 12) | P | RW;
	pt_low[0][0] = 0;                                 /* page 0 not present */
	pd[0] = pd2[0] = (uint32_t)pt_low[0] | P | RW;
	pd[1] = pd2[1] = (uint32_t)pt_low[1] | P | RW;
	pd[VA >> 22] = (uint32_t)pt_va | P | RW;
	pd2[VA >> 22] = (uint32_t)pt_va2 | P | RW;
	pt_va[0] = (uint32_t)page[0] | P | RW;            /* A, D clear */
	pt_va[2] = (uint32_t)page[2] | P;                 /* read-only */
	pt_va2[0] = (uint32_t)page[3] | P | RW;
	page[0][0] = 0xa0a0a0a0;
	page[1][0] = 0xb1b1b1b1;
	page[2][0] = 0xc2c2c2c2;
	page[3][0] = 0xd3d3d3d3;

	check("upcall registration", hc5(HC_SET_UPCALL, (uint32_t)irq_entry, (uint32_t)exc_entry,
				       (uint32_t)PF_STACK_TOP, (uint32_t)upcall_lo,
				       (uint32_t)upcall_hi), 0);
	check("set cr3", hc(HC_SET_CR3, (uint32_t)pd, 0), 0);
	check("paging on (PE|PG|WP)", hc(HC_SET_CR0_CR4, 0x80010001u, 0), 0);
	puts_hc("paging: paging is on\n");
	check("console through the guest's tables", hc(HC_CONSOLE_WRITE, (uint32_t)"", 0), 0);

	check("pte before any access", pt_va[0] & (A | D), 0);
	check("read through VA", rd(VA), 0xa0a0a0a0);
	check("pte after a read: A, not D", pt_va[0] & (A | D), A);
	wr(VA + 4, 0x12345678);
	check("pte after a write: A and D", pt_va[0] & (A | D), A | D);
	check("the write reached the page", page[0][1], 0x12345678);

	if (has_word(cmd, "bench"))
		bench();

	uint32_t exc0 = exc_count;             /* the bench's ud2s counted too */

	/* Not present: #PF upcall, error 0 (read, supervisor), CR2. */
	check("not-present read", rd(VA + 0x1000 + 8), 0);
	check("  vector", exc_vector, 14);
	check("  error code (not present, read)", exc_error, 0);
	check("  cr2", exc_cr2, VA + 0x1000 + 8);
	check("  retried after the handler mapped it", rd(VA + 0x1000), 0xb1b1b1b1);
	/* Read-only page with CR0.WP: error P|W. */
	check("read-only page reads", rd(VA + 0x2000), 0xc2c2c2c2);
	wr(VA + 0x2000 + 12, 7);
	check("  write to it: vector", exc_vector, 14);
	check("  error code (protection, write)", exc_error, 3);
	check("  cr2", exc_cr2, VA + 0x2000 + 12);
	check("  the retried write went to the new page", page[1][3], 7);
	check("exception upcalls so far", exc_count - exc0, 2);

	/* A changed PTE is stale until invlpg (VA read first: in the TLB). */
	check("VA before the change", rd(VA), 0xa0a0a0a0);
	pt_va[0] = (uint32_t)page[2] | P | RW;
	check("stale before invlpg", rd(VA), 0xa0a0a0a0);
	check("invlpg", hc(HC_INVLPG, VA, 0), 0);
	check("fresh after invlpg", rd(VA), 0xc2c2c2c2);

	/* Two address spaces. */
	check("switch to the second cr3", hc(HC_SET_CR3, (uint32_t)pd2, 0), 0);
	check("VA in the second space", rd(VA), 0xd3d3d3d3);
	check("switch back", hc(HC_SET_CR3, (uint32_t)pd, 0), 0);
	check("VA in the first space", rd(VA), 0xc2c2c2c2);
	check("pte of the second space has A", pt_va2[0] & A, A);

	/* ud2: an exception upcall with vector 6. */
	__asm__ volatile("ud2");
	check("ud2 upcall vector", exc_vector, 6);

	/* Ring 3: only user pages; a supervisor page is #PF with U|P; int $0x80
	 * and int $0x82 are #GP exception upcalls with the gate's error code. */
	pd[0] |= US;
	pt_low[0][(uint32_t)user_code >> 12] |= US;
	pt_low[(uint32_t)user_stack >> 22][((uint32_t)user_stack >> 12) & 1023] |= US;
	hc(HC_FLUSH_TLB, 1, 0);
	enter_user((uint32_t)user_code, (uint32_t)(user_stack + 1024));
	check("ring 3: back in ring 1 through int $0x82 (#GP 0x412)", user_eax, 0x1234);
	check("ring 3: supervisor page is #PF error U|P", user_pf_error, 5);
	check("ring 3: cr2", user_pf_cr2, VA);
	check("ring 3: the fault came from CS 0x82b", user_pf_cs, 0x82b);
	check("ring 3: int $0x80 is #GP(0x402)", user_gp_error, 0x402);

	/* Timer + HC_WAIT with the virtual IF clear: woken, no upcall. */
	sh->vif = 0;
	uint64_t deadline = now_ns() + 30000000ull;
	check("set timer", hc(HC_SET_TIMER, (uint32_t)(deadline >> 32), (uint32_t)deadline), 0);
	check("wait", hc(HC_WAIT, 0, 0), 0);
	check("pending timer bit after the wait", sh->pending & IPVMM_PEND_TIMER, IPVMM_PEND_TIMER);
	check("guest time reached the deadline", now_ns() >= deadline, 1);
	check("no interrupt upcall with IF clear", irq_count, 0);
	__atomic_exchange_n(&sh->pending, 0, __ATOMIC_SEQ_CST);

	/* Virtual IF set: the timer interrupt redirects the spinning guest. */
	deadline = now_ns() + 30000000ull;
	check("set timer again", hc(HC_SET_TIMER, (uint32_t)(deadline >> 32), (uint32_t)deadline), 0);
	sh->vif = 1;
	uint32_t spins = 0;
	__asm__ volatile("spin_lo: cmpl $0, %1; jne 1f; incl %0; cmpl $0x40000000, %0; jb spin_lo\n"
			 "1:\n spin_hi:" : "+r"(spins) : "m"(irq_count) : "cc", "memory");
	sh->vif = 0;
	check("interrupt upcall received", irq_count, 1);
	check("  interrupted inside the spin loop",
	      irq_eip >= (uint32_t)spin_lo && irq_eip <= (uint32_t)spin_hi, 1);
	check("  time reached the deadline", now_ns() >= deadline, 1);

	/* The iret race: an interrupt that finds EIP in [iret_restart,
	 * iret_restart_end) rolls it back to iret_restart instead of an upcall
	 * (the hypervisor counts it: "1 roll-backs" in its vtlb: line). */
	extern char rb_lo[], rb_hi[];
	sh->iret_restart = (uint32_t)rb_lo;
	sh->iret_restart_end = (uint32_t)rb_hi;
	deadline = now_ns() + 20000000ull;
	hc(HC_SET_TIMER, (uint32_t)(deadline >> 32), (uint32_t)deadline);
	sh->vif = 1;
	rb_wait();
	sh->vif = 0;
	sh->iret_restart = sh->iret_restart_end = 0;
	check("no upcall inside the iret region", irq_count, 1);
	__atomic_exchange_n(&sh->pending, 0, __ATOMIC_SEQ_CST);

	/* A hostile IPVMM's region outside its text (here: this loop, in
	 * ring 1): no roll-back, the interrupt is delivered as anywhere
	 * (before the check the hypervisor rolled the loop back to its start
	 * and no upcall came). */
	extern char hrb_lo[], hrb_hi[];
	sh->iret_restart = (uint32_t)hrb_lo;
	sh->iret_restart_end = (uint32_t)hrb_hi;
	deadline = now_ns() + 20000000ull;
	hc(HC_SET_TIMER, (uint32_t)(deadline >> 32), (uint32_t)deadline);
	sh->vif = 1;
	spins = 0;
	__asm__ volatile("hrb_lo: cmpl $1, %1; jne 1f; incl %0; cmpl $0x10000000, %0; jb hrb_lo\n"
			 "1:\n hrb_hi:" : "+r"(spins) : "m"(irq_count) : "cc", "memory");
	sh->vif = 0;
	sh->iret_restart = sh->iret_restart_end = 0;
	check("a roll-back region outside the IPVMM text is ignored", irq_count, 2);
	__atomic_exchange_n(&sh->pending, 0, __ATOMIC_SEQ_CST);

	/* Inside the IPVMM's text no redirect happens; the bit waits and the
	 * next way out of the hypervisor with vif set delivers it. */
	deadline = now_ns() + 20000000ull;
	hc(HC_SET_TIMER, (uint32_t)(deadline >> 32), (uint32_t)deadline);
	sh->vif = 1;
	ipvmm_spin();                          /* returns with vif = 0 */
	uint32_t seen = irq_count;
	sh->vif = 1;
	hc(HC_VERSION, 0, 0);                  /* a way out: the upcall comes here */
	sh->vif = 0;
	check("no upcall inside the IPVMM text", seen, 2);
	check("  delivered at the next exit with vif set", irq_count, 3);

	/* HC_WAIT with IF set: the upcall arrives right after the wait. */
	deadline = now_ns() + 20000000ull;
	hc(HC_SET_TIMER, (uint32_t)(deadline >> 32), (uint32_t)deadline);
	sh->vif = 1;
	hc(HC_WAIT, 0, 0);
	sh->vif = 0;
	check("upcall delivered after HC_WAIT", irq_count, 4);

	/* More page tables than the pool holds (CONFIG_VTLB_PT_PAGES = 24):
	 * 40 directory entries share pt_va; the pool is reset on the way
	 * ("pool resets" in the hypervisor's vtlb: line) and every read is
	 * still right. */
	for (unsigned i = 0; i < 40; i++)
		pd[512 + i] = (uint32_t)pt_va | P | RW;
	uint32_t bad = 0;
	for (unsigned round = 0; round < 2; round++)
		for (unsigned i = 0; i < 40; i++)
			bad += rd(0x80000000u + (i << 22)) != 0xc2c2c2c2;
	check("40 page tables through a 24-table pool", bad, 0);

	vtlb_checks((mbi->mem_upper + 1024) * 1024);   /* tests/guests/vtlb_acts.h */
	global_checks();                               /* tests/guests/vtlb_global.h */

	check("paging off again", hc(HC_SET_CR0_CR4, 0x00000001u, 0), 0);
	check("identity again: page 0 readable", rd((uint32_t)&page[3][0]), 0xd3d3d3d3);
	puts_hc(failed ? "paging: checks FAILED\n" : "paging: all checks passed\n");
	if (has_word(cmd, "act=nohandler")) {
		/* Paging on, no exception upcall: a #PF its tables refuse kills it. */
		hc(HC_SET_CR0_CR4, 0x80010001u, 0);
		hc5(HC_SET_UPCALL, 0, 0, 0, 0, 0);
		puts_hc("paging: reading 0x00000010 unmapped, no upcall\n");
		uint32_t a = 0x10;
		__asm__ volatile("" : "+r"(a));      /* not a constant for the compiler */
		failed += rd(a);
		puts_hc("paging: still alive\n");
	}
	vtlb_act(cmd);
	return failed ? 1 : 0;
}
