/* A tiny Multiboot-style guest with two afterburn sites, for loader tests. */
	.text
	.globl _start
_start:
1:	cli
	nop; nop; nop; nop; nop; nop
2:	.pushsection .afterburn
	.balign 4
	.long 1b, 2b
	.popsection
3:	sti
	.fill 12, 1, 0x90
4:	.pushsection .afterburn
	.balign 4
	.long 3b, 4b
	.popsection
	hlt
	.data
	.long 0x12345678
	.bss
	.space 8192
