// SPDX-License-Identifier: MIT
/*
 * /etc/hv/hvd.conf (docs/hvd.md): hvd's options as `key = "value"` lines
 * in the syntax of domain configs (cfg_syntax.h). Options given on the
 * command line win over the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hvd.h"
#include "cfg_syntax.h"

struct conf_key {
	const char *key;
	size_t offset;		/* of a char * in struct hvd_conf */
};

static const struct conf_key keys[] = {
	{ "name", offsetof(struct hvd_conf, name) },
	{ "state_dir", offsetof(struct hvd_conf, state_dir) },
	{ "control", offsetof(struct hvd_conf, control) },
	{ "listen", offsetof(struct hvd_conf, listen) },
	{ "hvdomain", offsetof(struct hvd_conf, hvdomain) },
	{ "log_level", offsetof(struct hvd_conf, log_level) },
	{ "cluster_key", offsetof(struct hvd_conf, cluster_key) },
	{ "peer_timeout", offsetof(struct hvd_conf, peer_timeout) },
	{ "daemon", offsetof(struct hvd_conf, daemon) },
	{ "pid_file", offsetof(struct hvd_conf, pid_file) },
	{ "log", offsetof(struct hvd_conf, log) },
};

static int on_setting(void *opaque, const char *key,
		      const struct cfg_value *v, struct cfg_error *e)
{
	struct hvd_conf *c = opaque;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char **slot;

		if (strcmp(key, keys[i].key))
			continue;
		slot = (char **)((char *)c + keys[i].offset);
		if (*slot) {
			snprintf(e->reason, sizeof(e->reason), "'%s' given "
				 "twice", key);
			return -EINVAL;
		}
		if (v->type != CFG_STRING || !v->len) {
			snprintf(e->reason, sizeof(e->reason), "'%s' wants a "
				 "non-empty \"string\"", key);
			return -EINVAL;
		}
		*slot = strdup(v->str);
		return *slot ? 0 : -ENOMEM;
	}
	snprintf(e->reason, sizeof(e->reason), "unknown key '%s' (known: name, "
		 "state_dir, control, listen, hvdomain, log_level, cluster_key, "
		 "peer_timeout, daemon, pid_file, log)", key);
	return -EINVAL;
}

int hvd_conf_read(struct hvd_conf *c, const char *path, bool must_exist,
		  char *err, size_t errlen)
{
	char *buf = NULL;
	struct stat st;
	ssize_t n;
	int fd, ret;

	memset(c, 0, sizeof(*c));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !must_exist)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > CFG_FILE_MAX) {
		snprintf(err, errlen, "%s: not a regular file of at most %d "
			 "bytes", path, CFG_FILE_MAX);
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		snprintf(err, errlen, "%s: reading: %s", path,
			 buf ? strerror(errno) : "out of memory");
		free(buf);
		return -EIO;
	}
	ret = cfg_parse(buf, (size_t)n, path, on_setting, c, err, errlen);
	free(buf);
	if (ret)
		hvd_conf_free(c);
	return ret;
}

void hvd_conf_free(struct hvd_conf *c)
{
	free(c->name);
	free(c->state_dir);
	free(c->control);
	free(c->listen);
	free(c->hvdomain);
	free(c->log_level);
	free(c->cluster_key);
	free(c->peer_timeout);
	free(c->daemon);
	free(c->pid_file);
	free(c->log);
	memset(c, 0, sizeof(*c));
}
