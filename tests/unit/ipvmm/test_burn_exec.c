/*
 * Native execution of the trampolines: a 32-bit static Linux program
 * (built with the i686 cross toolchain, run on the x86-64 host) rewrites
 * the sites of burn_exec_sites.S with the real rewriter and runs them
 * through ipvmm/burn.asm and the C frontend, in ring 3 (the "guest
 * kernel" RPL is 3 here: -DIPVMM_KERNEL_RPL=3). Checks EFLAGS and
 * register preservation, the inline cli/sti, pushf/popf, the generic
 * path, the console and a full interrupt delivery + emulated iret through
 * iret_restart. No cmocka for i686: plain checks, non-zero exit on failure.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include "vcpu.h"
#include "devswitch.h"
#include "util.h"

extern uint32_t g_flags_rt(uint32_t), g_pushf_keeps(uint32_t);
extern uint32_t g_pushf(void), g_popf_cf(uint32_t), g_cli(void), g_sti(void), g_cr3(uint32_t);
extern void g_cpuid(uint32_t, uint32_t *), g_out(uint32_t), g_handler(void), g_out_imr(uint32_t);
extern uint32_t g_in_imr(uint32_t *), g_rd_cr3_ebx(void), g_rd_cr0_eax(void);
extern uint32_t g_fd_in_21(void), g_fd_in_40(void), g_fd_in_64(void), g_fd_in_71(void);
extern void g_fd_out_20(uint32_t), g_fd_out_21(uint32_t), g_fd_out_43(uint32_t), g_fd_out_70(uint32_t);
extern uint32_t g_fd_in_dx(uint32_t), g_fd_inl_dx(uint32_t);
extern void g_fd_outl_dx(uint32_t, uint32_t);
extern volatile uint32_t g_count;
extern struct afterburn_record __start_burn_sites[], __stop_burn_sites[];
extern char burn_sti_ret[], burn_sti_deliver[];
void ipvmm_rw_syms(struct rw_syms *s);

static unsigned failures;
#define CHECK(c, ...) do { if (!(c)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); } } while (0)

/* burn.asm's start entry calls this (ipvmm/main.c, hypercalls): unused here. */
void burn_start_c(struct ipvmm_upcall_state *s);
void burn_start_c(struct ipvmm_upcall_state *s)
{
	(void)s;
	failures++;
}

/*
 * The hypervisor's part of the sti shadow: the IPVMM resumes with TF so
 * one more instruction runs; its #DB (SIGTRAP here) becomes the exception
 * upcall with vector 1, on the IPVMM stack, as kernel/events.c does.
 */
extern char burn_upcall_exc[], ipvmm_stack_top[];
static unsigned db_traps;

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
	greg_t *r = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	/* the address, computed as an integer: the array's bound is unknown */
	struct ipvmm_upcall_state *st =
		(void *)((uintptr_t)ipvmm_stack_top - sizeof(struct ipvmm_upcall_state));

	(void)sig, (void)si;
	*st = (struct ipvmm_upcall_state){
		.edi = r[REG_EDI], .esi = r[REG_ESI], .ebp = r[REG_EBP], .ebx = r[REG_EBX],
		.edx = r[REG_EDX], .ecx = r[REG_ECX], .eax = r[REG_EAX],
		.gs = r[REG_GS], .fs = r[REG_FS], .es = r[REG_ES], .ds = r[REG_DS],
		.vector = 1, .eip = r[REG_EIP], .cs = r[REG_CS], .eflags = r[REG_EFL] & ~0x100u,
		.esp = r[REG_ESP], .ss = r[REG_SS],
	};
	r[REG_EIP] = (greg_t)(uintptr_t)burn_upcall_exc;
	r[REG_ESP] = (greg_t)(uintptr_t)st;
	r[REG_EFL] &= ~0x100;
	db_traps++;
}

static uint32_t cr3_seen;
static char con[256];
static unsigned con_len, con_calls;

static int h_cr3(void *c, uint32_t v) { (void)c; cr3_seen = v; return 0; }
static int h_invlpg(void *c, uint32_t v) { (void)c; (void)v; return 0; }
static int h_flush(void *c, int g) { (void)c; (void)g; return 0; }
static int h_cr0_cr4(void *c, uint32_t a, uint32_t b) { (void)c; (void)a; (void)b; return 0; }
static int h_load(void *c, unsigned t, unsigned i, uint32_t lo, uint32_t hi)
{ (void)c; (void)t; (void)i; (void)lo; (void)hi; return 0; }
static int h_wait(void *c) { (void)c; return -1; }
static int h_con(void *c, const char *b, unsigned n)
{ (void)c; memcpy(con + con_len, b, n); con_len += n; con_calls++; return 0; }
static void h_shutdown(void *c, uint32_t s) { (void)c; printf("shutdown %x\n", s); failures++; }
static bool h_read(void *c, uint32_t a, void *b, unsigned n) { (void)c; memcpy(b, (void *)a, n); return true; }
static bool h_write(void *c, uint32_t a, const void *b, unsigned n) { (void)c; memcpy((void *)a, b, n); return true; }
static void h_cpuid(void *c, uint32_t l, uint32_t s, uint32_t r[4])
{
	(void)c;
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(l), "c"(s));
}
static uint64_t h_tsc(void *c) { (void)c; return 0; }
static const struct vcpu_hv_ops hv = { h_cr3, h_invlpg, h_flush, h_cr0_cr4, h_load, h_wait, h_con,
				       h_shutdown, h_read, h_write, h_cpuid, h_tsc };

static uint64_t d_clock;	/* the device models' clock (fastdev: the shared page's) */
static uint64_t d_now(void *c) { (void)c; return d_clock; }
static void d_arm(void *c, uint64_t d) { (void)c; (void)d; }
static uint64_t d_wall(void *c) { (void)c; return 0; }
static void d_putc(void *c, unsigned u, uint8_t b) { (void)c; if (!u) vcpu_console_putc(&ipvmm_vcpu, b); }
static void d_log(void *c, enum ipvmm_log_level l, const char *d, const char *m, uint32_t v)
{ (void)c; (void)l; printf("log %s %s %x\n", d, m, v); }
static void d_off(void *c, uint32_t st) { (void)c; printf("power off %u\n", st); }
static const struct ipvmm_backend_ops dops = {
	.now_ns = d_now, .timer_arm = d_arm, .wallclock_s = d_wall, .console_putc = d_putc,
	.power_off = d_off, .log = d_log,
};
static const struct ipvmm_backend dbe = { &dops, 0 };

static uint32_t gdt[16][2] __attribute__((aligned(8)));
static uint32_t idt[256][2] __attribute__((aligned(8)));

/*
 * ipvmm/fastdev.asm against the C models. The assembly reads the guest
 * clock from the shared page (time_mul 0: always time_ns_base), the C
 * models from d_clock; where a case must be the assembly's, d_clock is
 * moved away after the expected value is taken, so a fallback to C
 * would answer differently.
 */
static void check_fastdev(struct vcpu *v)
{
	struct ipvmm_devs *d = &v->devs;
	struct vpic_chip *m = &d->pic.chip[0];
	struct vpit_channel *c = &d->pit.ch[0];
	uint32_t out0 = v->stats.exits[DEC_OUT], in0 = v->stats.exits[DEC_IN];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	g_cli();
	ipvmm_shared.time_mul = 0;
	ipvmm_shared.time_shift = 0;

	d->kbc.status = 0x1d;
	CHECK(g_fd_in_64() == 0xa5a5a51d, "kbc status");
	m->imr = 0x5a;
	CHECK(g_fd_in_21() == 0xa5a5a55a, "imr");
	CHECK(v->stats.exits[DEC_IN] == in0 + 2, "fastdev reads counted");

	/* EOI: one bit in service, no request: INT low, hook at ret. */
	m->imr = 0xfe, m->isr = 0x01, m->irr = 0;
	g_fd_out_20(0x20);
	CHECK(m->isr == 0 && !d->pic.intr && ipvmm_shared.sti_hook == (uint32_t)burn_sti_ret,
	      "eoi: isr %02x intr %u", m->isr, d->pic.intr);
	/* A request left with IF clear: INT high, the next sti delivers. */
	m->isr = 0x01, m->irr = 0x01;
	g_fd_out_20(0x20);
	CHECK(m->isr == 0 && d->pic.intr && ipvmm_shared.sti_hook == (uint32_t)burn_sti_deliver,
	      "eoi with a request left: isr %02x intr %u", m->isr, d->pic.intr);
	/* Two in service: the C model's priority (IRQ 0 first). */
	m->irr = 0, m->isr = 0x03, m->imr = 0xff;
	g_fd_out_20(0x20);
	CHECK(m->isr == 0x02, "eoi of two in service: isr %02x", m->isr);
	CHECK(v->stats.exits[DEC_OUT] == out0 + 3, "fastdev writes counted");
	/* EOIs and IMR writes at random against vpic_write (IF clear): the
	   chip, INT and the hook alike; some with rotation (C's case). */
	for (unsigned k = 0; k < 4000; k++) {
		static const uint8_t eois[] = { 0x20, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67 };
		struct vpic before, want;
		uint32_t hook_want, val;
		bool imr = k & 1;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		m->irr = (uint8_t)(x >> 24), m->isr = (uint8_t)(x >> 32) & (uint8_t)(x >> 40);
		m->imr = (uint8_t)(x >> 48), m->priority_add = k % 13 == 0 ? 3 : 0;
		val = imr ? (uint8_t)(x >> 56) : eois[(x >> 56) % 9];
		d->pic.intr = (x >> 20) & 1;
		vcpu_update_hook(v);
		before = d->pic;
		vpic_write(d, 0, imr ? 0x21 : 0x20, val);
		vcpu_update_hook(v);
		want = d->pic, hook_want = ipvmm_shared.sti_hook;
		d->pic = before;
		vcpu_update_hook(v);
		if (imr)
			g_fd_out_21(val);
		else
			g_fd_out_20(val);
		CHECK(!memcmp(&d->pic, &want, sizeof(want)) && ipvmm_shared.sti_hook == hook_want,
		      "%s %02x: irr %02x isr %02x imr %02x -> isr %02x (want %02x) imr %02x intr %u (want %u)",
		      imr ? "imr" : "eoi", val, before.chip[0].irr, before.chip[0].isr, before.chip[0].imr,
		      m->isr, want.chip[0].isr, m->imr, d->pic.intr, want.intr);
		if (failures)
			break;
	}
	m->isr = 0, m->irr = 0, m->imr = 0xff, m->priority_add = 0;
	vpic_update(d);
	vcpu_update_hook(v);

	/* LSR: without error bits straight from the model; OE clears on read (C). */
	d->com1.lsr = 0x60;
	CHECK(g_fd_in_dx(0x3fd) == 0xa5a5a560, "lsr");
	d->com1.lsr = 0x62;
	CHECK(g_fd_in_dx(0x3fd) == 0xa5a5a562 && d->com1.lsr == 0x60, "lsr oe: then %02x", d->com1.lsr);

	/* PCI: the address register's reserved bits; the data dword per address. */
	g_fd_outl_dx(0xcf8, 0x8f000003u);
	CHECK(d->pci.addr == 0x80000000u, "cf8 %08x", d->pci.addr);
	CHECK(g_fd_inl_dx(0xcfc) == 0x12378086u && g_fd_inl_dx(0xcfc) == 0x12378086u, "pci id");
	d->pci.cache_val = 0xdeadbeefu;
	CHECK(g_fd_inl_dx(0xcfc) == 0xdeadbeefu, "the data read is the cached dword's");
	g_fd_outl_dx(0xcf8, 0x8000f800u);
	CHECK(g_fd_inl_dx(0xcfc) == 0xffffffffu, "empty slot after the address changed");

	/* PIT latch: modes 2 and 3, counts and clocks at random. */
	for (unsigned k = 0; k < 3000; k++) {
		static const uint32_t counts[] = { 0x10000, 11932, 1193, 3, 2, 1 };
		uint64_t load = x >> 8, now = load + (x >> (20 + k % 40));
		uint32_t want;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		if (k % 7 == 0)
			now = load - (x >> 50);		/* before the load */
		c->mode = 2 + k % 2;
		c->count = counts[k % 6];
		c->counting = true, c->gate = true;
		c->load_time = load;
		c->rw_mode = VPIT_RW_WORD0;
		c->count_latched = 0, c->status_latched = false;
		d_clock = now;
		want = vpit_count(d, 0);
		d_clock = now + 1234567;
		ipvmm_shared.time_ns_base = now;
		g_fd_out_43(0x00);
		CHECK(c->count_latched == VPIT_RW_WORD0 && c->latched_count == want,
		      "latch mode %u count %u dt %lld: %u, want %u", c->mode, c->count,
		      (long long)(now - load), c->latched_count, want);
		g_fd_out_43(0x00);			/* the first latch holds */
		CHECK((g_fd_in_40() & 0xff) == (want & 0xff) && (g_fd_in_dx(0x40) & 0xff) == want >> 8 &&
		      c->count_latched == 0, "latched bytes of %04x", want);
		if (failures)
			break;
	}
	c->rw_mode = VPIT_RW_MSB;
	c->latched_count = 0x1234, c->count_latched = VPIT_RW_MSB;
	CHECK((g_fd_in_dx(0x40) & 0xff) == 0x12 && !c->count_latched, "msb-only latch");
	c->latched_count = 0x1234, c->count_latched = VPIT_RW_LSB;
	CHECK((g_fd_in_40() & 0xff) == 0x34 && !c->count_latched, "lsb-only latch");

	/* RTC: the index drops bit 7; a time register from the cached second. */
	d_clock = ipvmm_shared.time_ns_base = d->rtc.base_ns + 5 * 1000000000ull + 7;
	g_fd_out_70(0x80);
	CHECK(d->rtc.index == 0, "cmos index %02x", d->rtc.index);
	uint32_t sec = vrtc_read(d, 0, 0x71);
	d_clock += 1000000000ull;			/* a fallback would read the next second */
	CHECK((g_fd_in_71() & 0xff) == sec && d->rtc.regs_s == (uint32_t)d->rtc.base_s + 5,
	      "rtc seconds %02x", sec);
	g_fd_out_70(0x01);
	d->rtc.cmos[1] = 0x77;
	CHECK((g_fd_in_71() & 0xff) == 0x77, "rtc alarm byte from cmos");
}

int main(void)
{
	struct vcpu *v = &ipvmm_vcpu;
	struct rw_syms syms;
	uint32_t r[4], f;
	unsigned n = 0;

	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, 0);
	vcpu_init(v, &ipvmm_shared, &hv, 0, &dbe);
	ipvmm_shared.sti_ret = (uint32_t)burn_sti_ret;
	ipvmm_shared.sti_deliver = (uint32_t)burn_sti_deliver;
	vcpu_update_hook(v);
	/* The real user selectors are 0x23 (code) and 0x2b (data): the guest
	   sees 0x20 and 0x28, DPL 0, flat. */
	gdt[4][0] = 0x0000ffff; gdt[4][1] = 0x00cf9a00;
	gdt[5][0] = 0x0000ffff; gdt[5][1] = 0x00cf9200;
	vcpu_lgdt(v, (uint32_t)gdt, sizeof(gdt) - 1);
	v->idtr.base = (uint32_t)idt;
	v->idtr.limit = sizeof(idt) - 1;
	idt[0x20][0] = (0x20u << 16) | ((uint32_t)g_handler & 0xffff);
	idt[0x20][1] = ((uint32_t)g_handler & 0xffff0000u) | 0x8e00;

	/* ipvmm/util.c's divl path (the host tests see the C fallback) against
	   libgcc's 64-bit division. */
	uint64_t x = 0x0123456789abcdefull;
	for (unsigned k = 0; k < 2000; k++) {
		uint32_t d = (uint32_t)(x >> 17) | 1, m = (uint32_t)(x >> 7), rem;
		uint64_t a = x >> (k % 40);
		uint64_t a32 = (uint32_t)a, p = a32 * m;	/* fits 64 bits */

		CHECK(ipvmm_div64(a, d, &rem) == a / d && rem == a % d, "div64 %llx / %x",
		      (unsigned long long)a, d);
		CHECK(ipvmm_muldiv64(a32, m, d, 0) == p / d &&
		      ipvmm_muldiv64(a32, m, d, 1) == p / d + (p % d != 0), "muldiv64 %llx * %x / %x",
		      (unsigned long long)a32, m, d);
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	}

	ipvmm_rw_syms(&syms);
	for (struct afterburn_record *rec = __start_burn_sites; rec < __stop_burn_sites; rec++) {
		struct rw_result res;
		int rc = rw_site((uint8_t *)rec->start, rec->end - rec->start, rec->start, &syms,
				 RW_PREVIRT, &res, 0);
		CHECK(rc == 0, "site %#x: %s", rec->start, res.why);
		n++;
	}
	CHECK(n == 26, "sites %u", n);

	ipvmm_shared.vif = 1;
	f = g_pushf();
	CHECK((f & (EF_IF | EF_CF | EF_RSV1)) == (EF_IF | EF_CF | EF_RSV1), "pushf %#x", f);
	CHECK(g_cli() == 1 && ipvmm_shared.vif == 0, "cli: CF kept, vif %u", ipvmm_shared.vif);
	f = g_pushf();
	CHECK(!(f & EF_IF), "pushf after cli %#x", f);
	CHECK(g_sti() == 1 && ipvmm_shared.vif == 1, "sti: CF kept, vif %u", ipvmm_shared.vif);
	CHECK(g_popf_cf(0x2 | EF_CF) == 1 && ipvmm_shared.vif == 0, "popf cf=1 if=0");
	CHECK(g_popf_cf(0x2 | EF_IF) == 0 && ipvmm_shared.vif == 1, "popf cf=0 if=1");
	CHECK(g_popf_cf(0x2 | EF_IF | EF_IOPL) == 0 && (g_pushf() & EF_IOPL) == EF_IOPL, "popf iopl");
	/* Every virtual bit and IF survive popf then pushf; the real flags
	   never take them (AC at CPL 3 would fault the unaligned access). */
	for (unsigned i = 0; i < 2; i++) {
		uint32_t in = EF_RSV1 | EF_CF | EF_PF | EF_AF | EF_ZF | EF_SF | EF_OF | EF_VIRT |
			      (i ? EF_IF : 0);

		f = g_flags_rt(in);
		CHECK(f == in && ipvmm_shared.vif == i && v->eflags == EF_VIRT,
		      "popf, pushf of %#x: %#x (vif %u, virtual %#x)", in, f, ipvmm_shared.vif, v->eflags);
		f = g_flags_rt(EF_RSV1 | (i ? EF_IF : 0));
		CHECK(f == (EF_RSV1 | (i ? EF_IF : 0)) && !(v->eflags & EF_VIRT), "virtual bits cleared: %#x", f);
	}
	f = g_pushf_keeps(EF_RSV1 | EF_CF | EF_PF | EF_AF | EF_ZF | EF_SF | EF_OF | EF_DF);
	CHECK(f == 0, "pushf site changed the real flags: xor %#x", f);
	f = g_pushf_keeps(EF_RSV1);
	CHECK(f == 0, "pushf site changed the real flags: xor %#x", f);
	g_popf_cf(0x2 | EF_IF);
	CHECK(g_cr3(0x00345000) == 0, "generic site clobbered registers or CF");
	CHECK(cr3_seen == 0x00345000 && v->cr3 == 0x00345000, "cr3 %#x", cr3_seen);
	CHECK(g_rd_cr3_ebx() == 0x00345000, "inline mov %%cr3,%%ebx read %#x", g_rd_cr3_ebx());
	v->cr0 = 0x80050033;
	CHECK(g_rd_cr0_eax() == 0x80050033, "inline mov %%cr0,%%eax read %#x", g_rd_cr0_eax());
	g_cpuid(1, r);
	CHECK(!(r[3] & ((1u << 6) | (1u << 9))), "cpuid 1 edx %#x: PAE/APIC hidden", r[3]);
	g_cpuid(0, r);
	CHECK(r[0] == 0x15, "cpuid 0 max leaf %#x", r[0]);
	g_cpuid(7, r);
	CHECK(!r[0] && !r[1] && !r[2] && !r[3], "cpuid 7 reports no feature (SMAP, SMEP, IBPB hidden)");
	ipvmm_shared.tsc_khz = 2500000;
	g_cpuid(0x15, r);
	CHECK(r[0] == 1 && r[1] == 2500000 && r[2] == 1000 && (uint64_t)r[2] / 1000 * r[1] / r[0] == 2500000,
	      "cpuid 0x15: TSC = 1 kHz crystal x %u / %u", r[1], r[0]);
	g_cpuid(0x16, r);
	CHECK(r[0] == 1 && r[1] == 2500000, "cpuid 0x16 answers as the highest basic leaf, as the CPU does");
	g_out('o'); g_out('k'); g_out('\n');
	CHECK(con_calls == 1 && con_len == 3 && !memcmp(con, "ok\n", 3), "console %u calls", con_calls);

	/* IRQ 0 raised while IF is clear: held; sti delivers it through the
	   guest IDT; the handler's iret (burn_iret) returns after the sti. */
	devsw_out(&v->devs, 0x20, 1, 0x11);
	devsw_out(&v->devs, 0x21, 1, 0x20);
	devsw_out(&v->devs, 0x21, 1, 0x04);
	devsw_out(&v->devs, 0x21, 1, 0x01);
	devsw_out(&v->devs, 0x21, 1, 0xfe);
	g_cli();
	vpic_pulse_irq(&v->devs, 0, false);
	vcpu_update_hook(v);
	CHECK(g_count == 0, "delivered while cli'd");
	CHECK(g_sti() == 1, "CF after sti + interrupt");
	CHECK(g_count == 1, "irq 0 not delivered on sti (count %u)", g_count);
	CHECK(db_traps == 1, "the sti shadow's single step: %u #DB", db_traps);
	CHECK(ipvmm_shared.vif == 1, "iret restored IF");
	devsw_out(&v->devs, 0x20, 1, 0x20);	/* EOI */
	/* popf with IF=1 is a delivery point too */
	g_cli();
	vpic_pulse_irq(&v->devs, 0, false);
	vcpu_update_hook(v);
	CHECK(g_popf_cf(0x2 | EF_IF | EF_CF) == 1 && g_count == 2, "popf delivery (count %u)", g_count);
	/* The fast port path (fastio.c): in merges al only, keeps ecx,
	   edx and the flags; an out that unmasks a pending IRQ with IF set
	   delivers it before the guest goes on (the BURN_ID_CHECK exit). */
	{
		uint32_t r[3] = { 0, 0, 0 }, imr, exits = v->stats.exits[DEC_IN];

		devsw_out(&v->devs, 0x21, 1, 0xfe);
		imr = g_in_imr(r);
		CHECK(imr == 0x123456fe, "in $0x21: eax %08x", imr);
		CHECK(r[0] == 0x0c0c0c0c && r[1] == 0x0d0d0d0d && (r[2] & 0xff) == 1,
		      "in $0x21 kept ecx %08x edx %08x CF %u", r[0], r[1], r[2] & 0xff);
		CHECK(v->stats.exits[DEC_IN] == exits + 1, "in counted once");
		devsw_out(&v->devs, 0x20, 1, 0x20);	/* EOI of the popf delivery */
		devsw_out(&v->devs, 0x21, 1, 0xff);	/* all masked */
		vpic_pulse_irq(&v->devs, 0, false);
		vcpu_update_hook(v);
		CHECK(g_count == 2 && ipvmm_shared.vif == 1, "masked IRQ 0 delivered (count %u)", g_count);
		g_out_imr(0xfe);
		CHECK(g_count == 3, "IRQ 0 not delivered when the fast out unmasked it (count %u)", g_count);
		CHECK(v->devs.pic.chip[0].imr == 0xfe, "fast out: imr %02x", v->devs.pic.chip[0].imr);
	}
	check_fastdev(v);
	printf("burn_exec: %u sites rewritten and run natively, %u failures\n", n, failures);
	return failures != 0;
}
