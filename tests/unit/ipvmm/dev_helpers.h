/* Shared fixture for the device tests: a device set on the fake backend. */
#ifndef DEV_HELPERS_H
#define DEV_HELPERS_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "fake_backend.h"
#include "devices.h"
#include "devswitch.h"

struct fix {
	struct fake_backend fb;
	struct ipvmm_devs d;
};

static inline int fix_setup(void **state)
{
	struct fix *x = calloc(1, sizeof(*x));

	fake_backend_init(&x->fb);
	ipvmm_devs_init(&x->d, &x->fb.be);
	*state = x;
	return 0;
}

static inline int fix_teardown(void **state)
{
	free(*state);
	return 0;
}

static inline void outb(struct ipvmm_devs *d, uint16_t port, uint8_t v)
{
	devsw_out(d, port, 1, v);
}

static inline uint8_t inb(struct ipvmm_devs *d, uint16_t port)
{
	return (uint8_t)devsw_in(d, port, 1);
}

/* Linux's i8259 init: vectors 0x20/0x28, cascade on 2, 8086 mode. */
static inline void pic_linux_init(struct ipvmm_devs *d, uint8_t icw4)
{
	outb(d, 0x20, 0x11); outb(d, 0x21, 0x20); outb(d, 0x21, 0x04); outb(d, 0x21, icw4);
	outb(d, 0xa0, 0x11); outb(d, 0xa1, 0x28); outb(d, 0xa1, 0x02); outb(d, 0xa1, icw4);
	outb(d, 0x21, 0x00);
	outb(d, 0xa1, 0x00);
}

static inline uint8_t pic_isr(struct ipvmm_devs *d, uint16_t base)
{
	outb(d, base, 0x0b);
	uint8_t v = inb(d, base);
	outb(d, base, 0x0a);
	return v;
}

static inline uint8_t pic_irr(struct ipvmm_devs *d, uint16_t base)
{
	outb(d, base, 0x0a);
	return inb(d, base);
}

#endif
