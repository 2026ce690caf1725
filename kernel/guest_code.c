/*
 * Fetching and stepping over a guest instruction the hypervisor emulates,
 * as the CPU would: bytes come from CS base + EIP, each within CS's limit,
 * and an EIP the emulation moves past the limit raises the #GP(0) the
 * CPU's next fetch would raise there, in the guest (its exception upcall,
 * or its kill), never an iretd that faults in ring 0 (docs/security.md).
 */
#include "guest_code.h"
#include "guest.h"
#include "events.h"
#include "guest_mem.h"
#include "vm.h"
#include "gdt.h"
#include "desc_check.h"

/* The base and byte limit of the CS the frame returns to, read from the
 * descriptor loaded now (lsl gives the limit scaled by G); -1 when the
 * selector names nothing (kernel/retpath.c kills such a frame anyway). */
static int cs_extent(const struct trap_frame *tf, uint32_t *base, uint32_t *limit)
{
	uint32_t sel = tf->cs & 0xffffu, index = sel >> 3, lim = 0;
	uint8_t ok;
	__asm__ volatile("lsll %2, %0\n\tsetz %1" : "+r"(lim), "=q"(ok) : "r"(sel) : "cc");
	if (!ok)
		return -1;
	uint64_t raw;
	if (sel & 4) {
		if (index >= CONFIG_GUEST_LDT_ENTRIES)
			return -1;
		raw = ldt[index];
	} else {
		if (index >= GDT_ENTRIES)
			return -1;
		raw = gdt[index];
	}
	struct desc_fields f;
	desc_decode(raw, &f);
	*base = f.base;
	*limit = lim;
	return 0;
}

int guest_fetch(struct guest *g, const struct trap_frame *tf, uint8_t *buf, unsigned n)
{
	uint32_t base, limit;
	if (cs_extent(tf, &base, &limit) < 0)
		return 0;
	unsigned i;
	for (i = 0; i < n; i++) {
		uint32_t off = tf->eip + i;
		if (off < tf->eip || off > limit || guest_read(g, base + off, buf + i, 1) < 0)
			break;
	}
	return (int)i;
}

int guest_advance(struct guest *g, struct trap_frame *tf, unsigned len)
{
	uint32_t base, limit;
	tf->eip += len;
	if (cs_extent(tf, &base, &limit) < 0 || tf->eip <= limit)
		return 0;
	if (guest_upcall_exc(g, tf, VEC_GP, 0, 0) == 0)
		return -1;                    /* the guest's own #GP handler */
	kill_guest(g, "#GP general protection (vector 13) error 0 at eip %08x: past the cs limit %08x",
		   tf->eip, limit);
	return -1;
}
