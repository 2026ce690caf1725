/*
 * Between the stub's protocol side (kernel/gdbstub.c) and its guest side
 * (kernel/gdbstub_guest.c): the debugged guest as GDB sees it. Called on
 * the stub's thread; everything but target_request_stop and the state
 * queries needs the guest parked.
 */
#ifndef GDBSTUB_TARGET_H
#define GDBSTUB_TARGET_H

#include <stdint.h>
#include "gdbstub_pkt.h"

struct guest;

enum target_state {
	TGT_NONE = 0,      /* the named guest has not reached a stop point yet */
	TGT_RUNNING,
	TGT_PARKED,        /* its VM thread is held at a stop point */
	TGT_GONE,          /* it exited or was killed */
};

void target_setup(const char *name, int wait, void (*wake)(void));
enum target_state target_state(void);
int target_exists(void);                  /* a guest of that name may still stop */
struct guest *target_guest(void);         /* NULL before it bound */
unsigned target_signal(void);             /* the parked stop's signal (5 trap, 2 int) */
int target_take_stop(void);               /* 1 once per stop not yet reported */
void target_request_stop(unsigned sig);
void target_resume(int step);             /* from PARKED */
void target_kill(void);                   /* a kill with a reason, then resume */

/* GDB's register file, virtualised (include/gdbstub_pkt.h, GDB_NREGS). */
void target_read_regs(uint32_t regs[GDB_NREGS]);
int target_write_reg(unsigned n, uint32_t v);     /* 0, or -GDB_E_REG */
/* Guest-linear memory through the guest's own tables: 0 or -GDB_E_FAULT. */
int target_read_mem(uint32_t la, uint8_t *dst, uint32_t len);
int target_write_mem(uint32_t la, const uint8_t *src, uint32_t len);
int target_bp_insert(uint32_t la);                /* 0, -GDB_E_FAULT, -GDB_E_FULL */
int target_bp_remove(uint32_t la);
void target_bp_clear_all(void);
/* `monitor vcpu`: the virtual CPU as text, at most max bytes. */
unsigned target_describe(char *out, unsigned max);

#endif
