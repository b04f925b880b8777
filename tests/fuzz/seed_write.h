/* SPDX-License-Identifier: MIT */
/* For the seed-corpus generators: one (framed) message per file. */
#ifndef HV_TESTS_FUZZ_SEED_WRITE_H
#define HV_TESTS_FUZZ_SEED_WRITE_H

#include <stdio.h>
#include <stdlib.h>
#include "domctl/frame.h"

/* DIR/NAME holds the @len bytes at @buf. 0 or -1. */
static inline int seed_write_raw(const char *dir, const char *name,
				 const void *buf, size_t len)
{
	char path[512];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ok = f && fwrite(buf, 1, len, f) == len;
	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

/* DIR/NAME holds @m as one record (length + message). 0 or -1. */
static inline int seed_write(const char *dir, const char *name,
			     const ProtobufCMessage *m)
{
	uint8_t *rec;
	size_t len;
	int ret;

	if (domctl_frame_pack(m, &rec, &len))
		return -1;
	ret = seed_write_raw(dir, name, rec, len);
	free(rec);
	return ret;
}

#endif
