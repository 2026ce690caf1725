/* Multiboot (v1) header and entry: GRUB or QEMU -kernel jumps to _start in
 * protected mode, paging off, EAX = magic, EBX = Multiboot info. */
#include "layout.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003      /* page-align modules, want memory info */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .bss
	.align 16
boot_stack:
	.skip 16384
	.globl boot_stack_top
boot_stack_top:

	.text
	.globl _start
_start:
	cli
	movl $boot_stack_top, %esp
	pushl $0                 /* EFLAGS = 0 (clears IF, DF, NT, AC) */
	popfl
	pushl %ebx               /* Multiboot info */
	pushl %eax               /* magic */
	call kmain
1:	cli
	hlt
	jmp 1b
