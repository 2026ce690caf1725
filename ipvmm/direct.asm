; The direct system-call gate's entry (docs/security.md, "The direct
; system-call gate"). The real IDT holds, while this guest runs, a DPL-3
; trap gate GK_CS:burn_int_direct for its DIRECT_VEC (kernel/idt.c): a
; ring-3 `int $0x80` comes here in ring 1 without entering the hypervisor,
; on the real TSS's ring-1 stack GK_DS:vcpu.direct.stack (HC_DIRECT_GATE),
; with ring 3's SS, ESP, EFLAGS, CS, EIP pushed and the real IF still set.
;
; The fast path does what the CPU would do with the guest's own gate, as
; deliver() does: the guest's IDT entry must still be the one
; direct_gate_learn validated, the frame goes to the guest TSS's ss0:esp0
; (read now, as the CPU reads it), EFLAGS in it is the virtual one, an
; interrupt gate clears the virtual IF, and a far return lands in the
; handler. Anything else, and any fault on guest memory (exception
; table), takes the slow path: the emulated delivery of the same int, as
; if the hypervisor had reflected its #GP. The IPVMM is never interrupted
; asynchronously (the hypervisor does not redirect in its text), so the
; guest's handler starts exactly as on hardware.
;
; Only SS (GK_DS, flat ring 1) is used for memory until the final lss:
; DS and ES still hold ring 3's selectors.

%include "ipvmm-offsets.inc"

bits 32

extern ipvmm_vcpu, ipvmm_shared, ipvmm_stack_top, burn_upcall_exc, burn_sti_ret
global burn_int_direct

%define DG(f)    (ipvmm_vcpu + VCPU_DIRECT + f)
%define VIF      (ipvmm_shared + SH_VIF)
%define STI_HOOK (ipvmm_shared + SH_STI_HOOK)
%define VEFLAGS  (ipvmm_vcpu + VCPU_EFLAGS)
; The CPU's frame on the ring-1 stack.
%define F_EIP    esp
%define F_CS     esp + 4
%define F_EFLAGS esp + 8
%define F_ESP    esp + 12
%define F_SS     esp + 16
; The handler's frame at the guest's esp0: ss esp eflags cs eip, then the
; far return's cs and eip below it.
%define GFRAME   28

section .text

burn_int_direct:
	mov [ss:DG(DG_SAVE)], eax
	mov [ss:DG(DG_SAVE) + 4], ecx
	mov [ss:DG(DG_SAVE) + 8], edx
	test byte [F_CS], 2		; RPL 3: from ring 3, with a stack switch
	jz .ring1
	cmp dword [ss:DG(DG_OK)], 0
	je .slow
	; The guest's gate as its IDT has it now (below the IPVMM window).
	cmp word [ss:ipvmm_vcpu + VCPU_IDTR_LIMIT], DIRECT_VEC * 8 + 7
	jb .slow
	mov eax, [ss:ipvmm_vcpu + VCPU_IDTR_BASE]
	cmp eax, IPVMM_BASE - DIRECT_VEC * 8 - 8
	ja .slow
.rd_lo:	mov ecx, [ss:eax + DIRECT_VEC * 8]
	cmp ecx, [ss:DG(DG_LO)]
	jne .slow
.rd_hi:	mov ecx, [ss:eax + DIRECT_VEC * 8 + 4]
	cmp ecx, [ss:DG(DG_HI)]
	jne .slow
	; The stack switch: ss0:esp0 from the guest's TSS.
	mov eax, [ss:ipvmm_vcpu + VCPU_TSS_BASE]
	test eax, eax
	jz .slow
	cmp eax, IPVMM_BASE - 12
	ja .slow
.rd_sp:	mov edx, [ss:eax + 4]
.rd_ss:	mov ecx, [ss:eax + 8]
	cmp edx, GFRAME
	jb .slow
	cmp edx, IPVMM_BASE
	ja .slow
	; A trap gate keeps IF: work pending is delivered before the handler
	; runs, which the emulated path does.
	cmp dword [ss:DG(DG_TRAP)], 0
	je .frame
	cmp dword [ss:STI_HOOK], burn_sti_ret
	jne .slow
.frame:
	and ecx, 0xfffc
	or ecx, 1			; the guest's ss0 with the CPU's RPL 1
	mov [ss:DG(DG_NEW_ESP) + 4], ecx
	mov eax, [F_SS]
.wr_ss:	mov [ss:edx - 4], eax
	mov eax, [F_ESP]
.wr_sp:	mov [ss:edx - 8], eax
	movzx eax, byte [ss:VIF]
	shl eax, 9			; 0 or EF_IF
	or eax, [ss:VEFLAGS]		; IOPL, NT, AC, ID, TF
	mov ecx, [F_EFLAGS]
	and ecx, EF_REAL | EF_RSV1	; bit 1 from the CPU's frame (popf sites
					; store vcpu.eflags without it)
	or eax, ecx
.wr_fl:	mov [ss:edx - 12], eax
	mov eax, [F_CS]
.wr_cs:	mov [ss:edx - 16], eax
	mov eax, [F_EIP]
.wr_ip:	mov [ss:edx - 20], eax
	mov eax, [ss:DG(DG_CS)]
.wr_hc:	mov [ss:edx - 24], eax
	mov eax, [ss:DG(DG_EIP)]
.wr_he:	mov [ss:edx - 28], eax
	; Committed: nothing below faults on guest memory.
	sub edx, GFRAME
	mov [ss:DG(DG_NEW_ESP)], edx
	and dword [ss:VEFLAGS], ~(EF_TF | EF_NT)
	cmp dword [ss:DG(DG_TRAP)], 0
	jne .keep_if
	mov byte [ss:VIF], 0
.keep_if:
	inc dword [ss:ipvmm_shared + SH_DIRECT_FAST]
	; Ring 3's arithmetic flags, as the CPU leaves them for the handler.
	mov eax, [F_EFLAGS]
	and eax, EF_REAL
	or eax, EF_RSV1 | EF_IF
	push eax
	popfd
	mov eax, [ss:DG(DG_SAVE)]
	mov ecx, [ss:DG(DG_SAVE) + 4]
	mov edx, [ss:DG(DG_SAVE) + 8]
	lss esp, [ss:DG(DG_NEW_ESP)]
	retf				; to the handler, ESP = esp0 - 20

; The emulated delivery: the state the hypervisor would have handed the
; exception upcall for this int (vector | IPVMM_UPCALL_SOFT, EIP past it),
; built at the top of the IPVMM stack. Entered with ESP at the CPU's
; frame (also from the exception table: EAX, ECX, EDX are then the
; fault's, the guest's are in DG_SAVE).
.slow:
	inc dword [ss:ipvmm_shared + SH_DIRECT_SLOW]
	mov eax, esp
	mov esp, ipvmm_stack_top
	push dword [ss:eax + 16]	; ss
	push dword [ss:eax + 12]	; esp
.state:					; eax = the CPU's eip, cs, eflags
	push dword [ss:eax + 8]		; eflags
	push dword [ss:eax + 4]		; cs
	push dword [ss:eax]		; eip
	push dword 0			; cr2
	push dword 0			; error
	push dword UP_SOFT | DIRECT_VEC
	push ds
	push es
	push fs
	push gs
	mov eax, [ss:DG(DG_SAVE)]
	mov ecx, [ss:DG(DG_SAVE) + 4]
	mov edx, [ss:DG(DG_SAVE) + 8]
	pushad
	mov eax, ss			; the C frontend's flat data segments
	mov ds, eax
	mov es, eax
	jmp burn_upcall_exc

; The guest kernel's own int (the gate's DPL 3 admits ring 1 too): the CPU
; pushed eip, cs, eflags on its stack, with its SS (flat, as the IPVMM
; assumes of every guest segment). Always the emulated delivery.
.ring1:
	inc dword [ss:ipvmm_shared + SH_DIRECT_SLOW]
	mov eax, esp
	mov esp, ipvmm_stack_top
	push ss				; ss
	lea ecx, [eax + 12]
	push ecx			; esp before the int
	jmp .state

; Each guest read or write above may fault on the guest's memory; the
; hypervisor then resumes at .slow (include/ipvmm/extable.h).
section .extable progbits alloc noexec nowrite align=4
	dd burn_int_direct.rd_lo, burn_int_direct.slow
	dd burn_int_direct.rd_hi, burn_int_direct.slow
	dd burn_int_direct.rd_sp, burn_int_direct.slow
	dd burn_int_direct.rd_ss, burn_int_direct.slow
	dd burn_int_direct.wr_ss, burn_int_direct.slow
	dd burn_int_direct.wr_sp, burn_int_direct.slow
	dd burn_int_direct.wr_fl, burn_int_direct.slow
	dd burn_int_direct.wr_cs, burn_int_direct.slow
	dd burn_int_direct.wr_ip, burn_int_direct.slow
	dd burn_int_direct.wr_hc, burn_int_direct.slow
	dd burn_int_direct.wr_he, burn_int_direct.slow

section .note.GNU-stack noalloc noexec nowrite progbits
