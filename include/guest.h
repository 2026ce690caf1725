/*
 * The guest object: struct guest and its parts, one per subsystem, each
 * declared in that subsystem's header (struct shadow in shadow.h, struct
 * vtlb in vtlb.h, struct ipvmm_tail in ipvmm_load.h, ...), and the table
 * of guests (kernel/guest_table.c). The functions of each subsystem are in
 * its own header: shadow.h, vtlb.h, events.h, guest_mem.h, console_mux.h,
 * vm.h, fpu.h, guest_args.h, loader.h, hypercall_hv.h.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include "config.h"
#include "thread.h"
#include "hypercall.h"
#include "layout.h"
#include "trap.h"
#include "ipvmm/shared.h"
#include "ipvmm_load.h"
#include "shadow.h"
#include "guest_mem.h"
#include "vtlb.h"
#include "console_mux.h"
#include "guest_args.h"

#define GUEST_REASON_MAX 128
/* Guest-physical conventional memory a BIOS would report (below the EBDA);
 * both boot hand-overs (Multiboot info, Linux's e820) say so. */
#define GUEST_LOW_MEM_END 0x9FC00u

enum guest_state { G_FREE = 0, G_LOADED, G_RUNNING, G_EXITED, G_KILLED };

/* The virtual CPU state the hypervisor keeps (the IPVMM keeps the rest). */
struct vcpu_hv {
	uint32_t cr0, cr3, cr4;                /* as set by HC_SET_CR0_CR4 / HC_SET_CR3 */
	uint32_t upcall_irq, upcall_exc;       /* 0: none registered */
	uint32_t upcall_stack;                 /* the ipvmm_upcall_state sits below it */
	uint32_t self_lo, self_hi;             /* ipvmm=self: the guest's "IPVMM text" */
	uint32_t ss1, esp1;                    /* HC_SET_STACK */
	uint32_t direct_vec;                   /* HC_DIRECT_GATE: its vector, 0 = none */
	uint64_t timer_deadline;               /* guest ns; 0 = not armed */
	uint64_t timer_period;                 /* HC_SET_TIMER_PERIODIC's, ns; 0 = one-shot */
	int timer_expired;                     /* the tick saw the deadline pass; the IRQ thread raises */
	uint64_t start_tsc;                    /* guest time 0 (kernel/clock.c's TSC) */
	int clock_held;                        /* stopped by a debugger: no deadline fires */
	int redirect_due;                      /* new pending bits since the last upcall */
	int waiting;                           /* the VM thread is blocked in HC_WAIT */
	int cli_watch;                         /* an event pending, vIF clear, since cli_since */
	uint64_t cli_since;                    /* its CPU time (sched.cpu_tsc) then */
	uint32_t upcalls_irq, upcalls_exc, rollbacks, timer_fires;
	uint32_t fixups;                       /* IPVMM guest copies resumed (ipvmm_fixup.c) */
};

/* A guest's counters (struct guest's `stats`): the summary's "stats:"
 * line (kernel/guest_table.c) and the bench lines (kernel/bench_report.c). */
struct guest_stats {
	uint32_t hypercalls, traps_emulated;
	uint32_t hc_count[HC_NR_CALLS];       /* per call number */
	uint32_t soft_ints;                   /* int $0x82 reflected to the guest's IDT */
	uint32_t bounces;                     /* IPVMM calls from the load address (kernel/vm.c) */
	uint32_t seg_nulled;                  /* data selectors the return path nulled */
	/* Entries into the hypervisor on this guest's behalf (docs/performance.md,
	 * "hv: bench-entries"): exceptions it caused, hypercalls but console
	 * writes, real interrupts taken while its VM thread ran; and their
	 * values at the end of its last complete console line. */
	struct guest_entries { uint32_t traps, hcalls, irqs; } entries, entries_mark;
};

struct guest {
	enum guest_state state;
	unsigned index;
	char name[GUEST_NAME_MAX];
	char cmdline[CONFIG_MB_STRING_MAX];   /* what the guest sees */
	struct guest_part mem;                /* its partition and physical-mode shadow (guest_mem.h) */
	uint32_t entry;                       /* guest-physical */
	uint32_t mbi;                         /* guest-physical boot info: Multiboot's, or Linux's zero page */
	int linux_boot;                       /* a vmlinux: started by the Linux boot protocol */
	uint32_t initrd, initrd_len;          /* guest-physical initramfs (Linux), or 0 */
	uint32_t link_offset;                 /* its code's link minus load address */
	uint32_t ab_sites;                    /* .afterburn records (the IPVMM rewrites them) */
	struct ipvmm_tail tail;               /* its IPVMM data window and records (ipvmm_load.c) */
	struct trap_frame start_frame;        /* the VM thread's first entry (vm.c) */
	struct thread *vm;                    /* its VM thread */
	struct thread *irq;                   /* its IRQ thread (created at its start) */
	char irq_name[GUEST_NAME_MAX + 4];
	struct vtlb vtlb;
	struct vcpu_hv v;
	struct ipvmm_shared *shared;          /* its shared page (hypervisor virtual) */
	uint64_t gdt[CONFIG_GUEST_GDT_ENTRIES]; /* validated copies (HC_LOAD_DESC) */
	uint64_t ldt[CONFIG_GUEST_LDT_ENTRIES]; /* the same for table 1 */
	struct guest_con con;                 /* its console (console_mux.c) */
	int ipvmm_self;                       /* `ipvmm=self`: a test guest that is its own IPVMM */
	int no_ipvmm;                         /* its image's .no_ipvmm: a direct test guest, no IPVMM */
	int exit_status;                      /* HC_SHUTDOWN's status */
	int kill_pending;                     /* stop at the next safe point */
	char reason[GUEST_REASON_MAX];        /* first kill reason */
	/* kernel/retpath.c: the descriptor tables' generation (HC_LOAD_DESC
	 * bumps it) and the last selectors checked against it, so an unchanged
	 * return costs a few compares, not six lar; four of them, as the
	 * returns to ring 3, to the guest kernel and to the IPVMM's upcall
	 * entry alternate (a user fault's fill, its reflection, a hypercall) */
	uint32_t desc_gen;
	struct { uint32_t gen, key[3]; } rp_seen[4];   /* gen 0: none yet */
	unsigned rp_next;                              /* the record replaced next */
	struct guest_stats stats;             /* counters for the summary and bench lines */
	struct sched_account sched;           /* kernel/sched.c's accounting (thread.h) */
	uint8_t fpu[512] __attribute__((aligned(16)));   /* fxsave area (kernel/fpu.c) */
	int fpu_valid;                        /* fpu holds a state (0: reset on first run) */
};

/* kernel/guest_table.c: the table of guests, its one owner. Walk it with
 * for_each_guest, reach a slot with guest_at; nothing else names it. */
extern struct guest guest_table[CONFIG_MAX_GUESTS];
#define for_each_guest(g) \
	for (struct guest *g = guest_table; g < guest_table + CONFIG_MAX_GUESTS; g++)
static inline struct guest *guest_at(unsigned i)
{
	return i < CONFIG_MAX_GUESTS ? &guest_table[i] : 0;
}
struct guest *guest_slot_reset(unsigned slot);   /* the loader's next module */
unsigned guests_live(void);
int guests_summary(void);                        /* 1 if every guest exited 0 */
/*
 * The virtual IF has one home: the shared page's byte (shared.vif). The
 * IPVMM's inline cli/sti store it without entering the hypervisor, so any
 * other copy would be stale; the hypervisor reads and writes it through
 * these two (docs/ipvmm.md, "Virtual CPU"). A guest whose page is released
 * (stopped) reads as IF=0.
 */
static inline int guest_vif(const struct guest *g)
{
	return g->shared && g->shared->vif;
}
static inline void guest_set_vif(struct guest *g, int on)
{
	if (g->shared)
		g->shared->vif = on ? 1 : 0;
}
#endif
