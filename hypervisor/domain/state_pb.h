/* SPDX-License-Identifier: MIT */
/*
 * Machine state <-> the protobuf messages of proto/state.proto, the form
 * in which state leaves hvdomain (domctl, the record stream). Packing
 * allocates the buffer (caller frees with free()); unpacking validates
 * every field and returns -EINVAL (with a message through @log saying
 * which field) for anything this machine cannot hold, -EBADMSG for bytes
 * that are not the message at all.
 */
#ifndef HV_DOMAIN_STATE_PB_H
#define HV_DOMAIN_STATE_PB_H

#include <stddef.h>
#include <stdint.h>
#include "hv/log.h"
#include "hv/machine.h"
#include "hv/machine_state.h"

int state_pb_pack_vcpu(const struct cpu_context *ctx, unsigned hartid,
		       uint8_t **buf, size_t *len)
	__attribute__((warn_unused_result));
int state_pb_unpack_vcpu(const uint8_t *buf, size_t len,
			 struct cpu_context *ctx, unsigned *hartid,
			 const struct hv_log *log)
	__attribute__((warn_unused_result));

/* The devices and guest time of @st (not its vCPUs). */
int state_pb_pack_devices(const struct hv_machine_state *st, uint8_t **buf,
			  size_t *len) __attribute__((warn_unused_result));
int state_pb_unpack_devices(const uint8_t *buf, size_t len,
			    struct hv_machine_state *st,
			    const struct hv_log *log)
	__attribute__((warn_unused_result));

/*
 * A domain's configuration. Unpack fills @cfg with strings allocated in
 * @strings (free with state_pb_config_free); kernel/initrd are NULL when
 * empty.
 */
struct state_pb_strings {
	char *kernel, *initrd, *cmdline, *name;
};
/* @uuid: 16 bytes, or NULL for none (hvrun's domains have none). */
int state_pb_pack_config(const struct hv_machine_config *cfg,
			 const char *name, const uint8_t *uuid, uint8_t **buf,
			 size_t *len)
	__attribute__((warn_unused_result));
int state_pb_unpack_config(const uint8_t *buf, size_t len,
			   struct hv_machine_config *cfg,
			   struct state_pb_strings *strings,
			   const struct hv_log *log)
	__attribute__((warn_unused_result));
void state_pb_config_free(struct state_pb_strings *strings);

#endif
