/*
 * Every constant and structure offset ipvmm/burn.asm uses. Compiled to
 * assembly only; kernel/gen-asm-offsets.py turns the "->NAME value"
 * markers into build/ipvmm/gen/ipvmm-offsets.inc (tests/ipvmm.mk).
 */
#include <stddef.h>
#include "config.h"
#include "vcpu.h"
#include "layout.h"
#include "x86/uart16550.h"

#define DEFINE(sym, val) \
	__asm__ volatile("\n.ascii \"->" #sym " %c0\"" : : "i"((long)(val)))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

/* What burn_iret's fast path and SREG_ASM read and fill (burn.asm). */
void ipvmm_offsets_iret(void);
void ipvmm_offsets_iret(void)
{
	OFFSET(SH_IRET_FAST, ipvmm_shared, iret_fast);
	OFFSET(SH_IRET_FAST_KERNEL, ipvmm_shared, iret_fast_kernel);
	OFFSET(VCPU_STEP_SHADOW, vcpu, step_shadow);
	OFFSET(VCPU_GDTR_BASE, vcpu, gdtr.base);
	OFFSET(VCPU_GDTR_LIMIT, vcpu, gdtr.limit);
	OFFSET(VCPU_GDTC, vcpu, gdt_cache);
	OFFSET(VCPU_GDT_VALID, vcpu, gdt_valid);
	OFFSET(VCPU_GDT_WATCH, vcpu, gdt_watch);
	DEFINE(GDT_CACHE_N, VCPU_GDT_CACHE);
	DEFINE(DEC_K_GPR, DEC_K_GPR);
	DEFINE(DEC_K_SREG, DEC_K_SREG);
	OFFSET(RES_EAX, burn_resume, eax);
	OFFSET(RES_ECX, burn_resume, ecx);
	OFFSET(RES_EDX, burn_resume, edx);
	OFFSET(RES_EBX, burn_resume, ebx);
	OFFSET(RES_EBP, burn_resume, ebp);
	OFFSET(RES_ESI, burn_resume, esi);
	OFFSET(RES_EDI, burn_resume, edi);
	OFFSET(RES_OUTER, burn_resume, outer);
	DEFINE(RES_ST_GPR, offsetof(struct burn_resume, st) + offsetof(struct gstate, gpr));
	DEFINE(RES_ST_SREG, offsetof(struct burn_resume, st) + offsetof(struct gstate, sreg));
	DEFINE(RES_ST_EIP, offsetof(struct burn_resume, st) + offsetof(struct gstate, eip));
	DEFINE(RES_ST_DIRTY, offsetof(struct burn_resume, st) + offsetof(struct gstate, sreg_dirty));
	DEFINE(EF_VM, EF_VM);
	DEFINE(EF_IOPL, EF_IOPL);
	DEFINE(EF_AC, EF_AC);
	DEFINE(EF_ID, EF_ID);
	DEFINE(EF_RSV0, EF_RSV0);
}

/* ipvmm/direct_pf.asm: the learned #PF gate and the upcall state. */
void ipvmm_offsets_pf(void);
void ipvmm_offsets_pf(void)
{
	OFFSET(VCPU_PF, vcpu, pf);
	OFFSET(PG_OK, vcpu_direct_pf, ok);
	OFFSET(PG_LO, vcpu_direct_pf, lo);
	OFFSET(PG_HI, vcpu_direct_pf, hi);
	OFFSET(PG_EIP, vcpu_direct_pf, eip);
	OFFSET(PG_CS, vcpu_direct_pf, cs);
	OFFSET(PG_TRAP, vcpu_direct_pf, trap);
	OFFSET(PG_CS_OFF, vcpu_direct_pf, cs_off);
	OFFSET(PG_DESC, vcpu_direct_pf, desc);
	OFFSET(PG_NEW_ESP, vcpu_direct_pf, new_esp);
	OFFSET(PG_RFLAGS, vcpu_direct_pf, rflags);
	OFFSET(SH_PF_FAST, ipvmm_shared, pf_fast);
	OFFSET(SH_N_UPCALLS, ipvmm_shared, n_upcalls);
	OFFSET(VCPU_CR2, vcpu, cr2);
	OFFSET(UP_ERROR, ipvmm_upcall_state, error);
	OFFSET(UP_CR2, ipvmm_upcall_state, cr2);
	OFFSET(UP_EIP, ipvmm_upcall_state, eip);
	OFFSET(UP_CS, ipvmm_upcall_state, cs);
	OFFSET(UP_EFLAGS, ipvmm_upcall_state, eflags);
	OFFSET(UP_ESP, ipvmm_upcall_state, esp);
	OFFSET(UP_SS, ipvmm_upcall_state, ss);
	OFFSET(UP_DS, ipvmm_upcall_state, ds);
	OFFSET(UP_ES, ipvmm_upcall_state, es);
	OFFSET(UP_FS, ipvmm_upcall_state, fs);
	OFFSET(UP_GS, ipvmm_upcall_state, gs);
	DEFINE(VEC_PF, VEC_PF);
}

void ipvmm_offsets(void);
void ipvmm_offsets(void)
{
	OFFSET(SH_VIF, ipvmm_shared, vif);
	OFFSET(SH_STI_HOOK, ipvmm_shared, sti_hook);
	OFFSET(VCPU_EFLAGS, vcpu, eflags);
	OFFSET(VCPU_RESUME, vcpu, resume);
	OFFSET(RES_EFLAGS, burn_resume, eflags);
	OFFSET(RES_FRAME, burn_resume, frame);
	OFFSET(RES_SEGMASK, burn_resume, segmask);
	OFFSET(RES_SEL, burn_resume, sel);
	DEFINE(RES_ST_EFLAGS, offsetof(struct burn_resume, st) + offsetof(struct gstate, eflags));
	OFFSET(UP_VECTOR, ipvmm_upcall_state, vector);
	DEFINE(UP_IRQ, IPVMM_UPCALL_IRQ);
	DEFINE(UP_SIZE, sizeof(struct ipvmm_upcall_state));
	DEFINE(FRAME_SIZE, sizeof(struct burn_frame));
	OFFSET(FRAME_EFLAGS, burn_frame, eflags);
	OFFSET(FRAME_ID, burn_frame, id);
	OFFSET(FAULT_VECTOR, ipvmm_fault, vector);
	OFFSET(FAULT_ERROR, ipvmm_fault, error);
	OFFSET(FAULT_CR2, ipvmm_fault, cr2);

	OFFSET(VCPU_IDTR_BASE, vcpu, idtr.base);
	OFFSET(VCPU_IDTR_LIMIT, vcpu, idtr.limit);
	OFFSET(VCPU_TSS_BASE, vcpu, tss_base);
	OFFSET(VCPU_DIRECT, vcpu, direct);
	OFFSET(DG_OK, vcpu_direct, ok);
	OFFSET(DG_LO, vcpu_direct, lo);
	OFFSET(DG_HI, vcpu_direct, hi);
	OFFSET(DG_EIP, vcpu_direct, eip);
	OFFSET(DG_CS, vcpu_direct, cs);
	OFFSET(DG_TRAP, vcpu_direct, trap);
	OFFSET(DG_SAVE, vcpu_direct, save);
	OFFSET(DG_NEW_ESP, vcpu_direct, new_esp);
	OFFSET(SH_DIRECT_FAST, ipvmm_shared, direct_fast);
	OFFSET(SH_DIRECT_SLOW, ipvmm_shared, direct_slow);

	DEFINE(DIRECT_VEC, DIRECT_VEC);
	DEFINE(IPVMM_BASE, IPVMM_BASE);
	DEFINE(UP_SOFT, IPVMM_UPCALL_SOFT);
	DEFINE(EF_TF, EF_TF);
	DEFINE(EF_NT, EF_NT);

	DEFINE(SR_ES, SR_ES);
	DEFINE(SR_CS, SR_CS);
	DEFINE(SR_SS, SR_SS);
	DEFINE(SR_DS, SR_DS);
	DEFINE(SR_FS, SR_FS);
	DEFINE(SR_GS, SR_GS);
	DEFINE(EF_IF, EF_IF);
	DEFINE(EF_REAL, EF_REAL);
	DEFINE(EF_VIRT, EF_VIRT);
	DEFINE(EF_RSV1, EF_RSV1);

	DEFINE(RW_STUB_COUNT, RW_STUB_COUNT);
	DEFINE(RW_STUB_STRIDE, RW_STUB_STRIDE);
	DEFINE(BURN_ID_CHECK, BURN_ID_CHECK);
	DEFINE(BURN_ID_IRET, BURN_ID_IRET);
	DEFINE(BURN_ID_LRET, BURN_ID_LRET);
	DEFINE(BURN_ID_LRET_IMM, BURN_ID_LRET_IMM);
	DEFINE(BURN_ID_HLT, BURN_ID_HLT);
	DEFINE(BURN_ID_IO_DX, BURN_ID_IO_DX);
	DEFINE(BURN_ID_IO_STR, BURN_ID_IO_STR);
	DEFINE(BURN_ID_STI, BURN_ID_STI);
	DEFINE(BURN_ID_IO_IMM, BURN_ID_IO_IMM);
	DEFINE(IPVMM_STACK_SIZE, CONFIG_IPVMM_STACK_SIZE);
	/* The generic stubs burn.asm sends to a fast path instead. */
	DEFINE(RW_ID_PUSH_SEG, RW_ID(DEC_PUSH_SEG, 0, 0, 0));
	DEFINE(RW_ID_INVLPG, RW_ID(DEC_INVLPG, 0, 1, 0));
	DEFINE(RW_ID_POP_SEG, RW_ID(DEC_POP_SEG, 0, 0, 0));
	DEFINE(RW_ID_MOV_TO_SEG, RW_ID(DEC_MOV_TO_SEG, 0, 0, 0));	/* + 16: the register forms */
	DEFINE(RW_ID_MOV_FROM_CR, RW_ID(DEC_MOV_FROM_CR, 0, 0, 0));
	DEFINE(RW_ID_MOV_FROM_SEG, RW_ID(DEC_MOV_FROM_SEG, 0, 0, 0));
	DEFINE(RW_ID_MOV_TO_CR, RW_ID(DEC_MOV_TO_CR, 0, 0, 0));
	DEFINE(IPVMM_KERNEL_RPL, IPVMM_KERNEL_RPL);
}

/* ipvmm/fastdev.asm: the device state its register-only paths read. */
void ipvmm_offsets_fastdev(void);
void ipvmm_offsets_fastdev(void)
{
#define DEVS(sym, mem) DEFINE(sym, offsetof(struct vcpu, devs) + offsetof(struct ipvmm_devs, mem))
	OFFSET(SH_PENDING, ipvmm_shared, pending);
	OFFSET(SH_CON_HEAD, ipvmm_shared, con_in_head);
	OFFSET(SH_CON_TAIL, ipvmm_shared, con_in_tail);
	OFFSET(SH_TIME_TSC_BASE, ipvmm_shared, time_tsc_base);
	OFFSET(SH_TIME_NS_BASE, ipvmm_shared, time_ns_base);
	OFFSET(SH_TIME_MUL, ipvmm_shared, time_mul);
	OFFSET(SH_TIME_SHIFT, ipvmm_shared, time_shift);
	DEFINE(VCPU_EXITS_IN, offsetof(struct vcpu, stats.exits) + DEC_IN * 4);
	DEFINE(VCPU_EXITS_OUT, offsetof(struct vcpu, stats.exits) + DEC_OUT * 4);
	DEVS(DV_PIC0_IRR, pic.chip[0].irr);
	DEVS(DV_PIC0_ISR, pic.chip[0].isr);
	DEVS(DV_PIC0_IMR, pic.chip[0].imr);
	DEVS(DV_PIC0_POLL, pic.chip[0].poll);
	DEVS(DV_PIC0_PRIORITY_ADD, pic.chip[0].priority_add);
	DEVS(DV_PIC0_SPECIAL_MASK, pic.chip[0].special_mask);
	DEVS(DV_PIC0_SFNM, pic.chip[0].sfnm);
	DEVS(DV_PIC0_INIT_STATE, pic.chip[0].init_state);
	DEVS(DV_PIC_INTR, pic.intr);
	DEVS(DV_KBC_STATUS, kbc.status);
	DEVS(DV_COM1_LSR, com1.lsr);
	DEVS(DV_PCI_ADDR, pci.addr);
	DEVS(DV_PCI_CACHE_ADDR, pci.cache_addr);
	DEVS(DV_PCI_CACHE_VAL, pci.cache_val);
	DEVS(DV_RTC_INDEX, rtc.index);
	DEVS(DV_PIT_CH0, pit.ch[0]);
	DEFINE(PIT_CH_SIZE, sizeof(struct vpit_channel));
	OFFSET(PCH_LATCHED_COUNT, vpit_channel, latched_count);
	OFFSET(PCH_COUNT_LATCHED, vpit_channel, count_latched);
	OFFSET(PCH_STATUS_LATCHED, vpit_channel, status_latched);
	OFFSET(PCH_COUNTING, vpit_channel, counting);
	OFFSET(PCH_GATE, vpit_channel, gate);
	OFFSET(PCH_MODE, vpit_channel, mode);
	OFFSET(PCH_COUNT, vpit_channel, count);
	OFFSET(PCH_LOAD_TIME, vpit_channel, load_time);
	OFFSET(PCH_RW_MODE, vpit_channel, rw_mode);
	DEFINE(VPIT_HZ, VPIT_HZ);
	DEFINE(NS_PER_SEC, 1000000000u);
	DEVS(DV_RTC_CMOS, rtc.cmos);
	DEVS(DV_RTC_REGS, rtc.regs);
	DEVS(DV_RTC_REGS_OK, rtc.regs_ok);
	DEVS(DV_RTC_REGS_B, rtc.regs_b);
	DEVS(DV_RTC_REGS_S, rtc.regs_s);
	DEVS(DV_RTC_REGS_CENTURY, rtc.regs_century);
	DEVS(DV_RTC_BASE_S, rtc.base_s);
	DEVS(DV_RTC_BASE_NS, rtc.base_ns);
	DEFINE(VRTC_REG_B, VRTC_REG_B);
	DEFINE(VRTC_B_SET, VRTC_B_SET);
	DEFINE(VRTC_CENTURY, VRTC_CENTURY);
	DEFINE(VPIT_RW_LSB, VPIT_RW_LSB);
	DEFINE(VPIT_RW_MSB, VPIT_RW_MSB);
	DEFINE(VPIT_RW_WORD0, VPIT_RW_WORD0);
	DEFINE(UART_LSR_CLEAR_ON_READ, UART_LSR_OE | UART_LSR_BI);
#undef DEVS
}
