// SPDX-License-Identifier: MIT
/* A domain's lifecycle over its machine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "domain.h"
#include "cpu/cpu.h"
#include "hv/machine_state.h"

const char *domain_state_name(enum domain_state s)
{
	switch (s) {
	case DOMAIN_CREATED: return "created";
	case DOMAIN_RUNNING: return "running";
	case DOMAIN_PAUSED: return "paused";
	case DOMAIN_SHUTDOWN: return "shutdown";
	case DOMAIN_CRASHED: return "crashed";
	case DOMAIN_INCOMING: return "incoming";
	}
	return "unknown";
}

void domain_init(struct domain *d, struct hv_machine *m,
		 const struct hv_machine_config *cfg, const char *name,
		 const struct hv_log *log)
{
	memset(d, 0, sizeof(*d));
	d->m = m;
	d->cfg = cfg;
	d->name = name;
	d->log = log;
	d->st.state = cfg->incoming ? DOMAIN_INCOMING : DOMAIN_CREATED;
}

bool domain_is_running(const struct domain *d)
{
	return d->st.state == DOMAIN_RUNNING;
}

bool domain_is_still(const struct domain *d)
{
	return d->st.state != DOMAIN_RUNNING;
}

int domain_pause(struct domain *d, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	if (d->st.state == DOMAIN_RUNNING) {
		hv_machine_pause(d->m);
		d->st.state = DOMAIN_PAUSED;
		log_info(d->log, "paused");
	}
	return 0;
}

static int incoming_complete(struct domain *d, char *err, size_t errlen)
{
	for (unsigned h = 0; h < hv_machine_vcpus(d->m); h++) {
		if (!d->vcpu_set[h]) {
			snprintf(err, errlen, "unpause of an incoming domain "
				 "before vCPU %u's context was set", h);
			return -EINVAL;
		}
	}
	if (!d->devices_set) {
		snprintf(err, errlen, "unpause of an incoming domain before "
			 "its device state was restored");
		return -EINVAL;
	}
	return 0;
}

int domain_unpause(struct domain *d, char *err, size_t errlen)
{
	int ret;

	switch (d->st.state) {
	case DOMAIN_RUNNING:
		return 0;
	case DOMAIN_PAUSED:
		hv_machine_unpause(d->m);
		break;
	case DOMAIN_INCOMING:
		ret = incoming_complete(d, err, errlen);
		if (ret)
			return ret;
		/*
		 * Guest time resumes from the saved instant when the guest
		 * does, not when dom0 restored the devices: the time dom0
		 * spent finishing the restore is not the guest's.
		 */
		cpu_platform_set_time(hv_machine_platform(d->m),
				      d->restored_time);
		/* fall through */
	case DOMAIN_CREATED:
		ret = hv_machine_start(d->m);
		if (ret) {
			snprintf(err, errlen, "starting the vCPU threads: %s",
				 strerror(-ret));
			return ret;
		}
		break;
	case DOMAIN_SHUTDOWN:
	case DOMAIN_CRASHED:
		snprintf(err, errlen, "the domain is %s: it can only be "
			 "destroyed", domain_state_name(d->st.state));
		return -EINVAL;
	}
	d->st.state = DOMAIN_RUNNING;
	log_info(d->log, "running");
	return 0;
}

bool domain_reap(struct domain *d)
{
	struct hv_exit ex;

	if (!hv_machine_exited(d->m, &ex))
		return false;
	hv_machine_join(d->m);	/* parked vCPUs end without running */
	if (d->st.state == DOMAIN_SHUTDOWN || d->st.state == DOMAIN_CRASHED)
		return false;
	switch (ex.kind) {
	case HV_EXIT_POWEROFF:
		d->st.state = ex.code ? DOMAIN_CRASHED : DOMAIN_SHUTDOWN;
		d->st.reason = ex.code ? DOMAIN_REASON_CRASH
				       : DOMAIN_REASON_POWEROFF;
		break;
	case HV_EXIT_RESET:
		d->st.state = DOMAIN_SHUTDOWN;
		d->st.reason = DOMAIN_REASON_REBOOT;
		break;
	case HV_EXIT_STOPPED:
		/* a vCPU thread could not start (hv_machine_start) */
		d->st.state = DOMAIN_CRASHED;
		d->st.reason = DOMAIN_REASON_CRASH;
		break;
	}
	d->st.code = ex.kind == HV_EXIT_STOPPED ? -EAGAIN : ex.code;
	log_info(d->log, "guest %s (%s, code %d)",
		 domain_state_name(d->st.state),
		 d->st.reason == DOMAIN_REASON_REBOOT ? "reboot" :
		 d->st.reason == DOMAIN_REASON_POWEROFF ? "poweroff" : "crash",
		 d->st.code);
	return true;
}

void domain_stop(struct domain *d)
{
	hv_machine_stop(d->m);
	hv_machine_join(d->m);
}

void domain_note_vcpu_set(struct domain *d, unsigned vcpu)
{
	if (vcpu < HV_VCPUS_MAX)
		d->vcpu_set[vcpu] = true;
}

void domain_note_devices_set(struct domain *d, uint64_t guest_time)
{
	d->devices_set = true;
	d->restored_time = guest_time;
}
