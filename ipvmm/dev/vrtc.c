/*
 * MC146818 model. Registers 0-9 are computed from the current second on
 * every read; register A's UIP bit is high during the last 244 us before
 * each second boundary, as on the chip; register C collects PF/UF flags
 * for the periods and updates that elapsed since it was last read.
 */
#include "../devices.h"
#include "../util.h"
#include "civil.h"

#define NS_PER_S   1000000000u
#define UIP_NS     244000u
#define UIP_LATE_NS 50000000u	/* how late a missed UIP window is still shown */
#define REG_A 0x0a
#define REG_B VRTC_REG_B
#define REG_C 0x0c
#define REG_D 0x0d
#define A_UIP 0x80
#define B_SET VRTC_B_SET
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_DM  0x04	/* binary rather than BCD */
#define B_24H 0x02
#define C_IRQF 0x80
#define C_PF   0x40
#define C_UF   0x10
#define CENTURY VRTC_CENTURY

static uint64_t now(struct ipvmm_devs *d)
{
	return ipvmm_now(d->be);
}

uint64_t vrtc_seconds(struct ipvmm_devs *d)
{
	const struct vrtc *r = &d->rtc;

	return r->base_s + ipvmm_div64(now(d) - r->base_ns, NS_PER_S, 0);
}

/* Periodic rate from register A's RS bits: period in ns, 0 if off. */
static uint32_t period_ns(const struct vrtc *r)
{
	unsigned rs = r->cmos[REG_A] & 0x0f;

	if (!rs)
		return 0;
	if (rs < 3)
		rs += 7;	/* 1, 2 alias 8, 9 (256, 128 Hz) */
	/* 32768 Hz >> (rs - 1): period = 2^(rs-1) / 32768 s */
	return (uint32_t)(((uint64_t)NS_PER_S << (rs - 1)) >> 15);
}

/* Days since 1970-01-01 -> civil date (H. Hinnant's algorithm, 32-bit). */
static void civil(uint32_t days, uint32_t *y, uint32_t *m, uint32_t *dd)
{
	uint32_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	*dd = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static uint8_t enc(const struct vrtc *r, uint32_t v)
{
	return (r->cmos[REG_B] & B_DM) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static uint32_t dec(const struct vrtc *r, uint8_t v)
{
	return (r->cmos[REG_B] & B_DM) ? v : (uint32_t)(v >> 4) * 10 + (v & 0xf);
}

static uint8_t enc_hour(const struct vrtc *r, uint32_t h)
{
	if (r->cmos[REG_B] & B_24H)
		return enc(r, h);
	return (uint8_t)(enc(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}

static uint32_t dec_hour(const struct vrtc *r, uint8_t v)
{
	uint32_t h;

	if (r->cmos[REG_B] & B_24H)
		return dec(r, v);
	h = dec(r, v & 0x7f) % 12;
	return (v & 0x80) ? h + 12 : h;
}

/* The ten time registers (0-9) and the century byte for second s
 * (32-bit Unix time: good until 2106, and no libgcc division). */
static void to_regs(struct vrtc *r, uint64_t s64, uint8_t t[10])
{
	uint32_t s = (uint32_t)s64;
	uint32_t days, sod, y, m, dd;

	if (r->regs_ok && r->regs_s == s && r->regs_b == r->cmos[REG_B]) {
		for (unsigned i = 0; i < 10; i++)
			t[i] = r->regs[i];
		t[1] = r->cmos[1];
		t[3] = r->cmos[3];
		t[5] = r->cmos[5];
		r->cmos[CENTURY] = r->regs_century;
		return;
	}
	days = s / 86400u;
	sod = s % 86400u;
	civil(days, &y, &m, &dd);
	t[0] = enc(r, sod % 60);
	t[2] = enc(r, sod / 60 % 60);
	t[4] = enc_hour(r, sod / 3600);
	t[6] = enc(r, (days + 4) % 7 + 1);	/* 1970-01-01 was a Thursday; Sunday = 1 */
	t[7] = enc(r, dd);
	t[8] = enc(r, m);
	t[9] = enc(r, y % 100);
	t[1] = r->cmos[1];
	t[3] = r->cmos[3];
	t[5] = r->cmos[5];
	r->cmos[CENTURY] = enc(r, y / 100);
	for (unsigned i = 0; i < 10; i++)
		r->regs[i] = t[i];
	r->regs_century = r->cmos[CENTURY];
	r->regs_s = s;
	r->regs_b = r->cmos[REG_B];
	r->regs_ok = true;
}

static uint64_t from_regs(const struct vrtc *r, const uint8_t t[10])
{
	uint32_t y = dec(r, r->cmos[CENTURY]) * 100 + dec(r, t[9]);
	uint32_t m = dec(r, t[8]), dd = dec(r, t[7]);

	if (m < 1 || m > 12 || dd < 1 || dd > 31 || y < 1970)
		return 0;
	return (uint64_t)days_from_civil(y, m, dd) * 86400u +
		dec_hour(r, t[4]) * 3600u + dec(r, t[2]) * 60u + dec(r, t[0]);
}

static bool running(const struct vrtc *r)
{
	return (r->cmos[REG_A] & 0x70) == 0x20 && !(r->cmos[REG_B] & B_SET);
}

void vrtc_update_irq(struct ipvmm_devs *d)
{
	struct vrtc *r = &d->rtc;
	uint64_t t = now(d) - r->base_ns;
	uint32_t p = period_ns(r);
	uint8_t *c = &r->cmos[REG_C], b = r->cmos[REG_B];

	if (p) {
		uint64_t n = ipvmm_div64(t, p, 0);

		if (n > r->pf_seen) {
			*c |= C_PF;
			r->pf_seen = n;
		}
	}
	if (running(r)) {
		uint64_t n = ipvmm_div64(t, NS_PER_S, 0);

		if (n > r->uf_seen) {
			*c |= C_UF;
			r->uf_seen = n;
		}
	}
	if ((*c & C_PF && b & B_PIE) || (*c & C_UF && b & B_UIE))
		*c |= C_IRQF;
	vpic_set_irq(d, VRTC_IRQ, *c & C_IRQF);
}

uint64_t vrtc_next_deadline(struct ipvmm_devs *d)
{
	struct vrtc *r = &d->rtc;
	uint64_t t = now(d) - r->base_ns, next = IPVMM_TIMER_NONE;
	uint32_t p = period_ns(r);

	/* Only while an enabled flag is clear: once IRQF is up nothing
	 * changes until the guest reads C. */
	if (r->cmos[REG_C] & C_IRQF)
		return IPVMM_TIMER_NONE;
	if (p && (r->cmos[REG_B] & B_PIE))
		next = (ipvmm_div64(t, p, 0) + 1) * p;
	if (running(r) && (r->cmos[REG_B] & B_UIE)) {
		uint64_t u = (ipvmm_div64(t, NS_PER_S, 0) + 1) * NS_PER_S;
		if (u < next)
			next = u;
	}
	return next == IPVMM_TIMER_NONE ? next : r->base_ns + next;
}

/* Restart the clock so it shows second s now, with a fresh fraction. */
static void set_clock(struct ipvmm_devs *d, uint64_t s)
{
	struct vrtc *r = &d->rtc;

	r->base_ns = now(d);
	r->base_s = s;
	r->pf_seen = r->uf_seen = 0;
}

uint32_t vrtc_read(struct ipvmm_devs *d, unsigned unused, uint16_t port)
{
	struct vrtc *r = &d->rtc;
	uint8_t t[10], v;
	uint32_t frac;

	(void)unused;
	if (!(port & 1))
		return 0xff;	/* the index register is write-only */
	if (r->index < 10) {
		if (r->cmos[REG_B] & B_SET)
			return r->set_time[r->index];
		to_regs(r, vrtc_seconds(d), t);
		return t[r->index];
	}
	switch (r->index) {
	case REG_A: {
		uint64_t sec = ipvmm_div64(now(d) - r->base_ns, NS_PER_S, &frac) + 1;

		v = r->cmos[REG_A] & 0x7f;
		if (!running(r)) {
			r->a_read_sec = 0;
			return v;
		}
		/* A guest polling for UIP whose vCPU was away for the whole
		   244 us window (a preemption, an interrupt delivered in it)
		   sees it once, late, on its first read after the update:
		   the edge it waits for is never lost. */
		if (frac >= NS_PER_S - UIP_NS || (r->a_read_sec && r->a_read_sec + 1 == sec && frac < UIP_LATE_NS)) {
			v |= A_UIP;
			r->a_read_sec = 0;
		} else {
			r->a_read_sec = sec;
		}
		return v;
	}
	case REG_C:
		vrtc_update_irq(d);
		v = r->cmos[REG_C];
		r->cmos[REG_C] = 0;	/* reading C acknowledges */
		vrtc_update_irq(d);
		ipvmm_devs_rearm(d);
		return v;
	case CENTURY:
		if (!(r->cmos[REG_B] & B_SET))
			to_regs(r, vrtc_seconds(d), t);
		return r->cmos[CENTURY];
	default:
		return r->cmos[r->index];
	}
}

void vrtc_write(struct ipvmm_devs *d, unsigned unused, uint16_t port, uint32_t v)
{
	struct vrtc *r = &d->rtc;
	uint8_t val = (uint8_t)v;

	(void)unused;
	if (!(port & 1)) {
		r->index = val & 0x7f;	/* bit 7 masks NMI: nothing to mask here */
		return;
	}
	if (r->index < 10 || r->index == CENTURY) {
		if (!(r->cmos[REG_B] & B_SET)) {
			/* A write to a running clock: take the current time,
			 * change one field, restart from there. */
			to_regs(r, vrtc_seconds(d), r->set_time);
			if (r->index == CENTURY)
				r->cmos[CENTURY] = val;
			else
				r->set_time[r->index] = val;
			if (r->index == 1 || r->index == 3 || r->index == 5)
				r->cmos[r->index] = val;
			set_clock(d, from_regs(r, r->set_time));
		} else if (r->index == CENTURY) {
			r->cmos[CENTURY] = val;
		} else {
			r->set_time[r->index] = val;
			if (r->index == 1 || r->index == 3 || r->index == 5)
				r->cmos[r->index] = val;
		}
		if ((r->index == 1 || r->index == 3 || r->index == 5) && (r->cmos[REG_B] & B_AIE))
			ipvmm_unimp(d, "rtc", "alarm interrupt", val);
	} else {
		switch (r->index) {
		case REG_A:
			if ((val & 0x70) != 0x20)
				ipvmm_unimp(d, "rtc", "divider other than 32.768 kHz running (A DV)", val);
			r->cmos[REG_A] = val & 0x7f;	/* UIP is read-only */
			r->pf_seen = ipvmm_div64(now(d) - r->base_ns, period_ns(r) ? period_ns(r) : 1, 0);
			break;
		case REG_B:
			if ((val & B_SET) && !(r->cmos[REG_B] & B_SET))
				to_regs(r, vrtc_seconds(d), r->set_time);	/* freeze */
			if (!(val & B_SET) && (r->cmos[REG_B] & B_SET)) {
				r->cmos[REG_B] = val;
				set_clock(d, from_regs(r, r->set_time));	/* restart */
			}
			if (val & B_AIE)
				ipvmm_unimp(d, "rtc", "alarm interrupt", val);
			if (val & 0x08)
				ipvmm_unimp(d, "rtc", "square-wave output", val);
			r->cmos[REG_B] = val;
			break;
		case REG_C:
		case REG_D:
			break;	/* read-only */
		default:
			r->cmos[r->index] = val;
			break;
		}
	}
	vrtc_update_irq(d);
	ipvmm_devs_rearm(d);
}

/* As the BIOS leaves it: 32.768 kHz divider, 1024 Hz rate selected but
 * not enabled, 24-hour BCD, valid RAM and time. */
void vrtc_init(struct ipvmm_devs *d)
{
	struct vrtc *r = &d->rtc;
	uint8_t t[10];

	*r = (struct vrtc){ 0 };
	r->cmos[REG_A] = 0x26;
	r->cmos[REG_B] = B_24H;
	r->cmos[REG_D] = 0x80;
	set_clock(d, d->be->ops->wallclock_s(d->be->ctx));
	to_regs(r, r->base_s, t);	/* sets the century byte */
}
