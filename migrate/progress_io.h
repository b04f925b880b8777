/* SPDX-License-Identifier: MIT */
/*
 * A stream_io that counts the bytes passing through another one and
 * reports them to a domain_progress callback (domain_save.h): how save
 * and restore tell their caller how far they are.
 */
#ifndef HV_MIGRATE_PROGRESS_IO_H
#define HV_MIGRATE_PROGRESS_IO_H

#include "domain_save.h"
#include "stream.h"

struct progress_io {
	struct stream_io io;		/* what the writer or reader uses */
	const struct stream_io *inner;	/* borrowed */
	const struct domain_progress *p;	/* borrowed; NULL: none */
	const char *phase;		/* borrowed; set between phases */
	uint64_t done, total, reported;
};

/* Sets up pio->io over @inner, counting towards @total bytes. */
void progress_io_init(struct progress_io *pio, const struct stream_io *inner,
		      const struct domain_progress *p, uint64_t total);

/* Reports pio's phase and count now (a phase change, the end). */
void progress_io_report(struct progress_io *pio);

#endif
