// SPDX-License-Identifier: MIT
/*
 * The xl.cfg-like syntax (cfg_syntax.h): a check of the raw bytes (size,
 * NUL bytes, line lengths), then one pass of a hand-written recursive
 * descent over the buffer. Unquoted strings and keys are copied into one
 * scratch buffer as large as the file (an unquoted string is never longer
 * than its quoted form), reset for every setting.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg_syntax.h"

struct lexer {
	const char *p, *end;
	unsigned int line;
	char *scratch;
	size_t used;
	const char *file;
	const char *key;	/* of the setting being read */
	char *err;
	size_t errlen;
};

void cfg_errorf(char *err, size_t errlen, const char *file, unsigned int line,
		const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "%s:%u: %s", file, line, reason);
	else
		snprintf(err, errlen, "%s: %s", file, reason);
}

/* @c as a message shows it: 'c', or "byte 0xNN" when not printable. */
static const char *show(char *out, size_t len, char c)
{
	unsigned char u = (unsigned char)c;

	if (u >= 0x20 && u < 0x7f)
		snprintf(out, len, "'%c'", c);
	else
		snprintf(out, len, "byte 0x%02x", u);
	return out;
}

static int check_bytes(const char *buf, size_t len, const char *file,
		       char *err, size_t errlen)
{
	unsigned int line = 1;
	size_t i, start = 0;

	if (len > CFG_FILE_MAX) {
		cfg_errorf(err, errlen, file, 0, "%zu bytes, more than %d",
			   len, CFG_FILE_MAX);
		return -EINVAL;
	}
	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] == '\0') {
			cfg_errorf(err, errlen, file, line, "a NUL byte");
			return -EINVAL;
		}
		if (i < len && buf[i] != '\n')
			continue;
		if (i - start > CFG_LINE_MAX) {
			cfg_errorf(err, errlen, file, line,
				   "line longer than %d bytes", CFG_LINE_MAX);
			return -EINVAL;
		}
		line++;
		start = i + 1;
	}
	return 0;
}

static int fail(struct lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct lexer *lx, const char *fmt, ...)
{
	char reason[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	cfg_errorf(lx->err, lx->errlen, lx->file, lx->line, "%s", reason);
	return -EINVAL;
}

static bool at_end(const struct lexer *lx)
{
	return lx->p >= lx->end;
}

/* A line ends at \n, \r\n or the end of the buffer. */
static bool at_eol(const struct lexer *lx)
{
	return at_end(lx) || *lx->p == '\n' ||
	       (*lx->p == '\r' && lx->p + 1 < lx->end && lx->p[1] == '\n');
}

static void skip_blanks(struct lexer *lx)
{
	while (!at_end(lx) && (*lx->p == ' ' || *lx->p == '\t'))
		lx->p++;
}

/* Past the end of this line (comment or nothing but blanks left). */
static void next_line(struct lexer *lx)
{
	while (!at_end(lx) && *lx->p != '\n')
		lx->p++;
	if (!at_end(lx)) {
		lx->p++;
		lx->line++;
	}
}

/* Blanks, comments and line ends: what may separate a list's items. */
static void skip_space(struct lexer *lx)
{
	for (;;) {
		skip_blanks(lx);
		if (at_end(lx))
			return;
		if (*lx->p == '#' || at_eol(lx))
			next_line(lx);
		else
			return;
	}
}

static bool is_key_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_word(char c)
{
	return is_key_start(c) || (c >= '0' && c <= '9') || c == '.';
}

static int read_string(struct lexer *lx, struct cfg_value *v)
{
	char quote = *lx->p++, c, shown[16];
	char *out = lx->scratch + lx->used;
	size_t n = 0;

	for (;;) {
		if (at_eol(lx))
			return fail(lx, "string not closed before the end of "
				    "the line");
		c = *lx->p++;
		if (c == quote)
			break;
		if (c == '\\') {
			if (at_eol(lx))
				return fail(lx, "string not closed before the "
					    "end of the line");
			c = *lx->p++;
			if (c != '\\' && c != '"' && c != '\'')
				return fail(lx, "unknown escape: a backslash "
					    "before %s in a string (only "
					    "\\\\, \\\" and \\' are known)",
					    show(shown, sizeof(shown), c));
		} else if ((unsigned char)c < 0x20 || c == 0x7f) {
			return fail(lx, "control character 0x%02x in a string",
				    (unsigned char)c);
		}
		out[n++] = c;
	}
	out[n] = '\0';
	lx->used += n + 1;
	v->type = CFG_STRING;
	v->str = out;
	v->len = n;
	return 0;
}

static int read_number(struct lexer *lx, struct cfg_value *v)
{
	const char *start = lx->p;
	uint64_t num = 0;
	bool big = false;

	while (!at_end(lx) && *lx->p >= '0' && *lx->p <= '9') {
		unsigned int d = (unsigned int)(*lx->p++ - '0');

		if (num > (UINT64_MAX - d) / 10)
			big = true;
		num = num * 10 + d;
	}
	if (!at_end(lx) && is_word(*lx->p)) {
		while (!at_end(lx) && is_word(*lx->p))
			lx->p++;
		return fail(lx, "'%.*s' is not a decimal number",
			    (int)(lx->p - start > 40 ? 40 : lx->p - start),
			    start);
	}
	if (lx->p - start > 1 && *start == '0')
		return fail(lx, "'%.*s': a number with a leading zero (xl "
			    "would read it as octal)",
			    (int)(lx->p - start > 40 ? 40 : lx->p - start),
			    start);
	if (big)
		return fail(lx, "number too large");
	v->type = CFG_NUMBER;
	v->num = num;
	return 0;
}

static int read_value(struct lexer *lx, struct cfg_value *v, bool in_list);

static int read_list(struct lexer *lx, struct cfg_value *v)
{
	struct cfg_value *items = NULL, *grown;
	unsigned int open_line = lx->line;
	char shown[16];
	size_t n = 0, cap = 0;
	int ret;

	lx->p++;	/* '[' */
	for (;;) {
		skip_space(lx);
		if (at_end(lx))
			goto unclosed;
		if (*lx->p == ']')
			break;
		if (n == cap) {
			cap = cap ? 2 * cap : 4;
			grown = realloc(items, cap * sizeof(*items));
			if (!grown) {
				fail(lx, "out of memory");
				ret = -ENOMEM;
				goto fail;
			}
			items = grown;
		}
		ret = read_value(lx, &items[n], true);
		if (ret)
			goto fail;
		n++;
		skip_space(lx);
		if (at_end(lx))
			goto unclosed;
		if (*lx->p == ']')
			break;
		if (*lx->p != ',') {
			ret = fail(lx, "expected ',' or ']' in the list of "
				   "'%s', not %s", lx->key,
				   show(shown, sizeof(shown), *lx->p));
			goto fail;
		}
		lx->p++;
	}
	lx->p++;	/* ']' */
	v->type = CFG_LIST;
	v->items = items;
	v->n_items = n;
	return 0;
unclosed:
	lx->line = open_line;
	ret = fail(lx, "list of '%s' not closed (no ']')", lx->key);
fail:
	free(items);
	return ret;
}

static int read_value(struct lexer *lx, struct cfg_value *v, bool in_list)
{
	char shown[16];

	memset(v, 0, sizeof(*v));
	v->line = lx->line;
	if (at_eol(lx) || *lx->p == '#')
		return fail(lx, "'%s' has no value", lx->key);
	switch (*lx->p) {
	case '"':
	case '\'':
		return read_string(lx, v);
	case '[':
		if (in_list)
			return fail(lx, "a list inside the list of '%s'",
				    lx->key);
		return read_list(lx, v);
	default:
		if (*lx->p >= '0' && *lx->p <= '9')
			return read_number(lx, v);
		if (in_list)
			return fail(lx, "expected a \"string\" or a number in "
				    "the list of '%s', not %s", lx->key,
				    show(shown, sizeof(shown), *lx->p));
		return fail(lx, "the value of '%s' must be a \"string\", a "
			    "number or a [list], not %s", lx->key,
			    show(shown, sizeof(shown), *lx->p));
	}
}

static void free_value(struct cfg_value *v)
{
	if (v->type == CFG_LIST)
		free((void *)v->items);
	v->items = NULL;
}

/* One `key = value` line (and the lines of a list), then its callback. */
static int read_setting(struct lexer *lx, cfg_setting_fn fn, void *opaque)
{
	struct cfg_value v = { .type = CFG_NUMBER };
	struct cfg_error e;
	char *key = lx->scratch, shown[16];
	size_t n = 0;
	int ret;

	lx->used = 0;
	while (!at_end(lx) && (is_key_start(*lx->p) ||
			       (n && *lx->p >= '0' && *lx->p <= '9')))
		key[n++] = *lx->p++;
	key[n] = '\0';
	lx->used = n + 1;
	lx->key = key;
	skip_blanks(lx);
	if (at_end(lx) || *lx->p != '=') {
		if (at_eol(lx))
			return fail(lx, "expected '=' after '%s'", key);
		return fail(lx, "expected '=' after '%s', not %s", key,
			    show(shown, sizeof(shown), *lx->p));
	}
	lx->p++;
	skip_blanks(lx);
	ret = read_value(lx, &v, false);
	if (ret)
		return ret;
	skip_blanks(lx);
	if (!at_eol(lx) && *lx->p != '#') {
		ret = fail(lx, "unexpected %s after the value of '%s'",
			   show(shown, sizeof(shown), *lx->p), key);
		goto out;
	}
	e.line = v.line;
	e.reason[0] = '\0';
	ret = fn(opaque, key, &v, &e);
	if (ret)
		cfg_errorf(lx->err, lx->errlen, lx->file, e.line, "%s",
			   e.reason[0] ? e.reason : "refused");
	else
		next_line(lx);
out:
	free_value(&v);
	return ret;
}

int cfg_parse(const char *buf, size_t len, const char *file, cfg_setting_fn fn,
	      void *opaque, char *err, size_t errlen)
{
	struct lexer lx = {
		.p = buf, .end = buf + len, .line = 1, .file = file,
		.err = err, .errlen = errlen,
	};
	char shown[16];
	int ret;

	if (errlen)
		err[0] = '\0';
	ret = check_bytes(buf, len, file, err, errlen);
	if (ret)
		return ret;
	lx.scratch = malloc(len + 1);
	if (!lx.scratch) {
		cfg_errorf(err, errlen, file, 0, "out of memory");
		return -ENOMEM;
	}
	while (!at_end(&lx)) {
		skip_blanks(&lx);
		if (at_eol(&lx) || *lx.p == '#') {
			next_line(&lx);
			continue;
		}
		if (!is_key_start(*lx.p)) {
			ret = fail(&lx, "expected a key at the start of the "
				   "line, not %s",
				   show(shown, sizeof(shown), *lx.p));
			break;
		}
		ret = read_setting(&lx, fn, opaque);
		if (ret)
			break;
	}
	free(lx.scratch);
	return ret;
}
