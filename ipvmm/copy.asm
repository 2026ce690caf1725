; The IPVMM's one way into guest memory (docs/ipvmm.md, "Faults on guest
; memory"): a string copy whose two moves are the only instructions of the
; IPVMM listed in its exception table (include/ipvmm/extable.h). A fault
; there that the guest's tables do not resolve makes the hypervisor resume
; at .fault with EAX = vector, EDX = error code, ECX = CR2; the copy then
; returns 1 with the record filled. Any other faulting IPVMM instruction
; still ends the guest.

%include "ipvmm-offsets.inc"

bits 32

global ipvmm_copy

section .text

; int ipvmm_copy(void *dst, const void *src, unsigned n, struct ipvmm_fault *f)
; 0 = copied; 1 = faulted, *f filled (what was copied before stays).
; DF is clear (every IPVMM entry runs cld).
ipvmm_copy:
	push esi
	push edi
	mov edi, [esp + 12]
	mov esi, [esp + 16]
	mov ecx, [esp + 20]
	mov edx, ecx
	shr ecx, 2
	and edx, 3
.dwords:
	rep movsd
	mov ecx, edx
.bytes:
	rep movsb
	xor eax, eax
.out:
	pop edi
	pop esi
	ret
.fault:
	mov edi, [esp + 24]
	mov [edi + FAULT_VECTOR], eax
	mov [edi + FAULT_ERROR], edx
	mov [edi + FAULT_CR2], ecx
	mov eax, 1
	jmp .out

; Read-only with the text (linker.ld puts it in .ipvmm after the rodata).
section .extable progbits alloc noexec nowrite align=4
	dd ipvmm_copy.dwords, ipvmm_copy.fault
	dd ipvmm_copy.bytes, ipvmm_copy.fault

section .note.GNU-stack noalloc noexec nowrite progbits
