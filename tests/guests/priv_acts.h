/*
 * The hostile guest's raw privileged instructions, one per class, without
 * an IPVMM (so each is a #GP or #UD the hypervisor sees): act=priv-NAME.
 * None may do what it asks; each is either emulated as a guest kernel in
 * ring 1 expects (cli/sti, COM1's ports) or ends only this guest with the
 * reason (tests/priv.mk lists the expected line of each).
 */
#ifndef PRIV_ACTS_H
#define PRIV_ACTS_H

static void pa_lidt(void)   { static const uint16_t z[3]; __asm__ volatile("lidt %0" : : "m"(z)); }
static void pa_ltr(void)    { __asm__ volatile("ltr %w0" : : "r"(0x810)); }
static void pa_lldt(void)   { __asm__ volatile("lldt %w0" : : "r"(0)); }
static void pa_movcr0(void) { __asm__ volatile("movl %0, %%cr0" : : "r"(0x11u)); }
static void pa_movcr3(void) { __asm__ volatile("movl %0, %%cr3" : : "r"(0x1000u)); }
static void pa_movdr7(void) { __asm__ volatile("movl %0, %%dr7" : : "r"(0x3ffu)); }
static void pa_wrmsr(void)  { __asm__ volatile("wrmsr" : : "c"(0x174u), "a"(0x800u), "d"(0u)); }
static void pa_rdmsr(void)  { uint32_t a, d; __asm__ volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(0x10u)); }
static void pa_wbinvd(void) { __asm__ volatile("wbinvd"); }
static void pa_clts(void)   { __asm__ volatile("clts"); }
static void pa_invlpg(void) { __asm__ volatile("invlpg (%0)" : : "r"(0x1000u) : "memory"); }
static void pa_lmsw(void)   { __asm__ volatile("lmsw %w0" : : "r"(0)); }
static void pa_outpic(void) { __asm__ volatile("outb %%al, $0x21" : : "a"(0xffu)); }
static void pa_inpit(void)  { uint8_t v; __asm__ volatile("inb $0x40, %0" : "=a"(v)); }
static void pa_hltvif(void) { __asm__ volatile("cli; hlt"); }
static void pa_popfiopl(void)
{
	/* popf in ring 1 with IOPL 0 cannot raise IOPL (nor clear IF): the
	 * flags read back unchanged, and the guest goes on. */
	uint32_t before, after;
	__asm__ volatile("pushfl; popl %0" : "=r"(before));
	__asm__ volatile("pushl %0; popfl" : : "r"(before | 0x3000u) : "cc");
	__asm__ volatile("pushfl; popl %0" : "=r"(after));
	check("popf cannot raise IOPL", (int32_t)(after & 0x3000u), (int32_t)(before & 0x3000u));
}

/* EFLAGS and stacks a guest kernel may set in ring 1 on its own. */
static void pa_stackwrap(void)
{
	/* ESP just above 0: the third push lands at 0xFFFFFFFC, in the hole
	 * (#SS past the limit on Bochs, #PF on QEMU: never the hypervisor). */
	__asm__ volatile("movl %%esp, %%edi; movl $8, %%esp; pushl $1; pushl $2; pushl $3; movl %%edi, %%esp"
			 : : : "edi", "memory");
}
static void pa_ntiret(void)
{
	/* NT set by popf (allowed at any CPL), then iret: a task return
	 * through the TSS back link, which names no task. */
	__asm__ volatile("pushfl; orl $0x4000, (%%esp); popfl; pushfl; pushl %%cs; pushl $1f; iret; 1:"
			 : : : "memory", "cc");
}
static void pa_tfpopf(void)
{
	/* TF set by popf: a #DB after the next instruction, the guest's own. */
	__asm__ volatile("pushfl; orl $0x100, (%%esp); popfl; nop; pushfl; andl $~0x100, (%%esp); popfl"
			 : : : "memory", "cc");
}
static void pa_sysenter(void) { __asm__ volatile("sysenter" : : : "memory"); }
static void pa_idtwrite(void)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idt;
	__asm__ volatile("sidt %0" : "=m"(idt));
	*(volatile uint32_t *)idt.base = 0;   /* the hypervisor's IDT: read-only, or beyond the limit */
}
static void pa_acunaligned(void)
{
	/* AC only checks alignment at CPL 3: in ring 1 nothing happens. */
	static volatile uint8_t buf[8];
	__asm__ volatile("pushfl; orl $0x40000, (%%esp); popfl" : : : "cc");
	*(volatile uint32_t *)(buf + 1) = 0x12345678;
	__asm__ volatile("pushfl; andl $~0x40000, (%%esp); popfl" : : : "cc");
	check("ac: unaligned store in ring 1", (int32_t)*(volatile uint32_t *)(buf + 1), 0x12345678);
}

static const struct { const char *act; void (*fn)(void); } priv_acts[] = {
	{ "act=priv-stackwrap", pa_stackwrap }, { "act=priv-ntiret", pa_ntiret },
	{ "act=priv-tfpopf", pa_tfpopf },       { "act=priv-sysenter", pa_sysenter },
	{ "act=priv-idtwrite", pa_idtwrite },   { "act=priv-acunaligned", pa_acunaligned },
	{ "act=priv-lidt", pa_lidt },     { "act=priv-ltr", pa_ltr },
	{ "act=priv-lldt", pa_lldt },     { "act=priv-movcr0", pa_movcr0 },
	{ "act=priv-movcr3", pa_movcr3 }, { "act=priv-movdr7", pa_movdr7 },
	{ "act=priv-wrmsr", pa_wrmsr },   { "act=priv-rdmsr", pa_rdmsr },
	{ "act=priv-wbinvd", pa_wbinvd }, { "act=priv-clts", pa_clts },
	{ "act=priv-invlpg", pa_invlpg }, { "act=priv-lmsw", pa_lmsw },
	{ "act=priv-outpic", pa_outpic }, { "act=priv-inpit", pa_inpit },
	{ "act=priv-hltvif", pa_hltvif }, { "act=priv-popfiopl", pa_popfiopl },
};

/* Returns 1 and the exit status in *status if cmd named one of these. */
static int priv_act(const char *cmd, int *status)
{
	for (unsigned i = 0; i < sizeof(priv_acts) / sizeof(priv_acts[0]); i++)
		if (has_word(cmd, priv_acts[i].act)) {
			puts_hc("hostile: ");
			puts_hc(priv_acts[i].act + 4);
			puts_hc("\n");
			priv_acts[i].fn();
			puts_hc("hostile: went on after it\n");
			*status = failed ? 1 : 0;
			return 1;
		}
	return 0;
}

#endif
