; The direct #PF delivery (docs/ipvmm.md, "The direct #PF delivery"): a
; page fault that the guest's own page tables raise (the hypervisor
; reflected it: kernel/vm.c, guest_fault), of ring 3 or of the guest
; kernel itself, enters the guest kernel's #PF handler from here, without
; the C frontend. It does what deliver() does for it, as the CPU would:
; the guest's IDT entry must still be the one pf_gate_learn
; (ipvmm/direct_gate.c) validated after an emulated delivery, and its code
; segment's descriptor the same in the guest's GDT and in the real one;
; the frame (ss, esp from ring 3; eflags, cs, eip, error code) goes to the
; guest TSS's ss0:esp0, read now, or below the kernel's own esp; EFLAGS in
; it is the virtual one; an interrupt gate clears the virtual IF; CR2 is
; the fault's; a far return lands in the handler.
;
; Anything else, and any fault on guest memory or on a segment load
; (exception table), takes the emulated path with the upcall state
; untouched (burn_upcall_slow). The IPVMM is never interrupted
; asynchronously, so the handler starts exactly as on hardware.
;
; Entered from burn_upcall_exc with ESP at the upcall state (struct
; ipvmm_upcall_state) and every segment GK_DS. Once the interrupted
; code's data segments are back, memory is named through SS only.

%include "ipvmm-offsets.inc"

bits 32

extern ipvmm_vcpu, ipvmm_shared, burn_upcall_slow, burn_sti_ret
global burn_pf_direct

%define PG(f)    (ipvmm_vcpu + VCPU_PF + f)
%define VIF      (ipvmm_shared + SH_VIF)
%define STI_HOOK (ipvmm_shared + SH_STI_HOOK)
%define VEFLAGS  (ipvmm_vcpu + VCPU_EFLAGS)
; The handler's frame at the guest's esp0: ss esp eflags cs eip error,
; then the far return's cs and eip below it (8 bytes fewer at the same
; level: no ss esp).
%define GFRAME   32
; lar's access rights of the SS the lss loads: present, DPL 1 (the guest
; kernel's ring), a writable data segment.
%define AR_MASK  0xfa00
%define AR_SS    0xb200

section .text

burn_pf_direct:
	test dword [esp + UP_EFLAGS], EF_VM
	jnz .slow
	cmp dword [PG(PG_OK)], 0
	je .slow
	cmp byte [ipvmm_vcpu + VCPU_STEP_SHADOW], 0
	jne .slow
	; The guest's gate as its IDT has it now (below the IPVMM window).
	cmp word [ipvmm_vcpu + VCPU_IDTR_LIMIT], VEC_PF * 8 + 7
	jb .slow
	mov eax, [ipvmm_vcpu + VCPU_IDTR_BASE]
	cmp eax, IPVMM_BASE - VEC_PF * 8 - 8
	ja .slow
.rd_lo:	mov ecx, [eax + VEC_PF * 8]
	cmp ecx, [PG(PG_LO)]
	jne .slow
.rd_hi:	mov ecx, [eax + VEC_PF * 8 + 4]
	cmp ecx, [PG(PG_HI)]
	jne .slow
	; Its code segment: the guest's GDT entry, and the installed copy
	; (gdt_cache, 8 bytes an entry), both still the learned descriptor.
	mov edx, [PG(PG_CS_OFF)]
	movzx ecx, word [ipvmm_vcpu + VCPU_GDTR_LIMIT]
	lea eax, [edx + 7]
	cmp eax, ecx
	ja .slow
	mov eax, [ipvmm_vcpu + VCPU_GDTR_BASE]
	add eax, edx
	jc .slow
	cmp eax, IPVMM_BASE - 8
	ja .slow
.rd_d0:	mov ecx, [eax]
	cmp ecx, [PG(PG_DESC)]
	jne .slow
	cmp ecx, [ipvmm_vcpu + VCPU_GDTC + edx]
	jne .slow
.rd_d1:	mov ecx, [eax + 4]
	cmp ecx, [PG(PG_DESC) + 4]
	jne .slow
	cmp ecx, [ipvmm_vcpu + VCPU_GDTC + edx + 4]
	jne .slow
	shr edx, 3
	cmp byte [ipvmm_vcpu + VCPU_GDT_VALID + edx], 0
	je .slow
	; Where the frame goes: ring 3's fault switches to ss0:esp0, the
	; guest kernel's stays on its stack (ebx = 1: the outer frame).
	mov eax, [esp + UP_CS]
	and eax, 3
	xor ebx, ebx
	cmp eax, 3
	je .outer
	cmp eax, IPVMM_KERNEL_RPL
	jne .slow
	mov edx, [esp + UP_ESP]
	cmp edx, GFRAME - 8
	jb .slow
	cmp edx, IPVMM_BASE
	ja .slow
	mov ecx, [esp + UP_SS]		; loaded at ring 1 before the fault
	mov [PG(PG_NEW_ESP) + 4], ecx
	jmp .gate
.outer:	inc ebx
	mov eax, [ipvmm_vcpu + VCPU_TSS_BASE]
	test eax, eax
	jz .slow
	cmp eax, IPVMM_BASE - 12
	ja .slow
.rd_sp:	mov edx, [eax + 4]
.rd_ss:	mov ecx, [eax + 8]
	cmp edx, GFRAME
	jb .slow
	cmp edx, IPVMM_BASE
	ja .slow
	and ecx, 0xfffc
	or ecx, IPVMM_KERNEL_RPL	; the guest's ss0 with the CPU's RPL 1
	lar eax, ecx			; what the lss below will check
	jnz .slow
	and eax, AR_MASK
	cmp eax, AR_SS
	jne .slow
	mov [PG(PG_NEW_ESP) + 4], ecx
	; A trap gate keeps IF: work pending is delivered before the handler
	; runs, which the emulated path does.
.gate:	cmp dword [PG(PG_TRAP)], 0
	je .segs
	cmp dword [STI_HOOK], burn_sti_ret
	jne .slow
.segs:	; The data segments of the interrupted code, loaded at ring 1 as
	; they were before the fault.
	mov eax, [esp + UP_ES]
.ld_es:	mov es, eax
	mov eax, [esp + UP_FS]
.ld_fs:	mov fs, eax
	mov eax, [esp + UP_GS]
.ld_gs:	mov gs, eax
	mov eax, [esp + UP_DS]
.ld_ds:	mov ds, eax
	; The frame, as deliver() writes it: SS and ESP for the outer level.
	test ebx, ebx
	jz .inner
	movzx eax, word [esp + UP_SS]
.wr_ss:	mov [ss:edx - 4], eax
	mov eax, [esp + UP_ESP]
.wr_sp:	mov [ss:edx - 8], eax
	sub edx, 8
.inner:	cmp byte [ss:VIF], 0		; nonzero is "set" (vcpu_eflags)
	setne al
	movzx eax, al
	shl eax, 9			; 0 or EF_IF
	or eax, [ss:VEFLAGS]		; IOPL, NT, AC, ID, TF
	mov ecx, [esp + UP_EFLAGS]
	and ecx, EF_REAL
	or eax, ecx
	or eax, EF_RSV1
.wr_fl:	mov [ss:edx - 4], eax
	movzx eax, word [esp + UP_CS]
	mov ecx, eax
	and ecx, 3
	cmp ecx, IPVMM_KERNEL_RPL
	jne .cs_virt
	and eax, ~3			; sel_virt: the guest kernel's RPL 0
.cs_virt:
.wr_cs:	mov [ss:edx - 8], eax
	mov eax, [esp + UP_EIP]
.wr_ip:	mov [ss:edx - 12], eax
	mov eax, [esp + UP_ERROR]
.wr_er:	mov [ss:edx - 16], eax
	mov eax, [ss:PG(PG_CS)]
.wr_hc:	mov [ss:edx - 20], eax
	mov eax, [ss:PG(PG_EIP)]
.wr_he:	mov [ss:edx - 24], eax
	; Committed: nothing below faults.
	sub edx, GFRAME - 8
	mov [ss:PG(PG_NEW_ESP)], edx
	mov eax, [esp + UP_CR2]
	mov [ss:ipvmm_vcpu + VCPU_CR2], eax
	and dword [ss:VEFLAGS], ~(EF_TF | EF_NT)
	cmp dword [ss:PG(PG_TRAP)], 0
	jne .keep_if
	mov byte [ss:VIF], 0
.keep_if:
	inc dword [ss:ipvmm_shared + SH_PF_FAST]
	inc dword [ss:ipvmm_shared + SH_N_UPCALLS]
	; The interrupted code's arithmetic flags, as the CPU leaves them
	; for the handler.
	mov eax, [esp + UP_EFLAGS]
	and eax, EF_REAL
	or eax, EF_RSV1 | EF_IF
	mov [ss:PG(PG_RFLAGS)], eax
	popad				; the guest's registers (pushad order)
	push dword [ss:PG(PG_RFLAGS)]	; over the popped EAX slot
	popfd
	lss esp, [ss:PG(PG_NEW_ESP)]
	retf				; to the handler, ESP at its frame

; The emulated delivery, from the untouched upcall state.
.slow:
	mov eax, ss			; the C frontend's flat data segments
	mov ds, eax
	mov es, eax
	jmp burn_upcall_slow

; Each guest read or write, and each segment load, may fault; the
; hypervisor then resumes at .slow (include/ipvmm/extable.h).
section .extable progbits alloc noexec nowrite align=4
	dd burn_pf_direct.rd_lo, burn_pf_direct.slow
	dd burn_pf_direct.rd_hi, burn_pf_direct.slow
	dd burn_pf_direct.rd_d0, burn_pf_direct.slow
	dd burn_pf_direct.rd_d1, burn_pf_direct.slow
	dd burn_pf_direct.rd_sp, burn_pf_direct.slow
	dd burn_pf_direct.rd_ss, burn_pf_direct.slow
	dd burn_pf_direct.ld_es, burn_pf_direct.slow
	dd burn_pf_direct.ld_fs, burn_pf_direct.slow
	dd burn_pf_direct.ld_gs, burn_pf_direct.slow
	dd burn_pf_direct.ld_ds, burn_pf_direct.slow
	dd burn_pf_direct.wr_ss, burn_pf_direct.slow
	dd burn_pf_direct.wr_sp, burn_pf_direct.slow
	dd burn_pf_direct.wr_fl, burn_pf_direct.slow
	dd burn_pf_direct.wr_cs, burn_pf_direct.slow
	dd burn_pf_direct.wr_ip, burn_pf_direct.slow
	dd burn_pf_direct.wr_er, burn_pf_direct.slow
	dd burn_pf_direct.wr_hc, burn_pf_direct.slow
	dd burn_pf_direct.wr_he, burn_pf_direct.slow

section .note.GNU-stack noalloc noexec nowrite progbits
