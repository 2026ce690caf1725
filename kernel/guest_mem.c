/*
 * The one way the hypervisor reads and writes guest memory: guest-linear
 * addresses go through the guest's shadow (shadow_translate), guest-physical
 * ones through its partition, each page through kmap. Every range is
 * checked with wrap-around in mind before a byte moves.
 */
#include "guest.h"
#include "shadow.h"
#include "guest_mem.h"
#include "copy.h"
#include "hypercall.h"
#include "mm.h"
#include "log.h"

static uint32_t page_left(uint32_t a)
{
	return PAGE_SIZE - (a & (PAGE_SIZE - 1));
}

/* The guest's memory through its tables, or its own IPVMM data window
 * (kernel/ipvmm_load.c; the IPVMM's console buffer lives there). */
static int translate(const struct guest *g, uint32_t gla, uint32_t *ma)
{
	return shadow_window_write(g, gla, ma) == 0 ? 0 : shadow_translate(g, gla, ma);
}

int guest_range_ok(const struct guest *g, uint32_t gla, uint32_t len)
{
	uint32_t ma;
	if (len == 0)
		return 0;
	if (gla + len - 1 < gla)                  /* wraps past 4 GiB */
		return HC_EFAULT;
	for (uint32_t a = gla, left = len; left;) {
		uint32_t n = page_left(a) < left ? page_left(a) : left;
		if (translate(g, a, &ma) < 0)
			return HC_EFAULT;
		a += n;
		left -= n;
	}
	return 0;
}

int guest_read(const struct guest *g, uint32_t gla, void *dst, uint32_t len)
{
	uint8_t *d = dst;
	if (guest_range_ok(g, gla, len))
		return HC_EFAULT;
	while (len) {
		uint32_t ma, n = page_left(gla) < len ? page_left(gla) : len;
		if (translate(g, gla, &ma) < 0)
			return HC_EFAULT;
		const uint8_t *s = kmap(ma);
		if (!s)
			panic("guest_read: kmap full");
		copy_bytes(d, s, n);
		kunmap((void *)s);
		d += n;
		gla += n;
		len -= n;
	}
	return 0;
}

/* Into guest-linear memory as a supervisor write through the guest's
 * tables (D set), or into its IPVMM data window. */
int guest_write(const struct guest *g, uint32_t gla, const void *src, uint32_t len)
{
	const uint8_t *s = src;
	if (len && gla + len - 1 < gla)
		return HC_EFAULT;
	while (len) {
		uint32_t ma, n = page_left(gla) < len ? page_left(gla) : len;
		if (shadow_translate_write(g, gla, &ma) < 0 && shadow_window_write(g, gla, &ma) < 0)
			return HC_EFAULT;
		uint8_t *d = kmap(ma);
		if (!d)
			panic("guest_write: kmap full");
		copy_bytes(d, s, n);
		kunmap(d);
		s += n;
		gla += n;
		len -= n;
	}
	return 0;
}

/* [gpa, gpa+len) inside the partition, then copy or clear page by page. */
static int phys_op(const struct guest *g, uint32_t gpa, const uint8_t *src, uint32_t len)
{
	if (gpa > g->mem.size || len > g->mem.size - gpa)
		return HC_EFAULT;
	while (len) {
		uint32_t n = page_left(gpa) < len ? page_left(gpa) : len;
		uint8_t *d = kmap(g->mem.base + gpa);
		if (!d)
			panic("guest_phys_write: kmap full");
		if (src)
			copy_bytes(d, src, n);
		else
			zero_bytes(d, n);
		kunmap(d);
		if (src)
			src += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int guest_phys_write(const struct guest *g, uint32_t gpa, const void *src, uint32_t len)
{
	return phys_op(g, gpa, src, len);
}

int guest_phys_zero(const struct guest *g, uint32_t gpa, uint32_t len)
{
	return phys_op(g, gpa, 0, len);
}
