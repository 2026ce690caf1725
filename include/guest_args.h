/*
 * A guest module's arguments (kernel/guest_args.c, pure logic): name=,
 * mem=, console=, initrd-for= and the rest, passed on to the guest.
 */
#ifndef GUEST_ARGS_H
#define GUEST_ARGS_H

#include <stdint.h>
#include "config.h"
#include "console_mux.h"

#define GUEST_NAME_MAX   32

struct guest_args {
	char name[GUEST_NAME_MAX];            /* "" when not given */
	char initrd_for[GUEST_NAME_MAX];      /* initrd-for=: "" for a guest */
	uint32_t mem;                         /* bytes; 0 when not given */
	enum guest_console console;
	char rest[CONFIG_MB_STRING_MAX];      /* passed on to the guest */
};
/* Returns 0, or -1 with *why. */
int guest_args_parse(const char *args, struct guest_args *out, const char **why);

#endif
