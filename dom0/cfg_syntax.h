/* SPDX-License-Identifier: MIT */
/*
 * The syntax of hv's configuration files (docs/config.md), a subset of
 * xl.cfg(5): one `key = value` per line, `#` comments, strings in "double"
 * or 'single' quotes (escapes \\ \" \' only), decimal numbers, and
 * [ lists ] of strings and numbers that may span lines. What the keys mean
 * is the caller's: cfg_parse hands it each setting in file order.
 */
#ifndef HV_DOM0_CFG_SYNTAX_H
#define HV_DOM0_CFG_SYNTAX_H

#include <stddef.h>
#include <stdint.h>

#define CFG_FILE_MAX	(64 * 1024)	/* bytes in a file */
#define CFG_LINE_MAX	4096		/* bytes in a line but its \n */

enum cfg_type { CFG_STRING, CFG_NUMBER, CFG_LIST };

struct cfg_value {
	enum cfg_type type;
	unsigned int line;		/* where the value starts */
	const char *str;	/* CFG_STRING: unquoted, NUL-terminated */
	size_t len;		/* CFG_STRING: strlen(str) */
	uint64_t num;		/* CFG_NUMBER */
	const struct cfg_value *items;	/* CFG_LIST: strings, numbers */
	size_t n_items;
};

/* What a setting callback fills in when it refuses a setting. */
struct cfg_error {
	unsigned int line;	/* preset to the setting's line */
	char reason[256];
};

/*
 * Called for each setting with its key and value, both valid only during
 * the call. 0 to go on; a negative errno (with @e->reason, and @e->line
 * if the reason is about another line) stops the parse.
 */
typedef int (*cfg_setting_fn)(void *opaque, const char *key,
			      const struct cfg_value *v, struct cfg_error *e);

/*
 * Parses @len bytes at @buf (no NUL needed) called @file in messages.
 * 0; -EINVAL with "FILE:LINE: reason" (or "FILE: reason" for the file as
 * a whole: too large) in @err for bad syntax, a NUL byte, a line over
 * CFG_LINE_MAX, a file over CFG_FILE_MAX; or what @fn returned, with its
 * reason after "FILE:LINE: ". -ENOMEM, said in @err, when out of memory.
 */
int cfg_parse(const char *buf, size_t len, const char *file, cfg_setting_fn fn,
	      void *opaque, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* "FILE:LINE: reason" into @err, or "FILE: reason" when @line is 0. */
void cfg_errorf(char *err, size_t errlen, const char *file, unsigned int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
