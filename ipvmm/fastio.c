/*
 * The fast port path (docs/rewriter.md, "Port sites"): a rewritten in/out
 * site (not ins/outs) calls a burn_fio_* entry of burn.asm, which saves
 * only %ecx, %edx and the real flags and calls fastio_c on the IPVMM
 * stack (fio_in8, fio_out8; fastio_c for words and dwords), registers only: no struct burn_frame, no decoded instruction,
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

/* The body every entry shares; out and size are constants in fio_in8 and
   fio_out8, so their copies are straight-line. */
static inline __attribute__((always_inline)) uint32_t fio_body(uint32_t eax, uint16_t port,
								unsigned out, unsigned size)
{
	struct vcpu *v = &ipvmm_vcpu;
	struct ipvmm_shared *sh = v->sh;

	v->stats.exits[out ? DEC_OUT : DEC_IN]++;
	if (sh->pending || sh->con_in_head != sh->con_in_tail)
		vcpu_fold_pending(v);
	if (out) {
		if (size == 1)
			devsw_out8(&v->devs, port, (uint8_t)eax);
		else
			devsw_out(&v->devs, port, size, eax);
	} else if (size == 1) {
		eax = (eax & ~0xffu) | devsw_in8(&v->devs, port);
	} else {
		uint32_t mask = size == 4 ? 0xffffffffu : 0xffffu;

		eax = (eax & ~mask) | (devsw_in(&v->devs, port, size) & mask);
	}
	/* vcpu_update_hook, inline: ret first, then the re-check. */
	sh->sti_hook = sh->sti_ret;
	if (sh->pending || v->devs.pic.intr)
		sh->sti_hook = sh->sti_deliver;
	return eax;
}

FIO_REGPARM uint32_t fio_in8(uint32_t eax, uint32_t port_info)
{
	return fio_body(eax, (uint16_t)port_info, 0, 1);
}

FIO_REGPARM uint32_t fio_out8(uint32_t eax, uint32_t port_info)
{
	return fio_body(eax, (uint16_t)port_info, 1, 1);
}

FIO_REGPARM uint32_t fastio_c(uint32_t eax, uint32_t port_info)
{
	unsigned info = port_info >> 16, size = FIO_INFO_SIZE(info);

	if (info & FIO_OUT)
		return fio_body(eax, (uint16_t)port_info, 1, size == 4 ? 4 : 2);
	return fio_body(eax, (uint16_t)port_info, 0, size == 4 ? 4 : 2);
}
