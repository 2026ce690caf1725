/*
 * The virtual TLB (docs/vtlb.md, "The shadow"). While the guest's virtual
 * CR0.PG is 0 it runs on its physical-mode shadow (kernel/shadow.c). With
 * paging on it runs on one of CONFIG_VTLB_SHADOWS shadow page directories
 * keyed by its CR3, filled on demand: a real #PF below the hole walks the
 * guest's own tables (kernel/vtlb_walk.c, which sets A/D) and either maps
 * the 4 KiB frame (read-only until the guest's D bit is set, user only if
 * the guest's U/S allows ring 3) or is reflected to the guest as the #PF
 * its tables give. Entries of the hole (IPVMM window, the hypervisor's
 * trap entry) are the phys shadow's page tables, shared by every shadow.
 * trap_return writes CR3 on every way out to the guest, so a changed
 * shadow entry never needs an invlpg of its own.
 */
#include "guest.h"
#include "shadow.h"
#include "vtlb.h"
#include "events.h"
#include "vm.h"
#include "mm.h"
#include "log.h"
#include "vtlb_walk.h"
#include "x86/cr.h"
#include "thread.h"

#define FRAME(x)     ((x) & ~(uint32_t)(PAGE_SIZE - 1))
#define SPTE_GLOBAL  0x200u     /* AVL bit: the guest's G bit (never the real G) */
#define SPTE_A       PTE_A      /* the real accessed bit the CPU sets in the shadow */
#define SPTE_KEPT    0x400u     /* AVL bit: kept by the running slot_refresh */
#define SPTE_IDLE    0x800u     /* AVL bit: kept unused by the last slot_refresh */

_Static_assert(SHADOW_HOLE_PDE == PD_INDEX(IPVMM_BASE), "hole starts at a PDE boundary");
_Static_assert(IPVMM_VTLB_FILTER_WORDS * 32 >= (IPVMM_BASE >> IPVMM_VTLB_FILTER_SHIFT) &&
	       IPVMM_VTLB_FILTER_WORDS * 4 % PAGE_SIZE == 0, "the filter: a bit per page, whole pages");
_Static_assert(IPVMM_VTLB_FILTER_ADDR >= IPVMM_BASE && IPVMM_VTLB_FILTER_ADDR % PAGE_SIZE == 0 &&
	       IPVMM_VTLB_FILTER_ADDR + IPVMM_VTLB_FILTER_WORDS * 4 <= IPVMM_BASE + IPVMM_SIZE,
	       "the filter lies in the IPVMM window");

int vtlb_paging(const struct guest *g)
{
	return (g->v.cr0 & CR0_PG) != 0;
}

static uint32_t *pd_of(struct guest *g, int slot)
{
	return g->vtlb.pd[slot];
}

uint32_t vtlb_current_cr3(const struct guest *g)
{
	return vtlb_paging(g) ? virt_to_phys(g->vtlb.pd[g->vtlb.cur]) : g->mem.phys.cr3;
}

static void sync_thread(struct guest *g)
{
	if (g->vm)
		g->vm->cr3 = vtlb_current_cr3(g);
}

/* --- guest-physical accessor for the walk -------------------------------- */

static uint32_t rd32(void *ctx, uint32_t gpa)
{
	const struct guest *g = ctx;
	return phys_read32(g->mem.base + gpa);
}

static void wr32(void *ctx, uint32_t gpa, uint32_t val)
{
	const struct guest *g = ctx;
	phys_write32(g->mem.base + gpa, val);
}

/* The accessor of the guest's memory for the walk: plain loads and
 * stores when the partition lies in the direct map, the kmap area's
 * frame cache otherwise (Linux's partition lies above it). */
static struct vtlb_mem guest_mem(const struct guest *g)
{
	uint32_t *direct = phys_in_direct_map(g->mem.base, g->mem.size) ?
		phys_to_virt(g->mem.base) : 0;
	return (struct vtlb_mem){ g->mem.size, rd32, wr32, (void *)g, direct };
}

static enum vtlb_status walk(const struct guest *g, uint32_t la, enum vtlb_access acc,
			     bool user, struct vtlb_result *res)
{
	struct vtlb_cpu cpu = { g->v.cr0, g->v.cr3, g->v.cr4 };
	struct vtlb_mem mem = guest_mem(g);
	return vtlb_walk(&cpu, &mem, la, acc, user, res);
}

/* --- page-table pool ------------------------------------------------------ */

_Static_assert(CONFIG_VTLB_SHADOWS < 256, "pt_refs counts the shadows linking a table");

static void pt_pool_init(struct guest *g)
{
	struct vtlb *v = &g->vtlb;
	v->pt_nfree = CONFIG_VTLB_PT_PAGES;
	for (unsigned i = 0; i < CONFIG_VTLB_PT_PAGES; i++) {
		v->pt_free[i] = (uint16_t)(CONFIG_VTLB_PT_PAGES - 1 - i);
		v->pt_refs[i] = 0;
		v->pt_shared_at[i] = 0;
	}
	for (unsigned i = 0; i < SHADOW_HOLE_PDE; i++)
		v->share_pt[i] = 0;
}

/* A zeroed page table with one link (the caller's PDE), or 0. */
static uint32_t *pt_alloc(struct guest *g)
{
	struct vtlb *v = &g->vtlb;
	if (!v->pt_nfree)
		return 0;
	unsigned idx = v->pt_free[--v->pt_nfree];
	uint32_t *pt = v->pt[idx];
	for (unsigned i = 0; i < 1024; i++)
		pt[i] = 0;
	v->pt_refs[idx] = 1;
	g->vtlb.pt_used++;
	return pt;
}

/* The pool index of the page table a shadow PDE points at. */
static unsigned pt_index(struct guest *g, uint32_t pde)
{
	uint32_t *pt = phys_to_virt(FRAME(pde));
	unsigned idx = (unsigned)((pt - g->vtlb.pt[0]) / 1024);
	if (pt < g->vtlb.pt[0] || idx >= CONFIG_VTLB_PT_PAGES || !g->vtlb.pt_refs[idx])
		panic("vtlb: PDE %08x points at no page table of the guest's", pde);
	return idx;
}

/* A shadow PDE stops pointing at its page table: the table is free when
 * no PDE points at it any more (a shared one is then no longer shared). */
static void pt_unlink(struct guest *g, uint32_t pde)
{
	struct vtlb *v = &g->vtlb;
	unsigned idx = pt_index(g, pde);
	if (--v->pt_refs[idx])
		return;
	if (v->pt_shared_at[idx]) {
		v->share_pt[v->pt_shared_at[idx] - 1] = 0;
		v->pt_shared_at[idx] = 0;
	}
	if (v->pt_nfree >= CONFIG_VTLB_PT_PAGES)
		panic("vtlb: page table pool overfull");
	v->pt_free[v->pt_nfree++] = (uint16_t)idx;
	g->vtlb.pt_used--;
}

/* Drop the guest part of a shadow: everything, or all but the entries the
 * guest marked global (kept only while its CR4.PGE is set). */
static int fill_one(struct guest *g, uint32_t la, const struct vtlb_result *r);

static void slot_clear(struct guest *g, int slot, int keep_global)
{
	g->vtlb.log_n[slot] = 0;
	g->vtlb.log_lost[slot] = 0;
	uint32_t *pd = pd_of(g, slot);
	uint32_t *used = g->vtlb.used[slot];
	for (unsigned w = 0; w < VTLB_USED_WORDS; w++) {
		for (uint32_t bits = used[w]; bits; bits &= bits - 1) {
			unsigned i = w * 32 + (unsigned)__builtin_ctz(bits);
			unsigned left = 0;
			uint32_t *pt = phys_to_virt(FRAME(pd[i]));
			/* A shared table holds global entries only: kept, or
			 * unlinked from this shadow. A flush of global entries
			 * (vtlb_flush(g, 1), vtlb_set_cr0_cr4) clears every
			 * shadow, so the table is freed with its last link. */
			if (g->vtlb.pt_shared_at[pt_index(g, pd[i])]) {
				if (keep_global)
					continue;
			} else if (keep_global) {
				for (unsigned j = 0; j < 1024; j++) {
					if (!(pt[j] & SPTE_GLOBAL))
						pt[j] = 0;
					left += pt[j] != 0;
				}
			}
			if (!left) {
				pt_unlink(g, pd[i]);
				pd[i] = 0;
				used[w] &= ~(1u << (i % 32));
			}
		}
	}
}

/* The shadow entry for a walk's result; 0 if ring 1 must not have it. */
static uint32_t spte_of(const struct guest *g, const struct vtlb_result *r)
{
	/* Writable only when ring 3 may write too, or ring 3 cannot reach it:
	 * the shadow's one U/S bit serves ring 1 and ring 3. */
	int w = r->writable && (r->rw || !r->user);
	return (g->mem.base + FRAME(r->gpa)) | PTE_P | (w ? PTE_W : 0) | (r->user ? PTE_U : 0) |
		(r->global ? SPTE_GLOBAL : 0);
}

/* Remember a filled entry of the current shadow for slot_refresh. A
 * global one while CR4.PGE is set needs no record: a CR3 write keeps it
 * (refresh_one would drop the record and keep the entry), and clearing
 * PGE empties every shadow (vtlb_set_cr0_cr4). */
static void log_fill(struct guest *g, uint32_t la, const struct vtlb_result *r, uint32_t spte)
{
	struct vtlb *t = &g->vtlb;
	if ((spte & SPTE_GLOBAL) && (g->v.cr4 & CR4_PGE))
		return;
	if (t->log_n[t->cur] < CONFIG_VTLB_PREFILL)
		t->log[t->cur][t->log_n[t->cur]++] = (struct vtlb_fill){ FRAME(la), r->pde, r->pte, spte };
	else
		t->log_lost[t->cur] = 1;
}

static uint32_t *spte_at(struct guest *g, int slot, uint32_t la)
{
	uint32_t pde = pd_of(g, slot)[PD_INDEX(la)];
	return (pde & PTE_P) ? &((uint32_t *)phys_to_virt(FRAME(pde)))[PT_INDEX(la)] : 0;
}

/*
 * A cached shadow comes back on a CR3 write, which flushes its non-global
 * entries on hardware. Each entry filled since the slot was last made
 * current is in its log with the guest PDE and PTE it was made from.
 * Those the guest really used (the real accessed bit the CPU set in the
 * shadow entry) since either of the last two refreshes (SPTE_IDLE: kept
 * unused once; a CR3 write that reloads the same CR3 just before a switch
 * away would otherwise drop the whole working set at the switch back)
 * and whose guest entries are still the same, at the same places, stay:
 * a walk now would read the same entries, set no A/D bit, and make the
 * same shadow entry, so keeping it is what the flush and the refill
 * would give (docs/vtlb.md, "The TLB rules the shadow keeps"). Used
 * entries whose guest entries changed are walked again at once (the
 * working set does not fault back in one trap per page) unless the guest
 * unmapped them; unused ones are dropped. A record whose shadow entry is
 * no longer the one it made (overwritten by a later fill, or cleared by
 * invlpg) is dropped: the later fill has its own record; a second record
 * of an entry already kept by this refresh (SPTE_KEPT, cleared when it
 * ends) is dropped.
 * A kept entry starts unused again.
 */
struct refresh {
	struct vtlb_cpu cpu;                    /* the guest's, for the re-check */
	struct vtlb_mem mem;
	int keep_global;
	bool lost;                              /* the log missed fills: no entry stays */
	unsigned n;                             /* pages to walk again, in again[] */
	uint32_t *again;                        /* the guest's (g->vtlb.again): not the stack */
};

static bool refresh_one(uint32_t *e, const struct vtlb_fill *f, struct refresh *rf)
{
	if (!e || (*e & ~(SPTE_A | PTE_D | SPTE_IDLE)) != f->spte)
		return false;                   /* also a duplicate of a kept entry */
	if (rf->keep_global && (*e & SPTE_GLOBAL))
		return false;                   /* survives the flush, outside the log */
	bool used = *e & SPTE_A;
	if (used || !(*e & SPTE_IDLE)) {
		if (!rf->lost && vtlb_entries_same(&rf->cpu, &rf->mem, f->la, f->gpde, f->gpte)) {
			*e = (*e & ~(SPTE_A | SPTE_IDLE)) | SPTE_KEPT | (used ? 0 : SPTE_IDLE);
			return true;
		}
		if (used && vtlb_leaf_present(&rf->cpu, &rf->mem, f->la))
			rf->again[rf->n++] = f->la;     /* remapped: walked again */
	}
	*e = 0;
	return false;
}

static void slot_refresh(struct guest *g, int slot, int keep_global)
{
	struct vtlb *t = &g->vtlb;
	struct vtlb_fill *log = t->log[slot];
	struct refresh rf;
	rf.cpu = (struct vtlb_cpu){ g->v.cr0, g->v.cr3, g->v.cr4 };
	rf.mem = guest_mem(g);
	rf.keep_global = keep_global;
	rf.lost = t->log_lost[slot];
	rf.n = 0;
	rf.again = t->again;
	unsigned m = 0;
	for (unsigned k = 0; k < t->log_n[slot]; k++) {
		uint32_t *e = spte_at(g, slot, log[k].la);
		if (refresh_one(e, &log[k], &rf)) {
			if (m != k)
				log[m] = log[k];
			t->kept_at[m++] = e;
		}
	}
	for (unsigned k = 0; k < m; k++)
		*t->kept_at[k] &= ~SPTE_KEPT;
	t->kept += m;
	t->checked += t->log_n[slot];
	t->overflows += rf.lost;
	if (rf.lost)
		slot_clear(g, slot, keep_global);   /* unlogged entries too; log emptied */
	else
		t->log_n[slot] = (uint16_t)m;
	int cur = t->cur;
	t->cur = slot;                          /* fill_one works on the current slot */
	for (unsigned k = 0; k < rf.n; k++) {
		struct vtlb_result r;
		if (walk(g, rf.again[k], VTLB_READ, false, &r) == VTLB_OK &&
		    fill_one(g, rf.again[k], &r) == 0)
			t->prefills++;
	}
	t->cur = cur;
}

static void slot_init(struct guest *g, int slot, uint32_t key)
{
	uint32_t *pd = pd_of(g, slot);
	if (g->vtlb.valid[slot]) {
		slot_clear(g, slot, 0);             /* leaves the guest part zero */
	} else {
		for (unsigned i = 0; i < SHADOW_HOLE_PDE; i++)
			pd[i] = 0;
	}
	for (unsigned i = SHADOW_HOLE_PDE; i < 1024; i++)
		pd[i] = g->mem.phys.pd[i];          /* the hole: shared page tables */
	g->vtlb.valid[slot] = 1;
	g->vtlb.key[slot] = key;
	g->vtlb.log_n[slot] = 0;
}

/* Make the shadow for the guest's CR3 current: the cached one with its
 * non-global entries dropped (a CR3 write flushes them on hardware), or
 * the least recently used slot, emptied. */
static void select_shadow(struct guest *g)
{
	struct vtlb *t = &g->vtlb;
	uint32_t key = FRAME(g->v.cr3);
	int slot = -1;
	if (!t->pool_ready) {
		pt_pool_init(g);
		t->pool_ready = 1;
	}
	for (int i = 0; i < CONFIG_VTLB_SHADOWS; i++)
		if (t->valid[i] && t->key[i] == key)
			slot = i;
	if (slot >= 0) {
		t->hits++;
		slot_refresh(g, slot, (g->v.cr4 & CR4_PGE) != 0);
	} else {
		slot = 0;
		for (int i = 0; i < CONFIG_VTLB_SHADOWS; i++) {
			if (!t->valid[i]) {
				slot = i;
				break;
			}
			if (t->lru[i] < t->lru[slot])
				slot = i;
		}
		slot_init(g, slot, key);
	}
	t->lru[slot] = ++t->clock;
	t->cur = slot;
	t->switches++;
}

/* --- the hypercalls' effects (arguments decoded in kernel/hypercall.c) --- */

void vtlb_set_cr3(struct guest *g, uint32_t cr3)
{
	g->v.cr3 = cr3;
	if (vtlb_paging(g))
		select_shadow(g);
	sync_thread(g);
}

void vtlb_set_cr0_cr4(struct guest *g, uint32_t cr0, uint32_t cr4)
{
	uint32_t c0 = (g->v.cr0 ^ cr0) & (CR0_PG | CR0_WP);
	uint32_t c4 = (g->v.cr4 ^ cr4) & (CR4_PSE | CR4_PGE);
	g->v.cr0 = cr0;
	g->v.cr4 = cr4;
	if (c0 || c4)
		for (int i = 0; i < CONFIG_VTLB_SHADOWS; i++)
			if (g->vtlb.valid[i])
				slot_clear(g, i, 0);
	if (vtlb_paging(g))
		select_shadow(g);
	sync_thread(g);
	guest_load_cr4(g);
}

/* The presence filter (include/ipvmm/shared.h): a bit per group of
 * FILTER_GROUP pages, set whenever a shadow entry in the group is filled. */
#define FILTER_GROUP (1u << (IPVMM_VTLB_FILTER_SHIFT - 12))

static void filter_set(struct guest *g, uint32_t la)
{
	g->vtlb.filter[la >> (IPVMM_VTLB_FILTER_SHIFT + 5)] |= 1u << ((la >> IPVMM_VTLB_FILTER_SHIFT) % 32);
}

/* Does any shadow hold a page of la's group? */
static bool group_held(struct guest *g, uint32_t la)
{
	unsigned first = PT_INDEX(la) & ~(FILTER_GROUP - 1);
	for (int i = 0; i < CONFIG_VTLB_SHADOWS; i++) {
		uint32_t pde = pd_of(g, i)[PD_INDEX(la)];
		if (!g->vtlb.valid[i] || !(pde & PTE_P))
			continue;
		const uint32_t *pt = (const uint32_t *)phys_to_virt(FRAME(pde)) + first;
		for (unsigned j = 0; j < FILTER_GROUP; j++)
			if (pt[j])
				return true;
	}
	return false;
}

void vtlb_invlpg(struct guest *g, uint32_t la)
{
	if (la >= IPVMM_BASE)
		return;
	/* Every shadow: a global entry may sit in a cached one. */
	for (int i = 0; i < CONFIG_VTLB_SHADOWS; i++) {
		uint32_t *pd = pd_of(g, i);
		if (g->vtlb.valid[i] && (pd[PD_INDEX(la)] & PTE_P))
			((uint32_t *)phys_to_virt(FRAME(pd[PD_INDEX(la)])))[PT_INDEX(la)] = 0;
	}
	/* No shadow holds a page of la's group now: the IPVMM may skip
	 * invlpg in it. (Other drops leave bits set: more hypercalls, never
	 * fewer.) */
	if (!group_held(g, la))
		g->vtlb.filter[la >> (IPVMM_VTLB_FILTER_SHIFT + 5)] &=
			~(1u << ((la >> IPVMM_VTLB_FILTER_SHIFT) % 32));
}

int vtlb_map_filter(struct guest *g)
{
	return shadow_map_ro(&g->mem.phys, IPVMM_VTLB_FILTER_ADDR, virt_to_phys(g->vtlb.filter),
			     sizeof(g->vtlb.filter));
}

void vtlb_flush(struct guest *g, int all)
{
	if (!vtlb_paging(g))
		return;
	if (all) {
		for (int i = 0; i < CONFIG_VTLB_SHADOWS; i++)
			if (g->vtlb.valid[i])
				slot_clear(g, i, 0);
	} else {
		slot_clear(g, g->vtlb.cur, (g->v.cr4 & CR4_PGE) != 0);
	}
}

/* --- the fault path -------------------------------------------------------- */

/* No page table free: empty the least recently used other shadow that
 * holds one (it stays cached, empty: its next CR3 write refills on
 * demand); only when none does, every shadow, the current one too. The
 * CR3 re-check keeps entries, and so page tables, across switches, so
 * the pool runs dry more often than when each switch cleared them. */
static void pool_dry(struct guest *g)
{
	struct vtlb *t = &g->vtlb;
	int victim = -1;
	t->resets++;
	for (int i = 0; i < CONFIG_VTLB_SHADOWS; i++) {
		bool holds = false;
		for (unsigned w = 0; w < VTLB_USED_WORDS && !holds; w++)
			holds = t->used[i][w] != 0;
		if (i != t->cur && t->valid[i] && holds && (victim < 0 || t->lru[i] < t->lru[victim]))
			victim = i;
	}
	if (victim >= 0) {
		slot_clear(g, victim, 0);
		return;
	}
	for (int i = 0; i < CONFIG_VTLB_SHADOWS; i++)
		if (t->valid[i])
			slot_clear(g, i, 0);
}

/*
 * Shared page tables. The guest's global entries (its kernel, in Linux)
 * are the same in every address space, and a CR3 write keeps them on
 * hardware: a shadow page table that holds only global entries, all made
 * from one guest PDE (the same guest page table, or the same large page,
 * with the same permissions), is shared by every shadow whose guest PDE
 * at that index is that PDE. A new address space then starts with the
 * kernel's entries the others filled, as a real TLB keeps its global
 * entries across the switch, and the pool holds them once. invlpg clears
 * the entry in every shadow, so in the shared table; a non-global fill or
 * another guest PDE under a shared table unlinks it from that shadow (a
 * flush of its global entries there) for a private one. A large page is
 * shared only once its D bit is set: each address space has its own copy
 * of that PDE, and a writable entry must not skip setting D in another.
 */
static uint32_t share_key(const struct vtlb_result *r)
{
	return r->pde & ~PTE_A;
}

static bool shareable(const struct guest *g, const struct vtlb_result *r)
{
	return r->global && (g->v.cr4 & CR4_PGE) && (r->page_size == PAGE_SIZE || (r->pde & PTE_D));
}

/* Point the current shadow's PDE for la at a page table for r: the
 * shared one if r may go there, else a new one (shared from now on when
 * r is shareable and no table is shared at that index). -1: pool dry. */
static int pde_link(struct guest *g, uint32_t la, const struct vtlb_result *r, bool share)
{
	struct vtlb *t = &g->vtlb;
	unsigned i = PD_INDEX(la);
	uint32_t *pt;
	if (share && t->share_pt[i] && t->share_key[i] == share_key(r)) {
		pt = t->pt[t->share_pt[i] - 1];
		t->pt_refs[t->share_pt[i] - 1]++;
		t->shared_links++;
	} else {
		pt = pt_alloc(g);
		if (!pt) {
			pool_dry(g);
			pt = pt_alloc(g);
			if (!pt)
				return -1;
		}
		if (share && !t->share_pt[i]) {
			unsigned idx = (unsigned)((pt - t->pt[0]) / 1024);
			t->share_pt[i] = (uint16_t)(idx + 1);
			t->share_key[i] = share_key(r);
			t->pt_shared_at[idx] = (uint16_t)(i + 1);
		}
	}
	pd_of(g, t->cur)[i] = virt_to_phys(pt) | PTE_P | PTE_W | PTE_U;
	t->used[t->cur][i / 32] |= 1u << (i % 32);
	return 0;
}

/* Map la in the current shadow as the walk r says; -1 if the pool is dry
 * even after emptying every shadow of the guest. */
static int fill_one(struct guest *g, uint32_t la, const struct vtlb_result *r)
{
	uint32_t *pd = pd_of(g, g->vtlb.cur);
	uint32_t *pde = &pd[PD_INDEX(la)];
	bool share = shareable(g, r);
	if ((*pde & PTE_P) && g->vtlb.pt_shared_at[pt_index(g, *pde)] &&
	    !(share && g->vtlb.share_key[PD_INDEX(la)] == share_key(r))) {
		pt_unlink(g, *pde);             /* not for this table: a private one */
		*pde = 0;
		g->vtlb.used[g->vtlb.cur][PD_INDEX(la) / 32] &= ~(1u << (PD_INDEX(la) % 32));
	}
	if (!(*pde & PTE_P) && pde_link(g, la, r, share) < 0)
		return -1;
	uint32_t spte = spte_of(g, r);
	((uint32_t *)phys_to_virt(FRAME(*pde)))[PT_INDEX(la)] = spte;
	filter_set(g, la);                      /* before the guest runs on it */
	log_fill(g, la, r, spte);
	return 0;
}

int vtlb_fault(struct guest *g, uint32_t la, uint32_t hw_err, uint32_t *err)
{
	struct vtlb_result r;
	bool user = (hw_err & PFE_U) != 0;
	enum vtlb_access acc = (hw_err & PFE_W) ? VTLB_WRITE : VTLB_READ;
	switch (walk(g, la, acc, user, &r)) {
	case VTLB_FAULT:
		*err = r.error;
		g->vtlb.reflected++;
		return 0;
	case VTLB_BAD_TABLE:
	case VTLB_BAD_FRAME:
		kill_guest(g, "page tables point outside the partition (%08x, for %08x)",
			   r.bad_gpa, la);
		return -1;
	case VTLB_OK:
		break;
	}
	uint32_t spte = spte_of(g, &r);
	if (acc == VTLB_WRITE && !(spte & PTE_W)) {
		kill_guest(g, "supervisor write with CR0.WP=0 to read-only user page %08x "
			   "(not emulated)", la);
		return -1;
	}
	if (fill_one(g, la, &r) < 0)
		panic("vtlb: pool empty after a reset");
	g->vtlb.fills++;
	return 1;
}

int vtlb_translate(const struct guest *g, uint32_t la, int write, uint32_t *gpa)
{
	struct vtlb_result r;
	if (la >= IPVMM_BASE)
		return -1;
	if (!vtlb_paging(g)) {
		if (la >= g->mem.size)
			return -1;
		*gpa = la;
		return 0;
	}
	if (walk(g, la, write ? VTLB_WRITE : VTLB_READ, false, &r) != VTLB_OK)
		return -1;
	*gpa = r.gpa;
	return 0;
}
