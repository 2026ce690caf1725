/*
 * The mixed-mode test guest's start-up code (tests/afterburn.mk,
 * docs/afterburn.md "Tests"): a Multiboot entry, and three things the
 * afterburner and its verifier must handle in code they did not write:
 * a .code16 application-processor trampoline (never run: its sites go to
 * .afterburn16 and the IPVMM leaves them alone), a 32-bit site the guest
 * only reads (to see what the IPVMM made of it), and a function with data
 * bytes after a ud2 (a signature, as in Xen's forced-emulation prefix).
 */
/* The header is data: in a non-executable section (within the file's
   first 8 KiB, as Multiboot wants), so no disassembler takes it for code. */
	.section .mbheader, "a"
	.align 4
	.long 0x1BADB002, 0x00000003, -(0x1BADB002 + 0x00000003)

	.text
	.globl _start
_start:
	movl $stack_top, %esp
	call gmain
1:	jmp 1b

/* Read, never run: native "cli" + nops, "movb $0,vif" after a previrt
   rewrite, "ud2; cli" in trap mode. */
	.globl site32
site32:	cli
	ret

/* Returns the address of its own embedded 3-byte signature. The bytes
   after the ud2 decode as "js; outsb" if taken for code. */
	.globl dic_signature
dic_signature:
	call 1f
1:	popl %eax
	addl $(2f - 1b), %eax
	jmp 3f
	ud2
2:	.ascii "xen"
3:	ret

/* A real-mode AP trampoline as SMP kernels carry it: copied below 1 MiB
   and started by a SIPI on hardware; here it is only assembled. */
	.code16
	.globl tramp16, tramp16_end
tramp16:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl tramp_gdtr - tramp16
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $tramp32
tramp_gdtr:
	.word 0
	.long 0
tramp16_end:
	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	hlt

	.bss
	.align 16
	.skip 8192
stack_top:
