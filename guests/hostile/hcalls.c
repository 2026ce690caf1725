/* Hypercalls with crafted values, made as a hostile IPVMM would make them:
 * this guest's own int $0x82 is only a software interrupt through its IDT
 * (the hypervisor reflects it), so it jumps to the IPVMM's own int $0x82
 * (hv_call, hprobe.S), found by its bytes in the IPVMM text, which ring 1
 * reads. Every value is one the hypervisor must refuse, with the error of
 * docs/hypercalls.md and nothing changed: the cases that follow run on. */
#include "hostile.h"
#include "hypercall.h"

#define IPVMM_TEXT     0xFC000000u
#define IPVMM_TEXT_MAX 0x00014000u   /* .ipvmm: text + rodata, 80 KiB */

uint32_t hc_gadget;

/* The IPVMM wrappers' tail: int $0x82, restore ebx/esi/edi from the frame, leave, ret. */
static const uint8_t gadget[] = {
	0xcd, 0x82, 0x8b, 0x5d, 0xf4, 0x8b, 0x75, 0xf8, 0x8b, 0x7d, 0xfc, 0x89, 0xec, 0x5d, 0xc3,
};

bool hc_find_gadget(void)
{
	const uint8_t *t = (const uint8_t *)IPVMM_TEXT;
	for (uint32_t i = 0; i + sizeof(gadget) <= IPVMM_TEXT_MAX; i++) {
		if (t[i] == 0xcd && !memcmp(t + i, gadget, sizeof(gadget))) {
			hc_gadget = IPVMM_TEXT + i;
			return true;
		}
	}
	return false;
}

static int32_t hcall(uint32_t nr, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e)
{
	struct hc_regs r = { nr, a, b, c, d, e };
	return hc_gadget ? hv_call(&r) : 0x7fffffff;
}

#define HC_CASE(what, got, want) do { int32_t g_ = (got); \
	CHECKF(g_ == (want), "hcall", what, "got %x want %x", (uint32_t)g_, (uint32_t)(want)); } while (0)

static void hc_console(void)
{
	static char buf[8] = "x";
	HC_CASE("console write of 4097 bytes: EINVAL",
		hcall(HC_CONSOLE_WRITE, (uint32_t)buf, HC_CONSOLE_MAX + 1, 0, 0, 0), HC_EINVAL);
	HC_CASE("console buffer wrapping 4 GiB: EFAULT",
		hcall(HC_CONSOLE_WRITE, 0xfffff800u, 0x1000, 0, 0, 0), HC_EFAULT);
	HC_CASE("console buffer in the hypervisor: EFAULT",
		hcall(HC_CONSOLE_WRITE, 0xfd100000u, 16, 0, 0, 0), HC_EFAULT);
	HC_CASE("console buffer past the partition: EFAULT",
		hcall(HC_CONSOLE_WRITE, 0x7ffffff0u, 16, 0, 0, 0), HC_EFAULT);
}

static void hc_cpu(void)
{
	HC_CASE("call numbers 99 and 2^32-1: ENOSYS",
		hcall(99, 0, 0, 0, 0, 0) | hcall(0xffffffffu, 0, 0, 0, 0, 0), HC_ENOSYS);
	HC_CASE("cr3 outside the partition: EFAULT", hcall(HC_SET_CR3, 0x7ffff000u, 0, 0, 0, 0), HC_EFAULT);
	HC_CASE("cr3 misaligned: EINVAL", hcall(HC_SET_CR3, (uint32_t)kernel_pd + 4, 0, 0, 0, 0), HC_EINVAL);
	HC_CASE("tlb flush of kind 2: EINVAL", hcall(HC_FLUSH_TLB, 2, 0, 0, 0, 0), HC_EINVAL);
	HC_CASE("cr0.pg without pe, cr4.pae: EINVAL",
		hcall(HC_SET_CR0_CR4, 0x80000000u, 0, 0, 0, 0) | hcall(HC_SET_CR0_CR4, 0x80000011u, 0x20, 0, 0, 0),
		HC_EINVAL);
	HC_CASE("stack with rpl 0: EPERM", hcall(HC_SET_STACK, SEL_KDATA & ~3u, 0x7000, 0, 0, 0), HC_EPERM);
	HC_CASE("upcall entries in the hypervisor: EFAULT",
		hcall(HC_SET_UPCALL, 0xfd100000u, 0xfd100000u, 0x8000, 0, 0), HC_EFAULT);
	HC_CASE("unmap of 0 pages, wrapping: EINVAL",
		hcall(HC_UNMAP, 0x1000, 0, 0, 0, 0) | hcall(HC_UNMAP, 0xfffff000u, 2, 0, 0, 0), HC_EINVAL);
	HC_CASE("direct gate on #PF: EPERM", hcall(HC_DIRECT_GATE, 14, 0, 0, 0, 0), HC_EPERM);
	HC_CASE("direct gate on vector 256: EINVAL", hcall(HC_DIRECT_GATE, 0x100, 0, 0, 0, 0), HC_EINVAL);
}

/* Descriptors the IPVMM would never pass: the hypervisor's own check. */
static void hc_desc(void)
{
	HC_CASE("descriptor: call gate into ring 0: EPERM",
		hcall(HC_LOAD_DESC, 0, 20, 0x0000ec00u, 0x00080000u, 0), HC_EPERM);
	HC_CASE("descriptor: tss: EPERM", hcall(HC_LOAD_DESC, 0, 20, 0x00008900u, 0x00000067u, 0), HC_EPERM);
	HC_CASE("descriptor: index 0 and the hypervisor's 256: EINVAL",
		hcall(HC_LOAD_DESC, 0, 0, 0x0040b200u, 0xffffu, 0) | hcall(HC_LOAD_DESC, 0, 256, 0x0040b200u, 0xffffu, 0),
		HC_EINVAL);
}

void attack_hypercalls(void)
{
	CHECKF(hc_find_gadget(), "hcall", "the ipvmm's int $0x82 is readable in its text", "no gadget");
	HC_CASE("version through the ipvmm's instruction", hcall(HC_VERSION, 0, 0, 0, 0, 0), HC_ABI_VERSION);
	hc_console();
	hc_cpu();
	hc_desc();
}
