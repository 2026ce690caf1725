/*
 * Multiboot 1 info parsing: the loader's structure is untrusted input, so
 * every pointer, length and string is checked here, once, and the rest of
 * the hypervisor only sees the validated struct boot_info.
 */
#include "multiboot.h"

#define MB_MMAP_MAX_BYTES  (64u * 1024u)   /* far more than any real map */
#define MB_MMAP_MIN_ENTRY  20u             /* base, len, type after `size` */

static void zero(void *p, unsigned n)
{
	uint8_t *b = p;
	while (n--)
		*b++ = 0;
}

/* Copy a NUL-terminated string of at most size-1 bytes from loader memory;
 * the string must be mappable byte by byte. Returns -1 if unreachable. */
static int copy_string(uint32_t pa, mb_map_fn map, void *ctx, char *dst,
		       unsigned size, unsigned *truncated)
{
	unsigned i;
	for (i = 0; i + 1 < size; i++) {
		if (pa + i < pa)
			return -1;                         /* wraps */
		const char *c = map(ctx, pa + i, 1);
		if (!c)
			return -1;
		dst[i] = *c;
		if (!*c)
			return 0;
	}
	dst[i] = '\0';
	const char *c = (pa + i >= pa) ? map(ctx, pa + i, 1) : 0;
	if (c && *c)
		(*truncated)++;
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * A command line's first word is the file's name only when it looks like
 * one: QEMU's -kernel/-initrd pass "FILE ARGS", GRUB 2 passes only ARGS
 * (GRUB legacy and some configurations repeat the path). A file name has a
 * '/' or a '.' and no '='; options are words or key=value pairs.
 */
static int looks_like_file(const char *w, const char *end)
{
	int dot_or_slash = 0;
	for (; w < end; w++) {
		if (*w == '=')
			return 0;
		if (*w == '/' || *w == '.')
			dot_or_slash = 1;
	}
	return dot_or_slash;
}

void mb_split_cmdline(const char *s, char *name, char *args, unsigned size,
		      unsigned *truncated)
{
	unsigned n = 0, a = 0;
	while (is_space(*s))
		s++;
	const char *word = s, *base = s;
	while (*s && !is_space(*s)) {
		if (*s == '/')
			base = s + 1;
		s++;
	}
	if (looks_like_file(word, s)) {
		for (const char *p = base; p < s; p++) {   /* its last component */
			if (n + 1 < size)
				name[n++] = *p;
			else
				(*truncated)++;
		}
		while (is_space(*s))
			s++;
	} else {
		s = word;                                  /* all of it is arguments */
	}
	name[n] = '\0';
	for (; *s; s++) {
		if (a + 1 < size)
			args[a++] = *s;
		else {
			(*truncated)++;
			break;
		}
	}
	while (a > 0 && is_space(args[a - 1]))
		a--;
	args[a] = '\0';
}

static int parse_mmap(const struct mb_info_raw *mi, mb_map_fn map, void *ctx,
		      struct boot_info *out, const char **why)
{
	if (mi->mmap_length > MB_MMAP_MAX_BYTES) {
		*why = "memory map too long";
		return -1;
	}
	if (mi->mmap_addr + mi->mmap_length < mi->mmap_addr) {
		*why = "memory map wraps around 4 GiB";
		return -1;
	}
	uint32_t off = 0;
	while (off < mi->mmap_length) {
		if (mi->mmap_length - off < 4 + MB_MMAP_MIN_ENTRY) {
			*why = "memory map entry cut short";
			return -1;
		}
		const struct mb_mmap_raw *e = map(ctx, mi->mmap_addr + off, sizeof(*e));
		if (!e) {
			*why = "memory map not reachable";
			return -1;
		}
		if (e->size < MB_MMAP_MIN_ENTRY || e->size > mi->mmap_length - off - 4) {
			*why = "memory map entry size out of range";
			return -1;
		}
		uint64_t base = (uint64_t)e->base_hi << 32 | e->base_lo;
		uint64_t len = (uint64_t)e->len_hi << 32 | e->len_lo;
		if (base + len < base) {
			*why = "memory map range wraps around";
			return -1;
		}
		if (out->nranges < CONFIG_MB_MAX_MMAP) {
			struct mb_range *r = &out->range[out->nranges++];
			r->base = base;
			r->len = len;
			r->type = e->type;
		} else {
			out->dropped_ranges++;
		}
		off += e->size + 4;
	}
	return 0;
}

static int parse_mods(const struct mb_info_raw *mi, mb_map_fn map, void *ctx,
		      struct boot_info *out, const char **why)
{
	if (mi->mods_count > 4096) {
		*why = "absurd module count";
		return -1;
	}
	for (uint32_t i = 0; i < mi->mods_count; i++) {
		uint32_t pa = mi->mods_addr + i * sizeof(struct mb_mod_raw);
		if (pa < mi->mods_addr) {
			*why = "module list wraps around";
			return -1;
		}
		const struct mb_mod_raw *m = map(ctx, pa, sizeof(*m));
		if (!m) {
			*why = "module list not reachable";
			return -1;
		}
		if (m->mod_end < m->mod_start) {
			*why = "module ends before it starts";
			return -1;
		}
		if (out->nmods >= CONFIG_MB_MAX_MODULES) {
			out->dropped_mods++;
			continue;
		}
		struct mb_module *mod = &out->mod[out->nmods];
		mod->start = m->mod_start;
		mod->end = m->mod_end;
		char line[CONFIG_MB_STRING_MAX];
		line[0] = '\0';
		if (m->string && copy_string(m->string, map, ctx, line, sizeof(line),
					     &out->truncated_strings) < 0) {
			*why = "module command line not reachable";
			return -1;
		}
		mb_split_cmdline(line, mod->name, mod->args, sizeof(mod->name),
				 &out->truncated_strings);
		out->nmods++;
	}
	return 0;
}

int mb_parse(uint32_t magic, uint32_t info_pa, mb_map_fn map, void *ctx,
	     struct boot_info *out, const char **why)
{
	zero(out, sizeof(*out));
	out->info_phys = info_pa;
	if (magic != MB_BOOT_MAGIC) {
		*why = "not booted by a Multiboot loader (bad magic)";
		return -1;
	}
	const struct mb_info_raw *mi = map(ctx, info_pa, sizeof(*mi));
	if (!mi) {
		*why = "info structure not reachable";
		return -1;
	}
	if (mi->flags & MB_INFO_MEMORY) {
		out->mem_lower_kib = mi->mem_lower;
		out->mem_upper_kib = mi->mem_upper;
	}
	if (!(mi->flags & MB_INFO_MMAP)) {
		*why = "no memory map (flag bit 6 clear)";
		return -1;
	}
	if (parse_mmap(mi, map, ctx, out, why) < 0)
		return -1;
	if (out->nranges == 0) {
		*why = "empty memory map";
		return -1;
	}
	if ((mi->flags & MB_INFO_MODS) && parse_mods(mi, map, ctx, out, why) < 0)
		return -1;
	if (mi->flags & MB_INFO_CMDLINE && mi->cmdline) {
		char line[CONFIG_MB_STRING_MAX], name[CONFIG_MB_STRING_MAX];
		if (copy_string(mi->cmdline, map, ctx, line, sizeof(line),
				&out->truncated_strings) < 0) {
			*why = "command line not reachable";
			return -1;
		}
		/* Drop the image's own path, if the loader passed it. */
		mb_split_cmdline(line, name, out->cmdline, sizeof(out->cmdline),
				 &out->truncated_strings);
	}
	return 0;
}
