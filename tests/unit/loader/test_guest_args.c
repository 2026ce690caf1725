/*
 * A guest module's arguments: name= and mem= are taken out, everything
 * else is passed on in order; bad values are refused with a reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "guest_args.h"
#include "console_mux.h"

static struct guest_args a;
static const char *why;

static void takes_name_mem_and_passes_the_rest(void **s)
{
	(void)s;
	assert_int_equal(guest_args_parse("  alpha name=web-1 mem=32M  beta=2\tgamma ", &a, &why), 0);
	assert_string_equal(a.name, "web-1");
	assert_int_equal(a.mem, 32u << 20);
	assert_string_equal(a.rest, "alpha beta=2 gamma");
}

static void double_dash_passes_the_rest_verbatim(void **s)
{
	(void)s;
	assert_int_equal(guest_args_parse("name=linux mem=128M quiet -- console=ttyS0  name=x mem=1 --", &a, &why), 0);
	assert_string_equal(a.name, "linux");
	assert_int_equal(a.mem, 128u << 20);
	assert_int_equal(a.console, CONSOLE_SERIAL);   /* console=ttyS0 is the guest's */
	assert_string_equal(a.rest, "quiet console=ttyS0  name=x mem=1 --");
	assert_int_equal(guest_args_parse("name=a --", &a, &why), 0);
	assert_string_equal(a.rest, "");
	assert_int_equal(guest_args_parse("a --x b", &a, &why), 0);   /* only a lone -- */
	assert_string_equal(a.rest, "a --x b");
}

static void initrd_for(void **s)
{
	(void)s;
	assert_int_equal(guest_args_parse("initrd-for=linux", &a, &why), 0);
	assert_string_equal(a.initrd_for, "linux");
	assert_int_equal(guest_args_parse("name=g", &a, &why), 0);
	assert_string_equal(a.initrd_for, "");
	assert_int_equal(guest_args_parse("initrd-for=", &a, &why), -1);
	assert_non_null(strstr(why, "initrd-for="));
	assert_int_equal(guest_args_parse("initrd-for=a/b", &a, &why), -1);
}

static void defaults_when_absent(void **s)
{
	(void)s;
	assert_int_equal(guest_args_parse("", &a, &why), 0);
	assert_string_equal(a.name, "");
	assert_int_equal(a.mem, 0);
	assert_string_equal(a.rest, "");
}

static void consoles(void **s)
{
	(void)s;
	assert_int_equal(guest_args_parse("a console=input b", &a, &why), 0);
	assert_int_equal(a.console, CONSOLE_INPUT);
	assert_string_equal(a.rest, "a b");
	assert_int_equal(guest_args_parse("console=none", &a, &why), 0);
	assert_int_equal(a.console, CONSOLE_NONE);
	assert_int_equal(guest_args_parse("console=serial", &a, &why), 0);
	assert_int_equal(a.console, CONSOLE_SERIAL);
	assert_int_equal(guest_args_parse("x", &a, &why), 0);
	assert_int_equal(a.console, CONSOLE_SERIAL);
	static const char *bad[] = { "console=", "console=inputs", "console=no", "console=SERIAL" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = 0;
		assert_int_equal(guest_args_parse(bad[i], &a, &why), -1);
		assert_non_null(strstr(why, "console="));
	}
}

static void sizes(void **s)
{
	(void)s;
	static const struct { const char *in; uint32_t bytes; } ok[] = {
		{ "mem=4096K", 4u << 20 }, { "mem=1G", 1u << 30 }, { "mem=8388608", 8u << 20 },
		{ "mem=3g", 3u << 30 }, { "mem=2m", 2u << 20 },
	};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(guest_args_parse(ok[i].in, &a, &why), 0);
		assert_int_equal(a.mem, ok[i].bytes);
	}
	static const char *bad[] = { "mem=", "mem=M", "mem=lots", "mem=4G", "mem=0",
		"mem=12345678901", "mem=-1M", "mem=1T", "mem=99999999999K" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = 0;
		assert_int_equal(guest_args_parse(bad[i], &a, &why), -1);
		assert_non_null(strstr(why, "mem="));
	}
}

static void names(void **s)
{
	(void)s;
	char longname[64] = "name=";
	memset(longname + 5, 'x', GUEST_NAME_MAX);         /* one too long */
	assert_int_equal(guest_args_parse(longname, &a, &why), -1);
	assert_int_equal(guest_args_parse("name=", &a, &why), -1);
	assert_int_equal(guest_args_parse("name=a[b]", &a, &why), -1);
	assert_int_equal(guest_args_parse("name=a/b", &a, &why), -1);
	longname[5 + GUEST_NAME_MAX - 1] = '\0';            /* the longest allowed */
	assert_int_equal(guest_args_parse(longname, &a, &why), 0);
	assert_int_equal(strlen(a.name), GUEST_NAME_MAX - 1);
	/* The last name= wins, as on a kernel command line. */
	assert_int_equal(guest_args_parse("name=a name=b", &a, &why), 0);
	assert_string_equal(a.name, "b");
}

static void rest_overflow_is_refused(void **s)
{
	(void)s;
	char big[3 * CONFIG_MB_STRING_MAX];
	memset(big, 'w', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (unsigned i = 10; i < sizeof(big) - 1; i += 10)
		big[i] = ' ';
	assert_int_equal(guest_args_parse(big, &a, &why), -1);
	assert_non_null(strstr(why, "too long"));
	/* Exactly filling the buffer (with its NUL) is fine. */
	memset(big, 'w', CONFIG_MB_STRING_MAX - 1);
	big[CONFIG_MB_STRING_MAX - 1] = '\0';
	assert_int_equal(guest_args_parse(big, &a, &why), 0);
	assert_int_equal(strlen(a.rest), CONFIG_MB_STRING_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(takes_name_mem_and_passes_the_rest),
		cmocka_unit_test(defaults_when_absent),
		cmocka_unit_test(double_dash_passes_the_rest_verbatim),
		cmocka_unit_test(initrd_for),
		cmocka_unit_test(consoles),
		cmocka_unit_test(sizes),
		cmocka_unit_test(names),
		cmocka_unit_test(rest_overflow_is_refused),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
