/*
 * The device switch: guest port accesses (from rewritten in/out/ins/outs
 * sites or the #GP fallback) dispatched through one constant table of
 * port ranges. Models are byte-wide, so wider accesses are split into
 * byte accesses at consecutive ports, as the ISA bus would.
 */
#ifndef IPVMM_DEVSWITCH_H
#define IPVMM_DEVSWITCH_H

#include <stdint.h>

struct ipvmm_devs;

typedef uint32_t (*devsw_read_fn)(struct ipvmm_devs *d, unsigned arg, uint16_t port);
typedef void (*devsw_write_fn)(struct ipvmm_devs *d, unsigned arg, uint16_t port, uint32_t v);

struct devsw_range {
	uint16_t first, last;	/* inclusive */
	unsigned arg;		/* passed to the handlers, e.g. chip index */
	const char *name;
	devsw_read_fn read;
	devsw_write_fn write;
};

/* size is 1, 2 or 4; a read of an unclaimed port returns all ones. */
uint32_t devsw_in(struct ipvmm_devs *d, uint16_t port, unsigned size);
void devsw_out(struct ipvmm_devs *d, uint16_t port, unsigned size, uint32_t v);
/* One byte at one port (what devsw_in/devsw_out do per byte). */
uint8_t devsw_in8(struct ipvmm_devs *d, uint16_t port);
void devsw_out8(struct ipvmm_devs *d, uint16_t port, uint8_t v);
/* The range claiming port, or NULL (for tests and diagnostics). */
const struct devsw_range *devsw_lookup(uint16_t port);

#endif /* IPVMM_DEVSWITCH_H */
