/* Benchmark lines answered with entry counts (kernel/bench_report.c). */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stdint.h>

struct guest;

/* After each complete console line of g (the multiplexer's call, the line
 * already written): a benchmark line gets its "hv: bench-entries" answer;
 * every line opens the next window of entries. */
void bench_report_line(struct guest *g, const char *line, uint32_t n);

#endif
