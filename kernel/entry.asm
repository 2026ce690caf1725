; The common trap path (every generated vector stub jumps here), the GDT
; load and the thread switch. Offsets come from the generated
; asm-offsets.inc, never typed by hand.

%include "asm-offsets.inc"

extern trap_dispatch, thread_run_current

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
	mov eax, esp                         ; struct trap_frame *
	push eax
	call trap_dispatch
	add esp, 4
trap_return:
	pop gs
	pop fs
	pop es
	pop ds
	popa
	add esp, TF_EIP - TF_VECTOR          ; vector and error code
	iretd

; gdt_load(const struct gdt_ptr *): lgdt, reload every segment, load TR.
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
