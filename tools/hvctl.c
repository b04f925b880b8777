// SPDX-License-Identifier: MIT
/*
 * hvctl: the admin's tool, talking to hvd over the control socket
 * (docs/hvctl.md, docs/control.md). One command per run; tables by
 * default, --json on every command; exit 0 ok, 1 failed, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netdb.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include "atomic_file.h"
#include "domctl/frame.h"
#include "proto/control.pb-c.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define DEFAULT_CONTROL "/run/hv/hvd.sock"
#define REPLY_TIMEOUT_MS 120000

struct ctl {
	int fd;
	const char *path;
	bool json;
	uint64_t next_id;
	int status;			/* of the last reply */
	bool no_wait;			/* call() returns at the first progress */
	/* the progress line on a terminal (stderr) */
	bool tty, shown;
	unsigned pct;			/* never goes back for one domain */
	char pct_domain[64];
	uint8_t buf[DOMCTL_RECV_BUF];
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: hvctl [--control SOCKET] [--json] COMMAND [ARGS]\n"
"  list                      the domains of this host\n"
"  info DOM                  one domain (name, UUID or id)\n"
"  create FILE [-p]          a domain from a config file (docs/config.md);\n"
"                            -p: leave it paused\n"
"  pause DOM | unpause DOM   stop / resume its vCPUs\n"
"  destroy DOM               end it at once and forget it\n"
"  save DOM FILE [-c]        save it to FILE (on hvd's host) and destroy\n"
"                            it; -c: keep it running\n"
"  restore FILE [-p]         a domain from a save file; -p: leave it paused\n"
"  host save-all             managed save: every running or paused domain\n"
"                            saved into the state dir and stopped; the next\n"
"                            hvd start restores them (docs/operations.md)\n"
"  shutdown DOM [--timeout S] [--force] [--no-wait]\n"
"                            press its power button and wait (60 s) for it\n"
"                            to power off; --force: destroy it after that\n"
"  reboot DOM [--timeout S]  the same, then start it again (same UUID)\n"
"  console DOM               its console (Ctrl-] detaches)\n"
"  host                      this host: name, version, capacity\n"
"  ping HOST[:PORT] [-t SECS] have hvd reach HOST's hvd on its peer port\n"
"                            (TLS with the cluster key, hello; port 7800)\n"
"  keygen [FILE] [--force]   a new cluster key (256 bits) in FILE, mode 0600\n"
"                            (default /etc/hv/cluster.key; no hvd needed)\n"
"The control socket: --control, else $HV_CONTROL, else " DEFAULT_CONTROL ".\n");
}

static int send_msg(struct ctl *c, const Hv__CtlClientMessage *m)
{
	uint8_t *rec;
	size_t len;
	int ret = domctl_frame_pack(&m->base, &rec, &len);

	if (!ret) {
		ret = domctl_frame_send(c->fd, rec, len, -1, 0);
		free(rec);
	}
	return ret;
}

static Hv__CtlServerMessage *recv_msg(struct ctl *c)
{
	struct pollfd p = { c->fd, POLLIN, 0 };
	ssize_t n;

	if (poll(&p, 1, REPLY_TIMEOUT_MS) <= 0) {
		fprintf(stderr, "hvctl: no answer from hvd at %s in %d s\n",
			c->path, REPLY_TIMEOUT_MS / 1000);
		return NULL;
	}
	n = domctl_frame_recv(c->fd, c->buf, sizeof(c->buf), NULL, 0);
	if (n <= 0) {
		fprintf(stderr, "hvctl: hvd at %s closed the connection\n",
			c->path);
		return NULL;
	}
	if (domctl_frame_check(c->buf, (size_t)n, NULL, 0) < 0)
		return NULL;
	return hv__ctl_server_message__unpack(NULL, (size_t)n - 4, c->buf + 4);
}

static int connect_hvd(struct ctl *c)
{
	Hv__CtlClientMessage m = HV__CTL_CLIENT_MESSAGE__INIT;
	Hv__CtlHello h = HV__CTL_HELLO__INIT;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	Hv__CtlServerMessage *r;
	int ret = 0;

	if (strlen(c->path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "hvctl: control socket path too long\n");
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, c->path);
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || domctl_socket_setup(c->fd) ||
	    connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "hvctl: cannot reach hvd at %s: %s (is hvd "
			"running? --control or HV_CONTROL name another)\n",
			c->path, strerror(errno));
		return -errno;
	}
	h.min_version = h.max_version = HV__CTL_PROTOCOL__CTL_VERSION;
	h.client = "hvctl 0.1";
	m.msg_case = HV__CTL_CLIENT_MESSAGE__MSG_HELLO;
	m.hello = &h;
	if (send_msg(c, &m) || !(r = recv_msg(c)))
		return -EPROTO;
	if (r->msg_case != HV__CTL_SERVER_MESSAGE__MSG_HELLO_REPLY) {
		fprintf(stderr, "hvctl: %s does not speak the control "
			"protocol\n", c->path);
		ret = -EPROTO;
	} else if (r->hello_reply->status) {
		fprintf(stderr, "hvctl: hvd refused us: %s\n",
			r->hello_reply->error);
		ret = r->hello_reply->status;
	}
	hv__ctl_server_message__free_unpacked(r, NULL);
	return ret;
}

/* JSON string with the escapes a name or path may need. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/*
 * A progress record: with --json one object a line on stdout; on a
 * terminal one line on stderr redrawn in place; otherwise nothing.
 */
static void show_progress(struct ctl *c, const Hv__CtlProgress *p)
{
	unsigned pct = 0;

	if (c->json) {
		printf("{\"progress\":{\"domain\":");
		json_str(p->domain);
		printf(",\"phase\":");
		json_str(p->phase);
		printf(",\"done\":%llu,\"total\":%llu}}\n",
		       (unsigned long long)p->done,
		       (unsigned long long)p->total);
		fflush(stdout);
		return;
	}
	if (!c->tty)
		return;
	if (strcmp(c->pct_domain, p->domain)) {
		snprintf(c->pct_domain, sizeof(c->pct_domain), "%s",
			 p->domain);
		c->pct = 0;
	}
	if (p->total)
		pct = (unsigned)(p->done * 100 / p->total);
	if (pct > c->pct)
		c->pct = pct;
	if (p->total)
		fprintf(stderr, "\r\033[K%s: %s %llu/%llu MiB %u%%", p->domain,
			p->phase, (unsigned long long)(p->done >> 20),
			(unsigned long long)(p->total >> 20), c->pct);
	else
		fprintf(stderr, "\r\033[K%s: %s", p->domain, p->phase);
	c->shown = true;
}

/* Sends @q and returns its reply envelope (status 0), or NULL after
 * printing hvd's error. */
static Hv__CtlServerMessage *call(struct ctl *c, Hv__CtlRequest *q)
{
	Hv__CtlClientMessage m = HV__CTL_CLIENT_MESSAGE__INIT;
	Hv__CtlServerMessage *r;

	q->id = ++c->next_id;
	m.msg_case = HV__CTL_CLIENT_MESSAGE__MSG_REQUEST;
	m.request = q;
	if (send_msg(c, &m)) {
		fprintf(stderr, "hvctl: sending to hvd: %s\n", strerror(errno));
		return NULL;
	}
	while ((r = recv_msg(c)) != NULL) {
		if (r->msg_case == HV__CTL_SERVER_MESSAGE__MSG_REPLY &&
		    (r->reply->id == q->id || r->reply->id == 0))
			break;
		if (r->msg_case == HV__CTL_SERVER_MESSAGE__MSG_PROGRESS &&
		    r->progress->id == q->id) {
			show_progress(c, r->progress);
			if (c->no_wait) {
				/* hvd goes on without us */
				hv__ctl_server_message__free_unpacked(r, NULL);
				c->status = 0;
				return NULL;
			}
		}
		hv__ctl_server_message__free_unpacked(r, NULL);
	}
	c->status = r ? r->reply->status : -EPROTO;
	if (c->shown) {
		fprintf(stderr, "\r\033[K");
		c->shown = false;
	}
	if (r && r->reply->status) {
		fprintf(stderr, "hvctl: %s\n", *r->reply->error ?
			r->reply->error : strerror(-r->reply->status));
		hv__ctl_server_message__free_unpacked(r, NULL);
		return NULL;
	}
	return r;
}

static const char *state_name(const Hv__CtlDomainInfo *i)
{
	if (i->saved)
		return "saved";
	switch (i->state) {
	case HV__DOMAIN_STATE__STATE_CREATED: return "created";
	case HV__DOMAIN_STATE__STATE_RUNNING: return "running";
	case HV__DOMAIN_STATE__STATE_PAUSED: return "paused";
	case HV__DOMAIN_STATE__STATE_SHUTDOWN: return "shutdown";
	case HV__DOMAIN_STATE__STATE_CRASHED: return "crashed";
	case HV__DOMAIN_STATE__STATE_INCOMING: return "incoming";
	default: return "off";
	}
}

/* Why a domain is shut down or crashed; "" for any other state. */
static const char *reason_name(Hv__ShutdownReason r)
{
	switch (r) {
	case HV__SHUTDOWN_REASON__REASON_POWEROFF: return "poweroff";
	case HV__SHUTDOWN_REASON__REASON_REBOOT: return "reboot";
	case HV__SHUTDOWN_REASON__REASON_CRASH: return "crash";
	default: return "";
	}
}

static void uuid_str(const ProtobufCBinaryData *u, char out[37])
{
	if (u->len == 16)
		uuid_unparse_lower(u->data, out);
	else
		snprintf(out, 37, "-");
}

static void print_info_json(const Hv__CtlDomainInfo *i)
{
	char u[37];

	uuid_str(&i->uuid, u);
	printf("{\"id\":%u,\"name\":", i->domid);
	json_str(i->name);
	printf(",\"uuid\":\"%s\",\"state\":\"%s\",\"reason\":\"%s\","
	       "\"code\":%d,\"vcpus\":%u,\"memory_mib\":%llu,\"pid\":%u,"
	       "\"operation\":", u, state_name(i), reason_name(i->reason),
	       i->code, i->vcpus, (unsigned long long)i->memory_mib, i->pid);
	json_str(i->operation);
	printf(",\"saved_error\":");
	json_str(i->saved_error);
	putchar('}');
}

static void print_row(const Hv__CtlDomainInfo *i)
{
	char u[37];

	uuid_str(&i->uuid, u);
	printf("%-4u %-20s %-9s %5u %8llu %8u  %s%s%s\n", i->domid, i->name,
	       state_name(i), i->vcpus, (unsigned long long)i->memory_mib,
	       i->pid, u, *i->operation ? "  " : "", i->operation);
}

static void print_header(void)
{
	printf("%-4s %-20s %-9s %5s %8s %8s  %s\n", "ID", "NAME", "STATE",
	       "VCPUS", "MEM(MiB)", "PID", "UUID");
}

static int print_info_reply(struct ctl *c, Hv__CtlServerMessage *r)
{
	if (!r)
		return EXIT_FAILED;
	if (r->reply->result_case == HV__CTL_REPLY__RESULT_INFO) {
		if (c->json) {
			print_info_json(r->reply->info);
			putchar('\n');
		} else {
			print_header();
			print_row(r->reply->info);
		}
	} else if (c->json) {
		printf("{}\n");
	}
	hv__ctl_server_message__free_unpacked(r, NULL);
	return 0;
}

static int cmd_list(struct ctl *c)
{
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlListRequest l = HV__CTL_LIST_REQUEST__INIT;
	Hv__CtlServerMessage *r;

	q.req_case = HV__CTL_REQUEST__REQ_LIST;
	q.list = &l;
	r = call(c, &q);
	if (!r || r->reply->result_case != HV__CTL_REPLY__RESULT_LIST)
		return EXIT_FAILED;
	if (c->json) {
		printf("[");
		for (size_t i = 0; i < r->reply->list->n_domains; i++) {
			if (i)
				printf(",");
			print_info_json(r->reply->list->domains[i]);
		}
		printf("]\n");
	} else {
		print_header();
		for (size_t i = 0; i < r->reply->list->n_domains; i++)
			print_row(r->reply->list->domains[i]);
	}
	hv__ctl_server_message__free_unpacked(r, NULL);
	return 0;
}

static int cmd_dom(struct ctl *c, const char *cmd, const char *dom)
{
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlInfoRequest info = HV__CTL_INFO_REQUEST__INIT;
	Hv__CtlPauseRequest pause = HV__CTL_PAUSE_REQUEST__INIT;
	Hv__CtlUnpauseRequest unpause = HV__CTL_UNPAUSE_REQUEST__INIT;
	Hv__CtlDestroyRequest destroy = HV__CTL_DESTROY_REQUEST__INIT;

	if (!strcmp(cmd, "info")) {
		info.domain = (char *)dom;
		q.req_case = HV__CTL_REQUEST__REQ_INFO;
		q.info = &info;
	} else if (!strcmp(cmd, "pause")) {
		pause.domain = (char *)dom;
		q.req_case = HV__CTL_REQUEST__REQ_PAUSE;
		q.pause = &pause;
	} else if (!strcmp(cmd, "unpause")) {
		unpause.domain = (char *)dom;
		q.req_case = HV__CTL_REQUEST__REQ_UNPAUSE;
		q.unpause = &unpause;
	} else {
		destroy.domain = (char *)dom;
		q.req_case = HV__CTL_REQUEST__REQ_DESTROY;
		q.destroy = &destroy;
	}
	return print_info_reply(c, call(c, &q));
}

static int cmd_create(struct ctl *c, const char *file, bool paused)
{
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlCreateRequest cr = HV__CTL_CREATE_REQUEST__INIT;
	static char text[HV__CTL_PROTOCOL__CTL_CONFIG_MAX + 1];
	FILE *f = fopen(file, "r");
	size_t n;

	if (!f) {
		fprintf(stderr, "hvctl: %s: %s\n", file, strerror(errno));
		return EXIT_FAILED;
	}
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	if (n == sizeof(text)) {
		fprintf(stderr, "hvctl: %s: larger than %d bytes\n", file,
			HV__CTL_PROTOCOL__CTL_CONFIG_MAX);
		return EXIT_FAILED;
	}
	text[n] = '\0';
	cr.config_text = text;
	cr.config_name = (char *)file;
	cr.paused = paused;
	q.req_case = HV__CTL_REQUEST__REQ_CREATE;
	q.create = &cr;
	return print_info_reply(c, call(c, &q));
}

/* FILE as hvd will read it: absolute (hvd's cwd is not ours). */
static int absolute(const char *file, char *out, size_t len)
{
	char cwd[4096];

	if (file[0] == '/') {
		snprintf(out, len, "%s", file);
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd))) {
		fprintf(stderr, "hvctl: getcwd: %s\n", strerror(errno));
		return -errno;
	}
	if ((size_t)snprintf(out, len, "%s/%s", cwd, file) >= len) {
		fprintf(stderr, "hvctl: %s: path too long\n", file);
		return -ENAMETOOLONG;
	}
	return 0;
}

static int cmd_save(struct ctl *c, const char *dom, const char *file,
		    bool keep)
{
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlSaveRequest sr = HV__CTL_SAVE_REQUEST__INIT;
	char path[4096];

	if (absolute(file, path, sizeof(path)))
		return EXIT_FAILED;
	sr.domain = (char *)dom;
	sr.path = path;
	sr.keep_running = keep;
	q.req_case = HV__CTL_REQUEST__REQ_SAVE;
	q.save = &sr;
	return print_info_reply(c, call(c, &q));
}

static int cmd_restore(struct ctl *c, const char *file, bool paused)
{
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlRestoreRequest rr = HV__CTL_RESTORE_REQUEST__INIT;
	char path[4096];

	if (absolute(file, path, sizeof(path)))
		return EXIT_FAILED;
	rr.path = path;
	rr.paused = paused;
	q.req_case = HV__CTL_REQUEST__REQ_RESTORE;
	q.restore = &rr;
	return print_info_reply(c, call(c, &q));
}

/*
 * shutdown and reboot: the guest's power button, then wait (at most
 * @timeout_s) for it to power off; --force destroys it after that.
 */
static int cmd_power(struct ctl *c, const char *dom, bool reboot,
		     unsigned timeout_s, bool force)
{
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlShutdownRequest sr = HV__CTL_SHUTDOWN_REQUEST__INIT;
	Hv__CtlRebootRequest rr = HV__CTL_REBOOT_REQUEST__INIT;
	Hv__CtlServerMessage *r;

	if (reboot) {
		rr.domain = (char *)dom;
		rr.timeout_ms = timeout_s * 1000;
		q.req_case = HV__CTL_REQUEST__REQ_REBOOT;
		q.reboot = &rr;
	} else {
		sr.domain = (char *)dom;
		sr.timeout_ms = timeout_s * 1000;
		q.req_case = HV__CTL_REQUEST__REQ_SHUTDOWN;
		q.shutdown = &sr;
	}
	r = call(c, &q);
	if (!r && c->no_wait && c->status == 0) {
		if (c->json)
			printf("{}\n");
		return 0;	/* the button is pressed */
	}
	if (!r && force && c->status == -ETIMEDOUT) {
		fprintf(stderr, "hvctl: destroying %s\n", dom);
		return cmd_dom(c, "destroy", dom);
	}
	return print_info_reply(c, r);
}

/* Managed save of every domain (docs/operations.md). */
static int cmd_save_all(struct ctl *c)
{
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlSaveAllRequest sa = HV__CTL_SAVE_ALL_REQUEST__INIT;

	q.req_case = HV__CTL_REQUEST__REQ_SAVE_ALL;
	q.save_all = &sa;
	return print_info_reply(c, call(c, &q));
}

static int cmd_host(struct ctl *c)
{
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlHostRequest hr = HV__CTL_HOST_REQUEST__INIT;
	Hv__CtlServerMessage *r;
	Hv__CtlHostInfo *h;

	q.req_case = HV__CTL_REQUEST__REQ_HOST;
	q.host = &hr;
	r = call(c, &q);
	if (!r || r->reply->result_case != HV__CTL_REPLY__RESULT_HOST)
		return EXIT_FAILED;
	h = r->reply->host;
	if (c->json) {
		printf("{\"name\":");
		json_str(h->name);
		printf(",\"version\":");
		json_str(h->hv_version);
		printf(",\"cpus\":%u,\"memory_mib\":%llu,\"domains\":%u,"
		       "\"running\":%u}\n", h->host_cpus,
		       (unsigned long long)h->host_memory_mib, h->domains,
		       h->domains_running);
	} else {
		printf("host      %s\nversion   %s\ncpus      %u\nmemory    "
		       "%llu MiB\ndomains   %u (%u running)\nstate dir %s\n",
		       h->name, h->hv_version, h->host_cpus,
		       (unsigned long long)h->host_memory_mib, h->domains,
		       h->domains_running, h->state_dir);
	}
	hv__ctl_server_message__free_unpacked(r, NULL);
	return 0;
}

/* HOST[:PORT] ([V6]:PORT) as hvd takes it: numeric, resolved here. */
static int peer_address(const char *arg, char *out, size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	char host[256], num[64];
	const char *port = "7800", *colon = strrchr(arg, ':');
	int ret;

	if (arg[0] == '[' && strchr(arg, ']')) {
		const char *end = strchr(arg, ']');

		snprintf(host, sizeof(host), "%.*s", (int)(end - arg - 1),
			 arg + 1);
		if (end[1] == ':')
			port = end + 2;
	} else if (colon && strchr(arg, ':') == colon) {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - arg), arg);
		port = colon + 1;
	} else {
		snprintf(host, sizeof(host), "%s", arg);
	}
	ret = getaddrinfo(host, port, &hints, &ai);
	if (ret) {
		fprintf(stderr, "hvctl: ping %s: %s\n", arg, gai_strerror(ret));
		return -EINVAL;
	}
	ret = getnameinfo(ai->ai_addr, ai->ai_addrlen, num, sizeof(num),
			  NULL, 0, NI_NUMERICHOST);
	snprintf(out, len, ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
		 ret ? "?" : num, port);
	freeaddrinfo(ai);
	return ret ? -EINVAL : 0;
}

static int cmd_ping(struct ctl *c, const char *arg, double secs)
{
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlPingRequest pr = HV__CTL_PING_REQUEST__INIT;
	Hv__CtlServerMessage *r;
	Hv__CtlPingResult *p;
	char addr[300];

	if (peer_address(arg, addr, sizeof(addr)))
		return EXIT_FAILED;
	pr.address = addr;
	pr.name = (char *)arg;
	pr.timeout_ms = (uint32_t)(secs * 1000);
	q.req_case = HV__CTL_REQUEST__REQ_PING;
	q.ping = &pr;
	r = call(c, &q);
	if (!r || r->reply->result_case != HV__CTL_REPLY__RESULT_PING)
		return EXIT_FAILED;
	p = r->reply->ping;
	if (c->json) {
		printf("{\"host\":");
		json_str(p->host);
		printf(",\"version\":");
		json_str(p->hv_version);
		printf(",\"protocol\":%u,\"address\":", p->version);
		json_str(p->address);
		printf(",\"connect_us\":%llu,\"rtt_us\":%llu}\n",
		       (unsigned long long)p->connect_us,
		       (unsigned long long)p->rtt_us);
	} else {
		printf("host      %s\nversion   %s\nprotocol  %u\naddress   "
		       "%s\nconnect   %.3f ms (TCP and TLS)\nrtt       %.3f "
		       "ms\n", p->host, p->hv_version, p->version, p->address,
		       p->connect_us / 1000.0, p->rtt_us / 1000.0);
	}
	hv__ctl_server_message__free_unpacked(r, NULL);
	return 0;
}

/* The console is the domain's own: hvdomctl on its domctl socket. */
static int cmd_console(struct ctl *c, const char *dom, const char *argv0)
{
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlInfoRequest info = HV__CTL_INFO_REQUEST__INIT;
	Hv__CtlServerMessage *r;
	char tool[4096], sock[300];
	const char *slash = strrchr(argv0, '/');

	info.domain = (char *)dom;
	q.req_case = HV__CTL_REQUEST__REQ_INFO;
	q.info = &info;
	r = call(c, &q);
	if (!r)
		return EXIT_FAILED;
	snprintf(sock, sizeof(sock), "%s", r->reply->info->socket);
	hv__ctl_server_message__free_unpacked(r, NULL);
	if (!*sock) {
		fprintf(stderr, "hvctl: domain '%s' is off: no console\n", dom);
		return EXIT_FAILED;
	}
	if (slash)
		snprintf(tool, sizeof(tool), "%.*shvdomctl",
			 (int)(slash - argv0 + 1), argv0);
	else
		snprintf(tool, sizeof(tool), "hvdomctl");
	close(c->fd);
	execlp(tool, tool, "--socket", sock, "console", "--replay",
	       (char *)NULL);
	fprintf(stderr, "hvctl: %s: %s\n", tool, strerror(errno));
	return EXIT_FAILED;
}

/*
 * A cluster key: 32 random bytes as 64 hex digits and a newline, mode
 * 0600: a new file (O_EXCL), or with --force the old one replaced whole
 * (atomic_file_write: temporary file, fsync, rename, directory fsync).
 */
static int cmd_keygen(const char *path, bool force)
{
	uint8_t key[32];
	char hex[66], err[512];
	int fd, ret;

	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		fprintf(stderr, "hvctl: getrandom: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	for (size_t i = 0; i < sizeof(key); i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	hex[64] = '\n';
	if (force) {
		if (atomic_file_write(path, hex, 65, 0600, err, sizeof(err))) {
			fprintf(stderr, "hvctl: %s\n", err);
			return EXIT_FAILED;
		}
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "hvctl: %s: %s%s\n", path,
				strerror(errno), errno == EEXIST ? " (--force "
				"replaces it; every host of the cluster needs "
				"the same key)" : "");
			return EXIT_FAILED;
		}
		ret = write_full(fd, hex, 65);
		if (!ret && fsync(fd) < 0)
			ret = -errno;
		close(fd);
		if (ret) {
			fprintf(stderr, "hvctl: %s: %s\n", path, strerror(-ret));
			unlink(path);
			return EXIT_FAILED;
		}
	}
	fprintf(stderr, "hvctl: wrote a new cluster key to %s; copy it to "
		"every host of the cluster (docs/operations.md)\n", path);
	return 0;
}

/* shutdown DOM [--timeout S] [--force] [--no-wait], reboot DOM
 * [--timeout S]: 0, or -EINVAL after the usage line. */
static int parse_power(const char *cmd, int argc, char **argv,
		       unsigned *timeout_s, bool *force, bool *no_wait)
{
	bool reboot = !strcmp(cmd, "reboot");
	char *end;
	int i;

	for (i = 1; argc >= 1 && i < argc; i++) {
		if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			unsigned long t = strtoul(argv[++i], &end, 10);

			if (*end || !*argv[i] || !t || t > 86400)
				break;
			*timeout_s = (unsigned)t;
		} else if (!reboot && !strcmp(argv[i], "--force")) {
			*force = true;
		} else if (!reboot && !strcmp(argv[i], "--no-wait")) {
			*no_wait = true;
		} else {
			break;
		}
	}
	if (argc >= 1 && i == argc && argv[0][0] != '-')
		return 0;
	fprintf(stderr, reboot ? "usage: hvctl reboot DOM [--timeout S]\n" :
		"usage: hvctl shutdown DOM [--timeout S] [--force] "
		"[--no-wait]\n");
	return -EINVAL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct ctl c;
	const char *cmd, *argv0 = argv[0];
	double ping_secs = 0;
	unsigned timeout_s = 60;
	bool force = false;
	int opt;

	c.path = getenv("HV_CONTROL") ? getenv("HV_CONTROL") : DEFAULT_CONTROL;
	while ((opt = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': c.path = optarg; break;
		case 'j': c.json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;
	if (!strcmp(cmd, "keygen")) {
		const char *file = NULL;

		for (int i = 0; i < argc; i++) {
			if (!strcmp(argv[i], "--force")) {
				force = true;
			} else if (argv[i][0] == '-' || file) {
				fprintf(stderr, "usage: hvctl keygen [FILE] "
					"[--force]\n");
				return EXIT_USAGE;
			} else {
				file = argv[i];
			}
		}
		return cmd_keygen(file ? file : "/etc/hv/cluster.key", force);
	}
	if (!strcmp(cmd, "host") && argc == 1 && !strcmp(argv[0], "save-all")) {
		cmd = "save-all";
	} else if (!strcmp(cmd, "list") || !strcmp(cmd, "host")) {
		if (argc) {
			fprintf(stderr, "%s\n", !strcmp(cmd, "host") ?
				"usage: hvctl host [save-all]" :
				"hvctl list: takes no arguments");
			return EXIT_USAGE;
		}
	} else if (!strcmp(cmd, "create")) {
		if (argc < 1 || argc > 2 || (argc == 2 && strcmp(argv[1], "-p"))) {
			fprintf(stderr, "usage: hvctl create FILE [-p]\n");
			return EXIT_USAGE;
		}
	} else if (!strcmp(cmd, "save")) {
		if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "-c"))) {
			fprintf(stderr, "usage: hvctl save DOM FILE [-c]\n");
			return EXIT_USAGE;
		}
	} else if (!strcmp(cmd, "restore")) {
		if (argc < 1 || argc > 2 || (argc == 2 && strcmp(argv[1], "-p"))) {
			fprintf(stderr, "usage: hvctl restore FILE [-p]\n");
			return EXIT_USAGE;
		}
	} else if (!strcmp(cmd, "ping")) {
		char *end = NULL;

		if (argc == 3 && !strcmp(argv[1], "-t"))
			ping_secs = strtod(argv[2], &end);
		if ((argc != 1 && argc != 3) || argv[0][0] == '-' ||
		    (argc == 3 && (!end || *end || !(ping_secs >= 0.1) ||
				   ping_secs > 60))) {
			fprintf(stderr, "usage: hvctl ping HOST[:PORT] "
				"[-t SECS]   (0.1 to 60 s, default 10)\n");
			return EXIT_USAGE;
		}
	} else if (!strcmp(cmd, "shutdown") || !strcmp(cmd, "reboot")) {
		if (parse_power(cmd, argc, argv, &timeout_s, &force, &c.no_wait))
			return EXIT_USAGE;
	} else if (!strcmp(cmd, "info") || !strcmp(cmd, "pause") ||
		   !strcmp(cmd, "unpause") || !strcmp(cmd, "destroy") ||
		   !strcmp(cmd, "console")) {
		if (argc != 1) {
			fprintf(stderr, "usage: hvctl %s DOM\n", cmd);
			return EXIT_USAGE;
		}
	} else {
		fprintf(stderr, "hvctl: unknown command '%s' (hvctl --help "
			"lists them)\n", cmd);
		return EXIT_USAGE;
	}
	c.tty = isatty(STDERR_FILENO);
	if (connect_hvd(&c))
		return EXIT_FAILED;
	if (!strcmp(cmd, "save-all"))
		return cmd_save_all(&c);
	if (!strcmp(cmd, "list"))
		return cmd_list(&c);
	if (!strcmp(cmd, "host"))
		return cmd_host(&c);
	if (!strcmp(cmd, "create"))
		return cmd_create(&c, argv[0], argc == 2);
	if (!strcmp(cmd, "save"))
		return cmd_save(&c, argv[0], argv[1], argc == 3);
	if (!strcmp(cmd, "restore"))
		return cmd_restore(&c, argv[0], argc == 2);
	if (!strcmp(cmd, "console"))
		return cmd_console(&c, argv[0], argv0);
	if (!strcmp(cmd, "ping"))
		return cmd_ping(&c, argv[0], ping_secs);
	if (!strcmp(cmd, "shutdown") || !strcmp(cmd, "reboot"))
		return cmd_power(&c, argv[0], !strcmp(cmd, "reboot"),
				 timeout_s, force);
	return cmd_dom(&c, cmd, argv[0]);
}
