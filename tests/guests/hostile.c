/*
 * A hostile guest: bad hypercall arguments must come back as the documented
 * errors (docs/hypercalls.md), then, chosen by its command line, one act
 * that must get only this guest killed with a recorded reason:
 *   act=lgdt     a ring-0 instruction            -> unhandled sensitive instruction 0f 01
 *   act=hvwrite  a store to the hypervisor at 0xFD100000, beyond the segment
 *                limit: #GP on real hardware and Bochs; QEMU's TCG does not
 *                check segment limits, there the shadow page tables stop it
 *                (#PF, not mapped; docs/ipvmm.md "Protection on QEMU")
 *   act=hvtext   a store to the hypervisor's text at 0xFD101000 (mapped
 *                read-only for the trap entry: #PF on QEMU)
 *   act=hvread   a load from 0xFD400000, the direct map of machine 4 MiB,
 *                where the first guest partition lives (#PF on QEMU)
 *   act=pf       a load beyond its partition     -> #PF with cr2
 *   act=int80    a software interrupt with no gate -> #GP error 0x402
 *   act=hlt      cli; hlt                        -> hlt with interrupts disabled
 *   (none)       exit 0 after the checks
 */
#include "guest.h"

static int failed;

static void check(const char *what, int32_t got, int32_t want)
{
	char num[] = " got ........ want ........";
	hex(num + 5, (uint32_t)got);
	hex(num + 19, (uint32_t)want);
	puts_hc(got == want ? "hostile: ok   " : "hostile: FAIL ");
	puts_hc(what);
	puts_hc(num);
	puts_hc("\n");
	failed += got != want;
}

int gmain(uint32_t magic, const struct mbi *mbi)
{
	static char buf[16] = "x";
	const char *cmd = (mbi->flags & 4) ? (const char *)mbi->cmdline : "";
	(void)magic;
	check("version", hc(HC_VERSION, 0, 0), HC_ABI_VERSION);
	check("console length 4097", hc(HC_CONSOLE_WRITE, (uint32_t)buf, HC_CONSOLE_MAX + 1), HC_EINVAL);
	check("console length -1", hc(HC_CONSOLE_WRITE, (uint32_t)buf, 0xffffffffu), HC_EINVAL);
	check("console wrap-around", hc(HC_CONSOLE_WRITE, 0xfffff800u, 0x1000), HC_EFAULT);
	check("console beyond partition", hc(HC_CONSOLE_WRITE, 0x7ffffff0u, 16), HC_EFAULT);
	check("console in the hypervisor", hc(HC_CONSOLE_WRITE, 0xfd100000u, 16), HC_EFAULT);
	check("console in the IPVMM window", hc(HC_CONSOLE_WRITE, 0xfc000000u, 16), HC_EFAULT);
	check("console empty", hc(HC_CONSOLE_WRITE, 0, 0), 0);
	check("unknown call 99", hc(99, 0, 0), HC_ENOSYS);
	check("unknown call -1", hc(0xffffffffu, 0, 0), HC_ENOSYS);
	check("HC_SET_CR3 (stage 3)", hc(HC_SET_CR3, 0, 0), HC_ENOSYS);
	puts_hc(failed ? "hostile: checks FAILED\n" : "hostile: all checks passed\n");

	if (has_word(cmd, "act=lgdt")) {
		static const uint16_t zero[3];
		puts_hc("hostile: lgdt\n");
		__asm__ volatile("lgdt %0" : : "m"(zero));
	} else if (has_word(cmd, "act=hvwrite")) {
		puts_hc("hostile: writing to 0xFD100000\n");
		*(volatile uint32_t *)0xfd100000u = 0xdeadbeef;
		puts_hc("hostile: the write to 0xFD100000 was not stopped\n");
		return 3;
	} else if (has_word(cmd, "act=hvtext")) {
		puts_hc("hostile: writing to 0xFD101000\n");
		*(volatile uint32_t *)0xfd101000u = 0xdeadbeef;
	} else if (has_word(cmd, "act=hvread")) {
		puts_hc("hostile: reading 0xFD400000\n");
		failed += *(volatile uint32_t *)0xfd400000u;
	} else if (has_word(cmd, "act=pf")) {
		puts_hc("hostile: reading 0x7ffffff0\n");
		failed += *(volatile uint32_t *)0x7ffffff0u;
	} else if (has_word(cmd, "act=int80")) {
		puts_hc("hostile: int $0x80\n");
		__asm__ volatile("int $0x80");
	} else if (has_word(cmd, "act=hlt")) {
		puts_hc("hostile: cli; hlt\n");
		__asm__ volatile("cli; hlt");
	} else {
		puts_hc("hostile: no act, exiting\n");
		return failed ? 1 : 0;
	}
	puts_hc("hostile: still alive after its act\n");
	return failed ? 1 : 0;
}
