// SPDX-License-Identifier: MIT
/*
 * A domain config in canonical form (docs/config.md, "Canonical form"):
 * every key in the table's order, defaults written out, strings in the
 * quotes that need fewer escapes, one list entry per line. With at most
 * DOMAIN_CONFIG_STRING_MAX bytes a string, every line stays under
 * CFG_LINE_MAX and the file under CFG_FILE_MAX, so what is written always
 * parses back to the same struct.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "atomic_file.h"
#include "domain_config.h"

static void put_string(FILE *f, const char *s)
{
	size_t dq = 0, sq = 0;
	const char *p;
	char quote;

	for (p = s; *p; p++) {
		dq += *p == '"';
		sq += *p == '\'';
	}
	quote = sq < dq ? '\'' : '"';
	fputc(quote, f);
	for (p = s; *p; p++) {
		if (*p == quote || *p == '\\')
			fputc('\\', f);
		fputc(*p, f);
	}
	fputc(quote, f);
}

static void put_key_string(FILE *f, const char *key, const char *s)
{
	fprintf(f, "%s = ", key);
	put_string(f, s);
	fputc('\n', f);
}

static void put_list(FILE *f, const char *key,
		     const struct domain_config_list *l)
{
	unsigned int i;

	if (!l->n)
		return;
	fprintf(f, "%s = [\n", key);
	for (i = 0; i < l->n; i++) {
		fputc('\t', f);
		put_string(f, l->v[i]);
		fputs(",\n", f);
	}
	fputs("]\n", f);
}

int domain_config_format(const struct domain_config *c, char **text,
			 size_t *len, char *err, size_t errlen)
{
	char uuid[37];
	FILE *f;
	int ret;

	*text = NULL;
	*len = 0;
	ret = domain_config_check(c, err, errlen);
	if (ret)
		return ret;
	f = open_memstream(text, len);
	if (!f)
		goto nomem;
	fputs("# hv domain config, canonical form (docs/config.md)\n", f);
	put_key_string(f, "name", c->name);
	if (c->has_uuid) {
		uuid_unparse_lower(c->uuid, uuid);
		put_key_string(f, "uuid", uuid);
	}
	fprintf(f, "vcpus = %u\nmemory = %u\n", c->vcpus, c->memory_mib);
	put_key_string(f, "kernel", c->kernel);
	if (c->initrd)
		put_key_string(f, "initrd", c->initrd);
	if (c->cmdline && *c->cmdline)
		put_key_string(f, "cmdline", c->cmdline);
	put_key_string(f, "on_poweroff", domain_action_name(c->on_poweroff));
	put_key_string(f, "on_reboot", domain_action_name(c->on_reboot));
	put_key_string(f, "on_crash", domain_action_name(c->on_crash));
	put_list(f, "disk", &c->disks);
	put_list(f, "vif", &c->nics);
	if (ferror(f)) {
		fclose(f);
		goto nomem;
	}
	if (fclose(f))
		goto nomem;
	return 0;
nomem:
	free(*text);
	*text = NULL;
	*len = 0;
	snprintf(err, errlen, "domain config: out of memory");
	return -ENOMEM;
}

/* The canonical form to @path atomically, or else to @fd. */
static int write_canonical(const struct domain_config *c, int fd,
			   const char *path, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int ret;

	ret = domain_config_format(c, &text, &len, err, errlen);
	if (ret)
		return ret;
	if (path) {
		ret = atomic_file_write(path, text, len, 0600, err, errlen);
	} else {
		ret = write_full(fd, text, len);
		if (ret)
			snprintf(err, errlen, "domain config %s: write to fd "
				 "%d: %s", c->name, fd, strerror(-ret));
	}
	free(text);
	return ret;
}

int domain_config_write_fd(const struct domain_config *c, int fd,
			   char *err, size_t errlen)
{
	return write_canonical(c, fd, NULL, err, errlen);
}

int domain_config_write(const struct domain_config *c, const char *path,
			char *err, size_t errlen)
{
	return write_canonical(c, -1, path, err, errlen);
}
