; The boot stack (CONFIG_HV_STACK_SIZE bytes) and the hypervisor's own page
; tables, all in .bss and zeroed by the entry code before use.

%include "asm-offsets.inc"

section .bss nobits alloc noexec write align=4096
global hv_page_dir, hv_kmap_pt, hv_stack_bottom, hv_stack_top
hv_page_dir:     resb PAGE_SIZE
hv_kmap_pt:      resb PAGE_SIZE
hv_stack_bottom: resb HV_STACK_SIZE
hv_stack_top:
