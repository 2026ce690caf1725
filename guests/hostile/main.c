/* The hostile OS: the test OS's machine set-up, then attacks in sequence,
 * one TAP case each, every one recovering through this guest's own
 * exception handler (hprobe), or, with act=WORD on the command line, one
 * attack that must end this guest with a recorded reason (acts.c). It only
 * makes sense under the hypervisor: natively several cases fail. */
#include "hostile.h"
#include "x86.h"

#define MB_BOOT_MAGIC 0x2BADB002
#define MBI_CMDLINE   (1u << 2)

void kmain(uint32_t magic, uint32_t mbi);

static char cmdline[256];
const char *hostile_cmdline = cmdline;

/* Is word w on the command line s, delimited by spaces or the ends? */
bool has_word_(const char *s, const char *w)
{
	unsigned n = strlen(w);
	for (int i = 0; s[i]; i++) {
		bool start = i == 0 || s[i - 1] == ' ';
		if (start && !memcmp(&s[i], w, n) && (s[i + n] == 0 || s[i + n] == ' '))
			return true;
	}
	return false;
}

/* The command line, copied before paging is on (bounded, NUL-terminated). */
static void read_cmdline(uint32_t magic, uint32_t mbi)
{
	if (magic != MB_BOOT_MAGIC || mbi == 0 || mbi >= KMAP_END)
		return;
	const uint32_t *info = (const uint32_t *)mbi;
	if (!(info[0] & MBI_CMDLINE) || info[4] == 0 || info[4] >= KMAP_END - sizeof(cmdline))
		return;
	const char *s = (const char *)info[4];
	for (unsigned i = 0; i < sizeof(cmdline) - 1 && s[i]; i++)
		cmdline[i] = s[i];
}

void kmain(uint32_t magic, uint32_t mbi)
{
	read_cmdline(magic, mbi);
	console_init();
	puts_("hostile: start\n");
	desc_init();
	pic_init();
	pit_set_rate(PIT_HZ / HZ);
	pic_mask(0, false);
	vm_init();
	catch_reset();
	if (act_run(cmdline))
		testos_exit(false);          /* the act returned: it was not stopped */
	attack_hypercalls();
	attack_descriptors();
	attack_cpu();
	attack_memory();
	attack_idt();
	tap_summary();
	testos_exit(tap_failed() == 0);
}
