/*
 * The hypercalls, defined once (docs/hypercalls.md). Everything else is
 * generated from these rows: the numbers (include/hypercall.h), the names
 * in the hypervisor's stats line and refusal log, its dispatch table and
 * decode/invoke glue (kernel/hypercall.c), and the IPVMM's wrappers
 * (ipvmm/hcall.h). scripts/check-hypercalls.py compares the rows with the
 * tables of docs/hypercalls.md (make test-hypercall-table).
 *
 * HC_CALLS rows: X(number, NAME, name, kind, arg1, ..., arg5)
 *   number  EAX; rows are dense and in order (checked in hypercall.h)
 *   kind    HC_CALL, or HC_RESERVED: decoded as HC_ENOSYS, no IPVMM wrapper
 *   argK    the value in EBX, ECX, EDX, ESI, EDI for K = 1..5:
 *           HC_ARG(type, field) or HC_NOARG; used arguments come first
 * HC_ERRORS rows: X(code, NAME, meaning)
 *
 * HC_ARG and HC_NOARG are never defined as macros: the generators paste
 * them onto their own prefixes.
 */
#ifndef HYPERCALL_TABLE_H
#define HYPERCALL_TABLE_H

#define HC_CALLS(X) \
	X(0,  VERSION,       version,       HC_CALL, \
	  HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG) \
	X(1,  CONSOLE_WRITE, console_write, HC_CALL, \
	  HC_ARG(uint32_t, buf), HC_ARG(uint32_t, len), HC_NOARG, HC_NOARG, HC_NOARG) \
	X(2,  SHUTDOWN,      shutdown,      HC_CALL, \
	  HC_ARG(uint32_t, status), HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG) \
	X(3,  SET_CR3,       set_cr3,       HC_CALL, \
	  HC_ARG(uint32_t, cr3), HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG) \
	X(4,  INVLPG,        invlpg,        HC_CALL, \
	  HC_ARG(uint32_t, va), HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG) \
	X(5,  FLUSH_TLB,     flush_tlb,     HC_CALL, \
	  HC_ARG(uint32_t, all), HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG) \
	X(6,  SET_CR0_CR4,   set_cr0_cr4,   HC_CALL, \
	  HC_ARG(uint32_t, cr0), HC_ARG(uint32_t, cr4), HC_NOARG, HC_NOARG, HC_NOARG) \
	X(7,  LOAD_DESC,     load_desc,     HC_CALL, \
	  HC_ARG(uint32_t, table), HC_ARG(uint32_t, index), HC_ARG(uint32_t, hi), \
	  HC_ARG(uint32_t, lo), HC_NOARG) \
	X(8,  SET_STACK,     set_stack,     HC_CALL, \
	  HC_ARG(uint32_t, ss), HC_ARG(uint32_t, esp), HC_NOARG, HC_NOARG, HC_NOARG) \
	X(9,  SET_TIMER,     set_timer,     HC_CALL, \
	  HC_ARG(uint32_t, deadline_hi), HC_ARG(uint32_t, deadline_lo), HC_NOARG, HC_NOARG, \
	  HC_NOARG) \
	X(10, WAIT,          wait,          HC_CALL, \
	  HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG) \
	X(11, SET_UPCALL,    set_upcall,    HC_CALL, \
	  HC_ARG(uint32_t, irq_entry), HC_ARG(uint32_t, exc_entry), HC_ARG(uint32_t, stack), \
	  HC_ARG(uint32_t, self_lo), HC_ARG(uint32_t, self_hi)) \
	X(12, IRET_DONE,     iret_done,     HC_RESERVED, \
	  HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG, HC_NOARG) \
	X(13, MAP,           map,           HC_RESERVED, \
	  HC_ARG(uint32_t, va), HC_ARG(uint32_t, pa), HC_ARG(uint32_t, flags), HC_NOARG, \
	  HC_NOARG) \
	X(14, UNMAP,         unmap,         HC_CALL, \
	  HC_ARG(uint32_t, va), HC_ARG(uint32_t, pages), HC_NOARG, HC_NOARG, HC_NOARG) \
	X(15, DIRECT_GATE,   direct_gate,   HC_CALL, \
	  HC_ARG(uint32_t, vector), HC_ARG(uint32_t, stack), HC_NOARG, HC_NOARG, HC_NOARG) \
	X(16, SET_TIMER_PERIODIC, set_timer_periodic, HC_CALL, \
	  HC_ARG(uint32_t, deadline_hi), HC_ARG(uint32_t, deadline_lo), HC_ARG(uint32_t, period), \
	  HC_NOARG, HC_NOARG)

#define HC_ERRORS(X) \
	X(-1, EINVAL, "an argument out of range or malformed") \
	X(-2, ENOSYS, "unknown call number") \
	X(-3, EFAULT, "a guest address outside the guest's partition or mappable range") \
	X(-4, EPERM,  "a descriptor or mapping the guest may not have") \
	X(-5, ENOMEM, "a fixed-size hypervisor table is full")

#endif
