/* SPDX-License-Identifier: MIT */
/*
 * Levelled logging with printf format checking. The context is passed
 * explicitly (a log object owned by the caller); NULL means "stderr,
 * level info, prefix 'hv'".
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdarg.h>

enum log_level { LOG_ERR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Where lines go. syslog: priorities LOG_ERR, LOG_WARNING, LOG_INFO,
 * LOG_DEBUG of syslog(3), facility daemon; call hv_log_open_syslog once
 * first. Both: a daemon that is starting, whose errors its caller must
 * see as well. */
enum hv_log_sink { HV_LOG_STDERR = 0, HV_LOG_SYSLOG, HV_LOG_BOTH };

struct hv_log {
	const char *prefix;	/* borrowed; e.g. "hvrun" */
	enum log_level level;	/* messages above this level are dropped */
	enum hv_log_sink sink;
};

/* openlog(@ident (borrowed, kept by libc), LOG_PID | LOG_NDELAY,
 * LOG_DAEMON): for a process whose loggers use HV_LOG_SYSLOG. */
void hv_log_open_syslog(const char *ident);

void hv_logv(const struct hv_log *log, enum log_level lvl, const char *fmt,
	     va_list ap) __attribute__((format(printf, 3, 0)));
void hv_log(const struct hv_log *log, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_err(l, ...)   hv_log((l), LOG_ERR, __VA_ARGS__)
#define log_warn(l, ...)  hv_log((l), LOG_WARN, __VA_ARGS__)
#define log_info(l, ...)  hv_log((l), LOG_INFO, __VA_ARGS__)
#define log_debug(l, ...) hv_log((l), LOG_DEBUG, __VA_ARGS__)

#endif
