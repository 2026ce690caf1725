/*
 * The console multiplexer: each guest's output (HC_CONSOLE_WRITE, its
 * emulated COM1) is collected per line and written to the real serial port
 * in one piece, prefixed "[NAME] ", so lines of several guests and the
 * hypervisor never mix and stripping the prefix gives the guest's own
 * transcript. A line longer than CONFIG_CONSOLE_LINE is forced out in parts.
 * Each complete line goes to kernel/bench_report.c, which answers a
 * guest's benchmark lines with the hypervisor's entry counts.
 */
#include "guest.h"
#include "events.h"
#include "console_mux.h"
#include "guest_args.h"
#include "log.h"
#include "uart.h"
#include "ipvmm_load.h"
#include "bench_report.h"
#include "thread.h"
#include "x86.h"

/* What one emit() may queue: the prefix, a full line, CR LF, a bench
 * line; and a reserve the hypervisor's own messages keep. */
#define EMIT_MAX   (GUEST_NAME_MAX + CONFIG_CONSOLE_LINE + 8 + 256)
#define HV_RESERVE 1024u
_Static_assert(EMIT_MAX + HV_RESERVE <= CONFIG_UART_TX_RING / 2, "output ring too small");

/* A full output ring blocks only the writing guest (on its own VM thread,
 * interrupts on elsewhere), never the machine; uart_tick's stall bound
 * empties a ring that never drains, so the wait ends. */
static void wait_room(struct guest *g)
{
	uint32_t f = irq_save();
	while (uart_tx_room() < EMIT_MAX + HV_RESERVE && current && current->guest == g &&
	       !g->kill_pending && g->state == G_RUNNING) {
		g->con.waiting = 1;
		g->con.waits++;
		current->state = T_BLOCKED;
		schedule();
	}
	g->con.waiting = 0;
	irq_restore(f);
}

void console_mux_room(void)
{
	for_each_guest(g)
		if (g->con.waiting && g->vm)
			thread_wake(g->vm);
}

/* Another guest's line left open on the terminal (an interactive
 * guest's prompt) is ended first, so no two guests share a line. */
static void close_others(const struct guest *g)
{
	for_each_guest(o)
		if (o != g && o->con.line_open) {
			kprintf("\n");
			o->con.line_open = 0;
		}
}

static void emit(struct guest *g)
{
	wait_room(g);
	close_others(g);
	if (g->con.line_open)                  /* the rest of a line shown in part */
		kprintf("%.*s\n", (int)g->con.line_len, g->con.line);
	else
		kprintf("[%s] %.*s\n", g->name, (int)g->con.line_len, g->con.line);
	g->con.line_open = 0;
	bench_report_line(g, g->con.line, g->con.line_len);   /* and opens the next window */
	g->con.line_len = 0;
}

/*
 * The console=input guest is someone's terminal: what it wrote without
 * a newline (a shell's prompt, an echoed key) is shown now, its prefix
 * once per line, instead of when the line is complete. Other guests keep
 * whole lines, so their transcripts never depend on timing.
 */
static void emit_partial(struct guest *g)
{
	wait_room(g);
	close_others(g);
	if (!g->con.line_open)
		kprintf("[%s] ", g->name);
	kprintf("%.*s", (int)g->con.line_len, g->con.line);
	g->con.line_open = 1;
	g->con.line_len = 0;
}

void console_mux_put(struct guest *g, const char *buf, uint32_t len)
{
	if (g->con.mode == CONSOLE_NONE) {
		g->con.dropped += len;
		return;
	}
	for (uint32_t i = 0; i < len; i++) {
		char c = buf[i];
		if (c == '\n') {
			emit(g);
			continue;
		}
		g->con.line[g->con.line_len++] = c;
		if (g->con.line_len == sizeof(g->con.line))
			emit(g);
	}
	if (g->con.mode == CONSOLE_INPUT && g->con.line_len)
		emit_partial(g);
}

void console_mux_flush(struct guest *g)
{
	if (g->con.line_len)
		emit(g);
	else if (g->con.line_open)
		kprintf("\n");
	g->con.line_open = 0;
}

/* The guest that gets serial input: a running console=input guest, else
 * the first running console=serial one, with an IPVMM (its COM1 model has
 * a receiver); none, and the bytes wait in the input queue. */
static struct guest *console_owner(void)
{
	struct guest *first = 0;
	for_each_guest(g) {
		if (g->state != G_RUNNING || !g->shared || !ipvmm_runs(g) || g->con.mode == CONSOLE_NONE)
			continue;
		if (g->con.mode == CONSOLE_INPUT)
			return g;
		if (!first)
			first = g;
	}
	return first;
}

/* Can serial input wake g? */
int console_mux_is_input(const struct guest *g)
{
	return console_owner() == g;
}

/* Serial input on its way to a guest: bytes read from the UART at every
 * clock event (so that a console command is seen even when no guest
 * takes input, or the owner's ring is full), kept here until the owner's
 * ring has room. Full, and the newest bytes are dropped and counted, as
 * a 16550 overruns when nobody reads it: the guest has then left its
 * ring and the queue unread. */
static uint8_t in_q[CONFIG_CONSOLE_IN_QUEUE];
_Static_assert((CONFIG_CONSOLE_IN_QUEUE & (CONFIG_CONSOLE_IN_QUEUE - 1)) == 0,
	       "the input queue's free-running indices need a power of two");
static uint32_t in_q_head, in_q_tail, in_q_dropped;

/* A bounded poll: at most 64 bytes per clock event (four FIFOs' worth,
 * 5.5 ms of 115200 baud; a clock event comes at least every tick,
 * 10 ms at the default CONFIG_PIT_HZ). */
static void read_uart(void)
{
	int c;
	for (unsigned n = 0; n < 64 && (c = uart_getc()) >= 0; n++) {
		if (console_cmd_byte((uint8_t)c))
			continue;
		if (in_q_tail - in_q_head == CONFIG_CONSOLE_IN_QUEUE) {
			if (in_q_dropped++ == 0)
				pr_warn("console: input queue full (nobody reads it), input dropped\n");
			continue;
		}
		in_q[in_q_tail++ % CONFIG_CONSOLE_IN_QUEUE] = (uint8_t)c;
	}
}

/* The queue's next byte, for the hypervisor's own idle loop (no guest
 * takes input then); -1 when it is empty. */
int console_input_getc(void)
{
	uint32_t f = irq_save();
	int c = in_q_head != in_q_tail ? in_q[in_q_head++ % CONFIG_CONSOLE_IN_QUEUE] : -1;
	irq_restore(f);
	return c;
}

/* Move queued input into the owner's ring, as far as it has room by the
 * hypervisor's own tail and the guest's head (read once, untrusted: a
 * head that claims more than the ring holds means full). */
void console_input_poll(void)
{
	read_uart();
	struct guest *g = console_owner();
	if (!g)
		return;
	struct ipvmm_shared *s = g->shared;
	uint32_t used = g->con.in_tail - s->con_in_head, n = 0;
	while (used < IPVMM_CON_IN_RING && in_q_head != in_q_tail) {
		s->con_in[g->con.in_tail % IPVMM_CON_IN_RING] = in_q[in_q_head++ % CONFIG_CONSOLE_IN_QUEUE];
		g->con.in_tail++;
		used++;
		n++;
	}
	if (n) {
		s->con_in_tail = g->con.in_tail;
		guest_raise(g, IPVMM_PEND_CONSOLE);
	}
}
