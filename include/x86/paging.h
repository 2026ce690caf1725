/*
 * Two-level (non-PAE) paging (Intel SDM Vol. 3, 4.3): the bits of a page
 * directory or table entry, a linear address's indices, and the #PF error
 * code (4.7).
 */
#ifndef X86_PAGING_H
#define X86_PAGING_H

#include <stdint.h>

#define PTE_P    0x001u
#define PTE_W    0x002u		/* R/W */
#define PTE_U    0x004u		/* U/S */
#define PTE_PWT  0x008u
#define PTE_PCD  0x010u
#define PTE_A    0x020u
#define PTE_D    0x040u
#define PTE_PS   0x080u		/* in a PDE: a 4 MiB page (CR4.PSE) */
#define PTE_G    0x100u
#define PDE_PS_RSVD 0x003fe000u	/* bits 21:13 of a 4 MiB PDE, reserved */

#define PD_INDEX(la) ((uint32_t)(la) >> 22)
#define PT_INDEX(la) (((uint32_t)(la) >> 12) & 1023u)

/* #PF error code. */
#define PFE_P    0x01u		/* protection violation (else not present) */
#define PFE_W    0x02u		/* the access was a write */
#define PFE_U    0x04u		/* the access came from CPL 3 */
#define PFE_RSVD 0x08u		/* a reserved bit was set */

#endif /* X86_PAGING_H */
