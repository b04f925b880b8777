/* SPDX-License-Identifier: MIT */
/*
 * The record stream's wire format, version 1: fixed structures and
 * constants only. docs/stream.md is normative; this header follows it.
 *
 * Every field is little-endian on the wire (convert with le32toh/le64toh);
 * every padding byte is named and must be zero; every structure's size is
 * checked at compile time, and every record is 8-byte aligned.
 */
#ifndef HV_MIGRATE_STREAM_FORMAT_H
#define HV_MIGRATE_STREAM_FORMAT_H

#include <stdint.h>

/* 8 bytes, without the string's NUL */
#define STREAM_MAGIC		"\x89HVS\r\n\x1a\n"
#define STREAM_MAGIC_LEN	8
#define STREAM_VERSION		1
#define STREAM_PAGE_SHIFT	12
#define STREAM_PAGE_SIZE	(1u << STREAM_PAGE_SHIFT)

#define STREAM_MAX_CHANNELS	256
#define STREAM_MAX_PAGES	(1ull << 40)
#define STREAM_MAX_RECORD_LEN	(8u << 20)	/* body bytes */
#define STREAM_MAX_BATCH_PAGES	1024
#define STREAM_ALIGN		8

/* Stream header: at offset 0 of every channel. */
struct stream_hdr {
	uint8_t magic[STREAM_MAGIC_LEN];
	uint32_t version;
	uint32_t flags;		/* none defined in v1 */
	uint8_t page_shift;
	uint8_t reserved0;
	uint16_t channel;
	uint16_t nr_channels;
	uint16_t reserved1;
	uint64_t nr_pages;
	uint64_t stream_id;	/* seeds every record checksum */
	uint64_t reserved2[2];
	uint64_t hdr_sum;	/* XXH3-64, seed 0, over bytes 0..55 */
};
_Static_assert(sizeof(struct stream_hdr) == 64, "stream_hdr is 64 bytes");

/* Record header: before every record's body. */
struct stream_rec_hdr {
	uint32_t type;
	uint32_t length;	/* body bytes, without header and padding */
	uint64_t seq;		/* 0, 1, 2, ... per channel */
	uint64_t body_sum;	/* XXH3-64, seed stream_id, over the body */
	uint64_t hdr_sum;	/* XXH3-64, seed stream_id, over bytes 0..23 */
};
_Static_assert(sizeof(struct stream_rec_hdr) == 32, "rec_hdr is 32 bytes");

#define STREAM_REC_HDR_SUMMED	24	/* bytes covered by hdr_sum */

/* Record types. The optional bit is part of a type's number. */
#define STREAM_REC_END			0x00000000u
#define STREAM_REC_DOMAIN_CONFIG	0x00000001u
#define STREAM_REC_PAGE_BATCH		0x00000002u
#define STREAM_REC_STATE		0x00000003u
#define STREAM_REC_SYNC			0x00000004u
#define STREAM_REC_CHECKPOINT		0x00000005u	/* v2 (HA) */
#define STREAM_REC_OPTIONAL		0x80000000u

/* PAGE_BATCH body: this, then count pfn entries, then the payload. */
struct stream_batch_hdr {
	uint64_t round;
	uint32_t count;		/* 1..STREAM_MAX_BATCH_PAGES */
	uint32_t flags;		/* STREAM_BATCH_* */
	uint32_t payload_len;	/* bytes in the record */
	uint32_t raw_len;	/* bytes after decompression */
};
_Static_assert(sizeof(struct stream_batch_hdr) == 24, "batch_hdr is 24 bytes");

/* the payload is one zstd frame */
#define STREAM_BATCH_ZSTD	0x00000001u
#define STREAM_BATCH_FLAGS	STREAM_BATCH_ZSTD

/* PFN entry: bits 0..51 pfn, 52..59 reserved, 60..63 encoding. */
#define STREAM_PFN_BITS		52
#define STREAM_PFN_MASK		((1ull << STREAM_PFN_BITS) - 1)
#define STREAM_PFN_RSVD_MASK	(0xffull << STREAM_PFN_BITS)
#define STREAM_ENC_SHIFT	60

#define STREAM_ENC_RAW		0
#define STREAM_ENC_ZERO		1
#define STREAM_ENC_DELTA	2	/* reserved: not in v1 */

static inline uint64_t stream_pfn_entry(uint64_t pfn, unsigned int enc)
{
	return pfn | ((uint64_t)enc << STREAM_ENC_SHIFT);
}

/* STATE body: this, then the opaque payload. */
struct stream_state_hdr {
	uint32_t state_type;	/* 0 is invalid; meanings in proto/ */
	uint32_t instance;	/* vCPU index, device slot, ... */
};
_Static_assert(sizeof(struct stream_state_hdr) == 8, "state_hdr is 8 bytes");

/* SYNC body: closes a round on one channel. */
struct stream_sync {
	uint64_t round;
	uint64_t pages;		/* page entries sent in this round */
};
_Static_assert(sizeof(struct stream_sync) == 16, "sync is 16 bytes");

/* END body: the channel's manifest. */
struct stream_manifest_wire {
	uint64_t nr_pages;
	uint64_t page_entries;
	uint64_t zero_entries;
	uint64_t batches;
	uint64_t rounds;
	uint64_t nonzero_pages;
	uint64_t digest_lo;
	uint64_t digest_hi;
};
_Static_assert(sizeof(struct stream_manifest_wire) == 64,
	       "manifest is 64 bytes");

static inline uint32_t stream_pad_len(uint32_t length)
{
	return (STREAM_ALIGN - length % STREAM_ALIGN) % STREAM_ALIGN;
}

#endif
