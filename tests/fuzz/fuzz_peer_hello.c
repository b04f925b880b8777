// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the peer hello (dom0/peer/peer_hello.c), both ways.
 * Input: one message as it arrives inside a peer session (unframed). As
 * a server's hello it must be answered with a reply that packs and reads
 * back with the same status; as a client's reply it must be accepted or
 * refused; either way what comes back about the peer is printable (it
 * goes into logs).
 */
#include <stdint.h>
#include <stdlib.h>
#include "peer_hello.h"

static int served(Hv__PeerPurpose purpose)
{
	return purpose == HV__PEER_PURPOSE__PEER_PURPOSE_CHECK;
}

static void check_printable(const struct peer_hello_info *p)
{
	for (const char *c = p->host; *c; c++)
		if (*c < 0x20 || *c >= 0x7f)
			__builtin_trap();
	for (const char *c = p->hv_version; *c; c++)
		if (*c < 0x20 || *c >= 0x7f)
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peer_hello_info peer, back;
	Hv__PeerHelloReply r;
	char why[300], why2[300];
	uint8_t *buf;
	size_t n;
	int st, st2;

	st = peer_hello_answer(data, size, "fuzz", "hvd 0.1", served, &r,
			       &peer, why, sizeof(why));
	check_printable(&peer);
	if ((st == 0) != (r.status == 0) || st != r.status)
		__builtin_trap();
	n = hv__peer_hello_reply__get_packed_size(&r);
	buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	hv__peer_hello_reply__pack(&r, buf);
	st2 = peer_hello_reply_check(buf, n, &back, why2, sizeof(why2));
	free(buf);
	if ((st == 0) != (st2 == 0))
		__builtin_trap();
	(void)peer_hello_reply_check(data, size, &peer, why, sizeof(why));
	check_printable(&peer);
	return 0;
}
