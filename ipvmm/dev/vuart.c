/* 16550A model after the datasheet and QEMU's serial.c. */
#include "../devices.h"
#include "x86/uart16550.h"

static struct vuart *unit_of(struct ipvmm_devs *d, unsigned unit)
{
	(void)unit;		/* COM1 only for now */
	return &d->com1;
}

static unsigned fifo_depth(const struct vuart *u)
{
	return (u->fcr & UART_FCR_ENABLE) ? CONFIG_IPVMM_UART_FIFO : 1;
}

void vuart_update_irq(struct ipvmm_devs *d, struct vuart *u)
{
	uint8_t id = UART_IIR_NONE;
	bool level;

	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_ERRS))
		id = UART_IIR_RLSI;
	else if ((u->ier & UART_IER_RDI) && (u->lsr & UART_LSR_DR))
		id = UART_IIR_RDI;
	else if ((u->ier & UART_IER_THRI) && u->thr_ipending)
		id = UART_IIR_THRI;
	else if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_DELTA))
		id = UART_IIR_MSI;
	u->iir = (uint8_t)(((u->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0) | id);
	/* On a PC the INTR pin reaches the PIC through OUT2. */
	level = id != UART_IIR_NONE && (u->mcr & UART_MCR_OUT2);
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
		u->lsr |= UART_LSR_OE;
		vuart_update_irq(d, u);
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % CONFIG_IPVMM_UART_FIFO] = byte;
	u->rx_count++;
	u->lsr |= UART_LSR_DR;
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
		u->lsr &= ~(UART_LSR_DR | UART_LSR_BI);
	return b;
}

static void transmit(struct ipvmm_devs *d, struct vuart *u, uint8_t b)
{
	u->thr_ipending = false;
	if (u->mcr & UART_MCR_LOOP)
		vuart_receive(d, u, b);
	else
		d->be->ops->console_putc(d->be->ctx, u->unit, b);
	/* The byte left at once: THR and the shift register are empty. */
	u->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
	u->thr_ipending = true;
}

/* In loopback the modem outputs drive the inputs. */
static uint8_t msr_value(const struct vuart *u)
{
	if (u->mcr & UART_MCR_LOOP)
		return (uint8_t)(((u->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
				 ((u->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
				 ((u->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
				 ((u->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0));
	return u->msr;
}

void vuart_write(struct ipvmm_devs *d, unsigned unit, uint16_t port, uint32_t v)
{
	struct vuart *u = unit_of(d, unit);
	uint8_t val = (uint8_t)v, changed;

	switch (port & 7) {
	case UART_THR:
		if (u->lcr & UART_LCR_DLAB)
			u->divisor = (uint16_t)((u->divisor & 0xff00) | val);
		else
			transmit(d, u, val);
		break;
	case UART_IER:
		if (u->lcr & UART_LCR_DLAB) {
			u->divisor = (uint16_t)((u->divisor & 0x00ff) | val << 8);
			break;
		}
		changed = (u->ier ^ val) & 0x0f;
		u->ier = val & 0x0f;
		/* Enabling THRI while THR is empty raises it at once. */
		if (changed & UART_IER_THRI)
			u->thr_ipending = (u->ier & UART_IER_THRI) && (u->lsr & UART_LSR_THRE);
		break;
	case UART_FCR:
		if ((val ^ u->fcr) & UART_FCR_ENABLE)
			u->rx_count = 0;	/* switching modes clears FIFOs */
		if (val & UART_FCR_CLR_RX)
			u->rx_count = 0;
		if (!u->rx_count)
			u->lsr &= ~UART_LSR_DR;
		if (val & UART_FCR_DMA)
			ipvmm_unimp(d, "uart", "DMA mode 1 (FCR bit 3)", val);
		u->fcr = val & 0xc1;	/* clear bits are self-resetting */
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		if ((val & UART_MCR_LOOP) != (u->mcr & UART_MCR_LOOP))
			u->msr &= ~UART_MSR_DELTA;
		u->mcr = val & 0x1f;
		break;
	case UART_LSR:
		ipvmm_unimp(d, "uart", "write to LSR (factory test)", val);
		break;
	case UART_MSR:
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
	case UART_RBR:
		if (u->lcr & UART_LCR_DLAB)
			return u->divisor & 0xff;
		ret = rx_pop(u);
		break;
	case UART_IER:
		return (u->lcr & UART_LCR_DLAB) ? u->divisor >> 8 : u->ier;
	case UART_IIR:
		ret = u->iir;
		/* Reading IIR acknowledges a THRE interrupt. */
		if ((ret & UART_IIR_ID) == UART_IIR_THRI)
			u->thr_ipending = false;
		break;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		ret = u->lsr;
		/* Error bits clear on read; without them the read changes
		   nothing and the IRQ line (updated on every change) stands. */
		if (!(ret & (UART_LSR_OE | UART_LSR_BI)))
			return ret;
		u->lsr &= ~(UART_LSR_OE | UART_LSR_BI);
		break;
	case UART_MSR:
		ret = msr_value(u);
		u->msr &= ~UART_MSR_DELTA;
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
	u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
	u->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;	/* a connected line */
	vuart_update_irq(d, u);
}
