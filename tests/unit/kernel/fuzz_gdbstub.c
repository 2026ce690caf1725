/*
 * libFuzzer target for the GDB stub's packet layer (kernel/gdbstub_pkt.c):
 * arbitrary bytes through the receiver as they would arrive on COM2, every
 * payload it completes through the decoder, and the decoder's promises
 * checked on what it accepts (lengths and register numbers in bounds, a
 * write's data exactly its length, a monitor text NUL-terminated); and
 * the encoder's frame read back by the receiver gives the payload back.
 *
 *   build/tests/kernel/fuzz_gdbstub -runs=N -seed=S   (make test-kernel-gdb-fuzz)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "gdbstub_pkt.h"

static void check(const struct gdb_cmd *c, const char *pkt, unsigned len)
{
	switch (c->kind) {
	case GDB_C_BAD:
		if (c->error < GDB_E_SYNTAX || c->error > GDB_E_TOOLONG)
			abort();
		break;
	case GDB_C_READ_MEM:
	case GDB_C_WRITE_MEM:
		if (c->len > GDB_MEM_MAX)
			abort();
		if (c->kind == GDB_C_WRITE_MEM) {
			/* the data is exactly what the packet carries after ':' */
			const char *colon = memchr(pkt, ':', len);
			if (!colon || (unsigned)(pkt + len - colon - 1) != 2 * c->len)
				abort();
		}
		break;
	case GDB_C_READ_REG:
	case GDB_C_WRITE_REG:
		if (c->reg >= GDB_NREGS)
			abort();
		break;
	case GDB_C_WRITE_REGS:
		if (c->nregs > GDB_NREGS || 1 + 8 * c->nregs != len)
			abort();
		break;
	case GDB_C_MONITOR:
		if (strlen(c->text) > GDB_TEXT_MAX || 2 * strlen(c->text) + 6 != len)
			abort();
		break;
	default:
		break;
	}
}

/* The payload framed and read back must come out as it went in (the
 * stub's replies carry no escapes GDB would undo: none of $ # } * in the
 * payload is the case the stub sends; others must at least frame). */
static void roundtrip(const uint8_t *d, size_t n)
{
	static char out[2 * GDB_PKT_MAX + 8];
	static struct gdb_rx rx;
	char p[GDB_PKT_MAX];
	unsigned len = n < GDB_PKT_MAX ? (unsigned)n : GDB_PKT_MAX, k = 0;
	for (unsigned i = 0; i < len; i++)
		if (d[i] != '$' && d[i] != '#' && d[i] != '}' && d[i] != '*')
			p[k++] = (char)d[i];
	unsigned f = gdb_frame(p, k, out, sizeof(out));
	if (!f)
		abort();
	gdb_rx_reset(&rx);
	enum gdb_rx_event e = GDB_RX_NONE;
	for (unsigned i = 0; i < f; i++)
		e = gdb_rx_byte(&rx, (uint8_t)out[i]);
	if (e != GDB_RX_PACKET || rx.len != k || memcmp(rx.buf, p, k))
		abort();
}

/* Well-formed packets built from the input, numbers near the bounds (a
 * length up to 1023, a register up to 31), so the limits themselves are
 * exercised, not only the syntax. */
static void structured(const uint8_t *d, size_t n)
{
	static struct gdb_cmd cmd;
	static char p[4 * GDB_PKT_MAX];
	if (n < 7)
		return;
	uint32_t a = (uint32_t)d[1] | (uint32_t)d[2] << 8 | (uint32_t)d[3] << 16 | (uint32_t)d[4] << 24;
	unsigned v = ((unsigned)d[5] | (unsigned)d[6] << 8) & 0x3ff, k = 0;
	switch (d[0] % 6) {
	case 0: k = (unsigned)snprintf(p, sizeof(p), "m%x,%x", a, v); break;
	case 1:
		k = (unsigned)snprintf(p, sizeof(p), "M%x,%x:", a, v);
		for (unsigned i = 0; i < v && k + 2 < sizeof(p); i++)
			k += (unsigned)snprintf(p + k, sizeof(p) - k, "%02x", 7 + i < n ? d[7 + i] : i);
		break;
	case 2: k = (unsigned)snprintf(p, sizeof(p), "p%x", v & 31); break;
	case 3: k = (unsigned)snprintf(p, sizeof(p), "P%x=%08x", v & 31, a); break;
	case 4:
		p[k++] = 'G';
		for (unsigned i = 0; i < (v & 31) && k + 9 < sizeof(p); i++)
			k += (unsigned)snprintf(p + k, sizeof(p) - k, "%08x", a + i);
		break;
	default:
		k = (unsigned)snprintf(p, sizeof(p), "qRcmd,");
		for (unsigned i = 0; i < (v & 0xff) && k + 2 < sizeof(p); i++)
			k += (unsigned)snprintf(p + k, sizeof(p) - k, "%02x", 'a' + i % 26);
		break;
	}
	if (k > GDB_PKT_MAX)
		k = GDB_PKT_MAX;
	gdb_decode(p, k, &cmd);
	check(&cmd, p, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct gdb_rx rx;
	static struct gdb_cmd cmd;
	gdb_rx_reset(&rx);
	for (size_t i = 0; i < n; i++) {
		enum gdb_rx_event e = gdb_rx_byte(&rx, d[i]);
		if (rx.len > GDB_PKT_MAX)
			abort();
		if (e == GDB_RX_PACKET) {
			gdb_decode(rx.buf, rx.len, &cmd);
			check(&cmd, rx.buf, rx.len);
		}
	}
	/* and the raw input as one payload, checksum aside */
	gdb_decode((const char *)d, n < GDB_PKT_MAX ? (unsigned)n : GDB_PKT_MAX, &cmd);
	check(&cmd, (const char *)d, n < GDB_PKT_MAX ? (unsigned)n : GDB_PKT_MAX);
	roundtrip(d, n);
	structured(d, n);
	return 0;
}
