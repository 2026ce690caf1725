/*
 * Loading a Linux guest (docs/linux.md, "Under the hypervisor"): the
 * vmlinux is an ELF like any guest's (kernel/guest_elf.c checked it); what
 * differs is the hand-over. Instead of Multiboot's info the guest gets the
 * zero page of the 32-bit boot protocol (kernel/linux_boot.c) with an e820
 * map of its own partition, its command line and its initramfs, which the
 * loader copies to the top of the guest's RAM as boot loaders do.
 *
 * The hypervisor's hole at the top of the address space is kept out of
 * Linux's way by "reservetop=", put in front of the guest's own command
 * line: Linux then moves its fixmap and vmalloc area below it. The e820
 * map also says the hole and the IPVMM's tail are not RAM. "tsc=reliable"
 * says what this platform's TSC is: the real, constant-rate counter the
 * guest's clock runs on (its frequency in CPUID leaf 0x15), while the PIT
 * model Linux would check it against misses the ticks of a descheduled
 * guest.
 */
#include "guest.h"
#include "guest_mem.h"
#include "linux_boot.h"
#include "ipvmm_load.h"
#include "layout.h"
#include "mm.h"
#include "fmt.h"
#include "log.h"
#include "hv.h"
#include "linux_load.h"

#define LINUX_ZERO_PAGE 0x9000u     /* low, where a boot loader puts it */
#define LINUX_CMDLINE   0xa000u     /* the page after it */
#define LOW_MEM_END     GUEST_LOW_MEM_END
#define MIB             (1024u * 1024u)
_Static_assert(LINUX_CMDLINE + LB_CMDLINE_MAX <= LOW_MEM_END, "boot data in low memory");

/* A word of s starting with prefix ("root=" in "quiet root=/dev/sda"). */
static int has_word_prefix(const char *s, const char *prefix)
{
	const char *w;
	unsigned len, n = 0;
	while (prefix[n])
		n++;
	while ((w = cmdline_next_word(&s, &len))) {
		unsigned i = 0;
		while (i < n && i < len && w[i] == prefix[i])
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

/* Everything Linux is told, before any byte is copied; *why on refusal. */
int linux_place(struct guest *g, uint32_t highest, uint32_t initrd_len, const char **why)
{
	uint32_t ram = ipvmm_guest_ram(g);
	if (!initrd_len && !has_word_prefix(g->cmdline, "root="))
		return *why = "a Linux guest needs its initramfs (a module with initrd-for=NAME)", -1;
	g->linux_boot = 1;
	g->mbi = LINUX_ZERO_PAGE;
	g->initrd_len = initrd_len;
	g->initrd = 0;
	if (!initrd_len)
		return 0;
	uint32_t at = (ram - initrd_len) & ~(uint32_t)(PAGE_SIZE - 1);
	if (initrd_len > ram || at < highest || at < MIB)
		return *why = "the initramfs does not fit mem= beside the kernel", -1;
	g->initrd = at;
	return 0;
}

static void region(struct lb_params *p, uint64_t addr, uint64_t size, uint32_t type)
{
	struct lb_region *r = &p->region[p->nregions++];
	r->addr = addr;
	r->size = size;
	r->type = type;
}

/* The zero page and the command line, written into the loaded partition. */
int linux_boot_info(struct guest *g, const void *initrd_src, const char **why)
{
	static uint8_t page[LB_ZERO_PAGE_SIZE];
	static char line[LB_CMDLINE_MAX];
	struct lb_params p = { 0 };
	uint32_t ram = ipvmm_guest_ram(g);
	unsigned n = (unsigned)fmt_snprintf(line, sizeof(line), "reservetop=%uM tsc=reliable %s",
					    (uint32_t)(0 - IPVMM_BASE) / MIB, g->cmdline);
	if (n >= sizeof(line))
		return *why = "Linux command line too long", -1;
	p.cmdline_addr = LINUX_CMDLINE;
	p.cmdline_len = n;
	p.initrd_addr = g->initrd;
	p.initrd_len = g->initrd_len;
	p.alt_mem_k = (ram - MIB) / 1024;
	region(&p, 0, LOW_MEM_END, LB_E820_RAM);
	region(&p, LOW_MEM_END, 0x100000u - LOW_MEM_END, LB_E820_RESERVED);
	region(&p, MIB, ram - MIB, LB_E820_RAM);
	region(&p, ram, g->mem.size - ram, LB_E820_RESERVED);      /* the IPVMM's tail */
	region(&p, IPVMM_BASE, 0x100000000ull - IPVMM_BASE, LB_E820_RESERVED);
	if (lb_zero_page(page, &p) < 0)
		return *why = "zero page does not fit the boot protocol", -1;
	if (guest_phys_write(g, LINUX_ZERO_PAGE, page, sizeof(page)) < 0 ||
	    guest_phys_write(g, LINUX_CMDLINE, line, n + 1) < 0)
		return *why = "zero page copy failed", -1;
	if (g->initrd_len && guest_phys_write(g, g->initrd, initrd_src, g->initrd_len) < 0)
		return *why = "initramfs copy failed", -1;
	pr_info("loader: guest %u '%s': Linux boot protocol, zero page %08x, initramfs %08x "
		"(%u KiB), command line '%s'\n", g->index, g->name, LINUX_ZERO_PAGE, g->initrd,
		g->initrd_len / 1024, line);
	return 0;
}
