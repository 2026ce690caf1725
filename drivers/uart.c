/*
 * 16550 UART on CONFIG_UART_PORT (COM1), 8N1 at CONFIG_UART_BAUD, FIFOs on.
 * init checks the chip is there by reading back the scratch and
 * line-control registers.
 *
 * Output goes through a ring of CONFIG_UART_TX_RING bytes, drained with
 * interrupts on: by the transmit-holding-empty interrupt (IRQ 4/3, up to
 * a FIFO's worth per interrupt) and by the timer tick as a backstop, so a
 * 4 KiB guest write never polls the UART with interrupts off. Only when
 * the ring is full (the hypervisor's own burst; guests wait for room
 * before they write, kernel/console_mux.c) or on flush (shutdown, panic)
 * is the UART polled, each byte a bounded number of polls; a UART that
 * stays busy past that bound is taken as stalled: its bytes are dropped
 * and counted, without polling, until it is seen ready again.
 *
 * A second unit, the debug port (CONFIG_GDB_UART_PORT, COM2: the GDB stub,
 * kernel/gdbstub.c), shares the probe: its input is taken by its receive
 * interrupt into a ring (bytes beyond it dropped and counted), its output
 * is polled, each byte a bounded number of polls.
 */
#include "uart.h"
#include "x86.h"
#include "config.h"
#include "trap.h"
#include "pic.h"
#include "x86/uart16550.h"

#define UART_IRQ (CONFIG_UART_PORT == UART_COM2 ? 3 : 4)
#define UART_STALL_TICKS 100u   /* 1 s at the default tick: far beyond a FIFO's time */

#define FCR_ON_CLEAR (UART_FCR_ENABLE | UART_FCR_CLR_RX | UART_FCR_CLR_TX)
#define MCR_ON       (UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2)

unsigned uart_dropped;
static int uart_ok, stalled, irq_on, fifo_depth = 1;
static char ring[CONFIG_UART_TX_RING];
static uint32_t head, tail;     /* free-running; slot = index % size */
static void (*room_hook)(void);

static void port_w(uint16_t base, unsigned r, uint8_t v) { outb((uint16_t)(base + r), v); }
static uint8_t port_r(uint16_t base, unsigned r) { return inb((uint16_t)(base + r)); }
static void reg_w(unsigned r, uint8_t v) { port_w(CONFIG_UART_PORT, r, v); }
static uint8_t reg_r(unsigned r) { return port_r(CONFIG_UART_PORT, r); }

/* 8N1 at CONFIG_UART_BAUD, FIFOs on: the FIFO depth, or -1 when nothing
 * answers at base (the read-back of the scratch and line-control registers). */
static int probe_init(uint16_t base)
{
	uint16_t div = UART_CLOCK_HZ / CONFIG_UART_BAUD;
	port_w(base, UART_SCR, 0x5a);
	if (port_r(base, UART_SCR) != 0x5a)
		return -1;
	port_w(base, UART_IER, 0);
	port_w(base, UART_LCR, UART_LCR_DLAB);
	port_w(base, UART_DLL, div & 0xff);
	port_w(base, UART_DLM, div >> 8);
	port_w(base, UART_LCR, UART_LCR_8N1);
	if (port_r(base, UART_LCR) != UART_LCR_8N1)
		return -1;
	port_w(base, UART_FCR, FCR_ON_CLEAR);
	int depth = (port_r(base, UART_IIR) & UART_IIR_FIFO) == UART_IIR_FIFO ? 16 : 1;   /* an 8250 has none */
	port_w(base, UART_MCR, MCR_ON);
	return depth;
}

int uart_init(void)
{
	int depth = probe_init(CONFIG_UART_PORT);
	if (depth < 0)
		return -1;
	fifo_depth = depth;
	uart_ok = 1;
	return 0;
}

uint32_t uart_tx_room(void)
{
	return CONFIG_UART_TX_RING - (tail - head);
}

/* Move what the transmitter takes now (one FIFO's worth when it is
 * empty), no waiting; the interrupt asks for more while bytes remain. */
static void drain_some(void)
{
	if (head != tail && (reg_r(UART_LSR) & UART_LSR_THRE)) {
		stalled = 0;
		for (int i = 0; i < fifo_depth && head != tail; i++)
			reg_w(UART_THR, (uint8_t)ring[head++ % CONFIG_UART_TX_RING]);
	}
	if (irq_on)
		reg_w(UART_IER, head != tail ? UART_IER_THRI : 0);
}

/* One byte out of the ring by polling, bounded; 0 when it is stalled. */
static int drain_one_polled(void)
{
	if (!stalled)
		for (unsigned i = 0; i < CONFIG_UART_POLL_LIMIT; i++)
			if (reg_r(UART_LSR) & UART_LSR_THRE) {
				reg_w(UART_THR, (uint8_t)ring[head++ % CONFIG_UART_TX_RING]);
				return 1;
			}
	stalled = 1;
	head++;
	uart_dropped++;
	return 0;
}

/* From the timer tick: the backstop drain, and the stall bound: a ring
 * that has not moved for UART_STALL_TICKS ticks (the UART never became
 * ready) is dropped, counted, so no writer waits on it for good. */
void uart_tick(void)
{
	static uint32_t last_head, still;
	uart_drain();
	uint32_t f = irq_save();
	if (head == tail || head != last_head) {
		still = 0;
	} else if (++still >= UART_STALL_TICKS) {
		uart_dropped += tail - head;
		head = tail;
		stalled = 1;
		still = 0;
		if (room_hook)
			room_hook();
	}
	last_head = head;
	irq_restore(f);
}

void uart_drain(void)
{
	uint32_t f = irq_save();
	if (uart_ok)
		drain_some();
	if (room_hook && uart_tx_room() >= CONFIG_UART_TX_RING / 2)
		room_hook();
	irq_restore(f);
}

void uart_putc(char c)
{
	if (!uart_ok)
		return;
	uint32_t f = irq_save();
	if (head == tail && !irq_on && !stalled && (reg_r(UART_LSR) & UART_LSR_THRE)) {
		reg_w(UART_THR, (uint8_t)c);              /* early boot: nothing queued */
	} else {
		if (!uart_tx_room())
			drain_one_polled();
		ring[tail++ % CONFIG_UART_TX_RING] = c;
		drain_some();
	}
	irq_restore(f);
}

/* Everything queued goes out now (bounded per byte): shutdown, panic. */
void uart_flush(void)
{
	uint32_t f = irq_save();
	while (uart_ok && head != tail)
		drain_one_polled();
	irq_restore(f);
}

static void uart_irq(unsigned irq, struct trap_frame *tf)
{
	(void)irq;
	(void)tf;
	(void)reg_r(UART_IIR);                    /* acknowledges a THRE interrupt */
	uart_drain();
}

void uart_irq_init(void (*hook)(void))
{
	room_hook = hook;
	if (!uart_ok)
		return;
	irq_register(UART_IRQ, uart_irq);
	irq_on = 1;
	pic_unmask(UART_IRQ);
	uart_drain();
}

int uart_getc(void)
{
	if (!uart_ok || !(reg_r(UART_LSR) & UART_LSR_DR))
		return -1;
	return reg_r(UART_RBR);
}

/* --- the debug unit (COM2) ------------------------------------------------ */

#define DBG_PORT   CONFIG_GDB_UART_PORT
#define DBG_IRQ    (DBG_PORT == UART_COM2 ? 3 : 4)
#define DBG_RX_RING 2048u          /* two packets' worth */
_Static_assert(DBG_PORT != CONFIG_UART_PORT, "the debug UART is not the console");

unsigned uart_dbg_dropped;
static int dbg_ok;
static uint8_t dbg_rx[DBG_RX_RING];
static uint32_t dbg_head, dbg_tail;  /* free-running */
static void (*dbg_hook)(void);

static void dbg_irq(unsigned irq, struct trap_frame *tf)
{
	(void)irq;
	(void)tf;
	(void)port_r(DBG_PORT, UART_IIR);
	/* The FIFO holds at most 16 bytes: the bound keeps a stuck UART_LSR from
	 * holding the CPU here. */
	for (unsigned i = 0; i < 64 && (port_r(DBG_PORT, UART_LSR) & UART_LSR_DR); i++) {
		uint8_t c = port_r(DBG_PORT, UART_RBR);
		if (dbg_tail - dbg_head < DBG_RX_RING)
			dbg_rx[dbg_tail++ % DBG_RX_RING] = c;
		else
			uart_dbg_dropped++;
	}
	if (dbg_hook)
		dbg_hook();
}

int uart_dbg_init(void (*hook)(void))
{
	if (probe_init(DBG_PORT) < 0)
		return -1;
	dbg_hook = hook;
	dbg_ok = 1;
	irq_register(DBG_IRQ, dbg_irq);
	port_w(DBG_PORT, UART_IER, UART_IER_RDI);
	pic_unmask(DBG_IRQ);
	return 0;
}

int uart_dbg_getc(void)
{
	uint32_t f = irq_save();
	int c = dbg_head != dbg_tail ? dbg_rx[dbg_head++ % DBG_RX_RING] : -1;
	irq_restore(f);
	return c;
}

void uart_dbg_write(const char *s, unsigned n)
{
	for (unsigned i = 0; dbg_ok && i < n; i++) {
		unsigned k;
		for (k = 0; k < CONFIG_UART_POLL_LIMIT; k++)
			if (port_r(DBG_PORT, UART_LSR) & UART_LSR_THRE)
				break;
		if (k == CONFIG_UART_POLL_LIMIT) {
			uart_dbg_dropped += n - i;   /* nobody drains it: GDB will resend */
			return;
		}
		port_w(DBG_PORT, UART_THR, (uint8_t)s[i]);
	}
}
