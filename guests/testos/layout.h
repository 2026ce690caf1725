/* Fixed layout of the test OS: selectors, vectors, addresses, sizes.
 * Included by C and by the .S files, so constants only. */
#ifndef TESTOS_LAYOUT_H
#define TESTOS_LAYOUT_H

/* GDT slots (selector = index * 8). */
#define SEL_KCODE     0x08
#define SEL_KDATA     0x10
#define SEL_UCODE     0x1b   /* index 3, RPL 3 */
#define SEL_UDATA     0x23   /* index 4, RPL 3 */
#define SEL_TSS       0x28
#define SEL_LDT       0x30
#define SEL_KCODE2    0x38   /* alias of the kernel code segment: far jump target */
#define SEL_FRESH     0x40   /* data segment left with its accessed bit clear */
#define SEL_NOTPRES   0x48   /* data segment with P=0 */
#define SEL_XONLY     0x50   /* execute-only code segment */
#define SEL_UTLS      0x5b   /* index 11, RPL 3: user data at a base (t_iret.c) */
#define GDT_ENTRIES   12
#define SEL_LDT_DATA  0x04   /* LDT index 0, TI=1, RPL 0 */
#define LDT_ENTRIES   2

/* Interrupt vectors. */
#define VEC_IRQ0      0x20   /* master PIC base after remapping */
#define VEC_IRQ8      0x28   /* slave PIC base */
#define VEC_SYSCALL   0x80   /* DPL 3 interrupt gate */
#define VEC_TRAPGATE  0x81   /* DPL 0 trap gate (nesting tests) */
#define VEC_INTGATE   0x82   /* DPL 0 interrupt gate */
#define NVECTORS      0x83
#define VEC_USERGATE  0x83   /* DPL 3 gate to a DPL 3 handler, set only by the delivery cases */

/* System calls: number in %eax, arguments in %ebx, %ecx, %edx. */
#define SYS_EXIT      0
#define SYS_GETPID    1
#define SYS_YIELD     2
#define SYS_ADD       3
#define SYS_REPORT    4
#define SYS_NOP       5
#define SYS_PROBE     6   /* calls syscall_probe (a test's hook) */

/* Kernel: linked and loaded at 1 MiB, identity mapped, supervisor only. */
#define KERNEL_LOAD   0x00100000
#define KMAP_END      0x01000000   /* the kernel maps (and uses) only the first 16 MiB */
#define PAGE_SIZE     4096

/* User space of every process (PDE 256). */
#define USER_BASE     0x40000000
#define USER_CODE     0x40000000   /* user, read-only */
#define USER_DATA     0x40001000   /* user, read-write */
#define USER_HOLE     0x40002000   /* never mapped */
#define USER_STACK    0x40003000   /* user, read-write; esp starts at +4096 */
#define USER_SUPER    0x40005000   /* supervisor-only page inside user space */
#define USER_RO       0x40006000   /* user, read-only data */
#define USER_DZ       0x40010000   /* demand-zero region, 16 pages */
#define USER_DZ_PAGES 16
#define USER_CODE_MAX 4096

/* Kernel test areas (each in its own page table). */
#define TEST_VA       0x30000000   /* scratch mappings for paging tests */
#define KDZ_VA        0x30400000   /* kernel demand-zero region, 16 pages */
#define KDZ_PAGES     16
#define UNMAPPED_VA   0x50000000   /* PDE never present */
#define IRET_VA       0x30800000   /* one mapped page, the next one not (t_iret.c) */

/* Timer. */
#define HZ            100
#define PIT_HZ        1193182

#endif
