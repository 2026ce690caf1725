/*
 * The rewriter's view of the IPVMM: the link-time addresses of the vCPU
 * fields and trampolines a rewritten site refers to.
 */
#include "vcpu.h"

extern char burn_pushf[], burn_popf[], burn_iret[], burn_hlt[], burn_lret[], burn_lret_imm[];
extern char burn_io_dx[], burn_io_str[];
extern char burn_fio_in_b[], burn_fio_in_w[], burn_fio_in_l[];
extern char burn_fio_out_b[], burn_fio_out_w[], burn_fio_out_l[];
extern char burn_fio_dx_in_b[], burn_fio_dx_in_w[], burn_fio_dx_in_l[];
extern char burn_fio_dx_out_b[], burn_fio_dx_out_w[], burn_fio_dx_out_l[];
extern char burn_generic_stubs[], burn_sti_ret[];
extern char fdev_pic0_cmd_out[], fdev_pic0_imr_out[], fdev_pic0_imr_in[], fdev_kbc_status_in[], fdev_rtc_index_out[];
extern char fdev_pit_in[], fdev_pit_cmd_out[], fdev_rtc_data_in[], fdev_dx_in_b[], fdev_dx_in_l[], fdev_dx_out_l[];

void ipvmm_rw_syms(struct rw_syms *s);

#define A(sym) ((uint32_t)(uintptr_t)(sym))

void ipvmm_rw_syms(struct rw_syms *s)
{
	s->vif = A(&ipvmm_shared.vif);
	s->sti_hook = A(&ipvmm_shared.sti_hook);
	s->sti_ret = A(burn_sti_ret);
	s->veflags = A(&ipvmm_vcpu.eflags);
	s->cr[0] = A(&ipvmm_vcpu.cr0);
	s->cr[1] = 0;
	s->cr[2] = A(&ipvmm_vcpu.cr2);
	s->cr[3] = A(&ipvmm_vcpu.cr3);
	s->cr[4] = A(&ipvmm_vcpu.cr4);
	s->burn[RW_BURN_PUSHF] = A(burn_pushf);
	s->burn[RW_BURN_POPF] = A(burn_popf);
	s->burn[RW_BURN_IRET] = A(burn_iret);
	s->burn[RW_BURN_HLT] = A(burn_hlt);
	s->burn[RW_BURN_LRET] = A(burn_lret);
	s->burn[RW_BURN_LRET_IMM] = A(burn_lret_imm);
	s->burn[RW_BURN_IO_IMM] = 0;		/* per direction and size, below */
	s->burn[RW_BURN_IO_DX] = A(burn_io_dx);
	s->burn[RW_BURN_IO_STR] = A(burn_io_str);
	/* in/out take the fast entries; burn_io_{in,out}_* and burn_io_dx
	   are their slow twins (burn.asm), never a site's target. */
	s->io_imm[0][0] = A(burn_fio_in_b);
	s->io_imm[0][1] = A(burn_fio_in_w);
	s->io_imm[0][2] = A(burn_fio_in_l);
	s->io_imm[1][0] = A(burn_fio_out_b);
	s->io_imm[1][1] = A(burn_fio_out_w);
	s->io_imm[1][2] = A(burn_fio_out_l);
	/* %dx sites of the sizes fastdev.asm answers dispatch on the port
	   there and fall back to these burn_fio_dx_* entries. */
	s->io_dx[0][0] = A(fdev_dx_in_b);
	s->io_dx[0][1] = A(burn_fio_dx_in_w);
	s->io_dx[0][2] = A(fdev_dx_in_l);
	s->io_dx[1][0] = A(burn_fio_dx_out_b);
	s->io_dx[1][1] = A(burn_fio_dx_out_w);
	s->io_dx[1][2] = A(fdev_dx_out_l);
	/* The hot registers' own entries (fastdev.asm), byte-wide. */
	static const struct { uint8_t port, out; char *entry; } hot[] = {
		{ 0x20, 1, fdev_pic0_cmd_out }, { 0x21, 1, fdev_pic0_imr_out }, { 0x21, 0, fdev_pic0_imr_in },
		{ 0x64, 0, fdev_kbc_status_in }, { 0x70, 1, fdev_rtc_index_out },
		{ 0x71, 0, fdev_rtc_data_in }, { 0x43, 1, fdev_pit_cmd_out },
		{ 0x40, 0, fdev_pit_in }, { 0x41, 0, fdev_pit_in }, { 0x42, 0, fdev_pit_in },
	};
	_Static_assert(sizeof(hot) / sizeof(hot[0]) < RW_IO_PORTS, "io_port ends with entry 0");
	for (unsigned i = 0; i < RW_IO_PORTS; i++)
		s->io_port[i] = i < sizeof(hot) / sizeof(hot[0]) ?
			(struct rw_io_port){ hot[i].port, hot[i].out, 1, A(hot[i].entry) } :
			(struct rw_io_port){ 0, 0, 0, 0 };
	s->generic_base = A(burn_generic_stubs);
}

