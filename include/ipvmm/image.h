/*
 * The IPVMM image as the hypervisor sees it (hypervisor side only; the
 * IPVMM's own ABI with kernel/ is shared.h). linker.ld places
 * build/ipvmm/ipvmm.o in two output sections loaded after the hypervisor's
 * bss and defines these symbols around them; ipvmm/burn.asm exports the
 * entry points. They are addresses to compare, copy or jump a guest to:
 * the hypervisor never runs IPVMM code.
 */
#ifndef IPVMM_IMAGE_H
#define IPVMM_IMAGE_H

/* .ipvmm (text + rodata, one read-only copy mapped into every guest at
 * IPVMM_BASE): its load address and size, and the end of its VMA range,
 * below which every upcall entry must lie (kernel/hypercall.c). */
extern char __ipvmm_load_phys[], __ipvmm_size[];
extern char __ipvmm_text_end[];

/* .ipvmm.dwin (shared page, data, bss as file bytes): the template each
 * guest's data window is copied from (kernel/ipvmm_load.c). */
extern char __ipvmm_dwin_load_phys[], __ipvmm_dwin_size[];

/* ipvmm/burn.asm: the start entry (rewrite the sites, enter the guest) and
 * the top of the IPVMM stack in the data window, where the start state goes. */
extern char burn_start[], ipvmm_stack_top[];

/* ipvmm/direct.asm: where the direct system-call gate enters (kernel/idt.c). */
extern char burn_int_direct[];

#endif
