/* Hypercalls only: version, console writes (one line in two pieces), its
 * own Multiboot info, then HC_SHUTDOWN with status 0. */
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
	puts_hc("hello: done\n");
	return 0;
}
