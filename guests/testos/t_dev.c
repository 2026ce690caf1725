/* Devices through port I/O: 8259A, 8254, MC146818, 16550A, PCI config
 * mechanism #1 and the i8042. Only loose bounds on anything timed, and
 * nothing timed is printed. */
#include "testos.h"
#include "x86.h"

static bool wait_ticks(uint32_t n)
{
	uint32_t t0 = ticks;
	for (uint32_t i = 0; i < 400000000 && ticks - t0 < n; i++)
		pause_();
	return ticks - t0 >= n;
}

void test_pic(void)
{
	uint32_t flags = irq_save();
	uint16_t imr = pic_read_imr();
	outb(0x21, 0xa4);
	outb(0xa1, 0x5b);
	uint16_t got = pic_read_imr();
	outb(0x21, imr & 0xff);
	outb(0xa1, imr >> 8);
	irq_restore(flags);
	CHECKF(got == 0x5ba4, "pic", "imr reads back the masks written to both chips", "imr=%x", got);

	wait_ticks(1);
	CHECKF(irq0_isr & 1, "pic", "isr shows irq0 in service inside its handler (ocw3)", "isr=%x", irq0_isr);
	CHECKF(!(pic_read_isr() & 1), "pic", "eoi cleared the isr bit", "isr=%x", pic_read_isr());

	pic_mask(0, true);
	uint32_t t0 = ticks;
	bool pend = pit_wait_pending_irq0();
	bool quiet = ticks == t0;
	pic_mask(0, false);
	bool resumed = wait_ticks(1);
	CHECKF(pend && quiet, "pic", "masked irq0 shows in irr (ocw3) and is not delivered", "pend=%u quiet=%u",
	       pend, quiet);
	CHECK(resumed, "pic", "unmasking delivers irq0 again");

	/* Without an EOI the in-service IRQ0 blocks itself. */
	irq0_no_eoi = 1;
	wait_ticks(1);
	t0 = ticks;
	pend = pit_wait_pending_irq0();
	uint16_t isr = pic_read_isr();
	bool blocked = ticks == t0;
	outb(0x20, 0x60);                  /* specific EOI for IRQ0 */
	bool cleared = !(pic_read_isr() & 1);
	resumed = wait_ticks(1);
	CHECKF(pend && blocked && (isr & 1), "pic", "irq0 in service blocks its next request until eoi",
	       "pend=%u blocked=%u isr=%x", pend, blocked, isr);
	CHECKF(cleared && resumed, "pic", "specific eoi clears isr and lets irq0 through", "cleared=%u resumed=%u",
	       cleared, resumed);

	/* A non-specific EOI with IF clear while IRQ0 is requested again:
	 * the request waits for the window and is taken in it. */
	irq0_no_eoi = 1;
	wait_ticks(1);
	uint32_t flags2 = irq_save();
	pend = pit_wait_pending_irq0();
	t0 = ticks;
	outb(0x20, 0x20);
	bool held = ticks == t0;
	__asm__ volatile("sti; nop; cli" ::: "memory");
	bool taken = ticks != t0;
	irq_restore(flags2);
	CHECKF(pend && held && taken, "pic", "eoi under cli with irq0 requested again: held, taken at sti",
	       "pend=%u held=%u taken=%u", pend, held, taken);
}

void test_pit(void)
{
	uint16_t reload = PIT_HZ / HZ;
	/* Successive latched values stay within the reload value and step
	 * down (modulo the reload); a host stall between two samples may make
	 * one step look large, so two of eight may. */
	uint16_t prev = pit_latch(0), bad = 0, downs = 0;
	for (int n = 0; n < 8; n++) {
		uint16_t cur = prev;
		for (uint32_t i = 0; i < 1000000 && cur == prev; i++)
			cur = pit_latch(0);
		uint16_t down = (uint16_t)((prev - cur + reload) % reload);
		if (cur == prev || cur > reload)
			bad++;
		else if (down > 0 && down <= reload / 2)
			downs++;
		prev = cur;
	}
	CHECKF(bad == 0 && downs >= 6, "pit", "latched counter reads count down within the reload value",
	       "bad=%u downs=%u", bad, downs);

	/* Channel 2 one-shot (mode 0, 65535 counts = 54.9 ms) as the yardstick
	 * for channel 0 at 1 kHz: expect about 55 ticks, accept 15..110 (QEMU
	 * without icount runs the PIT on host time; a stalled vCPU loses ticks). */
	pit_set_rate(PIT_HZ / 1000);
	uint8_t p61 = inb(0x61);
	outb(0x61, (p61 & ~0x03) | 0x00);  /* gate low, speaker off */
	outb(0x43, 0xb0);                  /* channel 2, lo/hi, mode 0 */
	outb(0x42, 0xff);
	outb(0x42, 0xff);
	bool low = !(inb(0x61) & 0x20);
	wait_ticks(1);
	uint32_t t0 = ticks;
	outb(0x61, (p61 & ~0x03) | 0x01);  /* gate high: count */
	bool high = false;
	for (uint32_t i = 0; i < 200000000 && !high; i++)
		high = inb(0x61) & 0x20;
	uint32_t n = ticks - t0;
	outb(0x61, p61 & ~0x03);
	pit_set_rate(PIT_HZ / HZ);
	CHECKF(low && high, "pit", "channel 2 one-shot output rises at terminal count (port 0x61)",
	       "low=%u high=%u", low, high);
	CHECKF(n >= 15 && n <= 110, "pit", "channel 0 interrupts at the programmed rate (loose bounds)",
	       "ticks=%u", n);

	/* Read-back: channel 0's status byte comes before its count. */
	outb(0x43, 0xc2);                  /* latch count and status, channel 0 */
	uint8_t st = inb(0x40);
	uint16_t cnt = inb(0x40) | (inb(0x40) << 8);
	CHECKF((st & 0x3f) == 0x34 && cnt <= reload, "pit", "read-back latches status first, then the count",
	       "status=%x count=%u", st, cnt);

	/* Channel 2 in mode 2, gate high, with one-byte counts: a latched
	 * lsb-only count of 0x80 is 1..0x80, an msb-only 0x500 has msb <= 5. */
	outb(0x61, (p61 & ~0x03) | 0x01);
	outb(0x43, 0x94);                  /* channel 2, lsb only, mode 2 */
	outb(0x42, 0x80);
	bool lsb_ok = true, lsb_moved = false, msb_ok = true;
	for (int i = 0; i < 64; i++) {
		outb(0x43, 0x80);
		uint8_t v = inb(0x42);
		lsb_ok = lsb_ok && v <= 0x80;
		lsb_moved = lsb_moved || v != 0;
	}
	outb(0x43, 0xa4);                  /* channel 2, msb only, mode 2 */
	outb(0x42, 0x05);
	for (int i = 0; i < 64; i++) {
		outb(0x43, 0x80);
		msb_ok = msb_ok && inb(0x42) <= 5;
	}
	outb(0x61, p61 & ~0x03);
	CHECKF(lsb_ok && lsb_moved && msb_ok, "pit", "latched one-byte counts (lsb only, msb only) of channel 2",
	       "lsb=%u moved=%u msb=%u", lsb_ok, lsb_moved, msb_ok);
}

static uint8_t cmos(uint8_t r)
{
	outb(0x70, r);
	return inb(0x71);
}

static void cmos_write(uint8_t r, uint8_t v)
{
	outb(0x70, r);
	outb(0x71, v);
}

static bool wait_uip(bool set)
{
	for (uint32_t i = 0; i < 100000000; i++)
		if (!!(cmos(0x0a) & 0x80) == set)
			return true;
	return false;
}

struct rtc_time { uint32_t sec, min, hour, day, mon, year; };

static uint32_t bcd(uint32_t v, bool binary) { return binary ? v : (v >> 4) * 10 + (v & 0xf); }

/* Reads outside an update (UIP clear), twice until two reads agree. */
static bool rtc_read(struct rtc_time *t)
{
	uint8_t a[7], b[7];
	static const uint8_t regs[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32 };
	for (int tries = 0; tries < 10; tries++) {
		if (!wait_uip(false))
			return false;
		for (int i = 0; i < 7; i++)
			a[i] = cmos(regs[i]);
		if (!wait_uip(false))
			return false;
		for (int i = 0; i < 7; i++)
			b[i] = cmos(regs[i]);
		if (!memcmp(a, b, sizeof(a))) {
			bool bin = cmos(0x0b) & 0x04;
			bool h12 = !(cmos(0x0b) & 0x02);
			t->sec = bcd(a[0], bin);
			t->min = bcd(a[1], bin);
			t->hour = bcd(a[2] & 0x7f, bin);
			if (h12)
				t->hour = t->hour % 12 + ((a[2] & 0x80) ? 12 : 0);
			t->day = bcd(a[3], bin);
			t->mon = bcd(a[4], bin);
			t->year = bcd(a[6], bin) * 100 + bcd(a[5], bin);
			return true;
		}
	}
	return false;
}

void test_rtc(void)
{
	struct rtc_time t;
	bool ok = rtc_read(&t);
	CHECKF(ok && t.sec < 60 && t.min < 60 && t.hour < 24 && t.day >= 1 && t.day <= 31 && t.mon >= 1 &&
	       t.mon <= 12 && t.year >= 2020 && t.year < 2100, "rtc", "date and time are plausible",
	       "ok=%u %u-%u-%u %u:%u:%u", ok, t.year, t.mon, t.day, t.hour, t.min, t.sec);
	CHECKF((cmos(0x0a) & 0x70) == 0x20, "rtc", "register a selects the 32.768 kHz divider", "a=%x", cmos(0x0a));
	CHECKF(cmos(0x0d) & 0x80, "rtc", "register d reports valid ram and time", "d=%x", cmos(0x0d));

	/* UIP rises before the once-a-second update and falls after it. */
	struct rtc_time t1 = t, t2 = t;
	bool seq = wait_uip(false) && rtc_read(&t1) && wait_uip(true) && wait_uip(false) && rtc_read(&t2);
	/* +2 tolerates a UIP window missed while the host stalled the vCPU */
	CHECKF(seq && (t2.sec == (t1.sec + 1) % 60 || t2.sec == (t1.sec + 2) % 60), "rtc",
	       "uip brackets the one-second update",
	       "seq=%u %u -> %u", seq, t1.sec, t2.sec);

	uint8_t save = cmos(0x7e);
	cmos_write(0x7e, 0xa5);
	uint8_t v1 = cmos(0x7e);
	cmos_write(0x7e, 0x5a);
	uint8_t v2 = cmos(0x7e);
	cmos_write(0x7e, save);
	CHECKF(v1 == 0xa5 && v2 == 0x5a, "rtc", "cmos ram byte round trip", "v1=%x v2=%x", v1, v2);

	/* Bit 7 of the index masks NMI; it does not select another register. */
	cmos_write(0x7e, 0x3c);
	outb(0x70, 0xfe);
	uint8_t v3 = inb(0x71);
	outb(0x70, 0x8d);
	uint8_t d = inb(0x71);
	cmos_write(0x7e, save);
	CHECKF(v3 == 0x3c && (d & 0x80), "rtc", "index with the nmi-mask bit selects the same register",
	       "ram=%x d=%x", v3, d);

	/* Periodic interrupt at 1024 Hz through the slave PIC. */
	uint32_t flags = irq_save();
	uint8_t a = cmos(0x0a), b = cmos(0x0b);
	cmos_write(0x0a, (a & 0xf0) | 0x06);
	cmos_write(0x0b, b | 0x40);
	(void)cmos(0x0c);
	rtc_irqs = 0;
	rtc_regc = 0;
	pic_mask(8, false);
	irq_restore(flags);
	for (uint32_t i = 0; i < 400000000 && rtc_irqs < 3; i++)
		pause_();
	flags = irq_save();
	cmos_write(0x0b, b & ~0x40);
	cmos_write(0x0a, a);
	pic_mask(8, true);
	(void)cmos(0x0c);
	irq_restore(flags);
	CHECKF(rtc_irqs >= 3 && irq_count[8] >= 3, "rtc", "periodic interrupt arrives on irq 8 via the slave pic",
	       "irqs=%u", rtc_irqs);
	CHECKF((rtc_regc & 0xc0) == 0xc0, "rtc", "register c reports irqf and pf", "c=%x", rtc_regc);
}

#define COM1 0x3f8

void test_uart(void)
{
	console_drain();
	uint8_t lsr = inb(COM1 + 5);
	CHECKF((lsr & 0x60) == 0x60, "uart", "lsr shows thr and transmitter empty after output", "lsr=%x", lsr);
	outb(COM1 + 7, 0x3c);
	uint8_t scr = inb(COM1 + 7);
	CHECKF(scr == 0x3c, "uart", "scratch register round trip", "scr=%x", scr);
	uint8_t iir = inb(COM1 + 2);
	CHECKF((iir & 0xcf) == 0xc1, "uart", "iir: fifos enabled, no interrupt pending", "iir=%x", iir);

	uint32_t flags = irq_save();
	uint8_t lcr = inb(COM1 + 3);
	outb(COM1 + 3, lcr | 0x80);
	outb(COM1 + 0, 0x03);
	outb(COM1 + 1, 0x00);
	uint8_t dll = inb(COM1 + 0), dlm = inb(COM1 + 1);
	outb(COM1 + 0, 0x01);
	outb(COM1 + 3, lcr);
	irq_restore(flags);
	CHECKF(dll == 3 && dlm == 0, "uart", "divisor latch round trip with dlab", "dll=%x dlm=%x", dll, dlm);

	/* Loopback: transmitted bytes come back, modem outputs drive inputs. */
	console_drain();                   /* nothing of ours may be in flight */
	outb(COM1 + 4, 0x1f);
	uint8_t msr = inb(COM1 + 6);
	while (inb(COM1 + 5) & 0x01)
		(void)inb(COM1);
	outb(COM1, 0xa5);
	bool dr = false;
	for (uint32_t i = 0; i < 10000000 && !dr; i++)
		dr = inb(COM1 + 5) & 0x01;
	uint8_t rx = inb(COM1);
	console_drain();
	outb(COM1 + 4, 0x03);
	CHECKF(dr && rx == 0xa5, "uart", "loopback returns the transmitted byte", "dr=%u rx=%x", dr, rx);
	CHECKF((msr & 0xf0) == 0xf0, "uart", "loopback reflects mcr outputs in msr", "msr=%x", msr);

	/* Transmitter-empty interrupt on IRQ 4 (OUT2 gates the line). */
	uart_thre_irqs = 0;
	outb(COM1 + 4, 0x0b);
	pic_mask(4, false);
	outb(COM1 + 1, 0x02);
	for (uint32_t i = 0; i < 100000000 && !uart_thre_irqs; i++)
		pause_();
	outb(COM1 + 1, 0x00);
	pic_mask(4, true);
	outb(COM1 + 4, 0x03);
	CHECKF(uart_thre_irqs == 1 && irq_count[4] >= 1, "uart", "transmitter-empty interrupt on irq 4",
	       "n=%u", uart_thre_irqs);
}

static uint32_t pci_read(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t reg)
{
	outl(0xcf8, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc));
	return inl(0xcfc);
}

static bool kbc_wait_out(void)
{
	for (uint32_t i = 0; i < 10000000; i++)
		if (inb(0x64) & 0x01)
			return true;
	return false;
}

static bool kbc_wait_in(void)
{
	for (uint32_t i = 0; i < 10000000; i++)
		if (!(inb(0x64) & 0x02))
			return true;
	return false;
}

static int kbc_cmd(uint8_t cmd)
{
	if (!kbc_wait_in())
		return -1;
	outb(0x64, cmd);
	if (!kbc_wait_out())
		return -1;
	return inb(0x60);
}

void test_misc_dev(void)
{
	outl(0xcf8, 0x80000000u);
	uint32_t addr = inl(0xcf8);
	CHECKF(addr == 0x80000000u, "pci", "config address register reads back", "cf8=%x", addr);
	uint32_t id = pci_read(0, 0, 0, 0), class = pci_read(0, 0, 0, 8) >> 16;
	CHECKF((id & 0xffff) != 0xffff && class == 0x0600, "pci", "host bridge at 00:00.0", "id=%x class=%x", id,
	       class);
	uint32_t none = pci_read(0, 31, 0, 0);
	CHECKF(none == 0xffffffffu, "pci", "empty slot reads all ones", "id=%x", none);
	uint32_t id2 = pci_read(0, 0, 0, 0);
	uint16_t hi = inw(0xcfe);
	uint8_t b1 = inb(0xcfd);
	CHECKF(id2 == id && hi == id >> 16 && b1 == ((id >> 8) & 0xff), "pci",
	       "dword, word and byte reads of one register agree", "id=%x hi=%x b1=%x", id2, hi, b1);
	outl(0xcf8, 0);

	/* i8042: drain, then controller commands (interrupts off: IRQ1/12 masked) */
	uint32_t flags = irq_save();
	for (int i = 0; i < 16 && (inb(0x64) & 0x01); i++)
		(void)inb(0x60);
	bool idle = kbc_wait_in();
	int st = kbc_cmd(0xaa);
	int it = kbc_cmd(0xab);
	int cb = kbc_cmd(0x20);
	int cb2 = -1;
	if (cb >= 0) {
		kbc_wait_in();
		outb(0x64, 0x60);
		kbc_wait_in();
		outb(0x60, (uint8_t)(cb & ~0x01));
		cb2 = kbc_cmd(0x20);
		kbc_wait_in();
		outb(0x64, 0x60);
		kbc_wait_in();
		outb(0x60, (uint8_t)cb);
	}
	irq_restore(flags);
	CHECK(idle, "i8042", "status register shows input buffer empty");
	CHECKF(st == 0x55, "i8042", "controller self-test returns 0x55", "got=%x", (uint32_t)st);
	CHECKF(it == 0x00, "i8042", "keyboard interface test returns 0", "got=%x", (uint32_t)it);
	CHECKF(cb >= 0 && cb2 == (cb & ~0x01), "i8042", "command byte round trip", "cb=%x cb2=%x", (uint32_t)cb,
	       (uint32_t)cb2);
}
