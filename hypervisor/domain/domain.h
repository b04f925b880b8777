/* SPDX-License-Identifier: MIT */
/*
 * A domain: one machine and its lifecycle (docs/domctl.md, Domain states;
 * docs/hvdomain.md, Shutdown and crash). Used by the domctl server's
 * thread only; the machine's vCPU threads reach it through the exit
 * notification, which the server turns into domain_reap().
 */
#ifndef HV_DOMAIN_DOMAIN_H
#define HV_DOMAIN_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/log.h"
#include "hv/machine.h"

/* The numbers are those of proto/domctl.proto's DomainState. */
enum domain_state {
	DOMAIN_CREATED = 1,
	DOMAIN_RUNNING = 2,
	DOMAIN_PAUSED = 3,
	DOMAIN_SHUTDOWN = 4,
	DOMAIN_CRASHED = 5,
	DOMAIN_INCOMING = 6,
};

/* And those of ShutdownReason. */
enum domain_reason {
	DOMAIN_REASON_NONE = 0,
	DOMAIN_REASON_POWEROFF = 1,
	DOMAIN_REASON_REBOOT = 2,
	DOMAIN_REASON_CRASH = 3,
};

struct domain_status {
	enum domain_state state;
	enum domain_reason reason;
	int code;
};

struct domain {
	struct hv_machine *m;			/* borrowed */
	const struct hv_machine_config *cfg;	/* borrowed */
	const char *name;			/* borrowed */
	uint32_t domid;
	uint8_t uuid[16];
	const struct hv_log *log;		/* borrowed */
	struct domain_status st;
	/* incoming: which pieces of state dom0 has set */
	bool vcpu_set[HV_VCPUS_MAX];
	bool devices_set;
	uint64_t restored_time;		/* guest time the devices carried */
};

/* A created (or, with cfg->incoming, incoming) domain of @m. */
void domain_init(struct domain *d, struct hv_machine *m,
		 const struct hv_machine_config *cfg, const char *name,
		 const struct hv_log *log);

/* True while vCPU threads may run guest code (running). */
bool domain_is_running(const struct domain *d);
/* True when no vCPU runs: vCPU and device state may be read. */
bool domain_is_still(const struct domain *d);

/*
 * Each returns 0 or a negative errno with @err (@errlen bytes) saying why.
 * pause: running -> paused (synchronous); a no-op elsewhere.
 * unpause: paused/created/incoming -> running; a no-op when running;
 *   -EINVAL from shutdown/crashed and from an incoming domain whose
 *   state is not complete.
 */
int domain_pause(struct domain *d, char *err, size_t errlen);
int domain_unpause(struct domain *d, char *err, size_t errlen);

/* The machine ended its run (exit notification): joins the vCPU threads
 * and moves to shutdown/crashed. Returns true if the state changed. */
bool domain_reap(struct domain *d);

/* Stops every vCPU for good (destroy). */
void domain_stop(struct domain *d);

/* Records that dom0 set a vCPU's context or the devices (incoming). */
void domain_note_vcpu_set(struct domain *d, unsigned vcpu);
void domain_note_devices_set(struct domain *d, uint64_t guest_time);

const char *domain_state_name(enum domain_state s);

#endif
