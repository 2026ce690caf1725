/*
 * The address map (docs/memory-layout.md). Plain #defines only, with no C
 * suffixes, because linker.ld is run through the C preprocessor with this
 * file and NASM gets the values through the generated asm-offsets.inc.
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#define IPVMM_BASE       0xFC000000   /* IPVMM window, 16 MiB, ring 1 reaches it */
#define IPVMM_SIZE       0x01000000
#define HV_BASE          0xFD000000   /* direct map of machine 0 .. DIRECT_MAP_SIZE */
#define DIRECT_MAP_SIZE  0x02C00000   /* 44 MiB: eleven 4 MiB pages */
#define KMAP_BASE        0xFFC00000   /* one page table of temporary mappings */
#define KMAP_SLOTS       1024
#define KMAP_CACHE       256          /* of them: phys_read32's frame cache (kernel/mm.c) */
#define HV_LOAD_PHYS     0x00100000   /* the image is loaded at machine 1 MiB */
#define HV_LINK_BASE     (HV_BASE + HV_LOAD_PHYS)

#define PAGE_SIZE        4096
#define PAGE_SHIFT       12
#define LARGE_PAGE_SIZE  0x00400000
#define LARGE_PAGE_SHIFT 22

/* The guest segment limit: everything a guest gets ends below the hypervisor. */
#define GUEST_LIMIT      (HV_BASE - 1)

#endif
