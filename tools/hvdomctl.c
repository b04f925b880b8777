// SPDX-License-Identifier: MIT
/*
 * hvdomctl: the low-level dom0 tool, one domctl call or sequence per
 * command against one domain's socket (docs/hvdomctl.md). Exit status: 0
 * done, 1 failed (with a message), 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hvdomctl/hvdomctl.h"
#include "domain_save.h"

#define IDLE_MS_DEFAULT	1000

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvdomctl [--socket PATH] [-q] COMMAND [ARGS]\n"
		"Talks domctl to one domain's hvdomain (docs/hvdomctl.md).\n"
		"  info                  the handshake's facts and the state\n"
		"  pause | unpause       stop or resume every vCPU\n"
		"  destroy               end the domain; hvdomain exits\n"
		"  power-button          press the guest's power button "
		"(it powers\n"
		"                        itself off if its driver is there)\n"
		"  save FILE [--keep-running]\n"
		"                        save the domain to FILE, then destroy "
		"it (or\n"
		"                        leave it as it was: --keep-running)\n"
		"  restore FILE --socket NEWPATH [--hvdomain PATH] [--name N]\n"
		"          [--log FILE] [--paused]\n"
		"                        start a new hvdomain from FILE, "
		"restore and\n"
		"                        unpause it; prints its pid\n"
		"  console [--replay] [--idle MS]\n"
		"                        stdin to the guest, its output to "
		"stdout, until\n"
		"                        the guest shuts down or stdin ended "
		"and it was\n"
		"                        quiet for MS ms (default %d)\n"
		"                        (a pipe); on a terminal: raw, Ctrl-] "
		"detaches\n"
		"Exit status: 0 done, 1 failed, 2 bad usage.\n",
		IDLE_MS_DEFAULT);
}

static int __attribute__((format(printf, 1, 2))) bad_usage(const char *fmt,
							   ...)
{
	va_list ap;

	fprintf(stderr, "hvdomctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (hvdomctl --help lists the commands)\n");
	return HVDOMCTL_USAGE;
}

static int failed(const struct hv_log *log, struct domctl *d,
		  const char *what, int ret)
{
	log_err(log, "%s: %s", what,
		*domctl_error(d) ? domctl_error(d) : strerror(-ret));
	return HVDOMCTL_FAILED;
}

static void print_uuid(const uint8_t *u)
{
	for (int i = 0; i < 16; i++)
		printf("%02x%s", u[i], i == 3 || i == 5 || i == 7 || i == 9 ?
		       "-" : "");
}

static int cmd_info(struct domctl *d, const struct hv_log *log)
{
	const struct domctl_info *in = domctl_info(d);
	struct domctl_status st;
	int ret;

	ret = domctl_get_state(d, &st);
	if (ret)
		return failed(log, d, "get state", ret);
	printf("name      %s\ndomid     %u\nuuid      ", in->name, in->domid);
	print_uuid(in->uuid);
	printf("\nhv        %s\nprotocol  %u\nstate     %s", in->hv_version,
	       in->version, domctl_state_name(st.state));
	if (st.state == DOMCTL_STATE_SHUTDOWN ||
	    st.state == DOMCTL_STATE_CRASHED)
		printf(" (%s, code %d)", st.reason == DOMCTL_REASON_REBOOT ?
		       "reboot" : st.reason == DOMCTL_REASON_CRASH ? "crash" :
		       "poweroff", st.code);
	printf("\n");
	return HVDOMCTL_OK;
}

static int cmd_save(struct domctl *d, const char *file, bool keep_running,
		    const struct hv_log *log)
{
	struct stat sb;
	int ret;

	ret = domain_save(d, file, keep_running, log);
	if (ret)
		return HVDOMCTL_FAILED;
	if (!keep_running) {
		ret = domctl_destroy(d);
		if (ret)
			return failed(log, d, "saved, but destroy", ret);
	}
	log_info(log, "saved domain '%s' to %s (%lld bytes)%s",
		 *domctl_info(d)->name ? domctl_info(d)->name : "(no name)",
		 file, stat(file, &sb) ? -1ll :
		 (long long)sb.st_size, keep_running ? "" : "; destroyed it");
	return HVDOMCTL_OK;
}

/* hvdomain next to this binary, else by name from PATH. */
static const char *default_hvdomain(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n > 0) {
		buf[n] = '\0';
		slash = strrchr(buf, '/');
		if (slash && (size_t)(slash - buf) + sizeof("/hvdomain") <= len) {
			strcpy(slash, "/hvdomain");
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return "hvdomain";
}

static int parse_ms(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

struct args {
	const char *socket;
	const char *cmd;
	const char *file;
	bool keep_running;
	bool replay;
	int idle_ms;
	struct hvdomctl_restore restore;
};

/* The command's own options and operand, from argv[0] = the command. */
static int parse_command(struct args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep-running", no_argument, NULL, 'k' },
		{ "socket", required_argument, NULL, 's' },
		{ "hvdomain", required_argument, NULL, 'H' },
		{ "name", required_argument, NULL, 'n' },
		{ "log", required_argument, NULL, 'l' },
		{ "paused", no_argument, NULL, 'p' },
		{ "replay", no_argument, NULL, 'r' },
		{ "idle", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	bool is_save = !strcmp(a->cmd, "save");
	bool is_restore = !strcmp(a->cmd, "restore");
	bool is_console = !strcmp(a->cmd, "console");
	int opt;

	optind = 0;	/* glibc: start over on the new argv */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		bool ok = (opt == 'k' && is_save) ||
			  (strchr("sHnlp", opt) && is_restore) ||
			  (strchr("ri", opt) && is_console);

		if (opt == '?' || !ok)
			return bad_usage("%s: unknown option for it", a->cmd);
		switch (opt) {
		case 'k': a->keep_running = true; break;
		case 's': a->socket = optarg; break;
		case 'H': a->restore.hvdomain = optarg; break;
		case 'n': a->restore.name = optarg; break;
		case 'l': a->restore.log_file = optarg; break;
		case 'p': a->restore.paused = true; break;
		case 'r': a->replay = true; break;
		case 'i':
			if (parse_ms(optarg, &a->idle_ms))
				return bad_usage("--idle %s: want milliseconds",
						 optarg);
			break;
		}
	}
	if (is_save || is_restore) {
		if (optind != argc - 1)
			return bad_usage("%s takes one FILE", a->cmd);
		a->file = argv[optind];
	} else if (optind != argc) {
		return bad_usage("%s takes no operand", a->cmd);
	}
	if (!a->socket)
		return bad_usage("%s: no --socket PATH", a->cmd);
	return HVDOMCTL_OK;
}

static int run(struct args *a, struct domctl *d, const struct hv_log *log)
{
	int ret;

	if (!strcmp(a->cmd, "info"))
		return cmd_info(d, log);
	if (!strcmp(a->cmd, "pause")) {
		ret = domctl_pause(d, NULL);
		return ret ? failed(log, d, "pause", ret) : HVDOMCTL_OK;
	}
	if (!strcmp(a->cmd, "unpause")) {
		ret = domctl_unpause(d, NULL);
		return ret ? failed(log, d, "unpause", ret) : HVDOMCTL_OK;
	}
	if (!strcmp(a->cmd, "destroy")) {
		ret = domctl_destroy(d);
		return ret ? failed(log, d, "destroy", ret) : HVDOMCTL_OK;
	}
	if (!strcmp(a->cmd, "power-button")) {
		/* the server's message names the request */
		ret = domctl_power_button(d);
		return ret ? failed(log, d, *domctl_info(d)->name ?
				    domctl_info(d)->name : a->socket, ret)
			   : HVDOMCTL_OK;
	}
	if (!strcmp(a->cmd, "save"))
		return cmd_save(d, a->file, a->keep_running, log);
	return hvdomctl_console(d, a->replay, a->idle_ms, log);
}

static bool known(const char *cmd)
{
	static const char *const cmds[] = { "info", "pause", "unpause",
		"destroy", "power-button", "save", "restore", "console" };

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct args a = { .idle_ms = IDLE_MS_DEFAULT };
	struct hv_log log = {
		.prefix = "hvdomctl", .level = LOG_INFO };
	char exe[PATH_MAX], err[256];
	struct domctl *d;
	int opt, ret;

	/* "+": the options before COMMAND only; the command parses its own. */
	while ((opt = getopt_long(argc, argv, "+s:qh", opts, NULL)) != -1) {
		switch (opt) {
		case 's': a.socket = optarg; break;
		case 'q': log.level = LOG_WARN; break;
		case 'h': usage(stdout); return HVDOMCTL_OK;
		default: usage(stderr); return HVDOMCTL_USAGE;
		}
	}
	if (optind == argc)
		return bad_usage("no COMMAND given");
	a.cmd = argv[optind];
	if (!known(a.cmd))
		return bad_usage("%s: no such command", a.cmd);
	ret = parse_command(&a, argc - optind, argv + optind);
	if (ret)
		return ret;
	signal(SIGPIPE, SIG_IGN);

	if (!strcmp(a.cmd, "restore")) {
		a.restore.file = a.file;
		a.restore.socket = a.socket;
		if (!a.restore.hvdomain)
			a.restore.hvdomain = default_hvdomain(exe, sizeof(exe));
		return hvdomctl_restore(&a.restore, &log);
	}
	ret = domctl_connect(&d, a.socket, "hvdomctl", err, sizeof(err));
	if (ret) {
		if (*err)
			log_err(&log, "%s", err);
		else
			log_err(&log, "%s: %s", a.socket, strerror(-ret));
		return HVDOMCTL_FAILED;
	}
	ret = run(&a, d, &log);
	domctl_close(d);
	return ret;
}
