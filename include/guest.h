/*
 * Guests: the table of hosted guests, their loading, address spaces, VM
 * threads, hypercalls, console and death. One header for the subsystem,
 * grouped by the file that defines each part.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include "config.h"
#include "thread.h"
#include "hypercall.h"
#include "multiboot.h"
#include "layout.h"
#include "ipvmm/shared.h"

#define GUEST_NAME_MAX   32
#define GUEST_REASON_MAX 128
/* Guest-physical conventional memory a BIOS would report (below the EBDA);
 * both boot hand-overs (Multiboot info, Linux's e820) say so. */
#define GUEST_LOW_MEM_END 0x9FC00u

enum guest_state { G_FREE = 0, G_LOADED, G_RUNNING, G_EXITED, G_KILLED };

/* The physical-mode shadow address space (kernel/shadow.c); the virtual
 * TLB's guest-CR3-keyed shadows are in struct vtlb. */
struct shadow {
	uint32_t *pd;            /* page directory (hypervisor virtual) */
	uint32_t cr3;            /* its machine address */
	uint32_t limit;          /* guest-linear [0, limit) is mapped */
};

/* The virtual TLB of one guest (kernel/vtlb.c): shadows keyed by guest
 * CR3, their page tables from a per-guest pool that is reset (every shadow
 * emptied) when it runs dry. Page directories and tables live in static
 * arrays in vtlb.c, indexed by the guest. */
#define VTLB_USED_WORDS (((IPVMM_BASE >> 22) + 31) / 32)   /* a bit per PDE below the hole */
struct vtlb {
	uint32_t used[CONFIG_VTLB_SHADOWS][VTLB_USED_WORDS];  /* PDEs with a page table */
	uint32_t key[CONFIG_VTLB_SHADOWS];     /* guest CR3 (page) of each slot */
	uint8_t valid[CONFIG_VTLB_SHADOWS];
	uint32_t lru[CONFIG_VTLB_SHADOWS];     /* last use, for replacement */
	uint32_t clock;
	int cur;                               /* slot in use when paging is on */
	int pool_ready;
	unsigned pt_used;                      /* page tables taken from the pool */
	uint32_t fills, reflected, resets, switches, hits, prefills;
	/* Per slot, the pages filled since it last became current: what a
	 * CR3 write back to it walks again (kernel/vtlb.c, slot_refresh). */
	uint32_t log[CONFIG_VTLB_SHADOWS][CONFIG_VTLB_PREFILL ? CONFIG_VTLB_PREFILL : 1];
	uint16_t log_n[CONFIG_VTLB_SHADOWS];
	uint8_t log_lost[CONFIG_VTLB_SHADOWS];  /* a fill did not fit in the log */
};

/* The virtual CPU state the hypervisor keeps (the IPVMM keeps the rest). */
struct vcpu_hv {
	uint32_t cr0, cr3, cr4;                /* as set by HC_SET_CR0_CR4 / HC_SET_CR3 */
	uint32_t upcall_irq, upcall_exc;       /* 0: none registered */
	uint32_t upcall_stack;                 /* the ipvmm_upcall_state sits below it */
	uint32_t self_lo, self_hi;             /* ipvmm=self: the guest's "IPVMM text" */
	uint32_t ss1, esp1;                    /* HC_SET_STACK */
	uint32_t direct_vec;                   /* HC_DIRECT_GATE: its vector, 0 = none */
	uint64_t timer_deadline;               /* guest ns; 0 = not armed */
	uint64_t start_tsc;                    /* guest time 0 (kernel/clock.c's TSC) */
	int redirect_due;                      /* new pending bits since the last upcall */
	int waiting;                           /* the VM thread is blocked in HC_WAIT */
	int cli_watch;                         /* an event pending, vIF clear, since cli_since */
	uint64_t cli_since;                    /* its CPU time (sched.cpu_tsc) then */
	uint32_t upcalls_irq, upcalls_exc, rollbacks, timer_fires;
	uint32_t fixups;                       /* IPVMM guest copies resumed (ipvmm_fixup.c) */
};

/* Per-guest state of the trap-and-emulate path (kernel/emulate.c). */
struct vcom1 {
	uint8_t reg[8];          /* what the guest last wrote, per port offset */
	uint8_t dll, dlm;        /* divisor latch (DLAB=1 writes to 0 and 1) */
};

/* console= of a guest module: where its COM1 goes and whether it gets
 * the serial input (docs/ipvmm.md, "Life of a guest"). */
enum guest_console {
	CONSOLE_SERIAL = 0,   /* default: "[NAME] " lines on the serial port */
	CONSOLE_INPUT,        /* the same, and it receives the serial input */
	CONSOLE_NONE,         /* output counted and dropped, no input */
};

struct guest {
	enum guest_state state;
	unsigned index;
	char name[GUEST_NAME_MAX];
	char cmdline[CONFIG_MB_STRING_MAX];   /* what the guest sees */
	uint32_t base, size;                  /* machine partition [base, base+size) */
	uint32_t entry;                       /* guest-physical */
	uint32_t mbi;                         /* guest-physical boot info: Multiboot's, or Linux's zero page */
	int linux_boot;                       /* a vmlinux: started by the Linux boot protocol */
	uint32_t initrd, initrd_len;          /* guest-physical initramfs (Linux), or 0 */
	uint32_t link_offset;                 /* its code's link minus load address */
	uint32_t bounces;                     /* IPVMM calls from the load address (kernel/vm.c) */
	uint32_t ab_sites;                    /* .afterburn records (the IPVMM rewrites them) */
	struct shadow phys;                   /* the physical-mode shadow */
	struct thread *vm;                    /* its VM thread */
	struct thread *irq;                   /* its IRQ thread (created at its start) */
	char irq_name[GUEST_NAME_MAX + 4];
	struct vtlb vtlb;
	struct vcpu_hv v;
	struct ipvmm_shared *shared;          /* its shared page (hypervisor virtual) */
	uint64_t gdt[CONFIG_GUEST_GDT_ENTRIES]; /* validated copies (HC_LOAD_DESC) */
	uint64_t ldt[CONFIG_GUEST_LDT_ENTRIES]; /* the same for table 1 */
	int vif;                              /* virtual EFLAGS.IF (trap path) */
	enum guest_console console;
	uint32_t con_dropped;                 /* output bytes of a console=none guest */
	int con_waiting;                      /* its VM thread waits for output ring room */
	uint32_t con_waits;                   /* times it did */
	uint32_t con_in_tail;                 /* console input appended (the shared page's copy is the guest's) */
	uint32_t soft_ints;                    /* int $0x82 reflected to the guest's IDT */
	int ipvmm_self;                       /* `ipvmm=self`: a test guest that is its own IPVMM */
	struct vcom1 com1;
	int exit_status;                      /* HC_SHUTDOWN's status */
	int kill_pending;                     /* stop at the next safe point */
	char reason[GUEST_REASON_MAX];        /* first kill reason */
	uint32_t hypercalls, traps_emulated;
	uint32_t seg_nulled;                  /* data selectors the return path nulled */
	/* kernel/retpath.c: the descriptor tables' generation (HC_LOAD_DESC
	 * bumps it) and the last selectors checked against it, so an unchanged
	 * return costs a compare, not six lar */
	uint32_t desc_gen;
	struct { uint32_t gen, key[3]; } rp_seen;   /* gen 0: none yet */
	uint32_t hc_count[HC_NR_CALLS];       /* per call number, for the stats line */
	/* Entries into the hypervisor on this guest's behalf (docs/performance.md,
	 * "hv: bench-entries"): exceptions it caused, hypercalls but console
	 * writes, real interrupts taken while its VM thread ran; and their
	 * values at the end of its last complete console line. */
	struct guest_entries { uint32_t traps, hcalls, irqs; } entries, entries_mark;
	struct sched_account sched;           /* kernel/sched.c's accounting (thread.h) */
	uint8_t fpu[512] __attribute__((aligned(16)));   /* fxsave area (kernel/fpu.c) */
	int fpu_valid;                        /* fpu holds a state (0: reset on first run) */
	char line[CONFIG_CONSOLE_LINE];       /* console multiplexer line */
	unsigned line_len;
	int line_open;                        /* part of its line is on the terminal (console=input) */
};

extern struct guest guests[CONFIG_MAX_GUESTS];

/* kernel/fpu.c: the guests' FPU/SSE state, switched between guests. */
void fpu_init(void);
void fpu_switch_to(struct guest *g);
void fpu_release(const struct guest *g);

/* kernel/guest_args.c (pure logic): name=, mem= and the rest of a
 * module's arguments. Returns 0, or -1 with *why. */
struct guest_args {
	char name[GUEST_NAME_MAX];            /* "" when not given */
	char initrd_for[GUEST_NAME_MAX];      /* initrd-for=: "" for a guest */
	uint32_t mem;                         /* bytes; 0 when not given */
	enum guest_console console;
	char rest[CONFIG_MB_STRING_MAX];      /* passed on to the guest */
};
int guest_args_parse(const char *args, struct guest_args *out, const char **why);

/* kernel/loader.c */
unsigned loader_load_all(const struct boot_info *bi);   /* guests loaded */

/* kernel/shadow.c */
int shadow_phys_build(struct shadow *s, uint32_t base, uint32_t size);
/* The top page of the VM thread's stack, writable in its guest's shadow. */
int shadow_map_stack(struct shadow *s, const void *lo, uint32_t size);
int shadow_map_guest(struct shadow *s, uint32_t va, uint32_t ma, uint32_t len);
/* Guest-linear -> machine through the guest's current shadow: 0 and *ma,
 * or -1 when the address is not mapped for the guest. */
int shadow_translate(const struct guest *g, uint32_t gla, uint32_t *ma);
unsigned shadow_pool_used(void);
void shadow_phys_free(struct shadow *s);         /* a stopped guest's pages back */
int shadow_translate_write(const struct guest *g, uint32_t gla, uint32_t *ma);
/* A writable page of the guest's IPVMM data window: machine address, or -1. */
int shadow_window_write(const struct guest *g, uint32_t la, uint32_t *ma);
/* The page directory entries of the hole (IPVMM window and the hypervisor's
 * trap entry): every shadow of the guest copies them from its phys shadow. */
#define SHADOW_HOLE_PDE (IPVMM_BASE >> 22)

/* kernel/vtlb.c: the virtual TLB. */
int vtlb_paging(const struct guest *g);          /* guest CR0.PG */
/* A #PF from the guest: 1 resolved (shadow filled), 0 reflect with *err
 * and *cr2, -1 the guest was killed. */
int vtlb_fault(struct guest *g, uint32_t la, uint32_t hw_err, uint32_t *err);
/* Guest-linear -> guest-physical through the guest's tables (a supervisor
 * read or write, A/D set as the CPU would); -1 when they do not allow it. */
int vtlb_translate(const struct guest *g, uint32_t la, int write, uint32_t *gpa);
void vtlb_set_cr3(struct guest *g, uint32_t cr3);
void vtlb_set_cr0_cr4(struct guest *g, uint32_t cr0, uint32_t cr4);
void vtlb_invlpg(struct guest *g, uint32_t la);
void vtlb_flush(struct guest *g, int all);
uint32_t vtlb_current_cr3(const struct guest *g); /* machine CR3 the VM thread runs on */

struct trap_frame;
/* kernel/events.c: guest time, the IRQ thread, waiting and upcalls. */
uint64_t guest_time_ns(const struct guest *g);
/* From the timer interrupt: wake the IRQ threads whose deadline passed
 * (returns how many) and lower *next (hypervisor ns) to the earliest
 * deadline still ahead. */
int guest_events_tick(uint64_t *next);
/* Guest start: time 0 is now, published in its shared page. */
void guest_clock_start(struct guest *g);
/* Guest start: its IRQ thread (0, or -1 with the thread table full), so
 * that HC_SET_TIMER's invoke cannot fail. */
int guest_irq_thread_create(struct guest *g);
void guest_set_timer(struct guest *g, uint64_t deadline);   /* guest ns, 0 = cancel */
void guest_wait(struct guest *g);                /* HC_WAIT / emulated hlt */
void guest_raise(struct guest *g, uint32_t bits);  /* set pending, wake, arrange a redirect */
/* Before returning to the guest: deliver a due interrupt upcall. */
void guest_deliver_events(struct guest *g, struct trap_frame *tf);
/* Redirect to the exception upcall: 0, or -1 none registered / impossible. */
int guest_upcall_exc(struct guest *g, struct trap_frame *tf, uint32_t vector,
		     uint32_t error, uint32_t cr2);
int guest_in_ipvmm(const struct guest *g, uint32_t eip);
void guest_load_cr4(const struct guest *g);
/* From the timer interrupt: serial input to the console guest. */
void console_input_poll(void);
void guest_load_cpu_state(const struct guest *g);  /* its GDT part and TSS ss1/esp1 */

/* kernel/guest_mem.c: the one way the hypervisor touches guest memory.
 * Range checks with wrap-around in mind; 0 or HC_EFAULT. */
int guest_range_ok(const struct guest *g, uint32_t gla, uint32_t len);
int guest_read(const struct guest *g, uint32_t gla, void *dst, uint32_t len);
int guest_write(const struct guest *g, uint32_t gla, const void *src, uint32_t len);
int guest_phys_write(const struct guest *g, uint32_t gpa, const void *src, uint32_t len);
int guest_phys_zero(const struct guest *g, uint32_t gpa, uint32_t len);

/* kernel/hypercall.c: "HC_VERSION" ... by call number (the stats line). */
extern const char *const hc_names[HC_NR_CALLS];

/* kernel/vm.c */
struct trap_frame;
struct guest *guest_current(void);               /* NULL in hypervisor threads */
int guest_start(struct guest *g, const char **why);   /* 0, or -1: refused */
void kill_guest(struct guest *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void guest_exit(struct guest *g, int status) __attribute__((noreturn));
void guest_safe_point(struct trap_frame *tf);    /* before returning to a guest */
void guest_fault(struct trap_frame *tf);         /* an exception from ring 1/3 */
unsigned guests_live(void);
int guests_summary(void);                        /* 1 if every guest exited 0 */
void guest_pools_mark(void);                     /* before loading: the pools' state */
int guest_pools_check(void);                     /* at shutdown: all returned? */

/* kernel/hypercall.c */
void hypercall_dispatch(struct trap_frame *tf);

/* kernel/console_mux.c */
void console_mux_put(struct guest *g, const char *buf, uint32_t len);
void console_mux_flush(struct guest *g);
int console_mux_is_input(const struct guest *g);  /* serial input goes to g */
void console_mux_room(void);                     /* the output ring drained: wake writers */

/* kernel/emulate.c: 0 handled (EIP advanced), or -1 (guest killed) */
int emulate_gp(struct guest *g, struct trap_frame *tf);

/* kernel/entry.asm: load the frame and iret into the guest */
void enter_guest(struct trap_frame *tf) __attribute__((noreturn));

#endif
