// SPDX-License-Identifier: MIT
/*
 * domctl requests on a domain: argument checks with messages that say
 * what and where, then the machine, the log-dirty bitmap or the state
 * codecs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "domctl_requests.h"
#include "state_pb.h"
#include "cpu/cpu.h"
#include "hv/machine_state.h"
#include "proto/state.pb-c.h"

#define BITMAP_MAX HV__DOMCTL_PROTOCOL__DOMCTL_BITMAP_MAX_PAGES
#define CONSOLE_WRITE_MAX HV__DOMCTL_PROTOCOL__DOMCTL_CONSOLE_WRITE_MAX
#define PAGE_SIZE 4096u

void domctl_answer_error(struct domctl_answer *a, int ret, const char *fmt,
			 ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->error, sizeof(a->error), fmt, ap);
	va_end(ap);
	a->reply.status = ret;
	a->reply.error = a->error;
	a->reply.result_case = HV__DOMCTL_REPLY__RESULT__NOT_SET;
}

void domctl_fill_status(Hv__DomainStatus *m, const struct domain *dom)
{
	hv__domain_status__init(m);
	m->state = (Hv__DomainState)dom->st.state;
	m->reason = (Hv__ShutdownReason)dom->st.reason;
	m->code = dom->st.code;
}

static void answer_state(struct domctl_answer *a, const struct domain *dom)
{
	domctl_fill_status(&a->status, dom);
	a->reply.result_case = HV__DOMCTL_REPLY__RESULT_STATE;
	a->reply.state = &a->status;
}

static uint64_t nr_pages(const struct domain *dom)
{
	uint64_t base, size;

	hv_machine_ram_layout(dom->m, &base, &size);
	return size / PAGE_SIZE;
}

/*
 * The machine's own memfd goes out with the reply: SCM_RIGHTS installs a
 * new descriptor of the same file in the client, which owns that one.
 * (Both share the file offset; neither side uses it: mmap, pread, lseek
 * for holes only on the client's side.)
 */
static void do_get_memory(struct domain *dom, struct domctl_answer *a)
{
	uint64_t base, size;

	hv_machine_ram_layout(dom->m, &base, &size);
	hv__get_memory_reply__init(&a->memory);
	hv__memory_region__init(&a->region);
	a->region.guest_base = base;
	a->region.size = size;
	a->region.fd_offset = 0;
	a->regions[0] = &a->region;
	a->memory.page_size = PAGE_SIZE;
	a->memory.nr_pages = size / PAGE_SIZE;
	a->memory.n_regions = 1;
	a->memory.regions = a->regions;
	a->reply.result_case = HV__DOMCTL_REPLY__RESULT_MEMORY;
	a->reply.memory = &a->memory;
	a->fd = hv_machine_ram_fd(dom->m);
}

/* Checks a pfn range against RAM and the per-call limit. */
static int check_range(struct domain *dom, struct domctl_answer *a,
		       const char *what, const Hv__PfnRange *r, bool limit)
{
	uint64_t n = nr_pages(dom);

	if (!r) {
		domctl_answer_error(a, -EINVAL, "%s: no range given", what);
		return -EINVAL;
	}
	if (r->first_pfn > n || r->count > n - r->first_pfn) {
		domctl_answer_error(a, -ERANGE, "%s pfn %#llx+%#llx: past "
				    "the end of RAM (%#llx pages)", what,
				    (unsigned long long)r->first_pfn,
				    (unsigned long long)r->count,
				    (unsigned long long)n);
		return -ERANGE;
	}
	if (limit && r->count > BITMAP_MAX) {
		domctl_answer_error(a, -E2BIG, "%s of %llu pages: at most %u "
				    "per call", what,
				    (unsigned long long)r->count, BITMAP_MAX);
		return -E2BIG;
	}
	return 0;
}

/* peek (clear false) or clean (clear true) */
static void do_dirty_bits(struct domain *dom, const Hv__PfnRange *r,
			  bool clear, struct domctl_answer *a)
{
	const char *what = clear ? "log-dirty clean" : "log-dirty peek";
	struct cpu_platform *p = hv_machine_platform(dom->m);
	uint64_t *words, nr_dirty;
	size_t nbytes;
	int ret;

	if (check_range(dom, a, what, r, true))
		return;
	words = calloc(r->count / 64 + 1, sizeof(*words));
	nbytes = (size_t)((r->count + 7) / 8);
	a->owned = malloc(nbytes + 1);
	if (!words || !a->owned) {
		free(words);
		domctl_answer_error(a, -ENOMEM, "%s: out of memory", what);
		return;
	}
	ret = clear ? logdirty_clean(p, r->first_pfn, r->count, words,
				     &nr_dirty)
		    : logdirty_peek(p, r->first_pfn, r->count, words,
				    &nr_dirty);
	if (ret == -ENODATA) {
		domctl_answer_error(a, -EINVAL, "%s: log-dirty is off", what);
	} else if (ret) {
		domctl_answer_error(a, ret, "%s: %s", what, strerror(-ret));
	} else {
		/* bit i of word i / 64 -> bit i % 8 of byte i / 8 */
		for (size_t b = 0; b < nbytes; b++)
			a->owned[b] = (uint8_t)(words[b / 8] >> (8 * (b % 8)));
		if (r->count % 8)
			a->owned[nbytes - 1] &= (uint8_t)((1u << (r->count % 8))
							  - 1);
		hv__dirty_bitmap__init(&a->bitmap);
		a->bitmap.first_pfn = r->first_pfn;
		a->bitmap.count = r->count;
		a->bitmap.bits.data = a->owned;
		a->bitmap.bits.len = nbytes;
		a->reply.result_case = HV__DOMCTL_REPLY__RESULT_BITMAP;
		a->reply.bitmap = &a->bitmap;
	}
	free(words);
}

static void do_dirty_mark(struct domain *dom, const Hv__LogDirtyMarkRequest *m,
			  struct domctl_answer *a)
{
	struct cpu_platform *p = hv_machine_platform(dom->m);

	for (size_t i = 0; i < m->n_ranges; i++)	/* all or nothing */
		if (check_range(dom, a, "log-dirty mark", m->ranges[i], false))
			return;
	for (size_t i = 0; i < m->n_ranges; i++) {
		int ret = logdirty_mark(p, m->ranges[i]->first_pfn,
					m->ranges[i]->count);

		if (ret) {
			domctl_answer_error(a, ret, "log-dirty mark: %s",
					    strerror(-ret));
			return;
		}
	}
}

/* Turns packed bytes of @desc into the reply's unpacked result. */
static int unpack_result(struct domctl_answer *a,
			 const ProtobufCMessageDescriptor *desc,
			 const uint8_t *buf, size_t len)
{
	a->unpacked = protobuf_c_message_unpack(desc, NULL, len, buf);
	if (!a->unpacked) {
		domctl_answer_error(a, -ENOMEM, "packing the state: out of "
				    "memory");
		return -ENOMEM;
	}
	return 0;
}

static bool need_still(struct domain *dom, struct domctl_answer *a,
		       const char *what)
{
	if (domain_is_still(dom))
		return true;
	domctl_answer_error(a, -EBUSY, "%s: the domain is running (pause it "
			    "first)", what);
	return false;
}

static bool need_settable(struct domain *dom, struct domctl_answer *a,
			  const char *what)
{
	if (dom->st.state == DOMAIN_PAUSED || dom->st.state == DOMAIN_INCOMING)
		return true;
	domctl_answer_error(a, -EBUSY, "%s: the domain is %s (only a paused "
			    "or incoming domain takes state)", what,
			    domain_state_name(dom->st.state));
	return false;
}

static void do_get_vcpu(struct domain *dom, uint32_t vcpu,
			struct domctl_answer *a)
{
	struct cpu_context ctx;
	uint8_t *buf = NULL;
	size_t len;
	int ret;

	if (!need_still(dom, a, "get vCPU context"))
		return;
	ret = hv_machine_get_vcpu(dom->m, vcpu, &ctx);
	if (ret == -ENOENT) {
		domctl_answer_error(a, ret, "get vCPU context: no vCPU %u "
				    "(the domain has %u)", vcpu,
				    hv_machine_vcpus(dom->m));
		return;
	}
	if (!ret)
		ret = state_pb_pack_vcpu(&ctx, vcpu, &buf, &len);
	if (!ret)
		ret = unpack_result(a, &hv__vcpu_state__descriptor, buf, len);
	free(buf);
	if (ret) {
		if (!a->reply.status)
			domctl_answer_error(a, ret, "get vCPU %u context: %s",
					    vcpu, strerror(-ret));
		return;
	}
	a->reply.result_case = HV__DOMCTL_REPLY__RESULT_VCPU;
	a->reply.vcpu = (Hv__VcpuState *)a->unpacked;
}

static void do_set_vcpu(struct domain *dom, const Hv__SetVcpuContextRequest *m,
			struct domctl_answer *a)
{
	struct cpu_context ctx;
	uint8_t *buf = NULL;
	unsigned hartid;
	size_t len;
	int ret;

	if (!need_settable(dom, a, "set vCPU context"))
		return;
	if (m->vcpu >= hv_machine_vcpus(dom->m)) {
		domctl_answer_error(a, -ENOENT, "set vCPU context: no vCPU %u "
				    "(the domain has %u)", m->vcpu,
				    hv_machine_vcpus(dom->m));
		return;
	}
	if (!m->state) {
		domctl_answer_error(a, -EINVAL, "set vCPU %u context: no "
				    "state given", m->vcpu);
		return;
	}
	len = protobuf_c_message_get_packed_size(&m->state->base);
	buf = malloc(len ? len : 1);
	if (!buf) {
		domctl_answer_error(a, -ENOMEM, "set vCPU context: out of "
				    "memory");
		return;
	}
	protobuf_c_message_pack(&m->state->base, buf);
	ret = state_pb_unpack_vcpu(buf, len, &ctx, &hartid, dom->log);
	free(buf);
	if (!ret && hartid != m->vcpu) {
		domctl_answer_error(a, -EINVAL, "set vCPU %u context: the "
				    "state is vCPU %u's", m->vcpu, hartid);
		return;
	}
	if (!ret)
		ret = hv_machine_set_vcpu(dom->m, m->vcpu, &ctx);
	if (ret) {
		domctl_answer_error(a, ret, "set vCPU %u context: a state "
				    "this vCPU cannot hold (details in the "
				    "domain's log)", m->vcpu);
		return;
	}
	domain_note_vcpu_set(dom, m->vcpu);
}

static void do_save_devices(struct domain *dom, struct domctl_answer *a)
{
	struct hv_machine_state *st = calloc(1, sizeof(*st));
	uint8_t *buf = NULL;
	size_t len;
	int ret = -ENOMEM;

	if (!need_still(dom, a, "save devices")) {
		free(st);
		return;
	}
	if (st)
		ret = hv_machine_save_devices(dom->m, st);
	if (!ret)
		ret = state_pb_pack_devices(st, &buf, &len);
	if (!ret)
		ret = unpack_result(a, &hv__device_state__descriptor, buf, len);
	free(buf);
	free(st);
	if (ret) {
		if (!a->reply.status)
			domctl_answer_error(a, ret, "save devices: %s",
					    strerror(-ret));
		return;
	}
	a->reply.result_case = HV__DOMCTL_REPLY__RESULT_DEVICES;
	a->reply.devices = (Hv__DeviceState *)a->unpacked;
}

static void do_restore_devices(struct domain *dom,
			       const Hv__RestoreDevicesRequest *m,
			       struct domctl_answer *a)
{
	struct hv_machine_state *st;
	uint8_t *buf;
	size_t len;
	int ret;

	if (!need_settable(dom, a, "restore devices"))
		return;
	if (!m->state) {
		domctl_answer_error(a, -EINVAL, "restore devices: no state "
				    "given");
		return;
	}
	st = calloc(1, sizeof(*st));
	len = protobuf_c_message_get_packed_size(&m->state->base);
	buf = malloc(len ? len : 1);
	if (!st || !buf) {
		free(st);
		free(buf);
		domctl_answer_error(a, -ENOMEM, "restore devices: out of "
				    "memory");
		return;
	}
	protobuf_c_message_pack(&m->state->base, buf);
	ret = state_pb_unpack_devices(buf, len, st, dom->log);
	if (!ret)
		ret = hv_machine_restore_devices(dom->m, st);
	if (ret)
		domctl_answer_error(a, ret, "restore devices: a state these "
				    "devices cannot hold (details in the "
				    "domain's log)");
	else
		domain_note_devices_set(dom, st->time);
	free(buf);
	free(st);
}

static void do_get_config(struct domain *dom, struct domctl_answer *a)
{
	uint8_t *buf = NULL;
	size_t len;
	int ret;

	ret = state_pb_pack_config(dom->cfg, dom->name, dom->uuid, &buf,
				   &len);
	if (!ret)
		ret = unpack_result(a, &hv__domain_config__descriptor, buf,
				    len);
	free(buf);
	if (ret) {
		if (!a->reply.status)
			domctl_answer_error(a, ret, "get config: %s",
					    strerror(-ret));
		return;
	}
	a->reply.result_case = HV__DOMCTL_REPLY__RESULT_CONFIG;
	a->reply.config = (Hv__DomainConfig *)a->unpacked;
}

static void do_console_write(struct domain *dom,
			     const Hv__ConsoleWriteRequest *m,
			     struct domctl_answer *a)
{
	size_t n = 0;

	if (m->data.len > CONSOLE_WRITE_MAX) {
		domctl_answer_error(a, -EINVAL, "console write of %zu bytes: "
				    "at most %u per call", m->data.len,
				    CONSOLE_WRITE_MAX);
		return;
	}
	/* Nothing while no vCPU runs: device state stays as saved. */
	if (domain_is_running(dom) && m->data.len)
		n = hv_machine_console_input(dom->m, m->data.data,
					     m->data.len);
	hv__console_write_reply__init(&a->console_write);
	a->console_write.accepted = n;
	a->reply.result_case = HV__DOMCTL_REPLY__RESULT_CONSOLE_WRITE;
	a->reply.console_write = &a->console_write;
}

static void do_power_button(struct domain *dom, struct domctl_answer *a)
{
	int ret;

	/* Nothing while no vCPU runs: device state stays as saved. */
	if (dom->st.state == DOMAIN_PAUSED) {
		domctl_answer_error(a, -EBUSY, "power button: the domain is "
				    "paused (unpause it first)");
		return;
	}
	if (!domain_is_running(dom)) {
		domctl_answer_error(a, -ESRCH, "power button: no guest runs "
				    "(the domain is %s)",
				    domain_state_name(dom->st.state));
		return;
	}
	ret = hv_machine_power_button(dom->m);
	if (ret == -ENODEV)
		domctl_answer_error(a, ret, "power button: the guest has not "
				    "set up its power button (no virtio-input "
				    "driver): it cannot be asked to power "
				    "off; destroy it instead");
	else if (ret)
		domctl_answer_error(a, ret, "power button: %s",
				    strerror(-ret));
}

void domctl_handle_request(struct domain *dom, const Hv__DomctlRequest *req,
			   struct domctl_answer *a)
{
	struct cpu_platform *p = hv_machine_platform(dom->m);
	int ret;

	memset(a, 0, sizeof(*a));
	hv__domctl_reply__init(&a->reply);
	a->reply.id = req->id;
	a->fd = -1;
	switch (req->req_case) {
	case HV__DOMCTL_REQUEST__REQ_PAUSE:
		ret = domain_pause(dom, a->error, sizeof(a->error));
		if (ret)
			domctl_answer_error(a, ret, "%s", a->error);
		else
			answer_state(a, dom);
		break;
	case HV__DOMCTL_REQUEST__REQ_UNPAUSE:
		ret = domain_unpause(dom, a->error, sizeof(a->error));
		if (ret)
			domctl_answer_error(a, ret, "unpause: %s", a->error);
		else
			answer_state(a, dom);
		break;
	case HV__DOMCTL_REQUEST__REQ_GET_STATE:
		answer_state(a, dom);
		break;
	case HV__DOMCTL_REQUEST__REQ_DESTROY:
		domain_stop(dom);
		a->destroy = true;
		break;
	case HV__DOMCTL_REQUEST__REQ_GET_CONFIG:
		do_get_config(dom, a);
		break;
	case HV__DOMCTL_REQUEST__REQ_GET_MEMORY:
		do_get_memory(dom, a);
		break;
	case HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_ENABLE:
		if (atomic_load(&p->logdirty)) {
			domctl_answer_error(a, -EBUSY, "log-dirty enable: "
					    "already on (one owner at a "
					    "time)");
			break;
		}
		ret = logdirty_enable(p);
		if (ret)
			domctl_answer_error(a, ret, "log-dirty enable: %s",
					    strerror(-ret));
		break;
	case HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_DISABLE:
		logdirty_disable(p);
		atomic_store(&p->throttle_pct, 0);
		break;
	case HV__DOMCTL_REQUEST__REQ_SET_THROTTLE:
		if (req->set_throttle->percent > 99) {
			domctl_answer_error(a, -EINVAL, "set throttle: %u%%, "
					    "expected 0..99",
					    req->set_throttle->percent);
			break;
		}
		atomic_store(&p->throttle_pct, req->set_throttle->percent);
		break;
	case HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_PEEK:
		do_dirty_bits(dom, req->log_dirty_peek->range, false, a);
		break;
	case HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_CLEAN:
		do_dirty_bits(dom, req->log_dirty_clean->range, true, a);
		break;
	case HV__DOMCTL_REQUEST__REQ_LOG_DIRTY_MARK:
		do_dirty_mark(dom, req->log_dirty_mark, a);
		break;
	case HV__DOMCTL_REQUEST__REQ_GET_VCPU_CONTEXT:
		do_get_vcpu(dom, req->get_vcpu_context->vcpu, a);
		break;
	case HV__DOMCTL_REQUEST__REQ_SET_VCPU_CONTEXT:
		do_set_vcpu(dom, req->set_vcpu_context, a);
		break;
	case HV__DOMCTL_REQUEST__REQ_SAVE_DEVICES:
		do_save_devices(dom, a);
		break;
	case HV__DOMCTL_REQUEST__REQ_RESTORE_DEVICES:
		do_restore_devices(dom, req->restore_devices, a);
		break;
	case HV__DOMCTL_REQUEST__REQ_CONSOLE_WRITE:
		do_console_write(dom, req->console_write, a);
		break;
	case HV__DOMCTL_REQUEST__REQ_POWER_BUTTON:
		do_power_button(dom, a);
		break;
	default:
		/* a newer client's request (console_subscribe: the server) */
		domctl_answer_error(a, -EOPNOTSUPP, "request not supported "
				    "by this hvdomain");
		break;
	}
}

void domctl_answer_fini(struct domctl_answer *a)
{
	if (a->unpacked)
		protobuf_c_message_free_unpacked(a->unpacked, NULL);
	free(a->owned);
	a->unpacked = NULL;
	a->owned = NULL;
}
