/*
 * The hypervisor's logger: printf-style, with levels. Output is buffered
 * until the UART reports ready (log_console_ready), then goes to COM1 and
 * is mirrored on the VGA text screen.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include "config.h"

enum log_level { LOG_ERR = 1, LOG_WARN = 2, LOG_INFO = 3, LOG_DEBUG = 4 };

/* kernel/log.c */
extern int log_level;
void log_set_level(int level);
void log_console_ready(int uart_ok);   /* flush the early buffer */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *fmt, va_list ap);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_raw_putc(char c);             /* unfiltered */
void log_force_console(void);          /* bring the console up (panic) */

#define pr_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* kernel/panic.c */
struct trap_frame;
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void panic_frame(const struct trap_frame *tf, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
void backtrace(unsigned long ebp);

#define BUG_ON(c) do { if (c) panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); } while (0)

#endif
