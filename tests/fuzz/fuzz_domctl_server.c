// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for hvdomain's side of domctl: any input is one
 * received record. It goes through the frame checks and the envelope
 * decoder, and a decoded request is carried out on a real, incoming
 * 2-vCPU domain (every request but Unpause and Destroy, which would start
 * or end it), then its reply is packed. Nothing may crash, leak or write
 * outside guest memory, and every reply must fit a record.
 */
#include <stdint.h>
#include <stdlib.h>
#include "domain/domain.h"
#include "domain/domctl_requests.h"
#include "domctl/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hv_machine_config cfg = {
	.vcpus = 2, .ram_size = 16ull << 20, .incoming = true,
};
static const struct hv_log log_quiet = {
	.prefix = "fuzz", .level = LOG_ERR };
static struct hv_machine *machine;
static struct domain dom;

static void setup(void)
{
	if (hv_machine_create(&machine, &cfg, &log_quiet))
		abort();
	domain_init(&dom, machine, &cfg, "fuzz", &log_quiet);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Hv__DomctlClientMessage *cm;
	Hv__DomctlServerMessage sm = HV__DOMCTL_SERVER_MESSAGE__INIT;
	struct domctl_answer a;
	char why[160];
	uint8_t *rec;
	size_t len;
	int st;

	if (!machine)
		setup();
	cm = domctl_decode_client(data, size, &st, why, sizeof(why));
	if (!cm)
		return 0;
	if (cm->msg_case == HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST &&
	    cm->request->req_case != HV__DOMCTL_REQUEST__REQ_UNPAUSE &&
	    cm->request->req_case != HV__DOMCTL_REQUEST__REQ_DESTROY) {
		domctl_handle_request(&dom, cm->request, &a);
		sm.msg_case = HV__DOMCTL_SERVER_MESSAGE__MSG_REPLY;
		sm.reply = &a.reply;
		if (domctl_frame_pack(&sm.base, &rec, &len))
			abort();	/* a reply that does not fit */
		free(rec);
		domctl_answer_fini(&a);
	}
	hv__domctl_client_message__free_unpacked(cm, NULL);
	return 0;
}
