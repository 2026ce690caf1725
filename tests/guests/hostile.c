/*
 * A hostile guest: bad hypercall arguments must come back as the documented
 * errors (docs/hypercalls.md), then, chosen by its command line, one act
 * that must get only this guest killed with a recorded reason:
 *   act=lgdt     a ring-0 instruction            -> #GP kill naming opcode 0f 01 (it runs
 *                without an IPVMM, start.S: nothing emulates it)
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
 *   late         (with an act) wait 200 ms of guest time before it
 *   act=hlt      cli; hlt                        -> #GP kill at the cli (opcode fa f4)
 *   (none)       exit 0 after the checks
 */
#include "guest.h"
#include "sched_acts.h"   /* time, scheduling, console acts: their own block */
#include "shared_acts.h"  /* the shared page corrupted, an exit while busy */

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

#include "retpath_acts.h" /* the return path's acts: their own block */
#include "priv_acts.h"    /* raw privileged instructions, one per class */

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
	/* The virtual CPU's calls validate before they act. */
	check("cr3 outside the partition", hc(HC_SET_CR3, 0x7ffff000u, 0), HC_EFAULT);
	check("cr3 at the partition end", hc(HC_SET_CR3, 4u << 20, 0), HC_EFAULT);
	check("cr3 reserved low bits", hc(HC_SET_CR3, 0x1001, 0), HC_EINVAL);
	check("flush kind 2", hc(HC_FLUSH_TLB, 2, 0), HC_EINVAL);
	check("cr0 PG without PE", hc(HC_SET_CR0_CR4, 0x80000000u, 0), HC_EINVAL);
	check("cr4 PAE", hc(HC_SET_CR0_CR4, 0x80000001u, 0x20), HC_EINVAL);
	/* DPL-0 flat code: DPL raised to 1 (1) and clipped below the hole (2). */
	check("desc DPL-0 code raised and clipped",
	      hc5(HC_LOAD_DESC, 0, 5, 0x00cf9a00u, 0x0000ffffu, 0), 3);
	check("desc DPL-1 data reaching the hole clipped",
	      hc5(HC_LOAD_DESC, 0, 6, 0x00cfb200u, 0x0000ffffu, 0), 2);
	check("desc 1 MiB DPL-1 data as is", hc5(HC_LOAD_DESC, 0, 7, 0x0040b200u, 0x0000ffffu, 0), 0);
	check("desc call gate refused", hc5(HC_LOAD_DESC, 0, 8, 0x0000ec00u, 0x00080000u, 0), HC_EPERM);
	check("desc TSS refused", hc5(HC_LOAD_DESC, 0, 8, 0x00008900u, 0x00000067u, 0), HC_EPERM);
	check("desc index 0", hc5(HC_LOAD_DESC, 0, 0, 0x0040b200u, 0x0000ffffu, 0), HC_EINVAL);
	check("desc index 256 (hypervisor's)", hc5(HC_LOAD_DESC, 0, 256, 0x0040b200u, 0xffffu, 0),
	      HC_EINVAL);
	check("desc into the LDT", hc5(HC_LOAD_DESC, 1, 5, 0x0040b200u, 0x0000ffffu, 0), 0);
	check("desc DPL-0 data into the LDT raised", hc5(HC_LOAD_DESC, 1, 7, 0x00409200u, 0x0000ffffu, 0), 1);
	check("desc past the LDT", hc5(HC_LOAD_DESC, 1, 4096, 0x0040f200u, 0x0000ffffu, 0), HC_EINVAL);
	check("desc into table 2", hc5(HC_LOAD_DESC, 2, 5, 0x0040f200u, 0x0000ffffu, 0), HC_EINVAL);
	check("call gate into the LDT", hc5(HC_LOAD_DESC, 1, 6, 0x0000ec00u, 0x00080000u, 0), HC_EPERM);
	/* The direct system-call gate: never on a hypervisor vector, never
	   for a guest without an IPVMM (its text is where the gate enters). */
	check("direct gate vector 256", hc(HC_DIRECT_GATE, 0x100, 0), HC_EINVAL);
	check("direct gate on the hypercall vector", hc(HC_DIRECT_GATE, 0x82, 0), HC_EPERM);
	check("direct gate on #PF", hc(HC_DIRECT_GATE, 14, 0), HC_EPERM);
	check("direct gate without an IPVMM", hc(HC_DIRECT_GATE, 0x80, 0xfc80f000u), HC_EPERM);
	check("direct gate none", hc(HC_DIRECT_GATE, 0, 0), 0);
	{
		/* The clipped data descriptor really is in the GDT: load it. */
		static volatile uint32_t probe = 0x5eed;
		uint32_t v;
		__asm__ volatile("movw %%ds, %%dx; movw %1, %%ds; movl %2, %0; movw %%dx, %%ds"
				 : "=r"(v) : "r"((uint16_t)(6 << 3 | 1)), "m"(probe) : "edx", "memory");
		check("load the installed descriptor", (int32_t)v, 0x5eed);
	}
	check("stack RPL 0", hc(HC_SET_STACK, 0x10, 0x7000), HC_EPERM);
	check("stack on a code segment", hc(HC_SET_STACK, 5 << 3 | 1, 0x7000), HC_EPERM);
	check("stack on the installed data segment", hc(HC_SET_STACK, 6 << 3 | 1, 0x7000), 0);
	check("upcall outside the IPVMM text", hc5(HC_SET_UPCALL, 0x200000, 0x200000, 0x8000, 0, 0),
	      HC_EFAULT);
	check("upcall in the hypervisor", hc5(HC_SET_UPCALL, 0xfd100000u, 0xfd100000u, 0x8000, 0, 0),
	      HC_EFAULT);
	check("unmap 0 pages", hc(HC_UNMAP, 0x1000, 0), HC_EINVAL);
	check("unmap wrapping", hc(HC_UNMAP, 0xfffff000u, 2), HC_EINVAL);
	check("map (not implemented)", hc(HC_MAP, 0x1000, 0x1000), HC_ENOSYS);
	puts_hc(failed ? "hostile: checks FAILED\n" : "hostile: all checks passed\n");

	{
		int status;
		if (sched_act(cmd, &status))     /* tests/guests/sched_acts.h */
			return status | failed;
		if (shared_act(cmd, &status))    /* tests/guests/shared_acts.h */
			return status | failed;
		if (retpath_act(cmd, &status))   /* tests/guests/retpath_acts.h */
			return status | failed;
		if (priv_act(cmd, &status))      /* tests/guests/priv_acts.h */
			return status;
	}
	/* The act after 200 ms of guest time (beside a guest that must have
	   started first: test-guests-direct-gate). */
	if (has_word(cmd, "late")) {
		hc(HC_SET_TIMER, 0, 200000000u);
		hc(HC_WAIT, 0, 0);
	}
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
