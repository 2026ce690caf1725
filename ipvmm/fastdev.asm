; Register-only answers for the hottest device registers (docs/rewriter.md,
; "Hot registers in assembly"; docs/performance.md, "Change: device
; registers in assembly"). The
; rewriter sends an in/out site here instead of its burn_fio_* entry when
; the port is one of these (immediate ports: rw_syms.io_port; %dx sites:
; the dispatchers below). Each path takes only a case whose result it can
; compute exactly from the model's state, the way the C model would, and
; changes only what the C model would change; anything else (pending work
; to fold, console input, a poll, a rotating 8259 with bits in service, a
; PIT count not latched, ...) goes, untouched, to the burn_fio_* entry it
; replaces. A change of those cases in a model changes this file too
; (tests/unit/ipvmm/test_burn_exec.c compares the two).
;
; Site: pushl $b; call ENTRY; lea 4(%esp),%esp. On entry [esp] = ret,
; [esp + 4] = b. The guest's ecx and flags are saved; eax is the result.

%include "ipvmm-offsets.inc"

bits 32

extern ipvmm_vcpu, ipvmm_shared, fio_kernel_rpl, burn_sti_ret, burn_sti_deliver, burn_common
extern burn_fio_in_b, burn_fio_out_b, burn_fio_dx_in_b, burn_fio_dx_in_l, burn_fio_dx_out_l

global fdev_pic0_cmd_out, fdev_pic0_imr_out, fdev_pic0_imr_in, fdev_kbc_status_in, fdev_rtc_index_out
global fdev_pit_in, fdev_pit_cmd_out, fdev_rtc_data_in, fdev_dx_in_b, fdev_dx_in_l, fdev_dx_out_l

%define VIF      (ipvmm_shared + SH_VIF)
%define STI_HOOK (ipvmm_shared + SH_STI_HOOK)
%define PENDING  (ipvmm_shared + SH_PENDING)
%define CON_HEAD (ipvmm_shared + SH_CON_HEAD)
%define CON_TAIL (ipvmm_shared + SH_CON_TAIL)
%define EXITS_IN  (ipvmm_vcpu + VCPU_EXITS_IN)
%define EXITS_OUT (ipvmm_vcpu + VCPU_EXITS_OUT)
%define DEV(f)   (ipvmm_vcpu + DV_ %+ f)
%define PCH(f)   (ipvmm_vcpu + DV_PIT_CH0 + PCH_ %+ f)
%define RTC(f)   (ipvmm_vcpu + DV_RTC_ %+ f)

section .text

; The checks every path makes first, as fastio.c's fio_body would act on
; them: the caller is the guest kernel's ring (else the CPL/IOPL check of
; the slow path), no pending bit and no console input to fold into the
; devices first. [esp] = ecx, [esp + 4] = flags, [esp + 8] = ret.
%macro FD_ENTER 0
	pushfd
	push ecx
	mov ecx, cs
	and ecx, 3
	cmp cl, [fio_kernel_rpl]
	jne .slow
	cmp dword [PENDING], 0
	jne .slow
	mov ecx, [CON_HEAD]
	cmp ecx, [CON_TAIL]
	jne .slow
%endmacro

; A path that leaves the interrupt state alone: fio_body's exit would
; enter the frontend if IF is set and the hook says work is waiting;
; that case is the C path's.
%macro FD_QUIET 0
	test byte [VIF], 1
	jz %%ok
	cmp dword [STI_HOOK], burn_sti_ret
	jne .slow
%%ok:
%endmacro

; Count the exit as fio_body does, restore, return to the site.
%macro FD_LEAVE 1
	inc dword [%1]
	pop ecx
	popfd
	ret
%endmacro

%macro FD_SLOW 1
.slow:	pop ecx
	popfd
	jmp %1
%endmacro

; The master 8259's INT after a write, for a chip with nothing left in
; service or without rotation, special mask and special fully nested
; mode (else the write is C's): chip_pending() is then "an unmasked
; request below the lowest bit in service" (priority = bit number), i.e.
; irr & ~imr & (isr - 1) & ~isr, with cl = the ISR the write leaves.
; With nothing in service the rotation and the masks' modes do not matter:
; INT is any unmasked request. %1: where a chip with them goes.
%macro PIC0_PLAIN 1
	test cl, cl
	jz %%plain
	cmp byte [DEV(PIC0_PRIORITY_ADD)], 0
	jne %1
	cmp byte [DEV(PIC0_SPECIAL_MASK)], 0
	jne %1
	cmp byte [DEV(PIC0_SFNM)], 0
	jne %1
%%plain:
%endmacro

; al = the requests that would raise INT given cl = the ISR and ah = the
; IMR the write leaves; ZF = none. Clobbers ah.
%macro PIC0_LINE 0
	not ah
	and ah, [DEV(PIC0_IRR)]		; unmasked requests
	mov al, cl
	dec al
	and ah, al			; below the lowest bit in service
	mov al, cl
	not al
	and al, ah			; (none in service: any)
%endmacro

; --- outb $0x20: EOI to the master 8259 ------------------------------------
; eoi() in vpic.c: non-specific (0x20) clears the lowest in-service bit
; (the highest priority without rotation), specific (0x60 | n) bit n;
; then the master's INT as chip_pending() computes it. A request left
; while IF is set must be delivered: the frontend's case.
fdev_pic0_cmd_out:
	FD_ENTER
	test al, 0x18			; ICW1 or OCW3: C
	jnz .slow
	push eax
	movzx ecx, byte [DEV(PIC0_ISR)]
	cmp al, 0x20
	jne .specific
	lea eax, [ecx - 1]
	and ecx, eax			; the lowest bit leaves service
	jmp .line
.specific:
	mov ah, al
	and ah, 0xf8
	cmp ah, 0x60
	jne .slow_pop
	and eax, 7
	btr ecx, eax
.line:	PIC0_PLAIN .slow_pop
	mov ah, [DEV(PIC0_IMR)]
	PIC0_LINE
	pop eax
	jz .low
	test byte [VIF], 1
	jnz .slow
	mov [DEV(PIC0_ISR)], cl
	jmp pic0_int_high
.low:	mov [DEV(PIC0_ISR)], cl
	jmp pic0_int_low
.slow_pop:
	pop eax
	FD_SLOW burn_fio_out_b

; --- outb $0x21: OCW1, the master's IMR --------------------------------------
fdev_pic0_imr_out:
	FD_ENTER
	cmp byte [DEV(PIC0_INIT_STATE)], 0	; an ICW, not OCW1: C
	jne .slow
	mov cl, [DEV(PIC0_ISR)]
	PIC0_PLAIN .slow
	push eax
	mov ah, al
	PIC0_LINE
	pop eax
	jz .low
	test byte [VIF], 1
	jnz .slow
	mov [DEV(PIC0_IMR)], al
	jmp pic0_int_high
.low:	mov [DEV(PIC0_IMR)], al
	jmp pic0_int_low
	FD_SLOW burn_fio_out_b

; The two ends of a master write, as fio_body's vcpu_update_hook leaves
; the hook: INT high arms it (IF is clear here); INT low disarms it
; unless a bit was raised since FD_ENTER, and with IF set that bit is
; delivered through the frontend, as fio_tail would.
pic0_int_high:
	mov byte [DEV(PIC_INTR)], 1
	mov dword [STI_HOOK], burn_sti_deliver
	FD_LEAVE EXITS_OUT
pic0_int_low:
	mov byte [DEV(PIC_INTR)], 0
	mov dword [STI_HOOK], burn_sti_ret
	cmp dword [PENDING], 0
	je .done
	mov dword [STI_HOOK], burn_sti_deliver
	test byte [VIF], 1
	jz .done
	inc dword [EXITS_OUT]
	pop ecx
	popfd
	push strict dword BURN_ID_CHECK
	jmp burn_common
.done:	FD_LEAVE EXITS_OUT

; --- inb $0x21: the master's IMR (no poll pending) ------------------------
fdev_pic0_imr_in:
	FD_ENTER
	FD_QUIET
	cmp byte [DEV(PIC0_POLL)], 0
	jne .slow
	mov al, [DEV(PIC0_IMR)]
	FD_LEAVE EXITS_IN
	FD_SLOW burn_fio_in_b

; --- inb $0x64: the i8042's status (vkbc_read: no side effect) -------------
fdev_kbc_status_in:
	FD_ENTER
	FD_QUIET
	mov al, [DEV(KBC_STATUS)]
	FD_LEAVE EXITS_IN
	FD_SLOW burn_fio_in_b

; --- outb $0x70: the CMOS index (vrtc_write: bit 7, NMI, is dropped) -------
fdev_rtc_index_out:
	FD_ENTER
	FD_QUIET
	mov cl, al
	and cl, 0x7f
	mov [DEV(RTC_INDEX)], cl
	FD_LEAVE EXITS_OUT
	FD_SLOW burn_fio_out_b

; A PIT channel's pending counter latch, one byte (vpit_read): ecx is the
; channel's offset. No latch, or a status latch first: the C path.
%macro PIT_LATCHED 0
	cmp byte [PCH(STATUS_LATCHED) + ecx], 0
	jne .slow
	cmp byte [PCH(COUNT_LATCHED) + ecx], VPIT_RW_MSB
	je %%msb
	jb %%lsb_only			; 0 (none) is below too: checked next
	cmp byte [PCH(COUNT_LATCHED) + ecx], VPIT_RW_WORD0
	jne .slow
	mov byte [PCH(COUNT_LATCHED) + ecx], VPIT_RW_MSB
	mov al, [PCH(LATCHED_COUNT) + ecx]
	FD_LEAVE EXITS_IN
%%lsb_only:
	cmp byte [PCH(COUNT_LATCHED) + ecx], VPIT_RW_LSB
	jne .slow
	mov byte [PCH(COUNT_LATCHED) + ecx], 0
	mov al, [PCH(LATCHED_COUNT) + ecx]
	FD_LEAVE EXITS_IN
%%msb:	mov byte [PCH(COUNT_LATCHED) + ecx], 0
	mov al, [PCH(LATCHED_COUNT) + ecx + 1]
	FD_LEAVE EXITS_IN
%endmacro

; --- inb $0x40..$0x42: a latched PIT count ----------------------------------
fdev_pit_in:
	FD_ENTER
	FD_QUIET
	movzx ecx, byte [esp + 12]	; the site's port byte
	sub ecx, 0x40
	cmp ecx, 2
	ja .slow
	imul ecx, ecx, PIT_CH_SIZE
	PIT_LATCHED
	FD_SLOW burn_fio_in_b

; The guest's clock in edx:eax, as be_now_ns computes it (backend_hv.c):
; ns_base + (((tsc - tsc_base) << shift) * mul >> 32). Clobbers ebx, ecx.
; The caller has checked shift < 32 (shld/shl take the count mod 32).
%macro GUEST_NOW 0
	rdtsc
	sub eax, [ipvmm_shared + SH_TIME_TSC_BASE]
	sbb edx, [ipvmm_shared + SH_TIME_TSC_BASE + 4]
	mov ecx, [ipvmm_shared + SH_TIME_SHIFT]
	shld edx, eax, cl
	shl eax, cl
	mov ebx, edx
	mul dword [ipvmm_shared + SH_TIME_MUL]
	mov ecx, edx			; (lo * mul) >> 32
	mov eax, ebx
	mul dword [ipvmm_shared + SH_TIME_MUL]
	add eax, ecx			; + hi * mul
	adc edx, 0
	add eax, [ipvmm_shared + SH_TIME_NS_BASE]
	adc edx, [ipvmm_shared + SH_TIME_NS_BASE + 4]
%endmacro

; --- outb $0x43: the counter latch command, channels 0-2 ---------------------
; latch_count(): a pending latch holds until read; else the count
; vpit_count() derives from the clock, here for a channel counting in
; mode 2 or 3 with its gate high (the periodic modes; the rest is C's).
; ticks() is ipvmm_muldiv64(now - load_time, VPIT_HZ, NS_PER_SEC): the
; product's top word is below NS_PER_SEC for any 64-bit interval, so two
; divl give the exact quotient, as its three do.
fdev_pit_cmd_out:
	FD_ENTER
	FD_QUIET
	test al, 0x30			; access 00: latch (else a mode, C)
	jnz .slow
	cmp al, 0xc0			; channel 3: read-back, C
	jae .slow
	movzx ecx, al
	shr ecx, 6
	imul ecx, ecx, PIT_CH_SIZE
	cmp byte [PCH(COUNT_LATCHED) + ecx], 0
	jne .done
	cmp byte [PCH(COUNTING) + ecx], 0
	je .slow
	cmp byte [PCH(GATE) + ecx], 0
	je .slow
	cmp byte [PCH(MODE) + ecx], 2
	je .periodic
	cmp byte [PCH(MODE) + ecx], 3
	jne .slow
.periodic:
	cmp dword [ipvmm_shared + SH_TIME_SHIFT], 31
	ja .slow
	push eax
	push edx
	push ebx
	push esi
	push edi
	mov esi, ecx			; the channel's offset
	GUEST_NOW
	sub eax, [PCH(LOAD_TIME) + esi]
	sbb edx, [PCH(LOAD_TIME) + esi + 4]
	jc .zero			; before load_time: no tick yet
	mov ebx, edx			; dt = ebx:eax
	mov ecx, VPIT_HZ
	mul ecx				; lo * HZ
	mov edi, eax			; P0
	mov eax, ebx
	mov ebx, edx
	mul ecx				; hi * HZ
	add eax, ebx			; P1
	adc edx, 0			; P2 < NS_PER_SEC
	mov ecx, NS_PER_SEC
	div ecx
	mov ebx, eax			; ticks, high word
	mov eax, edi
	div ecx
	mov edx, ebx			; edx:eax = ticks
	jmp .mod
.zero:	xor eax, eax
	xor edx, edx
.mod:	cmp byte [PCH(MODE) + esi], 3
	jne .rem
	shld edx, eax, 1		; mode 3 counts by two
	add eax, eax
.rem:	mov ecx, [PCH(COUNT) + esi]
	mov ebx, eax
	mov eax, edx
	xor edx, edx
	div ecx
	mov eax, ebx
	div ecx				; edx = ticks mod count
	sub ecx, edx
	mov [PCH(LATCHED_COUNT) + esi], cx
	mov cl, [PCH(RW_MODE) + esi]
	mov [PCH(COUNT_LATCHED) + esi], cl
	pop edi
	pop esi
	pop ebx
	pop edx
	pop eax
.done:	FD_LEAVE EXITS_OUT
	FD_SLOW burn_fio_out_b

; --- inb $0x71: a time register of a running clock, within the second -------
; vrtc_read's cached case of to_regs(): the registers to_regs computed for
; this second and register B, with the alarm bytes (1, 3, 5) from CMOS,
; and the century byte put back as to_regs does. The second is
; vrtc_seconds(): base_s + (now - base_ns) / NS_PER_SEC.
fdev_rtc_data_in:
	FD_ENTER
	FD_QUIET
	cmp byte [RTC(INDEX)], 10
	jae .slow
	mov cl, [RTC(CMOS) + VRTC_REG_B]
	test cl, VRTC_B_SET
	jnz .slow
	cmp cl, [RTC(REGS_B)]
	jne .slow
	cmp byte [RTC(REGS_OK)], 0
	je .slow
	cmp dword [ipvmm_shared + SH_TIME_SHIFT], 31
	ja .slow
	push eax
	push edx
	push ebx
	GUEST_NOW
	sub eax, [RTC(BASE_NS)]
	sbb edx, [RTC(BASE_NS) + 4]
	mov ecx, NS_PER_SEC
	mov ebx, eax
	mov eax, edx
	xor edx, edx
	div ecx
	mov eax, ebx
	div ecx				; eax = the quotient's low word
	add eax, [RTC(BASE_S)]
	cmp eax, [RTC(REGS_S)]
	pop ebx
	pop edx
	pop eax
	jne .slow
	movzx ecx, byte [RTC(INDEX)]
	cmp ecx, 1
	je .cmos
	cmp ecx, 3
	je .cmos
	cmp ecx, 5
	je .cmos
	mov al, [RTC(REGS) + ecx]
	jmp .century
.cmos:	mov al, [RTC(CMOS) + ecx]
.century:
	mov cl, [RTC(REGS_CENTURY)]
	mov [RTC(CMOS) + VRTC_CENTURY], cl
	FD_LEAVE EXITS_IN
	FD_SLOW burn_fio_in_b

; --- in (%dx),%al: COM1's LSR without error bits, a latched PIT count ------
fdev_dx_in_b:
	FD_ENTER
	FD_QUIET
	cmp dx, 0x3fd
	jne .pit
	mov cl, [DEV(COM1_LSR)]
	test cl, UART_LSR_CLEAR_ON_READ	; OE, BI clear on read: the C path
	jnz .slow
	mov al, cl
	FD_LEAVE EXITS_IN
.pit:	movzx ecx, dx
	sub ecx, 0x40
	cmp ecx, 2
	ja .slow
	imul ecx, ecx, PIT_CH_SIZE
	PIT_LATCHED
	FD_SLOW burn_fio_dx_in_b

; --- out %eax,(%dx) to 0xcf8: PCI CONFIG_ADDRESS ----------------------------
; vpci_write's four byte lanes, at once: reserved bits read as zero.
fdev_dx_out_l:
	FD_ENTER
	FD_QUIET
	cmp dx, 0xcf8
	jne .slow
	mov ecx, eax
	and ecx, 0x80fffffc
	mov [DEV(PCI_ADDR)], ecx
	FD_LEAVE EXITS_OUT
	FD_SLOW burn_fio_dx_out_l

; --- in (%dx),%eax from 0xcfc: the dword vpci_read cached for the address --
fdev_dx_in_l:
	FD_ENTER
	FD_QUIET
	cmp dx, 0xcfc
	jne .slow
	mov ecx, [DEV(PCI_ADDR)]
	cmp ecx, [DEV(PCI_CACHE_ADDR)]
	jne .slow
	mov eax, [DEV(PCI_CACHE_VAL)]
	FD_LEAVE EXITS_IN
	FD_SLOW burn_fio_dx_in_l

section .note.GNU-stack noalloc noexec nowrite progbits
