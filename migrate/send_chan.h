/* SPDX-License-Identifier: MIT */
/*
 * The sender's channel threads: one per channel, each with its own
 * stream writer (and so its own zstd context), driven by jobs that the
 * engine's thread hands to all channels at once and waits for. Between
 * jobs the threads are idle and the engine may use their writers (the
 * STATE records on channel 0); the mutex orders those uses.
 */
#ifndef HV_MIGRATE_SEND_CHAN_H
#define HV_MIGRATE_SEND_CHAN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "migrate.h"
#include "stream.h"
#include "xport.h"

enum chan_job {
	JOB_NONE,
	JOB_HEADER,	/* stream header (+ DOMAIN_CONFIG on channel 0) */
	JOB_ROUND,	/* the class's pages set in the bitmap, then SYNC */
	JOB_END,	/* END with the manifest */
	JOB_QUIT,
};

struct send_chans;

struct send_chan {
	struct send_chans *all;
	unsigned int idx;
	pthread_t thread;
	bool started;
	struct mig_chan_io io;
	struct stream_writer *w;
	uint64_t *pfns;		/* one batch's pfns */
	int ret;		/* the last job's result */
	const char *step;	/* what failed: "send", "sync", ... */
};

struct send_chans {
	pthread_mutex_t lock;
	pthread_cond_t job_cond, done_cond;
	unsigned int gen;	/* job number, bumped for each job */
	enum chan_job job;
	unsigned int pending;	/* channels still working on the job */
	atomic_bool failed;	/* a channel failed: the others stop */
	const atomic_bool *cancel;	/* the caller's */

	/* the job's inputs, read-only while it runs */
	const uint8_t *bits;	/* JOB_ROUND: dirty bitmap, nr_pages bits */
	const void *config;	/* JOB_HEADER: channel 0's DOMAIN_CONFIG */
	size_t config_len;
	uint64_t bw_per_chan;	/* bytes/s; 0: no cap */

	struct mig_transport *t;
	uint64_t nr_pages;
	unsigned int n;
	struct send_chan *c;	/* n of them */
};

struct send_chans_config {
	struct mig_transport *t;
	const void *ram;
	const int *ram_fd;
	uint64_t nr_pages;
	uint64_t stream_id;
	int zstd_level;		/* 0: none */
	uint64_t bandwidth;	/* all channels */
	const atomic_bool *cancel;
};

/* Creates the writers and starts the threads. 0 or -errno. */
int send_chans_start(struct send_chans *s, const struct send_chans_config *c);
/*
 * Runs @job on every channel and waits for all: 0, or the first failing
 * channel's error (its index in *failed_ch). Engine's thread only.
 */
int send_chans_run(struct send_chans *s, enum chan_job job,
		   unsigned int *failed_ch);
/* Stops and joins the threads, frees the writers. Safe after a failed
 * start; a no-op when never started. */
void send_chans_stop(struct send_chans *s);
/* Wire bytes so far over every channel (any thread). */
uint64_t send_chans_bytes(struct send_chans *s);

#endif
