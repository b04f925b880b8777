// SPDX-License-Identifier: MIT
/*
 * Files written whole (atomic_file.h): write, fsync, rename, fsync the
 * directory, the order that makes a replaced file survive a crash as
 * either the old or the new one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "atomic_file.h"

int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The directory @path is in, for its fsync: a copy to free. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static int sync_dir(const char *path, const char **what)
{
	char *dir = dir_of(path);
	int fd, ret = 0;

	*what = "fsync of its directory";
	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(dir);
	return ret;
}

int atomic_file_write(const char *path, const void *buf, size_t len,
		      mode_t mode, char *err, size_t errlen)
{
	const char *what = "temporary file";
	char *tmp = NULL;
	int fd = -1, ret;

	if (asprintf(&tmp, "%s.tmp-XXXXXX", path) < 0) {
		tmp = NULL;
		ret = -ENOMEM;
		goto fail;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		free(tmp);
		tmp = NULL;	/* nothing to remove */
		goto fail;
	}
	what = "chmod";
	if (fchmod(fd, mode) < 0)
		goto fail_errno;
	what = "write";
	ret = write_full(fd, buf, len);
	if (ret)
		goto fail;
	what = "fsync";
	if (fsync(fd) < 0)
		goto fail_errno;
	what = "close";
	ret = close(fd);
	fd = -1;
	if (ret < 0)
		goto fail_errno;
	what = "rename";
	if (rename(tmp, path) < 0)
		goto fail_errno;
	free(tmp);
	tmp = NULL;
	ret = sync_dir(path, &what);
	if (ret)
		goto fail;
	return 0;
fail_errno:
	ret = -errno;
fail:
	snprintf(err, errlen, "%s: %s: %s", path, what, strerror(-ret));
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	return ret;
}
