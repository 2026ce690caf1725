/* Ring-3 programs. They are data here: proc_new copies one into a fresh
 * user page at USER_CODE, so each must be position independent (relative
 * jumps only; data at fixed USER_* addresses). Instructions that are
 * sensitive are written as bytes so the afterburner leaves them alone:
 * in ring 3 they must run (or fault) natively. The section is not
 * executable, so the coverage verifier does not look at it either. */
#include "layout.h"

#define U_CLI         .byte 0xfa
#define U_PUSHF       .byte 0x9c
#define U_MOV_CS_EAX  .byte 0x8c, 0xc8          /* movw %cs, %ax */
#define U_MOV_SS_ECX  .byte 0x8c, 0xd1          /* movw %ss, %cx */
#define U_IN_DX_AL    .byte 0xec
#define U_RDTSC       .byte 0x0f, 0x31
#define U_MOV_EAX_GS  .byte 0x8e, 0xe8          /* movw %ax, %gs */
#define U_MOV_GS0_EBX .byte 0x65, 0x8b, 0x1d, 0, 0, 0, 0   /* movl %gs:0, %ebx */

#define SYSCALL(n)    movl $n, %eax; int $VEC_SYSCALL
#define EXIT_EBX      SYSCALL(SYS_EXIT)

	.macro prog name
	.globl uprog_\name, uprog_\name\()_end
	.balign 16
uprog_\name:
	.endm
	.macro endprog name
uprog_\name\()_end:
	.endm

	.section .rodata.user, "a"

/* Never yields: only the timer can take the CPU away. */
	prog spin
1:	incl USER_DATA
	jmp 1b
	endprog spin

/* Gets its pid, keeps it at USER_DATA across a long busy loop (preempted
 * meanwhile), checks register passing with SYS_ADD and exits with
 * 0x100 + pid, or 0xbad on any mismatch. */
	prog worker
	SYSCALL(SYS_GETPID)
	movl %eax, %esi
	movl %eax, USER_DATA
	movl $200000, %edi
1:	cmpl USER_DATA, %esi
	jne 9f
	decl %edi
	jnz 1b
	movl %esi, %ebx
	movl $1000, %ecx
	movl $7, %edx
	SYSCALL(SYS_ADD)
	leal 1007(%esi), %edx
	cmpl %edx, %eax
	jne 9f
	leal 0x100(%esi), %ebx
	EXIT_EBX
9:	movl $0xbad, %ebx
	EXIT_EBX
	endprog worker

/* Same virtual address, different pages: store pid, yield to the other
 * instance a few times, check the value survived. */
	prog separate
	SYSCALL(SYS_GETPID)
	movl %eax, %esi
	movl %eax, USER_DATA
	movl $5, %edi
1:	SYSCALL(SYS_YIELD)
	cmpl USER_DATA, %esi
	jne 9f
	decl %edi
	jnz 1b
	leal 0x200(%esi), %ebx
	EXIT_EBX
9:	movl $0xbad, %ebx
	EXIT_EBX
	endprog separate

/* Faulting accesses: each one kills its process (exit code 0xbad is only
 * reached if the access did not fault). */
	prog rd_kernel
	movl KERNEL_LOAD, %eax
	movl $0xbad, %ebx
	EXIT_EBX
	endprog rd_kernel

	prog wr_kernel
	movl $1, KERNEL_LOAD + 0x10
	movl $0xbad, %ebx
	EXIT_EBX
	endprog wr_kernel

	prog rd_super
	movl USER_SUPER + 0x10, %eax
	movl $0xbad, %ebx
	EXIT_EBX
	endprog rd_super

	prog wr_ro
	movl USER_RO, %eax              /* reading is allowed */
	movl %eax, USER_RO + 4
	movl $0xbad, %ebx
	EXIT_EBX
	endprog wr_ro

	prog rd_hole
	movl USER_HOLE + 0x20, %eax
	movl $0xbad, %ebx
	EXIT_EBX
	endprog rd_hole

/* Demand-zero from ring 3: the kernel maps a zero page on the write
 * fault; the value must stick and the neighbour word read zero. */
	prog wr_dz
	movl $0x5a5a, USER_DZ + 0x1008
	movl USER_DZ + 0x1008, %ebx
	addl USER_DZ + 0x100c, %ebx
	EXIT_EBX
	endprog wr_dz

	prog cli
	U_CLI
	movl $0xbad, %ebx
	EXIT_EBX
	endprog cli

	prog inport
	movl $0x21, %edx
	U_IN_DX_AL
	movl $0xbad, %ebx
	EXIT_EBX
	endprog inport

	prog intdpl0
	int $VEC_INTGATE
	movl $0xbad, %ebx
	EXIT_EBX
	endprog intdpl0

/* Reports %cs, %ss and EFLAGS as seen in ring 3. */
	prog ring3
	xorl %eax, %eax
	xorl %ecx, %ecx
	U_MOV_CS_EAX
	U_MOV_SS_ECX
	movl %eax, %ebx
	U_PUSHF
	popl %edx
	SYSCALL(SYS_REPORT)
	xorl %ebx, %ebx
	EXIT_EBX
	endprog ring3

/* Six SYS_PROBE calls in a row (the test's hook acts between them). */
	prog probe6
	movl $6, %edi
1:	SYSCALL(SYS_PROBE)
	decl %edi
	jnz 1b
	xorl %ebx, %ebx
	EXIT_EBX
	endprog probe6

/* Reads six demand-zero pages, each fault taken with %gs = SEL_UTLS and
 * %ebx = 0x5eed0000 + the pages left (fault_probe records the frames);
 * uprog_dzprobe_fault is the faulting instruction. Exits 0. */
	prog dzprobe
	movl $SEL_UTLS, %eax
	U_MOV_EAX_GS
	movl $USER_DZ, %edx
	movl $6, %ecx
1:	movl $0x5eed0000, %ebx
	addl %ecx, %ebx
	.globl uprog_dzprobe_fault
uprog_dzprobe_fault:
	movl (%edx), %eax
	addl $PAGE_SIZE, %edx
	decl %ecx
	jnz 1b
	xorl %ebx, %ebx
	EXIT_EBX
	endprog dzprobe

/* One system call (the kernel leaves IRQ0 pending in it), then exit 0;
 * uprog_irqret_after is the first instruction after the int. */
	prog irqret
	SYSCALL(SYS_PROBE)
	.globl uprog_irqret_after
uprog_irqret_after:
	xorl %ebx, %ebx
	EXIT_EBX
	endprog irqret

/* Loads %gs with SEL_UTLS natively and exits with the word at %gs:0. */
	prog tlsread
	movl $SEL_UTLS, %eax
	U_MOV_EAX_GS
	U_MOV_GS0_EBX
	EXIT_EBX
	endprog tlsread

/* rdtsc in ring 3 (faults with CR4.TSD set). */
	prog rdtsc
	U_RDTSC
	xorl %ebx, %ebx
	EXIT_EBX
	endprog rdtsc

/* Yields USER_DATA times (set by the kernel before start; 0 means 1000). */
	prog pingpong
	movl USER_DATA, %edi
	testl %edi, %edi
	jnz 1f
	movl $1000, %edi
1:	SYSCALL(SYS_YIELD)
	decl %edi
	jnz 1b
	xorl %ebx, %ebx
	EXIT_EBX
	endprog pingpong

/* Times USER_DATA null system calls with rdtsc and reports the cycles. */
	prog bsyscall
	movl USER_DATA, %edi
	U_RDTSC
	movl %eax, %esi
	movl %edx, %ebp
1:	SYSCALL(SYS_NOP)
	decl %edi
	jnz 1b
	U_RDTSC
	subl %esi, %eax
	sbbl %ebp, %edx
	movl %eax, %ebx
	movl %edx, %ecx
	xorl %edx, %edx
	SYSCALL(SYS_REPORT)
	xorl %ebx, %ebx
	EXIT_EBX
	endprog bsyscall

/* Touches every demand-zero page, USER_DATA rounds; the kernel unmaps the
 * region on each SYS_YIELD so every round faults again. */
	prog dzstorm
	movl USER_DATA, %edi
2:	movl $USER_DZ, %edx
	movl $USER_DZ_PAGES, %ecx
1:	addl (%edx), %eax
	movl %edi, 4(%edx)
	addl $PAGE_SIZE, %edx
	decl %ecx
	jnz 1b
	SYSCALL(SYS_YIELD)
	decl %edi
	jnz 2b
	xorl %ebx, %ebx
	EXIT_EBX
	endprog dzstorm

/* int to the DPL 3 gate VEC_USERGATE (a ring-3 handler: no stack switch)
 * with the stack pointer at the top of the never-mapped page: the first
 * push of the delivery faults, at the int (5 bytes in). */
	prog intstack
	movl $USER_HOLE + PAGE_SIZE, %esp
	int $VEC_USERGATE
	movl $0xbad, %ebx
	EXIT_EBX
	endprog intstack
