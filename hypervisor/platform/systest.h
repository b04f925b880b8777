/* SPDX-License-Identifier: MIT */
/*
 * "sifive,test1" at 0x0010_0000 (size 0x1000): a 32-bit write of 0x5555
 * powers off with status 0, 0x3333 | (code << 16) powers off with failure
 * status @code, 0x7777 resets. Other values are ignored. The DTB adds
 * syscon-poweroff / syscon-reboot nodes pointing at it, as QEMU does.
 */
#ifndef HV_SYSTEST_H
#define HV_SYSTEST_H

#include "bus.h"

#define SYSTEST_BASE 0x00100000ULL
#define SYSTEST_SIZE 0x1000ULL

enum hv_shutdown_kind { HV_SHUTDOWN_POWEROFF, HV_SHUTDOWN_RESET };

struct shutdown_sink {
	/* Called from a vCPU thread; @code is 0 for a clean poweroff. */
	void (*shutdown)(void *opaque, enum hv_shutdown_kind kind, int code);
	void *opaque;
};

struct systest;

int systest_create(struct systest **out, const struct shutdown_sink *sink)
	__attribute__((warn_unused_result));
void systest_destroy(struct systest *st);	/* NULL is a no-op */
struct mmio_region systest_region(struct systest *st);

#endif
