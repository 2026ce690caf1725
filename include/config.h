/*
 * The one configuration header: Kconfig's generated values
 * (build/include/generated/autoconf.h) and sizes derived from them.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include "generated/autoconf.h"

/* Kconfig booleans as 0/1 values, so code says `if (HAVE_X)` and both
 * branches keep compiling, instead of #ifdef inside the logic. */
#ifdef CONFIG_VGA_CONSOLE
#define HAVE_VGA_CONSOLE 1
#else
#define HAVE_VGA_CONSOLE 0
#endif

#endif
