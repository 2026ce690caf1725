/*
 * /sbin/poweroff of the Linux guest: ends the VM, natively on QEMU and
 * Bochs and under the hypervisor (whose IPVMM models both exit ports).
 * Built static with i686-linux-gnu-gcc against glibc
 * (libc6-dev-i386-cross). /init runs it when the workload is done or the
 * shell exits, and the shell's "poweroff" finds it first on PATH (busybox's
 * own applet would only signal init).
 *
 * The console is drained first: the 8250 driver sends from an interrupt
 * handler, and QEMU exits the moment the port is written, so bytes still
 * queued in the tty would be lost from the transcript.
 *
 * The ports: QEMU's isa-debug-exit at 0xf4 (0x10 is the project's
 * "success"; scripts/run-qemu.sh turns it into status 0), then the bytes
 * "Shutdown" to Bochs's port 0x8900. Both need iopl(3)
 * (CONFIG_X86_IOPL_IOPERM), which in 6.1 grants the ports through the
 * TSS I/O bitmap: a machine that does not honour it (a hypervisor) makes
 * the out fault, and as /init's last exec this is PID 1, whose death by
 * SIGSEGV would panic the kernel, so the fault is caught. Where no device
 * answered the fallback is reboot(RB_POWER_OFF); as a last resort, it
 * waits forever (init must not return).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <termios.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_OK   0x10
#define BOCHS_SHUTDOWN_PORT 0x8900

static sigjmp_buf port_fault;

static void on_port_fault(int sig)
{
	(void)sig;
	siglongjmp(port_fault, 1);
}

static void write_ports(void)
{
	static const char bochs[] = "Shutdown";

	outb(DEBUG_EXIT_OK, DEBUG_EXIT_PORT);
	for (const char *p = bochs; *p; p++)
		outb((unsigned char)*p, BOCHS_SHUTDOWN_PORT);
}

int main(void)
{
	printf("lx: powering off\n");
	fflush(stdout);
	sync();
	tcdrain(1);
	signal(SIGSEGV, on_port_fault);
	if (sigsetjmp(port_fault, 1) != 0)
		printf("poweroff: the port write faulted (SIGSEGV)\n");
	else if (iopl(3) == 0)
		write_ports();
	else
		printf("poweroff: iopl: %s\n", strerror(errno));
	/* Still here: no exit device answered, or no port access. */
	reboot(RB_POWER_OFF);
	printf("poweroff: reboot(RB_POWER_OFF): %s\n", strerror(errno));
	fflush(stdout);
	for (;;)
		pause();
}
