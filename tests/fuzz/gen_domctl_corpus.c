// SPDX-License-Identifier: MIT
/*
 * Writes the domctl fuzz target's seed corpus: one record per file, a
 * hello and one of each request a client sends, with real vCPU and device
 * state from a fresh machine's defaults.
 * usage: gen_domctl_corpus DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "seed_write.h"
#include "domain/state_pb.h"
#include "hv/machine_state.h"
#include "proto/state.pb-c.h"

static int write_rec(const char *dir, const char *name,
		     Hv__DomctlClientMessage *cm)
{
	return seed_write(dir, name, &cm->base);
}

static int write_req(const char *dir, const char *name, Hv__DomctlRequest *r)
{
	Hv__DomctlClientMessage cm = HV__DOMCTL_CLIENT_MESSAGE__INIT;

	r->id = 1;
	cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_REQUEST;
	cm.request = r;
	return write_rec(dir, name, &cm);
}

int main(int argc, char **argv)
{
	Hv__DomctlClientMessage cm = HV__DOMCTL_CLIENT_MESSAGE__INIT;
	Hv__DomctlHello hello = HV__DOMCTL_HELLO__INIT;
	Hv__DomctlRequest r = HV__DOMCTL_REQUEST__INIT;
	Hv__PfnRange range = HV__PFN_RANGE__INIT, *ranges[1] = { &range };
	Hv__LogDirtyPeekRequest peek = HV__LOG_DIRTY_PEEK_REQUEST__INIT;
	Hv__LogDirtyCleanRequest clean = HV__LOG_DIRTY_CLEAN_REQUEST__INIT;
	Hv__LogDirtyMarkRequest mark = HV__LOG_DIRTY_MARK_REQUEST__INIT;
	Hv__LogDirtyEnableRequest en = HV__LOG_DIRTY_ENABLE_REQUEST__INIT;
	Hv__SetVcpuContextRequest sv = HV__SET_VCPU_CONTEXT_REQUEST__INIT;
	Hv__GetVcpuContextRequest gv = HV__GET_VCPU_CONTEXT_REQUEST__INIT;
	Hv__RestoreDevicesRequest rd = HV__RESTORE_DEVICES_REQUEST__INIT;
	Hv__ConsoleWriteRequest cw = HV__CONSOLE_WRITE_REQUEST__INIT;
	Hv__GetMemoryRequest gm = HV__GET_MEMORY_REQUEST__INIT;
	Hv__PowerButtonRequest pb = HV__POWER_BUTTON_REQUEST__INIT;
	Hv__SetThrottleRequest thr = HV__SET_THROTTLE_REQUEST__INIT;
	struct hv_machine_state *st = calloc(1, sizeof(*st));
	uint8_t *buf;
	size_t len;
	int bad = 0;

	if (argc != 2 || !st) {
		fprintf(stderr, "usage: gen_domctl_corpus DIR\n");
		return 2;
	}
	const char *dir = argv[1];

	hello.min_version = hello.max_version = 1;
	hello.client = "seed";
	cm.msg_case = HV__DOMCTL_CLIENT_MESSAGE__MSG_HELLO;
	cm.hello = &hello;
	bad |= write_rec(dir, "hello", &cm);

	range.first_pfn = 3;
	range.count = 100;
	en.base.descriptor = &hv__log_dirty_enable_request__descriptor;
	r.req_case = HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_ENABLE;
	r.log_dirty_enable = &en;
	bad |= write_req(dir, "dirty-enable", &r);
	peek.range = &range;
	r.req_case = HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_PEEK;
	r.log_dirty_peek = &peek;
	bad |= write_req(dir, "dirty-peek", &r);
	clean.range = &range;
	r.req_case = HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_CLEAN;
	r.log_dirty_clean = &clean;
	bad |= write_req(dir, "dirty-clean", &r);
	mark.n_ranges = 1;
	mark.ranges = ranges;
	r.req_case = HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_MARK;
	r.log_dirty_mark = &mark;
	bad |= write_req(dir, "dirty-mark", &r);
	thr.percent = 50;
	r.req_case = HV__DOMCTL_REQUEST__REQ_SET_THROTTLE;
	r.set_throttle = &thr;
	bad |= write_req(dir, "set-throttle", &r);
	r.req_case = HV__DOMCTL_REQUEST__REQ_GET_MEMORY;
	r.get_memory = &gm;
	bad |= write_req(dir, "get-memory", &r);
	gv.vcpu = 1;
	r.req_case = HV__DOMCTL_REQUEST__REQ_GET_VCPU_CONTEXT;
	r.get_vcpu_context = &gv;
	bad |= write_req(dir, "get-vcpu", &r);
	cw.data.data = (uint8_t *)"ls\n";
	cw.data.len = 3;
	r.req_case = HV__DOMCTL_REQUEST__REQ_CONSOLE_WRITE;
	r.console_write = &cw;
	bad |= write_req(dir, "console-write", &r);
	r.req_case = HV__DOMCTL_REQUEST__REQ_POWER_BUTTON;
	r.power_button = &pb;
	bad |= write_req(dir, "power-button", &r);

	/* state: that of a real machine like the fuzz target's */
	{
		struct hv_machine_config mc = {
			.vcpus = 2, .ram_size = 16ull << 20, .incoming = true,
		};
		struct hv_machine *m;

		if (hv_machine_create(&m, &mc, NULL) ||
		    hv_machine_save_state(m, st))
			return 1;
		hv_machine_destroy(m);
	}
	if (state_pb_pack_vcpu(&st->vcpu[1], 1, &buf, &len) == 0) {
		sv.vcpu = 1;
		sv.state = hv__vcpu_state__unpack(NULL, len, buf);
		free(buf);
		r.req_case = HV__DOMCTL_REQUEST__REQ_SET_VCPU_CONTEXT;
		r.set_vcpu_context = &sv;
		bad |= !sv.state || write_req(dir, "set-vcpu", &r);
		hv__vcpu_state__free_unpacked(sv.state, NULL);
	}
	if (state_pb_pack_devices(st, &buf, &len) == 0) {
		rd.state = hv__device_state__unpack(NULL, len, buf);
		free(buf);
		r.req_case = HV__DOMCTL_REQUEST__REQ_RESTORE_DEVICES;
		r.restore_devices = &rd;
		bad |= !rd.state || write_req(dir, "restore-devices", &r);
		hv__device_state__free_unpacked(rd.state, NULL);
	}
	free(st);
	return bad ? 1 : 0;
}
