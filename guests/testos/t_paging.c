/* Paging: CR0/CR3, address spaces, TLB flushes, demand-zero faults,
 * accessed/dirty bits, write and user/supervisor protection (the ring-3
 * half of the latter is in t_proc.c). */
#include "testos.h"
#include "x86.h"

static uint32_t *frame(void) { return page_alloc(); }

static void address_spaces(void)
{
	pte_t *as1 = pd_new(), *as2 = pd_new();
	uint32_t *f1 = frame(), *f2 = frame();
	f1[0] = 0x1111;
	f2[0] = 0x2222;
	vm_map(as1, TEST_VA, (uint32_t)f1, PTE_W);
	vm_map(as2, TEST_VA, (uint32_t)f2, PTE_W);
	volatile uint32_t *va = (uint32_t *)TEST_VA;
	uint32_t flags = irq_save();
	write_cr3((uint32_t)as1);
	uint32_t a = *va;
	write_cr3((uint32_t)as2);
	uint32_t b = *va;
	*va = 0x2223;
	write_cr3((uint32_t)as1);
	uint32_t c = *va;
	uint32_t cr3 = read_cr3();
	write_cr3((uint32_t)kernel_pd);
	irq_restore(flags);
	CHECKF(cr3 == (uint32_t)as1, "paging", "cr3 reads back the loaded page directory", "cr3=%x", cr3);
	CHECKF(a == 0x1111 && b == 0x2222 && c == 0x1111 && f2[0] == 0x2223, "paging",
	       "two address spaces map one address to different frames", "a=%x b=%x c=%x", a, b, c);
	pd_free(as1);
	pd_free(as2);
}

/* Load as, read TEST_VA (and write it when `write`), then load as2, so
 * that as's shadow is cached and inactive. */
static uint32_t use_then_leave(pte_t *as, pte_t *as2, bool write)
{
	volatile uint32_t *va = (uint32_t *)TEST_VA;
	write_cr3((uint32_t)as);
	uint32_t v = *va;
	if (write)
		*va = v;
	write_cr3((uint32_t)as2);
	return v;
}

/* A CR3 load flushes every non-global translation, so changes made to an
 * address space's tables while another one runs must all be seen once it
 * is loaded again: a cached shadow must not keep what they changed. */
static void inactive_changes(void)
{
	pte_t *as1 = pd_new(), *as2 = pd_new();
	uint32_t *f1 = frame(), *f2 = frame(), *f3 = frame(), *pt = frame();
	f1[0] = 0x1111;
	f2[0] = 0x2222;
	f3[0] = 0x3333;
	vm_map(as1, TEST_VA, (uint32_t)f1, PTE_W);
	vm_map(as2, TEST_VA, (uint32_t)f2, PTE_W);
	volatile uint32_t *va = (uint32_t *)TEST_VA;
	volatile pte_t *pte = pte_get(as1, TEST_VA, false, 0);
	pte_t pde1 = as1[TEST_VA >> 22];
	uint32_t flags = irq_save();

	use_then_leave(as1, as2, false);
	*pte = (uint32_t)f3 | PTE_W | PTE_P;            /* another frame */
	write_cr3((uint32_t)as1);
	uint32_t frame_now = *va;

	use_then_leave(as1, as2, true);
	*pte &= ~(pte_t)(PTE_A | PTE_D);                /* cleaned, not accessed */
	write_cr3((uint32_t)as1);                       /* (A may be set now: speculative walks) */
	(void)*va;
	uint32_t a_read = *pte & (PTE_A | PTE_D);
	*va = 0x3334;
	uint32_t d_write = *pte & (PTE_A | PTE_D);

	use_then_leave(as1, as2, true);
	*pte &= ~(pte_t)PTE_W;                          /* read-only now */
	write_cr3((uint32_t)as1);
	catch_reset();
	probe_write(TEST_VA + 4, 0x55);
	uint32_t ro_vec = catch_.vec, ro_err = catch_.err;

	use_then_leave(as1, as2, false);
	pt[(TEST_VA >> 12) & 0x3ff] = (uint32_t)f2 | PTE_P;   /* a new page table */
	as1[TEST_VA >> 22] = (uint32_t)pt | PTE_W | PTE_U | PTE_P;
	write_cr3((uint32_t)as1);
	uint32_t pde_now = *va;

	write_cr3((uint32_t)kernel_pd);
	irq_restore(flags);
	CHECKF(frame_now == 0x3333, "paging", "a PTE changed while its address space was not loaded is seen",
	       "read %x", frame_now);
	CHECKF(a_read == PTE_A && d_write == (PTE_A | PTE_D) && f3[0] == 0x3334, "paging",
	       "A and D cleared while not loaded are set again by the next read and write",
	       "%x %x", a_read, d_write);
	CHECKF(ro_vec == 14 && ro_err == 3 && f3[1] == 0, "paging",
	       "a PTE made read-only while not loaded faults on write", "vec=%x err=%x", ro_vec, ro_err);
	CHECKF(pde_now == 0x2222, "paging", "a PDE changed while its address space was not loaded is seen",
	       "read %x", pde_now);
	as1[TEST_VA >> 22] = pde1;                      /* pd_free frees f1 and that table */
	*pte = (uint32_t)f1 | PTE_W | PTE_P;
	page_free(pt);
	page_free(f3);
	pd_free(as1);
	pd_free(as2);
}

/* Two pages side by side, both used: invlpg of one must not make the
 * other's later invlpg a no-op (the hypervisor's presence filter covers
 * groups of pages: docs/vtlb.md). */
static void invlpg_neighbours(void)
{
	uint32_t *f1 = frame(), *f2 = frame(), *f3 = frame();
	f1[0] = 0x1111;
	f2[0] = 0x2222;
	f3[0] = 0x3333;
	volatile uint32_t *a = (uint32_t *)TEST_VA, *b = (uint32_t *)(TEST_VA + PAGE_SIZE);
	vm_map(kernel_pd, TEST_VA, (uint32_t)f1, PTE_W);
	vm_map(kernel_pd, TEST_VA + PAGE_SIZE, (uint32_t)f2, PTE_W);
	invlpg(TEST_VA);
	invlpg(TEST_VA + PAGE_SIZE);
	uint32_t ra = *a, rb = *b;
	*pte_get(kernel_pd, TEST_VA, false, 0) = 0;
	invlpg(TEST_VA);
	vm_map(kernel_pd, TEST_VA + PAGE_SIZE, (uint32_t)f3, PTE_W);
	invlpg(TEST_VA + PAGE_SIZE);
	uint32_t rb2 = *b;
	CHECKF(ra == 0x1111 && rb == 0x2222 && rb2 == 0x3333, "paging",
	       "invlpg of a page, then of its neighbour, drops the neighbour's stale translation",
	       "%x %x %x", ra, rb, rb2);
	*pte_get(kernel_pd, TEST_VA + PAGE_SIZE, false, 0) = 0;
	invlpg(TEST_VA + PAGE_SIZE);
	page_free(f1);
	page_free(f2);
	page_free(f3);
}

/* Remap TEST_VA from f1 to f2 and flush with 'how'; the new frame must be
 * visible afterwards. */
static void flushes(void)
{
	uint32_t *f1 = frame(), *f2 = frame();
	f1[0] = 0xaaaa;
	f2[0] = 0xbbbb;
	volatile uint32_t *va = (uint32_t *)TEST_VA;
	vm_map(kernel_pd, TEST_VA, (uint32_t)f1, PTE_W);
	invlpg(TEST_VA);
	uint32_t a = *va;
	vm_map(kernel_pd, TEST_VA, (uint32_t)f2, PTE_W);
	invlpg(TEST_VA);
	uint32_t b = *va;
	CHECKF(a == 0xaaaa && b == 0xbbbb, "paging", "invlpg drops a stale translation", "a=%x b=%x", a, b);

	vm_map(kernel_pd, TEST_VA, (uint32_t)f1, PTE_W);
	write_cr3(read_cr3());
	a = *va;
	CHECKF(a == 0xaaaa, "paging", "cr3 reload drops stale translations", "a=%x", a);

	*pte_get(kernel_pd, TEST_VA, false, 0) = 0;
	invlpg(TEST_VA);
	catch_reset();
	probe_read(TEST_VA + 8);
	CHECKF(catch_.vec == 14 && catch_.err == 0 && catch_.cr2 == TEST_VA + 8, "paging",
	       "unmapped page faults after invlpg", "vec=%x err=%x cr2=%x", catch_.vec, catch_.err, catch_.cr2);
	page_free(f1);
	page_free(f2);
}

static void demand_zero(void)
{
	kdz_count = 0;
	volatile uint32_t *p = (uint32_t *)(KDZ_VA + 0x123 * 4);
	uint32_t v = *p;
	CHECKF(kdz_count == 1 && kdz_cr2 == (uint32_t)p && kdz_err == 0 && v == 0, "paging",
	       "demand-zero read fault: cr2, error code 0, zero page", "n=%u cr2=%x err=%x v=%x",
	       kdz_count, kdz_cr2, kdz_err, v);
	volatile uint32_t *q = (uint32_t *)(KDZ_VA + PAGE_SIZE + 0x7fd);
	*q = 0x12345678;
	CHECKF(kdz_count == 2 && kdz_cr2 == (uint32_t)q && kdz_err == 2 && *q == 0x12345678, "paging",
	       "demand-zero write fault: unaligned cr2, error code 2", "n=%u cr2=%x err=%x", kdz_count, kdz_cr2,
	       kdz_err);
	*p = 5;
	v = *p + *q;
	CHECKF(kdz_count == 2 && v == 0x1234567d, "paging", "mapped demand-zero pages fault no more",
	       "n=%u", kdz_count);
}

static void accessed_dirty(void)
{
	uint32_t *f = frame();
	vm_map(kernel_pd, TEST_VA, (uint32_t)f, PTE_W);
	/* volatile: the MMU writes these behind the compiler's back */
	volatile pte_t *pte = pte_get(kernel_pd, TEST_VA, false, 0);
	volatile pte_t *pde = &kernel_pd[TEST_VA >> 22];
	*pde &= ~PTE_A;
	invlpg(TEST_VA);
	pte_t before = *pte;
	(void)*(volatile uint32_t *)TEST_VA;
	pte_t after_read = *pte;
	*(volatile uint32_t *)(TEST_VA + 4) = 1;
	pte_t after_write = *pte;
	CHECKF(!(before & (PTE_A | PTE_D)) && (after_read & PTE_A) && !(after_read & PTE_D), "paging",
	       "read sets the accessed bit only", "before=%x after=%x", before, after_read);
	CHECKF(after_write & PTE_D, "paging", "write sets the dirty bit", "pte=%x", after_write);
	CHECKF(*pde & PTE_A, "paging", "walk sets the accessed bit in the pde", "pde=%x", *pde);

	/* clear A/D, flush, write first: both get set by one access */
	*pte &= ~(PTE_A | PTE_D);
	invlpg(TEST_VA);
	*(volatile uint32_t *)(TEST_VA + 8) = 2;
	CHECKF((*pte & (PTE_A | PTE_D)) == (PTE_A | PTE_D), "paging", "first write sets accessed and dirty",
	       "pte=%x", *pte);

	/* write protection: read-only page, supervisor write */
	*pte = (uint32_t)f | PTE_P;
	invlpg(TEST_VA);
	catch_reset();
	probe_write(TEST_VA + 0x10, 0x77);
	CHECKF(catch_.vec == 14 && catch_.err == 3 && catch_.cr2 == TEST_VA + 0x10 && f[4] == 0, "paging",
	       "cr0.wp=1: supervisor write to read-only page faults (err 3)", "vec=%x err=%x cr2=%x",
	       catch_.vec, catch_.err, catch_.cr2);
	uint32_t flags = irq_save();
	write_cr0(read_cr0() & ~CR0_WP);
	catch_reset();
	probe_write(TEST_VA + 0x10, 0x77);
	write_cr0(read_cr0() | CR0_WP);
	irq_restore(flags);
	CHECKF(!catch_.hit && f[4] == 0x77, "paging", "cr0.wp=0: supervisor write to read-only page succeeds",
	       "vec=%x", catch_.vec);

	/* read-only at the pde level alone also protects */
	*pte = (uint32_t)f | PTE_P | PTE_W;
	*pde &= ~PTE_W;
	invlpg(TEST_VA);
	catch_reset();
	probe_write(TEST_VA + 0x14, 0x78);
	*pde |= PTE_W;
	CHECKF(catch_.vec == 14 && catch_.err == 3, "paging", "read-only pde protects a writable pte",
	       "vec=%x err=%x", catch_.vec, catch_.err);
	*pte = 0;
	invlpg(TEST_VA);
	page_free(f);
}

void test_paging(void)
{
	uint32_t cr0 = read_cr0();
	CHECKF((cr0 & (CR0_PE | CR0_PG | CR0_WP)) == (CR0_PE | CR0_PG | CR0_WP), "paging",
	       "paging enabled with identity-mapped kernel", "cr0=%x", cr0);
	CHECKF(read_cr3() == (uint32_t)kernel_pd, "paging", "cr3 holds the kernel page directory", "cr3=%x",
	       read_cr3());
	CHECKF((smsw() & 0xf) == (cr0 & 0xf), "paging", "smsw matches the low bits of cr0", "msw=%x", smsw());
	write_cr0(read_cr0() | CR0_TS);
	bool ts = read_cr0() & CR0_TS;
	clts();
	CHECKF(ts && !(read_cr0() & CR0_TS), "paging", "clts clears cr0.ts", "ts=%u", ts);
	catch_reset();
	probe_read(0x10);
	CHECKF(catch_.vec == 14 && catch_.cr2 == 0x10, "paging", "page 0 is unmapped", "vec=%x", catch_.vec);
	/* cr2 is writable; each general register moves to and from it
	 * (the IPVMM's register-form sites name the register in their
	 * operand word: a mix-up shows here). */
	uint32_t c_si, c_di, c_ax, c_dx;
	__asm__ volatile("movl %4, %%cr2; movl %%cr2, %%esi\n\t"
			 "movl %%esi, %%edi; notl %%edi; movl %%edi, %%cr2; movl %%cr2, %%edi\n\t"
			 "movl $0x0badf00d, %%eax; movl %%eax, %%cr2; xorl %%eax, %%eax; movl %%cr2, %%eax\n\t"
			 "movl %%cr2, %%edx"
			 : "=S"(c_si), "=D"(c_di), "=a"(c_ax), "=d"(c_dx)
			 : "b"(0x12345678u) : "memory");
	CHECKF(c_si == 0x12345678u && c_di == ~0x12345678u && c_ax == 0x0badf00du && c_dx == 0x0badf00du,
	       "paging", "cr2 writes read back through every register", "si=%x di=%x ax=%x dx=%x", c_si,
	       c_di, c_ax, c_dx);
	address_spaces();
	inactive_changes();
	flushes();
	invlpg_neighbours();
	demand_zero();
	accessed_dirty();
}
