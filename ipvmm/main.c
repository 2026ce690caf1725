/*
 * IPVMM start: the hypervisor's first upcall into a new guest (entry
 * burn_start, ESP at a struct ipvmm_upcall_state holding the guest's
 * Multiboot entry state). Check the ABI version, register the upcall
 * entries, rewrite every afterburn site, then enter the guest through
 * iret_restart.
 */
#include "hcall.h"
#include "vcpu.h"

void ipvmm_rw_syms(struct rw_syms *s);

extern const struct vcpu_hv_ops vcpu_hv_hypercalls;
extern const struct ipvmm_backend_ops ipvmm_backend_hypercalls;
extern char burn_sti_ret[], burn_sti_deliver[];
extern char iret_restart[], iret_restart_end[], burn_upcall_irq[], burn_upcall_exc[];
extern char ipvmm_stack_top[];

void burn_start_c(struct ipvmm_upcall_state *s);

static struct ipvmm_backend dev_backend;

#define A(sym) ((uint32_t)(uintptr_t)(sym))

static void say(struct vcpu *v, const char *msg, uint32_t val)
{
	v->devs.be->ops->log(v->devs.be->ctx, IPVMM_LOG_ERROR, "ipvmm", msg, val);
}

/* Rewrite every .afterburn site; the first failure stops the guest with
   the site's address (a load error, never a silent skip). */
static int rewrite_all(struct vcpu *v)
{
	struct ipvmm_shared *sh = v->sh;
	struct rw_syms syms;
	enum rw_mode mode = sh->rewrite_mode ? RW_TRAP : RW_PREVIRT;

	ipvmm_rw_syms(&syms);
	for (uint32_t i = 0; i < sh->afterburn_count; i++) {
		struct afterburn_record rec;
		struct rw_result r;

		if (!v->hv->read(v->hv_ctx, sh->afterburn_start + i * 8, &rec, 8) ||
		    rec.end <= rec.start || rec.end - rec.start > 64 || rec.end > IPVMM_SHARED_ADDR) {
			say(v, "bad .afterburn record at index", i);
			return -1;
		}
		/* Written where it lies (paging off), encoded for where it runs. */
		if (rw_site((uint8_t *)(uintptr_t)rec.start, rec.end - rec.start,
			    rec.start + sh->link_offset, &syms, mode, &r, 0)) {
			sh->sites_failed++;
			sh->first_bad_site = rec.start;
			say(v, r.why, rec.start);
			return -1;
		}
		sh->sites_rewritten++;
		if (mode == RW_TRAP && vcpu_trap_site_add(v, rec.start + sh->link_offset + r.trap_at)) {
			say(v, "more sites than IPVMM_MAX_TRAP_SITES for trap mode", sh->afterburn_count);
			return -1;
		}
	}
	vcpu_trap_sites_sort(v);
	return 0;
}

void burn_start_c(struct ipvmm_upcall_state *s)
{
	struct vcpu *v = &ipvmm_vcpu;
	int32_t ver = hcall_version();

	dev_backend.ops = &ipvmm_backend_hypercalls;
	dev_backend.ctx = v;
	vcpu_init(v, &ipvmm_shared, &vcpu_hv_hypercalls, v, &dev_backend);
	ipvmm_shared.sti_ret = A(burn_sti_ret);
	ipvmm_shared.sti_deliver = A(burn_sti_deliver);
	ipvmm_shared.iret_restart = A(iret_restart);
	ipvmm_shared.iret_restart_end = A(iret_restart_end);
	vcpu_update_hook(v);
	if (ver < 0 || ((uint32_t)ver >> 16) != HC_ABI_MAJOR) {
		say(v, "hypercall ABI major version mismatch", (uint32_t)ver);
		vcpu_console_flush(v);
		v->hv->shutdown(v->hv_ctx, IPVMM_STOP | IPVMM_FAIL_VERSION);
	}
	hcall_set_upcall(A(burn_upcall_irq), A(burn_upcall_exc), A(ipvmm_stack_top), 0, 0);
	/* Ring 3's int $0x80 straight into ring 1 (direct.asm); trap mode
	   keeps the trapping path it measures. */
	if (!ipvmm_shared.rewrite_mode)
		v->direct.installed =
			hcall_direct_gate(DIRECT_VEC, A(&v->direct.stack[8])) == 0;
	if (rewrite_all(v)) {
		vcpu_console_flush(v);
		v->hv->shutdown(v->hv_ctx, IPVMM_STOP | IPVMM_FAIL_REWRITE);
	}
	/* Enter the guest as the upcall state says (its Multiboot entry). */
	s->vector = IPVMM_UPCALL_IRQ;
	burn_upcall_c(s);
}
