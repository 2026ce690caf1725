/* Entry of the direct test guests: a Multiboot header (so the same file
 * boots natively), a stack, gmain(magic, mbi); its return value is the
 * exit status given to HC_SHUTDOWN. They make their own hypercalls: the
 * section .no_ipvmm says so (kernel/loader.c), and the hypervisor starts
 * them at their entry, not through the IPVMM. */
#include "hypercall.h"

	.section .text.head, "ax"
	.align 4
	.long 0x1BADB002, 0x00000003, -(0x1BADB002 + 0x00000003)

	.globl _start
_start:
	movl $stack_top, %esp
	pushl %ebx
	pushl %eax
	call gmain
	movl %eax, %ebx
	movl $HC_SHUTDOWN, %eax
	int $HC_VECTOR
1:	jmp 1b

	.bss
	.align 16
	.skip 8192
stack_top:

	.section .no_ipvmm, "", @progbits
	.byte 1
