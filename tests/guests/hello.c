/* Hypercalls only: version, console writes (one line in two pieces), its
 * own Multiboot info, then HC_SHUTDOWN with status 0. With the word
 * `flood` on its command line it first writes 2000 numbered lines (the
 * screen-scrolling load of tests/hang.mk). */
#include "guest.h"

int gmain(uint32_t magic, const struct mbi *mbi)
{
	char line[] = "hello: version ........ magic ........ mem_upper ........ KiB";
	hex(line + 15, (uint32_t)hc(HC_VERSION, 0, 0));
	hex(line + 30, magic);
	hex(line + 49, mbi->mem_upper);
	hc(HC_CONSOLE_WRITE, (uint32_t)line, 24);          /* a line in two writes */
	hc(HC_CONSOLE_WRITE, (uint32_t)line + 24, slen(line) - 24);
	puts_hc("\n");
	puts_hc("hello: cmdline '");
	if (mbi->flags & 4)
		puts_hc((const char *)mbi->cmdline);
	puts_hc("'\n");
	if (magic != 0x2BADB002 || hc(HC_VERSION, 0, 0) != HC_ABI_VERSION) {
		puts_hc("hello: FAIL wrong magic or version\n");
		return 1;
	}
	if ((mbi->flags & 4) && has_word((const char *)mbi->cmdline, "flood")) {
		char fl[] = "hello: flood ........ the quick brown fox jumps over the lazy dog\n";
		for (uint32_t i = 0; i < 2000; i++) {
			hex(fl + 13, i);
			puts_hc(fl);
		}
	}
	puts_hc("hello: done\n");
	return 0;
}
