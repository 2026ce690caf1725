/*
 * Guests: the table of hosted guests, their loading, address spaces, VM
 * threads, hypercalls, console and death. One header for the subsystem,
 * grouped by the file that defines each part.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include "config.h"
#include "multiboot.h"

#define GUEST_NAME_MAX   32
#define GUEST_REASON_MAX 128

enum guest_state { G_FREE = 0, G_LOADED, G_RUNNING, G_EXITED, G_KILLED };

/* A shadow address space (kernel/shadow.c). Stage 1 has only the
 * physical mode; the virtual TLB adds guest-CR3-keyed shadows. */
struct shadow {
	uint32_t *pd;            /* page directory (hypervisor virtual) */
	uint32_t cr3;            /* its machine address */
	uint32_t limit;          /* guest-linear [0, limit) is mapped */
};

/* Per-guest state of the trap-and-emulate path (kernel/emulate.c). */
struct vcom1 {
	uint8_t reg[8];          /* what the guest last wrote, per port offset */
	uint8_t dll, dlm;        /* divisor latch (DLAB=1 writes to 0 and 1) */
};

struct guest {
	enum guest_state state;
	unsigned index;
	char name[GUEST_NAME_MAX];
	char cmdline[CONFIG_MB_STRING_MAX];   /* what the guest sees */
	uint32_t base, size;                  /* machine partition [base, base+size) */
	uint32_t entry;                       /* guest-physical */
	uint32_t mbi;                         /* guest-physical Multiboot info */
	uint32_t ab_sites;                    /* .afterburn records (rewriting: stage 2) */
	struct shadow phys;                   /* the physical-mode shadow */
	struct thread *vm;                    /* its VM thread */
	int vif;                              /* virtual EFLAGS.IF */
	struct vcom1 com1;
	int exit_status;                      /* HC_SHUTDOWN's status */
	int kill_pending;                     /* stop at the next safe point */
	char reason[GUEST_REASON_MAX];        /* first kill reason */
	uint32_t hypercalls, traps_emulated;
	char line[CONFIG_CONSOLE_LINE];       /* console multiplexer line */
	unsigned line_len;
};

extern struct guest guests[CONFIG_MAX_GUESTS];

/* kernel/guest_args.c (pure logic): name=, mem= and the rest of a
 * module's arguments. Returns 0, or -1 with *why. */
struct guest_args {
	char name[GUEST_NAME_MAX];            /* "" when not given */
	uint32_t mem;                         /* bytes; 0 when not given */
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

/* kernel/guest_mem.c: the one way the hypervisor touches guest memory.
 * Range checks with wrap-around in mind; 0 or HC_EFAULT. */
int guest_range_ok(const struct guest *g, uint32_t gla, uint32_t len);
int guest_read(const struct guest *g, uint32_t gla, void *dst, uint32_t len);
int guest_phys_write(const struct guest *g, uint32_t gpa, const void *src, uint32_t len);
int guest_phys_zero(const struct guest *g, uint32_t gpa, uint32_t len);

/* kernel/vm.c */
struct trap_frame;
struct guest *guest_current(void);               /* NULL in hypervisor threads */
int guest_start(struct guest *g);
void kill_guest(struct guest *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void guest_exit(struct guest *g, int status) __attribute__((noreturn));
void guest_safe_point(struct trap_frame *tf);    /* before returning to a guest */
void guest_fault(struct trap_frame *tf);         /* an exception from ring 1/3 */
unsigned guests_live(void);
int guests_summary(void);                        /* 1 if every guest exited 0 */

/* kernel/hypercall.c */
void hypercall_dispatch(struct trap_frame *tf);

/* kernel/console_mux.c */
void console_mux_put(struct guest *g, const char *buf, uint32_t len);
void console_mux_flush(struct guest *g);

/* kernel/emulate.c: 0 handled (EIP advanced), or -1 (guest killed) */
int emulate_gp(struct guest *g, struct trap_frame *tf);

/* kernel/entry.asm: load the frame and iret into the guest */
void enter_guest(struct trap_frame *tf) __attribute__((noreturn));

#endif
