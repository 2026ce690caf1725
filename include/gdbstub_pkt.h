/*
 * The GDB remote protocol's packets, as pure functions (kernel/
 * gdbstub_pkt.c, host-unit-tested and fuzzed): the receiver's framing
 * state machine ($payload#cs, the ack bytes, Ctrl-C), the encoder, and the
 * decoder that turns one payload into a checked struct gdb_cmd. Everything
 * syntactic is validated here; what an address means for a guest is
 * kernel/gdbstub_guest.c's business (docs/debugging.md, "The per-guest stub").
 */
#ifndef GDBSTUB_PKT_H
#define GDBSTUB_PKT_H

#include <stdint.h>

#define GDB_PKT_MAX  1024u   /* payload bytes either way; qSupported's PacketSize */
#define GDB_MEM_MAX  500u    /* bytes per m/M: 2 hex digits each fit a packet */
#define GDB_NREGS    16u     /* eax ecx edx ebx esp ebp esi edi eip eflags cs ss ds es fs gs */
#define GDB_TEXT_MAX 128u    /* a monitor command, decoded */

/* Error replies (E NN): the numbers GDB shows, errno-like. */
#define GDB_E_SYNTAX  0x01   /* malformed packet */
#define GDB_E_REG     0x02   /* no such register, or it cannot be written so */
#define GDB_E_TOOLONG 0x03   /* beyond GDB_PKT_MAX or GDB_MEM_MAX */
#define GDB_E_STATE   0x09   /* the guest is not stopped (or gone) */
#define GDB_E_FAULT   0x0e   /* memory the guest's tables do not map, the hole, the IPVMM */
#define GDB_E_FULL    0x1c   /* breakpoint table full */

enum gdb_rx_event {
	GDB_RX_NONE = 0,     /* byte taken, nothing complete */
	GDB_RX_PACKET,       /* buf[0..len) is a payload with a good checksum */
	GDB_RX_BADSUM,       /* checksum mismatch: answer '-' */
	GDB_RX_TOOLONG,      /* payload beyond GDB_PKT_MAX: ack, answer E03 */
	GDB_RX_INTR,         /* 0x03 outside a packet: Ctrl-C */
	GDB_RX_ACK,          /* '+' */
	GDB_RX_NAK,          /* '-': resend the last reply */
};

struct gdb_rx {
	int state;                   /* kernel/gdbstub_pkt.c: RX_* */
	unsigned len;
	uint8_t sum, want;
	int overflow;
	char buf[GDB_PKT_MAX + 1];   /* NUL-terminated payload */
};

enum gdb_cmd_kind {
	GDB_C_BAD = 0,       /* malformed: reply E(error) */
	GDB_C_UNSUPPORTED,   /* reply empty: GDB falls back or gives up */
	GDB_C_HALT_REASON,   /* ? */
	GDB_C_READ_REGS,     /* g */
	GDB_C_WRITE_REGS,    /* G */
	GDB_C_READ_REG,      /* p n */
	GDB_C_WRITE_REG,     /* P n=v */
	GDB_C_READ_MEM,      /* m addr,len */
	GDB_C_WRITE_MEM,     /* M addr,len:hex */
	GDB_C_CONT,          /* c [addr], C sig[;addr] */
	GDB_C_STEP,          /* s [addr], S sig[;addr] */
	GDB_C_DETACH,        /* D */
	GDB_C_KILL,          /* k */
	GDB_C_BP_INSERT,     /* Z0,addr,kind */
	GDB_C_BP_REMOVE,     /* z0,addr,kind */
	GDB_C_SUPPORTED,     /* qSupported */
	GDB_C_ATTACHED,      /* qAttached */
	GDB_C_CUR_THREAD,    /* qC */
	GDB_C_THREADS_FIRST, /* qfThreadInfo */
	GDB_C_THREADS_NEXT,  /* qsThreadInfo */
	GDB_C_SET_THREAD,    /* H op thread */
	GDB_C_THREAD_ALIVE,  /* T thread */
	GDB_C_MONITOR,       /* qRcmd,hex */
};

struct gdb_cmd {
	enum gdb_cmd_kind kind;
	int error;                   /* GDB_C_BAD: the GDB_E_* to reply */
	uint32_t addr, len;          /* m, M, Z/z (len = kind), c/s (has_addr) */
	int has_addr;
	unsigned reg;                /* p, P: < GDB_NREGS */
	uint32_t value;              /* P */
	unsigned nregs;              /* G: registers given (whole ones) */
	uint32_t regs[GDB_NREGS];
	uint8_t data[GDB_MEM_MAX];   /* M: len bytes */
	char text[GDB_TEXT_MAX + 1]; /* qRcmd: NUL-terminated */
};

void gdb_rx_reset(struct gdb_rx *rx);
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c);
/* Decode one payload (len bytes, need not be NUL-terminated). Returns the
 * kind (also in cmd->kind). */
enum gdb_cmd_kind gdb_decode(const char *pkt, unsigned len, struct gdb_cmd *cmd);
/* $payload#cs into out (escaping $ # } *): total bytes, 0 if it does not fit. */
unsigned gdb_frame(const char *payload, unsigned len, char *out, unsigned max);
/* Hex helpers: 2n digits for n bytes; a 32-bit value as target-order bytes. */
void gdb_hex_bytes(const uint8_t *src, unsigned n, char *out);
void gdb_hex_u32le(uint32_t v, char *out);

#endif
