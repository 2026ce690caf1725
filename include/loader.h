/* Guest loading from the Multiboot modules (kernel/loader.c). */
#ifndef LOADER_H
#define LOADER_H

struct boot_info;

unsigned loader_load_all(const struct boot_info *bi);   /* guests loaded */

#endif
