/* SPDX-License-Identifier: MIT */
/*
 * The domctl requests (proto/domctl.proto) carried out on a domain: one
 * decoded request in, one reply out. The transport, the handshake, events
 * and console subscriptions are the server's (domctl_server.c).
 */
#ifndef HV_DOMAIN_DOMCTL_REQUESTS_H
#define HV_DOMAIN_DOMCTL_REQUESTS_H

#include <stdbool.h>
#include "domain.h"
#include "console_ring.h"
#include "proto/domctl.pb-c.h"

/*
 * What a handler answers. reply points into this object (and into buffers
 * it owns): pack it, then domctl_answer_fini(). fd >= 0 travels with the
 * reply (owned by the answer until sent: the server closes it after).
 */
struct domctl_answer {
	Hv__DomctlReply reply;
	int fd;
	bool destroy;		/* the server exits after sending this */
	char error[256];
	/* result storage */
	Hv__DomainStatus status;
	Hv__GetMemoryReply memory;
	Hv__MemoryRegion region;
	Hv__MemoryRegion *regions[1];
	Hv__DirtyBitmap bitmap;
	Hv__ConsoleWriteReply console_write;
	ProtobufCMessage *unpacked;	/* config / vcpu / devices result */
	uint8_t *owned;			/* bitmap bytes */
};

/* Fills @a (initialised here) with the reply to @req for @dom. */
void domctl_handle_request(struct domain *dom, const Hv__DomctlRequest *req,
			   struct domctl_answer *a);
void domctl_answer_fini(struct domctl_answer *a);

/* Sets a's reply to status @ret (< 0) with a formatted message. */
void domctl_answer_error(struct domctl_answer *a, int ret, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4)));

/* Fills a DomainStatus from the domain's. */
void domctl_fill_status(Hv__DomainStatus *m, const struct domain *dom);

#endif
