// SPDX-License-Identifier: MIT
/*
 * Writes the peer hello fuzz target's seed corpus: one unframed message
 * per file, hellos and replies as hvd sends them, and refusals.
 * usage: gen_peer_corpus DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include "peer_hello.h"
#include "seed_write.h"

/* Unframed: the target reads one message as peer_conn_recv gives it. */
static int put(const char *dir, const char *name, const ProtobufCMessage *m)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(n ? n : 1);
	int ret;

	if (!buf)
		return -1;
	protobuf_c_message_pack(m, buf);
	ret = seed_write_raw(dir, name, buf, n);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	Hv__PeerHello h;
	Hv__PeerHelloReply r = HV__PEER_HELLO_REPLY__INIT;
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_peer_corpus DIR\n");
		return 2;
	}
	peer_hello_make(&h, "hostA", "hvd 0.1",
			HV__PEER_PURPOSE__PEER_PURPOSE_CHECK);
	bad |= put(argv[1], "hello", &h.base);
	h.min_version = h.max_version = 99;
	bad |= put(argv[1], "hello-v99", &h.base);
	h.min_version = h.max_version = 1;
	h.purpose = 7;
	bad |= put(argv[1], "hello-purpose7", &h.base);
	r.version = r.min_version = r.max_version = 1;
	r.host = "hostB";
	r.hv_version = "hvd 0.1";
	bad |= put(argv[1], "reply", &r.base);
	r.status = -93;
	r.error = "the peer speaks peer protocol 99..99, this hvd 1..1";
	bad |= put(argv[1], "reply-refused", &r.base);
	return bad ? 1 : 0;
}
