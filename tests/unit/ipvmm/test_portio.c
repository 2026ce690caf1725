/* Decoded port instructions executed on a register frame against the devices. */
#include "dev_helpers.h"
#include "decode.h"
#include "portio.h"

static uint8_t guest[64];
static int fail_at = -1;

static bool rd8(void *ctx, int seg, uint32_t off, uint8_t *v)
{
	(void)ctx;
	assert_true(seg == DEC_SEG_DS || seg == DEC_SEG_FS);
	if ((int)off == fail_at || off >= sizeof(guest))
		return false;
	*v = guest[off];
	return true;
}

static bool wr8(void *ctx, int seg, uint32_t off, uint8_t v)
{
	(void)ctx;
	assert_int_equal(seg, DEC_SEG_ES);
	if ((int)off == fail_at || off >= sizeof(guest))
		return false;
	guest[off] = v;
	return true;
}

static const struct portio_mem mem = { rd8, wr8, 0 };

static enum portio_status run(struct ipvmm_devs *d, const uint8_t *b, unsigned n, struct portio_regs *r)
{
	struct dec_insn in;
	const char *why;

	assert_int_equal(dec_decode(b, n, &in, &why), 0);
	return portio_exec(d, &in, r, &mem);
}

static void test_in_out(void **state)
{
	struct fix *x = *state;
	struct portio_regs r = { .eax = 0x123456a4 };

	static const uint8_t out21[] = { 0xe6, 0x21 };	/* out %al, $0x21 */
	assert_int_equal(run(&x->d, out21, 2, &r), PORTIO_OK);
	assert_int_equal(inb(&x->d, 0x21), 0xa4);
	static const uint8_t in21[] = { 0xe4, 0x21 };	/* in $0x21, %al */
	r.eax = 0xffffffff;
	outb(&x->d, 0x21, 0x5b);
	run(&x->d, in21, 2, &r);
	assert_int_equal(r.eax, 0xffffff5b);		/* upper bytes kept */
	/* outw %ax, (%dx) to the UART's 0x3fe/0x3ff, inw back. */
	static const uint8_t outw[] = { 0x66, 0xef }, inw[] = { 0x66, 0xed };
	r.edx = 0x3fe;
	r.eax = 0x7700;
	run(&x->d, outw, 2, &r);
	assert_int_equal(x->d.com1.scr, 0x77);
	r.eax = 0;
	run(&x->d, inw, 2, &r);
	assert_int_equal(r.eax >> 8, 0x77);
	/* inl from an unclaimed port floats high. */
	static const uint8_t inl[] = { 0xed };
	r.edx = 0x1230;
	r.eax = 0;
	run(&x->d, inl, 1, &r);
	assert_int_equal(r.eax, 0xffffffff);
	static const uint8_t cli[] = { 0xfa };
	assert_int_equal(run(&x->d, cli, 1, &r), PORTIO_NOT_PORTIO);
}

static void test_rep_outs_ins(void **state)
{
	struct fix *x = *state;
	struct portio_regs r = { .ecx = 5, .edx = 0x3f8, .esi = 0 };

	memcpy(guest, "hello", 5);
	static const uint8_t rep_outsb[] = { 0xf3, 0x6e };
	assert_int_equal(run(&x->d, rep_outsb, 2, &r), PORTIO_OK);
	assert_int_equal(x->fb.console_len, 5);
	assert_memory_equal(x->fb.console, "hello", 5);
	assert_int_equal(r.ecx, 0);
	assert_int_equal(r.esi, 5);
	/* DF=1 goes backwards; fs override honoured. */
	r = (struct portio_regs){ .ecx = 3, .edx = 0x3f8, .esi = 2, .eflags = 0x400 };
	static const uint8_t rep_fs_outsb[] = { 0xf3, 0x64, 0x6e };
	run(&x->d, rep_fs_outsb, 3, &r);
	assert_memory_equal(x->fb.console + 5, "leh", 3);
	assert_int_equal(r.esi, 0xffffffff);
	/* Loopback, then rep insb reads the bytes back into guest memory. */
	outb(&x->d, 0x3fc, 0x10);
	outb(&x->d, 0x3fa, 0x01);
	for (const char *s = "abc"; *s; s++)
		outb(&x->d, 0x3f8, (uint8_t)*s);
	r = (struct portio_regs){ .ecx = 3, .edx = 0x3f8, .edi = 10 };
	static const uint8_t rep_insb[] = { 0xf3, 0x6c };
	run(&x->d, rep_insb, 2, &r);
	assert_memory_equal(guest + 10, "abc", 3);
	assert_int_equal(r.edi, 13);
	/* A fault stops with registers describing the progress. */
	fail_at = 2;
	r = (struct portio_regs){ .ecx = 5, .edx = 0x80, .esi = 0 };
	assert_int_equal(run(&x->d, rep_outsb, 2, &r), PORTIO_FAULT);
	assert_int_equal(r.esi, 2);
	assert_int_equal(r.ecx, 3);
	fail_at = -1;
	/* outsl without rep: one dword. */
	r = (struct portio_regs){ .edx = 0x3fe, .esi = 0 };
	memcpy(guest, "\x11\x22\x33\x44", 4);
	static const uint8_t outsl[] = { 0x6f };
	run(&x->d, outsl, 1, &r);
	assert_int_equal(r.esi, 4);
	assert_int_equal(x->d.com1.scr, 0x22);	/* bytes 2,3 went to 0x400/0x401 */
}

/* The power-off ports: "out %eax,$0xf4" with the success value and with a
   failure code, Bochs's "Shutdown" word (interrupted once). */
static void test_power_off(void **state)
{
	struct fix *x = *state;
	static const uint8_t out_imm[] = { 0xe7, 0xf4 };	/* out %eax,$0xf4 */
	struct portio_regs r = { .eax = 0x10 };

	assert_int_equal(run(&x->d, out_imm, sizeof(out_imm), &r), PORTIO_OK);
	assert_int_equal(x->fb.power_offs, 1);
	assert_int_equal(x->fb.power_status, 0);
	r.eax = 0x11;
	assert_int_equal(run(&x->d, out_imm, sizeof(out_imm), &r), PORTIO_OK);
	assert_int_equal(x->fb.power_offs, 2);
	assert_int_equal(x->fb.power_status, 0x11);
	for (const char *p = "ShutShutdown"; *p; p++)
		devsw_out(&x->d, 0x8900, 1, (uint8_t)*p);
	assert_int_equal(x->fb.power_offs, 3);
	assert_int_equal(x->fb.power_status, 0);
	for (const char *p = "Shutdow"; *p; p++)
		devsw_out(&x->d, 0x8900, 1, (uint8_t)*p);
	assert_int_equal(x->fb.power_offs, 3);		/* not the whole word */
	assert_int_equal(x->fb.logs[IPVMM_LOG_UNIMP], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_out, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_rep_outs_ins, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_power_off, fix_setup, fix_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
