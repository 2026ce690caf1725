/*
 * The real backend: the frontend's calls into the hypervisor as int $0x82
 * hypercalls (docs/hypercalls.md), guest memory as plain loads and stores
 * (the IPVMM runs in the guest's address space, ring 1), guest time from
 * the shared page. The host tests use tests/unit/ipvmm/fake_backend.c instead.
 */
#include "hcall.h"
#include "layout.h"
#include "vcpu.h"
#include "util.h"
#include "x86/tsc.h"

static int hv_set_cr3(void *ctx, uint32_t pdbr)
{
	(void)ctx;
	return hcall_set_cr3(pdbr);
}

/* No hypercall for a page no shadow holds (the filter's bit is clear,
 * include/ipvmm/shared.h), nor for the hole, which no shadow entry
 * of the guest's covers: HC_INVLPG would change nothing. */
static int hv_invlpg(void *ctx, uint32_t va)
{
	(void)ctx;
	if (va >= IPVMM_BASE ||
	    !ipvmm_vtlb_filter_bit((const volatile uint32_t *)IPVMM_VTLB_FILTER_ADDR, va))
		return 0;
	return hcall_invlpg(va);
}

static int hv_flush_tlb(void *ctx, int global)
{
	(void)ctx;
	return hcall_flush_tlb(global ? 1 : 0);
}

static int hv_set_cr0_cr4(void *ctx, uint32_t cr0, uint32_t cr4)
{
	(void)ctx;
	return hcall_set_cr0_cr4(cr0, cr4);
}

static int hv_load_desc(void *ctx, unsigned table, unsigned index, uint32_t lo, uint32_t hi)
{
	(void)ctx;
	return hcall_load_desc(table, index, hi, lo);
}

static int hv_wait(void *ctx)
{
	(void)ctx;
	return hcall_wait();
}

static int hv_console_write(void *ctx, const char *buf, unsigned len)
{
	(void)ctx;
	return hcall_console_write((uint32_t)(uintptr_t)buf, len);
}

static void hv_shutdown(void *ctx, uint32_t status)
{
	(void)ctx;
	hcall_shutdown(status);
}

/* Guest linear memory: everything below the IPVMM window, nothing else.
   An access reaching into the hole is what the guest's segment limits
   make it: #GP(0) (vcpu_access_fault turns it into #SS for the stack). */
static bool in_guest(struct vcpu *v, uint32_t lin, unsigned n)
{
	if (lin < IPVMM_BASE && n <= IPVMM_BASE - lin)
		return true;
	v->mfault = (struct ipvmm_fault){ VEC_GP, 0, 0 };
	return false;
}

/* ipvmm/copy.asm: the exception table's instructions. */
int ipvmm_copy(void *dst, const void *src, unsigned n, struct ipvmm_fault *f);

static bool hv_read(void *ctx, uint32_t lin, void *buf, unsigned n)
{
	struct vcpu *v = ctx;

	return in_guest(v, lin, n) && !ipvmm_copy(buf, (const void *)(uintptr_t)lin, n, &v->mfault);
}

static bool hv_write(void *ctx, uint32_t lin, const void *buf, unsigned n)
{
	struct vcpu *v = ctx;

	return in_guest(v, lin, n) && !ipvmm_copy((void *)(uintptr_t)lin, buf, n, &v->mfault);
}

static void hv_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(void)ctx;
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static uint64_t hv_rdtsc(void *ctx)
{
	uint32_t lo, hi;

	(void)ctx;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

const struct vcpu_hv_ops vcpu_hv_hypercalls = {
	.set_cr3 = hv_set_cr3,
	.invlpg = hv_invlpg,
	.flush_tlb = hv_flush_tlb,
	.set_cr0_cr4 = hv_set_cr0_cr4,
	.load_desc = hv_load_desc,
	.wait = hv_wait,
	.console_write = hv_console_write,
	.shutdown = hv_shutdown,
	.read = hv_read,
	.write = hv_write,
	.cpuid = hv_cpuid,
	.rdtsc = hv_rdtsc,
};

/* --- the device models' backend (ipvmm/backend.h) ------------------------ */

static uint64_t be_now_ns(void *ctx)
{
	struct vcpu *v = ctx;
	uint64_t d = (hv_rdtsc(0) - v->sh->time_tsc_base) << v->sh->time_shift;

	uint32_t mul = v->sh->time_mul;

	return v->sh->time_ns_base + tsc_mul_hi(d, mul) + tsc_mul_lo(d, mul);
}

static void be_timer_arm(void *ctx, uint64_t deadline)
{
	(void)ctx;
	if (deadline == IPVMM_TIMER_NONE)
		deadline = 0;
	hcall_set_timer((uint32_t)(deadline >> 32), (uint32_t)deadline);
}

static uint64_t be_wallclock(void *ctx)
{
	struct vcpu *v = ctx;

	return v->sh->wallclock_s;
}

static void be_console_putc(void *ctx, unsigned unit, uint8_t c)
{
	if (unit == 0)
		vcpu_console_putc(ctx, c);
}

static void put_str(struct vcpu *v, const char *s)
{
	while (*s)
		vcpu_console_putc(v, (uint8_t)*s++);
}

static void be_log(void *ctx, enum ipvmm_log_level level, const char *dev, const char *msg,
		   uint32_t value)
{
	struct vcpu *v = ctx;
	static const char hex[] = "0123456789abcdef";

	(void)level;
	vcpu_console_flush(v);
	put_str(v, "ipvmm: ");
	put_str(v, dev);
	put_str(v, ": ");
	put_str(v, msg);
	put_str(v, " 0x");
	for (int i = 28; i >= 0; i -= 4)
		vcpu_console_putc(v, (uint8_t)hex[(value >> i) & 0xf]);
	vcpu_console_putc(v, '\n');
}

static void be_power_off(void *ctx, uint32_t status)
{
	vcpu_console_flush(ctx);
	hv_shutdown(ctx, status);
}

const struct ipvmm_backend_ops ipvmm_backend_hypercalls = {
	.power_off = be_power_off,
	.now_ns = be_now_ns,
	.timer_arm = be_timer_arm,
	.wallclock_s = be_wallclock,
	.console_putc = be_console_putc,
	.log = be_log,
};
