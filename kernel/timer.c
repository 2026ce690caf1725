/*
 * The hypervisor tick: IRQ 0 from the PIT counts time and gives the
 * scheduler its chance to rotate threads.
 */
#include "timer.h"
#include "pit.h"
#include "pic.h"
#include "trap.h"
#include "thread.h"
#include "log.h"
#include "guest.h"

static void timer_irq(unsigned irq, struct trap_frame *tf)
{
	(void)irq;
	(void)tf;
	timer_ticks++;
	guest_events_tick();     /* guest time, timer deadlines */
	sched_tick();
}

void timer_init(void)
{
	pit_init(CONFIG_PIT_HZ);
	irq_register(0, timer_irq);
	pic_unmask(0);
	pr_info("timer: PIT channel 0 at %u Hz (CONFIG_PIT_HZ=%d)\n", pit_hz, CONFIG_PIT_HZ);
}

/* Sleep (hlt, interrupts on) until the tick count moves past `ticks` more;
 * returns 0, or -1 when interrupts are off and it would never end. */
int timer_wait_ticks(uint32_t ticks)
{
	if (!(read_eflags() & EFLAGS_IF))
		return -1;
	uint32_t start = timer_ticks;
	while (timer_ticks - start < ticks)
		hlt();
	return 0;
}
