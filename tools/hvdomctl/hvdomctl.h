/* SPDX-License-Identifier: MIT */
/*
 * hvdomctl's commands that need more than a call or two: the console
 * relay and restore. Each returns the tool's exit status (HVDOMCTL_OK,
 * _FAILED or _USAGE) after saying on stderr what went wrong.
 */
#ifndef HV_TOOLS_HVDOMCTL_H
#define HV_TOOLS_HVDOMCTL_H

#include <stdbool.h>
#include "hv/domctl.h"
#include "hv/log.h"

#define HVDOMCTL_OK	0
#define HVDOMCTL_FAILED	1
#define HVDOMCTL_USAGE	2

/*
 * Relays stdin to the guest's console input and its output to stdout,
 * until stdin ended, all of it was accepted and the guest then printed
 * nothing for @idle_ms, or until the guest shuts down. @replay first
 * prints the output hvdomain kept (its last 64 KiB).
 */
int hvdomctl_console(struct domctl *d, bool replay, int idle_ms,
		     const struct hv_log *log);

struct hvdomctl_restore {
	const char *file;	/* the save file */
	const char *socket;	/* the new domain's socket */
	const char *hvdomain;	/* its binary */
	const char *name;	/* NULL: the saved name */
	const char *log_file;	/* hvdomain's stdout+stderr; NULL: our stderr */
	bool paused;		/* leave it incoming, do not unpause */
};

/*
 * Starts an incoming hvdomain for the file's config, restores the file
 * into it and unpauses it; prints its pid on stdout. On failure no
 * hvdomain is left behind.
 */
int hvdomctl_restore(const struct hvdomctl_restore *r,
		     const struct hv_log *log);

#endif
