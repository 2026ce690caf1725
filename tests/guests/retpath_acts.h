/*
 * The hostile guest's return-path acts (docs/security.md): state
 * a guest may legally hold that the hypervisor's way back (trap_return's
 * pops and iretd in ring 0) must survive (kernel/retpath.c):
 *   act=stale-es   load ES from GDT entry 9, then make the entry null
 *                  through HC_LOAD_DESC; the next hypercall's return must
 *                  hand ES back null and the guest goes on -> exit 0
 *   act=stale-np   the same with the entry replaced by a not-present
 *                  data segment, in FS
 *   act=stale-xo   the same with an execute-only code segment, in GS
 *   act=stale-ss   run on a stack segment from entry 10, then make the
 *                  entry read-only data -> killed, "cannot return: ss ..."
 *   act=stale-cs   far-jump into a code segment from entry 11, then make
 *                  the entry null -> killed, "cannot return: cs ..."
 *   act=eip-limit  a trapped `cli` as the last byte of a code segment (entry
 *                  12, its limit the end of that page): the emulation's
 *                  EIP lands past the limit -> killed, #GP "past the cs
 *                  limit" (before: iretd faulted in ring 0; Bochs triple-
 *                  faulted, QEMU, which checks no limits, ran on into ud2)
 *   act=vm86       iret with EFLAGS.VM set: QEMU enters virtual-8086 mode
 *                  (-> killed at its next trap, "entered virtual-8086
 *                  mode"); hardware and Bochs ignore VM at CPL 1 and fault
 *                  on the real-mode CS (-> killed, #GP)
 * Before the fix each of these reset the machine (a ring-0 fault on the
 * guest's shadow CR3, taken for the hypervisor's own: a triple fault).
 */
#ifndef RETPATH_ACTS_H
#define RETPATH_ACTS_H

#define RA_FLAT_DATA 0x00cfb200u   /* P, DPL 1, S, data RW, 4 GiB G=1 (clipped) */
#define RA_FLAT_CODE 0x00cfba00u   /* P, DPL 1, S, code RX */

static uint16_t ra_sel(unsigned index)
{
	return (uint16_t)(index << 3 | 1);
}

/* Load entry 9 into one data register, replace the entry, make a
 * hypercall, and report what the register holds after its return. */
static int ra_stale_data(const char *reg, uint32_t new_hi)
{
	uint16_t sel = ra_sel(9), after = 0xffff;
	char num[] = "........\n";
	check("stale: install entry 9", hc5(HC_LOAD_DESC, 0, 9, RA_FLAT_DATA, 0xffffu, 0), 2);
	if (reg[0] == 'e')
		__asm__ volatile("movw %0, %%es" : : "r"(sel));
	else if (reg[0] == 'f')
		__asm__ volatile("movw %0, %%fs" : : "r"(sel));
	else
		__asm__ volatile("movw %0, %%gs" : : "r"(sel));
	/* The replacement's own return is the first one to see it. */
	int32_t r = hc5(HC_LOAD_DESC, 0, 9, new_hi, new_hi ? 0xffffu : 0, 0);
	check("stale: replace entry 9", r < 0 ? r : 0, 0);
	if (reg[0] == 'e')
		__asm__ volatile("movw %%es, %0" : "=r"(after));
	else if (reg[0] == 'f')
		__asm__ volatile("movw %%fs, %0" : "=r"(after));
	else
		__asm__ volatile("movw %%gs, %0" : "=r"(after));
	hex(num, after);
	puts_hc("hostile: stale selector after the return: ");
	puts_hc(num + 4);   /* the low 16 bits */
	check("stale: register handed back null", after & 0xfffc, 0);
	return failed ? 1 : 0;
}

static void ra_stale_ss(void)
{
	static uint8_t stack[256] __attribute__((aligned(16)));
	static uint32_t ss_sel, stack_top, saved_esp;
	ss_sel = ra_sel(10);
	stack_top = (uint32_t)(stack + sizeof(stack));
	check("stale ss: install entry 10", hc5(HC_LOAD_DESC, 0, 10, RA_FLAT_DATA, 0xffffu, 0), 2);
	puts_hc("hostile: switching to ss 0x51, then making it read-only\n");
	/* Read-only data at DPL 1 (type 0): a valid descriptor, but not a stack. */
	__asm__ volatile("movl %%esp, %2\n\t"
			 "movw %0, %%ss\n\t"
			 "movl %1, %%esp\n\t"
			 "movl %3, %%eax\n\t"
			 "movl $0, %%ebx\n\t"
			 "movl $10, %%ecx\n\t"
			 "movl $0x00cfb000, %%edx\n\t"
			 "movl $0xffff, %%esi\n\t"
			 "int $0x82\n\t"
			 "movl %2, %%esp"
			 : : "m"(ss_sel), "m"(stack_top), "m"(saved_esp), "i"(HC_LOAD_DESC)
			 : "eax", "ebx", "ecx", "edx", "esi", "memory");
}

static void ra_stale_cs(void)
{
	check("stale cs: install entry 11", hc5(HC_LOAD_DESC, 0, 11, RA_FLAT_CODE, 0xffffu, 0), 2);
	puts_hc("hostile: running on cs 0x59, then making its entry null\n");
	__asm__ volatile("ljmp $0x59, $1f\n1:\n\t"
			 "movl %0, %%eax\n\t"
			 "movl $0, %%ebx\n\t"
			 "movl $11, %%ecx\n\t"
			 "xorl %%edx, %%edx\n\t"
			 "xorl %%esi, %%esi\n\t"
			 "int $0x82"
			 : : "i"(HC_LOAD_DESC) : "eax", "ebx", "ecx", "edx", "esi", "memory");
}

/* An iret frame for virtual-8086 mode: EIP, CS, EFLAGS with VM, ESP, SS,
 * ES, DS, FS, GS; CS:IP = 0900:0000, linear 0x9000, holds `jmp .`. */
static void ra_vm86(void)
{
	volatile uint8_t *loop = (volatile uint8_t *)0x9000;
	loop[0] = 0xeb;
	loop[1] = 0xfe;
	puts_hc("hostile: iret with EFLAGS.VM set\n");
	__asm__ volatile("pushl $0\n\tpushl $0\n\tpushl $0\n\tpushl $0\n\t"
			 "pushl $0x0900\n\tpushl $0x0ff0\n\t"
			 "pushl $0x00020202\n\t"
			 "pushl $0x0900\n\tpushl $0\n\t"
			 "iret" : : : "memory");
}

/* 4094 nops and an rdtsc closing one page: the code segment of entry 12
 * ends with that page. With CR4.TSD set rdtsc is the one instruction the
 * hypervisor itself emulates for a ring-1 guest (kernel/vm.c ring1_rdtsc;
 * everything else is the IPVMM's), and stepping past it leaves CS. */
__asm__(".pushsection .text.ra_sled, \"ax\"\n"
	".balign 4096\n"
	".globl ra_sled\n"
	"ra_sled:\n"
	".fill 4094, 1, 0x90\n"
	"rdtsc\n"
	"ud2\n"
	".popsection");
extern char ra_sled[];

static void ra_eip_limit(void)
{
	uint32_t lim = (uint32_t)ra_sled >> 12;   /* in pages: G=1 */
	uint32_t hi = 0x00c0ba00u | (lim & 0xf0000u), lo = lim & 0xffffu;
	static struct { uint32_t off; uint16_t sel; } __attribute__((packed)) target;
	check("eip limit: install entry 12", hc5(HC_LOAD_DESC, 0, 12, hi, lo, 0), 0);
	check("eip limit: CR4.TSD", hc(HC_SET_CR0_CR4, 0x11, 0x4), 0);
	target.off = (uint32_t)ra_sled;
	target.sel = ra_sel(12);
	puts_hc("hostile: a trapped rdtsc as the last bytes of cs 0x61\n");
	__asm__ volatile("ljmp *%0" : : "m"(target) : "memory");
}

/* Returns 1 and the exit status in *status if cmd named one of these. */
static int retpath_act(const char *cmd, int *status)
{
	if (has_word(cmd, "act=stale-es"))
		*status = ra_stale_data("es", 0);
	else if (has_word(cmd, "act=stale-np"))
		*status = ra_stale_data("fs", 0x00cf3200u);   /* P=0 */
	else if (has_word(cmd, "act=stale-xo"))
		*status = ra_stale_data("gs", 0x00cfb800u);   /* code, not readable */
	else if (has_word(cmd, "act=stale-ss"))
		ra_stale_ss(), *status = 3;
	else if (has_word(cmd, "act=stale-cs"))
		ra_stale_cs(), *status = 3;
	else if (has_word(cmd, "act=eip-limit"))
		ra_eip_limit(), *status = 3;
	else if (has_word(cmd, "act=vm86"))
		ra_vm86(), *status = 3;
	else
		return 0;
	if (*status == 3)
		puts_hc("hostile: the return-path act was not stopped\n");
	return 1;
}

#endif
