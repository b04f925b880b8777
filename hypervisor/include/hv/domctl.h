/* SPDX-License-Identifier: MIT */
/*
 * The domctl client: dom0's only door into a domain (its hvdomain
 * process). docs/domctl.md is the protocol; this is the C API over it.
 *
 * One struct domctl is one connection to one domain's socket. Calls are
 * synchronous: each sends one request and returns when its reply came.
 * Events (console output, state changes) that arrive meanwhile are queued
 * for domctl_next_event(). A connection is used by one thread at a time.
 *
 * Every call returns 0 or a negative errno: the server's status (its text
 * in domctl_error()), or the client's own (-ECONNRESET when hvdomain went
 * away, -EPROTO for a reply that breaks the protocol, -ETIMEDOUT). After
 * -ECONNRESET or -EPROTO the connection is dead: close it.
 *
 * State travels as the protobuf messages of proto/state.proto, packed
 * (VcpuState, DeviceState, DomainConfig): dom0 stores and forwards them
 * (the record stream carries exactly these bytes) and never needs their
 * insides. Buffers returned are malloc'd; the caller frees them.
 */
#ifndef HV_DOMCTL_H
#define HV_DOMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DOMCTL_PAGE_SIZE	4096u
/* Pages per peek or clean call (docs/domctl.md): 4 GiB of RAM. */
#define DOMCTL_BITMAP_MAX	(1u << 20)
#define DOMCTL_CONSOLE_MAX	65536u	/* bytes per domctl_console_write */

enum domctl_state {
	DOMCTL_STATE_UNKNOWN = 0,
	DOMCTL_STATE_CREATED = 1,	/* built and loaded, never run */
	DOMCTL_STATE_RUNNING = 2,
	DOMCTL_STATE_PAUSED = 3,
	DOMCTL_STATE_SHUTDOWN = 4,	/* guest powered off or rebooted */
	DOMCTL_STATE_CRASHED = 5,
	DOMCTL_STATE_INCOMING = 6,	/* empty, waiting for a restore */
};

enum domctl_reason {
	DOMCTL_REASON_NONE = 0,
	DOMCTL_REASON_POWEROFF = 1,
	DOMCTL_REASON_REBOOT = 2,
	DOMCTL_REASON_CRASH = 3,
};

struct domctl_status {
	enum domctl_state state;
	enum domctl_reason reason;
	int code;		/* guest's exit code, or -errno of hvdomain */
};

/* "running", "paused", ... ("unknown" for anything else). */
const char *domctl_state_name(enum domctl_state state);

/* What the handshake told about the domain. */
struct domctl_info {
	uint32_t version;	/* the protocol version agreed */
	uint32_t domid;
	uint8_t uuid[16];
	char name[64];
	char hv_version[64];
};

struct domctl;

/*
 * Connects to the domain socket at @path and does the handshake, naming
 * the client @client in the domain's logs. On failure *out is NULL and,
 * when @err is not NULL, @err (@errlen bytes) says why ("hvdomain at
 * /run/x.sock speaks domctl 3..4, we speak 1..1").
 */
int domctl_connect(struct domctl **out, const char *path, const char *client,
		   char *err, size_t errlen) __attribute__((warn_unused_result));
void domctl_close(struct domctl *d);			/* NULL: no-op */

const struct domctl_info *domctl_info(const struct domctl *d);
/* The last failed call's message ("" after a success). */
const char *domctl_error(const struct domctl *d);
/* Each call fails with -ETIMEDOUT after this long; 0 (default): never. */
void domctl_set_timeout(struct domctl *d, int timeout_ms);

/* ---- lifecycle ---- */

/* Synchronous: on return no vCPU executes guest code. @st may be NULL. */
int domctl_pause(struct domctl *d, struct domctl_status *st)
	__attribute__((warn_unused_result));
/* created/paused/incoming -> running. @st may be NULL. */
int domctl_unpause(struct domctl *d, struct domctl_status *st)
	__attribute__((warn_unused_result));
int domctl_get_state(struct domctl *d, struct domctl_status *st)
	__attribute__((warn_unused_result));
/* Stops the domain; hvdomain exits after the reply. The connection is
 * finished afterwards (close it). */
int domctl_destroy(struct domctl *d) __attribute__((warn_unused_result));
/* The DomainConfig the domain was created with, packed. */
int domctl_get_config(struct domctl *d, uint8_t **buf, size_t *len)
	__attribute__((warn_unused_result));

/* ---- memory: the foreign mapping ---- */

struct domctl_memory {
	int fd;			/* the RAM memfd, read-write; caller closes */
	uint32_t page_size;	/* DOMCTL_PAGE_SIZE */
	uint64_t nr_pages;	/* memfd size / page_size */
	uint64_t guest_base;	/* guest-physical address of pfn 0 */
};

int domctl_get_memory(struct domctl *d, struct domctl_memory *mem)
	__attribute__((warn_unused_result));

/*
 * Log-dirty. Bitmaps: bit i (byte i / 8, bit i % 8) is page first + i;
 * @bits holds (count + 7) / 8 bytes; count <= DOMCTL_BITMAP_MAX. pfns are
 * page indexes into the memfd. clean is get-and-clear with the vCPU
 * handshake (docs/domctl.md). mark is required after every write dom0
 * makes through its mapping, log-dirty on or off.
 */
struct domctl_pfn_range {
	uint64_t first;
	uint64_t count;
};

int domctl_log_dirty_enable(struct domctl *d)
	__attribute__((warn_unused_result));
int domctl_log_dirty_disable(struct domctl *d)
	__attribute__((warn_unused_result));
int domctl_log_dirty_peek(struct domctl *d, uint64_t first, uint64_t count,
			  uint8_t *bits) __attribute__((warn_unused_result));
int domctl_log_dirty_clean(struct domctl *d, uint64_t first, uint64_t count,
			   uint8_t *bits) __attribute__((warn_unused_result));
int domctl_log_dirty_mark(struct domctl *d,
			  const struct domctl_pfn_range *ranges, size_t n)
	__attribute__((warn_unused_result));

/*
 * Auto-converge: every vCPU sleeps @percent (0..99; 0 ends it) of its
 * wall time. Log-dirty disable ends it too. -EOPNOTSUPP from an hvdomain
 * older than the request.
 */
int domctl_set_throttle(struct domctl *d, unsigned int percent)
	__attribute__((warn_unused_result));

/* ---- vCPU and device state (packed VcpuState / DeviceState) ---- */

int domctl_get_vcpu_context(struct domctl *d, unsigned vcpu, uint8_t **buf,
			    size_t *len) __attribute__((warn_unused_result));
int domctl_set_vcpu_context(struct domctl *d, unsigned vcpu,
			    const uint8_t *buf, size_t len)
	__attribute__((warn_unused_result));
int domctl_save_devices(struct domctl *d, uint8_t **buf, size_t *len)
	__attribute__((warn_unused_result));
int domctl_restore_devices(struct domctl *d, const uint8_t *buf, size_t len)
	__attribute__((warn_unused_result));

/* ---- console ---- */

/* Input for the guest's UART; *accepted says how much it took (0 while
 * no vCPU runs). @len <= DOMCTL_CONSOLE_MAX. */
int domctl_console_write(struct domctl *d, const void *buf, size_t len,
			 size_t *accepted) __attribute__((warn_unused_result));
/* Output events on (or off); @replay first sends the kept backlog.
 * *offset (may be NULL): stream offset of the next byte to come. */
int domctl_console_subscribe(struct domctl *d, bool enable, bool replay,
			     uint64_t *offset)
	__attribute__((warn_unused_result));

/* ---- guest ---- */

/*
 * Presses the guest's power button (KEY_POWER on its virtio-input
 * device) so that it powers itself off; the domain reaches shutdown
 * (poweroff) when it did, watch for the state event. 0: the press was
 * queued for the guest. -ENODEV: the guest has no driver for the button
 * (it cannot be asked; destroy it instead). -EBUSY: paused. -ESRCH: no
 * guest runs (created, incoming, shutdown, crashed). -EAGAIN: 16 presses
 * already wait for a guest that takes no events. -EOPNOTSUPP: an hvdomain
 * from before the power button.
 */
int domctl_power_button(struct domctl *d) __attribute__((warn_unused_result));

/* ---- events ---- */

enum domctl_event_kind {
	DOMCTL_EVENT_CONSOLE = 1,	/* offset, data, len */
	DOMCTL_EVENT_STATE = 2,		/* status */
};

struct domctl_event {
	enum domctl_event_kind kind;
	uint64_t offset;	/* console: stream offset of data[0] */
	uint8_t *data;		/* console: malloc'd; domctl_event_free */
	size_t len;
	struct domctl_status status;	/* state */
};

/*
 * The next event: a queued one, else waits up to @timeout_ms (-1:
 * forever, 0: only what already arrived). Returns 0 with *ev filled,
 * -ETIMEDOUT, or -ECONNRESET when the domain closed the connection (it
 * was destroyed or died).
 */
int domctl_next_event(struct domctl *d, struct domctl_event *ev,
		      int timeout_ms) __attribute__((warn_unused_result));
void domctl_event_free(struct domctl_event *ev);

/* The socket, for poll(): readable when an event (or EOF) may be there.
 * Call domctl_next_event(d, ev, 0) then, until -ETIMEDOUT. */
int domctl_fd(const struct domctl *d);
/* True when events are already queued (poll would not show them). */
bool domctl_has_events(const struct domctl *d);

#endif
