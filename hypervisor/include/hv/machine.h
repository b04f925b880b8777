/* SPDX-License-Identifier: MIT */
/*
 * A whole virtual machine (QEMU virt compatible, RV64GC): guest RAM, the
 * platform devices, the vCPUs and their threads. hvrun runs one in the
 * foreground; hvdomain (next) will run one per process.
 */
#ifndef HV_MACHINE_H
#define HV_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/log.h"

#define HV_RAM_MIN	(16ull << 20)
#define HV_RAM_MAX	(16ull << 30)
#define HV_VCPUS_MAX	8

struct hv_machine_config {
	unsigned vcpus;			/* 1..HV_VCPUS_MAX */
	uint64_t ram_size;		/* bytes, HV_RAM_MIN..HV_RAM_MAX, MiB multiple */
	const char *kernel;		/* ELF, Linux Image or raw binary */
	const char *initrd;		/* NULL: none */
	const char *cmdline;		/* NULL: empty */
	/*
	 * An empty machine waiting for a restore or an incoming migration:
	 * nothing is loaded and no vCPU is started; the state comes from
	 * hv_machine_restore_state() and guest RAM from the stream.
	 */
	bool incoming;
	/*
	 * Console output (the UART and the SBI console). Called from vCPU
	 * threads; must not call back into the machine.
	 */
	void (*console_write)(void *opaque, const uint8_t *buf, size_t len);
	void *console_opaque;
	/*
	 * Called once, from the thread that ended the run (a vCPU's, or
	 * the caller of hv_machine_stop), when the guest powers off or
	 * resets or the machine is stopped: a waker for an event loop
	 * (write an eventfd); must not call back into the machine. NULL:
	 * none (hv_machine_wait is the other way to learn it).
	 */
	void (*exit_notify)(void *opaque);
	void *exit_opaque;
};

enum hv_exit_kind {
	HV_EXIT_POWEROFF,	/* guest powered off; status in code */
	HV_EXIT_RESET,		/* guest asked for a reset */
	HV_EXIT_STOPPED,	/* hv_machine_stop() */
};

struct hv_exit {
	enum hv_exit_kind kind;
	int code;		/* guest's failure code, 0 = clean */
};

struct hv_machine;

/*
 * Validates @cfg, creates RAM and devices and loads the payload. Errors
 * are logged through @log (borrowed for the machine's life) and
 * returned as a negative errno.
 */
int hv_machine_create(struct hv_machine **out,
		      const struct hv_machine_config *cfg,
		      const struct hv_log *log) __attribute__((warn_unused_result));

/* Runs the vCPUs until the guest powers off or resets, or stop:
 * hv_machine_start, hv_machine_wait and hv_machine_join in one. */
int hv_machine_run(struct hv_machine *m, struct hv_exit *exit)
	__attribute__((warn_unused_result));

/* Starts one thread per vCPU and returns (hart 0 boots the payload
 * unless the machine is incoming). */
int hv_machine_start(struct hv_machine *m) __attribute__((warn_unused_result));
/* Blocks until the guest powers off or resets, or hv_machine_stop. */
void hv_machine_wait(struct hv_machine *m, struct hv_exit *exit);
/* Stops the vCPU threads and waits for them. */
void hv_machine_join(struct hv_machine *m);
/* Without blocking: true and *exit filled once the run has ended. */
bool hv_machine_exited(struct hv_machine *m, struct hv_exit *exit);
/* vCPU threads running (0 before start and after join). */
unsigned hv_machine_started(const struct hv_machine *m);
unsigned hv_machine_vcpus(const struct hv_machine *m);

/* Synchronous: when pause returns no vCPU executes guest code; guest time
 * stands still until unpause. Any thread but a vCPU's. */
void hv_machine_pause(struct hv_machine *m);
void hv_machine_unpause(struct hv_machine *m);

/* Guest RAM: the memfd (owned by the machine), its guest-physical
 * layout, and the machine's own mapping. */
int hv_machine_ram_fd(const struct hv_machine *m);
void hv_machine_ram_layout(const struct hv_machine *m, uint64_t *base,
			   uint64_t *size);
uint8_t *hv_machine_ram(const struct hv_machine *m);

/* Makes hv_machine_run() return with HV_EXIT_STOPPED; any thread. */
void hv_machine_stop(struct hv_machine *m);
/* Takes back a stop (the guest goes on; a later wait waits again). */
void hv_machine_clear_stop(struct hv_machine *m);

/* Feeds console input to the UART; returns bytes taken. Any thread. */
size_t hv_machine_console_input(struct hv_machine *m, const uint8_t *buf,
				size_t len);

/*
 * Presses the power button: queues KEY_POWER down, up for the guest's
 * virtio-input driver (docs/platform.md, Power button). 0 when queued,
 * -ENODEV when the guest's driver has not set the device up (not
 * DRIVER_OK, or the device is broken). Any thread.
 */
int hv_machine_power_button(struct hv_machine *m)
	__attribute__((warn_unused_result));

/* Instructions retired by all vCPUs so far. */
uint64_t hv_machine_instret(const struct hv_machine *m);

void hv_machine_destroy(struct hv_machine *m);	/* NULL is a no-op */

/* Parses "512M", "1G", "65536K", a plain number (MiB). -EINVAL if bad. */
int hv_parse_size(const char *s, uint64_t *bytes)
	__attribute__((warn_unused_result));

#endif
