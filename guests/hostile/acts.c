/* The attacks whose outcome is the end of this guest, one per fresh guest,
 * chosen by act=NAME on its command line (docs/hostile.md). Each prints
 * "hostile: act NAME", then attacks; the test asserts the hypervisor's
 * recorded kill reason. If the guest's own handler gets a fault instead
 * (where the emulator checks segment limits, Bochs), the act prints it and
 * the guest exits with status 1; if nothing stops it, "survived", status 17. */
#include "hostile.h"
#include "x86.h"

#define PTE_PS 0x080u
#define CR4_PSE 0x010u
#define EF_TF 0x100u
#define EF_NT 0x4000u
#define EF_VM 0x20000u
#define IPVMM_DATA 0xfc801000u       /* the data window after the shared page */
#define IPVMM_DATA_END 0xfc80c000u   /* 48 KiB window */
#define IPVMM_SHARED 0xfc800000u
#define FAR_PDE 0x200u               /* 0x80000000 */

static void a_hvwrite(void) { *(volatile uint32_t *)0xfd100000u = 0xdeadbeef; }
static void a_hvtext(void) { *(volatile uint32_t *)0xfd101000u = 0xdeadbeef; }
static void a_hvread(void) { (void)*(volatile uint32_t *)0xfd400000u; }

/* A page-table entry, and a 4 MiB page, far past any partition. */
static void a_ptepast(void)
{
	vm_map(kernel_pd, FAR_PDE << 22, 0x7ff00000u, PTE_W);
	invlpg(FAR_PDE << 22);
	(void)*(volatile uint32_t *)(FAR_PDE << 22);
}
static void a_psepast(void)
{
	write_cr4(read_cr4() | CR4_PSE);
	kernel_pd[FAR_PDE] = 0x7fc00000u | PTE_PS | PTE_W | PTE_P;
	invlpg(FAR_PDE << 22);
	(void)*(volatile uint32_t *)(FAR_PDE << 22);
}

/* A ring-3 process whose kernel stack (TSS esp0) is the hypervisor's. */
static void a_esp0hv(void)
{
	struct proc *p = proc_new(UPROG(ring3));
	if (p) {
		p->esp0 = 0xfd100000u;
		proc_run_all(20 * HZ);
	}
}

/* A hostile IPVMM under the real one: its private state (virtual CPU,
 * device models, stack) overwritten, then instructions it emulates. */
static void fill(uint32_t from, uint32_t to, uint8_t b)
{
	for (volatile uint8_t *p = (uint8_t *)from; p < (uint8_t *)to; p++)
		*p = b;
}
static void ipvmm_work(void)
{
	cli();
	(void)inb(0x21);
	sti();
	puts_("hostile: the ipvmm ran on\n");
}
static void a_ipvmmff(void) { fill(IPVMM_DATA, IPVMM_DATA_END, 0xff); ipvmm_work(); }
static void a_ipvmm00(void) { fill(IPVMM_DATA, IPVMM_DATA_END, 0x00); ipvmm_work(); }
static void a_shared(void) { fill(IPVMM_SHARED, IPVMM_DATA, 0xff); ipvmm_work(); }

static void a_triple(void) { probe_bad_stack(); }
static void a_clihlt(void) { __asm__ volatile("cli; hlt"); }
static void a_vm86(void) { (void)iret_read(0x00000002u | EF_VM); }
static void a_nt(void) { (void)iret_read(0x00000002u | EF_NT); }
static void a_tf(void) { (void)popf_read(0x00000002u | EF_TF); }
/* Pushes until the stack runs off its last mapped page (page 0 is not). */
static void a_stack(void) { __asm__ volatile("movl $0x1800, %%esp; 1: pushl $0; jmp 1b" ::: "memory"); }
static void a_cr3past(void) { write_cr3(0x7ffff000u); }

static const struct { const char *name; void (*fn)(void); } acts[] = {
	{ "act=hvwrite", a_hvwrite }, { "act=hvtext", a_hvtext }, { "act=hvread", a_hvread },
	{ "act=ptepast", a_ptepast }, { "act=psepast", a_psepast }, { "act=esp0hv", a_esp0hv },
	{ "act=ipvmmff", a_ipvmmff }, { "act=ipvmm00", a_ipvmm00 }, { "act=shared", a_shared },
	{ "act=triple", a_triple }, { "act=clihlt", a_clihlt }, { "act=vm86", a_vm86 },
	{ "act=nt", a_nt }, { "act=tf", a_tf }, { "act=stack", a_stack },
{ "act=cr3past", a_cr3past },
};

static void run_act(uint32_t i) { acts[i].fn(); }

bool act_run(const char *cmdline)
{
	for (uint32_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (!has_word_(cmdline, acts[i].name))
			continue;
		printf_("hostile: %s\n", acts[i].name);
		catch_reset();
		if (hprobe(run_act, i)) {
			printf_("hostile: %s caught vector %u error %x\n", acts[i].name, catch_.vec, catch_.err);
			testos_exit(false);
		}
		printf_("hostile: %s survived\n", acts[i].name);
		return true;
	}
	return false;
}
