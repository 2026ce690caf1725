/* Control register bits (Intel SDM Vol. 3, 2.5). */
#ifndef X86_CR_H
#define X86_CR_H

#define CR0_PE      0x00000001u
#define CR0_MP      0x00000002u
#define CR0_EM      0x00000004u
#define CR0_TS      0x00000008u
#define CR0_ET      0x00000010u
#define CR0_NE      0x00000020u
#define CR0_WP      0x00010000u
#define CR0_AM      0x00040000u
#define CR0_PG      0x80000000u
/* The machine status word lmsw and smsw reach (CR0 bits 0-3). */
#define CR0_MSW     (CR0_PE | CR0_MP | CR0_EM | CR0_TS)

#define CR4_VME        0x00000001u
#define CR4_PVI        0x00000002u
#define CR4_TSD        0x00000004u
#define CR4_DE         0x00000008u
#define CR4_PSE        0x00000010u
#define CR4_PAE        0x00000020u
#define CR4_MCE        0x00000040u
#define CR4_PGE        0x00000080u
#define CR4_PCE        0x00000100u
#define CR4_OSFXSR     0x00000200u
#define CR4_OSXMMEXCPT 0x00000400u

#endif /* X86_CR_H */
