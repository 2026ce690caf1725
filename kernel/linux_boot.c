/*
 * The zero page of the Linux 32-bit boot protocol (include/linux_boot.h).
 * Pure logic, unit-tested on the host against the kernel's own layout;
 * kernel/loader.c decides what goes in it and where it lies.
 */
#include "linux_boot.h"

static void put8(uint8_t *p, uint32_t off, uint8_t v)
{
	p[off] = v;
}

static void put16(uint8_t *p, uint32_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t off, uint32_t v)
{
	put16(p, off, (uint16_t)v);
	put16(p, off + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint32_t off, uint64_t v)
{
	put32(p, off, (uint32_t)v);
	put32(p, off + 4, (uint32_t)(v >> 32));
}

int lb_zero_page(uint8_t *page, const struct lb_params *p)
{
	_Static_assert(LB_E820_TABLE + LB_E820_MAX * LB_E820_ENTRY_SIZE <= LB_ZERO_PAGE_SIZE,
		       "e820 table inside the zero page");
	if (p->nregions > sizeof(p->region) / sizeof(p->region[0]) || p->nregions > LB_E820_MAX ||
	    p->cmdline_len >= LB_CMDLINE_MAX)
		return -1;
	for (uint32_t i = 0; i < LB_ZERO_PAGE_SIZE; i++)
		page[i] = 0;
	put32(page, LB_ALT_MEM_K, p->alt_mem_k);
	put16(page, LB_HDR_BOOT_FLAG, LB_BOOT_FLAG);
	put32(page, LB_HDR_HEADER, LB_HEADER_MAGIC);
	put16(page, LB_HDR_VERSION, LB_PROTOCOL_VERSION);
	put8(page, LB_HDR_TYPE_OF_LOADER, 0xff);
	put8(page, LB_HDR_LOADFLAGS, LB_LOADED_HIGH);
	put32(page, LB_HDR_RAMDISK_IMAGE, p->initrd_addr);
	put32(page, LB_HDR_RAMDISK_SIZE, p->initrd_len);
	put32(page, LB_HDR_CMD_LINE_PTR, p->cmdline_addr);
	put32(page, LB_HDR_INITRD_ADDR_MAX, LB_INITRD_ADDR_MAX);
	put32(page, LB_HDR_CMDLINE_SIZE, LB_CMDLINE_MAX - 1);
	put32(page, LB_HDR_HARDWARE_SUBARCH, 0);
	put8(page, LB_E820_ENTRIES, (uint8_t)p->nregions);
	for (unsigned i = 0; i < p->nregions; i++) {
		uint32_t at = LB_E820_TABLE + i * LB_E820_ENTRY_SIZE;
		put64(page, at, p->region[i].addr);
		put64(page, at + 8, p->region[i].size);
		put32(page, at + 16, p->region[i].type);
	}
	return 0;
}
