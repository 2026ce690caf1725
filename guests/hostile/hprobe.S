/* The hostile OS's probes: a general try (hprobe), the hypercall through
 * the IPVMM's own int $0x82, far transfers and EFLAGS loads whose results
 * the cases check. catch_ layout (trap.c): armed, resume, ... */
#include "layout.h"

#define ARM(label) movl $label, catch_+4; movl $1, catch_

	.text
/* uint32_t hprobe(void (*fn)(uint32_t), uint32_t arg) */
	.globl hprobe
hprobe:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, hprobe_esp
	movl 20(%esp), %eax
	pushl 24(%esp)
	ARM(1f)
	call *%eax
	movl $0, catch_
	xorl %eax, %eax
	jmp 2f
1:	movl $1, %eax
2:	movl hprobe_esp, %esp
	movw $SEL_KDATA, %cx
	movw %cx, %ds
	movw %cx, %es
	xorl %ecx, %ecx
	movw %cx, %fs
	movw %cx, %gs
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

/* int32_t hv_call(const struct hc_regs *r): the IPVMM's hypercall wrappers
 * end "int $0x82; mov -12(%ebp),%ebx; mov -8(%ebp),%esi; mov -4(%ebp),%edi;
 * mov %ebp,%esp; pop %ebp; ret": a frame built here makes that epilogue
 * return to 1f with the hypervisor's answer in EAX. */
	.globl hv_call
hv_call:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %ecx
	pushl $1f
	pushl %ebp
	movl %esp, %ebp
	subl $12, %esp
	movl %ebx, -12(%ebp)
	movl %esi, -8(%ebp)
	movl %edi, -4(%ebp)
	movl 0(%ecx), %eax
	movl 4(%ecx), %ebx
	movl 12(%ecx), %edx
	movl 16(%ecx), %esi
	movl 20(%ecx), %edi
	movl 8(%ecx), %ecx
	jmp *hc_gadget
1:	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

/* void farjmp_sel(uint32_t sel): ljmp sel:1f, then back to the kernel's
 * code segment (a fault leaves through hprobe). */
	.globl farjmp_sel
farjmp_sel:
	movl 4(%esp), %eax
	movl $1f, far_ptr
	movw %ax, far_ptr+4
	ljmp *far_ptr
1:	ljmp $SEL_KCODE, $2f
2:	ret

/* void lcall_sel(uint32_t sel): lcall sel:1f (a gate or a segment); the
 * target, if reached, returns with lret. */
	.globl lcall_sel
lcall_sel:
	movl 4(%esp), %eax
	movl $lcall_target, far_ptr
	movw %ax, far_ptr+4
	lcall *far_ptr
	ret
lcall_target:
	lret

/* uint32_t popf_read(uint32_t eflags): popfl, then pushfl's value (the
 * caller's flags restored). */
	.globl popf_read
popf_read:
	pushfl
	pushl 8(%esp)
	popfl
	pushfl
	popl %eax
	popfl
	ret

/* uint32_t iret_read(uint32_t eflags): a same-level iretl with these flags. */
	.globl iret_read
iret_read:
	pushfl
	movl 8(%esp), %eax
	pushl %eax
	pushl $SEL_KCODE
	pushl $1f
	iretl
1:	pushfl
	popl %eax
	popfl
	ret

/* void storm_int(uint32_t n): n software interrupts in a row. */
	.globl storm_int
storm_int:
	movl 4(%esp), %ecx
1:	int $VEC_INTGATE
	loop 1b
	ret

	.bss
	.align 4
hprobe_esp:	.long 0
far_ptr:	.long 0, 0
