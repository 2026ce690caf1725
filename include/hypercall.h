/*
 * The hypercall ABI, version 1 (docs/hypercalls.md): numbers, error codes
 * and limits shared by the hypervisor (kernel/hypercall.c), the IPVMM
 * backend and guests. Plain #defines only, so GNU as guests can include it
 * too (cpp'd .S files).
 */
#ifndef HYPERCALL_H
#define HYPERCALL_H

#define HC_VECTOR          0x82          /* int $0x82 from ring 1 */
#define HC_ABI_VERSION     0x00010000    /* major 1, minor 0 */

/* Call numbers (EAX). */
#define HC_VERSION         0
#define HC_CONSOLE_WRITE   1
#define HC_SHUTDOWN        2
#define HC_SET_CR3         3
#define HC_INVLPG          4
#define HC_FLUSH_TLB       5
#define HC_SET_CR0_CR4     6
#define HC_LOAD_DESC       7
#define HC_SET_STACK       8
#define HC_SET_TIMER       9
#define HC_WAIT            10
#define HC_SET_UPCALL      11
#define HC_IRET_DONE       12
#define HC_MAP             13
#define HC_UNMAP           14
#define HC_NR_CALLS        15

/* Results (EAX): 0 or positive on success, one of these on failure. */
#define HC_EINVAL          (-1)
#define HC_ENOSYS          (-2)
#define HC_EFAULT          (-3)
#define HC_EPERM           (-4)
#define HC_ENOMEM          (-5)

#define HC_CONSOLE_MAX     4096          /* longest HC_CONSOLE_WRITE */

#endif
