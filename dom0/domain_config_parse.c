// SPDX-License-Identifier: MIT
/*
 * A domain config's keys (docs/config.md): each setting cfg_parse reads
 * is looked up in the key table, checked against its type and its rule
 * (domain_config_rules.h) and stored; a key set twice, an unknown key and
 * a missing required one are refused. Reading a config file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cfg_syntax.h"
#include "domain_config.h"
#include "domain_config_rules.h"

enum slot {
	S_NAME, S_UUID, S_VCPUS, S_MEMORY, S_KERNEL, S_INITRD, S_CMDLINE,
	S_ON_POWEROFF, S_ON_REBOOT, S_ON_CRASH, S_DISK, S_VIF, S_COUNT
};

struct key {
	const char *name;
	enum slot slot;
	enum cfg_type type;
};

/* `extra` is xl's other way to give the command line: the same slot. */
static const struct key keys[] = {
	{ "name", S_NAME, CFG_STRING },
	{ "uuid", S_UUID, CFG_STRING },
	{ "vcpus", S_VCPUS, CFG_NUMBER },
	{ "memory", S_MEMORY, CFG_NUMBER },
	{ "kernel", S_KERNEL, CFG_STRING },
	{ "initrd", S_INITRD, CFG_STRING },
	{ "cmdline", S_CMDLINE, CFG_STRING },
	{ "extra", S_CMDLINE, CFG_STRING },
	{ "on_poweroff", S_ON_POWEROFF, CFG_STRING },
	{ "on_reboot", S_ON_REBOOT, CFG_STRING },
	{ "on_crash", S_ON_CRASH, CFG_STRING },
	{ "disk", S_DISK, CFG_LIST },
	{ "vif", S_VIF, CFG_LIST },
};

struct parse {
	struct domain_config *c;
	unsigned int line[S_COUNT];	/* where each slot was set; 0: not */
	const char *as[S_COUNT];	/* by which key */
};

static const char *type_name(enum cfg_type t)
{
	switch (t) {
	case CFG_STRING: return "a \"string\"";
	case CFG_NUMBER: return "a number";
	default: return "a [list]";
	}
}

static char *dup_or_fail(const char *s, struct cfg_error *e)
{
	char *d = strdup(s);

	if (!d)
		snprintf(e->reason, sizeof(e->reason), "out of memory");
	return d;
}

static int set_text(char **dst, const char *key, const struct cfg_value *v,
		    bool may_be_empty, struct cfg_error *e)
{
	int ret;

	ret = dc_rule_text(key, v->str, may_be_empty, e->reason,
			   sizeof(e->reason));
	if (ret)
		return ret;
	if (!v->len)
		return 0;	/* an empty cmdline is none */
	*dst = dup_or_fail(v->str, e);
	return *dst ? 0 : -ENOMEM;
}

/* The entries of disk = [ ... ] or vif = [ ... ]: non-empty strings. */
static int set_list(struct domain_config_list *l, const char *key,
		    const struct cfg_value *v, struct cfg_error *e)
{
	const struct cfg_value *it;
	char what[32];
	size_t i;
	int ret;

	if (v->n_items > DOMAIN_CONFIG_DEVICES_MAX) {
		snprintf(e->reason, sizeof(e->reason), "%s has %zu entries, at "
			 "most %d", key, v->n_items, DOMAIN_CONFIG_DEVICES_MAX);
		return -EINVAL;
	}
	for (i = 0; i < v->n_items; i++) {
		it = &v->items[i];
		e->line = it->line;
		snprintf(what, sizeof(what), "%s entry %zu", key, i + 1);
		if (it->type != CFG_STRING) {
			snprintf(e->reason, sizeof(e->reason),
				 "%s is a number, not a \"string\"", what);
			return -EINVAL;
		}
		ret = dc_rule_text(what, it->str, false, e->reason,
				   sizeof(e->reason));
		if (ret)
			return ret;
	}
	if (!v->n_items)
		return 0;
	l->v = calloc(v->n_items, sizeof(*l->v));
	if (!l->v)
		goto nomem;
	for (; l->n < v->n_items; l->n++) {
		l->v[l->n] = strdup(v->items[l->n].str);
		if (!l->v[l->n])
			goto nomem;
	}
	return 0;
nomem:
	snprintf(e->reason, sizeof(e->reason), "out of memory");
	return -ENOMEM;
}

static int set_uuid(struct domain_config *c, const struct cfg_value *v,
		    struct cfg_error *e)
{
	if (uuid_parse(v->str, c->uuid)) {
		snprintf(e->reason, sizeof(e->reason), "uuid \"%.40s\" is not "
			 "a UUID (like 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0)",
			 v->str);
		return -EINVAL;
	}
	c->has_uuid = true;
	return dc_rule_uuid(c->uuid, e->reason, sizeof(e->reason));
}

static int set(struct domain_config *c, const struct key *k,
	       const struct cfg_value *v, struct cfg_error *e)
{
	char *why = e->reason;
	size_t n = sizeof(e->reason);
	int ret;

	switch (k->slot) {
	case S_NAME:
		ret = dc_rule_name(v->str, why, n);
		if (!ret)
			memcpy(c->name, v->str, v->len + 1);
		return ret;
	case S_UUID:
		return set_uuid(c, v, e);
	case S_VCPUS:
		ret = dc_rule_vcpus(v->num, why, n);
		c->vcpus = (unsigned int)v->num;
		return ret;
	case S_MEMORY:
		ret = dc_rule_memory(v->num, why, n);
		c->memory_mib = (unsigned int)v->num;
		return ret;
	case S_KERNEL:
		return set_text(&c->kernel, "kernel", v, false, e);
	case S_INITRD:
		return set_text(&c->initrd, "initrd", v, false, e);
	case S_CMDLINE:
		return set_text(&c->cmdline, k->name, v, true, e);
	case S_ON_POWEROFF:
		return dc_rule_action(k->name, v->str, &c->on_poweroff, why, n);
	case S_ON_REBOOT:
		return dc_rule_action(k->name, v->str, &c->on_reboot, why, n);
	case S_ON_CRASH:
		return dc_rule_action(k->name, v->str, &c->on_crash, why, n);
	case S_DISK:
		return set_list(&c->disks, k->name, v, e);
	case S_VIF:
		return set_list(&c->nics, k->name, v, e);
	default:
		snprintf(why, n, "internal error: key %s", k->name);
		return -EINVAL;
	}
}

static int on_setting(void *opaque, const char *name,
		      const struct cfg_value *v, struct cfg_error *e)
{
	struct parse *ps = opaque;
	const struct key *k = NULL;
	unsigned int i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && !k; i++)
		if (!strcmp(name, keys[i].name))
			k = &keys[i];
	if (!k) {
		snprintf(e->reason, sizeof(e->reason), "unknown key '%.64s'",
			 name);
		return -EINVAL;
	}
	if (ps->line[k->slot] && ps->as[k->slot] == k->name) {
		snprintf(e->reason, sizeof(e->reason), "'%s' set again (first "
			 "on line %u)", k->name, ps->line[k->slot]);
		return -EINVAL;
	}
	if (ps->line[k->slot]) {
		snprintf(e->reason, sizeof(e->reason),
			 "'%s' and '%s' (line %u) are the same key", k->name,
			 ps->as[k->slot], ps->line[k->slot]);
		return -EINVAL;
	}
	if (v->type != k->type) {
		snprintf(e->reason, sizeof(e->reason),
			 "'%s' must be %s, not %s", k->name,
			 type_name(k->type), type_name(v->type));
		return -EINVAL;
	}
	ps->line[k->slot] = e->line;
	ps->as[k->slot] = k->name;
	return set(ps->c, k, v, e);
}

int domain_config_parse(struct domain_config *c, const char *buf, size_t len,
			const char *file, char *err, size_t errlen)
{
	struct parse ps = { .c = c };
	int ret;

	domain_config_init(c);
	ret = cfg_parse(buf, len, file, on_setting, &ps, err, errlen);
	if (!ret && !ps.line[S_NAME]) {
		cfg_errorf(err, errlen, file, 0, "no 'name' (required)");
		ret = -EINVAL;
	}
	if (!ret && !ps.line[S_KERNEL]) {
		cfg_errorf(err, errlen, file, 0, "no 'kernel' (required)");
		ret = -EINVAL;
	}
	if (ret)
		domain_config_free(c);
	return ret;
}

int domain_config_read(struct domain_config *c, const char *path, char *err,
		       size_t errlen)
{
	char *buf = NULL;
	struct stat st;
	size_t len = 0;
	ssize_t got;
	int fd, ret;

	domain_config_init(c);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: fstat: %s", path, strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		ret = -EINVAL;
		goto out;
	}
	if (st.st_size > CFG_FILE_MAX) {
		snprintf(err, errlen, "%s: %lld bytes, more than %d", path,
			 (long long)st.st_size, CFG_FILE_MAX);
		ret = -EINVAL;
		goto out;
	}
	/* One byte more than allowed, so that a file that grew is seen. */
	buf = malloc(CFG_FILE_MAX + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		ret = -ENOMEM;
		goto out;
	}
	while (len < CFG_FILE_MAX + 1) {
		got = read(fd, buf + len, CFG_FILE_MAX + 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: read: %s", path,
				 strerror(-ret));
			goto out;
		}
		if (!got)
			break;
		len += (size_t)got;
	}
	ret = domain_config_parse(c, buf, len, path, err, errlen);
out:
	free(buf);
	close(fd);
	return ret;
}
