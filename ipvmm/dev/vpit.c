/*
 * 8254 model after the datasheet and QEMU's i8254: a channel remembers
 * when it started counting; the counter, the output and the next output
 * edge are functions of the elapsed time. A falling gate freezes time for
 * the channel (modes 0 and 4 resume, the others restart on the rise).
 */
#include "../devices.h"
#include "../util.h"

#define NS_PER_SEC 1000000000u
#define REFRESH_NS 15085u	/* port 0x61 bit 4 toggles every ~15 us */

enum {
	RW_LATCH = VPIT_RW_LATCH, RW_LSB = VPIT_RW_LSB, RW_MSB = VPIT_RW_MSB,
	RW_WORD0 = VPIT_RW_WORD0, RW_WORD1 = VPIT_RW_WORD1
};

static uint64_t now(struct ipvmm_devs *d)
{
	return ipvmm_now(d->be);
}

/* Input clock ticks the channel has counted. */
static uint64_t ticks(const struct vpit_channel *c, uint64_t t)
{
	uint64_t end = c->gate ? t : c->paused_at;

	if (end <= c->load_time)
		return 0;
	return ipvmm_muldiv64(end - c->load_time, VPIT_HZ, NS_PER_SEC, 0);
}

static uint32_t mod(uint64_t a, uint32_t b)
{
	uint32_t r;

	ipvmm_div64(a, b, &r);
	return r;
}

static bool out_at(const struct vpit_channel *c, uint64_t dt)
{
	if (!c->counting)
		return c->mode != 0;
	switch (c->mode) {
	case 0:
	case 1:
		return dt >= c->count;
	case 2:
		return c->count == 1 || mod(dt, c->count) != c->count - 1;
	case 3:
		return mod(dt, c->count) < (c->count + 1) / 2;
	default:		/* 4, 5: one-tick strobe at terminal count */
		return dt != c->count;
	}
}

/* Rising edges of the output from the start of counting to dt. */
static uint64_t edges_at(const struct vpit_channel *c, uint64_t dt)
{
	if (!c->counting)
		return 0;
	switch (c->mode) {
	case 0:
	case 1:
		return dt >= c->count;
	case 2:
	case 3:
		return ipvmm_div64(dt, c->count, 0);
	default:
		return dt > c->count;
	}
}

/* Tick of the first rising edge after dt, or UINT64_MAX. */
static uint64_t next_edge(const struct vpit_channel *c, uint64_t dt)
{
	if (!c->counting)
		return UINT64_MAX;
	switch (c->mode) {
	case 0:
	case 1:
		return dt < c->count ? c->count : UINT64_MAX;
	case 2:
	case 3:
		return (ipvmm_div64(dt, c->count, 0) + 1) * c->count;
	default:
		return dt <= c->count ? (uint64_t)c->count + 1 : UINT64_MAX;
	}
}

uint32_t vpit_count(struct ipvmm_devs *d, unsigned ch)
{
	const struct vpit_channel *c = &d->pit.ch[ch];
	uint64_t dt = ticks(c, now(d));

	if (!c->counting)
		return c->count & 0xffff;
	switch (c->mode) {
	case 2:
		return (c->count - mod(dt, c->count)) & 0xffff;
	case 3:
		return (c->count - mod(2 * dt, c->count)) & 0xffff;
	default:
		return (uint32_t)(c->count - dt) & 0xffff;
	}
}

bool vpit_out(struct ipvmm_devs *d, unsigned ch)
{
	const struct vpit_channel *c = &d->pit.ch[ch];

	/* A low gate forces OUT high at once in modes 2 and 3. */
	if (!c->gate && c->counting && (c->mode == 2 || c->mode == 3))
		return true;
	return out_at(c, ticks(c, now(d)));
}

void vpit_update_irq(struct ipvmm_devs *d)
{
	struct vpit_channel *c = &d->pit.ch[0];
	uint64_t dt = ticks(c, now(d));
	uint64_t e = edges_at(c, dt);

	/* Edges the backend timer was late for coalesce into one request,
	 * as the PIC's single IRR bit would on hardware. */
	if (e > c->edges) {
		c->edges = e;
		vpic_pulse_irq(d, 0, out_at(c, dt));
	} else {
		vpic_set_irq(d, 0, out_at(c, dt));
	}
}

uint64_t vpit_next_deadline(struct ipvmm_devs *d)
{
	const struct vpit_channel *c = &d->pit.ch[0];
	uint64_t tick, ns;

	if (!c->gate)
		return IPVMM_TIMER_NONE;
	tick = next_edge(c, ticks(c, now(d)));
	if (tick == UINT64_MAX)
		return IPVMM_TIMER_NONE;
	ns = ipvmm_muldiv64(tick, NS_PER_SEC, VPIT_HZ, 1);
	if (ns > IPVMM_TIMER_NONE - 1 - c->load_time)
		return IPVMM_TIMER_NONE;
	return c->load_time + ns;
}

static void changed(struct ipvmm_devs *d, unsigned ch)
{
	if (ch == 0) {
		vpit_update_irq(d);
		ipvmm_devs_rearm(d);
	}
}

static void start(struct ipvmm_devs *d, struct vpit_channel *c)
{
	uint64_t t = now(d);

	c->load_time = t;
	c->paused_at = t;
	c->edges = 0;
}

void vpit_set_gate(struct ipvmm_devs *d, unsigned ch, bool level)
{
	struct vpit_channel *c = &d->pit.ch[ch];
	uint64_t t = now(d);

	if (c->gate == level)
		return;
	if (!level) {
		c->paused_at = t;
		c->gate = false;
	} else {
		c->gate = true;
		if (c->mode == 0 || c->mode == 4)
			c->load_time += t - c->paused_at;	/* resume */
		else
			start(d, c);				/* retrigger */
	}
	changed(d, ch);
}

static void load_count(struct ipvmm_devs *d, unsigned ch, uint32_t val)
{
	struct vpit_channel *c = &d->pit.ch[ch];

	if (c->bcd)
		ipvmm_unimp(d, "pit", "BCD counting (count taken as binary)", val);
	c->count = val ? val : 0x10000;
	if ((c->mode == 2 || c->mode == 3) && c->count == 1)
		ipvmm_unimp(d, "pit", "count 1 in mode 2/3 is illegal on the 8254", ch);
	c->counting = true;
	start(d, c);
	changed(d, ch);
}

static void latch_count(struct ipvmm_devs *d, unsigned ch)
{
	struct vpit_channel *c = &d->pit.ch[ch];

	if (c->count_latched)
		return;		/* the first latch holds until read */
	c->latched_count = (uint16_t)vpit_count(d, ch);
	c->count_latched = c->rw_mode;
}

static void latch_status(struct ipvmm_devs *d, unsigned ch)
{
	struct vpit_channel *c = &d->pit.ch[ch];

	if (c->status_latched)
		return;
	c->status = (uint8_t)((vpit_out(d, ch) << 7) | (!c->counting << 6) |
			      (c->rw_mode << 4) | (c->mode << 1) | c->bcd);
	c->status_latched = true;
}

static void control(struct ipvmm_devs *d, uint8_t val)
{
	unsigned ch = val >> 6, access = (val >> 4) & 3;
	struct vpit_channel *c;

	if (ch == 3) {		/* read-back: bits 1-3 select channels */
		for (unsigned i = 0; i < 3; i++) {
			if (!(val & (2u << i)))
				continue;
			if (!(val & 0x20))
				latch_count(d, i);
			if (!(val & 0x10))
				latch_status(d, i);
		}
		return;
	}
	c = &d->pit.ch[ch];
	if (access == RW_LATCH) {
		latch_count(d, ch);
		return;
	}
	c->rw_mode = (uint8_t)access;
	c->read_state = c->write_state = (uint8_t)access;
	c->mode = (val >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;	/* 6 and 7 alias 2 and 3 */
	c->bcd = val & 1;
	c->counting = false;	/* control logic reset: wait for a count */
	c->count_latched = 0;
	c->status_latched = false;
	if (c->mode == 1 || c->mode == 5)
		ipvmm_unimp(d, "pit", "gate-triggered mode (1/5) approximated", c->mode);
	if (c->mode == 4)
		ipvmm_unimp(d, "pit", "software strobe mode 4 approximated", ch);
	changed(d, ch);
}

void vpit_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v)
{
	unsigned ch = port & 3;
	struct vpit_channel *c;
	uint8_t val = (uint8_t)v;

	(void)unused;
	if (ch == 3) {
		control(d, val);
		return;
	}
	c = &d->pit.ch[ch];
	switch (c->write_state) {
	case RW_LSB:
		load_count(d, ch, val);
		break;
	case RW_MSB:
		load_count(d, ch, (uint32_t)val << 8);
		break;
	case RW_WORD0:
		c->write_latch = val;
		c->write_state = RW_WORD1;
		break;
	case RW_WORD1:
		c->write_state = RW_WORD0;
		load_count(d, ch, c->write_latch | (uint32_t)val << 8);
		break;
	default:
		ipvmm_unimp(d, "pit", "count written before a mode", ch);
		break;
	}
}

uint32_t vpit_read(struct ipvmm_devs *d, unsigned unused, uint16_t port)
{
	unsigned ch = port & 3;
	struct vpit_channel *c;
	uint32_t count;

	(void)unused;
	if (ch == 3)
		return 0xff;	/* the control register is write-only */
	c = &d->pit.ch[ch];
	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->count_latched) {
		switch (c->count_latched) {
		case RW_MSB:
			c->count_latched = 0;
			return c->latched_count >> 8;
		case RW_WORD0:
			c->count_latched = RW_MSB;
			return c->latched_count & 0xff;
		default:
			c->count_latched = 0;
			return c->latched_count & 0xff;
		}
	}
	count = vpit_count(d, ch);
	switch (c->read_state) {
	case RW_MSB:
		return (count >> 8) & 0xff;
	case RW_WORD0:
		c->read_state = RW_WORD1;
		return count & 0xff;
	case RW_WORD1:
		c->read_state = RW_WORD0;
		return (count >> 8) & 0xff;
	default:
		return count & 0xff;
	}
}

uint32_t vport61_read(struct ipvmm_devs *d, unsigned unused, uint16_t port)
{
	uint32_t refresh;

	(void)unused;
	(void)port;
	refresh = (uint32_t)ipvmm_div64(now(d), REFRESH_NS, 0) & 1;
	return (d->port61 & 0x0f) | refresh << 4 | (uint32_t)vpit_out(d, 2) << 5;
}

void vport61_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v)
{
	(void)unused;
	(void)port;
	d->port61 = v & 0x0f;	/* bits 4-7 are status, read-only */
	vpit_set_gate(d, 2, v & 1);
}

/*
 * The state the BIOS leaves behind, which a GRUB-booted guest inherits:
 * channel 0 in mode 3 with count 65536 (18.2 Hz), gates 0 and 1 high,
 * channel 2's gate low (port 0x61 = 0).
 */
void vpit_init(struct ipvmm_devs *d)
{
	for (unsigned i = 0; i < 3; i++) {
		struct vpit_channel *c = &d->pit.ch[i];

		*c = (struct vpit_channel){ 0 };
		c->gate = i != 2;
		c->count = 0x10000;
		c->rw_mode = c->read_state = c->write_state = RW_WORD0;
	}
	d->pit.ch[0].mode = 3;
	d->pit.ch[0].counting = true;
	start(d, &d->pit.ch[0]);
}
