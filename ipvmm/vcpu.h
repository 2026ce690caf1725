/*
 * The virtual CPU of the in-place VMM: the guest's privileged state, the
 * trampoline frame, the resume record the exit path (iret_restart) pops,
 * and the C frontend's entry points. One vCPU per guest, in the IPVMM data
 * area (docs/ipvmm.md, "Virtual CPU").
 */
#ifndef IPVMM_VCPU_H
#define IPVMM_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "ipvmm/shared.h"
#include "ipvmm/extable.h"
#include "devices.h"
#include "decode.h"
#include "rewrite.h"
#include "x86/cr.h"
#include "x86/desc.h"
#include "x86/eflags.h"
#include "x86/paging.h"
#include "x86/vectors.h"

#define VCPU_GDT_CACHE 64	/* descriptors whose last installed copy is kept */
#define VCPU_CON_LINE  128	/* console bytes buffered before a forced flush */

/* What the real EFLAGS carries for the guest (arithmetic, TF, DF); the
   rest is virtual (IF in shared.vif, IOPL/NT/AC/ID in vcpu.eflags). */
#define EF_REAL    (EF_CF | EF_PF | EF_AF | EF_ZF | EF_SF | EF_DF | EF_OF)
/* TF is kept virtual: a real TF would trap inside the IPVMM's exit path. */
#define EF_VIRT    (EF_TF | EF_IOPL | EF_NT | EF_AC | EF_ID)

/* Segment register numbers as the decoder's (DEC_SEG_*). */
#define SR_ES 0
#define SR_CS 1
#define SR_SS 2
#define SR_DS 3
#define SR_FS 4
#define SR_GS 5

#define MSR_TSC           0x10
#define MSR_BIOS_SIGN_ID  0x8b	/* microcode revision (IA32_BIOS_SIGN_ID) */
#define MSR_MISC_ENABLE   0x1a0	/* IA32_MISC_ENABLE */
/* Fast strings on, branch trace store and PEBS unavailable (no PMU). */
#define MISC_ENABLE_RESET 0x1801u
#define MSR_SYSENTER_CS   0x174
#define MSR_SYSENTER_ESP  0x175
#define MSR_SYSENTER_EIP  0x176

/*
 * The frame every C-entering trampoline builds: the slides'
 * burn_clobbers_frame_t (clobbers saved, frame pointer passed, guest
 * return address on top), extended with all GPRs and the segment
 * registers because the emulated instructions read and write any of them.
 * Lowest address first.
 */
struct burn_frame {
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;	/* pushad */
	uint32_t gs, fs, es, ds, ss, cs;			/* pushed selectors */
	uint32_t eflags;					/* real, at the site */
	uint32_t id;		/* BURN_ID_* or a generic stub's RW_ID */
	uint32_t ret;		/* guest return address (call sites) */
	uint32_t params[];	/* what the site pushed before the call */
};
typedef struct burn_frame burn_clobbers_frame_t;
_Static_assert(offsetof(struct burn_frame, eflags) == 56, "burn frame: pushad + 6 selectors");
_Static_assert(offsetof(struct burn_frame, ret) == 64, "burn frame: ret above id");
_Static_assert(sizeof(struct burn_frame) == 68, "burn frame size");

/* Trampoline ids above the generic stub ids (burn.asm pushes them). */
#define BURN_ID_BASE     RW_STUB_COUNT
#define BURN_ID_CHECK    (BURN_ID_BASE + 0)	/* sti hook / popf: pending work */
#define BURN_ID_IRET     (BURN_ID_BASE + 1)
#define BURN_ID_LRET     (BURN_ID_BASE + 2)
#define BURN_ID_LRET_IMM (BURN_ID_BASE + 3)
#define BURN_ID_HLT      (BURN_ID_BASE + 4)
#define BURN_ID_IO_DX    (BURN_ID_BASE + 5)
#define BURN_ID_IO_STR   (BURN_ID_BASE + 6)
#define BURN_ID_STI      (BURN_ID_BASE + 7)	/* sti hook with work pending */
#define BURN_ID_IO_IMM   (BURN_ID_BASE + 8)	/* + out * 4 + size index (0..2) */
#define BURN_ID_END      (BURN_ID_BASE + 16)

/* The guest state an instruction or a delivery works on: virtual values
   (selectors with the guest's RPL 0/3, EFLAGS with the virtual IF). */
struct gstate {
	uint32_t gpr[8];	/* eax ecx edx ebx esp ebp esi edi */
	uint16_t sreg[6];	/* es cs ss ds fs gs */
	uint32_t eip, eflags;
	uint8_t sreg_dirty;	/* segment registers to reload on resume */
};

/*
 * The record iret_restart pops (burn.asm): everything is read from here,
 * so the region is idempotent and a rollback to its start is safe.
 */
struct burn_resume {
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;	/* popad */
	uint32_t eflags;	/* real EFLAGS, popfd */
	uint32_t frame;		/* address of the iretd frame */
	uint32_t segmask;	/* 1 << SR_*: selectors to load first */
	uint32_t sel[6];	/* real selectors, by SR_* */
	uint32_t outer[5];	/* iretd frame for a return to ring 3 */
	struct gstate st;	/* the virtual state being resumed */
};

struct dtr {
	uint32_t base;
	uint16_t limit;
};

/* The hypervisor side of the vCPU (backend_hv.c: int $0x82). */
struct vcpu_hv_ops {
	int (*set_cr3)(void *ctx, uint32_t pdbr);
	int (*invlpg)(void *ctx, uint32_t va);
	int (*flush_tlb)(void *ctx, int global);
	int (*set_cr0_cr4)(void *ctx, uint32_t cr0, uint32_t cr4);
	int (*load_desc)(void *ctx, unsigned table, unsigned index, uint32_t lo, uint32_t hi);
	int (*wait)(void *ctx);
	int (*console_write)(void *ctx, const char *buf, unsigned len);
	void (*shutdown)(void *ctx, uint32_t status);
	/* Guest linear memory (flat, below the IPVMM window); false = fault,
	   recorded in vcpu.mfault (vcpu_access_fault turns it into the
	   guest's fault). */
	bool (*read)(void *ctx, uint32_t lin, void *buf, unsigned n);
	bool (*write)(void *ctx, uint32_t lin, const void *buf, unsigned n);
	/* Real cpuid (the host tests fake it). */
	void (*cpuid)(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4]);
	uint64_t (*rdtsc)(void *ctx);
};

/*
 * The direct system-call gate (ipvmm/direct.asm, docs/security.md): the
 * guest's IDT entry for DIRECT_VEC as last validated (direct_gate_learn),
 * what burn_int_direct needs to enter its handler, and its scratch.
 */
#define DIRECT_VEC 0x80u
struct vcpu_direct {
	uint32_t ok;		/* lo/hi validated: the stub may take its fast path */
	uint32_t lo, hi;	/* the guest's gate, compared on every entry */
	uint32_t eip, cs;	/* its handler: offset and real selector (the retf frame) */
	uint32_t trap;		/* 1: trap gate (IF kept), 0: interrupt gate */
	uint32_t installed;	/* HC_DIRECT_GATE succeeded */
	uint32_t save[3];	/* eax, ecx, edx while the stub runs */
	uint32_t new_esp, new_ss;	/* lss operand: the guest's ss0:esp0 less the frame */
	uint32_t stack[8];	/* the real TSS's ring-1 stack: the CPU's frame */
};

/*
 * The direct #PF delivery (ipvmm/direct_pf.asm, docs/ipvmm.md): the
 * guest's #PF gate as last validated (pf_gate_learn), its code segment's
 * descriptor as the guest's GDT and the real GDT held it then, and the
 * stub's operands.
 */
struct vcpu_direct_pf {
	uint32_t ok;		/* the fields below validated: the stub may use them */
	uint32_t lo, hi;	/* the guest's gate, compared on every entry */
	uint32_t eip, cs;	/* its handler: offset and real selector (the retf frame) */
	uint32_t trap;		/* 1: trap gate (IF kept), 0: interrupt gate */
	uint32_t cs_off;	/* the code segment's GDT offset (index * 8) */
	uint32_t desc[2];	/* its descriptor, compared in both tables on every entry */
	uint32_t new_esp, new_ss;	/* lss operand: the guest's ss0:esp0 less the frame */
	uint32_t rflags;	/* the real EFLAGS the handler starts with */
};

struct vcpu_stats {
	uint32_t exits[BURN_ID_END >> 5 > DEC_OP_COUNT ? (BURN_ID_END >> 5) : DEC_OP_COUNT];
	uint32_t checks, delivered, irqs, hypercalls_console, waits, shadow_steps, shadow_nops, desc_refresh;
};

struct vcpu {
	struct ipvmm_shared *sh;
	const struct vcpu_hv_ops *hv;
	void *hv_ctx;
	uint32_t eflags;	/* virtual bits EF_VIRT (IF is sh->vif); bit 1 may be clear */
	uint32_t cr0, cr2, cr3, cr4;
	uint32_t dr[8];
	struct dtr gdtr, idtr;
	uint16_t ldtr, tr;
	uint32_t ldt_base, ldt_limit;	/* cached from the LDT descriptor at lldt */
	uint32_t tss_base, tss_limit;	/* from the TSS descriptor at ltr */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t bios_sign_id;	/* IA32_BIOS_SIGN_ID: no microcode, so what was written */
	uint64_t misc_enable;	/* IA32_MISC_ENABLE: read back as written */
	uint32_t gdt_cache[VCPU_GDT_CACHE][2];	/* last descriptors installed */
	uint8_t gdt_valid[VCPU_GDT_CACHE];
	uint64_t gdt_watch;	/* entries the guest rewrites in memory (vcpu_sync_watched) */
	uint32_t ldt_cache[CONFIG_GUEST_LDT_ENTRIES][2];	/* the same for the LDT */
	uint8_t ldt_valid[CONFIG_GUEST_LDT_ENTRIES];
	struct ipvmm_devs devs;
	struct burn_resume resume;
	char con[VCPU_CON_LINE];
	unsigned con_len;
	bool step_shadow;	/* resumed with TF: the sti shadow's one instruction */
	uint32_t fatal;		/* reason code once the guest is being stopped (IPVMM_FATAL_*) */
	uint16_t refresh_sel;	/* vcpu_refresh_sel's last attempt */
	uint32_t refresh_eip;
	struct ipvmm_fault mfault;	/* the last failed guest access (backend) */
	uint32_t trap_sites[CONFIG_IPVMM_MAX_TRAP_SITES];	/* sorted site starts, trap mode */
	uint32_t n_trap_sites;
	struct vcpu_direct direct;
	struct vcpu_direct_pf pf;
	struct vcpu_stats stats;
};

/* vcpu.c */
void vcpu_init(struct vcpu *v, struct ipvmm_shared *sh, const struct vcpu_hv_ops *hv, void *ctx,
	       const struct ipvmm_backend *be);
uint32_t vcpu_eflags(const struct vcpu *v, uint32_t real);
void vcpu_set_eflags(struct vcpu *v, uint32_t value);
void vcpu_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4]);
int vcpu_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val);
int vcpu_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val);
int vcpu_load_sreg(struct vcpu *v, struct gstate *g, unsigned sr, uint16_t sel);
enum desc_read { DESC_OK, DESC_BAD, DESC_FAULT };
enum desc_read vcpu_desc_read(struct vcpu *v, uint16_t sel, uint32_t d[2]);
/* What the guest access that just failed raises (v->mfault): the vector,
   the error code in *err; acc says what access the guest's instruction
   (or the CPU's delivery) made. */
#define ACC_WRITE 1u	/* a store */
#define ACC_USER  2u	/* made at CPL 3 (U in a #PF error code) */
#define ACC_STACK 4u	/* through SS: the hole is #SS(0), not #GP(0) */
unsigned vcpu_access_fault(struct vcpu *v, unsigned acc, uint32_t *err);
int vcpu_sync_sel(struct vcpu *v, uint16_t sel);
void vcpu_sync_watched(struct vcpu *v);
bool vcpu_refresh_sel(struct vcpu *v, uint16_t sel, uint32_t eip);
void vcpu_lgdt(struct vcpu *v, uint32_t base, uint16_t limit);
bool vcpu_set_cr3(struct vcpu *v, uint32_t val);
/* lldt of a checked LDT descriptor (or sel 0 with d NULL): cache base and
   limit as the CPU does; the entries are installed on first use. */
void vcpu_lldt(struct vcpu *v, uint16_t sel, const uint32_t d[2]);
void vcpu_console_putc(struct vcpu *v, uint8_t c);
void vcpu_console_flush(struct vcpu *v);

/* direct_gate.c: validate the guest's DIRECT_VEC gate for burn_int_direct. */
void direct_gate_start(struct vcpu *v);
void direct_gate_learn(struct vcpu *v);
/* ... and the guest's #PF gate for burn_pf_direct, after a #PF was
   delivered through it. */
void pf_gate_learn(struct vcpu *v);

/* deliver.c */
enum dlv_src { DLV_EXT, DLV_SOFT, DLV_EXC };
/* Deliver vector into g as the CPU would; 0, or -1 if not deliverable at
   all (triple fault: the guest is stopped). */
int deliver(struct vcpu *v, struct gstate *g, unsigned vec, enum dlv_src src,
	    bool has_err, uint32_t err);
/* INT n / INT3 with g->eip already past its len bytes: a fault while
   delivering it is the instruction's and reports its own address. */
int deliver_soft(struct vcpu *v, struct gstate *g, unsigned vec, unsigned len);
/* Emulated iret at g (frame at g->gpr[ESP]); 0 or an exception delivered. */
int emulate_iret(struct vcpu *v, struct gstate *g);
/* Fold the hypervisor's pending bits into the devices; deliver the
   highest-priority interrupt if the state accepts one. Returns true if
   something was delivered. */
bool deliver_pending(struct vcpu *v, struct gstate *g);
/* Fold the hypervisor's pending bits into the devices without delivering:
   a device read (the PIC's IRR polled with IF clear) sees expired timers. */
void vcpu_fold_pending(struct vcpu *v);
/* Recompute sti_hook after any change of pending state or vif. */
void vcpu_update_hook(struct vcpu *v);
bool vcpu_has_pending(struct vcpu *v);

/* emulate.c: one sensitive instruction; g->eip is already the next one. */
struct eop {
	uint8_t kind;		/* DEC_K_* */
	int8_t reg;
	uint8_t size;
	uint32_t ea;		/* DEC_K_MEM: linear address; DEC_K_IMM: value */
};
enum emu_result { EMU_OK, EMU_FAULT, EMU_STOP };
enum emu_result emulate(struct vcpu *v, struct gstate *g, unsigned op, bool o16,
			const struct eop *ops, unsigned nops, uint32_t site_eip);
/* Decode-and-emulate for trap mode and the #GP fallback: the instruction
   at eip; faults report site_eip (the ud2 in trap mode). Returns EMU_*
   and advances g->eip past the instruction. */
enum emu_result emulate_at(struct vcpu *v, struct gstate *g, uint32_t eip, uint32_t site_eip);
/* The instruction bytes at eip (at most DEC_MAX_LEN): how many could be read. */
unsigned emulate_fetch(struct vcpu *v, uint32_t eip, uint8_t *buf);
/* emulate_at's second half, for an instruction at eip already decoded
   (the #GP fallback decodes to tell sensitive from not: once is enough). */
enum emu_result emulate_insn(struct vcpu *v, struct gstate *g, const struct dec_insn *di,
			     uint32_t eip, uint32_t site_eip);

/* Trap mode's site table: add (any order), then sort once; lookup. */
int vcpu_trap_site_add(struct vcpu *v, uint32_t start);
void vcpu_trap_sites_sort(struct vcpu *v);
bool vcpu_is_trap_site(const struct vcpu *v, uint32_t eip);

/* frontend.c: called from burn.asm; nonzero = leave through iret_restart. */
int burn_common_c(struct burn_frame *f);
/* The C halves of burn.asm's fast sites (fastsite.c). */
int burn_invlpg_c(uint32_t la);
int32_t burn_pop_sreg_c(uint32_t *p);
int32_t burn_mov_sreg_c(uint32_t *p);
int32_t burn_reg_site_c(uint32_t *p);
void burn_upcall_c(struct ipvmm_upcall_state *s);
void burn_resume_check_c(void);
/* Fill v->resume from g (real selectors, the iretd frame). */
void resume_commit(struct vcpu *v, struct gstate *g);
enum emu_result emulate_io(struct vcpu *v, struct gstate *g, const struct dec_insn *di,
			   uint32_t site_eip);
/* Guest-visible selector <-> the one the CPU holds (kernel RPL 0 <-> 1;
   the native-execution test runs its "kernel" in ring 3). */
#ifndef IPVMM_KERNEL_RPL
#define IPVMM_KERNEL_RPL 1
#endif
static inline uint16_t sel_virt(uint32_t real)
{
	real &= 0xffff;
	return (uint16_t)((real & 3) == IPVMM_KERNEL_RPL ? real & ~3u : real);
}
static inline uint32_t sel_real(uint16_t virt)
{
	return (virt & ~3u) && (virt & 3) == 0 ? (uint32_t)virt | IPVMM_KERNEL_RPL : virt;
}

/* The one vCPU of this IPVMM instance and its shared page (frontend.c). */
extern struct vcpu ipvmm_vcpu;
extern struct ipvmm_shared ipvmm_shared;

static inline unsigned vcpu_cpl(const struct gstate *g) { return g->sreg[SR_CS] & 3; }

#endif /* IPVMM_VCPU_H */
