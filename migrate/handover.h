/* SPDX-License-Identifier: MIT */
/*
 * The handover messages (docs/migration.md, "Handover"): fixed 32-byte
 * messages on channel 0 after END, in both directions. The wire format
 * is here, the state machines are in mig_send.c and mig_recv.c.
 *
 *   destination -> source   READY        all channels verified, state set,
 *                                        domain still incoming
 *                           FAILED(err)  it could not get there
 *   source -> destination   RUN(epoch)   the commit point has passed
 *                           ABORT        the guest stays on the source
 *   destination -> source   RUNNING(err) unpaused (err 0), or why not
 */
#ifndef HV_MIGRATE_HANDOVER_H
#define HV_MIGRATE_HANDOVER_H

#include <stdint.h>

#include "migrate.h"

#define HANDOVER_MAGIC	0x4f484d48u	/* "HMHO" little-endian */

enum handover_type {
	HANDOVER_READY = 1,
	HANDOVER_FAILED = 2,
	HANDOVER_RUN = 3,
	HANDOVER_ABORT = 4,
	HANDOVER_RUNNING = 5,
};

/* On the wire: little-endian, 32 bytes. */
struct handover_msg {
	uint32_t magic;
	uint32_t type;
	int32_t status;		/* 0 or a negative errno */
	uint32_t reserved;	/* 0 */
	uint64_t epoch;		/* RUN: the committed epoch; else 0 */
	uint64_t sum;		/* XXH3-64, seed 0, over bytes 0..23 */
};
_Static_assert(sizeof(struct handover_msg) == 32, "handover_msg is 32 bytes");

/* Sends one message on channel 0 of @t. 0 or a negative errno. */
int handover_send(struct mig_transport *t, enum handover_type type,
		  int32_t status, uint64_t epoch);

/*
 * Receives one message from channel 0 of @t into *type, *status, *epoch:
 * 0, -ENODATA at the end of the channel, -EBADMSG for a damaged or
 * unknown message, or the transport's error.
 */
int handover_recv(struct mig_transport *t, enum handover_type *type,
		  int32_t *status, uint64_t *epoch);

const char *handover_name(enum handover_type type);

#endif
