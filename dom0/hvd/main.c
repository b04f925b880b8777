// SPDX-License-Identifier: MIT
/*
 * hvd: the host daemon (docs/hvd.md). Arguments, the state dir, the
 * epoll loop. Killing or restarting hvd never touches a running guest:
 * every hvdomain runs in a session of its own, and a new hvd reattaches
 * to the domains it finds in the state dir.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hvd.h"

#define EXIT_USAGE 2

int hvd_watch(struct hvd *h, int fd, struct hvd_tag *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(h->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

void hvd_unwatch(struct hvd *h, int fd)
{
	epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: hvd [--name NAME] [--state-dir DIR] [--control SOCKET]\n"
"           [--listen ADDR:PORT] [--hvdomain PATH] [--ready-fd FD]\n"
"           [--config FILE] [-v|-q]\n"
"The hv host daemon (docs/hvd.md). Defaults: --name the host name,\n"
"--state-dir /var/lib/hv, --control /run/hv/hvd.sock, port 7800;\n"
"the same keys in --config FILE (default " HVD_CONF_DEFAULT ", if present).\n");
}

/* The hvdomain next to us (BUILD/bin), else the one on PATH. */
static const char *find_hvdomain(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 16);
	char *slash;

	if (n > 0) {
		buf[n] = '\0';
		slash = strrchr(buf, '/');
		if (slash) {
			strcpy(slash + 1, "hvdomain");
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return "hvdomain";
}

static int on_signal(struct hvd *h)
{
	struct signalfd_siginfo si;

	while (read(h->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			hvd_reap_children(h);
		} else {
			log_info(&h->log, "signal %u: exiting; the domains run "
				 "on", si.ssi_signo);
			h->quit = true;
		}
	}
	return 0;
}

static int loop(struct hvd *h)
{
	struct epoll_event evs[32];

	while (!h->quit) {
		int n = epoll_wait(h->epfd, evs, 32, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int i = 0; i < n && !h->quit; i++) {
			struct hvd_tag *t = evs[i].data.ptr;

			switch (t->kind) {
			case HVD_TAG_CONTROL:
				hvd_control_accept(h);
				break;
			case HVD_TAG_SIGNAL:
				on_signal(h);
				break;
			case HVD_TAG_CLIENT:
				hvd_control_serve(h, (struct hvd_client *)t);
				break;
			case HVD_TAG_DOMAIN:
				hvd_domain_event(h, (struct hvd_domain *)t);
				break;
			case HVD_TAG_OP:
				hvd_op_event(h, (struct hvd_op *)t);
				break;
			}
			/* what a handler freed may be in evs: start over */
			break;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "control", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "hvdomain", required_argument, NULL, 'H' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char host[HOST_NAME_MAX + 1], self[PATH_MAX];
	struct hvd h = {
		.state_dir = "/var/lib/hv", .control_path = "/run/hv/hvd.sock",
		.log = { .prefix = "hvd", .level = LOG_INFO },
		.epfd = -1, .control_fd = -1, .sig_fd = -1,
	};
	const char *listen_addr = NULL, *conf_path = NULL;
	struct hvd_conf conf;
	char err[512];
	int ready_fd = -1;
	bool state_dir_set = false, control_set = false, level_set = false;
	sigset_t set;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "vqh", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': h.name = optarg; break;
		case 's': h.state_dir = optarg; state_dir_set = true; break;
		case 'c': h.control_path = optarg; control_set = true; break;
		case 'l': listen_addr = optarg; break;
		case 'H': h.hvdomain = optarg; break;
		case 'r': ready_fd = atoi(optarg); break;
		case 'C': conf_path = optarg; break;
		case 'v': h.log.level = LOG_DEBUG; level_set = true; break;
		case 'q': h.log.level = LOG_WARN; level_set = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hvd: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	/* the file first; what the command line said wins */
	if (hvd_conf_read(&conf, conf_path ? conf_path : HVD_CONF_DEFAULT,
			  conf_path != NULL, err, sizeof(err))) {
		fprintf(stderr, "hvd: %s\n", err);
		return EXIT_USAGE;
	}
	if (!h.name)
		h.name = conf.name;
	if (conf.state_dir && !state_dir_set)
		h.state_dir = conf.state_dir;
	if (conf.control && !control_set)
		h.control_path = conf.control;
	if (!listen_addr)
		listen_addr = conf.listen;
	if (!h.hvdomain)
		h.hvdomain = conf.hvdomain;
	if (conf.log_level && !level_set) {
		static const char *const levels[] = { "error", "warning",
						      "info", "debug" };
		int l = -1;

		for (int i = 0; i < 4; i++)
			if (!strcmp(conf.log_level, levels[i]))
				l = i;
		if (l < 0) {
			fprintf(stderr, "hvd: %s: log_level '%s': want error, "
				"warning, info or debug\n", conf_path ?
				conf_path : HVD_CONF_DEFAULT, conf.log_level);
			return EXIT_USAGE;
		}
		h.log.level = (enum log_level)l;
	}
	if (!h.name) {
		gethostname(host, sizeof(host) - 1);
		h.name = host;
	}
	if (!h.hvdomain)
		h.hvdomain = find_hvdomain(self, sizeof(self));
	if (listen_addr)
		log_warn(&h.log, "--listen %s: the peer port is not served "
			 "yet (docs/hvd.md)", listen_addr);
	if (mkdir(h.state_dir, 0700) < 0 && errno != EEXIST) {
		log_err(&h.log, "--state-dir %s: %s", h.state_dir,
			strerror(errno));
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* the hvdomains a restore helper starts become ours when it ends */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warn(&h.log, "PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	h.epfd = epoll_create1(EPOLL_CLOEXEC);
	h.sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	h.signal_tag.kind = HVD_TAG_SIGNAL;
	if (h.epfd < 0 || h.sig_fd < 0 ||
	    hvd_watch(&h, h.sig_fd, &h.signal_tag)) {
		log_err(&h.log, "epoll/signalfd: %s", strerror(errno));
		return 1;
	}
	ret = hvd_registry_load(&h);
	if (!ret)
		ret = hvd_control_listen(&h);
	if (ret)
		return 1;
	hvd_op_restore_saved(&h);	/* managed saves, beside the loop */
	log_info(&h.log, "%s on %s: state %s, control %s", HVD_VERSION,
		 h.name, h.state_dir, h.control_path);
	if (ready_fd > 2) {
		/* the control socket listens: clients may connect */
		if (write(ready_fd, "ready\n", 6) != 6)
			log_warn(&h.log, "--ready-fd: %s", strerror(errno));
		close(ready_fd);
	}
	ret = loop(&h);
	hvd_op_kill_all(&h);
	hvd_control_close_all(&h);
	hvd_registry_free(&h);
	hvd_conf_free(&conf);
	return ret ? 1 : 0;
}
