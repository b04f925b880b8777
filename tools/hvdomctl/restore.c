// SPDX-License-Identifier: MIT
/*
 * hvdomctl restore: the stream's DomainConfig becomes an incoming
 * hvdomain (domain_spawn), domain_restore fills it, then it is unpaused
 * and left running on its own (its own session; we exit). Whatever
 * fails, no hvdomain we started is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "hvdomctl.h"
#include "domain_args.h"
#include "domain_save.h"
#include "domain_spawn.h"

#define READY_TIMEOUT_MS 60000

struct creating {
	const struct hvdomctl_restore *r;
	const struct hv_log *log;
	int out_fd;
	struct domain_proc proc;
};

static int create(void *opaque, const Hv__DomainConfig *cfg,
		  struct domctl **out)
{
	struct creating *c = opaque;
	struct domain_spawn sp = {
		.hvdomain = c->r->hvdomain,
		.socket = c->r->socket,
		.out_fd = c->out_fd,
		.ready_timeout_ms = READY_TIMEOUT_MS,
		.client = "hvdomctl",
	};
	struct domain_args a;
	int ret;

	ret = domain_args_from_config(&a, cfg, c->r->name, true, c->log);
	if (ret)
		return ret;
	sp.args = a.argv;
	ret = domain_spawn(&sp, &c->proc, c->log);
	*out = c->proc.d;
	return ret;
}

int hvdomctl_restore(const struct hvdomctl_restore *r,
		     const struct hv_log *log)
{
	/* hvdomain's stdout too goes to our stderr (or --log): a caller
	 * reading our stdout through a pipe is not held up by it. */
	struct creating c = { .r = r, .log = log, .out_fd = STDERR_FILENO,
			      .proc = { .pid = -1 } };
	struct domctl *d = NULL;
	int ret, status = HVDOMCTL_FAILED;

	if (r->log_file) {
		c.out_fd = open(r->log_file, O_WRONLY | O_CREAT | O_APPEND |
				O_CLOEXEC, 0600);
		if (c.out_fd < 0) {
			log_err(log, "restore: --log %s: %s", r->log_file,
				strerror(errno));
			return HVDOMCTL_FAILED;
		}
	}
	ret = domain_restore(r->file, create, &c, &d, log);
	if (ret)
		goto out;
	if (!r->paused) {
		ret = domctl_unpause(d, NULL);
		if (ret) {
			log_err(log, "restore: %s: unpause: %s", r->file,
				*domctl_error(d) ? domctl_error(d) :
				strerror(-ret));
			if (domctl_destroy(d))
				log_warn(log, "restore: destroy: %s",
					 domctl_error(d));
			goto out;
		}
	}
	printf("%d\n", (int)c.proc.pid);
	log_info(log, "restored %s into a new domain (socket %s, hvdomain "
		 "pid %d)%s", r->file, r->socket, (int)c.proc.pid,
		 r->paused ? ", left incoming" : "");
	status = HVDOMCTL_OK;
out:
	domctl_close(d);
	if (status != HVDOMCTL_OK)
		domain_spawn_kill(c.proc.pid);
	if (c.out_fd != STDERR_FILENO)
		close(c.out_fd);
	return status;
}
