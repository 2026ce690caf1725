/*
 * Address -> function name for panics and trap reports. The table is
 * generated from the first link's `nm` output and linked into the second
 * (kernel/build.mk); it sits after .text, so text addresses are the same in
 * both links (the build checks that).
 */
#include "hv.h"
#include "symbols.h"

const char *symbol_lookup(uint32_t addr, uint32_t *offset)
{
	uint32_t lo = 0, hi = hv_nsymbols;
	if (!hi || addr < hv_symbols[0].addr || addr >= (uint32_t)(uintptr_t)__text_end)
		return 0;
	while (hi - lo > 1) {           /* last symbol with addr <= target */
		uint32_t mid = lo + (hi - lo) / 2;
		if (hv_symbols[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - hv_symbols[lo].addr;
	return &hv_symbol_names[hv_symbols[lo].name];
}
