/*
 * The PC's 16550A UART (National Semiconductor PC16550D data sheet): the
 * register offsets from the port base and their bits. Shared by the
 * hypervisor's driver (drivers/uart.c) and the IPVMM's model
 * (ipvmm/dev/vuart.c).
 */
#ifndef X86_UART16550_H
#define X86_UART16550_H

#define UART_COM1 0x3f8u
#define UART_COM2 0x2f8u
#define UART_CLOCK_HZ 115200u	/* the divisor-latch base rate */

/* Register offsets; DLL/DLM with LCR.DLAB set. */
#define UART_RBR 0	/* read: receive buffer */
#define UART_THR 0	/* write: transmit holding */
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_IIR 2	/* read */
#define UART_FCR 2	/* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI   0x01	/* a byte arrived */
#define UART_IER_THRI  0x02	/* the transmitter is empty */
#define UART_IER_RLSI  0x04	/* a line status error */
#define UART_IER_MSI   0x08	/* a modem status change */

#define UART_IIR_NONE  0x01	/* no interrupt pending */
#define UART_IIR_MSI   0x00
#define UART_IIR_THRI  0x02
#define UART_IIR_RDI   0x04
#define UART_IIR_RLSI  0x06
#define UART_IIR_ID    0x0f	/* the interrupt id bits */
#define UART_IIR_FIFO  0xc0	/* both bits: a 16550A's working FIFO */

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLR_RX 0x02
#define UART_FCR_CLR_TX 0x04
#define UART_FCR_DMA    0x08	/* DMA mode 1 */

#define UART_LCR_8N1   0x03
#define UART_LCR_DLAB  0x80

#define UART_MCR_DTR   0x01
#define UART_MCR_RTS   0x02
#define UART_MCR_OUT1  0x04
#define UART_MCR_OUT2  0x08	/* on a PC: the INTR pin reaches the PIC */
#define UART_MCR_LOOP  0x10

#define UART_LSR_DR    0x01	/* data ready */
#define UART_LSR_OE    0x02	/* overrun */
#define UART_LSR_BI    0x10	/* break */
#define UART_LSR_ERRS  0x1e	/* OE, PE, FE, BI */
#define UART_LSR_THRE  0x20	/* transmit holding register (FIFO) empty */
#define UART_LSR_TEMT  0x40	/* transmitter empty */

#define UART_MSR_DELTA 0x0f	/* the four delta bits */
#define UART_MSR_CTS   0x10
#define UART_MSR_DSR   0x20
#define UART_MSR_RI    0x40
#define UART_MSR_DCD   0x80

#endif /* X86_UART16550_H */
