// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the stream reader: any input is read from the
 * in-memory backend into a 16-page fake guest. The reader must return 0 or
 * a negative errno with a message, never crash, leak or touch memory
 * outside the guest (ASan's redzones around ram[] catch a stray write).
 * Built with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, so checksums do not
 * stop the fuzzer at the door.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "stream_format.h"
#include "fuzz_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *ram;

static int on_config(void *opaque, const void *buf, size_t len)
{
	/* a real sink parses protobuf here; refuse one shape to cover it */
	return len == 3 && !memcmp(buf, "bad", 3) ? -EINVAL : 0;
}

static int map_guest_ram(void *opaque, void **base, uint64_t *size)
{
	*base = ram;
	*size = (uint64_t)FUZZ_STREAM_PAGES * STREAM_PAGE_SIZE;
	return 0;
}

static int on_state(void *opaque, uint32_t type, uint32_t instance,
		    const void *buf, size_t len)
{
	const volatile uint8_t *p = buf;
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < len; i++)	/* every byte must be readable */
		acc ^= p[i];
	return type > 100 ? -EINVAL : (int)(acc & 0);
}

static int on_end(void *opaque, const struct stream_manifest *m)
{
	return 0;
}

static const struct stream_sink_ops sink = {
	.on_config = on_config,
	.map_guest_ram = map_guest_ram,
	.on_state = on_state,
	.on_end = on_end,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stream_io_mem m;
	struct stream_reader *r;
	int ret;

	if (!ram) {
		ram = malloc((size_t)FUZZ_STREAM_PAGES *
			     STREAM_PAGE_SIZE);
		if (!ram)
			abort();
	}
	stream_io_mem_init_reader(&m, data, size);
	if (stream_reader_create(&r, &m.io, &sink, NULL))
		abort();
	ret = stream_read(r);
	if (ret > 0 || (ret < 0 && !stream_reader_error(r)[0]))
		abort();	/* an error always says where and why */
	if (!ret && stream_reader_offset(r) != size)
		abort();	/* success means every byte was consumed */
	stream_reader_destroy(r);
	stream_io_mem_fini(&m);
	return 0;
}
