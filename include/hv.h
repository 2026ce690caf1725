/*
 * The hypervisor's top level: its command line and the boot flow.
 */
#ifndef HV_H
#define HV_H

#include <stdint.h>

struct hv_options {
	int shutdown;        /* run the boot self-test, then shut down */
	int loglevel;        /* -1: keep the default */
	int crash;           /* after the self-test, fault on purpose (panic demo) */
	int rewrite_trap;    /* rewrite=trap: afterburn sites trap (kernel/ipvmm_load.c) */
	char gdb[32];        /* gdb=NAME: the guest the COM2 GDB stub serves ("" none) */
	int gdbwait;         /* gdbwait: hold that guest at its first stop point */
	unsigned unknown;    /* words we did not understand (reported) */
};

/* kernel/cmdline.c (pure logic) */
void cmdline_parse(const char *s, struct hv_options *o);
int cmdline_has_word(const char *s, const char *word);
const char *cmdline_next_word(const char **s, unsigned *len);

/* kernel/main.c */
void kmain(uint32_t magic, uint32_t info_pa) __attribute__((noreturn));

/* kernel/selftest.c: returns the number of failed checks */
int selftest_run(void);
void selftest_crash(void);   /* cmdline 'crash': a deliberate #PF, so a panic */

/* kernel/symbols.c */
const char *symbol_lookup(uint32_t addr, uint32_t *offset);

extern char __image_start[], __image_end[], __bss_start[], __bss_end[];
extern char __text_start[], __text_end[];
extern char __entry_data_start[], __entry_data_end[];

/* Data the trap entry reads before it leaves a guest's address space. */
#define ENTRY_DATA __attribute__((section(".bss.entry")))
extern char hv_stack_bottom[], hv_stack_top[];

#endif
