/*
 * libFuzzer target for the hypercall decoder (kernel/hypercall.c's
 * decode_NAME functions, through the same generated glue the gate uses,
 * included here with the hypervisor's other parts stubbed): random
 * register sets and guests against an independent model of what decode
 * may accept. Every refusal must carry a reason (the debug log's).
 * Every accepted call must satisfy its documented checks
 * (docs/hypercalls.md); the calls whose refusal is exact must get the
 * documented error. The environment (a guest's memory) is modelled as a
 * flat partition [0, size) and an IPVMM text [IPVMM_BASE, TEXT_END).
 *
 *   build/tests/kernel/fuzz_hypercall -runs=N -seed=S   (make test-kernel-hc-fuzz)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define HC_DECODE_ANY            /* kernel/hypercall.c: hc_decode_any() */
#include "../../../kernel/hypercall.c"

#define TEXT_END 0xfc010000u   /* linked with --defsym __ipvmm_text_end */

/* --- the environment: a flat partition, nothing else happens ---------- */
uint64_t gdt[GDT_ENTRIES];
uint64_t ldt[CONFIG_GUEST_LDT_ENTRIES];
static struct guest fz_guest;
struct thread *current;                 /* hypercall_dispatch's, never called here */

static int in_partition(const struct guest *g, uint32_t a, uint32_t len)
{
	return len == 0 || (a + len - 1 >= a && a + len - 1 < g->mem.size);
}
int guest_range_ok(const struct guest *g, uint32_t gla, uint32_t len)
{
	return in_partition(g, gla, len) ? 0 : HC_EFAULT;
}
int shadow_translate_write(const struct guest *g, uint32_t gla, uint32_t *ma)
{
	*ma = gla;
	return in_partition(g, gla, 1) ? 0 : -1;
}
int shadow_window_write(const struct guest *g, uint32_t la, uint32_t *ma)
{
	(void)g;
	*ma = la;
	return la >= IPVMM_SHARED_ADDR && la < IPVMM_SHARED_ADDR + (48u << 10) ? 0 : -1;
}
/* The hypervisor's vectors (kernel/vectors.tbl: exceptions, IRQs, the hypercall). */
int idt_vector_owned(unsigned v)
{
	return v < 0x30 || v == HC_VECTOR;
}
#define NOT_CALLED(decl) decl { abort(); }
NOT_CALLED(void console_mux_put(struct guest *g, const char *s, uint32_t n))
NOT_CALLED(void guest_exit(struct guest *g, int status))
NOT_CALLED(int guest_in_ipvmm(const struct guest *g, uint32_t eip))
NOT_CALLED(void guest_load_cpu_state(const struct guest *g))
NOT_CALLED(int guest_read(const struct guest *g, uint32_t gla, void *dst, uint32_t len))
NOT_CALLED(void guest_set_timer(struct guest *g, uint64_t deadline, uint64_t period))
NOT_CALLED(void log_msg(int level, const char *fmt, ...))
NOT_CALLED(int guest_upcall_exc(struct guest *g, struct trap_frame *tf, uint32_t v, uint32_t e, uint32_t c))
NOT_CALLED(void guest_wait(struct guest *g))
NOT_CALLED(void kill_guest(struct guest *g, const char *fmt, ...))
NOT_CALLED(void panic(const char *fmt, ...))
NOT_CALLED(void panic_frame(const struct trap_frame *tf, const char *fmt, ...))
NOT_CALLED(void vtlb_flush(struct guest *g, int all))
NOT_CALLED(void vtlb_invlpg(struct guest *g, uint32_t la))
NOT_CALLED(void vtlb_set_cr0_cr4(struct guest *g, uint32_t cr0, uint32_t cr4))
NOT_CALLED(void vtlb_set_cr3(struct guest *g, uint32_t cr3))

/* --- the model ------------------------------------------------------- */
static void fail(const char *what, const struct trap_frame *tf, int r)
{
	fprintf(stderr, "hc-fuzz: %s: nr %u ebx %08x ecx %08x edx %08x esi %08x edi %08x -> %d\n",
		what, tf->eax, tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, r);
	abort();
}
#define MUST(cond, what) do { if (!(cond)) fail(what, tf, r); } while (0)

/* An installed descriptor: code or data (or null), DPL >= 1, present as
 * given; a DPL 1 one with its linear extent at or below DESC_GUEST_TOP
 * without wrapping (a DPL 3 one may reach anywhere: only ring 3 and ring 1
 * use it, and paging keeps both out of the hole, kernel/desc_check.c). */
static int desc_safe(uint64_t d)
{
	struct desc_fields f;
	if ((d & ~DESC_ACCESSED) == 0)
		return 1;
	desc_decode(d, &f);
	if (!f.s || f.dpl == 0 || f.l)
		return 0;
	if (f.dpl == 3)
		return 1;
	uint64_t lim = desc_byte_limit(&f);
	int expand_down = !(f.type & 8) && (f.type & 4);
	if (expand_down) {
		/* offsets (limit, top]: empty when the limit reaches the top */
		uint64_t top = f.db ? 0xffffffffull : 0xffffull;
		if (lim >= top)
			return 1;
		uint64_t lo = (uint64_t)f.base + lim + 1, hi = (uint64_t)f.base + top;
		if (hi <= DESC_GUEST_TOP)
			return 1;
		/* wholly past 4 GiB: it wraps to low addresses */
		return lo > 0xffffffffull && hi - 0x100000000ull <= DESC_GUEST_TOP;
	}
	return (uint64_t)f.base + lim <= DESC_GUEST_TOP;
}

static void check_accepted(const struct guest *g, const struct trap_frame *tf,
			   const union hc_op *op, int r)
{
	switch (tf->eax) {
	case HC_CONSOLE_WRITE:
		MUST(tf->ecx <= HC_CONSOLE_MAX && in_partition(g, tf->ebx, tf->ecx), "console range");
		MUST(op->console_write.buf == tf->ebx && op->console_write.len == tf->ecx, "console op");
		break;
	case HC_SET_CR3:
		MUST(!(tf->ebx & 0xfff & ~0x18u), "cr3 low bits");
		MUST((uint64_t)(tf->ebx & ~0xfffu) + PAGE_SIZE <= g->mem.size, "cr3 inside the partition");
		break;
	case HC_FLUSH_TLB:
		MUST(tf->ebx <= 1, "flush kind");
		break;
	case HC_SET_CR0_CR4:
		MUST(!((tf->ebx >> 31) && !(tf->ebx & 1)), "cr0 PG without PE");
		MUST(!(tf->ecx & 0x20), "cr4 PAE");
		break;
	case HC_LOAD_DESC:
		MUST(tf->ebx <= 1, "desc table");
		MUST(tf->ebx ? tf->ecx < CONFIG_GUEST_LDT_ENTRIES
			     : tf->ecx > 0 && tf->ecx < CONFIG_GUEST_GDT_ENTRIES, "desc index");
		MUST(op->load_desc.index == tf->ecx && (uint32_t)op->load_desc.ldt == tf->ebx,
		     "desc target");
		MUST(desc_safe(op->load_desc.desc), "desc installed is safe");
		MUST(op->load_desc.desc & DESC_ACCESSED, "desc accessed bit preset");
		MUST(op->load_desc.adjusted >= 0 && op->load_desc.adjusted <= 3, "desc result bits");
		break;
	case HC_SET_STACK:
		MUST(tf->ebx == GK_DS || ((tf->ebx & 7) == 1 && (tf->ebx >> 3) > 0 &&
		     (tf->ebx >> 3) < CONFIG_GUEST_GDT_ENTRIES), "stack selector");
		break;
	case HC_SET_UPCALL:
		if (tf->ebx | tf->ecx | tf->edx) {
			if (g->ipvmm_self)
				MUST(tf->ebx >= tf->esi && tf->ebx < tf->edi && tf->ecx >= tf->esi &&
				     tf->ecx < tf->edi && tf->edi <= g->mem.size, "self upcall entries");
			else
				MUST(tf->ebx >= IPVMM_BASE && tf->ebx < TEXT_END && tf->ecx >= IPVMM_BASE &&
				     tf->ecx < TEXT_END, "upcall entries in the IPVMM text");
			MUST(tf->edx % 4 == 0 && tf->edx >= 80, "upcall stack alignment");
		}
		MUST(op->set_upcall.irq == tf->ebx && op->set_upcall.exc == tf->ecx &&
		     op->set_upcall.stack == tf->edx, "upcall entries recorded");
		/* the self range only for an ipvmm=self guest that registers */
		MUST(op->set_upcall.self_hi == (g->ipvmm_self && (tf->ebx | tf->ecx | tf->edx) ? tf->edi : 0),
		     "upcall self range");
		break;
	case HC_UNMAP:
		MUST(!(tf->ebx & 0xfff) && tf->ecx >= 1 && tf->ecx <= 1024, "unmap count");
		MUST((uint64_t)tf->ebx + (uint64_t)(tf->ecx - 1) * PAGE_SIZE <= 0xffffffffull,
		     "unmap does not wrap");
		break;
	case HC_SET_TIMER:
		MUST(op->set_timer.deadline == ((uint64_t)tf->ebx << 32 | tf->ecx), "timer deadline high:low");
		break;
	case HC_SET_TIMER_PERIODIC:
		MUST(tf->ebx | tf->ecx, "periodic deadline not 0");
		MUST(tf->edx >= CONFIG_GUEST_TIMER_PERIOD_MIN_US * 1000u, "period at least the floor");
		MUST(op->set_timer_periodic.deadline == ((uint64_t)tf->ebx << 32 | tf->ecx) &&
		     op->set_timer_periodic.period == tf->edx, "periodic deadline and period recorded");
		break;
	case HC_DIRECT_GATE:
		if (tf->ebx) {
			MUST(tf->ebx <= 0xff && tf->ebx >= 0x30 && tf->ebx != HC_VECTOR, "direct gate vector");
			MUST(g->v.upcall_exc && !g->ipvmm_self, "direct gate only with an IPVMM");
			MUST(tf->ecx % 4 == 0 && tf->ecx - 32 >= IPVMM_SHARED_ADDR + PAGE_SIZE &&
			     tf->ecx <= IPVMM_SHARED_ADDR + (48u << 10), "direct gate stack in the window");
		}
		MUST(op->direct_gate.vector == tf->ebx && op->direct_gate.stack == (tf->ebx ? tf->ecx : 0),
		     "direct gate recorded");
		break;
	case HC_VERSION: case HC_SHUTDOWN: case HC_INVLPG: case HC_WAIT:
		break;
	default:
		MUST(0, "an unknown call accepted");
	}
}

static uint32_t word(const uint8_t *d, size_t n, size_t i)
{
	uint32_t v = 0;
	for (unsigned k = 0; k < 4; k++)
		v |= (uint32_t)(i * 4 + k < n ? d[i * 4 + k] : 0) << (8 * k);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct trap_frame t = { 0 }, *tf = &t;
	union hc_op op;
	const char *why = 0;
	struct guest *g = &fz_guest;
	uint32_t cfg = word(data, n, 0);
	memset(g, 0, sizeof(*g));
	g->mem.size = (1u + (cfg & 63)) << 20;           /* 1..64 MiB */
	g->ipvmm_self = (cfg >> 6) & 1;
	g->v.upcall_exc = (cfg >> 8) & 1 ? IPVMM_BASE : 0;   /* an IPVMM registered */
	/* a few GDT entries for HC_SET_STACK's check, from the input too */
	for (unsigned i = 1; i < 4; i++)
		g->gdt[i] = (uint64_t)word(data, n, 7 + i) << 32 | word(data, n, 10 + i);
	/* the call number: mostly in range, sometimes anything */
	tf->eax = (cfg >> 7) & 1 ? word(data, n, 1) : word(data, n, 1) % (HC_NR_CALLS + 2);
	tf->ebx = word(data, n, 2);
	tf->ecx = word(data, n, 3);
	tf->edx = word(data, n, 4);
	tf->esi = word(data, n, 5);
	tf->edi = word(data, n, 6);
	memset(&op, 0, sizeof(op));
	int r = hc_decode_any(g, tf, &op, &why);
	if (r == 0) {
		check_accepted(g, tf, &op, r);
	} else {
		MUST(r == HC_EINVAL || r == HC_EFAULT || r == HC_EPERM || r == HC_ENOSYS, "error code");
		MUST(why && why[0], "a refusal has its reason");
	}
	if (tf->eax >= HC_NR_CALLS || tf->eax == HC_MAP || tf->eax == HC_IRET_DONE)
		MUST(r == HC_ENOSYS, "unknown call is ENOSYS");
	if (tf->eax == HC_CONSOLE_WRITE && tf->ecx > HC_CONSOLE_MAX)
		MUST(r == HC_EINVAL, "console length over the maximum is EINVAL");
	if (tf->eax == HC_LOAD_DESC && tf->ebx > 1)
		MUST(r == HC_EINVAL, "desc table above 1 is EINVAL");
	if (tf->eax == HC_SET_TIMER_PERIODIC &&
	    (!(tf->ebx | tf->ecx) || tf->edx < CONFIG_GUEST_TIMER_PERIOD_MIN_US * 1000u))
		MUST(r == HC_EINVAL, "periodic timer: deadline 0 or a period below the floor is EINVAL");
	return 0;
}
