/* SPDX-License-Identifier: MIT */
/*
 * A machine's state apart from RAM, as plain data: what save/restore and
 * migration carry (the domain layer turns it into protobuf messages).
 * For the hypervisor side only (hvrun, hvdomain); dom0 sees it as the
 * protobuf messages of proto/state.proto.
 */
#ifndef HV_MACHINE_STATE_H
#define HV_MACHINE_STATE_H

#include "hv/machine.h"
#include "cpu/cpu.h"
#include "platform/plic.h"
#include "platform/uart.h"

struct hv_machine_state {
	unsigned nr_vcpus;
	struct cpu_context vcpu[HV_MAX_VCPUS];
	struct uart_state uart;
	struct plic_state plic;
	uint64_t time;		/* guest time (timebase ticks) at save */
};

/*
 * Both only while the machine is paused (or not started): -EBUSY
 * otherwise. Restore validates everything first where it can and
 * returns -EINVAL for a state this machine cannot hold (another vCPU
 * count, bad registers); guest time resumes from st->time.
 */
int hv_machine_save_state(struct hv_machine *m, struct hv_machine_state *st)
	__attribute__((warn_unused_result));
int hv_machine_restore_state(struct hv_machine *m,
			     const struct hv_machine_state *st)
	__attribute__((warn_unused_result));

/* The vCPUs' shared state, for log-dirty (cpu/cpu.h logdirty_*). */
struct cpu_platform *hv_machine_platform(struct hv_machine *m);

#endif
