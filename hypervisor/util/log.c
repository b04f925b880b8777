// SPDX-License-Identifier: MIT
#include <stdio.h>
#include "hv/log.h"

static const char *const level_names[] = { "error", "warning", "info",
					   "debug" };

void hv_logv(const struct hv_log *log, enum log_level lvl, const char *fmt,
	     va_list ap)
{
	const char *prefix = log ? log->prefix : "hv";
	enum log_level max = log ? log->level : LOG_INFO;

	if (lvl > max)
		return;
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
