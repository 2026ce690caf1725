/*
 * Multiboot 1 boot information: the raw layout the loader hands over and the
 * validated summary the hypervisor keeps (decode, then act). The parser is
 * pure logic and reaches loader memory only through a mapping callback, so
 * it is unit-tested on the host with crafted, malformed inputs.
 */
#ifndef MULTIBOOT_H
#define MULTIBOOT_H

#include <stdint.h>
#include "config.h"

#define MB_BOOT_MAGIC    0x2BADB002u   /* in EAX from the loader */
#define MB_HEADER_MAGIC  0x1BADB002u

#define MB_INFO_MEMORY   (1u << 0)
#define MB_INFO_CMDLINE  (1u << 2)
#define MB_INFO_MODS     (1u << 3)
#define MB_INFO_MMAP     (1u << 6)

#define MB_MEM_AVAILABLE 1u

struct mb_info_raw {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};
_Static_assert(sizeof(struct mb_info_raw) == 52, "multiboot info prefix layout");

struct mb_mod_raw {
	uint32_t mod_start, mod_end, string, reserved;
};
_Static_assert(sizeof(struct mb_mod_raw) == 16, "multiboot module layout");

struct mb_mmap_raw {        /* `size` counts the bytes after itself */
	uint32_t size;
	uint32_t base_lo, base_hi, len_lo, len_hi, type;
} __attribute__((packed));
_Static_assert(sizeof(struct mb_mmap_raw) == 24, "multiboot mmap entry layout");

struct mb_range {
	uint64_t base, len;
	uint32_t type;
};

struct mb_module {
	uint32_t start, end;                   /* machine addresses [start, end) */
	char name[CONFIG_MB_STRING_MAX];       /* its file name, if the loader gave it */
	char args[CONFIG_MB_STRING_MAX];       /* the rest of its command line */
};

struct boot_info {
	uint32_t info_phys;                    /* where the raw structure was */
	uint32_t mem_lower_kib, mem_upper_kib;
	unsigned nranges;
	struct mb_range range[CONFIG_MB_MAX_MMAP];
	unsigned nmods;
	struct mb_module mod[CONFIG_MB_MAX_MODULES];
	char cmdline[CONFIG_MB_STRING_MAX];    /* the hypervisor's own, path dropped */
	unsigned dropped_ranges, dropped_mods; /* beyond the fixed tables */
	unsigned truncated_strings;
};

/* Map loader memory [pa, pa+len) for reading; NULL when not reachable. */
typedef const void *(*mb_map_fn)(void *ctx, uint32_t pa, uint32_t len);

/*
 * Validate and summarise the info at machine address info_pa. Returns 0, or
 * -1 with *why naming the first structural problem (the summary is then
 * not to be used). Entries beyond the fixed tables are counted, not kept.
 */
int mb_parse(uint32_t magic, uint32_t info_pa, mb_map_fn map, void *ctx,
	     struct boot_info *out, const char **why);

/* Split "[PATH] ARGS" into name (PATH's last component, or "" when the
 * first word is not a file name) and args. */
void mb_split_cmdline(const char *s, char *name, char *args, unsigned size,
		      unsigned *truncated);

#endif
