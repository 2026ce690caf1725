/* cpuid, architectural MSRs (guarded by cpuid) and the time-stamp counter. */
#include "testos.h"
#include "x86.h"

#define CPUID_1_EDX_TSC (1u << 4)
#define CPUID_1_EDX_MSR (1u << 5)
#define MSR_SYSENTER_CS    0x174
#define MSR_SYSENTER_ESP   0x175
#define MSR_SYSENTER_EIP   0x176

void test_cpu(void)
{
	uint32_t r0[4], r1[4], again[4];
	cpuid(0, r0);
	cpuid(0, again);
	bool ascii = true;
	const uint32_t vend[3] = { r0[1], r0[3], r0[2] };
	for (int i = 0; i < 12; i++) {
		char c = (char)(vend[i / 4] >> (8 * (i % 4)));
		ascii &= c >= 0x20 && c < 0x7f;
	}
	CHECKF(r0[0] >= 1 && ascii && !memcmp(r0, again, sizeof(r0)), "cpu", "cpuid leaf 0: max leaf and vendor",
	       "max=%x", r0[0]);
	cpuid(1, r1);
	CHECKF((r1[3] & (CPUID_1_EDX_TSC | CPUID_1_EDX_MSR)) == (CPUID_1_EDX_TSC | CPUID_1_EDX_MSR), "cpu",
	       "cpuid leaf 1 reports tsc and msr", "edx=%x", r1[3]);
	CHECKF(((r1[0] >> 8) & 0xf) >= 6, "cpu", "cpuid leaf 1 family is p6 or later", "eax=%x", r1[0]);

	/* The MSRs of every P6 (family checked above); the IPVMM hides SEP
	   (docs/security.md, "The direct system-call gate") but keeps them. */
	{
		uint64_t cs = rdmsr(MSR_SYSENTER_CS), esp = rdmsr(MSR_SYSENTER_ESP), eip = rdmsr(MSR_SYSENTER_EIP);
		wrmsr(MSR_SYSENTER_CS, SEL_KCODE);
		wrmsr(MSR_SYSENTER_ESP, 0x12345678);
		wrmsr(MSR_SYSENTER_EIP, 0x00101000);
		uint64_t c2 = rdmsr(MSR_SYSENTER_CS), s2 = rdmsr(MSR_SYSENTER_ESP), e2 = rdmsr(MSR_SYSENTER_EIP);
		wrmsr(MSR_SYSENTER_CS, cs);
		wrmsr(MSR_SYSENTER_ESP, esp);
		wrmsr(MSR_SYSENTER_EIP, eip);
		CHECKF(c2 == SEL_KCODE && s2 == 0x12345678 && e2 == 0x00101000, "cpu",
		       "wrmsr/rdmsr round trip of the sysenter msrs", "cs=%x esp=%x eip=%x", (uint32_t)c2,
		       (uint32_t)s2, (uint32_t)e2);
	}

	/* rdmsr(IA32_TSC) is not checked: QEMU TCG returns 0 (docs/testos.md). */
	uint64_t prev = rdtsc(), first = prev;
	bool mono = true;
	for (int i = 0; i < 10000; i++) {
		uint64_t t = rdtsc();
		mono &= t >= prev;
		prev = t;
	}
	CHECK(mono && prev > first, "cpu", "rdtsc is monotonic and advances");
}
