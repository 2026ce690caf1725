/*
 * Guest code for test_burn_exec: sensitive instructions padded the way the
 * afterburner pads them, recorded in the burn_sites section. The test
 * rewrites them with the real rewriter and then runs them natively
 * (32-bit user mode) through the real trampolines of ipvmm/burn.asm.
 */
	.macro S pad:req, insn:vararg
0:	\insn
	.fill \pad, 1, 0x90
1:	.pushsection burn_sites, "aw"
	.long 0b, 1b
	.popsection
	.endm

/* Interrupt-shadow forms: the afterburner puts the padding first. */
	.macro SB pad:req, insn:vararg
0:	.fill \pad, 1, 0x90
	\insn
1:	.pushsection burn_sites, "aw"
	.long 0b, 1b
	.popsection
	.endm

	.section .guest, "awx"

	.globl g_flags_rt, g_pushf_keeps
	.globl g_pushf, g_popf_cf, g_cli, g_sti, g_cr3, g_cpuid, g_handler, g_out, g_count
	.globl g_in_imr, g_out_imr, g_rd_cr3_ebx, g_rd_cr0_eax
	.globl g_fd_out_20, g_fd_out_21, g_fd_out_43, g_fd_out_70, g_fd_in_21, g_fd_in_40, g_fd_in_64, g_fd_in_71
	.globl g_fd_in_dx, g_fd_inl_dx, g_fd_outl_dx
/* uint32_t g_pushf(void): EFLAGS as the guest sees them, CF set. */
g_pushf:
	stc
	S 5, pushf
	popl %eax
	ret

/* uint32_t g_popf_cf(uint32_t flags): CF after popf of flags. */
g_popf_cf:
	pushl 4(%esp)
	S 52, popf		/* the POPF class's padding (include/afterburn_classes.h) */
	setc %al
	movzbl %al, %eax
	ret

/* uint32_t g_flags_rt(uint32_t flags): the popf site, then the pushf
   site; returns the word the guest sees pushed. */
g_flags_rt:
	pushl 4(%esp)
	S 52, popf
	S 5, pushf
	popl %eax
	ret

/* uint32_t g_pushf_keeps(uint32_t real): the real flags loaded by a plain
   popfl (arithmetic flags and DF at CPL 3), then the pushf site; returns
   the real flags after it xor before it (0: the site kept them). */
g_pushf_keeps:
	pushl 4(%esp)
	popfl
	pushfl
	S 5, pushf
	lea 4(%esp), %esp
	pushfl
	cld
	popl %eax
	popl %ecx
	xorl %ecx, %eax
	ret

/* uint32_t g_cli(void) / g_sti(void): CF (set before) after the site. */
g_cli:
	stc
	S 6, cli
	setc %al
	movzbl %al, %eax
	ret
g_sti:
	stc
	SB 12, sti
	setc %al
	movzbl %al, %eax
	ret

/* uint32_t g_rd_cr3_ebx(void), g_rd_cr0_eax(void): the inline CR reads
   (movl vcpu.crN, %reg), the short and the modrm encoding. */
g_rd_cr3_ebx:
	pushl %ebx
	movl $0xdeadbeef, %ebx
	S 11, mov %cr3, %ebx
	movl %ebx, %eax
	popl %ebx
	ret
g_rd_cr0_eax:
	movl $0xdeadbeef, %eax
	S 11, mov %cr0, %eax
	ret

/* uint32_t g_cr3(uint32_t v): mov %eax,%cr3 through the generic path;
   returns 0 if every other register and CF survived. */
g_cr3:
	pushl %ebx
	pushl %esi
	pushl %edi
	pushl %ebp
	movl 20(%esp), %eax
	movl $0x11111111, %ebx
	movl $0x22222222, %ecx
	movl $0x33333333, %edx
	movl $0x44444444, %esi
	movl $0x55555555, %edi
	movl $0x66666666, %ebp
	stc
	S 11, mov %eax, %cr3
	movl $0, %eax
	adcl $0, %eax
	xorl $1, %eax		/* 0 if CF was set */
	cmpl $0x11111111, %ebx; jne 9f
	cmpl $0x22222222, %ecx; jne 9f
	cmpl $0x33333333, %edx; jne 9f
	cmpl $0x44444444, %esi; jne 9f
	cmpl $0x55555555, %edi; jne 9f
	cmpl $0x66666666, %ebp; jne 9f
	jmp 8f
9:	orl $2, %eax
8:	popl %ebp
	popl %edi
	popl %esi
	popl %ebx
	ret

/* void g_cpuid(uint32_t leaf, uint32_t out[4]) */
g_cpuid:
	pushl %ebx
	pushl %edi
	movl 12(%esp), %eax
	movl 16(%esp), %edi
	xorl %ecx, %ecx
	S 3, cpuid
	movl %eax, 0(%edi)
	movl %ebx, 4(%edi)
	movl %ecx, 8(%edi)
	movl %edx, 12(%edi)
	popl %edi
	popl %ebx
	ret

/* void g_out(uint32_t c): outb %al,(%dx) to COM1 */
g_out:
	movl 4(%esp), %eax
	movw $0x3f8, %dx
	S 11, outb %al, (%dx)
	ret

/* uint32_t g_in_imr(uint32_t *ecx_edx_cf): inb $0x21,%al (the fast port
   path, immediate port) with eax = 0x12345600, CF set; stores what ecx,
   edx and CF hold afterwards. */
g_in_imr:
	pushl %ebx
	movl 8(%esp), %ebx
	movl $0x12345600, %eax
	movl $0x0c0c0c0c, %ecx
	movl $0x0d0d0d0d, %edx
	stc
	S 11, inb $0x21, %al
	movl %ecx, 0(%ebx)
	movl %edx, 4(%ebx)
	setc 8(%ebx)
	popl %ebx
	ret

/* void g_out_imr(uint32_t mask): outb %al,$0x21 (the fast path's write;
   an unmasked pending IRQ is delivered through its exit). */
g_out_imr:
	movl 4(%esp), %eax
	S 11, outb %al, $0x21
	ret

/* ipvmm/fastdev.asm's entries, one site each. Immediate ports:
   uint32_t g_fd_in_NN(void) returns eax (0xa5a5a500 | the byte read) and
   void g_fd_out_NN(uint32_t v) writes v's low byte; %dx sites:
   g_fd_in_dx(port), g_fd_inl_dx(port), g_fd_outl_dx(port, v). */
	.macro FD_IN port
g_fd_in_\port:
	movl $0xa5a5a500, %eax
	S 11, inb $0x\port, %al
	ret
	.endm
	.macro FD_OUT port
g_fd_out_\port:
	movl 4(%esp), %eax
	S 11, outb %al, $0x\port
	ret
	.endm
	FD_IN 21
	FD_IN 40
	FD_IN 64
	FD_IN 71
	FD_OUT 20
	FD_OUT 21
	FD_OUT 43
	FD_OUT 70
g_fd_in_dx:
	movl 4(%esp), %edx
	movl $0xa5a5a500, %eax
	S 11, inb (%dx), %al
	ret
g_fd_inl_dx:
	movl 4(%esp), %edx
	S 11, inl (%dx), %eax
	ret
g_fd_outl_dx:
	movl 4(%esp), %edx
	movl 8(%esp), %eax
	S 11, outl %eax, (%dx)
	ret

/* The guest's IRQ 0 handler: count, iret (rewritten to jmp burn_iret). */
g_handler:
	incl g_count
	S 4, iret

	.data
g_count:
	.long 0

	.section .note.GNU-stack, "", @progbits
