/*
 * Trap-and-emulate in the hypervisor for direct guests (no IPVMM and no
 * exception upcall: tests/guests/): a guest in ring 1 with IOPL 0 gets #GP
 * on sensitive instructions. We emulate just enough for such a guest to
 * show output, and say so for everything else:
 *   cli / sti          the virtual IF bit
 *   hlt                with virtual IF=0 the guest can never wake: killed;
 *                      with IF=1 the VM thread blocks until an event is
 *                      pending (guest_wait, kernel/events.c)
 *   in / out (8-bit)   COM1 (0x3f8..0x3ff): a register file with the
 *                      divisor latch, THR feeding the console multiplexer,
 *                      LSR always "transmitter empty", no input
 * Anything else kills the guest naming the opcode. A guest with an IPVMM
 * never gets here: its #GP goes to the exception upcall, where
 * ipvmm/decode.c and the IPVMM's device switch emulate it.
 */
#include "guest.h"
#include "events.h"
#include "console_mux.h"
#include "vm.h"
#include "trap_emulate.h"
#include "guest_code.h"
#include "trap.h"
#include "thread.h"
#include "x86.h"
#include "log.h"

#define COM1_BASE 0x3f8u
#define LCR_DLAB  0x80u
#define LSR_IDLE  0x60u          /* THRE | TEMT: ready, nothing received */
#define IIR_NONE  0x01u          /* no interrupt pending */

enum { R_DATA = 0, R_IER = 1, R_IIR = 2, R_LCR = 3, R_LSR = 5 };

static int com1_out(struct guest *g, uint32_t port, uint8_t v)
{
	struct vcom1 *u = &g->com1;
	if (port < COM1_BASE || port > COM1_BASE + 7)
		return -1;
	unsigned r = port - COM1_BASE;
	int dlab = u->reg[R_LCR] & LCR_DLAB;
	if (r == R_DATA && dlab)
		u->dll = v;
	else if (r == R_IER && dlab)
		u->dlm = v;
	else if (r == R_DATA)
		console_mux_put(g, (const char *)&v, 1);
	else
		u->reg[r] = v;
	return 0;
}

static int com1_in(struct guest *g, uint32_t port, uint8_t *v)
{
	struct vcom1 *u = &g->com1;
	if (port < COM1_BASE || port > COM1_BASE + 7)
		return -1;
	unsigned r = port - COM1_BASE;
	int dlab = u->reg[R_LCR] & LCR_DLAB;
	switch (r) {
	case R_DATA: *v = dlab ? u->dll : 0; break;
	case R_IER:  *v = dlab ? u->dlm : u->reg[R_IER]; break;
	case R_IIR:  *v = IIR_NONE; break;
	case R_LSR:  *v = LSR_IDLE; break;
	default:     *v = u->reg[r]; break;
	}
	return 0;
}

/* First bytes of the instructions that #GP in ring 1 for being sensitive
 * (0f: the system group, lgdt, mov crN, ...). Any other #GP(0) is a real
 * protection fault, e.g. a segment limit, and is reported as one. */
static int sensitive_opcode(uint8_t op)
{
	switch (op) {
	case 0x0f: case 0x6c: case 0x6d: case 0x6e: case 0x6f: case 0x8e: case 0x9d:
	case 0xcf: case 0xe4: case 0xe5: case 0xe6: case 0xe7: case 0xec: case 0xed:
	case 0xee: case 0xef: case 0xf4: case 0xfa: case 0xfb:
		return 1;
	}
	return 0;
}

static void emulate_hlt(struct guest *g, struct trap_frame *tf)
{
	if (!guest_vif(g)) {
		kill_guest(g, "hlt with interrupts disabled at %08x", tf->eip);
		return;
	}
	if (guest_advance(g, tf, 1) < 0)
		return;
	guest_wait(g);                /* until its IRQ thread raises an event */
}

int emulate_gp(struct guest *g, struct trap_frame *tf)
{
	uint8_t b[2] = { 0, 0 };
	uint8_t v;
	/* From CS base + EIP within CS's limit; the second byte (imm8 / 0f
	 * xx) may be missing at the very end. */
	int got = guest_fetch(g, tf, b, 2);
	if (got < 1) {
		kill_guest(g, "#GP at %08x, outside its memory or its code segment", tf->eip);
		return -1;
	}
	g->stats.traps_emulated++;
	switch (b[0]) {
	case 0xfa: guest_set_vif(g, 0); return guest_advance(g, tf, 1);
	case 0xfb: guest_set_vif(g, 1); return guest_advance(g, tf, 1);
	case 0xf4: emulate_hlt(g, tf); return g->kill_pending ? -1 : 0;
	case 0xee:                                        /* out %al, (%dx) */
		if (com1_out(g, tf->edx & 0xffff, (uint8_t)tf->eax) < 0)
			break;
		return guest_advance(g, tf, 1);
	case 0xe6:                                        /* out %al, $imm8 */
		if (got < 2 || com1_out(g, b[1], (uint8_t)tf->eax) < 0)
			break;
		return guest_advance(g, tf, 2);
	case 0xec:                                        /* in (%dx), %al */
		if (com1_in(g, tf->edx & 0xffff, &v) < 0)
			break;
		tf->eax = (tf->eax & ~0xffu) | v;
		return guest_advance(g, tf, 1);
	case 0xe4:                                        /* in $imm8, %al */
		if (got < 2 || com1_in(g, b[1], &v) < 0)
			break;
		tf->eax = (tf->eax & ~0xffu) | v;
		return guest_advance(g, tf, 2);
	}
	g->stats.traps_emulated--;
	if (!sensitive_opcode(b[0]))
		kill_guest(g, "#GP general protection (vector 13) error 0 at eip %08x (opcode %02x)",
			   tf->eip, b[0]);
	else if (b[0] == 0x0f)
		kill_guest(g, "unhandled sensitive instruction %02x %02x at %08x", b[0], b[1], tf->eip);
	else if (b[0] == 0xee || b[0] == 0xec)
		kill_guest(g, "unhandled sensitive instruction %02x at %08x (port %#x)", b[0],
			   tf->eip, tf->edx & 0xffff);
	else if (b[0] == 0xe6 || b[0] == 0xe4)
		kill_guest(g, "unhandled sensitive instruction %02x at %08x (port %#x)", b[0],
			   tf->eip, b[1]);
	else
		kill_guest(g, "unhandled sensitive instruction %02x at %08x", b[0], tf->eip);
	return -1;
}
