; The common trap path (every generated vector stub jumps here), the GDT
; load and the thread switch. Offsets come from the generated
; asm-offsets.inc, never typed by hand.

%include "asm-offsets.inc"

extern trap_dispatch, thread_run_current, current, hv_page_dir

section .text
bits 32

; The vector stub pushed (error code or 0) and the vector number.
global trap_common, trap_return
trap_common:
	pusha
	push ds
	push es
	push fs
	push gs
	mov ax, HV_DS
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	cld
	; Leave a guest's shadow, where the hypervisor is read-only (only these
	; stubs, the IDT/GDT/TSS and this stack are mapped). Decided by CR3
	; itself, not by the RPL of the interrupted CS: a trap from virtual-8086
	; mode carries a real-mode CS, and a fault in trap_return below comes
	; from ring 0 while CR3 is already the guest's (docs/security.md, "The
	; return path and the origin of a trap").
	mov eax, cr3
	cmp eax, hv_page_dir - HV_BASE
	je .in_hv
	mov eax, hv_page_dir - HV_BASE
	mov cr3, eax
.in_hv:
	mov eax, esp                         ; struct trap_frame *
	push eax
	call trap_dispatch
	add esp, 4
trap_return:
	; To a guest: back onto the running VM thread's shadow.
	test byte [esp + TF_CS], 3
	jz .pop
	mov eax, [current]
	mov eax, [eax + THREAD_CR3]
	mov cr3, eax
.pop:
	; guest_safe_point validated the selectors and EFLAGS below against the
	; descriptors now loaded (kernel/retpath.c), so these do not fault; if
	; one does anyway, trap.c finds its address in retpath_fixups and kills
	; the guest instead of taking it for a hypervisor fault.
retpath_pop_gs:
	pop gs
retpath_pop_fs:
	pop fs
retpath_pop_es:
	pop es
retpath_pop_ds:
	pop ds
	popa
	add esp, TF_EIP - TF_VECTOR          ; vector and error code
retpath_iret:
	iretd

; The instructions of the way back that act on guest state, each with the
; frame offset ESP points at when it runs (so a fault there can name it).
section .rodata
global retpath_fixups
retpath_fixups:
	dd retpath_pop_gs, TF_GS
	dd retpath_pop_fs, TF_FS
	dd retpath_pop_es, TF_ES
	dd retpath_pop_ds, TF_DS
	dd retpath_iret, TF_EIP
	dd 0, 0
section .text

; gdt_load(const struct gdt_ptr *): lgdt, reload every segment, load TR and LDTR.
global gdt_load
gdt_load:
	mov eax, [esp + 4]
	lgdt [eax]
	jmp HV_CS:.reload
.reload:
	mov ax, HV_DS
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	mov ax, HV_TSS
	ltr ax
	mov ax, HV_LDT
	lldt ax
	ret

; switch_to(struct thread *prev, struct thread *next): the callee-saved
; registers go on prev's stack, its esp into prev->esp; then the reverse
; from next. A new thread's stack is prepared by thread_create to look the
; same, returning into thread_entry_trampoline.
global switch_to
switch_to:
	mov eax, [esp + 4]
	mov edx, [esp + 8]
	push ebp
	push ebx
	push esi
	push edi
	mov [eax + THREAD_ESP], esp
	mov esp, [edx + THREAD_ESP]
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret

global thread_entry_trampoline
thread_entry_trampoline:
	xor ebp, ebp                         ; ends the new thread's backtrace
	sti                                  ; we arrived here from the timer IRQ
	call thread_run_current              ; never returns
	ud2

; enter_guest(const struct trap_frame *f): start a guest from a prepared
; frame. The frame is copied to the top of the current thread's stack, where
; the CPU puts every later trap from the guest (TSS esp0 = stack_top), and
; leaves through trap_return: segments, registers, then iretd to ring 1.
global enter_guest
enter_guest:
	cli
	mov esi, [esp + 4]
	mov eax, [current]
	mov edi, [eax + THREAD_STACK_TOP]
	sub edi, TF_SIZE
	mov esp, edi
	mov ecx, TF_SIZE / 4
	cld
	rep movsd
	jmp trap_return
