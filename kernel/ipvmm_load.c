/*
 * The IPVMM wired into each guest (docs/ipvmm.md, "1. Load"). The IPVMM's
 * text is one read-only copy in the image, mapped by shadow_phys_build; its
 * data window (shared page, data, bss) is a template in the image of which
 * every guest gets a private copy in the tail of its own partition:
 *
 *   guest-physical  0 .. ram            the guest's RAM (Multiboot mmap)
 *                   ram .. +win         data window copy, also mapped at
 *                                       IPVMM_SHARED_ADDR
 *                   .. size             .afterburn records, guest-physical
 *
 * The tail is the guest's own memory (the IPVMM is in its trust domain): the
 * guest is not told about it, but could reach it, as it could reach the
 * window itself. The records must lie below IPVMM_BASE because the IPVMM
 * reads them as guest memory.
 *
 * The window's first page is the guest's shared page (struct ipvmm_shared):
 * g->shared points at it through a kmap slot held for the guest's life, so
 * kernel/events.c writes `pending`, `sti_hook` and the time into the page
 * the IPVMM reads. Every guest gets the window (test guests use the shared
 * page with ipvmm=self); every guest but those starts at burn_start, with
 * or without .afterburn records (the IPVMM's #GP fallback emulates what
 * no record names).
 */
#include "guest.h"
#include "shadow.h"
#include "guest_mem.h"
#include "events.h"
#include "vm.h"
#include "guest_elf.h"
#include "ipvmm_load.h"
#include "ipvmm/shared.h"
#include "ipvmm/image.h"
#include "afterburn_classes.h"
#include "hv.h"
#include "gdt.h"
#include "mm.h"
#include "trap.h"
#include "x86.h"
#include "log.h"
#include "fmt.h"
#include "clock.h"
#include "rtc.h"

#define MIB (1024u * 1024u)

_Static_assert(IPVMM_SHARED_ADDR == IPVMM_BASE + 0x800000u, "shared.h and layout.h agree");

static uint32_t rewrite_mode;      /* 0 previrt, 1 trap (hypervisor cmdline) */
static uint32_t wallclock;         /* Unix time read from the RTC at load */

static uint32_t page_up(uint32_t x)
{
	return (x + PAGE_SIZE - 1) & ~(uint32_t)(PAGE_SIZE - 1);
}

static uint32_t dwin_size(void)
{
	return (uint32_t)(uintptr_t)__ipvmm_dwin_size;
}

/* --- options ------------------------------------------------------------------ */

void ipvmm_load_options(const char *hv_cmdline)
{
	struct hv_options o;
	cmdline_parse(hv_cmdline, &o);
	rewrite_mode = o.rewrite_trap ? 1 : 0;
	/* Guest time is kernel/events.c's (the TSC since the guest started,
	 * its scale in the shared page at start): the clock its
	 * HC_SET_TIMER deadlines are compared with. */
	wallclock = rtc_read();
	pr_info("ipvmm: text %u KiB shared, data window %u KiB per guest, rewrite=%s, "
		"wallclock %u\n", (uint32_t)(uintptr_t)__ipvmm_size / 1024,
		dwin_size() / 1024, rewrite_mode ? "trap" : "previrt", wallclock);
}

/* --- decode: place the tail -------------------------------------------------- */

int ipvmm_load_reserve(struct guest *g, const struct guest_image *gi, const char **why)
{
	struct ipvmm_tail *t = &g->tail;
	uint32_t need = dwin_size() + page_up(gi->ab_count * 8u);
	if (gi->ab_count > g->mem.size / 8 || need >= g->mem.size || g->mem.size - need < 2 * MIB)
		return *why = "no room for the IPVMM data window and afterburn records", -1;
	t->ram = t->win = g->mem.size - need;
	t->records = t->win + dwin_size();
	for (unsigned k = 0; k < gi->nseg; k++)
		if (gi->seg[k].paddr + gi->seg[k].memsz > t->ram)
			return *why = "segment overlaps the IPVMM data window at the partition's end", -1;
	return 0;
}

uint32_t ipvmm_guest_ram(const struct guest *g)
{
	return g->tail.ram;
}

/* --- act: copy, fill, map ------------------------------------------------------ */

int ipvmm_runs(const struct guest *g)
{
	return !g->ipvmm_self && !g->no_ipvmm;
}

/* The data window, and the virtual TLB's filter the backend's invlpg
 * reads (kernel/vtlb.c), in the window's page table. */
static int map_window(struct guest *g, struct shadow *s)
{
	if (shadow_map_guest(s, IPVMM_SHARED_ADDR, g->mem.base + g->tail.win, dwin_size()) < 0)
		return -1;
	return vtlb_map_filter(g);
}

int ipvmm_load_setup(struct guest *g, const void *img, const struct guest_image *gi,
		     const char **why)
{
	const struct ipvmm_tail *t = &g->tail;
	struct afterburn_record buf[64];
	uint32_t n = 0;

	/* The template (data initialised, bss zero: it is in the image). */
	if (guest_phys_write(g, t->win, phys_to_virt((uint32_t)(uintptr_t)__ipvmm_dwin_load_phys),
			     dwin_size()) < 0)
		return *why = "IPVMM data window copy failed", -1;
	/* Records as guest-physical addresses: the IPVMM rewrites with the
	 * guest's paging off (physical-mode shadow). */
	for (uint32_t i = 0; i < gi->ab_count; i++) {
		guest_elf_site(img, gi, i, &buf[n].start, &buf[n].end);
		if (++n == 64 || i + 1 == gi->ab_count) {
			if (guest_phys_write(g, t->records + (i + 1 - n) * 8u, buf, n * 8u) < 0)
				return *why = "afterburn record copy failed", -1;
			n = 0;
		}
	}
	/* In the physical-mode shadow only: the virtual TLB's shadows copy
	 * its page directory entries of the hole (kernel/vtlb.c), so the
	 * window is the same in every address space of the guest. */
	if (map_window(g, &g->mem.phys) < 0)
		return *why = "shadow page-table pool empty (CONFIG_SHADOW_POOL_PAGES)", -1;
	/* Last, so no failure after it leaks the slot. */
	struct ipvmm_shared *sh = kmap(g->mem.base + t->win);
	if (!sh)
		return *why = "no kmap slot for the shared page", -1;
	g->shared = sh;
	sh->afterburn_start = t->records;
	sh->afterburn_count = gi->ab_count;
	sh->link_offset = gi->link_offset;
	sh->tsc_khz = (uint32_t)(clock_tsc_hz / 1000);
	sh->rewrite_mode = rewrite_mode;
	sh->wallclock_s = wallclock;
	return 0;   /* time: guest_clock_start() */
}

/* --- start --------------------------------------------------------------------- */

void ipvmm_start_frame(struct guest *g, struct trap_frame *f)
{
	struct ipvmm_upcall_state s;
	uint32_t at = (uint32_t)(uintptr_t)ipvmm_stack_top - sizeof(s);

	upcall_state_of(&s, f, 0, 0, 0);
	s.eflags = EF_RSV1;       /* the guest's own: IF=0, as GRUB hands over */
	if (guest_phys_write(g, g->tail.win + (at - IPVMM_SHARED_ADDR), &s, sizeof(s)) < 0)
		kill_guest(g, "IPVMM start state did not fit its data window");
	f->eip = (uint32_t)(uintptr_t)burn_start;
	f->esp = at;              /* f->eflags keeps the real IF=1, IOPL=0 */
}

int ipvmm_exit_is_kill(struct guest *g, uint32_t status)
{
	const struct ipvmm_shared *sh = g->shared;
	uint32_t code = status & 0xffffu;
	if (!ipvmm_runs(g) || (status & 0xffff0000u) != IPVMM_STOP)
		return 0;         /* a test guest's own status, or an ordinary one */
	if (code == IPVMM_FAIL_VERSION)
		kill_guest(g, "IPVMM refused the hypercall ABI version");
	else if (code == IPVMM_FAIL_REWRITE && sh->sites_failed)
		kill_guest(g, "IPVMM could not rewrite the afterburn site at %08x (%u of %u rewritten)",
			   sh->first_bad_site, sh->sites_rewritten, sh->afterburn_count);
	else if (code == IPVMM_FAIL_REWRITE)
		kill_guest(g, "IPVMM refused an afterburn record (%u of %u rewritten)",
			   sh->sites_rewritten, sh->afterburn_count);
	else if (code == IPVMM_FATAL_HLT_CLI)
		kill_guest(g, "IPVMM: hlt with interrupts disabled (the guest stopped itself)");
	else if (code == IPVMM_FATAL_CR3)
		kill_guest(g, "IPVMM: mov to cr3 of a page directory outside the partition");
	else if (code == IPVMM_FATAL_TRIPLE)
		kill_guest(g, "IPVMM: triple fault");
	else
		kill_guest(g, "IPVMM stopped the guest (code %#x)", code);
	return 1;
}

/* When a guest stops: the unpadded sensitive instructions its IPVMM
 * counted (shared.h). The page is guest memory: every field is bounded
 * and the names are printed as at most 8 printable characters. */
/* The direct system-call gate's use (docs/security.md): entries taken
 * without the emulated delivery, and emulated ones; the iret fast path's
 * returns (guest-written counts). */
void ipvmm_report_direct(const struct guest *g)
{
	const struct ipvmm_shared *sh = g->shared;
	if (sh && g->v.direct_vec)
		pr_info("ipvmm: guest %s: direct gate %02x: %u entries direct, %u emulated\n", g->name,
			g->v.direct_vec, sh->direct_fast, sh->direct_slow);
	/* burn_iret's fast path (ipvmm/burn.asm): returns to user mode
	   without the emulated iret (guest-written count). */
	if (sh && ipvmm_runs(g)) {
		pr_info("ipvmm: guest %s: iret fast path: %u returns to user mode, %u to the kernel\n",
			g->name, sh->iret_fast, sh->iret_fast_kernel);
		/* burn_pf_direct (ipvmm/direct_pf.asm) */
		pr_info("ipvmm: guest %s: #PF: %u delivered direct, %u emulated\n",
			g->name, sh->pf_fast, sh->pf_slow);
	}
}

void ipvmm_report_raw_traps(const struct guest *g)
{
	const struct ipvmm_shared *sh = g->shared;
	if (!sh || !ipvmm_runs(g))
		return;
	uint32_t sites = sh->raw_trap_sites, n = sites < IPVMM_RAW_TRAP_SLOTS ? sites : IPVMM_RAW_TRAP_SLOTS;
	pr_info("raw traps: guest %s: %u unpadded sensitive sites trapped (%u emulated in all)\n",
		g->name, sites, sh->n_gp_emul);
	for (uint32_t i = 0; i < n; i++) {
		char op[9];
		for (unsigned k = 0; k < 8; k++) {
			char c = sh->raw_traps[i].op[k];
			op[k] = c >= 0x20 && c < 0x7f ? c : 0;
		}
		op[8] = 0;
		if (sh->raw_traps[i].eip == IPVMM_RAW_TRAP_USER)
			pr_info("raw trap: guest %s: %s in user mode x%u\n", g->name, op,
				sh->raw_traps[i].count);
		else
			pr_info("raw trap: guest %s: %s at %08x x%u\n", g->name, op,
				sh->raw_traps[i].eip, sh->raw_traps[i].count);
	}
	if (sites > n)
		pr_info("raw traps: guest %s: %u more sites not kept\n", g->name, sites - n);
}
