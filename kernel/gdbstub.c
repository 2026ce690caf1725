/*
 * The per-guest GDB stub's protocol side (docs/debugging.md, "The per-guest
 * stub"): a hypervisor thread that reads GDB's bytes from COM2 (its
 * receive interrupt wakes it), frames and decodes packets
 * (kernel/gdbstub_pkt.c: every field checked there), and invokes the
 * guest side (kernel/gdbstub_guest.c) with checked values only. It is a
 * round-robin thread like a VM thread, not an urgent one: its output is
 * polled (bounded per byte), and a long reply at a real UART's speed must
 * not keep the other guests from their turns; woken by a byte it runs at
 * once while it has budget left (kernel/sched.c).
 */
#include "gdbstub.h"
#include "gdbstub_pkt.h"
#include "gdbstub_target.h"
#include "guest.h"
#include "thread.h"
#include "uart.h"
#include "x86.h"
#include "log.h"
#include "fmt.h"

static struct {
	struct thread *thr;
	struct gdb_rx rx;
	struct gdb_cmd cmd;
	char out[GDB_PKT_MAX + 1];           /* a reply's payload */
	char frame[2 * GDB_PKT_MAX + 8];     /* the last reply framed: a '-' resends it */
	unsigned frame_len;
	int awaiting;                        /* GDB waits for a stop reply (c, s) */
	char text[GDB_PKT_MAX / 2];          /* monitor output */
} s;

static void wake(void)
{
	if (s.thr)
		thread_wake(s.thr);
}

static void send(const char *payload, unsigned len)
{
	s.frame_len = gdb_frame(payload, len, s.frame, sizeof(s.frame));
	uart_dbg_write(s.frame, s.frame_len);
}

static void send_str(const char *p)
{
	unsigned n = 0;
	while (p[n])
		n++;
	send(p, n);
}

static void send_error(int e)
{
	char b[4] = { 'E', "0123456789abcdef"[(e >> 4) & 15], "0123456789abcdef"[e & 15], 0 };
	send_str(b);
}

/* Block (interrupts off) until the guest side parks the guest or it is gone. */
static void wait_target(void)
{
	cli();
	while (target_state() != TGT_PARKED && target_state() != TGT_GONE) {
		current->state = T_BLOCKED;
		schedule();
	}
	sti();
}

/* Packets that read or change the guest need it held: stop it first. */
static int ensure_parked(void)
{
	if (target_state() == TGT_PARKED)
		return 1;
	if (target_state() == TGT_GONE || !target_exists())
		return 0;
	target_request_stop(5);
	wait_target();
	(void)target_take_stop();    /* this packet's reply stands for the stop */
	return target_state() == TGT_PARKED;
}

static void send_stop(void)
{
	const struct guest *g = target_guest();
	if (target_state() == TGT_GONE) {
		/* W: exited with a status; X: ended by a signal (a kill) */
		fmt_snprintf(s.out, sizeof(s.out), g->state == G_EXITED ? "W%02x" : "X09",
			     (unsigned)g->exit_status & 0xff);
	} else {
		fmt_snprintf(s.out, sizeof(s.out), "T%02xthread:1;", target_signal());
	}
	send_str(s.out);
}

/* Console output for GDB ('O' packets, hex) then OK. */
static void send_text(const char *t, unsigned n)
{
	for (unsigned at = 0; at < n;) {
		unsigned k = n - at < (GDB_PKT_MAX - 2) / 2 ? n - at : (GDB_PKT_MAX - 2) / 2;
		s.out[0] = 'O';
		gdb_hex_bytes((const uint8_t *)t + at, k, s.out + 1);
		send(s.out, 1 + 2 * k);
		at += k;
	}
	send_str("OK");
}

static int text_is(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static void monitor(const char *cmd)
{
	unsigned n = 0;
	if (text_is(cmd, "vcpu")) {
		if (!ensure_parked()) {
			send_error(GDB_E_STATE);
			return;
		}
		n = target_describe(s.text, sizeof(s.text));
	} else if (text_is(cmd, "guests")) {
		for_each_guest(g) {
			static const char *const st[] = { "free", "loaded", "running", "exited", "killed" };
			if (n >= sizeof(s.text) - 64)
				break;
			if (g->state != G_FREE)
				n += (unsigned)fmt_snprintf(s.text + n, sizeof(s.text) - n, "%u %s %s%s\n", g->index,
							    g->name, st[g->state],
							    g == target_guest() ? " (this stub)" : "");
		}
	} else {
		n = (unsigned)fmt_snprintf(s.text, sizeof(s.text),
					   "monitor commands: vcpu (the virtual CPU), guests\n");
	}
	send_text(s.text, n);
}

static void detach(void)
{
	if (ensure_parked())         /* the int3 bytes come out with the guest held */
		target_bp_clear_all();
	target_resume(0);
	send_str("OK");
	pr_info("gdbstub: GDB detached\n");
}

static void regs_reply(void)
{
	uint32_t r[GDB_NREGS];
	target_read_regs(r);
	for (unsigned i = 0; i < GDB_NREGS; i++)
		gdb_hex_u32le(r[i], s.out + 8 * i);
	send(s.out, 8 * GDB_NREGS);
}

static void write_regs(const struct gdb_cmd *c)
{
	for (unsigned i = 0; i < c->nregs; i++)
		if (target_write_reg(i, c->regs[i]) < 0) {
			send_error(GDB_E_REG);
			return;
		}
	send_str("OK");
}

static void mem_reply(const struct gdb_cmd *c)
{
	static uint8_t buf[GDB_MEM_MAX];
	int e = target_read_mem(c->addr, buf, c->len);
	if (e < 0) {
		send_error(-e);
		return;
	}
	gdb_hex_bytes(buf, c->len, s.out);
	send(s.out, 2 * c->len);
}

static void result(int e)
{
	if (e < 0)
		send_error(-e);
	else
		send_str("OK");
}

/* Commands that need the guest held. */
static void held(const struct gdb_cmd *c)
{
	uint32_t r[GDB_NREGS];
	switch (c->kind) {
	case GDB_C_HALT_REASON: send_stop(); break;
	case GDB_C_READ_REGS: regs_reply(); break;
	case GDB_C_WRITE_REGS: write_regs(c); break;
	case GDB_C_READ_REG:
		target_read_regs(r);
		gdb_hex_u32le(r[c->reg], s.out);
		send(s.out, 8);
		break;
	case GDB_C_WRITE_REG: result(target_write_reg(c->reg, c->value)); break;
	case GDB_C_READ_MEM: mem_reply(c); break;
	case GDB_C_WRITE_MEM: result(target_write_mem(c->addr, c->data, c->len)); break;
	case GDB_C_BP_INSERT: result(target_bp_insert(c->addr)); break;
	case GDB_C_BP_REMOVE: result(target_bp_remove(c->addr)); break;
	case GDB_C_CONT:
	case GDB_C_STEP:
		if (c->has_addr)
			(void)target_write_reg(8, c->addr);
		target_resume(c->kind == GDB_C_STEP);
		s.awaiting = 1;       /* the reply is the next stop */
		break;
	case GDB_C_KILL: target_kill(); break;   /* GDB waits for no reply */
	default: send_str(""); break;
	}
}

static void handle(const struct gdb_cmd *c)
{
	switch (c->kind) {
	case GDB_C_BAD: send_error(c->error); return;
	case GDB_C_UNSUPPORTED: send_str(""); return;
	case GDB_C_SUPPORTED:
		fmt_snprintf(s.out, sizeof(s.out), "PacketSize=%x", GDB_PKT_MAX);
		send_str(s.out);
		return;
	case GDB_C_ATTACHED: send_str("1"); return;     /* detach, do not kill, on quit */
	case GDB_C_CUR_THREAD: send_str("QC1"); return;
	case GDB_C_THREADS_FIRST: send_str("m1"); return;
	case GDB_C_THREADS_NEXT: send_str("l"); return;
	case GDB_C_SET_THREAD: send_str("OK"); return;
	case GDB_C_THREAD_ALIVE:
		if (c->value == 1) send_str("OK"); else send_error(GDB_E_SYNTAX);
		return;
	case GDB_C_MONITOR: monitor(c->text); return;
	case GDB_C_DETACH: detach(); return;
	default: break;
	}
	if (!ensure_parked()) {
		if (target_state() == TGT_GONE && c->kind == GDB_C_HALT_REASON)
			send_stop();
		else if (c->kind != GDB_C_KILL)
			send_error(GDB_E_STATE);
		return;
	}
	held(c);
}

static void rx(uint8_t byte)
{
	switch (gdb_rx_byte(&s.rx, byte)) {
	case GDB_RX_PACKET:
		uart_dbg_write("+", 1);
		gdb_decode(s.rx.buf, s.rx.len, &s.cmd);
		handle(&s.cmd);
		break;
	case GDB_RX_BADSUM:
		uart_dbg_write("-", 1);
		break;
	case GDB_RX_TOOLONG:
		uart_dbg_write("+", 1);
		send_error(GDB_E_TOOLONG);
		break;
	case GDB_RX_NAK:
		uart_dbg_write(s.frame, s.frame_len);
		break;
	case GDB_RX_INTR:
		if (s.awaiting)
			target_request_stop(2);    /* SIGINT */
		break;
	default:
		break;
	}
}

static void stub_thread(void *arg)
{
	(void)arg;
	for (;;) {
		int c;
		cli();
		while ((c = uart_dbg_getc()) < 0 && !(s.awaiting && target_take_stop())) {
			current->state = T_BLOCKED;
			schedule();
		}
		sti();
		if (c < 0) {                /* the guest stopped (or ended) while GDB waited */
			s.awaiting = 0;
			send_stop();
			continue;
		}
		rx((uint8_t)c);
	}
}

void gdbstub_init(const char *guest_name, int wait)
{
	if (!guest_name || !guest_name[0])
		return;
	gdb_rx_reset(&s.rx);
	target_setup(guest_name, wait, wake);
	s.thr = thread_create("gdbstub", stub_thread, 0);
	if (!s.thr)
		return;
	if (uart_dbg_init(wake) < 0) {
		pr_warn("gdbstub: no UART at %#x: no stub for guest %s\n", CONFIG_GDB_UART_PORT,
			guest_name);
		s.thr->state = T_DEAD;
		s.thr = 0;
		return;
	}
	gdbstub_on = 1;
	pr_info("gdbstub: guest %s served on COM2 (%#x)%s\n", guest_name, CONFIG_GDB_UART_PORT,
		wait ? ", held at its first stop point (gdbwait)" : "");
}
