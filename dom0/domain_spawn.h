/* SPDX-License-Identifier: MIT */
/*
 * Starting a domain: fork and exec hvdomain (docs/hvdomain.md), wait for
 * the "ready" line on its --ready-fd (no polling: the socket listens when
 * it comes) and connect to its domctl socket. Used by hvdomctl restore
 * now and hvd later.
 */
#ifndef HV_DOM0_DOMAIN_SPAWN_H
#define HV_DOM0_DOMAIN_SPAWN_H

#include <stddef.h>
#include <sys/types.h>
#include "hv/domctl.h"
#include "hv/log.h"

struct domain_spawn {
	const char *hvdomain;	/* the binary: a path, or a name for PATH */
	const char *socket;	/* its --socket */
	/* More arguments (NULL-terminated; NULL: none). --socket and
	 * --ready-fd are added here. */
	const char *const *args;
	int out_fd;		/* hvdomain's stdout and stderr; -1: ours */
	int ready_timeout_ms;	/* 0: wait as long as it takes */
	const char *client;	/* our name in the domain's logs */
};

/* A started domain: its process and a connection to it. */
struct domain_proc {
	pid_t pid;
	struct domctl *d;
};

/*
 * Starts hvdomain in a session of its own with stdin on /dev/null, and
 * returns once it is ready and connected. On failure nothing is left
 * running: a hvdomain that exited before it was ready is reaped and its
 * status logged in words (-ECHILD), one that cannot be executed is
 * reported with exec's errno, one not ready in time (-ETIMEDOUT) or one
 * we cannot connect to is killed and reaped.
 */
int domain_spawn(const struct domain_spawn *sp, struct domain_proc *out,
		 const struct hv_log *log) __attribute__((warn_unused_result));

/* Kills (SIGKILL) and reaps pid: for a domain whose connection is lost
 * or that a failed restore left behind. pid <= 0: no-op. */
void domain_spawn_kill(pid_t pid);

/* A wait status in words: "exited with status 125", "killed by signal
 * 31 (SIGSYS)". */
void domain_wait_status(int status, char *buf, size_t len);

#endif
