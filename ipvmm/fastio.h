/*
 * The fast port path's calling convention (fastio.c, burn.asm burn_fio_*):
 * %eax the guest's eax, %edx the port in bits 0-15 and the info in bits
 * 16-31 (FIO_OUT, the size 1, 2 or 4 in bits 1-3); returns the guest's
 * new eax. Register arguments on the target; on a host build (the unit
 * tests link the frontend, never call this) the attribute does not exist.
 */
#ifndef IPVMM_FASTIO_H
#define IPVMM_FASTIO_H

#include <stdint.h>

#define FIO_OUT 0x01
#define FIO_INFO(out, size) ((out) | ((size) << 1))
#define FIO_INFO_SIZE(info) (((info) >> 1) & 7)

#if defined(__i386__)
#define FIO_REGPARM __attribute__((regparm(2)))
#else
#define FIO_REGPARM
#endif

FIO_REGPARM uint32_t fastio_c(uint32_t eax, uint32_t port_info);	/* 2 or 4 bytes */
FIO_REGPARM uint32_t fio_in8(uint32_t eax, uint32_t port_info);
FIO_REGPARM uint32_t fio_out8(uint32_t eax, uint32_t port_info);
extern const uint8_t fio_kernel_rpl;

#endif /* IPVMM_FASTIO_H */
