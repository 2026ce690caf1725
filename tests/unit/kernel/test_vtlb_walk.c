/* Virtual-TLB walk on crafted guest page tables in a fake partition. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vtlb_walk.h"

#define MEM_SIZE (8u << 20)	/* an 8 MiB partition */
#define PD   0x1000u
#define PT   0x2000u

static uint32_t ram[MEM_SIZE / 4];
static unsigned reads, writes;

static uint32_t rd(void *ctx, uint32_t gpa)
{
	(void)ctx;
	assert_true(gpa % 4 == 0 && gpa + 4 <= MEM_SIZE);
	reads++;
	return ram[gpa / 4];
}

static void wr(void *ctx, uint32_t gpa, uint32_t v)
{
	(void)ctx;
	assert_true(gpa % 4 == 0 && gpa + 4 <= MEM_SIZE);
	writes++;
	ram[gpa / 4] = v;
}

static const struct vtlb_mem mem = { MEM_SIZE, rd, wr, 0, 0 };	/* every access by rd/wr */
static struct vtlb_cpu cpu = { CR0_PG | CR0_WP, PD, 0 };

static uint32_t *pde(uint32_t la) { return &ram[PD / 4 + (la >> 22)]; }
static uint32_t *pte(uint32_t la) { return &ram[PT / 4 + ((la >> 12) & 0x3ff)]; }

static int setup(void **state)
{
	(void)state;
	memset(ram, 0, sizeof(ram));
	cpu = (struct vtlb_cpu){ CR0_PG | CR0_WP, PD, 0 };
	reads = writes = 0;
	return 0;
}

#define LA 0x00403123u	/* PDE 1, PTE 3 */

static void map(uint32_t pde_flags, uint32_t pte_flags)
{
	*pde(LA) = PT | pde_flags;
	*pte(LA) = 0x00345000u | pte_flags;
}

static enum vtlb_status walk(enum vtlb_access a, bool user, struct vtlb_result *r)
{
	return vtlb_walk(&cpu, &mem, LA, a, user, r);
}

static void test_not_present(void **state)
{
	struct vtlb_result r;

	(void)state;
	assert_int_equal(walk(VTLB_READ, false, &r), VTLB_FAULT);
	assert_int_equal(r.error, 0);
	assert_int_equal(walk(VTLB_WRITE, true, &r), VTLB_FAULT);
	assert_int_equal(r.error, PFE_W | PFE_U);
	/* Present PDE, absent PTE: still P=0, and the PDE got its A bit. */
	*pde(LA) = PT | PTE_P | PTE_W | PTE_U;
	assert_int_equal(walk(VTLB_WRITE, false, &r), VTLB_FAULT);
	assert_int_equal(r.error, PFE_W);
	assert_true(*pde(LA) & PTE_A);
	assert_false(*pte(LA) & PTE_A);
}

static void test_translate_and_ad_bits(void **state)
{
	struct vtlb_result r;

	(void)state;
	map(PTE_P | PTE_W | PTE_U, PTE_P | PTE_W | PTE_U);
	assert_int_equal(walk(VTLB_READ, true, &r), VTLB_OK);
	assert_int_equal(r.gpa, 0x00345123u);
	assert_int_equal(r.page_size, 4096);
	assert_true(*pde(LA) & PTE_A);
	assert_true(*pte(LA) & PTE_A);
	assert_false(*pte(LA) & PTE_D);
	/* Clean page: the shadow maps it read-only until the first write. */
	assert_false(r.writable);
	assert_true(r.rw);
	unsigned w = writes;
	assert_int_equal(walk(VTLB_READ, true, &r), VTLB_OK);
	assert_int_equal(writes, w);	/* A already set: no rewrite */
	assert_int_equal(walk(VTLB_WRITE, true, &r), VTLB_OK);
	assert_true(*pte(LA) & PTE_D);
	assert_false(*pde(LA) & PTE_D);	/* a PDE has no D bit */
	assert_true(r.writable && r.dirty);
	assert_int_equal(walk(VTLB_READ, false, &r), VTLB_OK);
	assert_true(r.writable);
}

/* Every U/S and R/W combination at both levels, CPL 0 and 3, WP 0 and 1. */
static void test_protection_matrix(void **state)
{
	(void)state;
	for (unsigned bits = 0; bits < 16; bits++) {
		for (unsigned wp = 0; wp < 2; wp++) {
			for (unsigned u = 0; u < 2; u++) {
				for (unsigned w = 0; w < 2; w++) {
					struct vtlb_result r;
					uint32_t f1 = PTE_P | (bits & 1 ? PTE_W : 0) | (bits & 2 ? PTE_U : 0);
					uint32_t f2 = PTE_P | (bits & 4 ? PTE_W : 0) | (bits & 8 ? PTE_U : 0);
					bool rw = (bits & 1) && (bits & 4), us = (bits & 2) && (bits & 8);
					bool ok = (!u || us) && (!w || rw || (!u && !wp));

					setup(0);
					cpu.cr0 = CR0_PG | (wp ? CR0_WP : 0);
					map(f1, f2);
					enum vtlb_status s = walk(w ? VTLB_WRITE : VTLB_READ, u, &r);
					assert_int_equal(s, ok ? VTLB_OK : VTLB_FAULT);
					if (!ok) {
						assert_int_equal(r.error, PFE_P | (w ? PFE_W : 0) | (u ? PFE_U : 0));
						/* A faulting access leaves the leaf untouched. */
						assert_false(*pte(LA) & (PTE_A | PTE_D));
					} else {
						assert_int_equal(!!(*pte(LA) & PTE_D), w);
						assert_int_equal(r.writable, w && (rw || (!u && !wp)));
					}
				}
			}
		}
	}
}

static void test_large_pages(void **state)
{
	struct vtlb_result r;

	(void)state;
	*pde(LA) = 0x00400000u | PTE_PS | PTE_P | PTE_W | PTE_G;
	/* Without CR4.PSE the PS bit is ignored: 0x400000 is a page table. */
	assert_int_equal(walk(VTLB_READ, false, &r), VTLB_FAULT);
	ram[(0x400000u + ((LA >> 12) & 0x3ff) * 4) / 4] = 0x00777000u | PTE_P;
	assert_int_equal(walk(VTLB_READ, false, &r), VTLB_OK);
	assert_int_equal(r.gpa, 0x00777123u);
	/* With PSE: one 4 MiB page. */
	setup(0);
	cpu.cr4 = CR4_PSE;
	*pde(LA) = 0x00400000u | PTE_PS | PTE_P | PTE_W | PTE_G;
	assert_int_equal(walk(VTLB_WRITE, false, &r), VTLB_OK);
	assert_int_equal(r.gpa, 0x00403123u);
	assert_int_equal(r.page_size, 0x400000u);
	assert_true(r.global && r.writable);
	assert_true((*pde(LA) & (PTE_A | PTE_D)) == (PTE_A | PTE_D));
	/* User access to a supervisor large page. */
	assert_int_equal(walk(VTLB_READ, true, &r), VTLB_FAULT);
	assert_int_equal(r.error, PFE_P | PFE_U);
	/* Reserved bits 21:13 (PSE-36 is hidden): RSVD fault. */
	*pde(LA) |= 1u << 13;
	assert_int_equal(walk(VTLB_READ, false, &r), VTLB_FAULT);
	assert_int_equal(r.error, PFE_P | PFE_RSVD);
}

static void test_outside_partition(void **state)
{
	struct vtlb_result r;

	(void)state;
	/* Page directory beyond the partition: never read. */
	cpu.cr3 = 0x40000000u;
	assert_int_equal(walk(VTLB_READ, false, &r), VTLB_BAD_TABLE);
	assert_int_equal(r.bad_gpa, 0x40000000u + (LA >> 22) * 4);
	assert_int_equal(reads, 0);
	cpu.cr3 = PD;
	/* PDE pointing to a page table beyond the partition. */
	*pde(LA) = 0xfffff000u | PTE_P;
	assert_int_equal(walk(VTLB_READ, false, &r), VTLB_BAD_TABLE);
	/* PTE pointing to a frame beyond the partition: no A/D written. */
	*pde(LA) = PT | PTE_P | PTE_W;
	*pte(LA) = MEM_SIZE | PTE_P | PTE_W;
	assert_int_equal(walk(VTLB_WRITE, false, &r), VTLB_BAD_FRAME);
	assert_int_equal(r.bad_gpa, MEM_SIZE);
	assert_false(*pte(LA) & PTE_A);
	/* The last frame of the partition is fine. */
	*pte(LA) = (MEM_SIZE - 4096) | PTE_P;
	assert_int_equal(walk(VTLB_READ, false, &r), VTLB_OK);
	/* A large page straddling the end: only frames inside translate. */
	cpu.cr4 = CR4_PSE;
	*pde(LA) = 0x00400000u * 1 | PTE_PS | PTE_P;
	*pde(0x00c00000u) = 0x00400000u * 1 | PTE_PS | PTE_P;
	ram[PD / 4 + 3] = 0x00800000u | PTE_PS | PTE_P;	/* 8..12 MiB */
	assert_int_equal(vtlb_walk(&cpu, &mem, 0x00c00000u, VTLB_READ, false, &r), VTLB_BAD_FRAME);
}

static void test_physical_mode(void **state)
{
	struct vtlb_result r;

	(void)state;
	cpu.cr0 = 0;
	assert_int_equal(vtlb_walk(&cpu, &mem, 0x123456, VTLB_WRITE, true, &r), VTLB_OK);
	assert_int_equal(r.gpa, 0x123456);
	assert_true(r.writable);
	assert_int_equal(reads + writes, 0);
	assert_int_equal(vtlb_walk(&cpu, &mem, MEM_SIZE + 5, VTLB_READ, false, &r), VTLB_BAD_FRAME);
}

/* The re-check a cached shadow's entries get on a CR3 write
 * (kernel/vtlb.c, slot_refresh): only the very entries of the earlier
 * walk, at the very places, count as the same. */
static void test_entries_same(void **state)
{
	struct vtlb_result r;

	(void)state;
	map(PTE_P | PTE_W, PTE_P | PTE_W);
	assert_int_equal(walk(VTLB_WRITE, false, &r), VTLB_OK);
	assert_int_equal(r.pde, *pde(LA));
	assert_int_equal(r.pte, *pte(LA));
	unsigned w = writes;
	assert_true(vtlb_entries_same(&cpu, &mem, LA, r.pde, r.pte));
	assert_int_equal(writes, w);	/* only reads */
	*pte(LA) ^= 0x1000u;		/* another frame */
	assert_false(vtlb_entries_same(&cpu, &mem, LA, r.pde, r.pte));
	*pte(LA) ^= 0x1000u;
	*pte(LA) &= ~PTE_D;		/* the guest cleaned the page */
	assert_false(vtlb_entries_same(&cpu, &mem, LA, r.pde, r.pte));
	*pte(LA) |= PTE_D;
	*pde(LA) &= ~PTE_A;		/* the guest cleared the PDE's A */
	assert_false(vtlb_entries_same(&cpu, &mem, LA, r.pde, r.pte));
	*pde(LA) |= PTE_A;
	assert_true(vtlb_entries_same(&cpu, &mem, LA, r.pde, r.pte));
	cpu.cr3 = 0x3000u;		/* another directory (empty) */
	assert_false(vtlb_entries_same(&cpu, &mem, LA, r.pde, r.pte));
	/* A directory at the partition's end: nothing read past it. */
	cpu.cr3 = MEM_SIZE;
	assert_false(vtlb_entries_same(&cpu, &mem, LA, r.pde, r.pte));
	/* A PDE pointing to a table past the end. */
	cpu.cr3 = PD;
	*pde(LA) = MEM_SIZE | PTE_P | PTE_A;
	assert_false(vtlb_entries_same(&cpu, &mem, LA, *pde(LA), 0));
	/* A 4 MiB page: the PDE is the leaf, no PTE read. */
	cpu.cr4 = CR4_PSE;
	*pde(LA) = 0x00400000u | PTE_PS | PTE_P;
	assert_int_equal(walk(VTLB_READ, false, &r), VTLB_OK);
	assert_int_equal(r.pde, r.pte);
	unsigned n = reads;
	assert_true(vtlb_entries_same(&cpu, &mem, LA, r.pde, r.pte));
	assert_int_equal(reads, n + 1);
	*pde(LA) |= PTE_W;
	assert_false(vtlb_entries_same(&cpu, &mem, LA, r.pde, r.pte));
}

/* The direct form (the hypervisor's direct map): the same walk and the
 * same A/D updates with plain loads and stores, no accessor call. */
static void test_direct_memory(void **state)
{
	const struct vtlb_mem dmem = { MEM_SIZE, rd, wr, 0, ram };
	struct vtlb_result r;

	(void)state;
	map(PTE_P | PTE_W, PTE_P | PTE_W);
	assert_int_equal(vtlb_walk(&cpu, &dmem, LA, VTLB_WRITE, false, &r), VTLB_OK);
	assert_int_equal(r.gpa, 0x00345123u);
	assert_true(r.writable);
	assert_true((*pte(LA) & (PTE_A | PTE_D)) == (PTE_A | PTE_D));
	assert_true(*pde(LA) & PTE_A);
	assert_true(vtlb_entries_same(&cpu, &dmem, LA, r.pde, r.pte));
	*pte(LA) &= ~PTE_D;
	assert_false(vtlb_entries_same(&cpu, &dmem, LA, r.pde, r.pte));
	cpu.cr3 = MEM_SIZE;		/* the directory past the end: not read */
	assert_int_equal(vtlb_walk(&cpu, &dmem, LA, VTLB_READ, false, &r), VTLB_BAD_TABLE);
	assert_false(vtlb_entries_same(&cpu, &dmem, LA, r.pde, r.pte));
	assert_int_equal(reads + writes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(test_not_present),
		T(test_translate_and_ad_bits),
		T(test_protection_matrix),
		T(test_large_pages),
		T(test_outside_partition),
		T(test_physical_mode),
		T(test_entries_same),
		T(test_direct_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
