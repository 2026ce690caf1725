/*
 * The fast port path (docs/rewriter.md, "Port sites"): a rewritten in/out
 * site (not ins/outs) calls a burn_fio_* entry of burn.asm, which saves
 * only %ecx, %edx and the real flags and calls fastio_c on the IPVMM
 * stack, registers only: no struct burn_frame, no decoded instruction,
 * no guest state. What the slow path (burn_io in frontend.c, then
 * emulate_io) does for such a site at virtual CPL 0 is done here the same
 * way: count the exit, fold pending work into the devices, the access
 * through the device switch, re-arm the sti hook; the trampoline then
 * enters the frontend (BURN_ID_CHECK) only if IF is set and work is
 * pending, as burn_common_c would deliver it.
 */
#include "devswitch.h"
#include "fastio.h"
#include "vcpu.h"

/* The ring the trampolines accept (burn.asm compares %cs with it): the
   guest kernel's. Any other caller takes the slow path's CPL/IOPL check. */
const uint8_t fio_kernel_rpl = IPVMM_KERNEL_RPL;

FIO_REGPARM uint32_t fastio_c(uint32_t eax, uint32_t port_info)
{
	struct vcpu *v = &ipvmm_vcpu;
	uint16_t port = (uint16_t)port_info;
	unsigned info = port_info >> 16, size = FIO_INFO_SIZE(info);

	v->stats.exits[(info & FIO_OUT) ? DEC_OUT : DEC_IN]++;
	if (v->sh->pending || v->sh->con_in_head != v->sh->con_in_tail)
		vcpu_fold_pending(v);
	if (info & FIO_OUT) {
		devsw_out(&v->devs, port, size, eax);
	} else {
		uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

		eax = (eax & ~mask) | (devsw_in(&v->devs, port, size) & mask);
	}
	vcpu_update_hook(v);
	return eax;
}
