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
#include "platform/virtio_input.h"

struct hv_machine_state {
	unsigned nr_vcpus;
	struct cpu_context vcpu[HV_MAX_VCPUS];
	struct uart_state uart;
	struct plic_state plic;
	struct vinput_state power_button;	/* zero: as after reset */
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

/*
 * The same in pieces, for domctl (one vCPU, or the devices and guest
 * time alone). Same rules: only while paused or not started (-EBUSY),
 * -ENOENT for no such vCPU, -EINVAL for a state that cannot be held
 * (nothing changed then). save/restore_devices use st's uart, plic,
 * power_button and time only.
 */
int hv_machine_get_vcpu(struct hv_machine *m, unsigned vcpu,
			struct cpu_context *ctx) __attribute__((warn_unused_result));
int hv_machine_set_vcpu(struct hv_machine *m, unsigned vcpu,
			const struct cpu_context *ctx)
	__attribute__((warn_unused_result));
int hv_machine_save_devices(struct hv_machine *m, struct hv_machine_state *st)
	__attribute__((warn_unused_result));
int hv_machine_restore_devices(struct hv_machine *m,
			       const struct hv_machine_state *st)
	__attribute__((warn_unused_result));

/* The vCPUs' shared state, for log-dirty (cpu/cpu.h logdirty_*). */
struct cpu_platform *hv_machine_platform(struct hv_machine *m);

#endif
