// SPDX-License-Identifier: MIT
/* Raw mode for interactive consoles (raw_term.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "raw_term.h"

int raw_term_enter(struct raw_term *t, int fd)
{
	struct termios raw;

	t->fd = fd;
	t->active = false;
	if (!isatty(fd))
		return -ENOTTY;
	if (tcgetattr(fd, &t->saved) < 0)
		return -errno;
	raw = t->saved;
	cfmakeraw(&raw);
	/* The guest's own line endings pass as they are; our messages to
	 * the same terminal stay readable. */
	raw.c_oflag |= OPOST | ONLCR;
	if (tcsetattr(fd, TCSANOW, &raw) < 0)
		return -errno;
	t->active = true;
	return 0;
}

void raw_term_leave(struct raw_term *t)
{
	if (!t->active)
		return;
	tcsetattr(t->fd, TCSANOW, &t->saved);
	t->active = false;
}

size_t raw_term_before_escape(const void *buf, size_t len)
{
	const unsigned char *esc = memchr(buf, RAW_TERM_ESCAPE, len);

	return esc ? (size_t)(esc - (const unsigned char *)buf) : len;
}
