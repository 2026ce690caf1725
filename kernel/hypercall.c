/*
 * The hypercall gate (int $0x82, DPL 1; ABI in include/hypercall.h and
 * docs/hypercalls.md). Two steps, as seL4 does it: decode checks every
 * argument against the calling guest and produces an operation that cannot
 * fail; invoke carries it out. Only EAX changes in the guest's registers.
 */
#include "guest.h"
#include "hypercall.h"
#include "trap.h"
#include "log.h"

struct hc_op {
	unsigned nr;
	uint32_t buf, len;      /* HC_CONSOLE_WRITE: a checked guest range */
	uint32_t status;        /* HC_SHUTDOWN */
};

static int decode(const struct guest *g, const struct trap_frame *tf, struct hc_op *op)
{
	op->nr = tf->eax;
	switch (tf->eax) {
	case HC_VERSION:
		return 0;
	case HC_CONSOLE_WRITE:
		op->buf = tf->ebx;
		op->len = tf->ecx;
		if (op->len > HC_CONSOLE_MAX)
			return HC_EINVAL;
		return guest_range_ok(g, op->buf, op->len) ? HC_EFAULT : 0;
	case HC_SHUTDOWN:
		op->status = tf->ebx;
		return 0;
	default:
		/* HC_SET_CR3 .. HC_UNMAP are numbered (docs/hypercalls.md) and
		 * arrive with the virtual CPU and TLB (stages 2 and 3). */
		return HC_ENOSYS;
	}
}

static void console_write(struct guest *g, uint32_t buf, uint32_t len)
{
	char chunk[128];
	while (len) {
		uint32_t n = len < sizeof(chunk) ? len : sizeof(chunk);
		if (guest_read(g, buf, chunk, n) < 0) {
			/* decode proved the range: the mapping changed under us */
			kill_guest(g, "console buffer %08x vanished during the copy", buf);
			return;
		}
		console_mux_put(g, chunk, n);
		buf += n;
		len -= n;
	}
}

static int32_t invoke(struct guest *g, const struct hc_op *op)
{
	switch (op->nr) {
	case HC_VERSION:
		return HC_ABI_VERSION;
	case HC_CONSOLE_WRITE:
		console_write(g, op->buf, op->len);
		return (int32_t)op->len;
	case HC_SHUTDOWN:
		guest_exit(g, (int)op->status);
	}
	panic("hypercall: invoke of undecoded call %u", op->nr);
}

void hypercall_dispatch(struct trap_frame *tf)
{
	struct guest *g = guest_current();
	struct hc_op op;
	if (!g || (tf->cs & 3) == 0)
		panic_frame(tf, "hypercall from outside a guest");
	g->hypercalls++;
	int err = decode(g, tf, &op);
	tf->eax = err ? (uint32_t)err : (uint32_t)invoke(g, &op);
}
