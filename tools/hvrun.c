// SPDX-License-Identifier: MIT
/*
 * hvrun: boot one guest in the foreground with its console on this
 * terminal. Exit status: the guest's poweroff status (0 clean, N its
 * failure code), 2 bad usage, 125 the guest could not be started,
 * 128+signal when stopped by a signal, 130 when quit with the escape key.
 * With --save-to FILE, SIGUSR1 (or the escape key then `s`) saves the
 * running guest to FILE and exits 0; --restore FILE continues a saved one.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "hv/machine.h"
#include "common/raw_term.h"
#include "hvrun/save.h"

#define EXIT_USAGE 2
#define EXIT_START 125

struct console {
	struct hv_machine *m;
	bool tty;
	struct raw_term term;
	int pipe[2];		/* wakes the input thread to quit */
	_Atomic int quit_reason;	/* 0, or the status to exit with */
	_Atomic bool escape;		/* quit by the escape key */
	_Atomic bool done;		/* the machine has stopped */
	const char *save_to;		/* --save-to FILE, or NULL */
	_Atomic bool save;		/* stopped to be saved */
};

static const struct hv_log run_log = { "hvrun", LOG_INFO };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvrun GUEST [--vcpus N] [--memory SIZE] "
		"[--cmdline ARGS] [--initrd FILE] [--save-to FILE]\n"
		"       hvrun --restore FILE [--save-to FILE]\n"
		"Boots GUEST (ELF, Linux Image or raw binary) on an RV64GC "
		"virt machine with\n"
		"its console on this terminal. On a terminal, Ctrl-] quits.\n"
		"  -c, --vcpus N      vCPUs, 1..8 (default 1)\n"
		"  -m, --memory SIZE  RAM: 512M, 1G, or MiB (default 256M)\n"
		"  -a, --cmdline ARGS kernel command line (/chosen/bootargs)\n"
		"  -i, --initrd FILE  initial ramdisk\n"
		"  -s, --save-to FILE on SIGUSR1 (or Ctrl-] s) save the guest to "
		"FILE and exit\n"
		"  -r, --restore FILE continue a guest saved with --save-to\n");
}

static void console_write(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* console gone: drop output */
		buf += n;
		len -= (size_t)n;
	}
}

static void feed(struct console *con, const uint8_t *buf, size_t len)
{
	while (len) {
		size_t n = hv_machine_console_input(con->m, buf, len);
		struct timespec ts = { 0, 1000000 };

		buf += n;
		len -= n;
		if (len && !n)
			nanosleep(&ts, NULL);	/* guest not reading yet */
		if (atomic_load(&con->done))
			return;
	}
}

static void *input_thread(void *arg)
{
	struct console *con = arg;
	bool esc_pending = false;
	uint8_t buf[256];

	for (;;) {
		struct pollfd p[2] = { { STDIN_FILENO, POLLIN, 0 },
				       { con->pipe[0], POLLIN, 0 } };
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (p[1].revents)
			return NULL;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;	/* EOF: the guest keeps running */
		if (con->tty && esc_pending) {
			/* Escape, then `s` saves (with --save-to). */
			esc_pending = false;
			if (buf[0] == 's' && con->save_to) {
				atomic_store(&con->save, true);
				hv_machine_stop(con->m);
				continue;	/* the save may fail */
			}
			atomic_store(&con->escape, true);
			atomic_store(&con->quit_reason, 130);
			hv_machine_stop(con->m);
			return NULL;
		}
		if (con->tty) {
			size_t before = raw_term_before_escape(buf, (size_t)n);

			if (before < (size_t)n) {
				uint8_t *esc = buf + before;
				size_t rest = (size_t)n - before - 1;

				feed(con, buf, before);
				if (con->save_to && !rest) {
					esc_pending = true;
					continue;
				}
				if (con->save_to && esc[1] == 's') {
					atomic_store(&con->save, true);
					hv_machine_stop(con->m);
					continue;	/* the save may fail */
				}
				atomic_store(&con->escape, true);
				atomic_store(&con->quit_reason, 130);
				hv_machine_stop(con->m);
				return NULL;
			}
		}
		feed(con, buf, (size_t)n);
	}
}

struct sigctx {
	struct console *con;
	sigset_t set;
};

static void *signal_thread(void *arg)
{
	struct sigctx *s = arg;
	int sig;

	for (;;) {
		if (sigwait(&s->set, &sig))
			return NULL;
		if (sig == SIGUSR2)	/* hvrun is done */
			return NULL;
		if (sig == SIGUSR1) {
			if (!s->con->save_to) {
				fprintf(stderr, "hvrun: SIGUSR1 ignored: no "
					"--save-to FILE\n");
				continue;
			}
			atomic_store(&s->con->save, true);
			hv_machine_stop(s->con->m);
			continue;	/* the save may fail: keep serving */
		}
		atomic_store(&s->con->quit_reason, 128 + sig);
		hv_machine_stop(s->con->m);
		return NULL;
	}
}

static int parse_uint(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 1000)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vcpus", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "save-to", required_argument, NULL, 's' },
		{ "restore", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hv_machine_config cfg = {
		.vcpus = 1, .ram_size = 256ull << 20,
		.console_write = console_write,
	};
	struct console con = { .pipe = { -1, -1 } };
	struct sigctx sc = { .con = &con };
	pthread_t in_tid, sig_tid;
	bool in_started = false;
	struct hv_exit ex;
	struct timespec t0;
	struct hvrun_restored *restored = NULL;
	bool saved = false;
	const char *restore = NULL;
	int opt, ret, status;

	while ((opt = getopt_long(argc, argv, "c:m:a:i:s:r:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (parse_uint(optarg, &cfg.vcpus) || !cfg.vcpus ||
			    cfg.vcpus > HV_VCPUS_MAX) {
				fprintf(stderr, "hvrun: --vcpus %s: want 1..%d\n",
					optarg, HV_VCPUS_MAX);
				return EXIT_USAGE;
			}
			break;
		case 'm':
			if (hv_parse_size(optarg, &cfg.ram_size) ||
			    cfg.ram_size < HV_RAM_MIN ||
			    cfg.ram_size > HV_RAM_MAX ||
			    cfg.ram_size % (1ull << 20)) {
				fprintf(stderr, "hvrun: --memory %s: want a whole "
					"number of MiB from 16M to 16G, such as "
					"512M or 2G\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'a': cfg.cmdline = optarg; break;
		case 'i': cfg.initrd = optarg; break;
		case 's': con.save_to = optarg; break;
		case 'r': restore = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (restore && optind != argc) {
		fprintf(stderr, "hvrun: --restore takes the guest from the file; "
			"no GUEST with it\n");
		return EXIT_USAGE;
	}
	if (!restore && optind != argc - 1) {
		fprintf(stderr, "hvrun: %s\n", optind == argc ?
			"no GUEST given" : "more than one GUEST given");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!restore)
		cfg.kernel = argv[optind];

	/* Signals go to the signal thread only. */
	sigemptyset(&sc.set);
	sigaddset(&sc.set, SIGINT);
	sigaddset(&sc.set, SIGTERM);
	sigaddset(&sc.set, SIGHUP);
	sigaddset(&sc.set, SIGUSR1);
	sigaddset(&sc.set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &sc.set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (restore) {
		ret = hvrun_restore(restore, &cfg, &con.m, &restored, &run_log);
		if (!ret)
			cfg = *hvrun_restored_config(restored);
	} else {
		ret = hv_machine_create(&con.m, &cfg, &run_log);
	}
	if (ret)
		return EXIT_START;
	if (pipe(con.pipe) < 0) {
		perror("hvrun: pipe");
		hv_machine_destroy(con.m);
		return EXIT_START;
	}
	con.tty = raw_term_enter(&con.term, STDIN_FILENO) == 0;
	pthread_create(&sig_tid, NULL, signal_thread, &sc);
	if (pthread_create(&in_tid, NULL, input_thread, &con) == 0)
		in_started = true;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = hv_machine_start(con.m);
	for (;;) {
		hv_machine_wait(con.m, &ex);
		if (ret || ex.kind != HV_EXIT_STOPPED ||
		    atomic_load(&con.quit_reason) || !atomic_load(&con.save))
			break;
		hv_machine_pause(con.m);
		if (!hvrun_save(con.m, &cfg, con.save_to, &run_log)) {
			saved = true;
			break;
		}
		/* Nothing lost: a failed save leaves the guest running. */
		fprintf(stderr, "hvrun: the guest was not saved; it goes on "
			"running\n");
		atomic_store(&con.save, false);
		hv_machine_clear_stop(con.m);
		if (atomic_load(&con.quit_reason))
			hv_machine_stop(con.m);	/* a quit came meanwhile */
		hv_machine_unpause(con.m);
	}
	hv_machine_join(con.m);
	atomic_store(&con.done, true);

	/* Wind down the helper threads. */
	if (write(con.pipe[1], "q", 1) < 0)
		perror("hvrun: pipe");
	if (in_started)
		pthread_join(in_tid, NULL);
	pthread_kill(sig_tid, SIGUSR2);
	pthread_join(sig_tid, NULL);
	raw_term_leave(&con.term);

	if (ret) {
		status = EXIT_START;
	} else if (saved) {
		fprintf(stderr, "\nhvrun: guest saved to %s\n", con.save_to);
		status = 0;
	} else if (ex.kind == HV_EXIT_STOPPED) {
		status = atomic_load(&con.quit_reason);
		if (atomic_load(&con.escape))
			fprintf(stderr, "\nhvrun: quit with the escape key\n");
		else
			fprintf(stderr, "\nhvrun: guest stopped by signal %d "
				"(%s)\n", status - 128, strsignal(status - 128));
	} else if (ex.kind == HV_EXIT_RESET) {
		fprintf(stderr, "hvrun: guest asked for a reset; exiting\n");
		status = 0;
	} else {
		status = ex.code == 0 ? 0 : (ex.code & 0xff ? ex.code & 0xff : 1);
	}
	if (getenv("HV_STATS")) {
		struct timespec t1;
		double secs;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		fprintf(stderr, "hvrun: %.3f s, %llu instructions, %.1f M/s\n",
			secs, (unsigned long long)hv_machine_instret(con.m),
			(double)hv_machine_instret(con.m) / secs / 1e6);
	}
	close(con.pipe[0]);
	close(con.pipe[1]);
	hv_machine_destroy(con.m);
	hvrun_restore_free(restored);
	return status;
}
