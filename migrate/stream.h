/* SPDX-License-Identifier: MIT */
/*
 * The record stream (docs/stream.md): a writer that turns guest RAM and
 * opaque state into one channel's byte stream, a reader that validates a
 * channel's stream and applies it through a sink, and the byte transports
 * both use.
 *
 * Threads: a writer, a reader and an I/O object are each used by one thread
 * at a time; different channels use different objects and may run in
 * parallel over the same guest RAM (each touches only its pfn class).
 */
#ifndef HV_MIGRATE_STREAM_H
#define HV_MIGRATE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define __must_check __attribute__((warn_unused_result))

/* ---- I/O -------------------------------------------------------------- */

/*
 * A byte transport. Called by the writer and the reader only, from the
 * thread that drives them; opaque is the backend's own object.
 */
struct stream_io_ops {
	/*
	 * Reads up to len bytes into buf. Returns the number read, which is
	 * less than len only at the end of the stream (0 at the end), or a
	 * negative errno. Called repeatedly for every record.
	 */
	ssize_t (*read)(void *opaque, void *buf, size_t len);
	/*
	 * Writes all len bytes of buf (borrowed for the call). Returns 0 or a
	 * negative errno; after an error the stream is unusable.
	 */
	int (*write)(void *opaque, const void *buf, size_t len);
};

struct stream_io {
	const struct stream_io_ops *ops;
	void *opaque;
};

/* A file descriptor backend. The fd stays the caller's (never closed). */
struct stream_io_fd {
	struct stream_io io;
	int fd;
};

/* Sets up f->io over fd (a file, pipe or socket). */
void stream_io_fd_init(struct stream_io_fd *f, int fd);

/*
 * An in-memory backend, for tests and fuzzing. As a reader it reads a
 * borrowed buffer; as a writer it appends to a buffer it owns (buf/len),
 * freed by stream_io_mem_fini.
 */
struct stream_io_mem {
	struct stream_io io;
	uint8_t *buf;
	size_t len;	/* bytes in buf */
	size_t cap;	/* writer: allocated size; reader: 0 (borrowed) */
	size_t pos;	/* reader: next byte to read */
};

/* Reader over len bytes at buf, borrowed until the reader is done. */
void stream_io_mem_init_reader(struct stream_io_mem *m, const void *buf,
			       size_t len);
/* Writer into a growing buffer owned by m. */
void stream_io_mem_init_writer(struct stream_io_mem *m);
/* Frees a writer's buffer; a no-op for a reader. */
void stream_io_mem_fini(struct stream_io_mem *m);

/* ---- Manifest and digest ---------------------------------------------- */

/* A channel's manifest, host byte order (docs/stream.md section 6). */
struct stream_manifest {
	uint64_t nr_pages;
	uint64_t page_entries;
	uint64_t zero_entries;
	uint64_t batches;
	uint64_t rounds;
	uint64_t nonzero_pages;
	uint64_t digest_lo;
	uint64_t digest_hi;
};

/*
 * Computes the digest of channel's class of the nr_pages pages at ram
 * (borrowed, read only) into m->digest_lo/hi and m->nonzero_pages. Used by
 * the writer at END, the reader to verify END, and anyone who wants to
 * compare two images. Never fails.
 */
void stream_digest(const void *ram, uint64_t nr_pages, unsigned int channel,
		   unsigned int nr_channels, struct stream_manifest *m);

/*
 * The same digest, reading only the pages that hold data in ram_fd (the
 * memfd that ram maps from offset 0): its holes are zero pages, which add
 * nothing to the digest, and reading them would allocate them. ram_fd < 0
 * (or a failing lseek) reads every page, as stream_digest.
 */
void stream_digest_sparse(const void *ram, uint64_t nr_pages,
			  unsigned int channel, unsigned int nr_channels,
			  int ram_fd, struct stream_manifest *m);

/*
 * Guest RAM as a sparse memfd (ram_fd, nr_pages pages from offset 0):
 * calls fn for each run of pages [first, end) that holds data, in
 * ascending order; the holes between runs were never written and read as
 * zeros. Stops at fn's first non-zero return and returns it; else 0, or a
 * negative errno when lseek fails (-ENXIO never: that is the end).
 */
typedef int (*stream_run_fn)(void *opaque, uint64_t first, uint64_t end);
int __must_check stream_for_each_data(int ram_fd, uint64_t nr_pages,
				      stream_run_fn fn, void *opaque);

/* True if the page at p (STREAM_PAGE_SIZE bytes) is all zero. */
int stream_page_is_zero(const void *p);

/* Name of a record type for messages ("PAGE_BATCH", "optional 0x8…"). */
const char *stream_rec_name(uint32_t type);

/* ---- Writer ----------------------------------------------------------- */

struct stream_writer;

struct stream_writer_config {
	const struct stream_io *io;	/* borrowed for the writer's life */
	const void *ram;	/* guest RAM, borrowed: nr_pages pages */
	uint64_t nr_pages;
	/* The memfd ram maps, so END's digest skips its holes; NULL: none. */
	const int *ram_fd;
	uint16_t channel;	/* 0 <= channel < nr_channels */
	uint16_t nr_channels;	/* 0 means 1 */
	uint64_t stream_id;	/* same on every channel of one migration */
	int zstd_level;		/* 0: never compress; else zstd level */
	unsigned int batch_pages; /* 0: STREAM_MAX_BATCH_PAGES */
};

/*
 * Creates a writer. Writes nothing yet. Returns 0 and *out, or -EINVAL for
 * a bad config, -ENOMEM.
 */
int __must_check stream_writer_create(struct stream_writer **out,
				      const struct stream_writer_config *cfg);
/* Frees the writer (not the io or RAM). NULL is a no-op. */
void stream_writer_destroy(struct stream_writer *w);

/*
 * Writes the stream header and, on channel 0, the DOMAIN_CONFIG record
 * carrying config (len bytes, borrowed; required on channel 0, must be
 * NULL/0 elsewhere). Called once, first.
 */
int __must_check stream_write_header(struct stream_writer *w,
				     const void *config, size_t len);

/*
 * Sends the current content of the n pages listed in pfns (borrowed) in
 * the current round, as batches: all-zero pages as ZERO, the others RAW
 * (zstd-compressed when the config asks and it helps). pfns must belong to
 * this channel's class and be < nr_pages (-EINVAL otherwise); a new batch
 * starts wherever they are not increasing.
 */
int __must_check stream_write_pages(struct stream_writer *w,
				    const uint64_t *pfns, size_t n);

/* Closes the current round with a SYNC record; the next round begins. */
int __must_check stream_write_sync(struct stream_writer *w);

/*
 * stream_write_pages of every page of ram_fd's first nr_pages pages that
 * holds data (stream_for_each_data), in ascending order: a save sends what
 * the guest populated and never reads, so never allocates, the holes.
 * ram_fd is the memfd the writer's ram maps; channel 0 of 1 only.
 */
int __must_check stream_write_populated(struct stream_writer *w, int ram_fd,
					uint64_t nr_pages);

/*
 * STATE record types (the stream only frames them): a packed VcpuState
 * with instance = the vCPU's index, and a packed DeviceState with
 * instance 0 (proto/state.proto).
 */
#define STATE_VCPU	1
#define STATE_DEVICES	2

/*
 * Writes one STATE record (channel 0 only, after the last SYNC). buf is
 * borrowed; state_type must not be 0.
 */
int __must_check stream_write_state(struct stream_writer *w,
				    uint32_t state_type, uint32_t instance,
				    const void *buf, size_t len);

/*
 * Computes the manifest from guest RAM and the writer's counts, and writes
 * END. Fails with -EPROTO if the last round was not closed by a SYNC. If m
 * is not NULL the manifest is copied there.
 */
int __must_check stream_write_end(struct stream_writer *w,
				  struct stream_manifest *m);

/*
 * The counts so far (page and zero entries, batches, rounds) into *m; the
 * digest fields are left zero until END. For progress reports.
 */
void stream_writer_counts(const struct stream_writer *w,
			  struct stream_manifest *m);

/*
 * Writes one record of any type with a caller-made body (borrowed), framed
 * with the right sequence number and checksums and not validated: for
 * optional extension records and for tests that build hostile streams.
 */
int __must_check stream_write_record(struct stream_writer *w, uint32_t type,
				     const void *body, size_t len);

/* ---- Reader ----------------------------------------------------------- */

/*
 * What the reader applies a stream to: the restore code (a new domain, a
 * checkpoint's staging area, a test's fake guest). Called by the reader
 * from stream_read's thread, in stream order. Every callback returns 0 or
 * a negative errno, which stops the read and is returned by stream_read.
 */
struct stream_sink_ops {
	/*
	 * Called once, on channel 0, with the DOMAIN_CONFIG payload (borrowed
	 * for the call), before anything else is applied.
	 */
	int (*on_config)(void *opaque, const void *buf, size_t len);
	/*
	 * Called once, before the first page is written: returns the guest
	 * RAM mapping (*base, *size bytes), which the sink keeps owning and
	 * keeps mapped until stream_reader_destroy. The reader writes pages
	 * there itself after its bounds checks; size must be nr_pages pages.
	 * On a channel other than 0 it may block until channel 0's config has
	 * created the domain.
	 */
	int (*map_guest_ram)(void *opaque, void **base, uint64_t *size);
	/* Optional (may be NULL): round `round` is complete on this channel. */
	int (*on_sync)(void *opaque, uint64_t round);
	/* Called for each STATE record, payload borrowed for the call. */
	int (*on_state)(void *opaque, uint32_t state_type, uint32_t instance,
			const void *buf, size_t len);
	/*
	 * Called once, after END's manifest has been verified against guest
	 * RAM and before the end of the stream is checked: the sink's last
	 * chance to refuse. m is borrowed for the call.
	 */
	int (*on_end)(void *opaque, const struct stream_manifest *m);
	/*
	 * Optional (may be NULL): END arrived and its counts matched, so
	 * every page of this channel has been written; called before END's
	 * digest is checked (which may still fail), so that the sink can
	 * start what must follow the last page write.
	 */
	int (*on_pages_done)(void *opaque);
	/*
	 * Optional (may be NULL): the memfd behind map_guest_ram's mapping,
	 * or -1; with it END's check skips the memfd's holes (zero pages)
	 * instead of reading, and so allocating, all of guest RAM.
	 */
	int (*ram_fd)(void *opaque);
};

struct stream_reader;

/*
 * Creates a reader over io (borrowed) applying to ops/opaque (borrowed).
 * Returns 0 and *out, or -ENOMEM.
 */
int __must_check stream_reader_create(struct stream_reader **out,
				      const struct stream_io *io,
				      const struct stream_sink_ops *ops,
				      void *opaque);
/* Frees the reader and its buffers. NULL is a no-op. */
void stream_reader_destroy(struct stream_reader *r);

/*
 * Reads, validates and applies one whole channel, up to and including END
 * and the check that nothing follows it. Returns 0, or the first error as
 * a negative errno with stream_reader_error() saying where and why. Pages
 * of batches before the failing record may have been written already.
 */
int __must_check stream_read(struct stream_reader *r);

/*
 * As stream_read, but stops right after END's checks without looking for
 * the end of the stream: on a live migration's connection the handover
 * messages (docs/migration.md) follow END on channel 0.
 */
int __must_check stream_read_to_end(struct stream_reader *r);

/* What a channel's stream header said. */
struct stream_header_info {
	unsigned int channel, nr_channels;
	uint64_t nr_pages, stream_id;
};

/*
 * The stream header's fields, once stream_read has read and checked it
 * (from a sink callback, say); all zero before.
 */
void stream_reader_header(const struct stream_reader *r,
			  struct stream_header_info *h);

/* The message of the first error ("" if none); owned by the reader. */
const char *stream_reader_error(const struct stream_reader *r);

/* Bytes consumed so far (the whole stream after a successful read). */
uint64_t stream_reader_offset(const struct stream_reader *r);

#endif
