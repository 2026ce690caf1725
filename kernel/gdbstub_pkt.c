/*
 * The GDB remote protocol's packet layer, pure logic (include/gdbstub_pkt.h):
 * no I/O, no guest, so the host unit tests and the fuzzer run it as is.
 * Every number is bounded as it is parsed: a value wider than 32 bits, a
 * length beyond GDB_MEM_MAX, a register past GDB_NREGS, a stray byte after
 * a field, each makes the packet GDB_C_BAD with the error to answer.
 */
#include "gdbstub_pkt.h"

enum { RX_IDLE = 0, RX_DATA, RX_SUM1, RX_SUM2 };

static const char hexdig[] = "0123456789abcdef";

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void gdb_rx_reset(struct gdb_rx *rx)
{
	rx->state = RX_IDLE;
	rx->len = 0;
	rx->sum = 0;
	rx->want = 0;
	rx->overflow = 0;
	rx->buf[0] = 0;
}

static void rx_start(struct gdb_rx *rx)
{
	rx->state = RX_DATA;
	rx->len = 0;
	rx->sum = 0;
	rx->overflow = 0;
}

enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c)
{
	int v;
	switch (rx->state) {
	case RX_IDLE:
		if (c == '$')
			rx_start(rx);
		else if (c == 0x03)
			return GDB_RX_INTR;
		else if (c == '+')
			return GDB_RX_ACK;
		else if (c == '-')
			return GDB_RX_NAK;
		return GDB_RX_NONE;      /* noise between packets is dropped */
	case RX_DATA:
		if (c == '$') {          /* a new start: the old packet was cut */
			rx_start(rx);
		} else if (c == '#') {
			rx->state = RX_SUM1;
		} else {
			rx->sum = (uint8_t)(rx->sum + c);
			if (rx->len < GDB_PKT_MAX)
				rx->buf[rx->len++] = (char)c;
			else
				rx->overflow = 1;
		}
		return GDB_RX_NONE;
	case RX_SUM1:
		v = hexval((char)c);
		rx->want = (uint8_t)((v < 0 ? 0 : v) << 4);
		rx->state = v < 0 ? RX_IDLE : RX_SUM2;
		return v < 0 ? GDB_RX_BADSUM : GDB_RX_NONE;
	default:
		v = hexval((char)c);
		rx->state = RX_IDLE;
		rx->buf[rx->len] = 0;
		if (v < 0 || (uint8_t)(rx->want | v) != rx->sum)
			return GDB_RX_BADSUM;
		return rx->overflow ? GDB_RX_TOOLONG : GDB_RX_PACKET;
	}
}

unsigned gdb_frame(const char *payload, unsigned len, char *out, unsigned max)
{
	unsigned n = 0;
	uint8_t sum = 0;
	if (max < 4)
		return 0;
	out[n++] = '$';
	for (unsigned i = 0; i < len; i++) {
		char c = payload[i];
		int esc = c == '$' || c == '#' || c == '}' || c == '*';
		if (n + (esc ? 2 : 1) + 3 > max)
			return 0;
		if (esc) {
			out[n++] = '}';
			sum = (uint8_t)(sum + '}');
			c = (char)(c ^ 0x20);
		}
		out[n++] = c;
		sum = (uint8_t)(sum + (uint8_t)c);
	}
	out[n++] = '#';
	out[n++] = hexdig[sum >> 4];
	out[n++] = hexdig[sum & 15];
	return n;
}

void gdb_hex_bytes(const uint8_t *src, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = hexdig[src[i] >> 4];
		out[2 * i + 1] = hexdig[src[i] & 15];
	}
}

void gdb_hex_u32le(uint32_t v, char *out)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	gdb_hex_bytes(b, 4, out);
}

/* A cursor over the payload. */
struct cur {
	const char *p;
	unsigned left;
};

static int at_end(const struct cur *c)
{
	return c->left == 0;
}

static int eat(struct cur *c, char ch)
{
	if (c->left && *c->p == ch) {
		c->p++;
		c->left--;
		return 1;
	}
	return 0;
}

/* A big-endian hex number of 1..8 digits (GDB writes addresses so). */
static int num(struct cur *c, uint32_t *out)
{
	uint32_t v = 0;
	unsigned n = 0;
	int d;
	while (c->left && (d = hexval(*c->p)) >= 0) {
		if (++n > 8)
			return -1;
		v = v << 4 | (uint32_t)d;
		c->p++;
		c->left--;
	}
	*out = v;
	return n ? 0 : -1;
}

/* n bytes from 2n hex digits. */
static int bytes(struct cur *c, uint8_t *out, unsigned n)
{
	if (c->left < 2 * n)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		int hi = hexval(c->p[2 * i]), lo = hexval(c->p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	c->p += 2 * n;
	c->left -= 2 * n;
	return 0;
}

static int u32le(struct cur *c, uint32_t *out)
{
	uint8_t b[4];
	if (bytes(c, b, 4) < 0)
		return -1;
	*out = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

static int starts(const struct cur *c, const char *lit)
{
	unsigned i;
	for (i = 0; lit[i]; i++)
		if (i >= c->left || c->p[i] != lit[i])
			return 0;
	return 1;
}

static enum gdb_cmd_kind bad(struct gdb_cmd *cmd, int error)
{
	cmd->error = error;
	return cmd->kind = GDB_C_BAD;
}

/* m addr,len and M addr,len:hex */
static enum gdb_cmd_kind mem(struct cur *c, struct gdb_cmd *cmd, int write)
{
	if (num(c, &cmd->addr) < 0 || !eat(c, ',') || num(c, &cmd->len) < 0)
		return bad(cmd, GDB_E_SYNTAX);
	if (cmd->len > GDB_MEM_MAX)
		return bad(cmd, GDB_E_TOOLONG);
	if (write && (!eat(c, ':') || bytes(c, cmd->data, cmd->len) < 0))
		return bad(cmd, GDB_E_SYNTAX);
	if (!at_end(c))
		return bad(cmd, GDB_E_SYNTAX);
	return cmd->kind = write ? GDB_C_WRITE_MEM : GDB_C_READ_MEM;
}

/* c [addr], s [addr], C sig[;addr], S sig[;addr] */
static enum gdb_cmd_kind resume(struct cur *c, struct gdb_cmd *cmd, int step, int sig)
{
	uint32_t s;
	if (sig && (num(c, &s) < 0 || s > 0xff))
		return bad(cmd, GDB_E_SYNTAX);
	if (!at_end(c) && (!sig || eat(c, ';'))) {
		if (num(c, &cmd->addr) < 0)
			return bad(cmd, GDB_E_SYNTAX);
		cmd->has_addr = 1;
	}
	if (!at_end(c))
		return bad(cmd, GDB_E_SYNTAX);
	return cmd->kind = step ? GDB_C_STEP : GDB_C_CONT;
}

static enum gdb_cmd_kind regs(struct cur *c, struct gdb_cmd *cmd, char op)
{
	uint32_t r;
	if (op == 'g')
		return cmd->kind = at_end(c) ? GDB_C_READ_REGS : bad(cmd, GDB_E_SYNTAX);
	if (op == 'G') {
		/* Whole registers only; GDB may send fewer than we have. */
		while (!at_end(c)) {
			if (cmd->nregs >= GDB_NREGS)
				return bad(cmd, GDB_E_TOOLONG);
			if (u32le(c, &cmd->regs[cmd->nregs]) < 0)
				return bad(cmd, GDB_E_SYNTAX);
			cmd->nregs++;
		}
		return cmd->kind = GDB_C_WRITE_REGS;
	}
	if (num(c, &r) < 0)
		return bad(cmd, GDB_E_SYNTAX);
	if (op == 'P' && (!eat(c, '=') || u32le(c, &cmd->value) < 0))
		return bad(cmd, GDB_E_SYNTAX);
	if (!at_end(c))
		return bad(cmd, GDB_E_SYNTAX);
	if (r >= GDB_NREGS)
		return bad(cmd, GDB_E_REG);
	cmd->reg = r;
	return cmd->kind = op == 'p' ? GDB_C_READ_REG : GDB_C_WRITE_REG;
}

/* Z0,addr,kind / z0,addr,kind: software breakpoints only. */
static enum gdb_cmd_kind bpoint(struct cur *c, struct gdb_cmd *cmd, int insert)
{
	uint32_t type;
	if (num(c, &type) < 0 || !eat(c, ',') || num(c, &cmd->addr) < 0 || !eat(c, ',') ||
	    num(c, &cmd->len) < 0)
		return bad(cmd, GDB_E_SYNTAX);
	if (!at_end(c))        /* conditions and commands (;X...) are not offered */
		return bad(cmd, GDB_E_SYNTAX);
	if (type != 0)
		return cmd->kind = GDB_C_UNSUPPORTED;
	return cmd->kind = insert ? GDB_C_BP_INSERT : GDB_C_BP_REMOVE;
}

static enum gdb_cmd_kind monitor(struct cur *c, struct gdb_cmd *cmd)
{
	unsigned n = c->left / 2;
	if (c->left % 2)
		return bad(cmd, GDB_E_SYNTAX);
	if (n > GDB_TEXT_MAX)
		return bad(cmd, GDB_E_TOOLONG);
	if (bytes(c, (uint8_t *)cmd->text, n) < 0)
		return bad(cmd, GDB_E_SYNTAX);
	cmd->text[n] = 0;
	for (unsigned i = 0; i < n; i++)
		if (cmd->text[i] == 0)
			return bad(cmd, GDB_E_SYNTAX);
	return cmd->kind = GDB_C_MONITOR;
}

static enum gdb_cmd_kind query(struct cur *c, struct gdb_cmd *cmd)
{
	if (starts(c, "Supported"))
		return cmd->kind = GDB_C_SUPPORTED;
	if (starts(c, "Attached"))
		return cmd->kind = GDB_C_ATTACHED;
	if (c->left == 1 && *c->p == 'C')
		return cmd->kind = GDB_C_CUR_THREAD;
	if (starts(c, "fThreadInfo") && c->left == 11)
		return cmd->kind = GDB_C_THREADS_FIRST;
	if (starts(c, "sThreadInfo") && c->left == 11)
		return cmd->kind = GDB_C_THREADS_NEXT;
	if (starts(c, "Rcmd,")) {
		c->p += 5;
		c->left -= 5;
		return monitor(c, cmd);
	}
	return cmd->kind = GDB_C_UNSUPPORTED;
}

/* H op thread (thread: -1, 0 or a hex id) and T thread. */
static enum gdb_cmd_kind thread_op(struct cur *c, struct gdb_cmd *cmd, char op)
{
	uint32_t id;
	if (op == 'H' && !(eat(c, 'g') || eat(c, 'c')))
		return bad(cmd, GDB_E_SYNTAX);
	int minus = eat(c, '-');
	if (num(c, &id) < 0 || (minus && id != 1) || !at_end(c))
		return bad(cmd, GDB_E_SYNTAX);
	cmd->value = minus ? 0xffffffffu : id;
	return cmd->kind = op == 'H' ? GDB_C_SET_THREAD : GDB_C_THREAD_ALIVE;
}

enum gdb_cmd_kind gdb_decode(const char *pkt, unsigned len, struct gdb_cmd *cmd)
{
	struct cur c = { pkt + 1, len ? len - 1 : 0 };
	cmd->kind = GDB_C_BAD;
	cmd->error = 0;
	cmd->addr = cmd->len = cmd->value = 0;
	cmd->has_addr = 0;
	cmd->reg = cmd->nregs = 0;
	cmd->text[0] = 0;
	if (!len)
		return cmd->kind = GDB_C_UNSUPPORTED;
	switch (pkt[0]) {
	case '?':
		return cmd->kind = at_end(&c) ? GDB_C_HALT_REASON : bad(cmd, GDB_E_SYNTAX);
	case 'g': case 'G': case 'p': case 'P':
		return regs(&c, cmd, pkt[0]);
	case 'm': case 'M':
		return mem(&c, cmd, pkt[0] == 'M');
	case 'c': case 's':
		return resume(&c, cmd, pkt[0] == 's', 0);
	case 'C': case 'S':
		return resume(&c, cmd, pkt[0] == 'S', 1);
	case 'D':        /* D, or D;pid (multiprocess) */
		return cmd->kind = at_end(&c) || eat(&c, ';') ? GDB_C_DETACH : bad(cmd, GDB_E_SYNTAX);
	case 'k':
		return cmd->kind = GDB_C_KILL;
	case 'Z': case 'z':
		return bpoint(&c, cmd, pkt[0] == 'Z');
	case 'q':
		return query(&c, cmd);
	case 'H': case 'T':
		return thread_op(&c, cmd, pkt[0]);
	default:         /* X, v..., Q..., !, ...: the empty reply says "not here" */
		return cmd->kind = GDB_C_UNSUPPORTED;
	}
}
