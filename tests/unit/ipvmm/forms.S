/*
 * Every sensitive class in the AT&T spellings the afterburner annotates,
 * assembled by i686-linux-gnu-as. Each T row records the instruction's
 * start and end and its expected class name in .tbl; test_decode.c decodes
 * the bytes between and compares.
 */
	.macro T cls:req, insn:vararg
0:	\insn
1:	.pushsection .tbl, "a"
	.long 0b, 1b
	.asciz "\cls"
	.balign 4
	.popsection
	.endm

	.text
	T CLI, cli
	T STI, sti
	T PUSHF, pushf
	T PUSHF, pushfw
	T PUSHF, pushfl
	T POPF, popf
	T POPF, popfw
	T IRET, iret
	T IRET, iretw
	T HLT, hlt
	T IN, in $0x60, %al
	T IN, inw $0x60, %ax
	T IN, in (%dx), %al
	T IN, inl %dx, %eax
	T OUT, out %al, $0x80
	T OUT, outw %ax, (%dx)
	T OUT, outl %eax, $0x43
	T INS, insb
	T INS, rep insl
	T INS, insw (%dx), %es:(%edi)
	T OUTS, outsw
	T OUTS, rep outsb %fs:(%esi), (%dx)
	T OUTS, outsl
	T MOV_CR, mov %cr0, %eax
	T MOV_CR, mov %eax, %cr3
	T MOV_CR, movl %cr4, %edx
	T MOV_CR, mov %cr2, %esi
	T MOV_CR, mov %cr3, %ebx
	T MOV_CR, mov %cr3, %edi
	T MOV_DR, mov %db7, %eax
	T MOV_DR, mov %eax, %dr0
	T MOV_DR, movl %dr6, %ecx
	T MOV_SEG, mov %ds, %eax
	T MOV_SEG, mov %cs, %ax
	T MOV_SEG, movw %es, 4(%ebx)
	T MOV_SEG, mov %eax, %ss
	T MOV_SEG, movw (%eax,%ebx,2), %fs
	T MOV_SEG, movl %gs, %edi
	T PUSH_SEG, push %es
	T PUSH_SEG, push %cs
	T PUSH_SEG, pushw %fs
	T PUSH_SEG, pushl %gs
	T PUSH_SEG, push %ss
	T PUSH_SEG, push %ds
	T POP_SEG, pop %ds
	T POP_SEG, popl %ss
	T POP_SEG, pop %gs
	T POP_SEG, popw %es
	T POP_SEG, pop %fs
	T LOAD_FAR, lds (%eax), %ebx
	T LOAD_FAR, lesw 4(%esp), %di
	T LOAD_FAR, lss 0x10(%ebp), %esp
	T LOAD_FAR, lfs (%ecx,%edx,8), %eax
	T LOAD_FAR, lgsl 0x12345678, %esi
	T DESC, lgdt (%eax)
	T DESC, lidtl 0x12345678
	T DESC, sgdt -8(%ebp)
	T DESC, sidt (%esp)
	T SEGSYS, lldt %ax
	T SEGSYS, ltr 2(%ebx)
	T SEGSYS, sldt %eax
	T SEGSYS, str (%ecx)
	T SEGSYS, smsw %eax
	T SEGSYS, smsw (%edx)
	T SEGSYS, lmsw %ax
	T SEGSYS, lmsw (%eax)
	T SEGCHK, lar %eax, %ebx
	T SEGCHK, lsl (%ecx), %edx
	T SEGCHK, verr %ax
	T SEGCHK, verw (%eax)
	T SEGCHK, arpl %ax, %bx
	T SEGCHK, arpl %dx, 8(%esi)
	T INVLPG, invlpg (%eax)
	T INVLPG, invlpg 0x1000(,%ecx,4)
	T INVLPG, invlpg %gs:-4(%ebp,%edi)
	T INVLPG, invpcid (%eax), %ecx
	T CACHE, invd
	T CACHE, wbinvd
	T CACHE, wbnoinvd
	T CLTS, clts
	T MSR, rdmsr
	T MSR, wrmsr
	T CPUID, cpuid
	T SYSENTER, sysenter
	T SYSENTER, sysexit
	T SYSENTER, sysret
	T PRIV, rdpmc
	T PRIV, xsetbv
	T PRIV, monitor
	T PRIV, mwait
	T PRIV, clac
	T PRIV, stac
	T PRIV, rsm
	T PRIV, xsaves (%eax)
	T PRIV, xrstors 0x10(%ebx,%esi,4)
	T FAR_JMP, ljmp $0x10, $0x1234
	T FAR_JMP, jmp $0x10, $0x12345678
	T FAR_JMP, ljmpw $0x10, $0x1234
	T FAR_JMP, ljmp *(%eax)
	T FAR_JMP, ljmpw *4(%ebx)
	T FAR_CALL, lcall $8, $0
	T FAR_CALL, call $8, $0x100
	T FAR_CALL, lcall *(%ebx,%eax)
	T FAR_RET, lret
	T FAR_RET, lret $8
	T FAR_RET, lretw
