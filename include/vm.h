/*
 * VM threads, guest death and the hypervisor's pools across a guest's life
 * (kernel/vm.c), and the way into a guest (kernel/entry.asm).
 */
#ifndef VM_H
#define VM_H

struct guest;
struct trap_frame;

struct guest *guest_current(void);               /* NULL in hypervisor threads */
int guest_start(struct guest *g, const char **why);   /* 0, or -1: refused */
void kill_guest(struct guest *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void guest_kill_outside(struct guest *g, const char *why);   /* the console's kill */
void guest_exit(struct guest *g, int status) __attribute__((noreturn));
void guest_safe_point(struct trap_frame *tf);    /* before returning to a guest */
void guest_fault(struct trap_frame *tf);         /* an exception from ring 1/3 */
void guest_pools_mark(void);                     /* before loading: the pools' state */
int guest_pools_check(void);                     /* at shutdown: all returned? */

/* kernel/entry.asm: load the frame and iret into the guest */
void enter_guest(struct trap_frame *tf) __attribute__((noreturn));

#endif
