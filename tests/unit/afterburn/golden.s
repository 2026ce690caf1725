# Golden input: a little of everything the afterburner must handle.
	.file	"golden.c"
	.text
	.globl	entry
	.type	entry, @function
entry:
	cli				# interrupts off
	movl	$stack_top, %esp
	lgdt	gdt_desc
	ljmp	$0x08, $1f
1:	movw	$0x10, %ax
	movw	%ax, %ds; movw %ax, %es
	mov	%ax, %ss
	movl	%cr0, %eax; orl $0x80000000, %eax; movl %eax, %cr0
	mov	%fs:4(%eax), %ebx	/* override, not sensitive */
	pushfl
	popl	%eax
	rep
	insw
	rep outsb
	int	$0x80
	rdtsc
#APP
# 12 "golden.c" 1
	pushfl; popl %edx; cli
# 0 "" 2
#NO_APP
	inb	$0x60, %al
	outb	%al, $0x80
	.macro	SAVE_SEGS
	pushl	%ds
	pushl	%es
	.endm
	.macro	LOAD seg, reg
	movl	\reg, \seg
	.endm
	SAVE_SEGS
	LOAD	%fs, %eax
	LOAD	%ebx, %eax
	.rept	2
	hlt
	.endr
	cpuid
	sti; hlt
	iret
	.size	entry, .-entry

	.data
gdt_desc:
	.word	23
	.long	0
msg:	.ascii	"cli; sti # not code\n"
	.byte	'c, 'l, 'i
	.bss
	.space	4096
stack_top:
