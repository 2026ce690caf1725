/*
 * Ending the machine: QEMU's isa-debug-exit (0x10 ok, 0x11 failure on port
 * 0xf4), Bochs's "Shutdown" on port 0x8900, otherwise halt forever.
 */
#ifndef MACHINE_H
#define MACHINE_H

#define DEBUG_EXIT_PORT   0xf4
#define DEBUG_EXIT_OK     0x10
#define DEBUG_EXIT_FAIL   0x11
#define BOCHS_SHUTDOWN_PORT 0x8900

/* drivers/machine.c */
void machine_shutdown(int ok) __attribute__((noreturn));

#endif
