/* The generated symbol table (kernel/gen-symbols.py, second link pass). */
#ifndef KERNEL_SYMBOLS_H
#define KERNEL_SYMBOLS_H

#include <stdint.h>

struct hv_symbol {
	uint32_t addr;
	uint32_t name;            /* offset into hv_symbol_names */
};

extern const struct hv_symbol hv_symbols[];
extern const uint32_t hv_nsymbols;
extern const char hv_symbol_names[];

#endif
