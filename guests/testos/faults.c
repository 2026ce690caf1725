/* The fault modes: one scenario each instead of the cases, for the system
 * tests of faults the machine cannot survive or that only a VMM can get
 * wrong (docs/testos.md, "Fault modes"):
 *   triple=stack  int at CPL 0 with the stack on an unmapped page: the
 *                 frame faults, so do the #PF's and the #DF's on the same
 *                 stack: a triple fault (natively a shutdown, reset)
 *   triple=tss    a process whose TSS esp0 points at an unmapped page: its
 *                 first int $0x80 (or timer interrupt) faults on the
 *                 ring-0 stack, and so do #PF and #DF: a triple fault
 *   triple=idt    ud2 with an empty IDT (limit 0): neither the #UD nor the
 *                 #GP nor the #DF finds its gate: a triple fault
 *   lowstack      lidt with 8 bytes of mapped stack: the CPU does not use
 *                 the stack, so it returns (exit 0) */
#include "testos.h"
#include "x86.h"

void fault_run(enum fault_mode m)
{
	switch (m) {
	case FM_TRIPLE_STACK:
		puts_("fault: int at cpl 0 with the stack unmapped\n");
		probe_bad_stack();
	case FM_TRIPLE_TSS: {
		struct proc *p = proc_new(UPROG(ring3));
		if (!p)
			break;
		p->esp0 = UNMAPPED_VA + PAGE_SIZE;
		puts_("fault: ring 3 with tss esp0 unmapped\n");
		proc_run_all(20 * HZ);
		puts_("fault: the process returned\n");
		break;
	}
	case FM_TRIPLE_IDT:
		puts_("fault: ud2 with an empty idt\n");
		probe_empty_idt();
	case FM_LOW_STACK:
		probe_low_stack();
		puts_("fault: lidt with 8 bytes of stack returned\n");
		testos_exit(true);
	case FM_NONE:
		break;
	}
	testos_exit(false);
}
