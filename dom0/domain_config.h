/* SPDX-License-Identifier: MIT */
/*
 * A domain's configuration file (docs/config.md): xl.cfg-like
 * `key = value` lines (cfg_syntax.h) read into a struct domain_config,
 * written back in a canonical form that reads back to the same struct,
 * and given to hvdomain as a DomainConfig (proto/state.proto).
 *
 * Errors are a negative errno with a message in the caller's buffer:
 * "FILE:LINE: reason" for what is wrong in a file (-EINVAL), "FILE: reason"
 * for the file as a whole (too large, a required key missing) and for I/O
 * (-errno). DOMAIN_CONFIG_ERR_LEN is a good size for that buffer.
 */
#ifndef HV_DOM0_DOMAIN_CONFIG_H
#define HV_DOM0_DOMAIN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <uuid/uuid.h>

#define DOMAIN_CONFIG_NAME_MAX		63
#define DOMAIN_CONFIG_VCPUS_MAX		8
#define DOMAIN_CONFIG_MEMORY_MIN	16	/* MiB */
#define DOMAIN_CONFIG_MEMORY_MAX	16384	/* MiB */
#define DOMAIN_CONFIG_STRING_MAX	1024	/* bytes of a string */
#define DOMAIN_CONFIG_DEVICES_MAX	8	/* entries of disk; of vif */
#define DOMAIN_CONFIG_ERR_LEN		512

/* What dom0 does when the guest powers off, reboots or crashes. */
enum domain_action {
	DOMAIN_ACTION_DESTROY,
	DOMAIN_ACTION_RESTART,
	DOMAIN_ACTION_PRESERVE,
};

/* Raw device specs (`disk = [ ... ]`, `vif = [ ... ]`), not yet parsed. */
struct domain_config_list {
	char **v;
	unsigned int n;
};

struct domain_config {
	char name[DOMAIN_CONFIG_NAME_MAX + 1];
	bool has_uuid;
	uuid_t uuid;
	unsigned int vcpus;
	unsigned int memory_mib;
	char *kernel;		/* NULL only before a parse */
	char *initrd;		/* NULL: none */
	char *cmdline;		/* NULL: none */
	enum domain_action on_poweroff;
	enum domain_action on_reboot;
	enum domain_action on_crash;
	struct domain_config_list disks;
	struct domain_config_list nics;
};

/* The defaults (as xl's): 1 vCPU, 256 MiB, destroy/restart/destroy. */
void domain_config_init(struct domain_config *c);

/* Frees what @c holds and leaves it as domain_config_init does. */
void domain_config_free(struct domain_config *c);

/*
 * Parses a config of @len bytes at @buf, called @file in messages (a path,
 * or e.g. "<control>" for one sent over the control socket), into @c,
 * which the call initialises (and frees again on failure). 0, -EINVAL
 * for a bad config, -ENOMEM.
 */
int domain_config_parse(struct domain_config *c, const char *buf, size_t len,
			const char *file, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* domain_config_parse of the file @path (a regular file). */
int domain_config_read(struct domain_config *c, const char *path, char *err,
		       size_t errlen) __attribute__((warn_unused_result));

/*
 * Checks a config built or changed in code against the rules a parse
 * applies: 0, or -EINVAL with "domain config: reason".
 */
int domain_config_check(const struct domain_config *c, char *err,
			size_t errlen) __attribute__((warn_unused_result));

/* Whether @a and @b say the same (lists in order, strings by value). */
bool domain_config_equal(const struct domain_config *a,
			 const struct domain_config *b);

/* Gives @c a new random UUID if it has none; true if it did. */
bool domain_config_fill_uuid(struct domain_config *c);

/*
 * 0 if hvd can start a domain of @c; -EOPNOTSUPP with a reason if @c has
 * disk or vif entries, which hv has no devices for yet.
 */
int domain_config_check_devices(const struct domain_config *c, char *err,
				size_t errlen)
	__attribute__((warn_unused_result));

/*
 * @c in canonical form: every key in a fixed order, defaults written
 * out, one list entry per line. *@text (NUL-terminated, *@len bytes
 * before the NUL) is the caller's to free. -EINVAL if @c does not pass
 * domain_config_check, -ENOMEM.
 */
int domain_config_format(const struct domain_config *c, char **text,
			 size_t *len, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* The canonical form written to @fd (all of it, or an error). */
int domain_config_write_fd(const struct domain_config *c, int fd,
			   char *err, size_t errlen)
	__attribute__((warn_unused_result));

/*
 * The canonical form written to @path atomically (atomic_file.h): @path
 * is the old file or the whole new one, never a part, after a crash too.
 */
int domain_config_write(const struct domain_config *c, const char *path,
			char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* "destroy", "restart", "preserve" */
const char *domain_action_name(enum domain_action a);

struct Hv__DomainConfig;

/*
 * Fills @pb (proto/state.pb-c.h; hv__domain_config__init'ed here) from
 * @c for domain_args_from_config. Strings and the UUID are borrowed from
 * @c, which must outlive @pb; nothing is allocated. The UUID is left
 * empty if @c has none (domain_config_fill_uuid first for hvd's domains).
 */
void domain_config_to_pb(const struct domain_config *c,
			 struct Hv__DomainConfig *pb);

/*
 * The other way: @c (domain_config_init'ed here) from @pb, strings
 * copied, ACTION_DEFAULT as xl's default. For a domain that arrived in a
 * stream (restore, migration), whose config file hvd writes back out.
 * 0, -EINVAL (a UUID not of 16 bytes, a name too long) or -ENOMEM.
 */
int domain_config_from_pb(struct domain_config *c,
			  const struct Hv__DomainConfig *pb)
	__attribute__((warn_unused_result));

#endif
