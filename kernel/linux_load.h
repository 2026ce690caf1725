/* Loading a Linux guest (kernel/linux_load.c), called by kernel/loader.c. */
#ifndef LINUX_LOAD_H
#define LINUX_LOAD_H

#include "guest.h"

/* Decode step: place the zero page and the initramfs (initrd_len bytes,
 * 0 for none) above `highest`, the kernel's end; -1 with *why. */
int linux_place(struct guest *g, uint32_t highest, uint32_t initrd_len, const char **why);
/* Load step: write the zero page, the command line and the initramfs. */
int linux_boot_info(struct guest *g, const void *initrd_src, const char **why);

#endif
