/*
 * The FPU/SSE state of guests. The hypervisor itself never uses the FPU
 * (it is built -mno-80387 -mno-sse), so the registers always hold the state
 * of the guest whose VM thread ran last; a switch to another guest saves
 * that guest's state with fxsave and restores the next one's (eagerly: one
 * 512-byte save and restore per switch between guests, none between a
 * guest's own threads). A guest's first restore is a reset (fninit and the
 * default MXCSR), the state a CPU has after power-on.
 *
 * The real CR0 gets NE (x87 errors as #MF, not the legacy IRQ 13) and MP,
 * never EM or TS: CR0.TS is virtual (the IPVMM emulates clts and the TS
 * bit), and a guest's device-not-available faults would only come back
 * into the hypervisor. The real CR4.OSFXSR/OSXMMEXCPT follow the running
 * guest's virtual CR4 (guest_load_cr4), so SSE faults as the guest asked.
 */
#include "guest.h"
#include "fpu.h"
#include "x86.h"
#include "log.h"

#define CPUID1_EDX_FXSR (1u << 24)
#define MXCSR_DEFAULT 0x1f80u

static int have_fxsr;
static struct guest *fpu_owner;       /* whose state the registers hold */

static inline void write_cr0(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

void fpu_init(void)
{
	uint32_t a = 1, b, c = 0, d;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	have_fxsr = (d & CPUID1_EDX_FXSR) != 0;
	write_cr0((read_cr0() | CR0_NE | CR0_MP) & ~(CR0_EM | CR0_TS));
	__asm__ volatile("fninit");
	if (!have_fxsr)
		pr_warn("fpu: no fxsave on this CPU: guests share one FPU state\n");
}

/* Called with g about to run: make the registers hold its state. */
void fpu_switch_to(struct guest *g)
{
	if (!have_fxsr || fpu_owner == g)
		return;
	uint32_t cr4 = read_cr4();
	write_cr4(cr4 | CR4_OSFXSR);              /* fxsave/fxrstor cover the XMM registers */
	if (fpu_owner && fpu_owner->fpu_valid)
		__asm__ volatile("fxsave %0" : "=m"(fpu_owner->fpu));
	if (g->fpu_valid) {
		__asm__ volatile("fxrstor %0" : : "m"(g->fpu));
	} else {
		uint32_t mxcsr = MXCSR_DEFAULT;
		__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
		g->fpu_valid = 1;
	}
	write_cr4(cr4);
	fpu_owner = g;
}

/* A guest that stopped: its state is nobody's any more. */
void fpu_release(const struct guest *g)
{
	if (fpu_owner == g)
		fpu_owner = 0;
}
