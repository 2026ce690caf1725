/*
 * The zero page of the Linux boot protocol (kernel/linux_boot.c): every
 * offset the hypervisor writes is checked against the kernel's own layout
 * (<asm/bootparam.h> from linux-libc-dev: struct boot_params is packed and
 * the same on i386 and x86-64), and the encoded page is read back through
 * that struct.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <asm/bootparam.h>

#include "linux_boot.h"

#define AT(field) offsetof(struct boot_params, field)

static void offsets_match_the_kernel(void **s)
{
	(void)s;
	assert_int_equal(LB_ZERO_PAGE_SIZE, sizeof(struct boot_params));
	assert_int_equal(LB_ALT_MEM_K, AT(alt_mem_k));
	assert_int_equal(LB_E820_ENTRIES, AT(e820_entries));
	assert_int_equal(LB_SENTINEL, AT(sentinel));
	assert_int_equal(LB_HDR_BOOT_FLAG, AT(hdr.boot_flag));
	assert_int_equal(LB_HDR_HEADER, AT(hdr.header));
	assert_int_equal(LB_HDR_VERSION, AT(hdr.version));
	assert_int_equal(LB_HDR_TYPE_OF_LOADER, AT(hdr.type_of_loader));
	assert_int_equal(LB_HDR_LOADFLAGS, AT(hdr.loadflags));
	assert_int_equal(LB_HDR_RAMDISK_IMAGE, AT(hdr.ramdisk_image));
	assert_int_equal(LB_HDR_RAMDISK_SIZE, AT(hdr.ramdisk_size));
	assert_int_equal(LB_HDR_CMD_LINE_PTR, AT(hdr.cmd_line_ptr));
	assert_int_equal(LB_HDR_INITRD_ADDR_MAX, AT(hdr.initrd_addr_max));
	assert_int_equal(LB_HDR_CMDLINE_SIZE, AT(hdr.cmdline_size));
	assert_int_equal(LB_HDR_HARDWARE_SUBARCH, AT(hdr.hardware_subarch));
	assert_int_equal(LB_E820_TABLE, AT(e820_table));
	assert_int_equal(LB_E820_ENTRY_SIZE, sizeof(struct boot_e820_entry));
	assert_int_equal(LB_E820_MAX, sizeof(((struct boot_params *)0)->e820_table) / LB_E820_ENTRY_SIZE);
	assert_int_equal(LB_LOADED_HIGH, LOADED_HIGH);
}

static void page_reads_back(void **s)
{
	(void)s;
	static uint8_t page[LB_ZERO_PAGE_SIZE];
	struct lb_params p = { .cmdline_addr = 0xa000, .cmdline_len = 20, .initrd_addr = 0x7fa2000,
			       .initrd_len = 310140, .alt_mem_k = 130000, .nregions = 3 };
	p.region[0] = (struct lb_region){ 0, 0x9fc00, LB_E820_RAM };
	p.region[1] = (struct lb_region){ 0x100000, 0x7eee000, LB_E820_RAM };
	p.region[2] = (struct lb_region){ 0xfc000000u, 0x4000000, LB_E820_RESERVED };
	memset(page, 0xa5, sizeof(page));
	assert_int_equal(lb_zero_page(page, &p), 0);
	const struct boot_params *bp = (const void *)page;
	assert_int_equal(bp->hdr.boot_flag, 0xaa55);
	assert_int_equal(bp->hdr.header, 0x53726448);
	assert_true(bp->hdr.version >= 0x0209);       /* cmd_line_ptr and subarch exist */
	assert_int_equal(bp->hdr.type_of_loader, 0xff);  /* non-zero: reserve_initrd() looks */
	assert_int_equal(bp->hdr.ramdisk_image, 0x7fa2000);
	assert_int_equal(bp->hdr.ramdisk_size, 310140);
	assert_int_equal(bp->hdr.cmd_line_ptr, 0xa000);
	assert_int_equal(bp->hdr.hardware_subarch, 0);
	assert_int_equal(bp->sentinel, 0);               /* else sanitize_boot_params() wipes */
	assert_int_equal(bp->alt_mem_k, 130000);
	assert_int_equal(bp->e820_entries, 3);
	assert_int_equal(bp->e820_table[1].addr, 0x100000);
	assert_int_equal(bp->e820_table[1].size, 0x7eee000);
	assert_int_equal(bp->e820_table[2].addr, 0xfc000000u);
	assert_int_equal(bp->e820_table[2].type, LB_E820_RESERVED);
	assert_int_equal(bp->ext_ramdisk_image, 0);     /* the rest is zero: the 0xa5 fill is gone */
	assert_int_equal(page[LB_ZERO_PAGE_SIZE - 1], 0);
}

static void refuses_what_does_not_fit(void **s)
{
	(void)s;
	static uint8_t page[LB_ZERO_PAGE_SIZE];
	struct lb_params p = { .cmdline_len = LB_CMDLINE_MAX };
	assert_int_equal(lb_zero_page(page, &p), -1);
	p.cmdline_len = 1;
	p.nregions = 9;
	assert_int_equal(lb_zero_page(page, &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(offsets_match_the_kernel),
		cmocka_unit_test(page_reads_back),
		cmocka_unit_test(refuses_what_does_not_fit),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
