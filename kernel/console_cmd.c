/*
 * The hypervisor's console commands, on the serial input: Ctrl-] (0x1d,
 * telnet's escape), then
 *   l          list the guests: slot, name, state, CPU time
 *   k N Enter  kill the guest in slot N ("killed from the console")
 *   Ctrl-]     one Ctrl-] for the guest that owns the input
 * and any other key the list of commands. This is the way to stop a
 * guest from outside: one that keeps running with interrupts on uses no
 * more than its fair share, so no watchdog may end it (docs/security.md,
 * "Waiting forever"). Runs from the clock event (console_input_poll).
 */
#include "guest.h"
#include "console_mux.h"
#include "clock.h"
#include "log.h"
#include "thread.h"
#include "vm.h"

enum cmd_state { CMD_IDLE, CMD_ESC, CMD_KILL };
static enum cmd_state state;
static unsigned kill_slot;
static int kill_digits;

static const char *const state_names[] = {
	[G_FREE] = "free", [G_LOADED] = "loaded", [G_RUNNING] = "running",
	[G_EXITED] = "exited", [G_KILLED] = "killed",
};

static void list(void)
{
	for_each_guest(g) {
		if (g->state == G_FREE)
			continue;
		uint32_t ms = (uint32_t)(clock_delta_ns(g->sched.cpu_tsc) / 1000000u);
		pr_info("console: guest %u %s: %s, %u ms of CPU\n", (unsigned)(g - guest_table), g->name,
			state_names[g->state], ms);
	}
}

static void help(void)
{
	pr_info("console: Ctrl-] then: l list the guests, k N Enter kill guest N, "
		"Ctrl-] send Ctrl-]\n");
}

static void kill_now(void)
{
	struct guest *g = kill_digits ? guest_at(kill_slot) : 0;
	if (!g || g->state != G_RUNNING) {
		pr_info("console: no running guest in that slot (l lists them)\n");
		return;
	}
	pr_info("console: killing guest %u %s\n", kill_slot, g->name);
	guest_kill_outside(g, "killed from the console");
}

/* One digit of `k N`, or its end. */
static void kill_byte(uint8_t c)
{
	if (c >= '0' && c <= '9' && kill_digits < 3) {
		kill_slot = kill_slot * 10 + (c - '0');
		kill_digits++;
		return;
	}
	state = CMD_IDLE;
	if (c == '\r' || c == '\n')
		kill_now();
	else
		pr_info("console: k wants a guest slot and Enter\n");
}

int console_cmd_byte(uint8_t c)
{
	switch (state) {
	case CMD_IDLE:
		if (c != CONSOLE_ESCAPE)
			return 0;
		state = CMD_ESC;
		return 1;
	case CMD_ESC:
		state = CMD_IDLE;
		if (c == CONSOLE_ESCAPE)
			return 0;                     /* the guest's own Ctrl-] */
		if (c == 'l')
			list();
		else if (c == 'k')
			state = CMD_KILL, kill_slot = 0, kill_digits = 0;
		else
			help();
		return 1;
	case CMD_KILL:
		kill_byte(c);
		return 1;
	}
	return 0;
}
