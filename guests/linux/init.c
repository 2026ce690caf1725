/*
 * The Linux guest's /init: proves the kernel reached user space, says which
 * kernel it is, and ends the VM. Built static with i686-linux-gnu-gcc
 * against glibc (libc6-dev-i386-cross) and packed into the initramfs.
 *
 * Ending the VM: QEMU's isa-debug-exit device at port 0xf4 (the code 0x10
 * is the project's "success"), reached through iopl(3), which needs
 * CONFIG_X86_IOPL_IOPERM. Elsewhere (no such device, or no iopl) the
 * fallback is a power-off request; an init must never return, so a last
 * resort sleeps forever.
 *
 * "initshell=1" on the kernel command line (the kernel hands unknown
 * name=value parameters to init as environment) turns on a tiny line
 * reader on the console (echo, uname, exit) for manual poking; the tests
 * do not use it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_OK   0x10

/* The kernel opens /dev/console for init; if the initramfs lacked the node,
 * make it (the root file system is a writable ramfs) and open it. */
static void ensure_console(void)
{
	if (fcntl(1, F_GETFD) >= 0)
		return;
	mkdir("/dev", 0755);
	mknod("/dev/console", S_IFCHR | 0600, makedev(5, 1));
	int fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static void facts(void)
{
	struct utsname u;

	if (uname(&u) == 0) {
		printf("linux-init: uname: %s %s %s %s\n", u.sysname, u.release,
		       u.version, u.machine);
	} else {
		printf("linux-init: uname failed: %s\n", strerror(errno));
	}
	printf("linux-init: pid %d, uid %d\n", (int)getpid(), (int)getuid());
	fflush(stdout);
}

static void power_off(void)
{
	printf("linux-init: powering off\n");
	fflush(stdout);
	sync();
	if (iopl(3) == 0)
		outb(DEBUG_EXIT_OK, DEBUG_EXIT_PORT);
	else
		printf("linux-init: iopl: %s\n", strerror(errno));
	/* Still here: no debug-exit device, or no port access. */
	reboot(RB_POWER_OFF);
	printf("linux-init: power-off failed: %s\n", strerror(errno));
	fflush(stdout);
	for (;;)
		pause();
}

/* Not a shell: three built-ins, enough to type at a booted guest. */
static void line_loop(void)
{
	char line[256];

	for (;;) {
		printf("linux-init# ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return;
		line[strcspn(line, "\r\n")] = '\0';
		if (!strcmp(line, "exit"))
			return;
		if (!strcmp(line, "uname"))
			facts();
		else if (!strncmp(line, "echo ", 5))
			printf("%s\n", line + 5);
		else if (line[0])
			printf("linux-init: commands: echo TEXT, uname, exit\n");
	}
}

int main(void)
{
	ensure_console();
	printf("linux-init: hello from user space\n");
	facts();
	const char *shell = getenv("initshell");
	if (shell && !strcmp(shell, "1"))
		line_loop();
	power_off();
	return 0;
}
