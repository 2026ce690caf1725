/*
 * The Linux 32-bit boot protocol (Documentation/x86/boot.rst, "32-bit
 * boot protocol"; the layout is arch/x86/include/uapi/asm/bootparam.h):
 * the loader hands the kernel a zero page (struct boot_params) and enters
 * its 32-bit entry (vmlinux's e_entry, startup_32) with %esi pointing at
 * it, paging off, flat segments, interrupts off.
 *
 * Only the offsets the hypervisor writes are named here; the host unit
 * test (tests/unit/loader/test_linux_boot.c) checks each against the
 * kernel's own header, so they cannot drift.
 */
#ifndef LINUX_BOOT_H
#define LINUX_BOOT_H

#include <stdint.h>

#define LB_ZERO_PAGE_SIZE      4096u
#define LB_ALT_MEM_K           0x1e0u	/* u32: KiB above 1 MiB (no e820 only) */
#define LB_E820_ENTRIES        0x1e8u	/* u8 */
#define LB_SENTINEL            0x1efu	/* u8: must stay 0 (sanitize_boot_params) */
#define LB_HDR_BOOT_FLAG       0x1feu	/* u16: 0xAA55 */
#define LB_HDR_HEADER          0x202u	/* u32: "HdrS" */
#define LB_HDR_VERSION         0x206u	/* u16 */
#define LB_HDR_TYPE_OF_LOADER  0x210u	/* u8: 0xff, a loader with no assigned id */
#define LB_HDR_LOADFLAGS       0x211u	/* u8 */
#define LB_HDR_RAMDISK_IMAGE   0x218u	/* u32 */
#define LB_HDR_RAMDISK_SIZE    0x21cu	/* u32 */
#define LB_HDR_CMD_LINE_PTR    0x228u	/* u32 */
#define LB_HDR_INITRD_ADDR_MAX 0x22cu	/* u32 */
#define LB_HDR_CMDLINE_SIZE    0x238u	/* u32 */
#define LB_HDR_HARDWARE_SUBARCH 0x23cu	/* u32: 0, X86_SUBARCH_PC */
#define LB_E820_TABLE          0x2d0u	/* struct boot_e820_entry[128] */
#define LB_E820_ENTRY_SIZE     20u	/* u64 addr, u64 size, u32 type */
#define LB_E820_MAX            128u

#define LB_BOOT_FLAG           0xaa55u
#define LB_HEADER_MAGIC        0x53726448u	/* "HdrS" */
#define LB_PROTOCOL_VERSION    0x020fu	/* 2.15: every field above exists */
#define LB_LOADED_HIGH         0x01u	/* protected-mode code at 0x100000 or above */
#define LB_INITRD_ADDR_MAX     0x37ffffffu	/* the protocol's default limit */
#define LB_CMDLINE_MAX         2048u	/* COMMAND_LINE_SIZE on x86 */

#define LB_E820_RAM            1u
#define LB_E820_RESERVED       2u

/* What the zero page says: filled by the loader, encoded by lb_zero_page. */
struct lb_region {
	uint64_t addr, size;
	uint32_t type;
};

struct lb_params {
	uint32_t cmdline_addr;		/* guest-physical, NUL-terminated */
	uint32_t cmdline_len;		/* without the NUL */
	uint32_t initrd_addr, initrd_len;	/* 0, 0: none */
	uint32_t alt_mem_k;
	unsigned nregions;
	struct lb_region region[8];
};

/*
 * Encode p into page (LB_ZERO_PAGE_SIZE bytes, zeroed here first).
 * Returns 0, or -1 when p does not fit the protocol (too many regions, a
 * command line longer than the kernel keeps). Pure logic.
 */
int lb_zero_page(uint8_t *page, const struct lb_params *p);

#endif
