/* SPDX-License-Identifier: MIT */
/*
 * Tests that run a real hvdomain: spawn it with --ready-fd (no polling,
 * no sleeps), connect through the client library, read its console
 * through events, and reap it with its exit status described.
 */
#ifndef HV_TESTS_HVDOMAIN_FIXTURE_H
#define HV_TESTS_HVDOMAIN_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "hv/domctl.h"

struct hvd_proc {
	pid_t pid;
	char dir[128];		/* temp dir: socket, stderr log */
	char sock[192];
	char log[192];
	int status;		/* wait status once reaped */
	bool reaped;
};

/* Sets the build dir from argv[0] (BUILD/tests/unit/domain/NAME). */
void hvd_fixture_init(const char *argv0);
/* BUILD/bin/hvdomain, build/guests/NAME.elf */
const char *hvd_binary(void);
const char *hvd_guest(const char *name);

/*
 * Starts hvdomain with --socket in a new temp dir plus the NULL-ended
 * @args, waits for ready. Returns 0, or -1 when it exited first (then
 * p->status is its wait status).
 */
int hvd_spawn(struct hvd_proc *p, const char *const *args);
/* Connects a client named "test". */
struct domctl *hvd_connect(struct hvd_proc *p);
/* Waits for the process (timeout s: SIGKILL then) and removes its dir. */
int hvd_reap(struct hvd_proc *p, int timeout_s);
/* Kills (SIGKILL) and reaps. */
void hvd_kill(struct hvd_proc *p);

/*
 * Reads console events until the output (from the subscription on) holds
 * @text; gives up after @timeout_ms. State events are noted in *st when
 * not NULL. Returns true if found. The collected output is in @out (NUL
 * terminated, the last @cap - 1 bytes).
 */
bool hvd_wait_console(struct domctl *d, const char *text, int timeout_ms,
		      char *out, size_t cap);
/* Waits for a state-change event with @state; true if seen. */
bool hvd_wait_state(struct domctl *d, enum domctl_state state,
		    int timeout_ms, struct domctl_status *st);

/*
 * Every console event sent before now, appended to @out (@cap bytes,
 * NUL terminated): resubscribes, so the server's reply orders the rest
 * after. Returns the number of the last complete "tick N " line in @out
 * (the dirtier's), or -1.
 */
long hvd_console_drain(struct domctl *d, char *out, size_t cap);

/* Kills every hvdomain hvd_spawn started that was not reaped: a cmocka
 * teardown, so a failed test leaves no process behind. */
int hvd_kill_all(void **state);

#endif
