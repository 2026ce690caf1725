/* Privileged instructions of every class, EFLAGS through popf and iret,
 * MSRs, sysenter and the debug registers (docs/hostile.md). What the
 * virtual CPU gives the guest kernel (CPL 0) is checked against the SDM;
 * what must not leak is the real CPU's state: its IOPL (the real ports),
 * its breakpoints, the hypervisor's MSRs. The raw build runs the same code
 * without records: popf and pushf do not trap in ring 1, so there the CPU's
 * own rules at CPL 1 are what the guest sees. */
#include "hostile.h"
#include "x86.h"

#define EF_TF   0x00000100u
#define EF_IOPL 0x00003000u
#define EF_NT   0x00004000u
#define EF_VM   0x00020000u
#define EF_AC   0x00040000u
#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_EFER 0xc0000080u

static volatile uint32_t p_val;

static void do_rdmsr(uint32_t msr) { p_val = (uint32_t)rdmsr(msr); }
static void do_sysenter(uint32_t unused)
{
	(void)unused;
	__asm__ volatile("sysenter" ::: "memory");
}
static void do_lmsw(uint32_t v) { __asm__ volatile("lmsw %w0" : : "r"(v)); }
static void do_wbinvd(uint32_t unused)
{
	(void)unused;
	__asm__ volatile("wbinvd" ::: "memory");
}

static bool faults(void (*fn)(uint32_t), uint32_t arg, uint32_t vec, uint32_t err)
{
	catch_reset();
	return hprobe(fn, arg) && catch_.vec == vec && catch_.err == err;
}
#define FAULT_WHY "vec %u err %x", catch_.vec, catch_.err

static void cpu_dr_msr(void)
{
	uint32_t dr0, dr7;
	__asm__ volatile("movl %2, %%dr0; movl %3, %%dr7; movl %%dr0, %0; movl %%dr7, %1; movl %4, %%dr7"
			 : "=&r"(dr0), "=&r"(dr7) : "r"((uint32_t)&p_val), "r"(0x000f0003u), "r"(0u));
	CHECKF(dr0 == (uint32_t)&p_val && dr7 == 0x000f0003u, "cpu",
	       "debug registers dr0 and dr7 read back what was written", "dr0 %x dr7 %x", dr0, dr7);
	uint64_t cs = rdmsr(MSR_SYSENTER_CS), esp = rdmsr(MSR_SYSENTER_ESP), eip = rdmsr(MSR_SYSENTER_EIP);
	wrmsr(MSR_SYSENTER_CS, 0x08);
	wrmsr(MSR_SYSENTER_ESP, 0xfd100000u);
	wrmsr(MSR_SYSENTER_EIP, 0xfd101000u);
	bool ok = rdmsr(MSR_SYSENTER_ESP) == 0xfd100000u && rdmsr(MSR_SYSENTER_EIP) == 0xfd101000u;
	CHECK(ok, "cpu", "sysenter msrs pointing into the hypervisor read back");
	wrmsr(MSR_SYSENTER_CS, 0);
	ok = faults(do_sysenter, 0, 13, 0);
	CHECKF(ok, "cpu", "sysenter with sysenter_cs 0: #GP(0)", FAULT_WHY);
	wrmsr(MSR_SYSENTER_CS, cs);
	wrmsr(MSR_SYSENTER_ESP, esp);
	wrmsr(MSR_SYSENTER_EIP, eip);
	ok = faults(do_rdmsr, MSR_EFER, 13, 0);
	CHECKF(ok, "cpu", "rdmsr of an msr the cpu lacks (efer): #GP(0)", FAULT_WHY);
}

static void cpu_cr(void)
{
	catch_reset();
	bool ok = !hprobe(do_lmsw, 0) && (read_cr0() & CR0_PE);
	CHECKF(ok, "cpu", "lmsw 0 cannot clear cr0.pe", "cr0 %x " FAULT_WHY, read_cr0());
	write_cr0(read_cr0() | CR0_TS);
	bool ts = read_cr0() & CR0_TS;
	clts();
	CHECK(ts && !(read_cr0() & CR0_TS), "cpu", "cr0.ts set by mov, cleared by clts");
	catch_reset();
	ok = !hprobe(do_wbinvd, 0);
	CHECKF(ok, "cpu", "wbinvd runs and returns", FAULT_WHY);
}

/* The guest's PIC mask is the virtual PIC's, and stays so: a real IOPL
 * would reach the hypervisor's 8259 instead, whose mask differs (it
 * unmasks its UART). It is marked with a mask only this guest sets. */
#define IMR_MARK 0xa5fau
static bool virtual_ports(void)
{
	return pic_read_imr() == IMR_MARK;
}

static void cpu_eflags(void)
{
	uint16_t imr = pic_read_imr();
	outb(0x21, IMR_MARK & 0xff);
	outb(0xa1, IMR_MARK >> 8);
	uint32_t f = popf_read(0x00000002u | EF_IOPL);
	bool want = HOSTILE_AFTERBURN ? (f & EF_IOPL) == EF_IOPL : !(f & EF_IOPL);
	CHECKF(want && virtual_ports(), "cpu", HOSTILE_AFTERBURN ?
	       "popf raising iopl: the virtual iopl, ports still reach the virtual pic" :
	       "popf raising iopl (raw: at cpl 1 ignored), ports still reach the virtual pic",
	       "eflags %x imr %x", f, pic_read_imr());
	f = iret_read(0x00000002u | EF_IOPL);
	CHECKF(virtual_ports(), "cpu", "iret raising iopl: ports still reach the virtual pic",
	       "eflags %x imr %x", f, pic_read_imr());
	f = popf_read(0x00000002u | EF_VM);
	CHECKF(!(f & EF_VM), "cpu", "popf cannot set vm", "eflags %x", f);
	f = popf_read(0x00000002u | EF_AC);
	volatile uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint32_t v = *(volatile uint32_t *)(buf + 1);
	write_eflags(0x00000002u);
	outb(0x21, imr & 0xff);
	outb(0xa1, imr >> 8);
	CHECKF(v == 0x05040302u, "cpu", "ac set by popf: an unaligned load at cpl 0 raises nothing",
	       "eflags %x v %x", f, v);
}

/* The i8042's reset pulse (command 0xfe) resets a PC: here the board
 * reports it unimplemented (one ipvmm: line) and nothing else happens. */
static void cpu_reset_pulse(void)
{
	uint32_t t0 = ticks;
	outb(0x64, 0xfe);
	sti();
	for (uint32_t i = 0; i < 50000000 && ticks == t0; i++)
		pause_();
	cli();
	CHECK(ticks != t0, "cpu", "i8042 reset pulse: no reset, the guest runs on");
}

void attack_cpu(void)
{
	cpu_dr_msr();
	cpu_cr();
	cpu_eflags();
	cpu_reset_pulse();
}
