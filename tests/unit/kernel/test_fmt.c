/* Host tests of kernel/fmt.c against the C library's printf, where the two
 * must agree, and on the hypervisor's own rules (bad formats, truncation). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "fmt.h"

#define SAME(...) do { \
	char a[128], b[128]; \
	int na = fmt_snprintf(a, sizeof(a), __VA_ARGS__); \
	int nb = snprintf(b, sizeof(b), __VA_ARGS__); \
	assert_string_equal(a, b); \
	assert_int_equal(na, nb); \
} while (0)

static void test_integers(void **state)
{
	(void)state;
	SAME("%d %i %u", 0, -1, 4000000000u);
	SAME("%d", -2147483647 - 1);
	SAME("%x %X %o", 0xdeadbeefu, 0xabcdefu, 0755u);
	SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	SAME("[%.3d] [%8.3d] [%-8.3x]", 7, 7, 0xa);
	SAME("%#x %#X %#o %#x", 255u, 255u, 8u, 0u);
	SAME("%hhu %hd %hx", 300, 70000, 0x12345);
	SAME("%ld %lu %lx", -5L, 5UL, 0xffffUL);
	SAME("%lld %llu %llx", -1234567890123LL, 18446744073709551615ULL,
	     0x123456789abcdefULL);
	SAME("%016llx", 0xfffc0000ULL);
	SAME("%zu", (size_t)12345);
	SAME("[%.0d]", 0);
	SAME("[%*d] [%-*d] [%.*d]", 6, 1, 6, 2, 3, 4);
}

static void test_strings_chars(void **state)
{
	(void)state;
	SAME("[%s] [%10s] [%-10s] [%.2s]", "abc", "abc", "abc", "abc");
	SAME("[%c] [%3c] [%-3c]", 'x', 'y', 'z');
	SAME("100%%");
	char buf[32];
	fmt_snprintf(buf, sizeof(buf), "%s", (char *)NULL);
	assert_string_equal(buf, "(null)");
}

static void test_pointer(void **state)
{
	(void)state;
	char buf[64];
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)(uintptr_t)0xfd100000u);
	/* Fixed width: every pointer prints as wide as the machine's. */
	char want[64];
	snprintf(want, sizeof(want), "0x%0*llx", (int)sizeof(void *) * 2, 0xfd100000ULL);
	assert_string_equal(buf, want);
}

static void test_truncation(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'X', sizeof(buf));
	int n = fmt_snprintf(buf, 6, "hello world %d", 42);
	assert_int_equal(n, 14);
	assert_string_equal(buf, "hello");
	assert_int_equal(buf[6], 'X');          /* nothing written past size */
	n = fmt_snprintf(buf, 0, "abc");
	assert_int_equal(n, 3);
	assert_int_equal(buf[0], 'h');          /* size 0: untouched */
}

static void test_bad_formats(void **state)
{
	(void)state;
	char buf[64];
	fmt_snprintf(buf, sizeof(buf), "a %q b");
	assert_string_equal(buf, "a %q b");     /* unknown: printed as written */
	fmt_snprintf(buf, sizeof(buf), "end %");
	assert_string_equal(buf, "end %");      /* truncated conversion */
	fmt_snprintf(buf, sizeof(buf), "%ll");
	assert_string_equal(buf, "%ll");
	int n = fmt_snprintf(buf, sizeof(buf), "%99999999d", 1);
	assert_true(n > 1000);                  /* width bounded, no overflow */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_strings_chars),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bad_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
