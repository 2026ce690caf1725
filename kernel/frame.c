/*
 * Frame allocator over a sorted table of free ranges. Splits that need a
 * slot the fixed table does not have fail cleanly; nothing is allocated
 * dynamically. Pure logic, unit-tested on the host.
 */
#include "frame.h"
#include "layout.h"

#define PAGE_MASK ((uint32_t)PAGE_SIZE - 1)
#define TOP_4G    0x100000000ULL

void frame_pool_init(struct frame_pool *p)
{
	p->n = 0;
	p->lost = 0;
}

static void remove_at(struct frame_pool *p, unsigned i)
{
	for (; i + 1 < p->n; i++)
		p->r[i] = p->r[i + 1];
	p->n--;
}

static int insert_at(struct frame_pool *p, unsigned i, uint32_t start, uint32_t end)
{
	if (p->n >= CONFIG_FRAME_RANGES)
		return -1;
	for (unsigned j = p->n; j > i; j--)
		p->r[j] = p->r[j - 1];
	p->r[i].start = start;
	p->r[i].end = end;
	p->n++;
	return 0;
}

/* Insert free [start, end) that overlaps nothing free, merging neighbours. */
static int insert_free(struct frame_pool *p, uint32_t start, uint32_t end)
{
	unsigned i = 0;
	while (i < p->n && p->r[i].start < start)
		i++;
	int merge_prev = i > 0 && p->r[i - 1].end == start;
	int merge_next = i < p->n && p->r[i].start == end;
	if (merge_prev && merge_next) {
		p->r[i - 1].end = p->r[i].end;
		remove_at(p, i);
		return 0;
	}
	if (merge_prev) {
		p->r[i - 1].end = end;
		return 0;
	}
	if (merge_next) {
		p->r[i].start = start;
		return 0;
	}
	return insert_at(p, i, start, end);
}

static int overlaps_free(const struct frame_pool *p, uint32_t start, uint32_t end)
{
	for (unsigned i = 0; i < p->n; i++)
		if (start < p->r[i].end && p->r[i].start < end)
			return 1;
	return 0;
}

int frame_add(struct frame_pool *p, uint64_t base, uint64_t len)
{
	if (len == 0 || base >= TOP_4G)
		return 0;
	uint64_t end = base + len;
	if (end < base || end > TOP_4G)
		end = TOP_4G;
	uint64_t s = (base + PAGE_MASK) & ~(uint64_t)PAGE_MASK;
	uint64_t e = end & ~(uint64_t)PAGE_MASK;
	if (e >= TOP_4G)
		e = TOP_4G - PAGE_SIZE;   /* keep `end` representable in 32 bits */
	if (s >= e)
		return 0;
	/* Overlapping maps (seen on real firmware): add only what is new. */
	uint32_t cur = (uint32_t)s, stop_all = (uint32_t)e;
	while (cur < stop_all) {
		uint32_t stop = stop_all;
		int inside = 0;
		for (unsigned i = 0; i < p->n; i++) {
			if (p->r[i].start <= cur && cur < p->r[i].end) {
				cur = p->r[i].end;       /* already free: skip past it */
				inside = 1;
				break;
			}
			if (p->r[i].start > cur && p->r[i].start < stop)
				stop = p->r[i].start;
		}
		if (inside)
			continue;
		if (insert_free(p, cur, stop) < 0) {
			p->lost++;
			return -1;
		}
		cur = stop;
	}
	return 0;
}

int frame_reserve(struct frame_pool *p, uint64_t base, uint64_t len)
{
	if (len == 0 || base >= TOP_4G)
		return 0;
	uint64_t end64 = base + len;
	if (end64 < base || end64 > TOP_4G)
		end64 = TOP_4G;
	uint32_t s = (uint32_t)(base & ~(uint64_t)PAGE_MASK);
	uint64_t e64 = (end64 + PAGE_MASK) & ~(uint64_t)PAGE_MASK;
	uint32_t e = e64 >= TOP_4G ? 0xFFFFF000u : (uint32_t)e64;
	for (unsigned i = 0; i < p->n; i++) {
		struct frame_range *r = &p->r[i];
		if (e <= r->start || r->end <= s)
			continue;
		if (s <= r->start && r->end <= e) {          /* swallowed */
			remove_at(p, i);
			i--;
		} else if (s <= r->start) {                  /* cut the head */
			r->start = e;
		} else if (r->end <= e) {                    /* cut the tail */
			r->end = s;
		} else {                                     /* split */
			uint32_t old_end = r->end;
			if (insert_at(p, i + 1, e, old_end) < 0)
				return -1;
			p->r[i].end = s;
			i++;
		}
	}
	return 0;
}

int frame_alloc(struct frame_pool *p, uint32_t size, uint32_t align, uint32_t *pa)
{
	if (size == 0 || size > 0xFFFFF000u)
		return -1;
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	if (align & (align - 1))
		return -1;
	size = (size + PAGE_MASK) & ~PAGE_MASK;
	for (unsigned i = 0; i < p->n; i++) {
		struct frame_range *r = &p->r[i];
		uint32_t start = (r->start + (align - 1)) & ~(align - 1);
		if (start < r->start || start >= r->end || r->end - start < size)
			continue;
		/* Carve from this range; may leave a head and a tail. */
		if (frame_reserve(p, start, size) < 0)
			return -1;
		*pa = start;
		return 0;
	}
	return -1;
}

int frame_free(struct frame_pool *p, uint32_t pa, uint32_t size)
{
	if (pa & PAGE_MASK || size == 0)
		return -1;
	size = (size + PAGE_MASK) & ~PAGE_MASK;
	uint32_t end = pa + size;
	if (end < pa && end != 0)
		return -1;
	if (end == 0 || overlaps_free(p, pa, end))
		return -1;
	return insert_free(p, pa, end);
}

uint32_t frame_total_free(const struct frame_pool *p)
{
	uint32_t t = 0;
	for (unsigned i = 0; i < p->n; i++)
		t += p->r[i].end - p->r[i].start;
	return t;
}
