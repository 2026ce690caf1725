; Multiboot 1 header and entry. GRUB 2 and QEMU's -kernel loader both jump
; here in 32-bit protected mode, paging off, EAX = 0x2BADB002, EBX = the
; physical address of the Multiboot info. This section runs at its load
; address (machine 1 MiB); everything else is linked at HV_BASE + 1 MiB, so
; we build the hypervisor's page directory, turn paging on and jump up to
; boot_high (boot/high.asm).

%include "asm-offsets.inc"

MB_MAGIC      equ 0x1BADB002
MB_PAGE_ALIGN equ 1 << 0          ; modules on page boundaries
MB_MEMINFO    equ 1 << 1          ; we want mem_* and the memory map
MB_FLAGS      equ MB_PAGE_ALIGN | MB_MEMINFO

PDE_P   equ 0x001
PDE_W   equ 0x002
PDE_PS  equ 0x080
PDE_G   equ 0x100

extern hv_page_dir, hv_kmap_pt, boot_high
extern __bss_start, __bss_end

section .boot.header progbits alloc noexec nowrite align=4
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)

section .boot.text progbits alloc exec nowrite align=16
bits 32
global _start
_start:
	cli
	cld
	mov esi, eax                         ; keep magic and info across setup
	mov ebp, ebx

	; Zero .bss ourselves (the page tables and stacks live there).
	mov edi, __bss_start - HV_BASE
	mov ecx, __bss_end
	sub ecx, __bss_start
	xor eax, eax
	rep stosb

	; Page directory: machine 0 .. DIRECT_MAP_SIZE twice, identity (only
	; until we run high) and at HV_BASE, with 4 MiB pages. Not global: a
	; guest's shadow maps parts of this range read-only (kernel/shadow.c),
	; and a global TLB entry would survive the switch to it.
	mov edi, hv_page_dir - HV_BASE
	xor ebx, ebx                         ; machine address of this large page
.map:
	mov eax, ebx
	or eax, PDE_P | PDE_W | PDE_PS
	mov edx, ebx
	shr edx, LARGE_PAGE_SHIFT
	mov [edi + edx * 4], eax             ; identity
	mov [edi + edx * 4 + (HV_BASE >> LARGE_PAGE_SHIFT) * 4], eax
	add ebx, LARGE_PAGE_SIZE
	cmp ebx, DIRECT_MAP_SIZE
	jb .map
	; The last slot points at the kmap page table (4 KiB temporary mappings).
	mov eax, hv_kmap_pt - HV_BASE
	or eax, PDE_P | PDE_W
	mov [edi + (KMAP_BASE >> LARGE_PAGE_SHIFT) * 4], eax

	mov cr3, edi
	mov eax, cr4
	or eax, CR4_PSE | CR4_PGE
	mov cr4, eax
	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	mov cr0, eax
	mov eax, boot_high
	jmp eax
