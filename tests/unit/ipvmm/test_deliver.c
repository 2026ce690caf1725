/*
 * Virtual CPU on the host: interrupt/exception delivery through a crafted
 * guest IDT compared byte for byte with the frames the Intel SDM (Vol. 3,
 * 6.12.1) specifies, iret of each, the pending/sti_hook state machine,
 * and the C frontend behind the trampolines (frames built as burn.asm
 * builds them) including trap mode and the console line buffering.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vcpu.h"
#include "devswitch.h"
#include "fake_backend.h"

#define MEM_SIZE 0x800000u
static uint8_t gmem[MEM_SIZE];

uint32_t host_linear(const void *p);
uint32_t host_linear(const void *p)
{
	ptrdiff_t d = (const uint8_t *)p - gmem;

	assert_true(d >= 0 && (size_t)d < MEM_SIZE);
	return (uint32_t)d;
}

static struct {
	uint32_t cr3, invlpg, load_desc, waits, shutdowns, cr0_cr4, shutdown_status;
	uint32_t reads;			/* calls of f_read */
	int load_desc_rc;		/* what HC_LOAD_DESC answers */
	char console[1024];
	unsigned console_len, console_calls;
} hv;

static int f_set_cr3(void *c, uint32_t v) { (void)c; hv.cr3 = v; return 0; }
static int f_invlpg(void *c, uint32_t v) { (void)c; hv.invlpg = v; return 0; }
static int f_flush(void *c, int g) { (void)c; (void)g; return 0; }
static int f_cr0_cr4(void *c, uint32_t a, uint32_t b) { (void)c; (void)a; (void)b; hv.cr0_cr4++; return 0; }
static int f_load_desc(void *c, unsigned t, unsigned i, uint32_t lo, uint32_t hi)
{
	(void)c; (void)t; (void)i; (void)lo; (void)hi;
	hv.load_desc++;
	return hv.load_desc_rc;
}
static int f_wait(void *c) { (void)c; hv.waits++; ipvmm_shared.pending |= IPVMM_PEND_TIMER; return 0; }
static int f_console(void *c, const char *b, unsigned n)
{
	(void)c;
	memcpy(hv.console + hv.console_len, b, n);
	hv.console_len += n;
	hv.console_calls++;
	return 0;
}
static void f_shutdown(void *c, uint32_t s) { (void)c; hv.shutdown_status = s; hv.shutdowns++; }
/* Beyond gmem nothing is mapped: a not-present #PF at its first byte, as
   ipvmm/copy.asm reports one (supervisor; W for a store). */
static bool f_fault(uint32_t lin, bool write)
{
	ipvmm_vcpu.mfault = (struct ipvmm_fault){ VEC_PF, write ? PFE_W : 0, lin < MEM_SIZE ? MEM_SIZE : lin };
	return false;
}
static bool f_read(void *c, uint32_t lin, void *b, unsigned n)
{
	(void)c;
	hv.reads++;
	if (lin >= MEM_SIZE || n > MEM_SIZE - lin)
		return f_fault(lin, false);
	memcpy(b, gmem + lin, n);
	return true;
}
static bool f_write(void *c, uint32_t lin, const void *b, unsigned n)
{
	(void)c;
	if (lin >= MEM_SIZE || n > MEM_SIZE - lin)
		return f_fault(lin, true);
	memcpy(gmem + lin, b, n);
	return true;
}
static void f_cpuid(void *c, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(void)c; (void)sub;
	r[0] = leaf ? 0x000006f1 : 0xd;
	r[1] = 0xffffffff;
	r[2] = 0xffffffff;
	r[3] = 0xffffffff;
}
static uint64_t f_rdtsc(void *c) { (void)c; return 1234; }

static const struct vcpu_hv_ops fake_hv = {
	f_set_cr3, f_invlpg, f_flush, f_cr0_cr4, f_load_desc, f_wait, f_console, f_shutdown,
	f_read, f_write, f_cpuid, f_rdtsc,
};

#define GDT 0x1000u
#define IDT 0x2000u
#define TSS 0x3000u
#define KCS 0x08
#define KDS 0x10
#define UCS 0x1b
#define UDS 0x23
#define TSSSEL 0x28
#define ESP0 0x9000u
#define STI_RET 0xFC000010u
#define STI_DELIVER 0xFC000020u

static void w32(uint32_t a, uint32_t v) { memcpy(gmem + a, &v, 4); }
static uint32_t r32(uint32_t a) { uint32_t v; memcpy(&v, gmem + a, 4); return v; }

static void gate(unsigned vec, uint16_t sel, uint32_t off, unsigned type, unsigned dpl)
{
	w32(IDT + vec * 8, ((uint32_t)sel << 16) | (off & 0xffff));
	w32(IDT + vec * 8 + 4, (off & 0xffff0000u) | 0x8000 | (dpl << 13) | (type << 8));
}

static struct fake_backend fb;
static struct vcpu *v = &ipvmm_vcpu;

/* COM1 output goes to the vCPU's line buffer, as backend_hv.c routes it. */
static void putc_to_vcpu(void *ctx, unsigned unit, uint8_t c)
{
	(void)ctx;
	if (unit == 0)
		vcpu_console_putc(v, c);
}
static struct ipvmm_backend_ops dev_ops;
static struct ipvmm_backend dev_be;

static int setup(void **state)
{
	(void)state;
	memset(gmem, 0, sizeof(gmem));
	memset(&hv, 0, sizeof(hv));
	fake_backend_init(&fb);
	dev_ops = *fb.be.ops;
	dev_ops.console_putc = putc_to_vcpu;
	dev_be.ops = &dev_ops;
	dev_be.ctx = fb.be.ctx;
	vcpu_init(v, &ipvmm_shared, &fake_hv, NULL, &dev_be);
	ipvmm_shared.sti_ret = STI_RET;
	ipvmm_shared.sti_deliver = STI_DELIVER;
	vcpu_update_hook(v);
	/* Flat 4 GiB segments: kernel code/data DPL 0, user code/data DPL 3, a TSS. */
	w32(GDT + 8, 0x0000ffff);  w32(GDT + 12, 0x00cf9a00);
	w32(GDT + 16, 0x0000ffff); w32(GDT + 20, 0x00cf9200);
	w32(GDT + 24, 0x0000ffff); w32(GDT + 28, 0x00cffa00);
	w32(GDT + 32, 0x0000ffff); w32(GDT + 36, 0x00cff200);
	w32(GDT + 40, (TSS << 16) | 0x67); w32(GDT + 44, 0x00008900);
	w32(TSS + 4, ESP0);
	w32(TSS + 8, KDS);
	vcpu_lgdt(v, GDT, 47);
	v->idtr.base = IDT;
	v->idtr.limit = 256 * 8 - 1;
	gate(0x20, KCS, 0x00105000, 0xe, 0);	/* interrupt gate */
	gate(0x21, KCS, 0x00105100, 0xf, 0);	/* trap gate */
	gate(0x80, KCS, 0x00105200, 0xe, 3);	/* system call, DPL 3 */
	gate(0x81, KCS, 0x00105300, 0xe, 0);	/* DPL 0: int from ring 3 faults */
	gate(VEC_GP, KCS, 0x00105400, 0xe, 0);
	gate(VEC_PF, KCS, 0x00105500, 0xe, 0);
	gate(VEC_UD, KCS, 0x00105600, 0xe, 0);
	return 0;
}

static struct gstate kstate(void)
{
	struct gstate g = { .gpr = { 1, 2, 3, 4, 0x8000, 6, 7, 8 },
			    .sreg = { KDS, KCS, KDS, KDS, KDS, KDS },
			    .eip = 0x00101234, .eflags = EF_IF | EF_RSV1 | EF_CF };
	return g;
}

static struct gstate ustate(void)
{
	struct gstate g = { .gpr = { 1, 2, 3, 4, 0x40000, 6, 7, 8 },
			    .sreg = { UDS, UCS, UDS, UDS, UDS, UDS },
			    .eip = 0x00402222, .eflags = EF_IF | EF_RSV1 | EF_ZF };
	return g;
}

/* SDM Fig. 6-4: no privilege change: EFLAGS, CS, EIP pushed on the
   interrupted stack; interrupt gate clears IF. */
static void test_same_level(void **state)
{
	struct gstate g = kstate(), orig = g;

	(void)state;
	assert_int_equal(deliver(v, &g, 0x20, DLV_EXT, false, 0), 0);
	assert_int_equal(g.gpr[4], 0x8000 - 12);
	assert_int_equal(r32(0x7ff4), orig.eip);
	assert_int_equal(r32(0x7ff8), KCS);
	assert_int_equal(r32(0x7ffc), EF_IF | EF_RSV1 | EF_CF);
	assert_int_equal(g.eip, 0x00105000);
	assert_int_equal(g.sreg[SR_CS], KCS);
	assert_int_equal(g.eflags & EF_IF, 0);
	assert_int_equal(g.eflags & EF_CF, EF_CF);
	/* iret pops it back exactly */
	assert_int_equal(emulate_iret(v, &g), 0);
	assert_int_equal(g.eip, orig.eip);
	assert_int_equal(g.gpr[4], 0x8000);
	assert_int_equal(g.eflags, orig.eflags);
	assert_int_equal(g.sreg[SR_CS], KCS);
}

/* Trap gate: IF unchanged; with an error code: 4 words. */
static void test_trap_gate_and_error_code(void **state)
{
	struct gstate g = kstate();

	(void)state;
	assert_int_equal(deliver(v, &g, 0x21, DLV_EXT, false, 0), 0);
	assert_true(g.eflags & EF_IF);
	g = kstate();
	assert_int_equal(deliver(v, &g, VEC_GP, DLV_EXC, true, 0x18), 0);
	assert_int_equal(g.gpr[4], 0x8000 - 16);
	assert_int_equal(r32(0x7ff0), 0x18);		/* error code lowest */
	assert_int_equal(r32(0x7ff4), 0x00101234);
	assert_int_equal(r32(0x7ff8), KCS);
	assert_int_equal(r32(0x7ffc), EF_IF | EF_RSV1 | EF_CF);
	assert_int_equal(g.eip, 0x00105400);
}

/* SDM Fig. 6-4: ring 3 -> 0: stack from TSS.ss0:esp0; SS, ESP, EFLAGS,
   CS, EIP [, error]. iret back restores the outer stack. */
static void test_ring3_to_ring0(void **state)
{
	struct gstate g = ustate(), orig = g;

	(void)state;
	w32(TSS + 4, ESP0);
	v->tss_base = TSS;
	assert_int_equal(deliver(v, &g, 0x80, DLV_SOFT, false, 0), 0);
	assert_int_equal(g.gpr[4], ESP0 - 20);
	assert_int_equal(r32(ESP0 - 4), UDS);
	assert_int_equal(r32(ESP0 - 8), 0x40000);
	assert_int_equal(r32(ESP0 - 12), EF_IF | EF_RSV1 | EF_ZF);
	assert_int_equal(r32(ESP0 - 16), UCS);
	assert_int_equal(r32(ESP0 - 20), 0x00402222);
	assert_int_equal(g.sreg[SR_SS], KDS);
	assert_int_equal(g.sreg[SR_CS], KCS);
	assert_int_equal(vcpu_cpl(&g), 0);
	assert_int_equal(g.eflags & EF_IF, 0);
	assert_int_equal(emulate_iret(v, &g), 0);
	assert_int_equal(g.eip, orig.eip);
	assert_int_equal(g.gpr[4], orig.gpr[4]);
	assert_int_equal(g.sreg[SR_SS], UDS);
	assert_int_equal(g.sreg[SR_CS], UCS);
	assert_int_equal(g.eflags, orig.eflags);
	/* The TSS is read on each transition: a new esp0 is honoured. */
	w32(TSS + 4, 0xA000);
	g = ustate();
	assert_int_equal(deliver(v, &g, VEC_PF, DLV_EXC, true, 6), 0);
	assert_int_equal(g.gpr[4], 0xA000 - 24);
	assert_int_equal(r32(0xA000 - 24), 6);
}

/* int n to a DPL 0 gate from ring 3: #GP(n*8+2) instead. */
static void test_soft_int_dpl(void **state)
{
	struct gstate g = ustate();

	(void)state;
	v->tss_base = TSS;
	assert_int_equal(deliver(v, &g, 0x81, DLV_SOFT, false, 0), 0);
	assert_int_equal(g.eip, 0x00105400);
	assert_int_equal(r32(ESP0 - 24), 0x81 * 8 + 2);
	/* Not-present gate: #NP; beyond the IDT limit: #GP. */
	g = kstate();
	v->idtr.limit = 0x20 * 8 - 1;
	gate(VEC_NP, KCS, 0x00105700, 0xe, 0);
	assert_int_equal(deliver(v, &g, 0x21, DLV_EXT, false, 0), 0);
	assert_int_equal(g.eip, 0x00105400);
	assert_int_equal(r32(0x8000 - 16), 0x21 * 8 + 2 + 1);	/* EXT set */
}

/* iret to a less privileged code segment with a bad SS RPL: #GP. */
static void test_iret_checks(void **state)
{
	struct gstate g = kstate();

	(void)state;
	g.gpr[4] = 0x7000;
	w32(0x7000, 0x400000); w32(0x7004, UCS); w32(0x7008, 0x202);
	w32(0x700c, 0x50000); w32(0x7010, KDS);		/* ss RPL 0 != 3 */
	assert_int_equal(emulate_iret(v, &g), 0);
	assert_int_equal(g.eip, 0x00105400);		/* #GP delivered */
	/* iret at CPL 3 cannot raise IOPL or change IF when IOPL < 3 */
	g = ustate();
	g.gpr[4] = 0x7100;
	w32(0x7100, 0x400010); w32(0x7104, UCS); w32(0x7108, 0x3002);
	assert_int_equal(emulate_iret(v, &g), 0);
	assert_int_equal(g.eflags & (EF_IOPL | EF_IF), EF_IF);
}

static void pic_init(void)
{
	devsw_out(&v->devs, 0x20, 1, 0x11);
	devsw_out(&v->devs, 0x21, 1, 0x20);
	devsw_out(&v->devs, 0x21, 1, 0x04);
	devsw_out(&v->devs, 0x21, 1, 0x01);
	devsw_out(&v->devs, 0x21, 1, 0xfe);	/* only IRQ 0 */
}

/* The sti_hook follows the pending state; delivery waits for IF. */
static void test_pending_state_machine(void **state)
{
	struct gstate g = kstate();

	(void)state;
	pic_init();
	vcpu_update_hook(v);
	assert_int_equal(ipvmm_shared.sti_hook, STI_RET);
	vpic_pulse_irq(&v->devs, 0, false);
	vcpu_update_hook(v);
	assert_int_equal(ipvmm_shared.sti_hook, STI_DELIVER);
	g.eflags &= ~EF_IF;			/* cli'd: held pending */
	assert_false(deliver_pending(v, &g));
	assert_int_equal(ipvmm_shared.sti_hook, STI_DELIVER);
	assert_int_equal(ipvmm_shared.vif, 0);
	g.eflags |= EF_IF;			/* sti: taken */
	assert_true(deliver_pending(v, &g));
	assert_int_equal(g.eip, 0x00105000);	/* vector 0x20 = IRQ 0 */
	assert_int_equal(ipvmm_shared.vif, 0);	/* interrupt gate */
	assert_int_equal(ipvmm_shared.sti_hook, STI_RET);	/* in service: nothing deliverable */
	/* The hypervisor's pending bit is folded (xchg) and cleared. */
	ipvmm_shared.pending = IPVMM_PEND_TIMER;
	vcpu_update_hook(v);
	assert_int_equal(ipvmm_shared.sti_hook, STI_DELIVER);
	g.eflags &= ~EF_IF;
	deliver_pending(v, &g);
	assert_int_equal(ipvmm_shared.pending, 0);
	assert_int_equal(ipvmm_shared.sti_hook, STI_RET);
}

/* A frame as burn_common builds it, placed on the fake guest stack. */
static struct burn_frame *frame_at(uint32_t lin, uint32_t id, uint32_t ret)
{
	struct burn_frame *f = (struct burn_frame *)(gmem + lin);

	memset(f, 0, sizeof(*f) + 16);
	f->cs = KCS | 1;
	f->ss = f->ds = f->es = f->fs = f->gs = KDS | 1;
	f->eflags = 0x202 | EF_CF;
	f->id = id;
	f->ret = ret;
	return f;
}

static void test_frontend_generic(void **state)
{
	struct burn_frame *f;

	(void)state;
	ipvmm_shared.vif = 1;
	/* mov %eax,%cr3 (register form): pushl %eax; movl $regs,%eax; call stub */
	f = frame_at(0x7000, RW_ID(DEC_MOV_TO_CR, 0, 0, 0), 0x00101010);
	f->eax = RW_REGS(0, DEC_K_GPR, 3, DEC_K_CREG);
	f->params[0] = 0x00200000;		/* guest eax, pushed by the site */
	assert_int_equal(burn_common_c(f), 0);	/* plain return through the site */
	assert_int_equal(hv.cr3, 0x00200000);
	assert_int_equal(v->cr3, 0x00200000);
	/* mov %cr3,%ebx */
	f = frame_at(0x7000, RW_ID(DEC_MOV_FROM_CR, 0, 0, 3), 0x00101010);
	f->eax = RW_REGS(3, DEC_K_CREG, 3, DEC_K_GPR);
	assert_int_equal(burn_common_c(f), 0);
	assert_int_equal(f->ebx, 0x00200000);
	assert_int_equal(f->eflags & EF_CF, EF_CF);	/* flags preserved */
	/* invlpg 0x10(%esi): the lea result arrives in eax */
	f = frame_at(0x7000, RW_ID(DEC_INVLPG, 0, 1, 0), 0x00101010);
	f->eax = 0x00403010;
	assert_int_equal(burn_common_c(f), 0);
	assert_int_equal(hv.invlpg, 0x00403010);
	/* wrmsr / rdmsr of SYSENTER_ESP (call-only form) */
	f = frame_at(0x7000, RW_ID(DEC_WRMSR, 0, 0, 0), 0x00101010);
	f->ecx = MSR_SYSENTER_ESP;
	f->eax = 0x12345678;
	assert_int_equal(burn_common_c(f), 0);
	f = frame_at(0x7000, RW_ID(DEC_RDMSR, 0, 0, 0), 0x00101010);
	f->ecx = MSR_SYSENTER_ESP;
	assert_int_equal(burn_common_c(f), 0);
	assert_int_equal(f->eax, 0x12345678);
	assert_int_equal(f->edx, 0);
	/* cpuid: PAE/APIC/VME/SEP hidden, TSC/MSR/PGE kept */
	f = frame_at(0x7000, RW_ID(DEC_CPUID, 0, 0, 0), 0x00101010);
	f->eax = 1;
	assert_int_equal(burn_common_c(f), 0);
	assert_int_equal(f->edx & ((1u << 6) | (1u << 9) | (1u << 1)), 0);
	assert_int_equal(f->edx & ((1u << 4) | (1u << 5) | (1u << 11) | (1u << 13)),
			 (1u << 4) | (1u << 5) | (1u << 13));
	/* unknown MSR: #GP delivered, leaves through iret_restart */
	f = frame_at(0x7000, RW_ID(DEC_RDMSR, 0, 0, 0), 0x00101010);
	f->ecx = 0x1b;
	assert_int_equal(burn_common_c(f), 1);
	assert_int_equal(v->resume.st.eip, 0x00105400);
	/* ltr: TSS base taken, descriptor marked busy */
	f = frame_at(0x7000, RW_ID(DEC_LTR, 0, 0, 0), 0x00101010);
	f->eax = RW_REGS(0, DEC_K_GPR, 0, 0);
	f->params[0] = TSSSEL;
	assert_int_equal(burn_common_c(f), 0);
	assert_int_equal(v->tss_base, TSS);
	assert_int_equal((r32(GDT + 44) >> 8) & 0xf, 0xb);
	/* mov %eax,%ds: a segment load leaves through the resume path */
	f = frame_at(0x7000, RW_ID(DEC_MOV_TO_SEG, 0, 0, SR_DS), 0x00101010);
	f->eax = RW_REGS(0, DEC_K_GPR, SR_DS, DEC_K_SREG);
	f->params[0] = UDS;
	assert_int_equal(burn_common_c(f), 1);
	assert_int_equal(v->resume.segmask, 1u << SR_DS);
	assert_int_equal(v->resume.sel[SR_DS], UDS);
	assert_int_equal(v->resume.st.eip, 0x00101011);	/* past the site's popl %eax */
	assert_int_equal(v->resume.eax, UDS);
	assert_int_equal(v->resume.st.gpr[4], 0x7000 + sizeof(struct burn_frame) + 4);
	/* mov %eax,%ds with a system descriptor: #GP(sel), reported at the
	   site's first byte with the guest's eax and esp as before the site
	   (site: pushl %eax; movl $regs,%eax; call stub; popl %eax) */
	memcpy(gmem + 0x00101005, "\x50\xb8\x00\x00\x00\x00\xe8\x00\x00\x00\x00\x58", 12);
	f = frame_at(0x7000, RW_ID(DEC_MOV_TO_SEG, 0, 0, SR_DS), 0x00101010);
	f->eax = RW_REGS(0, DEC_K_GPR, SR_DS, DEC_K_SREG);
	f->params[0] = TSSSEL;
	assert_int_equal(burn_common_c(f), 1);
	assert_int_equal(v->resume.st.eip, 0x00105400);
	uint32_t gesp = 0x7000 + sizeof(struct burn_frame) + 4;
	assert_int_equal(r32(gesp - 16), TSSSEL);		/* error code */
	assert_int_equal(r32(gesp - 12), 0x00101005);		/* the site's start */
	assert_int_equal(v->resume.eax, TSSSEL);		/* guest eax */
	/* memory form: pushl %eax; lea 0x10(%esi),%eax; call stub; popl %eax */
	memcpy(gmem + 0x00102007, "\x50\x8d\x46\x10\xe8\x00\x00\x00\x00\x58", 10);
	w32(0x00103010, TSSSEL | 0x100);			/* not a TSS selector */
	f = frame_at(0x7000, RW_ID(DEC_LTR, 0, 1, 0), 0x00102010);
	f->eax = 0x00103010;
	f->params[0] = 0x1234;
	assert_int_equal(burn_common_c(f), 1);
	assert_int_equal(r32(gesp - 12), 0x00102007);
	assert_int_equal(v->resume.eax, 0x1234);
}

/* The descriptor cache: one HC_LOAD_DESC per changed descriptor. */
static void test_desc_cache(void **state)
{
	struct gstate g = kstate();
	unsigned n;

	(void)state;
	n = hv.load_desc;
	assert_int_equal(vcpu_load_sreg(v, &g, SR_ES, KDS), 0);
	assert_int_equal(hv.load_desc, n);		/* installed by lgdt */
	w32(GDT + 20, 0x00cfb300);			/* guest edits the descriptor (DPL 1) */
	assert_int_equal(vcpu_load_sreg(v, &g, SR_ES, KDS), 0);
	assert_int_equal(hv.load_desc, n + 1);
	assert_true(vcpu_load_sreg(v, &g, SR_SS, UDS) != 0);	/* RPL != CPL */
	assert_true(vcpu_load_sreg(v, &g, SR_DS, TSSSEL) != 0);
	assert_int_equal(vcpu_load_sreg(v, &g, SR_FS, 0), 0);	/* null ok */
	assert_true(vcpu_load_sreg(v, &g, SR_SS, 0) != 0);	/* null ss: #GP */
}

/* Console: bytes buffered, one HC_CONSOLE_WRITE per line. */
static void test_frontend_io_console(void **state)
{
	struct burn_frame *f;
	const char *s = "hello\n";

	(void)state;
	for (unsigned i = 0; s[i]; i++) {
		f = frame_at(0x7000, BURN_ID_IO_DX, 0x00101010);
		f->params[0] = RW_IO_INFO(1, 1, 0);
		f->edx = 0x3f8;
		f->eax = (uint8_t)s[i];
		assert_int_equal(burn_common_c(f), 0);
	}
	assert_int_equal(hv.console_calls, 1);
	assert_int_equal(hv.console_len, 6);
	assert_memory_equal(hv.console, "hello\n", 6);
	/* in $0x21,%al (IO_IMM, in, byte): the PIC mask register */
	pic_init();
	f = frame_at(0x7000, BURN_ID_IO_IMM + 0, 0x00101010);
	f->params[0] = 0x21;
	f->eax = 0xaaaaaaaa;
	assert_int_equal(burn_common_c(f), 0);
	assert_int_equal(f->eax, 0xaaaaaafe);
	/* in from CPL 3 without IOPL: #GP */
}

/* HC_LOAD_DESC's non-negative result says how the hypervisor adjusted the
   descriptor (1 = DPL raised): installed all the same, so cached; an error
   fails the load. */
static void test_desc_adjusted(void **state)
{
	struct gstate g = kstate();
	unsigned n;

	(void)state;
	hv.load_desc_rc = 1;
	w32(GDT + 20, 0x00cf9300);			/* changed (accessed bit) */
	n = hv.load_desc;
	assert_int_equal(vcpu_load_sreg(v, &g, SR_ES, KDS), 0);
	assert_int_equal(vcpu_load_sreg(v, &g, SR_FS, KDS), 0);
	assert_int_equal(hv.load_desc, n + 1);	/* the second load hit the cache */
	hv.load_desc_rc = -4;				/* HC_EPERM */
	w32(GDT + 12, 0x00cf9b00);
	assert_true(vcpu_load_sreg(v, &g, SR_DS, KCS) != 0);
	assert_int_equal(hv.load_desc, n + 2);
}

/* lldt: a present LDT descriptor is recorded (sldt sees it); anything
   else is #GP(selector). hlt with the virtual IF clear stops the guest. */
static void test_lldt_and_hlt_cli(void **state)
{
	struct burn_frame *f;

	(void)state;
	w32(GDT + 48, 0x20000017); w32(GDT + 52, 0x00008200);	/* LDT at 0x2000 */
	vcpu_lgdt(v, GDT, 55);
	f = frame_at(0x7000, RW_ID(DEC_LLDT, 0, 0, 0), 0x00101010);
	f->eax = RW_REGS(0, DEC_K_GPR, 0, 0);
	f->params[0] = 0x30;
	assert_int_equal(burn_common_c(f), 0);
	assert_int_equal(v->ldtr, 0x30);
	memcpy(gmem + 0x00101005, "\x50\xb8\x00\x00\x00\x00\xe8\x00\x00\x00\x00\x58", 12);
	f = frame_at(0x7000, RW_ID(DEC_LLDT, 0, 0, 0), 0x00101010);
	f->eax = RW_REGS(0, DEC_K_GPR, 0, 0);
	f->params[0] = TSSSEL;				/* a TSS, not an LDT */
	assert_int_equal(burn_common_c(f), 1);
	assert_int_equal(v->resume.st.eip, 0x00105400);	/* #GP handler */
	assert_int_equal(r32(0x7000 + sizeof(struct burn_frame) + 4 - 16), TSSSEL);
	assert_int_equal(v->ldtr, 0x30);
	/* cli; hlt: nothing can resume it */
	ipvmm_shared.vif = 0;
	ipvmm_shared.pending = 0;
	unsigned w = hv.waits;
	f = frame_at(0x7000, BURN_ID_HLT, 0x00101030);
	burn_common_c(f);
	assert_int_equal(hv.shutdowns, 1);
	assert_int_equal(hv.shutdown_status, IPVMM_STOP | IPVMM_FATAL_HLT_CLI);
	assert_int_equal(hv.waits, w);
}

/* popf/sti check point, hlt and iret through the frontend. */
static void test_frontend_delivery(void **state)
{
	struct burn_frame *f;

	(void)state;
	pic_init();
	ipvmm_shared.vif = 1;
	/* nothing pending: plain return */
	f = frame_at(0x7000, BURN_ID_CHECK, 0x00101020);
	assert_int_equal(burn_common_c(f), 0);
	/* IRQ 0 pending: delivered at the site end, frame on the guest stack */
	vpic_pulse_irq(&v->devs, 0, false);
	f = frame_at(0x7000, BURN_ID_CHECK, 0x00101020);
	assert_int_equal(burn_common_c(f), 1);
	uint32_t esp = 0x7000 + sizeof(struct burn_frame);
	assert_int_equal(v->resume.st.eip, 0x00105000);
	assert_int_equal(v->resume.st.gpr[4], esp - 12);
	assert_int_equal(r32(esp - 12), 0x00101020);
	assert_int_equal(r32(esp - 8), KCS);		/* the guest's view: RPL 0 */
	assert_int_equal(r32(esp - 4) & (EF_IF | EF_CF), EF_IF | EF_CF);
	assert_int_equal(ipvmm_shared.vif, 0);
	/* the same-level iretd frame below the handler's stack: real RPL 1 */
	assert_int_equal(v->resume.frame, esp - 24);
	assert_int_equal(r32(esp - 24), 0x00105000);
	assert_int_equal(r32(esp - 20), KCS | 1);
	/* iret through burn_iret: the guest's frame is the params */
	f = frame_at(0x6000, BURN_ID_IRET, 0);
	f->params[0] = 0x00101020; f->params[1] = KCS; f->params[2] = 0x202;
	devsw_out(&v->devs, 0x20, 1, 0x20);		/* EOI */
	assert_int_equal(burn_common_c(f), 1);
	assert_int_equal(v->resume.st.eip, 0x00101020);
	assert_int_equal(v->resume.st.gpr[4], 0x6000 + sizeof(struct burn_frame) + 12);
	assert_int_equal(ipvmm_shared.vif, 1);
	/* hlt: waits until the hypervisor reports an event, then delivers */
	ipvmm_shared.pending = 0;
	vpic_set_irq(&v->devs, 0, false);
	f = frame_at(0x7000, BURN_ID_HLT, 0x00101030);
	unsigned w = hv.waits;
	burn_common_c(f);
	assert_int_equal(hv.waits, w + 1);
	assert_int_equal(ipvmm_shared.pending, 0);	/* folded */
}

/* The interrupt upcall (vector IPVMM_UPCALL_IRQ, burn_upcall_irq): a pending
   IRQ 0 is delivered through its gate; it is never a software int 0xff. */
static void test_irq_upcall(void **state)
{
	struct ipvmm_upcall_state s;

	(void)state;
	pic_init();
	memset(&s, 0, sizeof(s));
	s.cs = KCS | 1; s.ss = s.ds = s.es = s.fs = s.gs = KDS | 1;
	s.eflags = 0x202; s.esp = 0x8000; s.eip = 0x00101000;
	ipvmm_shared.vif = 1;
	vpic_pulse_irq(&v->devs, 0, false);
	s.vector = IPVMM_UPCALL_IRQ;
	burn_upcall_c(&s);
	assert_int_equal(v->resume.st.eip, 0x00105000);	/* IRQ 0's gate */
	assert_int_equal(r32(0x8000 - 12), 0x00101000);	/* the interrupted eip */
	assert_int_equal(r32(0x8000 - 8), KCS);
}

/* Upcalls: #PF with CR2, trap mode (ud2 + original), int $0x80 via #GP. */
static void test_upcalls(void **state)
{
	struct ipvmm_upcall_state s;

	(void)state;
	v->tss_base = TSS;
	memset(&s, 0, sizeof(s));
	s.cs = KCS | 1; s.ss = s.ds = s.es = s.fs = s.gs = KDS | 1;
	s.eflags = 0x202; s.esp = 0x8000; s.eip = 0x00101000;
	s.vector = VEC_PF; s.error = 2; s.cr2 = 0x00dead00;
	burn_upcall_c(&s);
	assert_int_equal(v->cr2, 0x00dead00);
	assert_int_equal(v->resume.st.eip, 0x00105500);
	assert_int_equal(r32(0x8000 - 16), 2);
	/* trap mode: ud2; mov %eax,%cr3 at 0x6000 */
	memcpy(gmem + 0x6000, "\x0f\x0b\x0f\x22\xd8\x90", 6);
	s.vector = VEC_UD; s.error = 0; s.eip = 0x6000; s.eax = 0x00300000; s.esp = 0x8000;
	burn_upcall_c(&s);
	/* not a recorded site: the guest's own ud2, #UD delivered */
	assert_int_equal(hv.cr3, 0);
	assert_int_equal(v->resume.st.eip, 0x00105600);
	vcpu_trap_site_add(v, 0x7000);
	vcpu_trap_site_add(v, 0x6000);
	vcpu_trap_site_add(v, 0x5000);
	vcpu_trap_sites_sort(v);
	burn_upcall_c(&s);
	assert_int_equal(hv.cr3, 0x00300000);
	assert_int_equal(v->resume.st.eip, 0x6005);
	assert_int_equal(ipvmm_shared.n_trap_emul, 1);
	/* #GP(0) at a non-sensitive instruction stays a #GP */
	memcpy(gmem + 0x6100, "\x89\x03", 2);
	s.vector = VEC_GP; s.error = 0; s.eip = 0x6100;
	burn_upcall_c(&s);
	assert_int_equal(v->resume.st.eip, 0x00105400);
	assert_int_equal(ipvmm_shared.n_gp_emul, 0);
	/* ... and at an un-afterburned sensitive one it is emulated */
	memcpy(gmem + 0x6200, "\x0f\x22\xd8", 3);	/* mov %eax,%cr3 */
	s.eip = 0x6200; s.eax = 0x00400000;
	burn_upcall_c(&s);
	assert_int_equal(hv.cr3, 0x00400000);
	assert_int_equal(v->resume.st.eip, 0x6203);
	assert_int_equal(ipvmm_shared.n_gp_emul, 1);
	/* int $0x80 from ring 3, arriving as #GP(0x80*8+2) */
	memcpy(gmem + 0x402222, "\xcd\x80", 2);
	s.cs = UCS; s.ss = s.ds = s.es = s.fs = s.gs = UDS;
	s.eip = 0x402222; s.esp = 0x40000; s.vector = VEC_GP; s.error = 0x80 * 8 + 2;
	burn_upcall_c(&s);
	assert_int_equal(v->resume.st.eip, 0x00105200);
	assert_int_equal(r32(ESP0 - 20), 0x402224);	/* eip after the int */
	assert_int_equal(v->resume.st.sreg[SR_SS], KDS);
	/* a ring-3 return builds the 5-word frame in the resume record */
	memcpy(gmem + 0x402224, "\x90", 1);
	s.vector = VEC_PF; s.error = 4; s.eip = 0x402224; s.cr2 = 0x1000;
	burn_upcall_c(&s);
	assert_int_equal(v->resume.st.eip, 0x00105500);
}

/* The trapped instruction's bytes: one read per page they span, and at
   the end of memory what the page before it holds, the #PF at the next
   page's first byte recorded as a byte-by-byte fetch would record it. */
static void test_fetch_by_page(void **state)
{
	struct vcpu *v = &ipvmm_vcpu;
	uint8_t b[DEC_MAX_LEN];

	(void)state;
	for (unsigned i = 0; i < DEC_MAX_LEN; i++)
		gmem[0x2ffa + i] = (uint8_t)(0xa0 + i);
	hv.reads = 0;
	assert_int_equal(emulate_fetch(v, 0x2ffa, b), DEC_MAX_LEN);	/* two pages */
	assert_int_equal(hv.reads, 2);
	assert_memory_equal(b, gmem + 0x2ffa, DEC_MAX_LEN);
	hv.reads = 0;
	assert_int_equal(emulate_fetch(v, 0x2000, b), DEC_MAX_LEN);	/* one */
	assert_int_equal(hv.reads, 1);
	gmem[MEM_SIZE - 2] = 0xfa;
	gmem[MEM_SIZE - 1] = 0xfb;
	assert_int_equal(emulate_fetch(v, MEM_SIZE - 2, b), 2);
	assert_int_equal(b[0], 0xfa);
	assert_int_equal(b[1], 0xfb);
	assert_int_equal(v->mfault.vector, VEC_PF);
	assert_int_equal(v->mfault.cr2, MEM_SIZE);
	assert_int_equal(emulate_fetch(v, MEM_SIZE, b), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_same_level, setup),
		cmocka_unit_test_setup(test_trap_gate_and_error_code, setup),
		cmocka_unit_test_setup(test_ring3_to_ring0, setup),
		cmocka_unit_test_setup(test_soft_int_dpl, setup),
		cmocka_unit_test_setup(test_iret_checks, setup),
		cmocka_unit_test_setup(test_pending_state_machine, setup),
		cmocka_unit_test_setup(test_frontend_generic, setup),
		cmocka_unit_test_setup(test_desc_cache, setup),
		cmocka_unit_test_setup(test_frontend_io_console, setup),
		cmocka_unit_test_setup(test_frontend_delivery, setup),
		cmocka_unit_test_setup(test_desc_adjusted, setup),
		cmocka_unit_test_setup(test_lldt_and_hlt_cli, setup),
		cmocka_unit_test_setup(test_upcalls, setup),
		cmocka_unit_test_setup(test_irq_upcall, setup),
		cmocka_unit_test_setup(test_fetch_by_page, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
