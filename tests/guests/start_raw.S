/* Entry of a test guest that knows nothing of the hypervisor (com1.c):
 * a Multiboot header, a stack, gmain(magic, mbi); it ends the way the
 * test OS ends, through the power-off ports (QEMU's isa-debug-exit at
 * 0xf4: 0x10 success, 0x11 failure; Bochs's "Shutdown" at 0x8900), which
 * the IPVMM's vexit model turns into the guest's exit status. No section
 * .no_ipvmm: the hypervisor starts it through the IPVMM. */
	.section .text.head, "ax"
	.align 4
	.long 0x1BADB002, 0x00000003, -(0x1BADB002 + 0x00000003)

	.globl _start
_start:
	movl $stack_top, %esp
	pushl %ebx
	pushl %eax
	call gmain
	testl %eax, %eax
	movl $0x10, %eax
	jz 1f
	movl $0x11, %eax
1:	outl %eax, $0xf4
	jnz 3f                  /* Bochs's port says success only */
	movw $0x8900, %dx
	movl $shutdown, %esi
2:	lodsb
	testb %al, %al
	jz 3f
	outb %al, %dx
	jmp 2b
3:	cli
	hlt
	jmp 3b

	.section .rodata
shutdown:
	.asciz "Shutdown"

	.bss
	.align 16
	.skip 8192
stack_top:
