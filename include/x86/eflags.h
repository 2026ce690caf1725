/* EFLAGS bits (Intel SDM Vol. 1, 3.4.3). */
#ifndef X86_EFLAGS_H
#define X86_EFLAGS_H

#define EF_CF   0x00000001u
#define EF_RSV1 0x00000002u	/* reserved, always 1 */
#define EF_PF   0x00000004u
#define EF_AF   0x00000010u
#define EF_ZF   0x00000040u
#define EF_SF   0x00000080u
#define EF_TF   0x00000100u
#define EF_IF   0x00000200u
#define EF_DF   0x00000400u
#define EF_OF   0x00000800u
#define EF_IOPL 0x00003000u
#define EF_IOPL_SHIFT 12
#define EF_NT   0x00004000u
#define EF_RF   0x00010000u
#define EF_VM   0x00020000u
#define EF_AC   0x00040000u
#define EF_VIF  0x00080000u
#define EF_VIP  0x00100000u
#define EF_ID   0x00200000u
/* Reserved, always 0: bits 3, 5, 15 and 22-31. */
#define EF_RSV0 0xffc08028u
/* The half a 16-bit popf leaves alone. */
#define EF_HIGH16 0xffff0000u

#define EF_IOPL_OF(fl) (((fl) & EF_IOPL) >> EF_IOPL_SHIFT)

#endif /* X86_EFLAGS_H */
