// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the control protocol's decoding in hvd: any input
 * is one received record, checked as hvd checks it (frame, envelope, a
 * member set) and, when it decodes, packed again (as a reply built from
 * it would be): it must still fit a record. Nothing may crash or leak.
 *
 * Not asserted: that the re-packed bytes decode again. protobuf-c accepts
 * a field number 0 on input (a non-canonical tag such as 0x82 0x00) as an
 * unknown field and writes it back, then refuses it on the next decode;
 * harmless for hvd, which never forwards what a client sent.
 */
#include <stdint.h>
#include <stdlib.h>
#include "domctl/frame.h"
#include "proto/control.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Hv__CtlClientMessage *cm;
	char why[160];
	uint8_t *rec;
	size_t len;
	ssize_t n;

	n = domctl_frame_check(data, size, why, sizeof(why));
	if (n < 0)
		return 0;
	cm = hv__ctl_client_message__unpack(NULL, (size_t)n,
					    data + DOMCTL_HDR_SIZE);
	if (!cm)
		return 0;
	if (cm->msg_case != HV__CTL_CLIENT_MESSAGE__MSG__NOT_SET) {
		/* what decoded packs again and fits a record */
		if (domctl_frame_pack(&cm->base, &rec, &len))
			abort();
		free(rec);
	}
	hv__ctl_client_message__free_unpacked(cm, NULL);
	return 0;
}
