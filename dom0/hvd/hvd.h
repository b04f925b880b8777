/* SPDX-License-Identifier: MIT */
/*
 * hvd, the host daemon (docs/hvd.md): one per host. Starts and supervises
 * one hvdomain per domain, serves the control protocol on the host's
 * control socket, and finds its domains again after a restart. One
 * thread: an epoll loop over the control socket, its clients, every
 * domain's domctl connection and a signalfd.
 */
#ifndef HV_DOM0_HVD_H
#define HV_DOM0_HVD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "hv/domctl.h"
#include "hv/log.h"
#include "proto/state.pb-c.h"
#include "domain_save.h"

#define HVD_VERSION "hvd 0.1"

/* epoll tags: the data pointer of every watched fd points to one, the
 * first member of what it stands for. */
enum hvd_tag_kind { HVD_TAG_CONTROL, HVD_TAG_SIGNAL, HVD_TAG_CLIENT,
		    HVD_TAG_DOMAIN, HVD_TAG_PEER, HVD_TAG_OP };
struct hvd_tag {
	enum hvd_tag_kind kind;
};

/* A domain hvd knows: its directory in the state dir holds its config,
 * its domctl socket and its hvdomain's log. */
struct hvd_domain {
	struct hvd_tag tag;		/* HVD_TAG_DOMAIN; first */
	struct hvd_domain *next;
	uint32_t domid;
	uint8_t uuid[16];
	char uuid_str[37];
	char name[64];
	char dir[256];			/* STATE/domains/UUID */
	char sock[300];			/* DIR/domctl.sock */
	Hv__DomainConfig *config;	/* unpacked; owned */
	pid_t pid;			/* its hvdomain; 0 when none */
	bool child;			/* started by this hvd (waitpid) */
	struct domctl *d;		/* hvd's own connection */
	struct domctl_status st;
	struct hvd_op *op;		/* the long request on it; NULL: none */
	bool saved;			/* off, DIR/managed.save holds it */
	char saved_error[256];		/* why its managed restore failed */
};

struct hvd_op;
struct hvd_client;

struct hvd {
	const char *name;		/* --name */
	const char *state_dir;
	const char *control_path;
	const char *hvdomain;		/* the binary */
	struct hv_log log;
	int epfd, control_fd, sig_fd;
	uint32_t next_domid;
	struct hvd_domain *domains;
	bool quit;
	struct hvd_client *clients;
	struct hvd_op *ops;		/* ops.c: helpers running */
	struct hvd_tag control_tag, signal_tag;
	struct hvd_peer *peer;		/* peer.c; NULL before hvd_peer_start */
};

/* registry.c */
/* Files of a managed save in a domain's directory (docs/hvd.md). */
#define HVD_MANAGED_SAVE "managed.save"
#define HVD_MANAGED_PAUSED "managed.paused"
int hvd_registry_load(struct hvd *h);
/* @text: the config's canonical text, kept as DIR/config (NULL: none,
 * as for a restart from the kept DomainConfig). */
int hvd_domain_create(struct hvd *h, const Hv__DomainConfig *cfg,
		      const char *text, bool paused, struct hvd_domain **out,
		      char *err, size_t errlen);
/*
 * In a restore helper (ops.c), never in hvd itself: restores the save
 * file @path into a new incoming domain with id @domid, or with @into
 * (a domain with a managed save) into that domain's directory, id and
 * uuid. @created is called once the hvdomain runs (its uuid and pid) so
 * that hvd can clean up after a helper that dies. On failure the incoming
 * domain is gone, and so is its directory unless @into.
 */
int hvd_domain_restore_helper(struct hvd *h, const char *path,
			      uint32_t domid, const struct hvd_domain *into,
			      const struct domain_progress *p,
			      void (*created)(void *opaque,
					      const struct hvd_domain *dom),
			      void *opaque);
/* Takes over the domain a restore helper left incoming in
 * STATE/domains/@uuid (@into: the saved domain it belongs to): watched,
 * listed, running unless @paused. On failure it is destroyed. */
int hvd_domain_adopt(struct hvd *h, const char *uuid, struct hvd_domain *into,
		     bool paused, struct hvd_domain **out, char *err,
		     size_t errlen);
/* What a helper left of a domain in DIR (its hvdomain @pid killed):
 * the whole directory, or with @keep_saved only the running parts. */
void hvd_domain_cleanup_dir(const char *dir, pid_t pid, bool keep_saved);
/* After its managed save: its hvdomain destroyed, its directory kept
 * with the save, listed as saved. */
void hvd_domain_stop_saved(struct hvd *h, struct hvd_domain *dom);
struct hvd_domain *hvd_domain_find(struct hvd *h, const char *ref);
/* Destroys it and creates it again from its config (same uuid, name):
 * on_*=restart, and a reboot request. */
int hvd_domain_restart(struct hvd *h, struct hvd_domain *dom,
		       struct hvd_domain **out, char *err, size_t errlen);
int hvd_domain_destroy(struct hvd *h, struct hvd_domain *dom, char *err,
		       size_t errlen);
/* A domain's connection is readable: events, or its hvdomain is gone. */
void hvd_domain_event(struct hvd *h, struct hvd_domain *dom);
void hvd_reap_children(struct hvd *h);
void hvd_registry_free(struct hvd *h);

/* ops.c: save and restore in helper processes (docs/hvd.md) */
/* Starts a save of @dom to @path for client @c's request @id: 0 (the
 * reply comes later) or a negative errno with @err. */
int hvd_op_save(struct hvd *h, struct hvd_client *c, uint64_t id,
		struct hvd_domain *dom, const char *path, bool keep_running,
		char *err, size_t errlen);
int hvd_op_restore(struct hvd *h, struct hvd_client *c, uint64_t id,
		   const char *path, bool paused, char *err, size_t errlen);
/* Managed save of every running or paused domain: 0 when started (the
 * reply comes when all ended), 1 when there was nothing to save, or an
 * error. */
int hvd_op_save_all(struct hvd *h, struct hvd_client *c, uint64_t id,
		    char *err, size_t errlen);
/* At start: a restore helper for every domain with a managed save. */
void hvd_op_restore_saved(struct hvd *h);
/* Presses @dom's power button and answers when it powered off (then
 * its on_poweroff applies; with @reboot it is started again instead) or
 * after @timeout_ms with -ETIMEDOUT. 0: started; else an error now. */
int hvd_op_power(struct hvd *h, struct hvd_client *c, uint64_t id,
		 struct hvd_domain *dom, bool reboot, uint32_t timeout_ms,
		 char *err, size_t errlen);
/* A shutdown or reboot waits on @dom (destroy may end it). */
bool hvd_op_power_pending(const struct hvd_domain *dom);
/* @dom shut down or crashed: true when its operation (a reboot) took
 * care of it, false when its policy applies; then a shutdown waiting
 * on it comes back in @later, for hvd_op_power_reply once the policy
 * has been applied (NULL: none). */
bool hvd_op_domain_stopped(struct hvd *h, struct hvd_domain *dom,
			   struct hvd_op **later);
void hvd_op_power_reply(struct hvd *h, struct hvd_op *op);
/* The helper's pipe (or the operation's timer) is readable. */
void hvd_op_event(struct hvd *h, struct hvd_op *op);
/* A child was reaped: true if it was a helper. */
bool hvd_op_reaped(struct hvd *h, pid_t pid, int status);
/* The client went away: its operations go on, their results logged. */
void hvd_op_client_gone(struct hvd *h, struct hvd_client *c);
/* The domain is being destroyed: its operation forgets it. */
void hvd_op_domain_gone(struct hvd *h, struct hvd_domain *dom);
/* "save", "restore", ...: what runs on @dom, "" when nothing. */
const char *hvd_op_name(const struct hvd_domain *dom);
/* Kills every helper and waits for it (hvd exiting). */
void hvd_op_kill_all(struct hvd *h);

/* control.c */
/* Progress for request @id of @c; false if the client was closed. */
bool hvd_control_progress(struct hvd *h, struct hvd_client *c, uint64_t id,
			  const char *domain, const char *phase,
			  uint64_t done, uint64_t total);
/* The final reply for request @id of @c (@dom: an info result). */
void hvd_control_reply(struct hvd *h, struct hvd_client *c, uint64_t id,
		       int status, const char *err,
		       const struct hvd_domain *dom);
int hvd_control_listen(struct hvd *h);
void hvd_control_accept(struct hvd *h);
/* A client's fd is ready; returns false when it was closed. */
void hvd_control_serve(struct hvd *h, struct hvd_client *c);
void hvd_control_close_all(struct hvd *h);
/* Sends a reply that was deferred (ping); closes @c when it cannot. */
struct Hv__CtlReply;
void hvd_control_send_reply(struct hvd *h, struct hvd_client *c,
			    struct Hv__CtlReply *r);

/* peer.c: the peer port and outgoing pings (docs/hvd.md, Peer port) */
struct hvd_peer_opts {
	const char *listen;	/* ADDR[:PORT], or "off"; NULL: default */
	bool listen_explicit;	/* given: failing to serve it is fatal */
	const char *key_path;	/* the cluster key */
	unsigned timeout_ms;	/* for a handshake and hello */
};
/* Loads the key and listens; 0, or -errno after logging why (only for
 * what @o asked for explicitly: the default port just stays off). */
int hvd_peer_start(struct hvd *h, const struct hvd_peer_opts *o);
/* An fd of the peer port's is ready (@t an HVD_TAG_PEER tag). */
void hvd_peer_event(struct hvd *h, struct hvd_tag *t, uint32_t events);
/* Starts a ping for control client @c's request @id; the reply is sent
 * later through hvd_control_send_reply. 0, or -errno with @err. */
int hvd_peer_ping(struct hvd *h, struct hvd_client *c, uint64_t id,
		  const char *address, const char *name, uint32_t timeout_ms,
		  char *err, size_t errlen);
/* Control client @c is going away: its pings end without a reply. */
void hvd_peer_client_gone(struct hvd *h, struct hvd_client *c);
void hvd_peer_stop(struct hvd *h);

/* hvd_conf.c: /etc/hv/hvd.conf; each string malloc'd, NULL when not set */
struct hvd_conf {
	char *name, *state_dir, *control, *listen, *hvdomain, *log_level;
	char *cluster_key, *peer_timeout, *daemon, *pid_file, *log;
};
#define HVD_CONF_DEFAULT "/etc/hv/hvd.conf"
/* Reads @path; a missing file is fine unless @must_exist. */
int hvd_conf_read(struct hvd_conf *c, const char *path, bool must_exist,
		  char *err, size_t errlen);
void hvd_conf_free(struct hvd_conf *c);

/* config.c: a config file's text to a DomainConfig (docs/config.md). */
int hvd_config_parse(const char *text, size_t len, const char *name,
		     Hv__DomainConfig **out, char **canon, char *err,
		     size_t errlen);

int hvd_watch(struct hvd *h, int fd, struct hvd_tag *tag);
void hvd_unwatch(struct hvd *h, int fd);

#endif
