/*
 * The guests' work on every clock event, in the order kernel/timer.c
 * walks it (after the tick count moved, before the console output and the
 * slice end): due guest timer deadlines wake their IRQ threads and the
 * earliest still ahead lowers the next event; then serial input moves to
 * the console guest. The table is here so that the timer knows no guest.
 */
#include "timer.h"
#include "guest.h"
#include "events.h"
#include "console_mux.h"

static int console_input_hook(uint64_t *next)
{
	(void)next;              /* input is polled, it asks for no event */
	console_input_poll();
	return 0;
}

timer_hook_fn *const timer_hooks[] = { guest_events_tick, console_input_hook, 0 };
