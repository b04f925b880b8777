// SPDX-License-Identifier: MIT
/* A listening UNIX SOCK_SEQPACKET socket by path (listen.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "listen.h"

int seqpacket_listen(const char *path, mode_t umask_bits, int backlog,
		     char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const int type = SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK;
	mode_t old;
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: path too long (at most %zu bytes)",
			 path, sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, type, 0);
	if (fd < 0)
		goto fail_errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		snprintf(err, errlen, "%s: another server is listening there",
			 path);
		close(fd);
		return -EADDRINUSE;
	}
	if (errno == ECONNREFUSED) {
		struct stat st;

		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(path);	/* stale */
	}
	close(fd);
	fd = socket(AF_UNIX, type, 0);
	if (fd < 0)
		goto fail_errno;
	old = umask(umask_bits);
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old);
	if (!ret && listen(fd, backlog) < 0)
		ret = -errno;
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		close(fd);
		return ret;
	}
	return fd;

fail_errno:
	ret = -errno;
	snprintf(err, errlen, "%s: socket: %s", path, strerror(-ret));
	return ret;
}
