// SPDX-License-Identifier: MIT
/*
 * The logger (hv/log.h): stderr, or syslog(3) for a daemon. The only
 * state beyond the caller's struct hv_log is what openlog(3) keeps in
 * libc (the ident and the /dev/log socket).
 */
#include <stdio.h>
#include <syslog.h>

/* syslog.h's priorities, before hv/log.h's names take over LOG_ERR,
 * LOG_INFO and LOG_DEBUG. */
static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
				   LOG_DEBUG };
#undef LOG_ERR
#undef LOG_INFO
#undef LOG_DEBUG

#include "hv/log.h"

static const char *const level_names[] = { "error", "warning", "info",
					   "debug" };

void hv_log_open_syslog(const char *ident)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void hv_logv(const struct hv_log *log, enum log_level lvl, const char *fmt,
	     va_list ap)
{
	const char *prefix = log ? log->prefix : "hv";
	enum log_level max = log ? log->level : LOG_INFO;

	if (lvl > max)
		return;
	if (log && log->sink != HV_LOG_STDERR) {
		/* the ident (openlog) names the program; the level is the
		 * priority, and stays in the text for plain log files */
		char line[1024];

		vsnprintf(line, sizeof(line), fmt, ap);
		syslog(syslog_prio[lvl], "%s: %s", level_names[lvl], line);
		if (log->sink == HV_LOG_BOTH)
			fprintf(stderr, "%s: %s: %s\n", prefix,
				level_names[lvl], line);
		return;
	}
	fprintf(stderr, "%s: %s: ", prefix, level_names[lvl]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void hv_log(const struct hv_log *log, enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_logv(log, lvl, fmt, ap);
	va_end(ap);
}
