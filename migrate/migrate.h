/* SPDX-License-Identifier: MIT */
/*
 * The live-migration engine (docs/migration.md): a sender that moves a
 * running domain through precopy rounds and stop-and-copy, a receiver
 * that applies the channels into an incoming domain, the transports they
 * share behind one ops table, and the handover (commit protocol) with
 * its ownership arbiter.
 *
 * Threads: mig_send and mig_recv each run on the caller's thread and
 * start one thread per channel, which they join before returning. Only
 * the caller's thread uses the domctl connection. A transport is used by
 * one engine at a time; its channel i is written (or read) only by
 * channel i's thread, and mig_transport_abort may be called from any
 * thread at any time.
 */
#ifndef HV_MIGRATE_MIGRATE_H
#define HV_MIGRATE_MIGRATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hv/domctl.h"
#include "hv/log.h"

#define MIG_MAX_CHANNELS	64
#define MIG_DEFAULT_CHANNELS	2
#define MIG_DEFAULT_DOWNTIME_MS	10
#define MIG_DEFAULT_ZSTD_LEVEL	1	/* fast */
#define MIG_DEFAULT_MAX_ROUNDS	30

/* ---- Transports ------------------------------------------------------- */

struct mig_transport;

/*
 * RDMA-style direct placement (docs/migration.md, "the page seam"): a
 * transport that writes pages into registered memory of the destination
 * instead of carrying them in the byte stream. Declared so that the seam
 * is fixed; no transport implements it yet and the engine refuses a
 * transport that offers it (-EOPNOTSUPP) until the stream has the
 * encoding that names a placed page.
 */
struct mig_page_sink_ops {
	/*
	 * Called once per side before the first page, with the guest RAM
	 * mapping (borrowed until close): the sender registers it as the
	 * source of one-sided writes, the receiver as their target.
	 */
	int (*register_ram)(struct mig_transport *t, void *base, size_t len);
	/*
	 * Sender, channel @ch's thread: places the @n pages @pfns (borrowed)
	 * at the same offsets in the destination's registered RAM. Returns
	 * when the writes completed (the batch record that names them may
	 * then be sent), or a negative errno.
	 */
	int (*place)(struct mig_transport *t, unsigned int ch,
		     const uint64_t *pfns, size_t n);
};

/* Flags of a transport (mig_transport_ops.flags). */
#define MIG_XPORT_PEER	0x1	/* a live peer answers: handover follows END */

/*
 * A transport: N channels, each a reliable ordered byte stream (one
 * connection, file or pipe). Every member is called by the engine only;
 * the comment says from which thread and how often.
 */
struct mig_transport_ops {
	const char *name;		/* "fd", "file", "tls", "rdma" */
	unsigned int flags;		/* MIG_XPORT_* */
	/*
	 * Called once, by the engine's thread, before anything else: makes
	 * the channels usable (a file transport creates its file). 0 or a
	 * negative errno; on failure only destroy follows.
	 */
	int (*open)(struct mig_transport *t);
	/*
	 * Sends all @len bytes of @buf (borrowed for the call) on channel
	 * @ch. Called by channel @ch's thread, many times. 0 or a negative
	 * errno (-EPIPE, -ECONNRESET when the peer went away); after an
	 * error the channel is dead.
	 */
	int (*send)(struct mig_transport *t, unsigned int ch, const void *buf,
		    size_t len);
	/*
	 * Receives up to @len bytes on channel @ch: the number received,
	 * fewer than @len only at the end of the channel (0 there), or a
	 * negative errno. Called by channel @ch's thread; NULL for a
	 * write-only transport.
	 */
	ssize_t (*recv)(struct mig_transport *t, unsigned int ch, void *buf,
			size_t len);
	/*
	 * Hands everything sent on channel @ch so far to the peer (a TLS
	 * record flush, a corked socket's push). Called by channel @ch's
	 * thread after every SYNC and after END. May be NULL.
	 */
	int (*flush)(struct mig_transport *t, unsigned int ch);
	/*
	 * Makes every blocked or later send and recv on every channel fail
	 * promptly (shutdown of the sockets). Any thread, any time, more
	 * than once; never frees anything.
	 */
	void (*abort)(struct mig_transport *t);
	/*
	 * Called once, by the engine's thread, after the channels' threads
	 * were joined, with the engine's result @status: a file transport
	 * makes a good file durable (fsync) and removes a failed one. Returns
	 * 0 or a negative errno, which then becomes the result. May be NULL.
	 */
	int (*finish)(struct mig_transport *t, int status);
	/* Frees the transport; closes only what it opened itself. */
	void (*destroy)(struct mig_transport *t);
	/* NULL for the stream transports (fd, file, TLS). */
	const struct mig_page_sink_ops *pages;
};

struct mig_transport {
	const struct mig_transport_ops *ops;
	unsigned int nr_channels;	/* 1..MIG_MAX_CHANNELS */
	void *priv;			/* the backend's */
};

/*
 * The fd transport: @n connected stream sockets (or pipes) @fds, one per
 * channel, borrowed (never closed); sockets carry the handover in both
 * directions (MIG_XPORT_PEER), and abort shuts them down. A pipe is one
 * direction only: @peer false makes the transport write- or read-only
 * with no handover (a stream to or from a pipe).
 */
int mig_xport_fd_create(struct mig_transport **out, const int *fds,
			unsigned int n, bool peer)
	__attribute__((warn_unused_result));

/*
 * The file transport: one channel in the save-file format (the file
 * hvdomctl restore reads). @writing: the file at @path is created at open
 * (mode 0600), fsync'd by finish on success and removed on failure;
 * otherwise it is read. No handover: after END a sender leaves the domain
 * paused, a receiver leaves it incoming.
 */
int mig_xport_file_create(struct mig_transport **out, const char *path,
			  bool writing, const struct hv_log *log)
	__attribute__((warn_unused_result));

/* Frees @t (NULL: no-op). */
void mig_transport_destroy(struct mig_transport *t);
/* Makes every channel's I/O fail now; any thread (cancel a receiver). */
void mig_transport_abort(struct mig_transport *t);

/* ---- Ownership arbiter ------------------------------------------------ */

/*
 * Who may run a guest after a handover (design.md section 3). The sender
 * calls commit exactly once, after the destination reported READY and
 * before it tells it to run: when commit returns 0 the ownership has
 * moved (the commit point). A side that lost contact during the handover
 * calls resolve to learn the outcome instead of guessing.
 */
struct mig_arbiter_ops {
	/*
	 * Makes "domain @uuid belongs to the destination from @epoch on"
	 * durable. 0, or a negative errno: then nothing moved and the
	 * migration aborts.
	 */
	int (*commit)(void *priv, const uint8_t uuid[16], uint64_t epoch);
	/*
	 * The outcome of the handover of @uuid at @epoch (0: the asker does
	 * not know the epoch, as a destination that never got RUN): 1
	 * committed, 0 aborted, or a negative errno when it cannot tell (in
	 * doubt: the guest stays paused).
	 */
	int (*resolve)(void *priv, const uint8_t uuid[16], uint64_t epoch);
};

struct mig_arbiter {
	const struct mig_arbiter_ops *ops;
	void *priv;
};

/*
 * The default arbiter: commit writes a record (uuid, epoch, "moved") to
 * @path with fsync of the file and its directory; resolve reads it back
 * on the side that has it and otherwise would ask the peer, which is not
 * done yet (-ENOTCONN: in doubt). @path is borrowed for the arbiter's
 * life.
 */
struct mig_arbiter_peer {
	struct mig_arbiter arb;
	const char *path;
};
void mig_arbiter_peer_init(struct mig_arbiter_peer *a, const char *path);

/* ---- Sender ----------------------------------------------------------- */

enum mig_timeout_action {
	MIG_TIMEOUT_FORCE = 0,	/* stop-and-copy now, whatever the downtime */
	MIG_TIMEOUT_ABORT = 1,	/* give up: the guest runs on the source */
};

struct mig_stats;

/*
 * The stop-and-copy decision, replaceable (Xen's precopy policy): called
 * by mig_send's thread after every iterative round with the figures so
 * far and the engine's own verdict @fits (the predicted downtime is
 * within the target); returns true to stop and copy now. max_rounds and
 * timeout_ms apply whatever it says.
 */
typedef bool (*mig_policy_fn)(void *opaque, const struct mig_stats *st,
			      bool fits);

struct mig_params {
	unsigned int max_downtime_ms;	/* 0: MIG_DEFAULT_DOWNTIME_MS */
	uint64_t bandwidth;		/* bytes/s, all channels; 0: no cap */
	int zstd_level;			/* 0: MIG_DEFAULT_ZSTD_LEVEL (fast) */
	bool no_compress;		/* true: no zstd (zstd_level ignored) */
	/* from the start, checked after each round; 0: none */
	unsigned int timeout_ms;
	/* what happens at timeout_ms or max_rounds */
	enum mig_timeout_action timeout_action;
	/* rounds before stop-and-copy, round 0 included; 0: the default */
	unsigned int max_rounds;
	bool no_auto_converge;		/* true: never throttle the vCPUs */
	mig_policy_fn policy;		/* NULL: stop when the estimate fits */
	void *policy_opaque;
	uint64_t epoch;			/* the ownership epoch to commit */
	/* NULL: no durable record; sending RUN is then the commit point */
	const struct mig_arbiter *arbiter;
	const struct hv_log *log;
	const char *name;		/* for messages: the domain's name */
};

/* How the handover ended, as the sender saw it. */
enum mig_outcome {
	MIG_OUTCOME_NONE = 0,		/* failed before the commit point */
	MIG_OUTCOME_SAVED,		/* no peer (a file): END durable */
	MIG_OUTCOME_RUNNING,		/* committed; the destination runs */
	MIG_OUTCOME_UNCONFIRMED,	/* committed; no word from the peer */
};

/* What `info migrate` shows; times in microseconds. */
struct mig_stats {
	uint64_t total_us;	/* start -> destination runs (or END) */
	uint64_t setup_us;	/* start -> round 0 begins */
	uint64_t downtime_us;	/* pause -> destination runs (or END) */
	uint64_t expected_downtime_us;	/* the last prediction */
	uint64_t wire_bytes;	/* bytes handed to the transport */
	uint64_t ram_pages;	/* guest RAM, pages */
	uint64_t populated_pages;	/* sent in round 0 */
	uint64_t pages_sent;	/* page entries, all rounds, all channels */
	uint64_t zero_pages;	/* of which ZERO */
	uint64_t raw_bytes;	/* RAW payload before compression */
	uint64_t rounds;	/* SYNC rounds, the last one included */
	uint64_t dirty_pages;	/* found dirty after the last round */
	uint64_t dirty_rate;	/* pages/s, the last iterative round */
	uint64_t throughput;	/* wire bytes/s, the last round */
	uint64_t digest_rate;	/* bytes/s END's digest takes per thread */
	unsigned int throttle_pct;	/* auto-converge's last throttle, % */
	unsigned int nr_channels;
	enum mig_outcome outcome;
	bool paused;		/* in stop-and-copy or after */
};

/*
 * Called by mig_send's thread after each round (before the next one
 * starts) and once at the end; @st borrowed for the call.
 */
typedef void (*mig_progress_fn)(void *opaque, const struct mig_stats *st);

/*
 * Migrates the domain behind @src over @t (borrowed; the caller destroys
 * it): log-dirty on; round 0 sends every populated page; rounds of clean
 * and send while the predicted downtime exceeds the target; then pause,
 * the last dirty pages, the vCPU and device state and END on every
 * channel; then, with a peer, the handover: READY from the destination,
 * the arbiter's commit (the commit point), RUN, RUNNING.
 *
 * Returns 0 once the commit point passed (st->outcome says whether the
 * destination confirmed it runs) or, without a peer, once END is durable:
 * the source domain is then paused, for the caller to destroy. Any
 * failure before the commit point, *@cancel becoming true included,
 * returns a negative errno after logging why, with the source running
 * again if it ran before and log-dirty off. @st (may be NULL) gets the
 * figures either way; @progress may be NULL.
 *
 * *@cancel (may be NULL) is checked between batches and rounds. A
 * migration blocked on its peer (a stalled connection, the handover) is
 * ended by mig_transport_abort(@t) from another thread: before the
 * commit point that is a failure as any other; after it the outcome is
 * MIG_OUTCOME_UNCONFIRMED.
 */
int mig_send(struct domctl *src, const struct mig_params *p,
	     struct mig_transport *t, struct mig_stats *st,
	     mig_progress_fn progress, void *opaque,
	     const atomic_bool *cancel) __attribute__((warn_unused_result));

/* ---- Receiver --------------------------------------------------------- */

struct mig_recv_params {
	const struct mig_arbiter *arbiter;	/* NULL: in doubt stays so */
	const struct hv_log *log;
	const char *name;
};

struct mig_recv_stats {
	uint64_t wire_bytes;
	uint64_t pages;		/* page entries applied */
	uint64_t zero_pages;
	uint64_t rounds;	/* SYNC rounds seen on channel 0 */
	uint64_t epoch;		/* from RUN */
	unsigned int nr_channels;
	bool ready;		/* READY was reported */
	bool running;		/* the destination was unpaused */
};

/*
 * Receives a migration over @t into the incoming domain behind @dst:
 * every channel's stream is verified (sequence, checksums, manifest and
 * digest) and applied into @dst's RAM, the state is set, READY goes to
 * the sender with the domain still incoming, and on RUN it is unpaused.
 * Without a peer (a file) it returns after the state is set, the domain
 * incoming.
 *
 * Returns 0 with the domain running (or, without a peer, ready to run);
 * -EINPROGRESS when contact was lost after READY and the arbiter could
 * not tell the outcome (in doubt: the domain stays paused); any other
 * negative errno, logged, leaves the domain for the caller to destroy.
 */
int mig_recv(struct domctl *dst, const struct mig_recv_params *p,
	     struct mig_transport *t, struct mig_recv_stats *st)
	__attribute__((warn_unused_result));

#endif
