/* SPDX-License-Identifier: MIT */
/* For the seed-corpus generators: one framed message per file. */
#ifndef HV_TESTS_FUZZ_SEED_WRITE_H
#define HV_TESTS_FUZZ_SEED_WRITE_H

#include <stdio.h>
#include <stdlib.h>
#include "domctl/frame.h"

/* DIR/NAME holds @m as one record (length + message). 0 or -1. */
static inline int seed_write(const char *dir, const char *name,
			     const ProtobufCMessage *m)
{
	char path[512];
	uint8_t *rec;
	size_t len;
	FILE *f;
	int ok;

	if (domctl_frame_pack(m, &rec, &len))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ok = f && fwrite(rec, 1, len, f) == len;
	if (f && fclose(f))
		ok = 0;
	free(rec);
	return ok ? 0 : -1;
}

#endif
