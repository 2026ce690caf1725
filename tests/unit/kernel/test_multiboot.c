/* Host tests of kernel/mbparse.c and kernel/cmdline.c on crafted Multiboot
 * structures in a fake "machine memory", good and malformed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "multiboot.h"
#include "hv.h"

#define MEM_SIZE 0x10000u
static uint8_t mem[MEM_SIZE];
static struct boot_info bi;

static const void *map(void *ctx, uint32_t pa, uint32_t len)
{
	(void)ctx;
	if (pa >= MEM_SIZE || len > MEM_SIZE - pa)
		return NULL;
	return mem + pa;
}

#define INFO 0x1000u
#define MMAP 0x2000u
#define MODS 0x3000u
#define STRS 0x4000u

static struct mb_info_raw *info(void) { return (struct mb_info_raw *)(mem + INFO); }

static void put_str(uint32_t pa, const char *s) { strcpy((char *)mem + pa, s); }

static void put_range(unsigned i, uint64_t base, uint64_t len, uint32_t type)
{
	struct mb_mmap_raw e = { 20, (uint32_t)base, (uint32_t)(base >> 32),
				 (uint32_t)len, (uint32_t)(len >> 32), type };
	memcpy(mem + MMAP + i * 24, &e, sizeof(e));
}

/* A map like QEMU's, two modules with command lines, a kernel command line. */
static int setup(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	struct mb_info_raw *mi = info();
	mi->flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS | MB_INFO_MMAP;
	mi->mem_lower = 639;
	mi->mem_upper = 260992;
	put_range(0, 0, 0x9fc00, 1);
	put_range(1, 0x9fc00, 0x400, 2);
	put_range(2, 0x100000, 0xfee0000, 1);
	put_range(3, 0xfffc0000, 0x40000, 2);
	mi->mmap_addr = MMAP;
	mi->mmap_length = 4 * 24;
	struct mb_mod_raw mods[2] = {
		{ 0x136000, 0x13600d, STRS + 0x100, 0 },
		{ 0x137000, 0x200000, STRS + 0x200, 0 },
	};
	memcpy(mem + MODS, mods, sizeof(mods));
	mi->mods_addr = MODS;
	mi->mods_count = 2;
	put_str(STRS, "/boot/hypervisor.elf shutdown loglevel=4");
	put_str(STRS + 0x100, "/boot/testos.elf name=testos mem=16M");
	put_str(STRS + 0x200, "build/tests/disk.img");          /* QEMU -initrd style */
	mi->cmdline = STRS;
	return 0;
}

static void expect_fail(const char *why_part)
{
	const char *why = NULL;
	assert_int_equal(mb_parse(MB_BOOT_MAGIC, INFO, map, NULL, &bi, &why), -1);
	assert_non_null(why);
	if (!strstr(why, why_part))
		fail_msg("why \"%s\", wanted \"%s\"", why, why_part);
}

static void test_good(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(mb_parse(MB_BOOT_MAGIC, INFO, map, NULL, &bi, &why), 0);
	assert_int_equal(bi.nranges, 4);
	assert_int_equal(bi.range[2].base, 0x100000);
	assert_int_equal(bi.range[2].len, 0xfee0000);
	assert_int_equal(bi.range[3].type, 2);
	assert_int_equal(bi.mem_upper_kib, 260992);
	assert_int_equal(bi.nmods, 2);
	assert_int_equal(bi.mod[0].start, 0x136000);
	assert_string_equal(bi.mod[0].name, "testos.elf");
	assert_string_equal(bi.mod[0].args, "name=testos mem=16M");
	assert_string_equal(bi.mod[1].name, "disk.img");
	assert_string_equal(bi.mod[1].args, "");
	assert_string_equal(bi.cmdline, "shutdown loglevel=4");

	struct hv_options o;
	cmdline_parse(bi.cmdline, &o);
	assert_int_equal(o.shutdown, 1);
	assert_int_equal(o.loglevel, 4);
	assert_int_equal(o.unknown, 0);
}

static void test_cmdline_forms(void **state)
{
	(void)state;
	const char *why;
	put_str(STRS, "hypervisor.elf");            /* QEMU without -append */
	assert_int_equal(mb_parse(MB_BOOT_MAGIC, INFO, map, NULL, &bi, &why), 0);
	assert_string_equal(bi.cmdline, "");
	put_str(STRS, "loglevel=2 shutdown");       /* GRUB 2: options only */
	assert_int_equal(mb_parse(MB_BOOT_MAGIC, INFO, map, NULL, &bi, &why), 0);
	assert_string_equal(bi.cmdline, "loglevel=2 shutdown");
	put_str(STRS, "shutdown");
	put_str(STRS + 0x100, "name=testos mem=16M");   /* GRUB 2 module: no path */
	put_str(STRS + 0x200, "/boot/disk.img /boot/disk.img ro");  /* path repeated */
	assert_int_equal(mb_parse(MB_BOOT_MAGIC, INFO, map, NULL, &bi, &why), 0);
	assert_string_equal(bi.cmdline, "shutdown");
	assert_string_equal(bi.mod[0].name, "");
	assert_string_equal(bi.mod[0].args, "name=testos mem=16M");
	assert_string_equal(bi.mod[1].name, "disk.img");
	assert_string_equal(bi.mod[1].args, "/boot/disk.img ro");

	char name[16], args[16];
	unsigned trunc = 0;
	mb_split_cmdline("  ./a.out   x=1  ", name, args, sizeof(name), &trunc);
	assert_string_equal(name, "a.out");
	assert_string_equal(args, "x=1");
	mb_split_cmdline("root=/dev/sda1 quiet", name, args, sizeof(name), &trunc);
	assert_string_equal(name, "");
	assert_string_equal(args, "root=/dev/sda1");     /* 15 kept, trailing space trimmed */
	assert_int_equal(trunc, 1);

	struct hv_options o;
	cmdline_parse("  loglevel=9 bogus shutdown loglevel= loglevel=1x ", &o);
	assert_int_equal(o.shutdown, 1);
	assert_int_equal(o.loglevel, -1);
	assert_int_equal(o.unknown, 4);
	cmdline_parse("shutdowns", &o);
	assert_int_equal(o.shutdown, 0);
	assert_int_equal(o.unknown, 1);
	cmdline_parse("", &o);
	assert_int_equal(o.unknown, 0);
	assert_int_equal(o.rewrite_trap, 0);
	cmdline_parse("rewrite=trap shutdown", &o);
	assert_int_equal(o.rewrite_trap, 1);
	assert_int_equal(o.unknown, 0);
	cmdline_parse("rewrite=trap rewrite=previrt rewrite=traps rewrite=", &o);
	assert_int_equal(o.rewrite_trap, 0);
	assert_int_equal(o.unknown, 2);
	/* gdb=NAME (the COM2 stub's guest) and gdbwait */
	cmdline_parse("shutdown gdb=testos gdbwait", &o);
	assert_string_equal(o.gdb, "testos");
	assert_int_equal(o.gdbwait, 1);
	assert_int_equal(o.unknown, 0);
	cmdline_parse("gdb= gdbwaits gdb=0123456789012345678901234567890123", &o);
	assert_string_equal(o.gdb, "");          /* empty, and a name past 31 bytes */
	assert_int_equal(o.gdbwait, 0);
	assert_int_equal(o.unknown, 3);

	/* A guest's words (ipvmm=self): whole words only. */
	assert_int_equal(cmdline_has_word("ipvmm=self", "ipvmm=self"), 1);
	assert_int_equal(cmdline_has_word("  a\tipvmm=self bench", "ipvmm=self"), 1);
	assert_int_equal(cmdline_has_word("ipvmm=selfish", "ipvmm=self"), 0);
	assert_int_equal(cmdline_has_word("xipvmm=self", "ipvmm=self"), 0);
	assert_int_equal(cmdline_has_word("ipvmm=sel", "ipvmm=self"), 0);
	assert_int_equal(cmdline_has_word("", "ipvmm=self"), 0);
}

static void test_bad_magic_and_info(void **state)
{
	(void)state;
	const char *why;
	assert_int_equal(mb_parse(0x12345678, INFO, map, NULL, &bi, &why), -1);
	assert_non_null(strstr(why, "magic"));
	assert_int_equal(mb_parse(MB_BOOT_MAGIC, MEM_SIZE - 8, map, NULL, &bi, &why), -1);
	assert_non_null(strstr(why, "not reachable"));
	info()->flags &= ~MB_INFO_MMAP;
	expect_fail("no memory map");
}

static void test_bad_mmap(void **state)
{
	(void)state;
	info()->mmap_length = 0;
	expect_fail("empty");
	setup(NULL);
	info()->mmap_length = 4 * 24 - 3;            /* last entry cut */
	expect_fail("cut short");
	setup(NULL);
	((struct mb_mmap_raw *)(mem + MMAP + 24))->size = 4;   /* too small */
	expect_fail("size out of range");
	setup(NULL);
	((struct mb_mmap_raw *)(mem + MMAP + 72))->size = 1000; /* runs past the map */
	expect_fail("size out of range");
	setup(NULL);
	info()->mmap_addr = 0xfffffff0;              /* wraps */
	expect_fail("wraps");
	setup(NULL);
	info()->mmap_addr = MEM_SIZE - 10;           /* beyond reachable memory */
	info()->mmap_length = 48;
	expect_fail("not reachable");
	setup(NULL);
	put_range(0, 0xffffffffffff0000ULL, 0x20000, 1);   /* range wraps */
	expect_fail("range wraps");
	setup(NULL);
	info()->mmap_length = 1u << 20;
	expect_fail("too long");
}

static void test_larger_entries_and_overflow(void **state)
{
	(void)state;
	const char *why;
	/* Entries with size 24 (firmware extensions) must be stepped correctly. */
	memset(mem + MMAP, 0, 0x1000);
	for (unsigned i = 0; i < CONFIG_MB_MAX_MMAP + 3; i++) {
		struct mb_mmap_raw e = { 24, i * 0x1000, 0, 0x1000, 0, 1 };
		memcpy(mem + MMAP + i * 28, &e, sizeof(e));
	}
	info()->mmap_length = (CONFIG_MB_MAX_MMAP + 3) * 28;
	assert_int_equal(mb_parse(MB_BOOT_MAGIC, INFO, map, NULL, &bi, &why), 0);
	assert_int_equal(bi.nranges, CONFIG_MB_MAX_MMAP);
	assert_int_equal(bi.dropped_ranges, 3);
	assert_int_equal(bi.range[5].base, 5 * 0x1000);
}

static void test_bad_modules(void **state)
{
	(void)state;
	const char *why;
	struct mb_mod_raw *m = (struct mb_mod_raw *)(mem + MODS);
	m[1].mod_end = m[1].mod_start - 1;
	expect_fail("ends before it starts");
	setup(NULL);
	info()->mods_addr = MEM_SIZE - 20;
	expect_fail("not reachable");
	setup(NULL);
	info()->mods_addr = 0xfffffff8;
	info()->mods_count = 3;
	expect_fail("");
	setup(NULL);
	info()->mods_count = 100000;
	expect_fail("absurd");
	setup(NULL);
	m[0].string = MEM_SIZE + 5;
	expect_fail("command line not reachable");
	setup(NULL);
	/* An unterminated string at the end of memory. */
	memset(mem + MEM_SIZE - 16, 'x', 16);
	m[0].string = MEM_SIZE - 16;
	expect_fail("command line not reachable");
	setup(NULL);
	/* Overlong: truncated and counted, not overflowed. */
	memset(mem + STRS + 0x100, 'a', 2 * CONFIG_MB_STRING_MAX);
	mem[STRS + 0x100 + 2 * CONFIG_MB_STRING_MAX] = 0;
	assert_int_equal(mb_parse(MB_BOOT_MAGIC, INFO, map, NULL, &bi, &why), 0);
	assert_int_equal(strlen(bi.mod[0].args), CONFIG_MB_STRING_MAX - 1);
	assert_string_equal(bi.mod[0].name, "");
	assert_true(bi.truncated_strings > 0);
	setup(NULL);
	/* More modules than the table keeps: counted as dropped. */
	struct mb_mod_raw many[CONFIG_MB_MAX_MODULES + 2];
	for (unsigned i = 0; i < CONFIG_MB_MAX_MODULES + 2; i++)
		many[i] = (struct mb_mod_raw){ 0x200000 + i * 0x1000, 0x200000 + i * 0x1000 + 10, 0, 0 };
	memcpy(mem + MODS, many, sizeof(many));
	info()->mods_count = CONFIG_MB_MAX_MODULES + 2;
	assert_int_equal(mb_parse(MB_BOOT_MAGIC, INFO, map, NULL, &bi, &why), 0);
	assert_int_equal(bi.nmods, CONFIG_MB_MAX_MODULES);
	assert_int_equal(bi.dropped_mods, 2);
	assert_string_equal(bi.mod[0].name, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good, setup),
		cmocka_unit_test_setup(test_cmdline_forms, setup),
		cmocka_unit_test_setup(test_bad_magic_and_info, setup),
		cmocka_unit_test_setup(test_bad_mmap, setup),
		cmocka_unit_test_setup(test_larger_entries_and_overflow, setup),
		cmocka_unit_test_setup(test_bad_modules, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
