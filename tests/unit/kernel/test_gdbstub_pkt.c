/*
 * The GDB stub's packet layer (kernel/gdbstub_pkt.c): framing, checksums,
 * Ctrl-C and acks, overlong packets, and the decoder's checks on every
 * command the stub takes; the errors malformed packets get.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <cmocka.h>
#include "gdbstub_pkt.h"

static struct gdb_rx rx;
static struct gdb_cmd cmd;

/* Feed s byte by byte; the last event. */
static enum gdb_rx_event feed(const char *s, unsigned n)
{
	enum gdb_rx_event e = GDB_RX_NONE;
	for (unsigned i = 0; i < n; i++) {
		enum gdb_rx_event x = gdb_rx_byte(&rx, (uint8_t)s[i]);
		if (x != GDB_RX_NONE)
			e = x;
	}
	return e;
}

static enum gdb_rx_event feeds(const char *s)
{
	return feed(s, (unsigned)strlen(s));
}

static enum gdb_cmd_kind dec(const char *s)
{
	return gdb_decode(s, (unsigned)strlen(s), &cmd);
}

static void test_frame_good(void **st)
{
	(void)st;
	gdb_rx_reset(&rx);
	assert_int_equal(feeds("$g#67"), GDB_RX_PACKET);
	assert_string_equal(rx.buf, "g");
	assert_int_equal(feeds("junk$m100,4#5e"), GDB_RX_PACKET);   /* noise before '$' dropped */
	assert_string_equal(rx.buf, "m100,4");
	assert_int_equal(feeds("$?#3F"), GDB_RX_PACKET);           /* upper-case checksum */
}

static void test_frame_bad(void **st)
{
	(void)st;
	gdb_rx_reset(&rx);
	assert_int_equal(feeds("$g#68"), GDB_RX_BADSUM);
	assert_int_equal(feeds("$g#6z"), GDB_RX_BADSUM);
	assert_int_equal(feeds("$g#x"), GDB_RX_BADSUM);
	/* a '$' inside a packet starts over: the cut one is never seen */
	assert_int_equal(feeds("$m10$g#67"), GDB_RX_PACKET);
	assert_string_equal(rx.buf, "g");
	assert_int_equal(gdb_rx_byte(&rx, 0x03), GDB_RX_INTR);
	assert_int_equal(gdb_rx_byte(&rx, '+'), GDB_RX_ACK);
	assert_int_equal(gdb_rx_byte(&rx, '-'), GDB_RX_NAK);
}

static void test_frame_toolong(void **st)
{
	(void)st;
	static char big[GDB_PKT_MAX + 100];
	char tail[8];
	unsigned sum = 0;
	gdb_rx_reset(&rx);
	big[0] = '$';
	for (unsigned i = 1; i < sizeof(big); i++) {
		big[i] = 'a';
		sum += 'a';
	}
	assert_int_equal(feed(big, sizeof(big)), GDB_RX_NONE);
	snprintf(tail, sizeof(tail), "#%02x", sum & 0xff);
	assert_int_equal(feeds(tail), GDB_RX_TOOLONG);
	assert_int_equal(rx.len, GDB_PKT_MAX);
	assert_int_equal(feeds("$g#67"), GDB_RX_PACKET);           /* and it recovers */
}

static void test_encode_roundtrip(void **st)
{
	(void)st;
	char out[64];
	const char *p = "a$b#c}d*e";
	unsigned n = gdb_frame(p, (unsigned)strlen(p), out, sizeof(out));
	assert_true(n > 0);
	assert_memory_equal(out, "$a}\x04" "b}\x03" "c}]d}\x0a" "e#", n - 2);
	gdb_rx_reset(&rx);
	assert_int_equal(feed(out, n), GDB_RX_PACKET);             /* checksum over the escaped bytes */
	assert_int_equal(gdb_frame("OK", 2, out, 5), 0);           /* does not fit: nothing */
	assert_int_equal(gdb_frame("OK", 2, out, 6), 6);
	assert_memory_equal(out, "$OK#9a", 6);
}

static void test_decode_mem(void **st)
{
	(void)st;
	assert_int_equal(dec("m104d90,10"), GDB_C_READ_MEM);
	assert_int_equal(cmd.addr, 0x104d90);
	assert_int_equal(cmd.len, 16);
	assert_int_equal(dec("M2000,3:0a0bff"), GDB_C_WRITE_MEM);
	assert_int_equal(cmd.len, 3);
	assert_int_equal(cmd.data[2], 0xff);
	assert_int_equal(dec("m123456789,4"), GDB_C_BAD);           /* a 9-digit address */
	assert_int_equal(cmd.error, GDB_E_SYNTAX);
	assert_int_equal(dec("m100,1f5"), GDB_C_BAD);               /* 501 bytes > GDB_MEM_MAX */
	assert_int_equal(cmd.error, GDB_E_TOOLONG);
	assert_int_equal(dec("m100"), GDB_C_BAD);
	assert_int_equal(dec("m100,4x"), GDB_C_BAD);
	assert_int_equal(dec("M100,2:0a"), GDB_C_BAD);              /* data shorter than len */
	assert_int_equal(dec("M100,1:0a0b"), GDB_C_BAD);            /* and longer */
	assert_int_equal(dec("M100,1:zz"), GDB_C_BAD);
}

static void test_decode_regs(void **st)
{
	(void)st;
	assert_int_equal(dec("g"), GDB_C_READ_REGS);
	assert_int_equal(dec("p8"), GDB_C_READ_REG);
	assert_int_equal(cmd.reg, 8);
	assert_int_equal(dec("p10"), GDB_C_BAD);                    /* register 16: none */
	assert_int_equal(cmd.error, GDB_E_REG);
	assert_int_equal(dec("P0=78563412"), GDB_C_WRITE_REG);
	assert_int_equal(cmd.value, 0x12345678);                    /* target byte order */
	assert_int_equal(dec("P0=785634"), GDB_C_BAD);
	assert_int_equal(dec("G0100000002000000"), GDB_C_WRITE_REGS);
	assert_int_equal(cmd.nregs, 2);
	assert_int_equal(cmd.regs[1], 2);
	assert_int_equal(dec("G01000000020000"), GDB_C_BAD);        /* a partial register */
	char big[8 * 17 + 2] = "G";
	memset(big + 1, '0', 8 * 17);
	big[8 * 17 + 1] = 0;
	assert_int_equal(dec(big), GDB_C_BAD);                      /* 17 registers */
	assert_int_equal(cmd.error, GDB_E_TOOLONG);
}

static void test_decode_run(void **st)
{
	(void)st;
	assert_int_equal(dec("c"), GDB_C_CONT);
	assert_false(cmd.has_addr);
	assert_int_equal(dec("s104d91"), GDB_C_STEP);
	assert_true(cmd.has_addr);
	assert_int_equal(cmd.addr, 0x104d91);
	assert_int_equal(dec("C05"), GDB_C_CONT);
	assert_int_equal(dec("S05;1000"), GDB_C_STEP);
	assert_int_equal(cmd.addr, 0x1000);
	assert_int_equal(dec("C"), GDB_C_BAD);
	assert_int_equal(dec("C100"), GDB_C_BAD);                   /* signal > 0xff */
	assert_int_equal(dec("cq"), GDB_C_BAD);
	assert_int_equal(dec("D"), GDB_C_DETACH);
	assert_int_equal(dec("D;1"), GDB_C_DETACH);
	assert_int_equal(dec("Dx"), GDB_C_BAD);
	assert_int_equal(dec("k"), GDB_C_KILL);
	assert_int_equal(dec("?"), GDB_C_HALT_REASON);
	assert_int_equal(dec("?x"), GDB_C_BAD);
}

static void test_decode_bp_query(void **st)
{
	(void)st;
	assert_int_equal(dec("Z0,104d90,1"), GDB_C_BP_INSERT);
	assert_int_equal(cmd.addr, 0x104d90);
	assert_int_equal(dec("z0,104d90,1"), GDB_C_BP_REMOVE);
	assert_int_equal(dec("Z1,104d90,1"), GDB_C_UNSUPPORTED);    /* hardware: not offered */
	assert_int_equal(dec("Z0,104d90"), GDB_C_BAD);
	assert_int_equal(dec("Z0,104d90,1;X1,0"), GDB_C_BAD);       /* conditions: not offered */
	assert_int_equal(dec("qSupported:multiprocess+;swbreak+"), GDB_C_SUPPORTED);
	assert_int_equal(dec("qAttached"), GDB_C_ATTACHED);
	assert_int_equal(dec("qC"), GDB_C_CUR_THREAD);
	assert_int_equal(dec("qfThreadInfo"), GDB_C_THREADS_FIRST);
	assert_int_equal(dec("qsThreadInfo"), GDB_C_THREADS_NEXT);
	assert_int_equal(dec("qRcmd,76637075"), GDB_C_MONITOR);
	assert_string_equal(cmd.text, "vcpu");
	assert_int_equal(dec("qRcmd,7663707"), GDB_C_BAD);          /* odd digits */
	assert_int_equal(dec("qRcmd,7600"), GDB_C_BAD);             /* a NUL inside */
	assert_int_equal(dec("Hg0"), GDB_C_SET_THREAD);
	assert_int_equal(dec("Hc-1"), GDB_C_SET_THREAD);
	assert_int_equal(dec("Hx1"), GDB_C_BAD);
	assert_int_equal(dec("T1"), GDB_C_THREAD_ALIVE);
	assert_int_equal(dec("vCont?"), GDB_C_UNSUPPORTED);
	assert_int_equal(dec("X100,0:"), GDB_C_UNSUPPORTED);        /* GDB falls back to M */
	assert_int_equal(dec("qTStatus"), GDB_C_UNSUPPORTED);
	assert_int_equal(gdb_decode("", 0, &cmd), GDB_C_UNSUPPORTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_good),
		cmocka_unit_test(test_frame_bad),
		cmocka_unit_test(test_frame_toolong),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_decode_mem),
		cmocka_unit_test(test_decode_regs),
		cmocka_unit_test(test_decode_run),
		cmocka_unit_test(test_decode_bp_query),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
