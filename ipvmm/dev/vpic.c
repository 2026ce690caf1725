/*
 * 8259A model. Priorities rotate with priority_add (the IRQ that currently
 * has the highest priority); every state change ends in vpic_update(),
 * the one place that computes the INT lines.
 */
#include "../devices.h"

#define ICW1_ICW4   0x01
#define ICW1_SINGLE 0x02
#define ICW1_LTIM   0x08
#define ICW1_INIT   0x10
#define ICW4_8086   0x01
#define ICW4_AEOI   0x02
#define ICW4_SFNM   0x10
#define OCW3_SEL    0x08
#define CASCADE_IRQ 2

static const char *const name[2] = { "pic-master", "pic-slave" };

/* Priority level (0 highest) of the best bit in mask, 8 if none. */
static unsigned priority(const struct vpic_chip *c, uint8_t mask)
{
	/* Rotate so that bit 0 is the IRQ with the highest priority, then
	   the lowest set bit is the level: bsf, no loop. */
	uint32_t m = (uint32_t)mask | (uint32_t)mask << 8;

	m = (m >> (c->priority_add & 7)) & 0xff;
	return m ? (unsigned)__builtin_ctz(m) : 8;
}

/* The IRQ this chip would present now, or -1. */
static inline __attribute__((always_inline)) int chip_pending(const struct vpic_chip *c, bool master)
{
	unsigned req = priority(c, c->irr & ~c->imr);
	uint8_t in_service = c->isr;

	if (req == 8)
		return -1;
	if (c->special_mask)
		in_service &= ~c->imr;
	/* Special fully nested: the slave may interrupt its own service. */
	if (c->sfnm && master)
		in_service &= ~(1u << CASCADE_IRQ);
	if (req < priority(c, in_service))
		return (int)((req + c->priority_add) & 7);
	return -1;
}

static void chip_edge(struct vpic_chip *c, unsigned irq, bool level)
{
	uint8_t m = (uint8_t)(1u << irq);

	if (level) {
		if (!(c->last_irr & m))
			c->irr |= m;
		c->last_irr |= m;
	} else {
		c->last_irr &= ~m;
	}
}

void vpic_update(struct ipvmm_devs *d)
{
	struct vpic *p = &d->pic;

	chip_edge(&p->chip[0], CASCADE_IRQ, chip_pending(&p->chip[1], false) >= 0);
	p->intr = chip_pending(&p->chip[0], true) >= 0;
}

static void chip_reset(struct vpic_chip *c)
{
	*c = (struct vpic_chip){ 0 };
}

/*
 * The state the BIOS leaves behind for a GRUB-booted guest: both chips
 * initialised (vectors 0x08 and 0x70, slave on IRQ2, 8086 mode), every
 * line masked but the cascade.
 */
void vpic_init(struct ipvmm_devs *d)
{
	static const uint8_t base[2] = { 0x08, 0x70 }, mask[2] = { 0xfb, 0xff };

	for (unsigned i = 0; i < 2; i++) {
		chip_reset(&d->pic.chip[i]);
		d->pic.chip[i].irq_base = base[i];
		d->pic.chip[i].imr = mask[i];
		d->pic.chip[i].init4 = true;
		d->pic.chip[i].icw3 = i ? CASCADE_IRQ : 1u << CASCADE_IRQ;
	}
	vpic_update(d);
}

void vpic_set_irq(struct ipvmm_devs *d, unsigned irq, bool level)
{
	if (irq >= VPIC_IRQS) {
		d->be->ops->log(d->be->ctx, IPVMM_LOG_ERROR, "pic",
				"irq line out of range", irq);
		return;
	}
	struct vpic_chip *c = &d->pic.chip[irq >> 3];

	/* The line keeps its level: no edge, nothing changes (every change
	   already ended in vpic_update), so the outputs stand. */
	if (!(c->last_irr & (1u << (irq & 7))) == !level)
		return;
	chip_edge(c, irq & 7, level);
	vpic_update(d);
}

void vpic_pulse_irq(struct ipvmm_devs *d, unsigned irq, bool level_after)
{
	vpic_set_irq(d, irq, false);
	vpic_set_irq(d, irq, true);
	if (!level_after)
		vpic_set_irq(d, irq, false);
}

/* INTA on one chip: move the request into service (unless auto-EOI). */
static void intack(struct vpic_chip *c, unsigned irq)
{
	if (c->auto_eoi) {
		if (c->rotate_on_auto_eoi)
			c->priority_add = (uint8_t)((irq + 1) & 7);
	} else {
		c->isr |= (uint8_t)(1u << irq);
	}
	c->irr &= (uint8_t)~(1u << irq);
}

uint8_t vpic_ack(struct ipvmm_devs *d)
{
	struct vpic_chip *m = &d->pic.chip[0], *s = &d->pic.chip[1];
	int irq = chip_pending(m, true);
	uint8_t vector;

	if (irq < 0) {
		/* The request went away before INTA: spurious IRQ7. */
		vector = (uint8_t)(m->irq_base + 7);
	} else if (irq == CASCADE_IRQ) {
		int irq2 = chip_pending(s, false);

		if (irq2 >= 0) {
			intack(s, (unsigned)irq2);
			vector = (uint8_t)(s->irq_base + irq2);
		} else {
			vector = (uint8_t)(s->irq_base + 7);	/* slave spurious */
		}
		intack(m, CASCADE_IRQ);
	} else {
		intack(m, (unsigned)irq);
		vector = (uint8_t)(m->irq_base + irq);
	}
	vpic_update(d);
	return vector;
}

/* Poll command: a read that acknowledges, 0x80 | level, or 0 if none. */
static uint8_t poll_read(struct ipvmm_devs *d, unsigned chip)
{
	struct vpic_chip *c = &d->pic.chip[chip];
	int irq = chip_pending(c, chip == 0);

	c->poll = false;
	if (irq < 0)
		return 0;
	/* Each chip answers its own poll; a master IRQ2 means "poll the
	 * slave next", as on hardware. */
	intack(c, (unsigned)irq);
	vpic_update(d);
	return (uint8_t)(0x80 | irq);
}

static void eoi(struct vpic_chip *c, uint8_t ocw2)
{
	unsigned cmd = ocw2 >> 5, irq = ocw2 & 7, p;

	switch (cmd) {
	case 0:			/* clear rotate in auto-EOI mode */
	case 4:			/* set rotate in auto-EOI mode */
		c->rotate_on_auto_eoi = cmd == 4;
		break;
	case 1:			/* non-specific EOI */
	case 5:			/* rotate on non-specific EOI */
		p = priority(c, c->isr);
		if (p != 8) {
			irq = (p + c->priority_add) & 7;
			c->isr &= (uint8_t)~(1u << irq);
			if (cmd == 5)
				c->priority_add = (uint8_t)((irq + 1) & 7);
		}
		break;
	case 3:			/* specific EOI */
		c->isr &= (uint8_t)~(1u << irq);
		break;
	case 7:			/* rotate on specific EOI */
		c->isr &= (uint8_t)~(1u << irq);
		c->priority_add = (uint8_t)((irq + 1) & 7);
		break;
	case 6:			/* set priority: irq becomes the lowest */
		c->priority_add = (uint8_t)((irq + 1) & 7);
		break;
	default:		/* 2: no operation */
		break;
	}
}

void vpic_write(struct ipvmm_devs *d, unsigned chip, uint16_t port, uint32_t v)
{
	struct vpic_chip *c = &d->pic.chip[chip];
	uint8_t val = (uint8_t)v;

	if ((port & 1) == 0) {
		if (val & ICW1_INIT) {
			/* Edge sense reset: a line already high must fall
			 * and rise again to request, so line levels stay. */
			uint8_t lines = c->last_irr;

			chip_reset(c);
			c->last_irr = lines;
			c->init_state = 1;
			c->init4 = val & ICW1_ICW4;
			c->single = val & ICW1_SINGLE;
			if (val & ICW1_LTIM)
				ipvmm_unimp(d, name[chip], "level-triggered mode (ICW1 LTIM)", val);
			if (c->single)
				ipvmm_unimp(d, name[chip], "single mode on a cascaded pair", val);
		} else if (val & OCW3_SEL) {
			if (val & 0x04)
				c->poll = true;
			if (val & 0x02)
				c->read_isr = val & 0x01;
			if (val & 0x40)
				c->special_mask = (val >> 5) & 1;
		} else {
			eoi(c, val);
		}
	} else {
		switch (c->init_state) {
		case 0:		/* OCW1 */
			c->imr = val;
			break;
		case 1:		/* ICW2 */
			c->irq_base = val & 0xf8;
			c->init_state = c->single ? (c->init4 ? 3 : 0) : 2;
			break;
		case 2:		/* ICW3 */
			c->icw3 = val;
			if (chip == 0 ? val != (1u << CASCADE_IRQ) : val != CASCADE_IRQ)
				ipvmm_unimp(d, name[chip], "cascade wiring other than slave on IRQ2 (ICW3)", val);
			c->init_state = c->init4 ? 3 : 0;
			break;
		default:	/* ICW4 */
			if (!(val & ICW4_8086))
				ipvmm_unimp(d, name[chip], "8080/8085 mode (ICW4 uPM=0)", val);
			if (val & 0x0c)
				ipvmm_unimp(d, name[chip], "buffered mode (ICW4 BUF)", val);
			c->auto_eoi = val & ICW4_AEOI;
			c->sfnm = val & ICW4_SFNM;
			c->init_state = 0;
			break;
		}
	}
	/* A write to the master leaves the slave, and so the cascade line
	   (set at the last update), as it was: only the master's output. */
	if (chip == 0)
		d->pic.intr = chip_pending(c, true) >= 0;
	else
		vpic_update(d);
}

uint32_t vpic_read(struct ipvmm_devs *d, unsigned chip, uint16_t port)
{
	struct vpic_chip *c = &d->pic.chip[chip];

	if (c->poll)
		return poll_read(d, chip);
	if (port & 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}
