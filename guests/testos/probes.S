/* Small routines whose exact instruction addresses the tests check:
 * fault probes (the handler resumes at catch_.resume), far transfers and
 * the interrupt-window probes. catch_ layout: armed, resume, ... */
#include "layout.h"

#define ARM(label) movl $label, catch_+4; movl $1, catch_

	.text
/* uint32_t probe_read(uint32_t addr): 0xdeadbeef if it faulted. */
	.globl probe_read, probe_read_insn
probe_read:
	movl 4(%esp), %edx
	movl $0xdeadbeef, %eax
	ARM(1f)
probe_read_insn:
	movl (%edx), %eax
1:	movl $0, catch_
	ret

/* void probe_write(uint32_t addr, uint32_t val) */
	.globl probe_write, probe_write_insn
probe_write:
	movl 4(%esp), %edx
	movl 8(%esp), %eax
	ARM(1f)
probe_write_insn:
	movl %eax, (%edx)
1:	movl $0, catch_
	ret

/* void probe_load_fs(uint32_t sel): loads %fs, then restores the null selector. */
	.globl probe_load_fs, probe_load_fs_insn
probe_load_fs:
	movl 4(%esp), %eax
	ARM(1f)
probe_load_fs_insn:
	movw %ax, %fs
1:	movl $0, catch_
	xorl %eax, %eax
	movw %ax, %fs
	ret

/* void probe_lidt(uint32_t addr), probe_lgdt, probe_sidt: the table
 * register instructions on an operand at addr that faults (the caller
 * reloads the real tables if it did not). */
	.macro probe_dt insn
	.globl probe_\insn, probe_\insn\()_insn
probe_\insn:
	movl 4(%esp), %edx
	ARM(1f)
probe_\insn\()_insn:
	\insn (%edx)
1:	movl $0, catch_
	ret
	.endm
	probe_dt lidt
	probe_dt lgdt
	probe_dt sidt

/* void probe_low_stack(void): lidt of the loaded IDT with the stack
 * pointer 8 bytes above page 0 (never mapped), interrupts off. The CPU
 * does not touch the stack; the IPVMM's trampoline frame does. */
	.globl probe_low_stack
probe_low_stack:
	pushfl
	cli
	subl $8, %esp
	sidt 2(%esp)
	movl %esp, %ecx
	movl $0x1008, %esp
	lidt 2(%ecx)
	movl %ecx, %esp
	addl $8, %esp
	popfl
	ret

/* void probe_bad_stack(void): int $VEC_INTGATE at CPL 0 with the stack on
 * an unmapped page: the frame faults, so does the #PF's and the #DF's on
 * the same stack. A triple fault: it never returns. */
	.globl probe_bad_stack
probe_bad_stack:
	cli
	movl $UNMAPPED_VA + 16, %esp
	int $VEC_INTGATE
	jmp probe_bad_stack

/* void probe_empty_idt(void): an IDT of limit 0, then ud2: no gate for
 * the #UD, the #GP that raises, nor the #DF. A triple fault. */
	.globl probe_empty_idt
probe_empty_idt:
	cli
	lidt empty_idtr
	ud2
	jmp probe_empty_idt
	.section .rodata
empty_idtr:
	.word 0
	.long 0
	.previous

	.globl probe_de, probe_de_insn
probe_de:
	pushl %ebx
	movl $1, %eax
	xorl %edx, %edx
	xorl %ebx, %ebx
	ARM(1f)
probe_de_insn:
	divl %ebx
1:	movl $0, catch_
	popl %ebx
	ret

	.globl probe_ud, probe_ud_insn
probe_ud:
	ARM(1f)
probe_ud_insn:
	ud2
1:	movl $0, catch_
	ret

	.globl probe_bp, probe_bp_after
probe_bp:
	ARM(probe_bp_after)
	int3
probe_bp_after:
	movl $0, catch_
	ret

/* uint32_t farjmp_cs(void): %cs seen after a far jump to the alias code
 * segment; jumps back to the kernel code segment before returning. */
	.globl farjmp_cs
farjmp_cs:
	ljmp $SEL_KCODE2, $1f
1:	xorl %eax, %eax
	movw %cs, %ax
	ljmp $SEL_KCODE, $2f
2:	ret

/* uint32_t lret_cs(void): far return into the alias segment and back. */
	.globl lret_cs
lret_cs:
	pushl $SEL_KCODE2
	pushl $1f
	lret
1:	xorl %eax, %eax
	movw %cs, %ax
	pushl $SEL_KCODE
	pushl $2f
	lret
2:	ret

/* uint32_t lcall_cs(void): far call into the alias segment; the callee
 * returns its %cs with lret. */
	.globl lcall_cs
lcall_cs:
	lcall $SEL_KCODE2, $far_callee
	ret
far_callee:
	xorl %eax, %eax
	movw %cs, %ax
	lret

/* uint32_t iret_same_level(void): iret to a label at CPL 0 with a chosen
 * EFLAGS (IF clear, bit 1, ZF); returns the EFLAGS seen afterwards. */
	.globl iret_same_level
iret_same_level:
	pushl $0x00000042
	pushl %cs
	pushl $1f
	iret
1:	pushfl
	popl %eax
	ret

/* Interrupt windows: the caller made IRQ0 pending with IF=0. The timer
 * handler records the interrupted EIP in irq0_eip. Afterburn pads before
 * sti (nops; sti; movl), so the sti shadow is exact: the interrupt comes
 * after the movl, at shadow_after. An afterburned popf is followed by its
 * nop padding, so after popf the test accepts any instruction boundary up
 * to the label after the site. */
	.globl shadow_sti_probe, shadow_sti, shadow_after
shadow_sti_probe:
	movl $0, shadow_marker
shadow_sti:
	sti
	movl $1, shadow_marker   /* runs inside the STI shadow when unburned */
shadow_after:
	nop
	nop
	cli
	ret

	.globl popf_irq_probe, popf_insn, popf_after
popf_irq_probe:
	pushl $0x00000202
popf_insn:
	popfl
popf_after:
	nop
	nop
	cli
	ret

/* void iret_fault_probe(uint32_t frame): iret with ESP = frame, where the
 * caller left a frame whose next word lies in an unmapped page; the #PF
 * handler resumes at 1f (ESP still at the frame), which restores ESP. */
	.globl iret_fault_probe, iret_fault_insn
iret_fault_probe:
	movl 4(%esp), %eax
	movl %esp, iret_fault_esp
	ARM(1f)
	movl %eax, %esp
iret_fault_insn:
	iret
1:	movl iret_fault_esp, %esp
	movl $0, catch_
	ret

	.globl iret_irq_probe, iret_target
iret_irq_probe:
	pushl $0x00000202
	pushl %cs
	pushl $iret_target
	iret
iret_target:
	nop
	nop
	cli
	ret

	.globl int81, int82
int81:
	int $VEC_TRAPGATE
	ret
int82:
	int $VEC_INTGATE
	ret

	.data
	.align 4
iret_fault_esp:
	.long 0
