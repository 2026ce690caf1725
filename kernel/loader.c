/*
 * Guest loading: every Multiboot module is a guest, except those whose
 * arguments say initrd-for=NAME (the initramfs of Linux guest NAME). A
 * guest's arguments give name=, mem= and console=; the ELF is checked in
 * full (kernel/guest_elf.c) before a partition is carved or a byte copied.
 * A refused module is reported and the others still load. A guest gets a
 * Multiboot info structure in a low page of its partition describing only
 * its own memory, as GRUB would hand it over; a vmlinux gets the Linux
 * boot protocol's zero page instead (kernel/linux_load.c).
 */
#include "guest.h"
#include "multiboot.h"
#include "shadow.h"
#include "guest_mem.h"
#include "guest_args.h"
#include "loader.h"
#include "guest_elf.h"
#include "frame.h"
#include "mm.h"
#include "log.h"
#include "fmt.h"
#include "hv.h"
#include "ipvmm_load.h"
#include "linux_load.h"

#define MIB (1024u * 1024u)
#define LOW_MEM_END GUEST_LOW_MEM_END

/* Where the Multiboot info page holds its parts (offsets in the page). */
#define MBI_OFF_MMAP    64u
#define MBI_OFF_CMDLINE 128u
_Static_assert(MBI_OFF_MMAP >= sizeof(struct mb_info_raw), "info before mmap");
_Static_assert(MBI_OFF_MMAP + 2 * sizeof(struct mb_mmap_raw) <= MBI_OFF_CMDLINE, "mmap fits");
_Static_assert(MBI_OFF_CMDLINE + CONFIG_MB_STRING_MAX <= PAGE_SIZE, "cmdline fits");

static struct guest_image image;          /* one module at a time */
static uint8_t mbi_page[PAGE_SIZE];

static void copy_str(char *d, const char *s, unsigned size)
{
	unsigned i;
	for (i = 0; i + 1 < size && s[i]; i++)
		d[i] = s[i];
	d[i] = '\0';
}

static void mmap_entry(struct mb_mmap_raw *e, uint32_t base, uint32_t len)
{
	e->size = sizeof(*e) - 4;
	e->base_lo = base;
	e->base_hi = 0;
	e->len_lo = len;
	e->len_hi = 0;
	e->type = MB_MEM_AVAILABLE;
}

/*
 * The guest-physical page of the Multiboot info. Low, where GRUB puts it:
 * kernels read it early, some (the test OS) before they map anything above
 * their first megabytes, so the last page of a large partition is no place.
 */
#define MBI_ADDR 0x9000u
_Static_assert(MBI_ADDR + PAGE_SIZE <= LOW_MEM_END, "info page in low memory");

/* The guest's Multiboot info, at MBI_ADDR. */
static int build_mbi(struct guest *g)
{
	uint32_t info = MBI_ADDR;
	struct mb_info_raw *mi = (struct mb_info_raw *)mbi_page;
	struct mb_mmap_raw *mm = (struct mb_mmap_raw *)(mbi_page + MBI_OFF_MMAP);
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		mbi_page[i] = 0;
	mi->flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MMAP;
	mi->mem_lower = LOW_MEM_END / 1024;
	uint32_t ram = ipvmm_guest_ram(g);   /* the IPVMM's tail is not RAM */
	mi->mem_upper = (ram - MIB) / 1024;
	mi->cmdline = info + MBI_OFF_CMDLINE;
	mmap_entry(&mm[0], 0, LOW_MEM_END);
	mmap_entry(&mm[1], MIB, ram - MIB);
	mi->mmap_addr = info + MBI_OFF_MMAP;
	mi->mmap_length = 2 * sizeof(*mm);
	copy_str((char *)mbi_page + MBI_OFF_CMDLINE, g->cmdline, CONFIG_MB_STRING_MAX);
	g->mbi = info;
	return guest_phys_write(g, info, mbi_page, PAGE_SIZE);
}

/* The initramfs modules (initrd-for=NAME), found before any guest loads. */
static struct initrd {
	unsigned module;
	char name[GUEST_NAME_MAX];
	uint32_t start, len;
	enum { INITRD_FREE, INITRD_TAKEN, INITRD_REFUSED } claimed;
} initrds[CONFIG_MB_MAX_MODULES];
static unsigned n_initrds;

static int is_initrd(const struct mb_module *m)
{
	struct guest_args a;
	const char *why;
	return guest_args_parse(m->args, &a, &why) == 0 && a.initrd_for[0];
}

static int names_equal(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static struct initrd *initrd_for(const char *name)
{
	for (unsigned k = 0; k < n_initrds; k++)
		if (names_equal(initrds[k].name, name))
			return &initrds[k];
	return 0;
}

/* Every initrd-for= module, checked; a bad one is refused here. */
static void find_initrds(const struct boot_info *bi)
{
	for (unsigned i = 0; i < bi->nmods; i++) {
		const struct mb_module *m = &bi->mod[i];
		struct guest_args a;
		const char *why = 0;
		if (!is_initrd(m))
			continue;
		(void)guest_args_parse(m->args, &a, &why);
		if (m->end < m->start || !phys_in_direct_map(m->start, m->end - m->start))
			why = "module outside the direct map";
		else if (m->end == m->start)
			why = "empty initramfs";
		else if (initrd_for(a.initrd_for))
			why = "a second initramfs for the same guest";
		if (why) {
			pr_err("loader: refusing module %u (initrd-for=%s): %s\n", i, a.initrd_for, why);
			continue;
		}
		struct initrd *r = &initrds[n_initrds++];
		r->module = i;
		copy_str(r->name, a.initrd_for, sizeof(r->name));
		r->start = m->start;
		r->len = m->end - m->start;
	}
}

/* After loading: an initramfs no Linux guest took is refused, loudly.
 * Returns how many were taken by guests that loaded. */
static unsigned unclaimed_initrds(void)
{
	unsigned used = 0;
	for (unsigned k = 0; k < n_initrds; k++) {
		if (initrds[k].claimed == INITRD_FREE)
			pr_err("loader: refusing module %u (initrd-for=%s): names no Linux guest\n",
			       initrds[k].module, initrds[k].name);
		else if (initrds[k].claimed == INITRD_REFUSED)
			pr_err("loader: module %u (initrd-for=%s) unused: its guest was refused\n",
			       initrds[k].module, initrds[k].name);
		else
			used++;
	}
	return used;
}

/* The Linux hand-over of a checked vmlinux: its initramfs, placed. */
static int decode_linux(struct guest *g, const char **why)
{
	struct initrd *r = initrd_for(g->name);
	if (r)
		r->claimed = INITRD_TAKEN;
	return linux_place(g, image.highest, r ? r->len : 0, why);
}

/* Everything about module i (guest slot `slot`) that can be refused,
 * before anything changes. */
static int decode(unsigned slot, const struct mb_module *m, struct guest *g, const char **why)
{
	struct guest_args a;
	fmt_snprintf(g->name, sizeof(g->name), "guest%u", slot);
	int bad = guest_args_parse(m->args, &a, why);
	if (a.name[0])           /* name the module in the refusal, if we can */
		copy_str(g->name, a.name, sizeof(g->name));
	if (bad < 0)
		return -1;
	copy_str(g->cmdline, a.rest, sizeof(g->cmdline));
	g->con.mode = a.console;
	g->mem.size = a.mem ? a.mem : CONFIG_GUEST_MEM_DEFAULT_MB * MIB;
	if (g->mem.size % PAGE_SIZE || g->mem.size < 2 * MIB)
		return *why = "mem= must be a multiple of 4 KiB and at least 2M", -1;
	if (g->mem.size > IPVMM_BASE)
		return *why = "mem= reaches into the hole", -1;
	uint32_t len = m->end - m->start;
	if (m->end < m->start || !phys_in_direct_map(m->start, len))
		return *why = "module outside the direct map", -1;
	if (guest_elf_check(phys_to_virt(m->start), len, g->mem.size, g->mem.size, &image, why))
		return -1;
	/* The Multiboot info page must stay the guest's own. */
	for (unsigned k = 0; k < image.nseg; k++)
		if (image.seg[k].paddr < MBI_ADDR + 2 * PAGE_SIZE &&
		    MBI_ADDR < image.seg[k].paddr + image.seg[k].memsz)
			return *why = "segment overlaps the boot info pages", -1;
	if (ipvmm_load_reserve(g, &image, why) < 0)
		return -1;
	return image.linux_kernel ? decode_linux(g, why) : 0;
}

static int load(struct guest *g, const struct mb_module *m, const char **why)
{
	const uint8_t *img = phys_to_virt(m->start);
	if (frame_alloc(&hv_frames, g->mem.size, CONFIG_GUEST_PART_ALIGN_MB * MIB, &g->mem.base) < 0)
		return *why = "no contiguous partition of that size free", -1;
	if (guest_phys_zero(g, 0, g->mem.size) < 0)
		return *why = "partition zeroing failed", -1;
	for (unsigned k = 0; k < image.nseg; k++) {
		const struct guest_seg *s = &image.seg[k];
		if (guest_phys_write(g, s->paddr, img + s->file_off, s->filesz) < 0)
			return *why = "segment copy failed", -1;
	}
	if (g->linux_boot) {
		const struct initrd *r = initrd_for(g->name);
		if (linux_boot_info(g, r ? phys_to_virt(r->start) : 0, why) < 0)
			return -1;
	} else if (build_mbi(g) < 0) {
		return *why = "Multiboot info did not fit", -1;
	}
	if (shadow_phys_build(&g->mem.phys, g->mem.base, g->mem.size) < 0)
		return *why = "shadow page-table pool empty (CONFIG_SHADOW_POOL_PAGES)", -1;
	/* Every guest starts through the IPVMM but one that is its own
	 * (ipvmm=self) or whose image says it runs without one (.no_ipvmm:
	 * the direct test guests, tests/guests/start.S). */
	g->ipvmm_self = cmdline_has_word(g->cmdline, "ipvmm=self");
	g->no_ipvmm = image.no_ipvmm;
	/* The data window, whose first page is the shared page (g->shared). */
	if (ipvmm_load_setup(g, img, &image, why) < 0)
		return -1;
	g->entry = image.entry;
	g->link_offset = image.link_offset;
	g->ab_sites = image.ab_count;
	return 0;
}

/* A module past the table's end takes nothing: it is named (its name=,
 * else guestN) and refused with its arguments' fault or the full table. */
static void refuse_past_table(unsigned i, unsigned slot, const struct mb_module *m)
{
	struct guest_args a;
	char name[GUEST_NAME_MAX];
	const char *why = "guest table full (CONFIG_MAX_GUESTS)";
	fmt_snprintf(name, sizeof(name), "guest%u", slot);
	int bad = guest_args_parse(m->args, &a, &why);
	if (a.name[0])
		copy_str(name, a.name, sizeof(name));
	if (!bad)
		why = "guest table full (CONFIG_MAX_GUESTS)";
	pr_err("loader: refusing module %u (%s): %s\n", i, name, why);
	if (initrd_for(name))
		initrd_for(name)->claimed = INITRD_REFUSED;
}

unsigned loader_load_all(const struct boot_info *bi)
{
	unsigned loaded = 0, slot = 0;
	ipvmm_load_options(bi->cmdline);
	ipvmm_fixup_init();
	find_initrds(bi);
	for (unsigned i = 0; i < bi->nmods; i++) {
		if (is_initrd(&bi->mod[i]))
			continue;
		if (slot >= CONFIG_MAX_GUESTS) {
			refuse_past_table(i, slot++, &bi->mod[i]);
			continue;
		}
		struct guest *g = guest_slot_reset(slot);
		const char *why = "?";
		if (decode(slot++, &bi->mod[i], g, &why) < 0 || load(g, &bi->mod[i], &why) < 0) {
			pr_err("loader: refusing module %u (%s): %s\n", i, g->name, why);
			if (initrd_for(g->name))
				initrd_for(g->name)->claimed = INITRD_REFUSED;
			shadow_phys_free(&g->mem.phys);     /* what it took of the pool */
			if (g->mem.base && frame_free(&hv_frames, g->mem.base, g->mem.size) < 0)
				pr_warn("loader: partition of module %u not returned\n", i);
			g->state = G_FREE;
			continue;
		}
		g->state = G_LOADED;
		loaded++;

		pr_info("loader: guest %u '%s': partition %08x-%08x (%u KiB), entry %08x, "
			"%u segments, %u afterburn sites, cmdline '%s'\n", i, g->name, g->mem.base,
			g->mem.base + g->mem.size - 1, g->mem.size / 1024, g->entry, image.nseg, g->ab_sites,
			g->cmdline);
		if (image.ab16_count)
			pr_info("loader: guest %u '%s': %u 16-bit afterburn sites left as they are\n",
				i, g->name, image.ab16_count);
	}
	unsigned used = unclaimed_initrds();   /* initramfs modules a loaded guest took */
	pr_info("loader: %u of %u modules loaded, shadow pool %u/%u pages\n", loaded + used,
		bi->nmods, shadow_pool_used(), CONFIG_SHADOW_POOL_PAGES);
	return loaded;
}
