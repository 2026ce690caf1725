/*
 * Benchmark lines (docs/performance.md, "Entry counts"): a guest's
 * "bench: op=OP iters=N ..." console line is answered with the entries into
 * the hypervisor on its behalf since its previous complete line (its
 * window: exceptions, hypercalls but console writes, interrupts taken
 * while it ran), which scripts/bench.py divides by N. The line is guest
 * data: it is decoded first, and a malformed one is not answered.
 */
#include "bench_report.h"
#include "guest.h"
#include "log.h"

/* Does line[0..n) start with the NUL-terminated p? */
static int str_prefix(const char *line, uint32_t n, const char *p)
{
	uint32_t i = 0;
	for (; p[i]; i++)
		if (i >= n || line[i] != p[i])
			return 0;
	return 1;
}

/* "KEY=" followed by a decimal number in line[0..n): its value, or -1. */
static long long field_num(const char *line, uint32_t n, const char *key)
{
	uint32_t k = 0;
	while (key[k])
		k++;
	for (uint32_t i = 0; i + k < n; i++) {
		if ((i && line[i - 1] != ' ') || !str_prefix(line + i, n - i, key))
			continue;
		long long v = 0;
		uint32_t j = i + k;
		if (j >= n || line[j] < '0' || line[j] > '9')
			return -1;
		for (; j < n && line[j] >= '0' && line[j] <= '9' && v < 1000000000000ll; j++)
			v = v * 10 + (line[j] - '0');
		return v;
	}
	return -1;
}

/* After a guest's "bench: op=OP iters=N ..." line: the entries of its
 * window, decoded from the line first (a malformed line is not answered). */
static void bench_entries(struct guest *g, const char *line, uint32_t n)
{
	static const char tag[] = "bench: op=";
	uint32_t op_len = 0;
	if (!str_prefix(line, n, tag))
		return;
	const char *op = line + sizeof(tag) - 1;
	while (sizeof(tag) - 1 + op_len < n && op[op_len] != ' ' && op_len < 32)
		op_len++;
	long long iters = field_num(line, n, "iters=");
	if (!op_len || iters < 0)
		return;
	uint32_t t = g->stats.entries.traps - g->stats.entries_mark.traps;
	uint32_t h = g->stats.entries.hcalls - g->stats.entries_mark.hcalls;
	uint32_t i = g->stats.entries.irqs - g->stats.entries_mark.irqs;
	kprintf("hv: bench-entries guest=%s op=%.*s iters=%u entries=%u traps=%u hypercalls=%u irqs=%u\n",
		g->name, (int)op_len, op, (uint32_t)iters, t + h + i, t, h, i);
}

void bench_report_line(struct guest *g, const char *line, uint32_t n)
{
	bench_entries(g, line, n);
	g->stats.entries_mark = g->stats.entries;       /* each complete line opens a window */
}
