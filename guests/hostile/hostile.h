/* The hostile OS's one prototype header (docs/hostile.md), grouped by
 * defining file. It runs on the test OS's core (guests/testos/testos.h). */
#ifndef HOSTILE_H
#define HOSTILE_H
#include "testos.h"

/* hprobe.S */
/* Runs fn(arg) with catch_ armed: 0 if it returned, 1 if it faulted (catch_
 * holds vector, error code, CR2, EIP); segment registers are reloaded and
 * the stack restored either way. */
uint32_t hprobe(void (*fn)(uint32_t), uint32_t arg);
/* The hypercall registers a hostile IPVMM passes (EAX, EBX, ECX, EDX, ESI, EDI). */
struct hc_regs {
	uint32_t nr, a, b, c, d, e;
};
/* int $0x82 at the IPVMM's own instruction (hc_gadget), as its text does. */
int32_t hv_call(const struct hc_regs *r);
extern uint32_t hc_gadget;
void farjmp_sel(uint32_t sel);       /* ljmp sel:next, then back to SEL_KCODE */
void lcall_sel(uint32_t sel);        /* lcall sel:0 */
uint32_t popf_read(uint32_t eflags);
uint32_t iret_read(uint32_t eflags); /* same-level iretl with eflags, then pushfl */
void storm_int(uint32_t n);          /* n software interrupts through VEC_INTGATE */

/* hcalls.c: the hypervisor's checks, called as a hostile IPVMM would */
bool hc_find_gadget(void);
void attack_hypercalls(void);

/* a_desc.c: forged descriptors, hypervisor selectors */
void attack_descriptors(void);

/* a_cpu.c: privileged instructions, EFLAGS, MSRs, debug registers */
void attack_cpu(void);

/* a_mem.c: the hole, its own page tables */
void attack_memory(void);

/* a_idt.c: IDT and TSS tampering, interrupt storms, stack */
void attack_idt(void);

/* acts.c: the attacks that end the guest (one per fresh guest, act=) */
bool act_run(const char *cmdline);

/* main.c */
extern const char *hostile_cmdline;
bool has_word_(const char *s, const char *w);
#endif
