/* SPDX-License-Identifier: MIT */
/*
 * The domctl server in hvdomain (docs/domctl.md): an epoll loop on the
 * domain's listening socket and its connections, with handshakes,
 * requests, console output events and state-change events. One thread
 * (hvdomain's main thread) runs it; the vCPU threads reach it only through
 * the two wakers below.
 */
#ifndef HV_DOMAIN_DOMCTL_SERVER_H
#define HV_DOMAIN_DOMCTL_SERVER_H

#include "domain.h"
#include "console_ring.h"

/* Connections served at once; more are accepted and closed at once. */
#define DOMCTL_SERVER_MAX_CONNS 16

struct domctl_server_config {
	int listen_fd;			/* SOCK_SEQPACKET, listening */
	int exit_fd;			/* eventfd: the machine's run ended */
	int console_fd;			/* eventfd: console output to send */
	struct domain *dom;		/* borrowed */
	struct console_ring *console;	/* borrowed */
	const char *hv_version;		/* borrowed */
	const struct hv_log *log;	/* borrowed */
};

struct domctl_server;

/* The descriptors stay the caller's. */
int domctl_server_create(struct domctl_server **out,
			 const struct domctl_server_config *cfg)
	__attribute__((warn_unused_result));
/*
 * Serves until a Destroy (returns 0 after its reply went out and every
 * connection was closed) or a fatal error of the loop (negative errno).
 */
int domctl_server_run(struct domctl_server *s)
	__attribute__((warn_unused_result));
void domctl_server_destroy(struct domctl_server *s);	/* NULL: no-op */

/* Wakers, for the machine's callbacks (any thread, async-safe). */
void domctl_server_wake(int eventfd);

#endif
