// SPDX-License-Identifier: MIT
/*
 * Save files: creating one, finishing it (fsync, or removing what could
 * not be completed), and reading one through a sink.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "save_file.h"
#include "progress_io.h"

int save_file_create(const char *path, const struct hv_log *log)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0) {
		fd = -errno;
		log_err(log, "save: %s: %s", path, strerror(-fd));
	}
	return fd;
}

int save_file_close(int fd, const char *path, int ret,
		    const struct hv_log *log)
{
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (ret) {
		log_err(log, "save: %s: %s", path, strerror(-ret));
		unlink(path);
	}
	return ret;
}

int save_file_read(const char *path, const struct stream_sink_ops *ops,
		   void *opaque, const struct hv_log *log)
{
	return save_file_read_progress(path, ops, opaque, NULL, log);
}

int save_file_read_progress(const char *path,
			    const struct stream_sink_ops *ops, void *opaque,
			    const struct domain_progress *p,
			    const struct hv_log *log)
{
	struct stream_reader *rd = NULL;
	struct stream_io_fd io;
	struct progress_io pio;
	struct stat sb;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		log_err(log, "restore: %s: %s", path, strerror(-ret));
		return ret;
	}
	stream_io_fd_init(&io, fd);
	progress_io_init(&pio, &io.io, p,
			 fstat(fd, &sb) == 0 ? (uint64_t)sb.st_size : 0);
	pio.phase = "restoring";
	progress_io_report(&pio);
	ret = stream_reader_create(&rd, &pio.io, ops, opaque);
	if (!ret)
		ret = stream_read(rd);
	if (!ret)
		progress_io_report(&pio);
	if (ret)
		log_err(log, "restore: %s: %s", path,
			rd && *stream_reader_error(rd) ?
			stream_reader_error(rd) : strerror(-ret));
	stream_reader_destroy(rd);
	close(fd);
	return ret;
}
