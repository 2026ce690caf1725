/* Guest descriptor validation: forged, gated, clipped and wrapped segments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include "desc_check.h"

#define M DESC_GUEST_TOP

static uint64_t mk(uint32_t base, uint32_t limit, unsigned type, unsigned s, unsigned dpl,
		   unsigned p, unsigned db, unsigned g)
{
	struct desc_fields f = { base, limit, (uint8_t)type, s, (uint8_t)dpl, p, 0, 0, db, g };
	return desc_encode(&f);
}

static struct desc_fields check_ok(uint64_t raw, struct desc_change *ch)
{
	uint64_t out = 0;
	const char *why;
	struct desc_fields f;

	assert_int_equal(desc_check(raw, &out, &why, ch), DESC_OK);
	desc_decode(out, &f);
	return f;
}

static void test_encode_roundtrip(void **state)
{
	(void)state;
	/* Linux's __KERNEL_CS: base 0, limit 0xfffff, G, D, P, DPL 0, type 0xb. */
	assert_true(mk(0, 0xfffff, 0xb, 1, 0, 1, 1, 1) == 0x00cf9b000000ffffull);
	srand(3);
	for (int i = 0; i < 10000; i++) {
		uint64_t raw = ((uint64_t)rand() << 40) ^ ((uint64_t)rand() << 20) ^ (uint64_t)rand();
		struct desc_fields f;
		desc_decode(raw, &f);
		assert_true(desc_encode(&f) == raw);
	}
}

static void test_forged_dpl0_code(void **state)
{
	struct desc_change ch;
	(void)state;
	struct desc_fields f = check_ok(0x00cf9b000000ffffull, &ch);
	assert_int_equal(f.dpl, 1);
	assert_true(ch.dpl_raised && ch.clipped);
	assert_int_equal(desc_byte_limit(&f), M);
	assert_true(f.g && f.db && f.p && f.s);
	assert_int_equal(f.type, 0xb);
	/* Conforming DPL 0 code: raised too, stays conforming. */
	f = check_ok(mk(0, 0xfff, 0xe, 1, 0, 1, 1, 0), &ch);
	assert_int_equal(f.dpl, 1);
	assert_int_equal(f.type, 0xe);
	assert_false(ch.clipped);
	/* A user segment keeps DPL 3 and its exact bytes when in range. */
	uint64_t raw = mk(0x1000, 0x7ffff, 0xf3 & 0xf, 1, 3, 1, 1, 1);
	uint64_t out;
	const char *why;
	assert_int_equal(desc_check(raw, &out, &why, &ch), DESC_OK);
	assert_true(out == raw);
	assert_false(ch.dpl_raised || ch.clipped);
	/* Not-present segments are normalised the same way. */
	f = check_ok(mk(0, 0xfffff, 0x3, 1, 0, 0, 1, 1), &ch);
	assert_int_equal(f.dpl, 1);
	assert_false(f.p);
	assert_int_equal(desc_byte_limit(&f), M);
	/* The null descriptor passes unchanged. */
	assert_int_equal(desc_check(0, &out, &why, &ch), DESC_OK);
	assert_true(out == 0);
}

static void test_system_descriptors_refused(void **state)
{
	uint64_t out = 0x1234;
	const char *why;
	(void)state;
	static const unsigned gates[] = { 0x4, 0xc, 0x5, 0x6, 0x7, 0xe, 0xf, 0x0, 0x8, 0xa, 0xd };
	for (unsigned i = 0; i < sizeof(gates) / sizeof(gates[0]); i++) {
		for (unsigned dpl = 0; dpl < 4; dpl++) {
			assert_int_equal(desc_check(mk(0x100000, 0x10, gates[i], 0, dpl, 1, 0, 0), &out, &why, 0),
					 DESC_REFUSED);
			assert_true(out == 0x1234);	/* nothing produced */
		}
	}
	/* A call gate into the hypervisor's code selector, by raw bytes. */
	assert_int_equal(desc_check(0xc000ec0008000100ull, &out, &why, 0), DESC_REFUSED);
	/* TSS and LDT: the separate path, loudly not implemented. */
	assert_int_equal(desc_check(mk(0x2000, 0x67, 0x9, 0, 0, 1, 0, 0), &out, &why, 0), DESC_UNIMPLEMENTED);
	assert_int_equal(desc_check(mk(0x2000, 0x67, 0x2, 0, 0, 1, 0, 0), &out, &why, 0), DESC_UNIMPLEMENTED);
	/* 64-bit code. */
	assert_int_equal(desc_check(0x00af9b000000ffffull, &out, &why, 0), DESC_REFUSED);
}

static void test_limits_reaching_the_hole(void **state)
{
	struct desc_change ch;
	uint64_t out;
	const char *why;
	(void)state;
	/* Byte granular, ends exactly at the top: kept. */
	struct desc_fields f = check_ok(mk(M - 0xffff, 0xffff, 0x3, 1, 1, 1, 1, 0), &ch);
	assert_false(ch.clipped);
	/* One byte over: clipped by one. */
	f = check_ok(mk(M - 0xffff, 0x10000, 0x3, 1, 1, 1, 1, 0), &ch);
	assert_true(ch.clipped);
	assert_int_equal(f.base + desc_byte_limit(&f), M);
	/* Page granular with an unaligned base: rounded down, never over. */
	f = check_ok(mk(0x123, 0xfffff, 0xb, 1, 1, 1, 1, 1), &ch);
	assert_true((uint64_t)f.base + desc_byte_limit(&f) <= M);
	assert_true((uint64_t)f.base + desc_byte_limit(&f) > M - 0x1000);
	/* Base inside the hypervisor: refused (cannot be clipped). */
	assert_int_equal(desc_check(mk(0xfd000000u, 0, 0x3, 1, 1, 1, 1, 0), &out, &why, 0), DESC_REFUSED);
	/* Wrap-around: base high, limit wraps past 4 GiB into low memory. */
	f = check_ok(mk(0xf0000000u, 0xfffff, 0x3, 1, 1, 1, 1, 1), &ch);
	assert_true(ch.clipped);
	assert_int_equal(f.base + desc_byte_limit(&f), M);
}

static void test_expand_down(void **state)
{
	struct desc_change ch;
	(void)state;
	/* Small 16-bit expand-down stack well below the hole: untouched. */
	struct desc_fields f = check_ok(mk(0x10000, 0x0fff, 0x7, 1, 1, 1, 0, 0), &ch);
	assert_false(ch.clipped);
	/* 32-bit expand-down, base 0x10000: offsets up to 4 GiB wrap into
	 * the hole unless the bottom is raised to linear 0 (offset 2^32-base). */
	f = check_ok(mk(0x10000, 0x0, 0x7, 1, 1, 1, 1, 0), &ch);
	assert_true(ch.clipped);
	assert_true(desc_byte_limit(&f) >= 0xffffffffu - 0x10000);
	/* Base 0 with B=1: the top offset is 0xffffffff, in the hole: empty. */
	f = check_ok(mk(0, 0x0, 0x7, 1, 1, 1, 1, 0), &ch);
	assert_int_equal(desc_byte_limit(&f), 0xffffffffu);
	/* 16-bit expand-down whose top lands in the hole: empty too. */
	f = check_ok(mk(0xfcff8000u, 0x0, 0x3 | 0x4, 1, 1, 1, 0, 0), &ch);
	assert_true(desc_byte_limit(&f) >= 0xffff);
}

/* User segments (DPL 3) keep the guest's limit: glibc's TLS segment is a
 * 4 GiB one at the thread's base, read at negative offsets that wrap
 * (%gs:-4); ring 3 is kept out of the hole by paging. */
static void test_user_segments_keep_their_limit(void **state)
{
	struct desc_change ch;
	uint64_t out;
	const char *why;
	(void)state;
	uint64_t tls = mk(0x080f4000u, 0xfffff, 0x3, 1, 3, 1, 1, 1);
	assert_int_equal(desc_check(tls, &out, &why, &ch), DESC_OK);
	assert_true(out == tls);
	assert_false(ch.clipped || ch.dpl_raised);
	uint64_t high = mk(0xfd000000u, 0xfff, 0xb, 1, 3, 1, 1, 0);   /* even a base in the hole */
	assert_int_equal(desc_check(high, &out, &why, &ch), DESC_OK);
	assert_true(out == high);
	/* The same TLS segment at DPL 1 is clipped. */
	struct desc_fields f = check_ok(mk(0x080f4000u, 0xfffff, 0x3, 1, 1, 1, 1, 1), &ch);
	assert_true(ch.clipped);
	assert_true((uint64_t)f.base + desc_byte_limit(&f) <= M);
}

/* Property: whatever comes in, what goes out is a DPL>=1 code/data
 * segment whose every valid offset stays at or below the top, or a DPL 3
 * one exactly as it came. */
static void test_random_property(void **state)
{
	(void)state;
	srand(11);
	unsigned ok = 0;
	for (int i = 0; i < 200000; i++) {
		uint64_t raw = ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ (uint64_t)rand();
		uint64_t out;
		const char *why;
		struct desc_fields in, f;
		desc_decode(raw, &in);
		enum desc_verdict v = desc_check(raw, &out, &why, 0);
		if (!in.s || in.l) {
			assert_int_not_equal(v, DESC_OK);
			continue;
		}
		if (in.dpl == 3) {
			assert_int_equal(v, DESC_OK);
			assert_true(out == raw);
			continue;
		}
		if (v != DESC_OK) {
			assert_true(in.base > M && (in.type & 0xc) != 0x4);
			continue;
		}
		ok++;
		desc_decode(out, &f);
		assert_true(f.s && !f.l && f.dpl >= 1 && f.dpl == (in.dpl ? in.dpl : 1));
		assert_int_equal(f.type, in.type);
		assert_int_equal(f.base, in.base);
		uint64_t lim = desc_byte_limit(&f);
		if ((f.type & 0xc) == 0x4) {
			uint64_t upper = f.db ? 0xffffffffu : 0xffff;
			if (lim >= upper)
				continue;	/* empty */
			uint64_t lo = f.base + lim + 1, hi = f.base + upper;
			assert_true(hi <= M || (lo >= 0x100000000ull && hi - 0x100000000ull <= M));
			assert_true(lim >= desc_byte_limit(&in));	/* only shrunk */
		} else {
			assert_true(f.base + lim <= M);
			assert_true(lim <= desc_byte_limit(&in));
			uint64_t want = desc_byte_limit(&in) < M - f.base ? desc_byte_limit(&in) : M - f.base;
			assert_true(lim + 0x1000 > want);	/* clipped no more than a page */
		}
	}
	assert_true(ok > 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_forged_dpl0_code),
		cmocka_unit_test(test_system_descriptors_refused),
		cmocka_unit_test(test_limits_reaching_the_hole),
		cmocka_unit_test(test_expand_down),
		cmocka_unit_test(test_user_segments_keep_their_limit),
		cmocka_unit_test(test_random_property),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
