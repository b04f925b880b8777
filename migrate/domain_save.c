// SPDX-License-Identifier: MIT
/*
 * Save of a domain through domctl: pause it, map its RAM memfd read-only
 * and write the record stream to a file (populated pages only, the vCPU
 * and device state as domctl hands them over, END with the manifest).
 * A save that fails leaves no file and the guest as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "domain_save.h"
#include "domain_ram.h"
#include "save_file.h"
#include "progress_io.h"
#include "stream_format.h"

/* The domain being saved: its config and its RAM. */
struct saving {
	struct domctl *d;
	const char *path;
	const struct hv_log *log;
	const struct domain_progress *progress;	/* NULL: none */
	const Hv__DomainConfig *config;		/* NULL: hvdomain's */
	uint8_t *conf;
	size_t conf_len;
	uint32_t vcpus;
	struct domain_ram ram;
};

static int failed(struct saving *s, const char *step, int ret)
{
	return domain_call_failed(s->d, "save", s->path, step, ret, s->log);
}

static int count_run(void *opaque, uint64_t first, uint64_t end)
{
	*(uint64_t *)opaque += end - first;
	return 0;
}

/* The stream, onto fd, from the paused domain. */
static int write_stream(struct saving *s, int fd)
{
	struct stream_writer_config wc = { 0 };
	struct stream_writer *w = NULL;
	struct stream_io_fd io;
	struct progress_io pio;
	uint64_t pages = 0;
	int ret;

	ret = domain_get_config(s->d, &s->conf, &s->conf_len, &s->vcpus,
				"save", s->path, s->log);
	if (!ret && s->config)
		ret = domain_config_override(&s->conf, &s->conf_len,
					     s->config, "save", s->path,
					     s->log);
	if (!ret)
		ret = domain_ram_map(s->d, false, &s->ram, "save", s->path,
				     s->log);
	if (ret)
		return ret;
	/* the total: the populated pages (the state is small beside them) */
	ret = stream_for_each_data(s->ram.mem.fd, s->ram.mem.nr_pages,
				   count_run, &pages);
	if (ret)
		return ret;
	stream_io_fd_init(&io, fd);
	progress_io_init(&pio, &io.io, s->progress, pages * STREAM_PAGE_SIZE);
	pio.phase = "saving memory";
	progress_io_report(&pio);
	wc.io = &pio.io;
	wc.ram = s->ram.base;
	wc.nr_pages = s->ram.mem.nr_pages;
	wc.ram_fd = &s->ram.mem.fd;
	wc.nr_channels = 1;
	if (getrandom(&wc.stream_id, sizeof(wc.stream_id), 0) < 0)
		wc.stream_id = 0;	/* only weakens splice detection */
	ret = stream_writer_create(&w, &wc);
	if (!ret)
		ret = stream_write_header(w, s->conf, s->conf_len);
	if (!ret)
		ret = stream_write_populated(w, s->ram.mem.fd, wc.nr_pages);
	if (!ret)
		ret = stream_write_sync(w);
	if (!ret) {
		pio.phase = "saving state";
		progress_io_report(&pio);
		ret = domain_write_state(s->d, w, s->vcpus, "save", s->path,
					 s->log);
	}
	if (!ret)
		ret = stream_write_end(w, NULL);
	if (!ret) {
		pio.done = pio.total;
		progress_io_report(&pio);
	}
	stream_writer_destroy(w);
	return ret;
}

/* Only a domain with a guest in it and no vCPU dead can be saved. */
static bool saveable(enum domctl_state state)
{
	return state == DOMCTL_STATE_RUNNING ||
	       state == DOMCTL_STATE_PAUSED || state == DOMCTL_STATE_CREATED;
}

int domain_save(struct domctl *d, const char *path, bool keep_running,
		const struct hv_log *log)
{
	return domain_save_progress(d, path, keep_running, NULL, NULL, log);
}

int domain_save_progress(struct domctl *d, const char *path,
			 bool keep_running, const Hv__DomainConfig *config,
			 const struct domain_progress *p,
			 const struct hv_log *log)
{
	struct saving s = { .d = d, .path = path, .log = log, .progress = p,
			    .config = config, .ram = DOMAIN_RAM_INIT };
	struct domctl_status st;
	bool was_running;
	int fd, ret, ret2;

	ret = domctl_get_state(d, &st);
	if (ret)
		return failed(&s, "get state", ret);
	if (!saveable(st.state)) {
		log_err(log, "save: %s: the domain is %s; only a running, "
			"paused or created one can be saved", path,
			domctl_state_name(st.state));
		return -EINVAL;
	}
	was_running = st.state == DOMCTL_STATE_RUNNING;
	fd = save_file_create(path, log);
	if (fd < 0)
		return fd;
	ret = domctl_pause(d, NULL);
	if (ret)
		failed(&s, "pause", ret);
	else
		ret = write_stream(&s, fd);
	ret = save_file_close(fd, path, ret, log);
	domain_ram_unmap(&s.ram);
	free(s.conf);
	if (was_running && (ret || keep_running)) {
		ret2 = domctl_unpause(d, NULL);
		if (ret2) {
			failed(&s, "unpause after the save", ret2);
			ret = ret ? ret : ret2;
		}
	}
	return ret;
}
