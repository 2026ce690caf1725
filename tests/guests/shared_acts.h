/*
 * The hostile guest's acts on what it shares with the hypervisor
 * (docs/security.md, the hostile suite):
 *   act=shpage   a hostile IPVMM: every field of the shared page (at
 *                IPVMM_SHARED_ADDR, supervisor-writable: the guest's own
 *                memory) overwritten with crafted values, then the calls
 *                that make the hypervisor read it (a timer, HC_WAIT, the
 *                console) still answer as documented, and it exits with
 *                the IPVMM's own "stop" status, which is a kill only for a
 *                guest the IPVMM runs: exit status 0xdead0002
 *   act=exitbusy exits with a timer deadline 200 ms ahead, 4 KiB of console
 *                output still draining and a line half written: its partial line comes out once, before
 *                its exit line, nothing of it after, its timer never fires
 * Uses sched_acts.h's clock and timer (SH, sa_*).
 */
#ifndef SHARED_ACTS_H
#define SHARED_ACTS_H

static int sh_attack(void)
{
	volatile uint32_t *w = (volatile uint32_t *)IPVMM_SHARED_ADDR;
	int bad = 0;
	/* Every word: all ones (huge counts, a wrapping iret region, every
	 * pending bit, vif 0xff, con_in_head far ahead of the tail ...). */
	for (unsigned i = 0; i < 4096 / 4; i++)
		w[i] = 0xffffffffu;
	SH->iret_restart = 0xfd101000u;          /* the hypervisor's text */
	SH->iret_restart_end = 0xffffffffu;
	SH->sti_deliver = SH->sti_hook = 0xfd100000u;
	SH->con_in_head = SH->con_in_tail + 0x80000000u;
	SH->raw_trap_sites = 0xffffffffu;
	for (unsigned i = 0; i < IPVMM_RAW_TRAP_SLOTS; i++)
		SH->raw_traps[i].op[i % 8] = '\n';
	bad += hc(HC_VERSION, 0, 0) != HC_ABI_VERSION;
	bad += sa_set_timer(1) != 0;                  /* in the past: raises a bit */
	bad += hc(HC_WAIT, 0, 0) != 0;                /* "pending": returns at once */
	bad += hc(HC_CONSOLE_WRITE, (uint32_t)"hostile: shpage console\n", 24) != 24;
	bad += hc5(HC_SET_UPCALL, 0xfd100000u, 0xfd100000u, 0x8000, 0, 0) != HC_EFAULT;
	puts_hc(bad ? "hostile: shpage FAIL\n" : "hostile: shpage calls answered\n");
	return bad ? 1 : (int)(IPVMM_STOP | IPVMM_FAIL_REWRITE);
}

static int sh_exitbusy(void)
{
	static char lines[HC_CONSOLE_MAX];
	for (unsigned i = 0; i < sizeof(lines); i++)
		lines[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
	puts_hc("hostile: exitbusy\n");
	hc(HC_CONSOLE_WRITE, (uint32_t)lines, sizeof(lines));   /* the ring busy draining */
	puts_hc("hostile: exitbusy partial line");   /* no newline: still buffered */
	/* Last, so no console wait (Bochs paces the UART) outlasts it. */
	sa_set_timer(sa_now_ns() + 200000000ull);
	return 0;
}

/* 1 and *status when cmd names one of these acts. */
static int shared_act(const char *cmd, int *status)
{
	if (has_word(cmd, "act=shpage"))
		*status = sh_attack();
	else if (has_word(cmd, "act=exitbusy"))
		*status = sh_exitbusy();
	else
		return 0;
	return 1;
}

#endif
