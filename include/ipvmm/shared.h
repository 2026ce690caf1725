/*
 * The page shared between the hypervisor and a guest's IPVMM, and the
 * state the hypervisor hands an IPVMM upcall. This is ABI between
 * kernel/ and ipvmm/ (docs/ipvmm.md, "Events and upcalls"): the page is the
 * first page of the per-guest IPVMM data window (section .ipvmm.shared,
 * IPVMM_SHARED_ADDR); the hypervisor writes `pending` and `sti_hook`, the
 * IPVMM everything else.
 */
#ifndef IPVMM_SHARED_H
#define IPVMM_SHARED_H

#include <stdint.h>

#define IPVMM_SHARED_ADDR    0xFC800000u	/* IPVMM_BASE + 8 MiB */
#define IPVMM_SHARED_VERSION 3

/*
 * The virtual TLB's presence filter (docs/vtlb.md, "invlpg without the
 * hypervisor"): one bit per 32 KiB group of 8 pages below IPVMM_BASE,
 * bit (la >> 15), set by the hypervisor whenever it fills a shadow entry
 * in the group and cleared only by an HC_INVLPG in it that leaves no
 * shadow holding any page of the group. A clear bit therefore means no
 * shadow holds the page, and the IPVMM answers invlpg of it without a
 * hypercall. Read-only for ring 1; 16 KiB (4032 words used), in the data
 * window's page table.
 */
#define IPVMM_VTLB_FILTER_ADDR  0xFCA00000u	/* IPVMM_BASE + 10 MiB */
#define IPVMM_VTLB_FILTER_WORDS 4096u
#define IPVMM_VTLB_FILTER_SHIFT 15		/* a bit per 2^15 bytes */

static inline int ipvmm_vtlb_filter_bit(const volatile uint32_t *filter, uint32_t la)
{
	return (filter[la >> (IPVMM_VTLB_FILTER_SHIFT + 5)] >> ((la >> IPVMM_VTLB_FILTER_SHIFT) % 32)) & 1;
}

/* HC_SHUTDOWN statuses with which the IPVMM stops a guest that cannot go
 * on: IPVMM_STOP | code. The hypervisor records them as kills
 * (kernel/ipvmm_load.c). */
#define IPVMM_STOP            0xdead0000u
#define IPVMM_FAIL_VERSION    0x0001u	/* hypercall ABI major version mismatch */
#define IPVMM_FAIL_REWRITE    0x0002u	/* an afterburn site or record refused */
#define IPVMM_FATAL_CR3       0x003du	/* mov to cr3 of a directory outside the partition */
#define IPVMM_FATAL_HLT_CLI   0x003eu	/* hlt with the virtual IF clear */
#define IPVMM_FATAL_TRIPLE    0x003fu	/* a fault while delivering #DF */
				/* 0x0100 | id: a corrupted trampoline id */

/* Bits of ipvmm_shared.pending (set by the hypervisor's IRQ thread). */
#define IPVMM_PEND_TIMER   0x01u	/* the HC_SET_TIMER deadline passed */
#define IPVMM_PEND_CONSOLE 0x02u	/* console input arrived in con_in */
#define IPVMM_CON_IN_RING  256u		/* bytes of console input in flight */
#define IPVMM_RAW_TRAP_SLOTS 64u		/* unpadded sensitive sites reported */
#define IPVMM_RAW_TRAP_USER  0u		/* raw_traps[].eip of user mode's, per class */

struct ipvmm_shared {
	uint32_t version;	/* IPVMM_SHARED_VERSION, written by the IPVMM */
	/*
	 * Virtual IF: 1 = the guest would accept an interrupt. Read by the
	 * hypervisor to decide whether it may redirect the VM thread.
	 */
	volatile uint8_t vif;
	uint8_t pad[3];
	/*
	 * Called by every rewritten sti: sti_ret (a bare ret) when nothing is
	 * pending, sti_deliver otherwise. The hypervisor, when it sets a
	 * pending bit, also stores sti_deliver here, so a later sti notices.
	 */
	volatile uint32_t sti_hook;
	uint32_t sti_ret, sti_deliver;	/* written once by the IPVMM */
	volatile uint32_t pending;	/* IPVMM_PEND_* bits; the IPVMM clears with xchg */
	/*
	 * [iret_restart, iret_restart_end): a redirect that finds the VM
	 * thread's EIP in this range sets EIP = iret_restart instead of
	 * delivering (the check for pending work is then redone).
	 */
	uint32_t iret_restart, iret_restart_end;
	/* Counters the hypervisor may print (trap-mode emulations etc.). */
	uint32_t n_trap_emul, n_gp_emul, n_upcalls;

	/* --- written by the hypervisor before the start upcall ----------- */
	uint32_t afterburn_start;	/* guest-physical .afterburn records */
	uint32_t afterburn_count;	/* number of struct afterburn_record */
	uint32_t rewrite_mode;		/* 0 pre-virtualized, 1 trap (rewrite=trap) */
	uint32_t wallclock_s;		/* Unix time at guest start (the RTC's base) */
	/*
	 * Link address minus load address of the guest's code (vmlinux:
	 * PAGE_OFFSET, 0xC0000000; 0 for kernels linked where they load).
	 * The records above are guest-physical (where the IPVMM writes each
	 * site, paging off); each site is rewritten for the address it runs
	 * at once the guest pages, record + link_offset.
	 */
	uint32_t link_offset;
	/* The TSC's frequency (the hypervisor's calibration): the virtual
	 * CPUID reports it in leaf 0x15, as current Intel CPUs do, so a
	 * guest need not calibrate against a PIT it reaches only through
	 * the IPVMM. */
	uint32_t tsc_khz;
	/*
	 * Guest time: ns = time_ns_base +
	 *   (((rdtsc - time_tsc_base) << time_shift) * time_mul) >> 32.
	 * The hypervisor moves the bases while the VM thread is not running
	 * so the guest sees continuous time (docs/ipvmm.md).
	 */
	volatile uint64_t time_tsc_base, time_ns_base;
	volatile uint32_t time_mul, time_shift;
	/*
	 * Console input for the guest's COM1: the hypervisor appends at
	 * con_in_tail (its own copy is authoritative: this page is guest
	 * memory), the IPVMM takes from con_in_head as the UART has room.
	 * Indices run free; the slot is index % IPVMM_CON_IN_RING.
	 */
	volatile uint32_t con_in_head, con_in_tail;
	volatile uint8_t con_in[IPVMM_CON_IN_RING];
	/* --- written by the IPVMM: rewrite figures ------------------------ */
	uint32_t sites_rewritten, sites_failed, first_bad_site;
	/*
	 * Sensitive instructions that ran unpadded (no .afterburn record: code
	 * the guest wrote at run time, raw .byte encodings) and trapped to
	 * the #GP fallback: per address (user mode's per class, at
	 * IPVMM_RAW_TRAP_USER), the decoder's name for it and how often. The
	 * hypervisor prints the table when the guest stops.
	 */
	uint32_t raw_trap_sites, raw_trap_lost;	/* distinct sites; those not kept */
	struct ipvmm_raw_trap {
		uint32_t eip, count;
		char op[8];			/* NUL-padded, not always terminated */
	} raw_traps[IPVMM_RAW_TRAP_SLOTS];
	/* The direct system-call gate's entries (ipvmm/direct.asm): taken
	   on its fast path, and emulated (printed when the guest stops). */
	uint32_t direct_fast, direct_slow;
	/* Returns by burn_iret's fast path (ipvmm/burn.asm): to user mode,
	   and to the guest kernel itself. */
	uint32_t iret_fast, iret_fast_kernel;
	/* #PF delivered by burn_pf_direct (ipvmm/direct_pf.asm), and by
	   the emulated delivery. */
	uint32_t pf_fast, pf_slow;
};
/* One page, the first of the IPVMM data window; both sides are i386 C. */
_Static_assert(sizeof(struct ipvmm_raw_trap) == 16, "raw trap record layout");
_Static_assert(sizeof(struct ipvmm_shared) <= 4096, "shared page overflows its page");

/*
 * What the hypervisor pushes at the top of the IPVMM stack (the EDX of
 * HC_SET_UPCALL) before it points the VM thread's EIP at an upcall entry
 * with ESP = the address of this structure. The guest's state at the
 * moment it was interrupted; selectors as the hardware had them (RPL 1 for
 * the guest kernel, 3 for user code).
 */
struct ipvmm_upcall_state {
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;	/* pushad order */
	uint32_t gs, fs, es, ds;
	/* Exception upcall: the vector, | IPVMM_UPCALL_SOFT for a software
	   int n whose eip is already past the instruction. The interrupt
	   upcall's entry overwrites it with IPVMM_UPCALL_IRQ (the hypervisor
	   need not). */
	uint32_t vector;
	uint32_t error;		/* error code or 0 */
	uint32_t cr2;		/* #PF: the faulting linear address */
	uint32_t eip, cs, eflags, esp, ss;	/* hardware frame */
};
_Static_assert(sizeof(struct ipvmm_upcall_state) == 20 * 4, "upcall state layout");
#define IPVMM_UPCALL_SOFT 0x80000000u	/* vector field: a software int n */
#define IPVMM_UPCALL_IRQ  0xffffffffu	/* vector field: the interrupt upcall */

#endif /* IPVMM_SHARED_H */
