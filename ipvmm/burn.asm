; The IPVMM's trampolines (docs/rewriter.md): the targets of rewritten
; sites, the exit path iret_restart and the hypervisor's upcall entries.
; Linked into the IPVMM window (sections renamed to .ipvmm.* by
; tests/ipvmm.mk). Offsets and ids come from ipvmm-offsets.inc, generated
; from ipvmm/ipvmm-offsets.c; nothing here hand-copies a struct layout.

%include "ipvmm-offsets.inc"

bits 32

extern ipvmm_vcpu, ipvmm_shared
extern burn_common_c, burn_invlpg_c, burn_pop_sreg_c, burn_mov_sreg_c, burn_reg_site_c, burn_upcall_c, burn_resume_check_c, burn_start_c
extern fastio_c, fio_in8, fio_out8, fio_kernel_rpl, burn_pf_direct

global burn_pushf, burn_popf, burn_iret, burn_hlt, burn_lret, burn_lret_imm
global burn_io_dx, burn_io_str
global burn_io_in_b, burn_io_in_w, burn_io_in_l, burn_io_out_b, burn_io_out_w, burn_io_out_l
global burn_fio_in_b, burn_fio_in_w, burn_fio_in_l, burn_fio_out_b, burn_fio_out_w, burn_fio_out_l
global burn_fio_dx_in_b, burn_fio_dx_in_w, burn_fio_dx_in_l
global burn_fio_dx_out_b, burn_fio_dx_out_w, burn_fio_dx_out_l
global burn_sti_ret, burn_sti_deliver, burn_common, burn_generic_stubs, burn_generic_end
global iret_restart, iret_restart_end, burn_upcall_irq, burn_upcall_exc, burn_upcall_slow, burn_start
global ipvmm_stack, ipvmm_stack_top

%define VIF      (ipvmm_shared + SH_VIF)
%define STI_HOOK (ipvmm_shared + SH_STI_HOOK)
%define VEFLAGS  (ipvmm_vcpu + VCPU_EFLAGS)
%define RESUME   (ipvmm_vcpu + VCPU_RESUME)
; The C frontend's stack; the top UP_SIZE bytes hold an upcall's state.
%define C_STACK  (ipvmm_stack_top - 128)

;  One half of the watched GDT bitmap (vcpu.gdt_watch) for burn_iret:
;  eax = the guest's GDT base; ebx, ecx, edx, esi are scratch.
; ax = a selector, ecx = SR_DS, SR_ES, SR_FS or SR_GS (the only four
; the data segment paths name): load it into that register.
%macro LOAD_DSEG 0
	cmp ecx, SR_DS
	jne %%not_ds
	mov ds, ax
	jmp %%done
%%not_ds:
	cmp ecx, SR_ES
	jne %%not_es
	mov es, ax
	jmp %%done
%%not_es:
	cmp ecx, SR_FS
	jne %%not_fs
	mov fs, ax
	jmp %%done
%%not_fs:
	mov gs, ax
%%done:
%endmacro

%macro IRET_WATCHED 1
	mov edx, [ss:ipvmm_vcpu + VCPU_GDT_WATCH + %1 * 4]
%%next:	test edx, edx
	jz %%done
	bsf ecx, edx
	btr edx, ecx
	lea ebx, [ecx + %1 * 32]	; the entry's index
	lea esi, [ebx * 8 + 7]
	cmp si, [ss:ipvmm_vcpu + VCPU_GDTR_LIMIT]
	ja burn_iret.slow
	cmp byte [ss:ipvmm_vcpu + VCPU_GDT_VALID + ebx], 0
	je burn_iret.slow
%%rd_lo: mov esi, [ss:eax + ebx * 8]
	cmp esi, [ss:GDTC(ebx)]
	jne burn_iret.slow
%%rd_hi: mov esi, [ss:eax + ebx * 8 + 4]
	cmp esi, [ss:GDTC(ebx) + 4]
	jne burn_iret.slow
	jmp %%next
%%done:
section .extable
	dd %%rd_lo, burn_iret.slow
	dd %%rd_hi, burn_iret.slow
section .text
%endmacro

;  burn_iret's commit, after its checks: the guest's registers (five of
;  them pushed, edi and ebp live) into the resume record and its virtual
;  state; leaves ESP at the frame and its EIP in the state.
%macro IRET_COMMIT_GPRS 0
	mov [ss:RESUME + RES_EDI], edi
	mov [ss:ST(GPR) + 28], edi
	mov [ss:RESUME + RES_EBP], ebp
	mov [ss:ST(GPR) + 20], ebp
	pop esi
	mov [ss:RESUME + RES_ESI], esi
	mov [ss:ST(GPR) + 24], esi
	pop ebx
	mov [ss:RESUME + RES_EBX], ebx
	mov [ss:ST(GPR) + 12], ebx
	pop edx
	mov [ss:RESUME + RES_EDX], edx
	mov [ss:ST(GPR) + 8], edx
	pop ecx
	mov [ss:RESUME + RES_ECX], ecx
	mov [ss:ST(GPR) + 4], ecx
	pop eax
	mov [ss:RESUME + RES_EAX], eax
	mov [ss:ST(GPR)], eax
	lea esp, [esp + 8]		; the real flags and ret: the frame at esp
	mov eax, [ss:esp]
	mov [ss:ST(EIP)], eax
%endmacro

;  eax = the frame's EFLAGS (IF set; TF, NT, VM, IOPL clear): the virtual
;  state's EFLAGS as emulate_iret computes it, and the virtual bits left
;  (EF_VIRT: AC, ID) as resume_commit keeps them. ecx scratch.
%macro IRET_VFLAGS 0
	mov ecx, eax
	and ecx, ~EF_RSV0
	or ecx, EF_RSV1
	mov [ss:RESUME + RES_ST_EFLAGS], ecx
	and eax, EF_AC | EF_ID
	or eax, EF_RSV1
	mov [ss:VEFLAGS], eax
%endmacro

;  The rest of resume_commit: the data segments as they are (loaded by
;  no one: segmask 0), IF set, out through iret_restart.
%macro IRET_COMMIT_TAIL 0
	IRET_SREG_VIRT es, SR_ES
	IRET_SREG_VIRT ds, SR_DS
	IRET_SREG_VIRT fs, SR_FS
	IRET_SREG_VIRT gs, SR_GS
	mov dword [ss:RESUME + RES_SEGMASK], 0
	mov byte [ss:VIF], 1
	jmp iret_restart
%endmacro

; A data segment register into the resume record's virtual state, as
; sel_virt shows it (the kernel's real RPL 1 as 0); eax, ecx scratch.
%macro IRET_SREG_VIRT 2
	xor eax, eax
	mov ax, %1
	mov ecx, eax
	and ecx, 3
	cmp cl, [ss:fio_kernel_rpl]
	jne %%as_is
	and eax, ~3
%%as_is:
	mov [ss:ST(SREG) + %2 * 2], ax
%endmacro

section .extable progbits alloc noexec nowrite align=4
	dd burn_pop_sreg.rd_sel, burn_pop_sreg.c_half
	dd burn_iret.rd_fl, burn_iret.slow
	dd burn_iret.rd_ip, burn_iret.slow
	dd burn_iret.rd_cs, burn_iret.slow
	dd burn_iret.rd_ss, burn_iret.slow
	dd burn_iret.rd_klo, burn_iret.slow
	dd burn_iret.rd_khi, burn_iret.slow
	dd burn_iret.wr_fl, burn_iret.slow

section .text

; --- sti --------------------------------------------------------------
; The site: movb $1, vif; call *sti_hook. Nothing pending: a bare ret.
burn_sti_ret:
	ret

; Work pending: the frontend lets one more instruction run first (the sti
; shadow, SDM Vol. 2 STI) by resuming with TF, then delivers.
burn_sti_deliver:			; [esp] = site end
	push strict dword BURN_ID_STI
	jmp burn_common

; --- pushf: pushl %eax; call burn_pushf (docs/ipvmm.md, "Virtual CPU")
; On entry [esp] = ret (the site's end) at A-8, the guest's eax at A-4
; (A = guest esp before the site). Leaves the guest's EFLAGS at A-4 and
; returns with esp = A-4, eax and the real flags as they were. In guest
; context the real flags are the arithmetic ones plus IF and bit 1
; (GUEST_EFLAGS, retpath, iret_restart), so masking IF (and the stub's TF) by vif_to_if and
; or-ing the virtual bits yields the guest's word.
burn_pushf:
	pushfd				; A-12: real flags
	movzx eax, byte [VIF]
	mov eax, [vif_to_if + eax * 4]	; the mask: IF only if the virtual IF is set
	and eax, [esp]			; the real flags with the virtual IF, no TF
	or eax, [VEFLAGS]		; IOPL, NT, AC, ID, TF
	push dword [esp + 8]		; A-16: the guest's eax
	mov [esp + 12], eax		; A-4 = guest EFLAGS
	pop eax
	popfd
	ret				; esp = A-4

; --- popf: the inline site's slow path --------------------------------
; The popf site (rewrite.c, build_popf) has stored the virtual bits and IF
; and masked the word at A to what the real popfl may load; it calls here
; when work is pending: [esp] = ret (the site's popfl) at A-4. IF clear:
; back to the popfl. IF set: load the flags here and enter the frontend
; at the site's end (a synchronous delivery point, as popf on hardware).
burn_popf:
	test byte [VIF], 1		; flags: the popfl or popfd below loads them
	jnz .check
	ret
.check:	push eax			; A-8
	mov eax, [esp + 4]
	inc eax				; past the popfl: the site's end
	xchg eax, [esp + 8]		; eax = the masked word, A = site end
	mov [esp + 4], eax		; A-4 = the masked word
	pop eax
	popfd				; [esp] = site end at A
	push strict dword BURN_ID_CHECK
	jmp burn_common

; --- iret: call burn_iret ---------------------------------------------
; [esp] = ret, the guest's iret frame above it. A return to user mode
; that the emulated path (emulate_iret, then resume_commit) would finish
; without a hypercall, a fault or a delivery is done here instead: the
; resume record is filled as resume_commit fills it and iret_restart
; leaves (its pending check delivers, its roll-back covers the iretd).
; Anything else (another ring, NT, VM, TF, IOPL, IF clear, a selector
; that is not a cached flat DPL-3 GDT one, a watched descriptor the guest
; rewrote, EIP in the IPVMM window, a fault reading the frame or the
; GDT) takes the emulated path. Safety argument: docs/security.md, "The
; iret fast path".
%define GDTC(r)  (ipvmm_vcpu + VCPU_GDTC + r * 8)
%define ST(f)    (RESUME + RES_ST_ %+ f)
; Stack after the five pushes below (the guest's frame from F_EIP up).
%define F_EIP    esp + 28
%define F_CS     esp + 32
%define F_FL     esp + 36
%define F_ESP    esp + 40
%define F_SS     esp + 44
IRET_BAD_FL equ EF_IF | EF_TF | EF_NT | EF_VM | EF_IOPL

burn_iret:
	pushfd
	push eax
	push ecx
	push edx
	push ebx
	push esi
	cmp byte [ss:ipvmm_vcpu + VCPU_STEP_SHADOW], 0
	jne .slow			; the frontend ends the sti shadow
.rd_fl:	mov eax, [ss:F_FL]
	and eax, IRET_BAD_FL
	cmp eax, EF_IF
	jne .slow
.rd_ip:	cmp dword [ss:F_EIP], IPVMM_BASE
	jae .slow			; the frontend's exit would fault: its case
.rd_cs:	movzx ecx, word [ss:F_CS]
	test ecx, 7
	jz .kernel			; RPL 0 in the GDT: the same level
	mov eax, ecx
	and eax, 7
	cmp eax, 3
	jne .slow
.rd_ss:	movzx edx, word [ss:F_SS]
	mov eax, edx
	and eax, 7			; RPL 3 in the GDT too
	cmp eax, 3
	jne .slow
	shr ecx, 3
	shr edx, 3
	cmp ecx, GDT_CACHE_N
	jae .slow
	cmp edx, GDT_CACHE_N
	jae .slow
	; The copies last installed: flat DPL-3 32-bit code and writable data
	; (no iretd check can fail on them, nor the limit on EIP < IPVMM_BASE).
	cmp dword [ss:GDTC(ecx)], 0x0000ffff
	jne .slow
	mov eax, [ss:GDTC(ecx) + 4]
	and eax, 0xffeffc00		; base, G, D, L, limit, P, DPL, S, code, C
	cmp eax, 0x00cff800
	jne .slow
	cmp dword [ss:GDTC(edx)], 0x0000ffff
	jne .slow
	mov eax, [ss:GDTC(edx) + 4]
	and eax, 0xffeffe00		; ... data, expand-up, writable
	cmp eax, 0x00cff200
	jne .slow
	; Both watched, so the loop below compares them with the guest's table.
	bt dword [ss:ipvmm_vcpu + VCPU_GDT_WATCH], ecx
	jnc .slow
	bt dword [ss:ipvmm_vcpu + VCPU_GDT_WATCH], edx
	jnc .slow
	; vcpu_sync_watched without a change: every watched entry in the
	; guest's table (inside its limit, below the window) equals the copy
	; installed.
	mov eax, [ss:ipvmm_vcpu + VCPU_GDTR_BASE]
	cmp eax, IPVMM_BASE - GDT_CACHE_N * 8
	ja .slow
	IRET_WATCHED 0
	IRET_WATCHED 1
	; Committed: the resume record as resume_commit writes it for this
	; state (registers unchanged, CS:EIP, SS:ESP and EFLAGS from the frame);
	; iretd pops the outer frame in the record.
	IRET_COMMIT_GPRS
	mov eax, [ss:esp]
	mov [ss:RESUME + RES_OUTER], eax
	movzx eax, word [ss:esp + 4]
	mov [ss:RESUME + RES_OUTER + 4], eax
	mov [ss:ST(SREG) + SR_CS * 2], ax
	mov eax, [ss:esp + 12]
	mov [ss:RESUME + RES_OUTER + 12], eax
	mov [ss:ST(GPR) + 16], eax
	movzx eax, word [ss:esp + 16]
	mov [ss:RESUME + RES_OUTER + 16], eax
	mov [ss:ST(SREG) + SR_SS * 2], ax
	mov eax, [ss:esp + 8]
	mov ecx, eax
	and ecx, EF_REAL
	or ecx, EF_RSV1 | EF_IF
	mov [ss:RESUME + RES_EFLAGS], ecx
	mov [ss:RESUME + RES_OUTER + 8], ecx
	IRET_VFLAGS
	mov byte [ss:ST(DIRTY)], (1 << SR_CS) | (1 << SR_SS)
	mov dword [ss:RESUME + RES_FRAME], RESUME + RES_OUTER
	inc dword [ss:ipvmm_shared + SH_IRET_FAST]
	IRET_COMMIT_TAIL

; The same level (the guest kernel's CPL 0, real CPL 1): CS a GDT selector
; whose installed copy is flat DPL-0 32-bit code (DPL 1 to the CPU) and
; whose guest descriptor is still that copy (resume_commit's
; vcpu_sync_sel would install nothing). iretd pops the frame where it is,
; rewritten with the real CS and EFLAGS, as resume_commit writes it.
.kernel:
	shr ecx, 3
	jz .slow
	cmp ecx, GDT_CACHE_N
	jae .slow
	cmp byte [ss:ipvmm_vcpu + VCPU_GDT_VALID + ecx], 0
	je .slow
	cmp dword [ss:GDTC(ecx)], 0x0000ffff
	jne .slow
	mov eax, [ss:GDTC(ecx) + 4]
	and eax, 0xffeffc00
	cmp eax, 0x00cf9800
	jne .slow
	lea edx, [ecx * 8 + 7]
	cmp dx, [ss:ipvmm_vcpu + VCPU_GDTR_LIMIT]
	ja .slow
	mov edx, [ss:ipvmm_vcpu + VCPU_GDTR_BASE]
	cmp edx, IPVMM_BASE - GDT_CACHE_N * 8
	ja .slow
.rd_klo: mov eax, [ss:edx + ecx * 8]
	cmp eax, [ss:GDTC(ecx)]
	jne .slow
.rd_khi: mov eax, [ss:edx + ecx * 8 + 4]
	cmp eax, [ss:GDTC(ecx) + 4]
	jne .slow
	; The two words rewritten below lie in one page: the first store
	; faults or neither does.
	lea eax, [F_CS]
	lea edx, [F_FL + 3]
	xor edx, eax
	test edx, ~0xfff
	jnz .slow
	mov eax, [ss:F_FL]
	mov ecx, eax
	and ecx, EF_REAL
	or ecx, EF_RSV1 | EF_IF
.wr_fl:	mov [ss:F_FL], ecx
	mov [ss:RESUME + RES_EFLAGS], ecx
	IRET_VFLAGS
	movzx ecx, word [ss:F_CS]
	mov [ss:ST(SREG) + SR_CS * 2], cx
	or cl, [ss:fio_kernel_rpl]
	mov [ss:F_CS], ecx
	IRET_COMMIT_GPRS
	lea eax, [esp + 12]
	mov [ss:ST(GPR) + 16], eax
	mov [ss:RESUME + RES_FRAME], esp
	IRET_SREG_VIRT ss, SR_SS
	mov byte [ss:ST(DIRTY)], 1 << SR_CS
	inc dword [ss:ipvmm_shared + SH_IRET_FAST_KERNEL]
	IRET_COMMIT_TAIL

; Declined (also the exception table's continuation: EAX, ECX, EDX are
; then the fault's; the guest's are on the stack).
.slow:	pop esi
	pop ebx
	pop edx
	pop ecx
	pop eax
	popfd
	push strict dword BURN_ID_IRET
	jmp burn_common

burn_lret:
	push strict dword BURN_ID_LRET
	jmp burn_common
burn_lret_imm:				; the site pushed the byte count first
	push strict dword BURN_ID_LRET_IMM
	jmp burn_common
burn_hlt:
	push strict dword BURN_ID_HLT
	jmp burn_common
burn_io_dx:
	push strict dword BURN_ID_IO_DX
	jmp burn_common
burn_io_str:
	push strict dword BURN_ID_IO_STR
	jmp burn_common

%macro IO_IMM 3				; name, out, size index
%1:
	push strict dword BURN_ID_IO_IMM + %2 * 4 + %3
	jmp burn_common
%endmacro
IO_IMM burn_io_in_b, 0, 0
IO_IMM burn_io_in_w, 0, 1
IO_IMM burn_io_in_l, 0, 2
IO_IMM burn_io_out_b, 1, 0
IO_IMM burn_io_out_w, 1, 1
IO_IMM burn_io_out_l, 1, 2

; --- push %sreg: call stub ---------------------------------------------
; On entry [esp] = ret at A-4 (A = guest esp before the site). Leaves the
; guest's view of the selector (sel_virt: the kernel's real RPL 1 shown as
; 0) zero-extended at A-4, as emu_push_seg does, and returns with esp =
; A-4. The slot is the one the call just wrote, so the store cannot fault;
; registers and flags are the guest's again on the way out.
%macro PUSH_SREG 2			; segment register, SR_* index
%assign sreg_n %2
burn_push_sreg%[sreg_n]:
	push eax			; A-8
	push dword [esp + 4]		; A-12 = ret
	pushfd				; A-16
	xor eax, eax
	mov ax, %1
	push eax
	and al, 3
	cmp al, IPVMM_KERNEL_RPL
	pop eax
	jne %%as_is
	and al, 0xfc
%%as_is:
	mov [esp + 12], eax		; A-4 = the selector the guest sees
	popfd
	mov eax, [esp + 4]
	ret 4				; esp = A-4
%endmacro
PUSH_SREG es, SR_ES
PUSH_SREG cs, SR_CS
PUSH_SREG ss, SR_SS
PUSH_SREG ds, SR_DS
PUSH_SREG fs, SR_FS
PUSH_SREG gs, SR_GS

; --- invlpg: pushl %eax; lea MEM,%eax; call stub; popl %eax -------------
; Stack [id][ret][guest eax], eax = the linear address. The site runs at
; CPL 1 (ring 3 cannot reach the IPVMM window), where invlpg is allowed:
; straight to HC_INVLPG (burn_invlpg_c), no frame, no decode. If that
; leaves work pending with IF set, the common path runs the (idempotent)
; invlpg again and delivers, as every frontend entry does.
burn_invlpg:
	pushfd
	push ecx
	push edx
	push eax			; the address, for the common path
	cld
	mov ecx, esp
	mov esp, C_STACK
	push ecx
	push eax
	call burn_invlpg_c
	add esp, 4
	pop esp
	test eax, eax			; the flags are the guest's again below
	pop eax
	pop edx
	pop ecx
	jnz .slow
	popfd
	lea esp, [esp + 4]		; id
	ret				; the site's popl %eax follows
.slow:	popfd
	jmp burn_common

; --- data segment loads: popl %sreg (call stub), movw %reg,%sreg --------
; Stack [id][ret][the popped selector | the guest's eax]. The C half checks
; the load as the CPU does (the guest's descriptor read now, installed if
; it changed) and returns (SR_* << 16) | the real selector, or -1: then
; the common path does it all again and raises the fault or delivers what
; is pending. After the load only SS is used (the new DS may be anything).
%macro FAST_SITE_C 1			; the C half
	pushfd
	pushad
	cld
	mov ecx, esp
	mov esp, C_STACK
	push ecx
	push ecx			; its argument: the pushad block
	call %1
	add esp, 4
	pop esp
	cmp eax, -1
	je %%slow
	mov ecx, eax
	shr ecx, 16
	LOAD_DSEG
	popad
	popfd
	lea esp, [esp + 4]		; id
	jmp %%out
%%slow:	popad
	popfd
	jmp burn_common
%%out:
%endmacro

; The common case without C (docs/rewriter.md, "Fast sites"): a GDT
; selector whose descriptor in the guest's table equals the copy last
; installed (so vcpu_load_sreg would install nothing), a present,
; accessed data segment with DPL >= RPL, or a null selector; nothing for
; the frontend to do (no sti shadow, nothing pending with IF set). The
; CPU's own load of the installed copy then cannot fail. Anything else,
; and a fault reading the guest's selector or table, goes on to the C
; half, which does the rest or declines in turn.
; After pushfd; pushad: eax = the guest's selector, ecx = SR_*.
%macro SREG_ASM 1			; label to go on to when declining
	cmp ecx, SR_ES
	je %%sr_ok
	cmp ecx, SR_DS
	jb %1
	cmp ecx, SR_GS
	ja %1
%%sr_ok:
	cmp byte [ss:ipvmm_vcpu + VCPU_STEP_SHADOW], 0
	jne %1
	cmp byte [ss:VIF], 0
	je %%quiet
	cmp dword [ss:STI_HOOK], burn_sti_ret
	jne %1
%%quiet:
	movzx eax, ax
	test eax, 0xfffc
	jz %%load			; null: loadable into a data register
	test eax, 4
	jnz %1				; the LDT: the C half
	mov ebx, eax
	shr ebx, 3
	cmp ebx, GDT_CACHE_N
	jae %1
	cmp byte [ss:ipvmm_vcpu + VCPU_GDT_VALID + ebx], 0
	je %1
	lea edx, [ebx * 8 + 7]
	cmp dx, [ss:ipvmm_vcpu + VCPU_GDTR_LIMIT]
	ja %1
	mov edx, [ss:ipvmm_vcpu + VCPU_GDTR_BASE]
	cmp edx, IPVMM_BASE - GDT_CACHE_N * 8
	ja %1
%%rd_lo: mov esi, [ss:edx + ebx * 8]
	cmp esi, [ss:GDTC(ebx)]
	jne %1
%%rd_hi: mov esi, [ss:edx + ebx * 8 + 4]
	cmp esi, [ss:GDTC(ebx) + 4]
	jne %1
	mov edx, esi
	and edx, 0x9900			; P, S, code, accessed
	cmp edx, 0x9100
	jne %1
	shr esi, 13
	and esi, 3			; DPL
	mov edx, eax
	and edx, 3			; RPL
	cmp esi, edx
	jb %1
	test edx, edx
	jnz %%load
	or al, [ss:fio_kernel_rpl]	; sel_real (the kernel RPL: 3 in the host test)
%%load:
	LOAD_DSEG
	popad
	popfd
	lea esp, [esp + 4]		; id
section .extable
	dd %%rd_lo, %1
	dd %%rd_hi, %1
section .text
%endmacro

; Stack [id][ret][the popped selector]; the id's low bits name the register.
burn_pop_sreg:
	pushfd
	pushad
	mov ecx, [esp + 36]		; id
	and ecx, 7
.rd_sel: mov eax, [ss:esp + 44]
	SREG_ASM .c_half
	ret 4				; past the popped selector
.c_half:
	popad
	popfd
	FAST_SITE_C burn_pop_sreg_c
	ret 4

; Stack [id][ret][the guest's eax], eax = RW_REGS (one operand a segment
; register, the other a general register, as burn_mov_sreg_c's reg_pair).
burn_mov_sreg:
	pushfd
	pushad
	mov edx, eax
	shr edx, 16			; dl = kind 0, dh = kind 1
	cmp dx, DEC_K_SREG | DEC_K_GPR << 8
	jne .other
	movzx ecx, al			; the segment register
	movzx ebx, ah			; the general register
	jmp .gpr
.other:	cmp dx, DEC_K_GPR | DEC_K_SREG << 8
	jne .c_half
	movzx ecx, ah
	movzx ebx, al
.gpr:	test ebx, ebx
	jz .eax
	cmp ebx, 7
	ja .c_half
	cmp ebx, 4
	je .c_half			; %esp: the C half's to compute
	neg ebx
	mov eax, [esp + 28 + ebx * 4]	; the pushad slot of register ebx
	jmp .sel
.eax:	mov eax, [ss:esp + 44]		; the site's pushl %eax
.sel:	SREG_ASM .c_half
	ret				; the site's popl %eax follows
.c_half:
	popad
	popfd
	FAST_SITE_C burn_mov_sreg_c
	ret

; --- movl %crN,%reg, movl %reg,%crN, mov %sreg,%reg (register forms) -----
; Stack [id][ret][the guest's eax], eax = RW_REGS. The C half reads or
; writes the register in the pushad block (popad, or the site's popl %eax
; for eax, hands it to the guest) or declines (-1): the common path.
burn_reg_site:
	pushfd
	pushad
	cld
	mov ecx, esp
	mov esp, C_STACK
	push ecx
	push ecx
	call burn_reg_site_c
	add esp, 4
	pop esp
	cmp eax, -1			; popad and popfd keep or restore the flags
	popad
	je .slow
	popfd
	lea esp, [esp + 4]		; id
	ret				; the site's popl %eax follows
.slow:	popfd
	jmp burn_common

; --- fast port sites: pushl $b; call burn_fio_*; lea 4(%esp),%esp -----------
; in/out (not ins/outs). [esp] = ret, [esp + 4] = b: the port of an
; immediate-port site (the _dx entries take %dx). Only ecx, edx and the
; real flags are saved, 12 bytes on the guest stack; fastio_c runs on the
; IPVMM stack with eax = guest eax, edx = port | info << 16 (fastio.h) and
; returns the new eax. A caller outside the guest kernel's ring takes the
; slow twin (the CPL/IOPL check of emulate_io).
%macro FIO 5				; name, slow twin, out, size, port in dx?
%1:
	push ecx
	push edx
	pushfd
	mov ecx, cs
	and ecx, 3
	cmp cl, [fio_kernel_rpl]
	jne %%slow
%if %5
	movzx edx, dx
%else
	movzx edx, byte [esp + 16]
%endif
%if %4 == 1
	cld
	mov [fio_guest_esp], esp
	mov esp, C_STACK
%if %3
	call fio_out8
%else
	call fio_in8
%endif
	jmp fio_tail
%else
	or edx, (%3 | %4 << 1) << 16
	jmp fio_common
%endif
%%slow:	popfd
	pop edx
	pop ecx
	jmp %2
%endmacro
FIO burn_fio_in_b, burn_io_in_b, 0, 1, 0
FIO burn_fio_in_w, burn_io_in_w, 0, 2, 0
FIO burn_fio_in_l, burn_io_in_l, 0, 4, 0
FIO burn_fio_out_b, burn_io_out_b, 1, 1, 0
FIO burn_fio_out_w, burn_io_out_w, 1, 2, 0
FIO burn_fio_out_l, burn_io_out_l, 1, 4, 0
FIO burn_fio_dx_in_b, burn_io_dx, 0, 1, 1
FIO burn_fio_dx_in_w, burn_io_dx, 0, 2, 1
FIO burn_fio_dx_in_l, burn_io_dx, 0, 4, 1
FIO burn_fio_dx_out_b, burn_io_dx, 1, 1, 1
FIO burn_fio_dx_out_w, burn_io_dx, 1, 2, 1
FIO burn_fio_dx_out_l, burn_io_dx, 1, 4, 1

; Work that became pending with IF set (an EOI or unmask uncovering a
; request, a timer bit folded in) is delivered by the frontend, entered
; as popf does: [esp] = ret, the site's byte above it.
fio_common:
	cld
	mov [fio_guest_esp], esp
	mov esp, C_STACK
	call fastio_c
fio_tail:
	mov esp, [fio_guest_esp]
	test byte [VIF], 1
	jz .out
	cmp dword [STI_HOOK], burn_sti_ret
	jne .check
.out:	popfd
	pop edx
	pop ecx
	ret
.check:	popfd
	pop edx
	pop ecx
	push strict dword BURN_ID_CHECK
	jmp burn_common

; --- the common path: build struct burn_frame, enter C --------------------
; Stack on entry: [id][ret][what the site pushed].
burn_common:
	pushfd
	push cs
	push ss
	push ds
	push es
	push fs
	push gs
	pushad				; struct burn_frame is complete at esp
	cld				; the C calling convention wants DF = 0
	mov eax, esp
	mov esp, C_STACK
	push eax
	call burn_common_c
	pop esp				; back on the guest's stack, at the frame
	test eax, eax
	jnz iret_restart
	popad
	lea esp, [esp + 24]		; selectors unchanged: nothing to reload
	popfd
	lea esp, [esp + 4]		; id
	ret

; --- the exit path ------------------------------------------------------
; Everything comes from vcpu.resume, so the region is idempotent: the
; hypervisor rolls a VM thread it finds in [iret_restart, iret_restart_end)
; back to iret_restart instead of delivering, and the check is redone.
iret_restart:
	mov esp, C_STACK
	cld
	test dword [RESUME + RES_ST_EFLAGS], EF_IF
	jz .go
	cmp dword [STI_HOOK], burn_sti_ret
	je .go
	call burn_resume_check_c	; deliver into the resume state
.go:
%macro LOADSEG 2
	test dword [RESUME + RES_SEGMASK], 1 << %2
	jz %%skip
	mov %1, [RESUME + RES_SEL + %2 * 4]
%%skip:
%endmacro
	LOADSEG es, SR_ES
	LOADSEG ds, SR_DS
	LOADSEG fs, SR_FS
	LOADSEG gs, SR_GS
	LOADSEG ss, SR_SS
	mov esp, RESUME
	popad
	popfd
	mov esp, [esp]			; resume.frame: the iretd frame
	iretd
iret_restart_end:

; --- upcalls: the hypervisor points EIP here with ESP at the state -------
burn_upcall_irq:
	mov dword [esp + UP_VECTOR], UP_IRQ
burn_upcall_exc:
	cmp dword [esp + UP_VECTOR], VEC_PF
	je burn_pf_direct		; ipvmm/direct_pf.asm, or back at burn_upcall_slow
burn_upcall_slow:
	cld
	mov eax, esp
	mov esp, C_STACK
	push eax
	call burn_upcall_c
	jmp iret_restart

; The first entry into a new guest: ESP at its Multiboot entry state.
burn_start:
	cld
	mov eax, esp
	mov esp, C_STACK
	push eax
	call burn_start_c
	jmp iret_restart

; --- generic stubs: stub i pushes i (RW_ID) --------------------------------
	align RW_STUB_STRIDE
; Some operations skip the full frame and the C decode (fast sites,
; below): push of a segment register (stub RW_ID_PUSH_SEG + SR_*),
; invlpg, data segment loads by popl and by movw from a register, reads
; of a segment register into a register, and control register moves.
burn_generic_stubs:
%assign i 0
%rep RW_STUB_COUNT
%if i >= RW_ID_PUSH_SEG && i < RW_ID_PUSH_SEG + 6
%assign k i - RW_ID_PUSH_SEG
	jmp strict near burn_push_sreg%[k]
	times RW_STUB_STRIDE - 5 int3
%else
	push strict dword i
%if i == RW_ID_INVLPG
	jmp strict near burn_invlpg
%elif i >= RW_ID_POP_SEG && i < RW_ID_POP_SEG + 6 && i != RW_ID_POP_SEG + SR_CS && i != RW_ID_POP_SEG + SR_SS
	jmp strict near burn_pop_sreg
%elif i >= RW_ID_MOV_TO_SEG && i < RW_ID_MOV_TO_SEG + 16
	jmp strict near burn_mov_sreg
%elif (i >= RW_ID_MOV_FROM_CR && i < RW_ID_MOV_FROM_CR + 16) || (i >= RW_ID_MOV_TO_CR && i < RW_ID_MOV_TO_CR + 16) || (i >= RW_ID_MOV_FROM_SEG && i < RW_ID_MOV_FROM_SEG + 16)
	jmp strict near burn_reg_site
%else
	jmp strict near burn_common
%endif
	times RW_STUB_STRIDE - 10 int3
%endif
%assign i i + 1
%endrep
burn_generic_end:
; Build-time check of the stride the rewriter computes addresses with:
; one of the two counts is negative (an error) unless the size is exact.
STUB_SLACK equ (burn_generic_end - burn_generic_stubs) - RW_STUB_COUNT * RW_STUB_STRIDE
	times STUB_SLACK db 0
	times -STUB_SLACK db 0

section .rodata
; burn_pushf's IF: xor-ed into the real flags (IF always set in guest
; context). Indexed by the whole vif byte, so any value is in bounds;
; nonzero is "set", as vcpu_eflags reads it.
align 4
vif_to_if:				; no real TF: a real one is the GDB stub's step
	dd ~(EF_IF | EF_TF)
	times 255 dd ~EF_TF

section .note.GNU-stack noalloc noexec nowrite progbits

section .bss
fio_guest_esp:				; the guest's esp while fastio_c runs
	resd 1
	alignb 16
ipvmm_stack:
	resb IPVMM_STACK_SIZE
ipvmm_stack_top:
