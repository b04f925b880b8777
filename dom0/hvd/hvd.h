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

#define HVD_VERSION "hvd 0.1"

/* epoll tags: the data pointer of every watched fd points to one, the
 * first member of what it stands for. */
enum hvd_tag_kind { HVD_TAG_CONTROL, HVD_TAG_SIGNAL, HVD_TAG_CLIENT,
		    HVD_TAG_DOMAIN, HVD_TAG_PEER };
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
};

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
	struct hvd_tag control_tag, signal_tag;
	struct hvd_peer *peer;		/* peer.c; NULL before hvd_peer_start */
};

struct hvd_client;

/* registry.c */
int hvd_registry_load(struct hvd *h);
/* @text: the config's canonical text, kept as DIR/config (NULL: none,
 * as for a restart from the kept DomainConfig). */
int hvd_domain_create(struct hvd *h, const Hv__DomainConfig *cfg,
		      const char *text, bool paused, struct hvd_domain **out,
		      char *err, size_t errlen);
/* A domain from a save file (docs/stream.md), run unless @paused. */
int hvd_domain_restore(struct hvd *h, const char *path, bool paused,
		       struct hvd_domain **out, char *err, size_t errlen);
/* Saves it to @path; then destroys it unless @keep_running. A failed
 * save leaves the guest running. */
int hvd_domain_save(struct hvd *h, struct hvd_domain *dom, const char *path,
		    bool keep_running, char *err, size_t errlen);
struct hvd_domain *hvd_domain_find(struct hvd *h, const char *ref);
int hvd_domain_destroy(struct hvd *h, struct hvd_domain *dom, char *err,
		       size_t errlen);
/* A domain's connection is readable: events, or its hvdomain is gone. */
void hvd_domain_event(struct hvd *h, struct hvd_domain *dom);
void hvd_reap_children(struct hvd *h);
void hvd_registry_free(struct hvd *h);

/* control.c */
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
