/*
 * The table of hosted guests: the one owner of every struct guest. The
 * loader fills a slot, vm.c starts and stops it, and everything else
 * reaches the guests through guest_at / for_each_guest (include/guest.h).
 * The table-wide reports (how many run, the end-of-run summary) live here
 * too, beside the table they walk.
 */
#include "guest.h"
#include "hypercall_hv.h"
#include "log.h"
#include "hypercall.h"

struct guest guest_table[CONFIG_MAX_GUESTS];

/* Table entry `slot` (< CONFIG_MAX_GUESTS: the loader refuses modules
 * past the table's end before taking one), zeroed. */
struct guest *guest_slot_reset(unsigned slot)
{
	if (slot >= CONFIG_MAX_GUESTS)
		panic("guest_slot_reset: slot %u past the table", slot);
	struct guest *g = &guest_table[slot];
	_Static_assert(sizeof(*g) % 4 == 0, "guest object zeroed by words");
	for (unsigned k = 0; k < sizeof(*g) / 4; k++)
		((uint32_t *)g)[k] = 0;
	g->index = slot;
	return g;
}

unsigned guests_live(void)
{
	unsigned n = 0;
	for_each_guest(g)
		if (g->state == G_RUNNING)
			n++;
	return n;
}

int guests_summary(void)
{
	int ok = 1;
	for_each_guest(g) {
		if (g->state == G_EXITED) {
			pr_info("summary: guest %s exited with status %d (%u hypercalls, %u traps emulated)\n",
				g->name, g->exit_status, g->stats.hypercalls, g->stats.traps_emulated);
			ok &= g->exit_status == 0;
		} else if (g->state == G_KILLED) {
			pr_info("summary: guest %s killed: %s (%u hypercalls, %u traps emulated)\n",
				g->name, g->reason, g->stats.hypercalls, g->stats.traps_emulated);
			ok = 0;
		} else if (g->state != G_FREE) {
			pr_info("summary: guest %s still running\n", g->name);
			ok = 0;
		}
		if (g->state != G_FREE) {
			pr_info("stats: guest %s upcalls irq %u exc %u, soft ints %u, rollbacks %u, "
				"timer fires %u; hypercalls by call:", g->name, g->v.upcalls_irq,
				g->v.upcalls_exc, g->stats.soft_ints, g->v.rollbacks, g->v.timer_fires);
			for (unsigned n = 0; n < HC_NR_CALLS; n++)
				if (g->stats.hc_count[n])
					kprintf(" %s:%u", hc_names[n], g->stats.hc_count[n]);
			kprintf("\n");
			sched_report(g->name, &g->sched, g->v.start_tsc);
			if (g->con.waits)
				pr_info("console: guest %s waited %u times for the output ring\n", g->name,
					g->con.waits);
		}
	}
	return ok;
}
