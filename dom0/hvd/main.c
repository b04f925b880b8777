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
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include "hvd.h"
#include "atomic_file.h"
#include "peer/peer_tls.h"

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
"           [--listen ADDR[:PORT]|off] [--cluster-key FILE]\n"
"           [--peer-timeout SECS] [--hvdomain PATH] [--ready-fd FD]\n"
"           [--daemon] [--pid-file FILE] [--log stderr|syslog]\n"
"           [--config FILE] [-v|-q]\n"
"The hv host daemon (docs/hvd.md). Defaults: --name the host name,\n"
"--state-dir /var/lib/hv, --control /run/hv/hvd.sock, the peer port on\n"
"0.0.0.0:7800 when the cluster key (" PEER_KEY_DEFAULT ") is there,\n"
"--peer-timeout 10, --pid-file /run/hv/hvd.pid with --daemon, --log\n"
"stderr (syslog with --daemon); the same keys in --config FILE (default\n"
HVD_CONF_DEFAULT ", if present).\n");
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
			case HVD_TAG_PEER:
				hvd_peer_event(h, t, evs[i].events);
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

/* "yes"/"no" of a config key: 1, 0, or -1. */
static int yes_no(const char *v)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		return 0;
	return -1;
}

/* @p made absolute (a daemon runs in /): @p itself, or @buf. */
static const char *absolute(const char *p, char *buf, size_t len)
{
	char cwd[PATH_MAX];

	if (!p || p[0] == '/' || !getcwd(cwd, sizeof(cwd)) ||
	    strlen(cwd) + strlen(p) + 2 > len)
		return p;
	strcpy(buf, cwd);
	strcat(buf, "/");
	strcat(buf, p);
	return buf;
}

/*
 * --daemon: forks; the parent waits until the child says "ready" on a
 * pipe (its control socket listens) and returns 0, or returns 1 when the
 * child exits or closes the pipe first (its error went to our stderr,
 * which it shares until it is ready). The child returns -1 with the
 * pipe's write end in *notify_fd, in a session of its own, in /.
 */
static int daemonize(int *notify_fd)
{
	int p[2], st;
	char line[8];
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		fprintf(stderr, "hvd: --daemon: pipe: %s\n", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "hvd: --daemon: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		*notify_fd = p[1];
		setsid();
		if (chdir("/") < 0)
			fprintf(stderr, "hvd: chdir /: %s\n", strerror(errno));
		return -1;
	}
	close(p[1]);
	do
		n = read(p[0], line, sizeof(line));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n > 0 && !strncmp(line, "ready\n", (size_t)n))
		return 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	fprintf(stderr, "hvd: --daemon: hvd %s before it was ready\n",
		WIFEXITED(st) ? "exited" : "was killed");
	return 1;
}

/* The daemon is ready: stdio to /dev/null (stderr only when it is not
 * the log), the parent told. */
static void detach(int notify_fd, bool keep_stderr)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (!keep_stderr)
			dup2(null, 2);
		close(null);
	}
	/* a parent that is gone has nobody to tell: nothing to do */
	(void)!write(notify_fd, "ready\n", 6);
	close(notify_fd);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "control", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "cluster-key", required_argument, NULL, 'k' },
		{ "peer-timeout", required_argument, NULL, 't' },
		{ "hvdomain", required_argument, NULL, 'H' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'C' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char host[HOST_NAME_MAX + 1], self[PATH_MAX];
	static char abs_state[PATH_MAX], abs_ctl[PATH_MAX], abs_key[PATH_MAX],
		    abs_pid[PATH_MAX], abs_hvdomain[PATH_MAX];
	struct hvd h = {
		.state_dir = "/var/lib/hv", .control_path = "/run/hv/hvd.sock",
		.log = { .prefix = "hvd", .level = LOG_INFO },
		.epfd = -1, .control_fd = -1, .sig_fd = -1,
	};
	struct hvd_peer_opts peer = { .key_path = PEER_KEY_DEFAULT };
	const char *listen_addr = NULL, *conf_path = NULL, *pid_file = NULL;
	const char *log_sink = NULL, *peer_timeout = NULL;
	struct hvd_conf conf;
	char err[512], pid_text[24];
	int ready_fd = -1, notify_fd = -1, daemon_mode = 0;
	bool state_dir_set = false, control_set = false, level_set = false;
	bool key_set = false, pid_written = false;
	sigset_t set;
	int opt, ret, status = 1;

	while ((opt = getopt_long(argc, argv, "vqh", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': h.name = optarg; break;
		case 's': h.state_dir = optarg; state_dir_set = true; break;
		case 'c': h.control_path = optarg; control_set = true; break;
		case 'l': listen_addr = optarg; break;
		case 'k': peer.key_path = optarg; key_set = true; break;
		case 't': peer_timeout = optarg; break;
		case 'H': h.hvdomain = optarg; break;
		case 'r': ready_fd = atoi(optarg); break;
		case 'C': conf_path = optarg; break;
		case 'd': daemon_mode = 1; break;
		case 'p': pid_file = optarg; break;
		case 'L': log_sink = optarg; break;
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
	if (!conf_path)
		conf_path = HVD_CONF_DEFAULT;
	if (!h.name)
		h.name = conf.name;
	if (conf.state_dir && !state_dir_set)
		h.state_dir = conf.state_dir;
	if (conf.control && !control_set)
		h.control_path = conf.control;
	if (!listen_addr)
		listen_addr = conf.listen;
	if (conf.cluster_key && !key_set) {
		peer.key_path = conf.cluster_key;
		key_set = true;
	}
	if (!peer_timeout)
		peer_timeout = conf.peer_timeout;
	if (!pid_file)
		pid_file = conf.pid_file;
	if (!log_sink)
		log_sink = conf.log;
	if (!h.hvdomain)
		h.hvdomain = conf.hvdomain;
	if (conf.daemon && !daemon_mode) {
		daemon_mode = yes_no(conf.daemon);
		if (daemon_mode < 0) {
			fprintf(stderr, "hvd: %s: daemon '%s': want yes or "
				"no\n", conf_path, conf.daemon);
			status = EXIT_USAGE;
			goto out;
		}
	}
	if (conf.log_level && !level_set) {
		static const char *const levels[] = { "error", "warning",
						      "info", "debug" };
		int l = -1;

		for (int i = 0; i < 4; i++)
			if (!strcmp(conf.log_level, levels[i]))
				l = i;
		if (l < 0) {
			fprintf(stderr, "hvd: %s: log_level '%s': want error, "
				"warning, info or debug\n", conf_path,
				conf.log_level);
			status = EXIT_USAGE;
			goto out;
		}
		h.log.level = (enum log_level)l;
	}
	if (log_sink && strcmp(log_sink, "stderr") &&
	    strcmp(log_sink, "syslog")) {
		fprintf(stderr, "hvd: --log %s: want stderr or syslog\n",
			log_sink);
		status = EXIT_USAGE;
		goto out;
	}
	if (peer_timeout) {
		char *end;
		double secs = strtod(peer_timeout, &end);

		if (*end || end == peer_timeout || !(secs >= 0.1) ||
		    secs > 3600) {
			fprintf(stderr, "hvd: --peer-timeout %s: want seconds "
				"from 0.1 to 3600\n", peer_timeout);
			status = EXIT_USAGE;
			goto out;
		}
		peer.timeout_ms = (unsigned)(secs * 1000);
	}
	if (daemon_mode && !log_sink)
		log_sink = "syslog";
	peer.listen = listen_addr;
	peer.listen_explicit = listen_addr != NULL || key_set;
	if (!h.name) {
		gethostname(host, sizeof(host) - 1);
		h.name = host;
	}
	if (!h.hvdomain)
		h.hvdomain = find_hvdomain(self, sizeof(self));
	if (daemon_mode) {
		/* a daemon runs in /: every path absolute first */
		if (!pid_file)
			pid_file = "/run/hv/hvd.pid";
		h.state_dir = absolute(h.state_dir, abs_state,
				       sizeof(abs_state));
		h.control_path = absolute(h.control_path, abs_ctl,
					  sizeof(abs_ctl));
		peer.key_path = absolute(peer.key_path, abs_key,
					 sizeof(abs_key));
		pid_file = absolute(pid_file, abs_pid, sizeof(abs_pid));
		if (strchr(h.hvdomain, '/'))
			h.hvdomain = absolute(h.hvdomain, abs_hvdomain,
					      sizeof(abs_hvdomain));
		ret = daemonize(&notify_fd);
		if (ret >= 0) {
			status = ret;	/* the parent */
			goto out;
		}
	}
	if (log_sink && !strcmp(log_sink, "syslog")) {
		/* a daemon's caller sees its start too, until it is ready */
		hv_log_open_syslog("hvd");
		h.log.sink = daemon_mode ? HV_LOG_BOTH : HV_LOG_SYSLOG;
	}
	if (mkdir(h.state_dir, 0700) < 0 && errno != EEXIST) {
		log_err(&h.log, "--state-dir %s: %s", h.state_dir,
			strerror(errno));
		goto out;
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
		goto out;
	}
	ret = hvd_peer_start(&h, &peer);
	if (!ret)
		ret = hvd_registry_load(&h);
	if (!ret)
		ret = hvd_control_listen(&h);
	if (!ret && pid_file) {
		snprintf(pid_text, sizeof(pid_text), "%d\n", (int)getpid());
		ret = atomic_file_write(pid_file, pid_text, strlen(pid_text),
					0644, err, sizeof(err));
		if (ret)
			log_err(&h.log, "--pid-file %s", err);
		pid_written = ret == 0;
	}
	if (ret) {
		hvd_control_close_all(&h);
		hvd_peer_stop(&h);
		hvd_registry_free(&h);
		goto out;
	}
	hvd_op_restore_saved(&h);	/* managed saves, beside the loop */
	/* ready: from here on, lines go where --log says alone */
	if (h.log.sink == HV_LOG_BOTH)
		h.log.sink = HV_LOG_SYSLOG;
	log_info(&h.log, "%s on %s: state %s, control %s%s", HVD_VERSION,
		 h.name, h.state_dir, h.control_path, daemon_mode ?
		 ", daemon" : "");
	if (notify_fd >= 0)
		detach(notify_fd, h.log.sink == HV_LOG_STDERR);
	if (ready_fd > 2) {
		/* the control socket listens: clients may connect */
		if (write(ready_fd, "ready\n", 6) != 6)
			log_warn(&h.log, "--ready-fd: %s", strerror(errno));
		close(ready_fd);
	}
	ret = loop(&h);
	status = ret ? 1 : 0;
	hvd_op_kill_all(&h);
	hvd_control_close_all(&h);
	hvd_peer_stop(&h);
	hvd_registry_free(&h);
	if (pid_written)
		unlink(pid_file);
out:
	hvd_conf_free(&conf);
	return status;
}
