/*
 * The IPVMM wired into a guest (kernel/ipvmm_load.c; docs/ipvmm.md,
 * "1. Load"): the tail of every partition holds the guest's private copy of
 * the IPVMM data window and a guest-physical copy of its .afterburn
 * records; the VM thread starts at burn_start, which rewrites the sites and
 * enters the guest.
 */
#ifndef IPVMM_LOAD_H
#define IPVMM_LOAD_H

#include <stdint.h>

struct guest;
struct guest_image;
struct trap_frame;

/* A guest's part (struct guest's `tail`): where its tail lies
 * (guest-physical). The window's machine address is g->mem.base + win;
 * guest_mem.c reaches it through the shadow. */
struct ipvmm_tail {
	uint32_t ram;        /* start of the tail = end of the guest's RAM */
	uint32_t win;        /* the data window copy (== ram) */
	uint32_t records;    /* the guest-physical .afterburn records */
};

/* kernel/ipvmm_fixup.c: check the IPVMM's exception table (once, before
 * the first guest); resume a fault at a listed IPVMM instruction at its
 * continuation (include/ipvmm/extable.h): 1 if tf now continues there. */
void ipvmm_fixup_init(void);
int ipvmm_fixup(struct trap_frame *tf, uint32_t vector, uint32_t error, uint32_t cr2);

/* The hypervisor's command line: rewrite=trap or rewrite=previrt (default). */
void ipvmm_load_options(const char *hv_cmdline);

/* Decode step: place the tail for g (g->mem.size set) and check the image's
 * segments stay below it. 0, or -1 with *why. Nothing changes on failure
 * except the per-guest record. */
int ipvmm_load_reserve(struct guest *g, const struct guest_image *gi, const char **why);

/* Guest-physical end of the RAM the guest is told about (the tail's start). */
uint32_t ipvmm_guest_ram(const struct guest *g);

/* Act step, after the segments are copied and the shadow built: the data
 * window copy, the records, the shared page (g->shared), the window's
 * mapping. */
int ipvmm_load_setup(struct guest *g, const void *img, const struct guest_image *gi,
		     const char **why);

/* Does g start through the IPVMM (burn_start)? Every guest does (zero
 * .afterburn records too) except an ipvmm=self one (its own IPVMM) and
 * a direct test guest (a section .no_ipvmm in its image): those start at
 * their entry and talk to the hypervisor themselves. */
int ipvmm_runs(const struct guest *g);

/* Turn the guest's Multiboot entry frame f into the start upcall: the
 * entry state goes to the IPVMM stack, f enters burn_start. */
void ipvmm_start_frame(struct guest *g, struct trap_frame *f);

/* HC_SHUTDOWN with the IPVMM's start failure codes: 1 and g's kill reason
 * set (naming the bad site), or 0 for an ordinary exit status. */
int ipvmm_exit_is_kill(struct guest *g, uint32_t status);

void ipvmm_report_raw_traps(const struct guest *g);
void ipvmm_report_direct(const struct guest *g);

#endif
