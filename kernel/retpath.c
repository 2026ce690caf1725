/*
 * The way back to a guest never faults in ring 0 on the guest's state.
 *
 * trap_return pops the guest's DS/ES/FS/GS and irets to its CS:EIP and
 * SS:ESP, in ring 0, on the guest's shadow CR3. A guest can make any of
 * them unloadable while it holds it: it loads a selector, then replaces
 * the descriptor through HC_LOAD_DESC (legal on hardware, which keeps the
 * cached descriptor; a kernel that reloads its GDT does it). So before the
 * pops, every selector in the frame is checked with `lar` against the
 * descriptor tables loaded now (the running guest's validated GDT part and
 * LDT), the way the CPU will check it: a data selector that would fault
 * becomes null (what iret itself does to a data segment the new CPL may
 * not use; the guest reloads it, as after Xen's failsafe callback), an
 * unusable CS or SS ends the guest. EFLAGS leaves with IOPL 0 and IF set
 * (the virtual CPU keeps the guest's own); a frame with EFLAGS.VM (QEMU's
 * TCG lets ring 1 iret into virtual-8086 mode) ends the guest.
 *
 * If a pop or the iretd faults anyway, trap.c sends the fault here
 * (retpath_fault): the guest is killed with the reason, never the machine.
 */
#include "retpath.h"
#include "guest.h"
#include "vm.h"
#include "log.h"
#include "x86.h"
#include "x86/desc.h"


/* lar's access rights are the descriptor's high dword, bits 8..23: the
 * DESC_* bits of x86/desc.h. */

/* The access rights of sel's descriptor as lar sees them at CPL 0 (it
 * checks the table limit, the type, and DPL >= RPL for data and
 * non-conforming code), or 0 when lar refuses it. */
static uint32_t lar(uint32_t sel)
{
	uint32_t ar = 0;
	uint8_t ok;
	__asm__ volatile("larl %2, %0\n\tsetz %1" : "+r"(ar), "=q"(ok) : "r"(sel) : "cc");
	return ok ? ar : 0;
}

static int null_sel(uint32_t sel)
{
	return (sel & 0xfffcu) == 0;
}

/* What `mov %ax,%ds` (and pop) in ring 0 accepts: null, or a present data
 * or readable code segment with DPL >= RPL (lar checked the privilege). */
static int data_loadable(uint32_t sel)
{
	if (null_sel(sel))
		return 1;
	uint32_t ar = lar(sel & 0xffffu);
	if (!(ar & DESC_P) || !(ar & DESC_S))
		return 0;
	return !(ar & DESC_CODE) || (ar & DESC_RW);
}

/* iretd to an outer ring: CS a present code segment, RPL = the new CPL,
 * DPL = CPL (or <= CPL when conforming); SS a present writable data
 * segment with RPL = DPL = that CPL. */
static int cs_ss_usable(uint32_t cs, uint32_t ss, const char **why)
{
	unsigned cpl = cs & 3u;
	uint32_t car = lar(cs & 0xffffu), sar = lar(ss & 0xffffu);
	if (cpl == 0 || null_sel(cs))
		return *why = "a ring-0 or null cs", 0;
	if (!(car & DESC_P) || !(car & DESC_S) || !(car & DESC_CODE))
		return *why = "cs is not a present code segment", 0;
	if ((car & DESC_DC) ? DESC_DPL(car) > cpl : DESC_DPL(car) != cpl)
		return *why = "cs privilege does not match its rpl", 0;
	if (null_sel(ss) || (ss & 3u) != cpl)
		return *why = "ss rpl is not the new cpl", 0;
	if (!(sar & DESC_P) || !(sar & DESC_S) || (sar & DESC_CODE) || !(sar & DESC_RW))
		return *why = "ss is not a present writable data segment", 0;
	if (DESC_DPL(sar) != cpl)
		return *why = "ss dpl is not the new cpl", 0;
	return 1;
}

/* The frame's six selectors packed in three words. */
static void selector_key(const struct trap_frame *tf, uint32_t key[3])
{
	key[0] = (tf->cs & 0xffffu) | tf->ss << 16;
	key[1] = (tf->ds & 0xffffu) | tf->es << 16;
	key[2] = (tf->fs & 0xffffu) | tf->gs << 16;
}

/* The same selectors as the last return that passed, with no descriptor
 * changed since (only HC_LOAD_DESC changes the guest's tables, and bumps
 * desc_gen; a switch restores them): nothing to check again. Most returns
 * take this path: four records, the oldest replaced. */
static int seen_before(const struct guest *g, const uint32_t key[3])
{
	for (unsigned i = 0; i < sizeof(g->rp_seen) / sizeof(g->rp_seen[0]); i++) {
		const typeof(g->rp_seen[0]) *s = &g->rp_seen[i];
		if (s->gen == g->desc_gen + 1 && s->key[0] == key[0] &&
		    s->key[1] == key[1] && s->key[2] == key[2])
			return 1;
	}
	return 0;
}

int retpath_check(struct guest *g, struct trap_frame *tf)
{
	const char *why = 0;
	if (tf->eflags & EF_VM) {
		kill_guest(g, "entered virtual-8086 mode (EFLAGS.VM) at %04x:%08x",
			tf->cs & 0xffffu, tf->eip);
		return -1;
	}
	tf->eflags = (tf->eflags & ~(EF_IOPL | EF_VIF | EF_VIP)) | EF_IF | EF_RSV1;
	uint32_t key[3];
	selector_key(tf, key);
	if (seen_before(g, key))
		return 0;
	if (!cs_ss_usable(tf->cs, tf->ss, &why)) {
		kill_guest(g, "cannot return: %s (cs %04x ss %04x at eip %08x)", why,
			tf->cs & 0xffffu, tf->ss & 0xffffu, tf->eip);
		return -1;
	}
	uint32_t *seg[] = { &tf->ds, &tf->es, &tf->fs, &tf->gs };
	for (unsigned i = 0; i < sizeof(seg) / sizeof(seg[0]); i++)
		if (!data_loadable(*seg[i])) {
			pr_debug("retpath: guest %s: %cs %04x no longer loads, returned null\n",
				g->name, "defg"[i], *seg[i] & 0xffffu);
			*seg[i] = 0;
			g->stats.seg_nulled++;
		}
	typeof(g->rp_seen[0]) *seen = &g->rp_seen[g->rp_next++ % 4];
	selector_key(tf, seen->key);        /* as returned: each of them loads */
	seen->gen = g->desc_gen + 1;        /* + 1: a zeroed guest has seen nothing */
	return 0;
}

void retpath_fault(struct trap_frame *tf)
{
	static const char *const what[] = { "pop gs", "pop fs", "pop es", "pop ds", "iretd" };
	struct guest *g = guest_current();
	unsigned i;
	for (i = 0; retpath_fixups[i].eip && retpath_fixups[i].eip != tf->eip; i++)
		;
	if (!retpath_fixups[i].eip || !g || (tf->cs & 3u))
		return;
	kill_guest(g, "%s (vector %u) error %#x on the way back, at %s", trap_name(tf->vector),
		tf->vector, tf->error, what[i]);
	guest_safe_point(tf);    /* the kill is pending: the VM thread ends here */
	panic_frame(tf, "retpath: guest %s still running after its kill", g->name);
}
