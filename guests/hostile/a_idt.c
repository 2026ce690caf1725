/* IDT and TSS tampering, interrupt storms (docs/hostile.md): gates that are
 * not present, beyond the IDT's limit, into a data segment or a hypervisor
 * selector must raise what the CPU raises for INT n (SDM Vol. 3, 6.12);
 * a storm of software interrupts on the hypercall vector and of timer
 * interrupts must cost only this guest's time. */
#include "hostile.h"
#include "x86.h"

#define V_NP   0x90
#define V_HVSEL 0x91
#define V_DATA 0x92
/* The storm's PIT count: far above its 100 Hz, below what one delivery
 * costs (a guest slower than its timer only ever runs its handler, natively
 * too): 12 kHz through the rewritten sites, 1 kHz when every sensitive
 * instruction traps (about 64,000 instructions an interrupt, Bochs). */
#define STORM_COUNT (HOSTILE_AFTERBURN ? 100 : 1193)
#define STORM_TICKS 200

static void int90(uint32_t u) { (void)u; __asm__ volatile("int $0x90" ::: "memory"); }
static void int91(uint32_t u) { (void)u; __asm__ volatile("int $0x91" ::: "memory"); }
static void int92(uint32_t u) { (void)u; __asm__ volatile("int $0x92" ::: "memory"); }

static bool faults(void (*fn)(uint32_t), uint32_t vec, uint32_t err)
{
	catch_reset();
	return hprobe(fn, 0) && catch_.vec == vec && catch_.err == err;
}
#define FAULT_WHY "vec %u err %x", catch_.vec, catch_.err

static uint64_t with_sel(uint64_t g, uint32_t sel)
{
	return (g & ~0x00000000ffff0000ull) | (uint64_t)sel << 16;
}

static void idt_gates(void)
{
	uint64_t model = idt[VEC_INTGATE];
	idt[V_NP] = model & ~(1ull << 47);
	bool ok = faults(int90, 11, V_NP * 8 + 2);
	CHECKF(ok, "idt", "int to a not-present gate: #NP(vector*8+2)", FAULT_WHY);
	idt[V_HVSEL] = with_sel(model, 0x808);
	ok = faults(int91, 13, 0x808);
	CHECKF(ok, "idt", "int to a gate naming the hypervisor's code selector: #GP(selector)", FAULT_WHY);
	idt[V_DATA] = with_sel(model, SEL_KDATA);
	ok = faults(int92, 13, SEL_KDATA);
	CHECKF(ok, "idt", "int to a gate into a data segment: #GP(selector)", FAULT_WHY);
	struct dtr small = { V_NP * 8 - 1, (uint32_t)idt }, full = { sizeof(idt) - 1, (uint32_t)idt };
	idt[V_NP] = model;
	lidt(&small);
	ok = faults(int90, 13, V_NP * 8 + 2);
	lidt(&full);
	CHECKF(ok, "idt", "int beyond the idt limit: #GP(vector*8+2)", FAULT_WHY);
	idt[V_NP] = idt[V_HVSEL] = idt[V_DATA] = 0;
}

/* 20000 software interrupts on the hypercall vector (the hypervisor
 * reflects each one to this guest's own gate), with the timer running. */
static void idt_soft_storm(void)
{
	uint32_t t0 = ticks;
	sti();
	storm_int(20000);
	for (uint32_t i = 0; i < 50000000 && ticks == t0; i++)
		pause_();
	cli();
	CHECKF(ticks != t0, "idt", "20000 ints on the hypercall vector: reflected, the timer ticks on",
	       "ticks %u", ticks - t0);
}

/* Channel 0 at STORM_COUNT for STORM_TICKS interrupts, then 100 Hz again. */
static void idt_timer_storm(void)
{
	uint32_t t0 = ticks;
	pit_set_rate(STORM_COUNT);
	sti();
	for (uint32_t i = 0; i < 1000000000u && ticks - t0 < STORM_TICKS; i++)
		pause_();
	cli();
	pit_set_rate(PIT_HZ / HZ);
	uint32_t n = ticks - t0;
	sti();
	for (uint32_t i = 0; i < 50000000 && ticks == t0 + n; i++)
		pause_();
	cli();
	CHECKF(n >= STORM_TICKS && ticks != t0 + n, "idt", HOSTILE_AFTERBURN ? "a 12 kHz pit storm: ticks arrive, 100 Hz restored" :
	       "a 1 kHz pit storm: ticks arrive, 100 Hz restored",
	       "storm ticks %u after %u", n, ticks - t0 - n);
}

void attack_idt(void)
{
	idt_gates();
	idt_soft_storm();
	idt_timer_storm();
}
