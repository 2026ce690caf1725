/*
 * The end of every run (docs/architecture.md, "Exit and shutdown"): QEMU's
 * isa-debug-exit, then Bochs's shutdown port, then halt forever on a
 * machine that has neither.
 */
#include "machine.h"
#include "x86.h"
#include "uart.h"

void machine_shutdown(int ok)
{
	cli();
	uart_flush();            /* the queued console output first (bounded) */
	outb(DEBUG_EXIT_PORT, ok ? DEBUG_EXIT_OK : DEBUG_EXIT_FAIL);
	for (const char *s = "Shutdown"; *s; s++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
	for (;;)
		hlt();
}
