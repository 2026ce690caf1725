/*
 * The hypervisor's frame pool at boot: every "available" range of the
 * Multiboot map, minus the first MiB (BIOS, VGA, ROMs), the image itself,
 * the Multiboot info and every module.
 */
#include "frame.h"
#include "multiboot.h"
#include "layout.h"
#include "mm.h"
#include "log.h"
#include "hv.h"

struct frame_pool hv_frames;

static void reserve(uint64_t base, uint64_t len, const char *what)
{
	if (frame_reserve(&hv_frames, base, len) < 0)
		panic("frame: no table slot to reserve %s (CONFIG_FRAME_RANGES)", what);
}

void frame_boot_init(const struct boot_info *bi)
{
	frame_pool_init(&hv_frames);
	for (unsigned i = 0; i < bi->nranges; i++)
		if (bi->range[i].type == MB_MEM_AVAILABLE &&
		    frame_add(&hv_frames, bi->range[i].base, bi->range[i].len) < 0)
			pr_warn("frame: table full, range %u dropped\n", i);
	reserve(0, HV_LOAD_PHYS, "the first MiB");
	reserve(HV_LOAD_PHYS, virt_to_phys(__image_end) - HV_LOAD_PHYS, "the image");
	reserve(bi->info_phys, sizeof(struct mb_info_raw), "the Multiboot info");
	for (unsigned i = 0; i < bi->nmods; i++)
		reserve(bi->mod[i].start, bi->mod[i].end - bi->mod[i].start, "a module");
	pr_info("frame: %u free ranges, %u KiB free\n", hv_frames.n,
		frame_total_free(&hv_frames) / 1024);
	for (unsigned i = 0; i < hv_frames.n; i++)
		pr_debug("frame:   %08x..%08x\n", hv_frames.r[i].start, hv_frames.r[i].end - 1);
}
