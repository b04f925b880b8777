/* SPDX-License-Identifier: MIT */
/*
 * A terminal in raw mode for an interactive console (hvrun, hvdomctl
 * console): every key goes to the guest as typed, Ctrl-] is the escape,
 * and the settings found are put back on the way out.
 */
#ifndef HV_TOOLS_RAW_TERM_H
#define HV_TOOLS_RAW_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#define RAW_TERM_ESCAPE 0x1d		/* Ctrl-] */

struct raw_term {
	int fd;
	bool active;			/* raw now; saved holds the old mode */
	struct termios saved;
};

/* Raw mode on @fd when it is a terminal: 0, or -ENOTTY (nothing done)
 * when it is not one, or another negative errno. */
int raw_term_enter(struct raw_term *t, int fd);
/* Puts the saved settings back; a no-op unless raw_term_enter set them. */
void raw_term_leave(struct raw_term *t);
/* The number of bytes of @buf before the escape key, or @len when it
 * holds none. */
size_t raw_term_before_escape(const void *buf, size_t len);

#endif
