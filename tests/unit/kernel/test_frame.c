/* Host tests of kernel/frame.c: building the pool from a memory map,
 * reserving, carving aligned partitions, freeing, and the fixed table's
 * limits. An independent page bitmap checks every operation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "frame.h"

#define MB (1024u * 1024u)

static void check_invariants(const struct frame_pool *p)
{
	for (unsigned i = 0; i < p->n; i++) {
		assert_true(p->r[i].start < p->r[i].end);
		assert_int_equal(p->r[i].start & 0xfff, 0);
		assert_int_equal(p->r[i].end & 0xfff, 0);
		if (i)
			assert_true(p->r[i - 1].end < p->r[i].start);   /* sorted, merged */
	}
}

static void test_build_and_reserve(void **state)
{
	(void)state;
	struct frame_pool p;
	frame_pool_init(&p);
	assert_int_equal(frame_add(&p, 0, 0x9fc00), 0);          /* rounded down */
	assert_int_equal(frame_add(&p, 0x100000, 255 * MB), 0);
	assert_int_equal(frame_add(&p, 0x100000000ULL, MB), 0);  /* above 4 GiB: ignored */
	check_invariants(&p);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.r[0].end, 0x9f000);
	assert_int_equal(frame_reserve(&p, 0, MB), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(frame_reserve(&p, 0x100000, 0x35000), 0);   /* the image */
	assert_int_equal(frame_reserve(&p, 0x136000, 13), 0);        /* a module: page */
	check_invariants(&p);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.r[0].start, 0x135000);
	assert_int_equal(p.r[0].end, 0x136000);
	assert_int_equal(p.r[1].start, 0x137000);
	assert_int_equal(frame_total_free(&p), 256 * MB - 0x137000 + 0x1000);
}

static void test_overlapping_map(void **state)
{
	(void)state;
	struct frame_pool p;
	frame_pool_init(&p);
	frame_add(&p, 0x100000, 4 * MB);
	frame_add(&p, 0x200000, 8 * MB);      /* overlaps: only the new part counts */
	frame_add(&p, 0x100000, 4 * MB);      /* duplicate */
	check_invariants(&p);
	assert_int_equal(p.n, 1);
	assert_int_equal(frame_total_free(&p), 0x200000 + 8 * MB - 0x100000);
}

static void test_alloc_aligned_partition(void **state)
{
	(void)state;
	struct frame_pool p;
	frame_pool_init(&p);
	frame_add(&p, 0x137000, 64 * MB);
	uint32_t before = frame_total_free(&p), pa = 0;
	assert_int_equal(frame_alloc(&p, 16 * MB, 4 * MB, &pa), 0);
	assert_int_equal(pa % (4 * MB), 0);
	assert_true(pa >= 0x137000);
	check_invariants(&p);
	assert_int_equal(frame_total_free(&p), before - 16 * MB);
	/* Nothing free may overlap what we got. */
	for (unsigned i = 0; i < p.n; i++)
		assert_true(p.r[i].end <= pa || p.r[i].start >= pa + 16 * MB);
	assert_int_equal(frame_free(&p, pa, 16 * MB), 0);
	assert_int_equal(frame_total_free(&p), before);
	assert_int_equal(p.n, 1);                        /* merged back */
	assert_int_equal(frame_free(&p, 0x200000, 4096), -1);   /* double free */
	assert_int_equal(frame_alloc(&p, 128 * MB, 0, &pa), -1); /* too big */
	assert_int_equal(frame_alloc(&p, 4096, 3 * 4096, &pa), -1); /* not a power of 2 */
	assert_int_equal(frame_alloc(&p, 0, 0, &pa), -1);
}

static void test_exhaust_and_refill(void **state)
{
	(void)state;
	struct frame_pool p;
	frame_pool_init(&p);
	frame_add(&p, 0x100000, 64 * 4096);
	uint32_t got[64], pa;
	for (int i = 0; i < 64; i++) {
		assert_int_equal(frame_alloc(&p, 4096, 0, &got[i]), 0);
		for (int j = 0; j < i; j++)
			assert_int_not_equal(got[i], got[j]);
	}
	assert_int_equal(frame_alloc(&p, 4096, 0, &pa), -1);
	assert_int_equal(p.n, 0);
	/* Free every other frame: 32 ranges; the table is smaller, so some
	 * frees must fail cleanly, never corrupt the table. */
	int failed = 0;
	for (int i = 0; i < 64; i += 2)
		failed += frame_free(&p, got[i], 4096) < 0;
	check_invariants(&p);
	assert_int_equal(p.n + failed, 32);
	assert_true(p.n <= CONFIG_FRAME_RANGES);
}

static void test_table_full_split(void **state)
{
	(void)state;
	struct frame_pool p;
	frame_pool_init(&p);
	frame_add(&p, 0, (uint64_t)CONFIG_FRAME_RANGES * 2 * 4096);
	/* Punch holes until the table is full, then one more split must fail. */
	unsigned i;
	for (i = 0; p.n < CONFIG_FRAME_RANGES; i++)
		assert_int_equal(frame_reserve(&p, 4096 + i * 2 * 4096, 4096), 0);
	uint32_t free_before = frame_total_free(&p);
	uint32_t last = p.r[p.n - 1].start;
	assert_int_equal(frame_reserve(&p, last + 4096, 4096) < 0 ||
			 p.r[p.n - 1].end - p.r[p.n - 1].start == 4096, 1);
	check_invariants(&p);
	assert_true(frame_total_free(&p) <= free_before);
}

static void test_random_against_bitmap(void **state)
{
	(void)state;
	enum { PAGES = 512 };
	static uint8_t used[PAGES];
	struct frame_pool p;
	frame_pool_init(&p);
	frame_add(&p, 0, PAGES * 4096);
	memset(used, 0, sizeof(used));
	srand(1);
	uint32_t held[256], held_sz[256];
	unsigned nheld = 0;
	for (int step = 0; step < 5000; step++) {
		if (nheld < 256 && (rand() & 1)) {
			uint32_t sz = (uint32_t)(1 + rand() % 8) * 4096, pa;
			uint32_t align = 4096u << (rand() % 3);
			if (frame_alloc(&p, sz, align, &pa) == 0) {
				assert_int_equal(pa % align, 0);
				for (uint32_t a = pa; a < pa + sz; a += 4096) {
					assert_int_equal(used[a / 4096], 0);
					used[a / 4096] = 1;
				}
				held[nheld] = pa;
				held_sz[nheld++] = sz;
			}
		} else if (nheld) {
			unsigned k = (unsigned)rand() % nheld;
			if (frame_free(&p, held[k], held_sz[k]) == 0) {
				for (uint32_t a = held[k]; a < held[k] + held_sz[k]; a += 4096)
					used[a / 4096] = 0;
				held[k] = held[--nheld];
				held_sz[k] = held_sz[nheld];
			}
		}
		check_invariants(&p);
		uint32_t free_pages = 0;
		for (int i = 0; i < PAGES; i++)
			free_pages += !used[i];
		/* Frees refused for a full table are lost only to the pool. */
		assert_true(frame_total_free(&p) / 4096 <= free_pages);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_reserve),
		cmocka_unit_test(test_overlapping_map),
		cmocka_unit_test(test_alloc_aligned_partition),
		cmocka_unit_test(test_exhaust_and_refill),
		cmocka_unit_test(test_table_full_split),
		cmocka_unit_test(test_random_against_bitmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
