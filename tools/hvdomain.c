// SPDX-License-Identifier: MIT
/*
 * hvdomain: one process per guest (docs/hvdomain.md). Builds the machine,
 * listens on the domain's domctl socket, enters the sandbox, then serves
 * domctl until dom0 destroys the domain.
 */
#include <errno.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include "hv/log.h"
#include "hv/machine.h"
#include "domain/console_ring.h"
#include "domain/domain.h"
#include "domain/domctl_server.h"
#include "domain/sandbox.h"
#include "domctl/frame.h"
#include "domctl/listen.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_START	125
#define HVDOMAIN_VERSION "hvdomain 0.1"

struct hvdomain {
	struct hv_log log;
	struct hv_machine_config cfg;
	struct hv_machine *m;
	struct domain dom;
	struct console_ring console;
	const char *socket_path;
	const char *name;
	const char *user;
	const char *uuid;
	unsigned long domid;
	uint8_t uuid_bin[16];
	int ready_fd;
	bool start, sandbox, check_sandbox;
	int listen_fd, exit_fd, console_fd;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: hvdomain --socket PATH --vcpus N --memory SIZE [--kernel FILE]\n"
"                [--initrd FILE] [--cmdline TEXT] [--name NAME] [--uuid UUID]\n"
"                [--domid N] [--incoming] [--start] [--ready-fd FD]\n"
"                [--user USER] [--no-sandbox] [--check-sandbox] [-v|-q]\n"
"One guest as a process, controlled through domctl on PATH\n"
"(docs/hvdomain.md).\n");
}

static void on_console(void *opaque, const uint8_t *buf, size_t len)
{
	struct hvdomain *h = opaque;

	if (console_ring_write(&h->console, buf, len))
		domctl_server_wake(h->console_fd);
}

static void on_exit_notify(void *opaque)
{
	struct hvdomain *h = opaque;

	domctl_server_wake(h->exit_fd);
}

static int parse_args(struct hvdomain *h, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "name", required_argument, NULL, 'n' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "domid", required_argument, NULL, 'd' },
		{ "incoming", no_argument, NULL, 'I' },
		{ "start", no_argument, NULL, 's' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'U' },
		{ "no-sandbox", no_argument, NULL, 'N' },
		{ "check-sandbox", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "vqh", opts, NULL)) != -1) {
		switch (opt) {
		case 'S': h->socket_path = optarg; break;
		case 'c':
			errno = 0;
			h->cfg.vcpus = (unsigned)strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg) {
				fprintf(stderr, "hvdomain: --vcpus %s: not a "
					"number\n", optarg);
				return -EINVAL;
			}
			break;
		case 'm':
			if (hv_parse_size(optarg, &h->cfg.ram_size)) {
				fprintf(stderr, "hvdomain: --memory %s: want a "
					"size such as 512M or 2G\n", optarg);
				return -EINVAL;
			}
			break;
		case 'k': h->cfg.kernel = optarg; break;
		case 'i': h->cfg.initrd = optarg; break;
		case 'a': h->cfg.cmdline = optarg; break;
		case 'n': h->name = optarg; break;
		case 'u': h->uuid = optarg; break;
		case 'd':
			errno = 0;
			h->domid = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || h->domid > UINT32_MAX) {
				fprintf(stderr, "hvdomain: --domid %s: not a "
					"32-bit number\n", optarg);
				return -EINVAL;
			}
			break;
		case 'I': h->cfg.incoming = true; break;
		case 's': h->start = true; break;
		case 'r':
			h->ready_fd = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || h->ready_fd < 3) {
				fprintf(stderr, "hvdomain: --ready-fd %s: want "
					"a descriptor number above 2\n", optarg);
				return -EINVAL;
			}
			break;
		case 'U': h->user = optarg; break;
		case 'N': h->sandbox = false; break;
		case 'C': h->check_sandbox = true; break;
		case 'v': h->log.level = LOG_DEBUG; break;
		case 'q': h->log.level = LOG_WARN; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hvdomain: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	if (!h->socket_path) {
		fprintf(stderr, "hvdomain: --socket PATH is required\n");
		return -EINVAL;
	}
	if (!h->cfg.kernel && !h->cfg.incoming && !h->check_sandbox) {
		fprintf(stderr, "hvdomain: --kernel FILE is required (or "
			"--incoming)\n");
		return -EINVAL;
	}
	if (h->start && h->cfg.incoming) {
		fprintf(stderr, "hvdomain: --start and --incoming exclude "
			"each other: an incoming domain runs once its state "
			"is restored\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * Listens on the domain socket, mode 0600. A socket file already there is
 * replaced only when nothing answers on it (a crashed hvdomain's).
 */
static int listen_socket(struct hvdomain *h)
{
	int sndbuf = 0, fd;
	socklen_t len = sizeof(sndbuf);
	char err[256];

	fd = seqpacket_listen(h->socket_path, 0177, 16, err, sizeof(err));
	if (fd < 0) {
		log_err(&h->log, "--socket %s", err);
		return fd;
	}
	/* Accepted sockets get the default send buffer (the sandbox has no
	 * setsockopt): it must hold the largest record. */
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) == 0 &&
	    (size_t)sndbuf < DOMCTL_RECORD_MAX + 32) {
		log_err(&h->log, "net.core.wmem_default is %d bytes: domctl "
			"needs at least %u (docs/domctl.md)", sndbuf,
			DOMCTL_RECORD_MAX + 32);
		close(fd);
		return -ENOBUFS;
	}
	h->listen_fd = fd;
	return 0;
}

static int set_identity(struct hvdomain *h)
{
	uuid_t u;

	if (h->uuid) {
		if (uuid_parse(h->uuid, u)) {
			fprintf(stderr, "hvdomain: --uuid %s: not a UUID\n",
				h->uuid);
			return -EINVAL;
		}
	} else {
		uuid_generate(u);
	}
	memcpy(h->uuid_bin, u, sizeof(h->uuid_bin));
	return 0;
}

static int enter_sandbox(struct hvdomain *h)
{
	int keep[] = { STDERR_FILENO, h->listen_fd, hv_machine_ram_fd(h->m),
		       h->exit_fd, h->console_fd, h->ready_fd };
	struct sandbox_config sc = {
		.user = h->user,
		.keep_fds = keep,
		.n_keep_fds = sizeof(keep) / sizeof(keep[0]) -
			      (h->ready_fd < 0),
		.log_fd = STDERR_FILENO,
		.profile = SANDBOX_PROFILE_DOMAIN,
	};
	int ret = sandbox_enter(&sc);

	if (ret)
		log_err(&h->log, "sandbox: %s", strerror(-ret));
	return ret;
}

static void say_ready(struct hvdomain *h)
{
	if (h->ready_fd < 0)
		return;
	if (write(h->ready_fd, "ready\n", 6) != 6)
		log_warn(&h->log, "--ready-fd: %s", strerror(errno));
	close(h->ready_fd);
	h->ready_fd = -1;
}

int main(int argc, char **argv)
{
	struct hvdomain h = {
		.log = { .prefix = "hvdomain", .level = LOG_INFO },
		.cfg = { .vcpus = 1, .ram_size = 256ull << 20 },
		.ready_fd = -1, .sandbox = true,
		.listen_fd = -1, .exit_fd = -1, .console_fd = -1,
	};
	struct domctl_server *srv = NULL;
	char err[256];
	int ret;

	if (parse_args(&h, argc, argv) || set_identity(&h))
		return EXIT_USAGE;
	if (h.name)
		h.log.prefix = h.name;
	console_ring_init(&h.console);
	h.cfg.console_write = on_console;
	h.cfg.console_opaque = &h;
	h.cfg.exit_notify = on_exit_notify;
	h.cfg.exit_opaque = &h;
	h.exit_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	h.console_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h.exit_fd < 0 || h.console_fd < 0) {
		log_err(&h.log, "eventfd: %s", strerror(errno));
		return EXIT_START;
	}
	if (h.check_sandbox) {
		/* The smallest machine: only the sandbox is being checked. */
		h.cfg.incoming = true;
		h.cfg.ram_size = HV_RAM_MIN;
	}
	if (hv_machine_create(&h.m, &h.cfg, &h.log))
		return EXIT_START;
	domain_init(&h.dom, h.m, &h.cfg, h.name, &h.log);
	memcpy(h.dom.uuid, h.uuid_bin, sizeof(h.dom.uuid));
	h.dom.domid = (uint32_t)h.domid;
	ret = listen_socket(&h);
	if (ret)
		goto out_start;
	/* Before any thread exists: the filter then covers them all. */
	if (h.sandbox && enter_sandbox(&h))
		goto out_start;
	if (h.check_sandbox) {
		/* Forbidden in the domain profile: this must kill us. */
		ret = socket(AF_INET, SOCK_STREAM, 0);
		log_err(&h.log, "--check-sandbox: socket() was allowed (%d): "
			"the sandbox is not enforced", ret);
		return EXIT_FAIL;
	}
	{
		struct domctl_server_config sc = {
			.listen_fd = h.listen_fd, .exit_fd = h.exit_fd,
			.console_fd = h.console_fd, .dom = &h.dom,
			.console = &h.console, .hv_version = HVDOMAIN_VERSION,
			.log = &h.log,
		};

		ret = domctl_server_create(&srv, &sc);
	}
	if (ret) {
		log_err(&h.log, "domctl server: %s", strerror(-ret));
		goto out_start;
	}
	if (h.start && domain_unpause(&h.dom, err, sizeof(err))) {
		log_err(&h.log, "start: %s", err);
		goto out_start;
	}
	log_info(&h.log, "%s: %s, %u vCPU, %llu MiB, domctl on %s",
		 HVDOMAIN_VERSION, domain_state_name(h.dom.st.state),
		 h.cfg.vcpus, (unsigned long long)(h.cfg.ram_size >> 20),
		 h.socket_path);
	say_ready(&h);
	ret = domctl_server_run(srv);
	if (ret)
		log_err(&h.log, "domctl server: %s", strerror(-ret));
	else
		log_info(&h.log, "destroyed");
	domctl_server_destroy(srv);
	domain_stop(&h.dom);
	hv_machine_destroy(h.m);
	console_ring_fini(&h.console);
	return ret ? EXIT_FAIL : 0;

out_start:
	domctl_server_destroy(srv);
	hv_machine_destroy(h.m);
	return EXIT_START;
}
