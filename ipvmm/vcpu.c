/*
 * Virtual CPU state: EFLAGS split between the real register and the vCPU,
 * cpuid filtering, the MSRs the guest may touch, segment loads validated
 * through the hypervisor, and the buffered console.
 */
#include "vcpu.h"
#include "util.h"

void vcpu_init(struct vcpu *v, struct ipvmm_shared *sh, const struct vcpu_hv_ops *hv, void *ctx,
	       const struct ipvmm_backend *be)
{
	struct vcpu_hv_ops const *keep_hv = hv;

	ipvmm_memset(v, 0, sizeof(*v));
	v->sh = sh;
	v->hv = keep_hv;
	v->hv_ctx = ctx;
	v->cr0 = 0x00000010;	/* ET, paging and protection as GRUB left them: */
	v->cr0 |= 0x1;		/* Multiboot enters in protected mode, PG off */
	v->idtr.limit = 0x3ff;
	v->eflags = EF_RSV1;	/* readers add bit 1 anyway: popf sites store EF_VIRT only */
	v->misc_enable = MISC_ENABLE_RESET;
	sh->version = IPVMM_SHARED_VERSION;
	sh->vif = 0;		/* Multiboot: interrupts disabled */
	ipvmm_devs_init(&v->devs, be);
	vcpu_update_hook(v);
}

/* The guest's EFLAGS: arithmetic from the real register, the rest virtual. */
uint32_t vcpu_eflags(const struct vcpu *v, uint32_t real)
{
	return (real & EF_REAL) | EF_RSV1 | v->eflags | (v->sh->vif ? EF_IF : 0);
}

void vcpu_set_eflags(struct vcpu *v, uint32_t value)
{
	v->eflags = (value & EF_VIRT) | EF_RSV1;
	v->sh->vif = (value & EF_IF) ? 1 : 0;
}

/*
 * cpuid as the IPVMM can honour it. PGE is shown: the virtual TLB keeps
 * global entries across CR3 writes and shares their page tables between
 * address spaces (docs/vtlb.md). Hidden, with the reason:
 * VME (no virtual-8086 support), PAE and PSE36 (the shadow is two-level,
 * 32-bit physical), MCE/MCA (no machine-check model), APIC/x2APIC (the guest gets an 8259
 * only), MTRR/PAT (memory types belong to the hypervisor), DS/ACPI/TM/
 * PBE/HTT/SS (no thermal, debug-store or topology model), MONITOR/XSAVE/
 * OSXSAVE/AVX (monitor, mwait and xsetbv are not emulated), VMX/SMX, and
 * SEP: sysenter always enters ring 0 (the CPU forces CPL 0), so every
 * one would be a hypervisor entry, while int $0x80 takes the direct gate
 * with none (direct.asm); without SEP Linux's vDSO uses int $0x80. The
 * SYSENTER MSRs stay (virtual), as does the emulated sysenter/sysexit.
 * Leaves above 1 are capped: nothing else is modelled.
 */
#define CPUID1_EDX_KEEP 0x0788a13du	/* FPU DE TSC MSR CX8 PGE CMOV CLFSH MMX FXSR SSE SSE2 PSE */
#define CPUID1_ECX_KEEP 0x00980201u	/* SSE3 SSSE3 SSE4.1 SSE4.2 POPCNT */

#define CPUID_MAX_LEAF 0x15u	/* the TSC leaf; everything between is empty */

void vcpu_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	if (leaf >= 0x80000000u) {
		v->hv->cpuid(v->hv_ctx, leaf, sub, r);
		if (leaf == 0x80000000u && r[0] > 0x80000004u)
			r[0] = 0x80000004u;	/* brand string only */
		else if (leaf == 0x80000001u)
			r[2] = r[3] = 0;	/* no NX, long mode, syscall */
		else if (leaf > 0x80000004u)
			r[0] = r[1] = r[2] = r[3] = 0;
		return;
	}
	if (leaf > CPUID_MAX_LEAF)
		leaf = CPUID_MAX_LEAF;	/* out-of-range leaves return the highest basic leaf, as the CPU does */
	if (leaf > 1) {
		/* 2..0x14: no cache or topology description, no leaf-7
		   features (SMAP, SMEP, PCID's INVPCID, IBPB...: nothing the
		   IPVMM does not implement), no XSAVE; 0x15: the TSC is the
		   crystal (1 kHz) times tsc_khz, so Linux knows its frequency. */
		r[0] = r[1] = r[2] = r[3] = 0;
		if (leaf == 0x15 && v->sh->tsc_khz) {
			r[0] = 1;
			r[1] = v->sh->tsc_khz;
			r[2] = 1000;
		}
		return;
	}
	v->hv->cpuid(v->hv_ctx, leaf, sub, r);
	if (leaf == 0) {
		r[0] = CPUID_MAX_LEAF;
	} else {
		r[3] &= CPUID1_EDX_KEEP;
		r[2] &= CPUID1_ECX_KEEP;
		r[1] &= 0x0000ffffu;	/* one logical processor, APIC id 0 */
	}
}

int vcpu_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_TSC:          *val = v->hv->rdtsc(v->hv_ctx); return 0;
	case MSR_SYSENTER_CS:  *val = v->sysenter_cs; return 0;
	case MSR_SYSENTER_ESP: *val = v->sysenter_esp; return 0;
	case MSR_SYSENTER_EIP: *val = v->sysenter_eip; return 0;
	case MSR_BIOS_SIGN_ID: *val = v->bios_sign_id; return 0;
	case MSR_MISC_ENABLE:  *val = v->misc_enable; return 0;
	}
	return -1;
}

int vcpu_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	switch (msr) {
	case MSR_SYSENTER_CS:  v->sysenter_cs = val & 0xffff; return 0;
	case MSR_SYSENTER_ESP: v->sysenter_esp = (uint32_t)val; return 0;
	case MSR_SYSENTER_EIP: v->sysenter_eip = (uint32_t)val; return 0;
	/* Linux writes 0, runs cpuid and reads the revision back
	   (intel_get_microcode_revision): a CPU with no update loaded reads 0. */
	case MSR_BIOS_SIGN_ID: v->bios_sign_id = val; return 0;
	/* Linux reads it on family 6 (fast strings, the CPUID limit bit) and
	   clears bits with wrmsr_safe: kept, nothing behind it changes. */
	case MSR_MISC_ENABLE:  v->misc_enable = val; return 0;
	}
	return -1;	/* TSC writes and everything else: #GP */
}

/* The descriptor sel names, from the guest's GDT or (TI=1) its LDT:
   DESC_OK, DESC_BAD (beyond the table's limit, or no LDT: the caller's
   #GP(sel)), DESC_FAULT (the read faulted: vcpu_access_fault). */
enum desc_read vcpu_desc_read(struct vcpu *v, uint16_t sel, uint32_t d[2])
{
	uint32_t idx = sel >> 3, base;

	if (sel & 4) {
		if (!v->ldtr || idx * 8 + 7 > v->ldt_limit)
			return DESC_BAD;
		base = v->ldt_base;
	} else {
		if (idx * 8 + 7 > v->gdtr.limit)
			return DESC_BAD;
		base = v->gdtr.base;
	}
	return v->hv->read(v->hv_ctx, base + idx * 8, d, 8) ? DESC_OK : DESC_FAULT;
}

/*
 * The fault a failed guest access raises, as the CPU reports it (SDM
 * Vol. 3, 6.15 "Interrupt 14"): #PF with CR2 = the linear address the
 * walk refused and the error code's P from the walk, W for a write, U for
 * an access of CPL-3 code (the IPVMM's own access is a supervisor one,
 * so U comes from acc, not from the hardware). An address in the hole is
 * beyond the guest's segments: #GP(0), #SS(0) through the stack. #PF
 * sets the virtual CR2 now, as the CPU does when it detects the fault.
 */
unsigned vcpu_access_fault(struct vcpu *v, unsigned acc, uint32_t *err)
{
	const struct ipvmm_fault *f = &v->mfault;

	if (f->vector == VEC_PF) {
		*err = (f->error & ~(PFE_W | PFE_U)) | ((acc & ACC_WRITE) ? PFE_W : 0) |
		       ((acc & ACC_USER) ? PFE_U : 0);
		v->cr2 = f->cr2;
		return VEC_PF;
	}
	*err = 0;
	return (acc & ACC_STACK) ? VEC_SS : VEC_GP;
}

/* Where the guest's own copy of sel's descriptor lives (linear). */
static uint32_t desc_addr(const struct vcpu *v, uint16_t sel)
{
	return ((sel & 4) ? v->ldt_base : v->gdtr.base) + (sel >> 3) * 8u;
}

/*
 * Make the hypervisor's copy of GDT entry idx match the guest's: one
 * HC_LOAD_DESC when the guest's descriptor differs from the one last
 * installed, none otherwise. 0 = installed, or the hypercall's error.
 * HC_LOAD_DESC's non-negative result says how the descriptor was adjusted
 * (1 DPL raised, 2 limit clipped; docs/hypercalls.md): installed all the
 * same (a guest's DPL-0 segment always comes back 1).
 */
static int sync_desc(struct vcpu *v, uint16_t sel, const uint32_t d[2])
{
	unsigned idx = sel >> 3, table = (sel & 4) ? 1 : 0;
	unsigned n = table ? CONFIG_GUEST_LDT_ENTRIES : VCPU_GDT_CACHE;
	uint32_t (*cache)[2] = table ? v->ldt_cache : v->gdt_cache;
	uint8_t *valid = table ? v->ldt_valid : v->gdt_valid;
	int rc;

	if (table && idx >= CONFIG_GUEST_LDT_ENTRIES)
		return -1;	/* beyond the hypervisor's LDT: the guest sees #GP */
	if (idx < n && valid[idx] && cache[idx][0] == d[0] && cache[idx][1] == d[1])
		return 0;
	rc = v->hv->load_desc(v->hv_ctx, table, idx, d[0], d[1]);
	if (rc > 0)
		rc = 0;
	/* A GDT entry user mode may load (DPL 3), or one the guest has
	   rewritten in memory (installed with another value before): watched
	   on every return to user mode, whose own segment loads never trap
	   (vcpu_sync_watched). */
	if (rc == 0 && !table && idx < n && (valid[idx] || DESC_DPL(d[1]) == 3))
		v->gdt_watch |= 1ull << idx;
	if (rc == 0 && idx < n) {
		cache[idx][0] = d[0];
		cache[idx][1] = d[1];
		valid[idx] = 1;
	}
	return rc;
}

/*
 * A #GP/#NP/#SS whose error code names sel may come from a stale
 * installed copy: the guest changed its table with plain stores, which
 * reach no site (Linux writes its TLS entries into the GDT on every
 * context switch and set_thread_area, and its user code then loads %gs
 * natively). True when the guest's descriptor differs from the copy
 * installed and is installed now: the faulting instruction runs again.
 * An entry beyond the cache cannot be compared: the same selector at the
 * same EIP twice in a row is then the guest's own fault.
 */
bool vcpu_refresh_sel(struct vcpu *v, uint16_t sel, uint32_t eip)
{
	uint32_t d[2];
	unsigned idx = sel >> 3, table = (sel & 4) ? 1 : 0;
	unsigned n = table ? CONFIG_GUEST_LDT_ENTRIES : VCPU_GDT_CACHE;
	uint32_t (*cache)[2] = table ? v->ldt_cache : v->gdt_cache;
	const uint8_t *valid = table ? v->ldt_valid : v->gdt_valid;

	if (!(sel & ~3u) || vcpu_desc_read(v, sel, d) != DESC_OK)
		return false;
	if (idx < n && valid[idx] && cache[idx][0] == d[0] && cache[idx][1] == d[1])
		return false;
	if (idx >= n && sel == v->refresh_sel && eip == v->refresh_eip)
		return false;
	v->refresh_sel = sel;
	v->refresh_eip = eip;
	v->stats.desc_refresh++;
	if (!table && idx < n)
		v->gdt_watch |= 1ull << idx;	/* loaded where no site sees it */
	return sync_desc(v, sel, d) == 0;
}

/*
 * Before the guest's user mode runs: every watched GDT entry (one the
 * guest kernel has rewritten with plain stores before, such as Linux's
 * TLS entries on each context switch and set_thread_area) is made to match
 * the guest's table. User code loads %gs natively; a stale but valid copy
 * would not even fault, it would give the new thread the old one's base.
 * One 8-byte read per watched entry, a hypercall only when it changed.
 */
void vcpu_sync_watched(struct vcpu *v)
{
	for (unsigned half = 0; half < 2; half++)
		for (uint32_t w = (uint32_t)(v->gdt_watch >> (32 * half)); w; w &= w - 1) {
			unsigned idx = 32 * half + (unsigned)__builtin_ctz(w);	/* bsf: no libgcc */
			uint32_t d[2];

			if (vcpu_desc_read(v, (uint16_t)(idx << 3), d) == DESC_OK)
				(void)sync_desc(v, (uint16_t)(idx << 3), d);
		}
}

int vcpu_sync_sel(struct vcpu *v, uint16_t sel)
{
	uint32_t d[2];

	if (!(sel & ~3u))
		return 0;
	if (vcpu_desc_read(v, sel, d) != DESC_OK)
		return -1;
	return sync_desc(v, sel, d);
}

#define LOAD_FAULT(vec, err) ((int)(0x80000000u | ((uint32_t)(vec) << 16) | ((err) & 0xffffu)))

/* mov/pop/lds to a segment register, checked as the CPU checks it
   (SDM Vol. 2, MOV: protected-mode checks). */
int vcpu_load_sreg(struct vcpu *v, struct gstate *g, unsigned sr, uint16_t sel)
{
	uint32_t d[2];
	unsigned cpl = vcpu_cpl(g), rpl = sel & 3, dpl, type;

	if (sr == SR_CS)
		return LOAD_FAULT(VEC_UD, 0);
	if (!(sel & ~3u)) {
		if (sr == SR_SS)
			return LOAD_FAULT(VEC_GP, 0);
		g->sreg[sr] = sel;
		g->sreg_dirty |= 1u << sr;
		return 0;
	}
	switch (vcpu_desc_read(v, sel, d)) {
	case DESC_OK:
		break;
	case DESC_BAD:
		return LOAD_FAULT(VEC_GP, sel & ~3u);
	case DESC_FAULT: {
		uint32_t err;
		unsigned vec = vcpu_access_fault(v, 0, &err);	/* implicit: supervisor */

		return LOAD_FAULT(vec, err);
	}
	}
	dpl = DESC_DPL(d[1]);
	type = DESC_TYPE(d[1]);			/* S bit + type */
	if (!(type & DT_S))
		return LOAD_FAULT(VEC_GP, sel & ~3u);	/* system descriptor */
	if (sr == SR_SS) {
		if ((type & 0x1a) != 0x12 || rpl != cpl || dpl != cpl)	/* writable data */
			return LOAD_FAULT(VEC_GP, sel & ~3u);
		if (!(d[1] & 0x8000))
			return LOAD_FAULT(VEC_SS, sel & ~3u);
	} else {
		if ((type & 0x1a) == 0x18)	/* execute-only code */
			return LOAD_FAULT(VEC_GP, sel & ~3u);
		/* data and non-conforming code: DPL >= max(CPL, RPL) */
		if ((!(type & 0x08) || !(type & 0x04)) && dpl < (cpl > rpl ? cpl : rpl))
			return LOAD_FAULT(VEC_GP, sel & ~3u);
		if (!(d[1] & 0x8000))
			return LOAD_FAULT(VEC_NP, sel & ~3u);
	}
	if (sync_desc(v, sel, d))
		return LOAD_FAULT(VEC_GP, sel & ~3u);
	/* The CPU sets the accessed bit in the guest's table; the cache then
	   holds the descriptor with it, which the hypervisor presets anyway. */
	if (!(d[1] & 0x100)) {
		d[1] |= 0x100;
		v->hv->write(v->hv_ctx, desc_addr(v, sel) + 4, &d[1], 4);
		if (sel & 4)
			v->ldt_cache[sel >> 3][1] = d[1];
		else if ((sel >> 3) < VCPU_GDT_CACHE)
			v->gdt_cache[sel >> 3][1] = d[1];
	}
	g->sreg[sr] = sel;
	g->sreg_dirty |= 1u << sr;
	return 0;
}

/* lgdt: install every code/data descriptor of the new table once (system
   descriptors are the IPVMM's: TSS and LDT are never given to the CPU). */
/* mov to cr3. The CPU ignores its low bits but PWT and PCD (SDM Vol. 3,
   4.3), which the hypervisor refuses: they are dropped. A directory outside
   the partition cannot be walked: the hypervisor refuses it and the guest
   cannot go on (false, v->fatal set); before, the refusal was ignored and
   the guest ran on its old tables with the new CR3 in its register. */
bool vcpu_set_cr3(struct vcpu *v, uint32_t val)
{
	if (v->hv->set_cr3(v->hv_ctx, val & (~0xfffu | 0x18u /* PWT, PCD */)) < 0) {
		v->fatal = IPVMM_FATAL_CR3;
		return false;
	}
	v->cr3 = val;
	return true;
}

void vcpu_lgdt(struct vcpu *v, uint32_t base, uint16_t limit)
{
	v->gdtr.base = base;
	v->gdtr.limit = limit;
	ipvmm_memset(v->gdt_valid, 0, sizeof(v->gdt_valid));
	for (unsigned i = 1; i * 8 + 7 <= limit && i < VCPU_GDT_CACHE; i++) {
		uint32_t d[2];

		if (!v->hv->read(v->hv_ctx, base + i * 8, d, 8))
			break;
		if ((d[1] & 0x8000) && (d[1] & 0x1000))
			sync_desc(v, (uint16_t)(i << 3), d);
	}
}

void vcpu_lldt(struct vcpu *v, uint16_t sel, const uint32_t d[2])
{
	v->ldtr = sel;
	v->ldt_base = d ? desc_base(d) : 0;
	v->ldt_limit = d ? desc_limit(d) : 0;
	/* A new table: every entry is installed again on its first use. */
	ipvmm_memset(v->ldt_valid, 0, sizeof(v->ldt_valid));
}

void vcpu_console_flush(struct vcpu *v)
{
	if (v->con_len) {
		v->hv->console_write(v->hv_ctx, v->con, v->con_len);
		v->stats.hypercalls_console++;
		v->con_len = 0;
	}
}

/* One hypervisor entry per line, not per byte. */
void vcpu_console_putc(struct vcpu *v, uint8_t c)
{
	v->con[v->con_len++] = (char)c;
	if (c == '\n' || v->con_len == VCPU_CON_LINE)
		vcpu_console_flush(v);
}

int vcpu_trap_site_add(struct vcpu *v, uint32_t start)
{
	if (v->n_trap_sites >= CONFIG_IPVMM_MAX_TRAP_SITES)
		return -1;
	v->trap_sites[v->n_trap_sites++] = start;
	return 0;
}

/* Shell sort: no recursion, no allocation; the records come mostly sorted. */
void vcpu_trap_sites_sort(struct vcpu *v)
{
	static const unsigned gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };

	for (unsigned k = 0; k < sizeof(gaps) / sizeof(gaps[0]); k++)
		for (unsigned i = gaps[k]; i < v->n_trap_sites; i++) {
			uint32_t t = v->trap_sites[i];
			unsigned j = i;

			for (; j >= gaps[k] && v->trap_sites[j - gaps[k]] > t; j -= gaps[k])
				v->trap_sites[j] = v->trap_sites[j - gaps[k]];
			v->trap_sites[j] = t;
		}
}

bool vcpu_is_trap_site(const struct vcpu *v, uint32_t eip)
{
	unsigned lo = 0, hi = v->n_trap_sites;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (v->trap_sites[mid] == eip)
			return true;
		if (v->trap_sites[mid] < eip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}
