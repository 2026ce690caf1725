; The entry's high half: running at HV_BASE + 1 MiB with paging on. ESI
; holds the Multiboot magic, EBP the info's machine address (boot/multiboot.asm).
; (A file of its own: NASM's debug info covers one section per file.)

%include "asm-offsets.inc"

extern hv_page_dir, hv_stack_top, kmain

section .text
bits 32
global boot_high
boot_high:
	mov ebx, ebp                         ; info_pa (ebp becomes the frame)
	mov esp, hv_stack_top
	xor eax, eax
	push eax                             ; a zero return address and frame
	push eax                             ; pointer end every backtrace
	mov ebp, esp
	; Drop the identity half: from now on machine memory is reached only
	; through the direct map, and low addresses are free for guests.
	mov edi, hv_page_dir
	mov ecx, DIRECT_MAP_SIZE >> LARGE_PAGE_SHIFT
	rep stosd
	mov eax, cr3
	mov cr3, eax
	push ebx                             ; kmain(magic, info_pa)
	push esi
	call kmain
boot_hang:
	cli
	hlt
	jmp boot_hang
