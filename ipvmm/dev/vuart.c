/* 16550A model after the datasheet and QEMU's serial.c. */
#include "../devices.h"

#define IER_RDI   0x01
#define IER_THRI  0x02
#define IER_RLSI  0x04
#define IER_MSI   0x08
#define IIR_NONE  0x01
#define IIR_MSI   0x00
#define IIR_THRI  0x02
#define IIR_RDI   0x04
#define IIR_RLSI  0x06
#define IIR_FIFO  0xc0
#define FCR_ENABLE 0x01
#define FCR_CLR_RX 0x02
#define LCR_DLAB  0x80
#define MCR_DTR   0x01
#define MCR_RTS   0x02
#define MCR_OUT1  0x04
#define MCR_OUT2  0x08
#define MCR_LOOP  0x10
#define LSR_DR    0x01
#define LSR_OE    0x02
#define LSR_BI    0x10
#define LSR_THRE  0x20
#define LSR_TEMT  0x40
#define LSR_ERRS  0x1e
#define MSR_DELTA 0x0f
#define MSR_CTS   0x10
#define MSR_DSR   0x20
#define MSR_RI    0x40
#define MSR_DCD   0x80

static struct vuart *unit_of(struct ipvmm_devs *d, unsigned unit)
{
	(void)unit;		/* COM1 only for now */
	return &d->com1;
}

static unsigned fifo_depth(const struct vuart *u)
{
	return (u->fcr & FCR_ENABLE) ? CONFIG_IPVMM_UART_FIFO : 1;
}

void vuart_update_irq(struct ipvmm_devs *d, struct vuart *u)
{
	uint8_t id = IIR_NONE;
	bool level;

	if ((u->ier & IER_RLSI) && (u->lsr & LSR_ERRS))
		id = IIR_RLSI;
	else if ((u->ier & IER_RDI) && (u->lsr & LSR_DR))
		id = IIR_RDI;
	else if ((u->ier & IER_THRI) && u->thr_ipending)
		id = IIR_THRI;
	else if ((u->ier & IER_MSI) && (u->msr & MSR_DELTA))
		id = IIR_MSI;
	u->iir = (uint8_t)(((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0) | id);
	/* On a PC the INTR pin reaches the PIC through OUT2. */
	level = id != IIR_NONE && (u->mcr & MCR_OUT2);
	u->irq_level = level;
	vpic_set_irq(d, u->irq, level);
}

unsigned vuart_rx_room(const struct vuart *u)
{
	return u->rx_count >= fifo_depth(u) ? 0 : fifo_depth(u) - u->rx_count;
}

bool vuart_receive(struct ipvmm_devs *d, struct vuart *u, uint8_t byte)
{
	if (u->rx_count >= fifo_depth(u)) {
		u->lsr |= LSR_OE;
		vuart_update_irq(d, u);
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % CONFIG_IPVMM_UART_FIFO] = byte;
	u->rx_count++;
	u->lsr |= LSR_DR;
	vuart_update_irq(d, u);
	return true;
}

static uint8_t rx_pop(struct vuart *u)
{
	uint8_t b = 0;

	if (u->rx_count) {
		b = u->rx[u->rx_head];
		u->rx_head = (uint8_t)((u->rx_head + 1) % CONFIG_IPVMM_UART_FIFO);
		u->rx_count--;
	}
	if (!u->rx_count)
		u->lsr &= ~(LSR_DR | LSR_BI);
	return b;
}

static void transmit(struct ipvmm_devs *d, struct vuart *u, uint8_t b)
{
	u->thr_ipending = false;
	if (u->mcr & MCR_LOOP)
		vuart_receive(d, u, b);
	else
		d->be->ops->console_putc(d->be->ctx, u->unit, b);
	/* The byte left at once: THR and the shift register are empty. */
	u->lsr |= LSR_THRE | LSR_TEMT;
	u->thr_ipending = true;
}

/* In loopback the modem outputs drive the inputs. */
static uint8_t msr_value(const struct vuart *u)
{
	if (u->mcr & MCR_LOOP)
		return (uint8_t)(((u->mcr & MCR_RTS) ? MSR_CTS : 0) |
				 ((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
				 ((u->mcr & MCR_OUT1) ? MSR_RI : 0) |
				 ((u->mcr & MCR_OUT2) ? MSR_DCD : 0));
	return u->msr;
}

void vuart_write(struct ipvmm_devs *d, unsigned unit, uint16_t port, uint32_t v)
{
	struct vuart *u = unit_of(d, unit);
	uint8_t val = (uint8_t)v, changed;

	switch (port & 7) {
	case 0:
		if (u->lcr & LCR_DLAB)
			u->divisor = (uint16_t)((u->divisor & 0xff00) | val);
		else
			transmit(d, u, val);
		break;
	case 1:
		if (u->lcr & LCR_DLAB) {
			u->divisor = (uint16_t)((u->divisor & 0x00ff) | val << 8);
			break;
		}
		changed = (u->ier ^ val) & 0x0f;
		u->ier = val & 0x0f;
		/* Enabling THRI while THR is empty raises it at once. */
		if (changed & IER_THRI)
			u->thr_ipending = (u->ier & IER_THRI) && (u->lsr & LSR_THRE);
		break;
	case 2:
		if ((val ^ u->fcr) & FCR_ENABLE)
			u->rx_count = 0;	/* switching modes clears FIFOs */
		if (val & FCR_CLR_RX)
			u->rx_count = 0;
		if (!u->rx_count)
			u->lsr &= ~LSR_DR;
		if (val & 0x08)
			ipvmm_unimp(d, "uart", "DMA mode 1 (FCR bit 3)", val);
		u->fcr = val & 0xc1;	/* clear bits are self-resetting */
		break;
	case 3:
		u->lcr = val;
		break;
	case 4:
		if ((val & MCR_LOOP) != (u->mcr & MCR_LOOP))
			u->msr &= ~MSR_DELTA;
		u->mcr = val & 0x1f;
		break;
	case 5:
		ipvmm_unimp(d, "uart", "write to LSR (factory test)", val);
		break;
	case 6:
		break;		/* MSR is read-only */
	default:
		u->scr = val;
		break;
	}
	vuart_update_irq(d, u);
}

uint32_t vuart_read(struct ipvmm_devs *d, unsigned unit, uint16_t port)
{
	struct vuart *u = unit_of(d, unit);
	uint32_t ret;

	switch (port & 7) {
	case 0:
		if (u->lcr & LCR_DLAB)
			return u->divisor & 0xff;
		ret = rx_pop(u);
		break;
	case 1:
		return (u->lcr & LCR_DLAB) ? u->divisor >> 8 : u->ier;
	case 2:
		ret = u->iir;
		/* Reading IIR acknowledges a THRE interrupt. */
		if ((ret & 0x0f) == IIR_THRI)
			u->thr_ipending = false;
		break;
	case 3:
		return u->lcr;
	case 4:
		return u->mcr;
	case 5:
		ret = u->lsr;
		/* Error bits clear on read; without them the read changes
		   nothing and the IRQ line (updated on every change) stands. */
		if (!(ret & (LSR_OE | LSR_BI)))
			return ret;
		u->lsr &= ~(LSR_OE | LSR_BI);
		break;
	case 6:
		ret = msr_value(u);
		u->msr &= ~MSR_DELTA;
		break;
	default:
		return u->scr;
	}
	vuart_update_irq(d, u);
	return ret;
}

void vuart_init(struct ipvmm_devs *d, struct vuart *u, uint8_t unit, uint8_t irq)
{
	*u = (struct vuart){ 0 };
	u->unit = unit;
	u->irq = irq;
	u->divisor = 12;	/* 9600 baud */
	u->lsr = LSR_THRE | LSR_TEMT;
	u->msr = MSR_DCD | MSR_DSR | MSR_CTS;	/* a connected line */
	vuart_update_irq(d, u);
}
