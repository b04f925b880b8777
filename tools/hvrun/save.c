// SPDX-License-Identifier: MIT
/*
 * hvrun --save-to / --restore: one machine, one stream channel, one file.
 * Save writes only populated pages (the memfd's holes are never read:
 * SEEK_DATA/SEEK_HOLE), then the vCPU and device state, then END with the
 * manifest; restore applies the stream to a new, incoming machine and
 * only hands it back when END's manifest matched guest RAM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "save.h"
#include "save_file.h"
#include "hv/machine_state.h"
#include "domain/state_pb.h"

static int write_state(struct stream_writer *w, struct hv_machine *m)
{
	struct hv_machine_state *st = malloc(sizeof(*st));
	uint8_t *buf = NULL;
	size_t len;
	int ret;

	if (!st)
		return -ENOMEM;
	ret = hv_machine_save_state(m, st);
	for (unsigned h = 0; !ret && h < st->nr_vcpus; h++) {
		ret = state_pb_pack_vcpu(&st->vcpu[h], h, &buf, &len);
		if (!ret)
			ret = stream_write_state(w, STATE_VCPU, h, buf, len);
		free(buf);
		buf = NULL;
	}
	if (!ret)
		ret = state_pb_pack_devices(st, &buf, &len);
	if (!ret)
		ret = stream_write_state(w, STATE_DEVICES, 0, buf, len);
	free(buf);
	free(st);
	return ret;
}

int hvrun_save(struct hv_machine *m, const struct hv_machine_config *cfg,
	       const char *path, const struct hv_log *log)
{
	struct stream_writer_config wc = { 0 };
	struct stream_writer *w = NULL;
	struct stream_io_fd io;
	uint64_t base, size;
	uint8_t *conf = NULL;
	size_t conf_len;
	int fd, ret, ram_fd;

	fd = save_file_create(path, log);
	if (fd < 0)
		return fd;
	hv_machine_ram_layout(m, &base, &size);
	ram_fd = hv_machine_ram_fd(m);
	wc.ram_fd = &ram_fd;
	stream_io_fd_init(&io, fd);
	wc.io = &io.io;
	wc.ram = hv_machine_ram(m);
	wc.nr_pages = size >> 12;
	wc.nr_channels = 1;
	ret = stream_writer_create(&w, &wc);
	if (!ret)
		ret = state_pb_pack_config(cfg, NULL, NULL, &conf,
					   &conf_len);
	if (!ret)
		ret = stream_write_header(w, conf, conf_len);
	if (!ret)
		ret = stream_write_populated(w, ram_fd, wc.nr_pages);
	if (!ret)
		ret = stream_write_sync(w);
	if (!ret)
		ret = write_state(w, m);
	if (!ret)
		ret = stream_write_end(w, NULL);
	ret = save_file_close(fd, path, ret, log);
	free(conf);
	stream_writer_destroy(w);
	return ret;
}

struct hvrun_restored {
	const struct hv_log *log;
	struct hv_machine_config tmpl;
	struct hv_machine_config cfg;
	struct state_pb_strings strings;
	struct hv_machine *m;
	struct hv_machine_state *st;
	bool *vcpu_seen;
	bool devices_seen;
};

static int on_config(void *opaque, const void *buf, size_t len)
{
	struct hvrun_restored *r = opaque;
	int ret;

	ret = state_pb_unpack_config(buf, len, &r->cfg, &r->strings, r->log);
	if (ret)
		return ret;
	r->cfg.console_write = r->tmpl.console_write;
	r->cfg.console_opaque = r->tmpl.console_opaque;
	r->cfg.incoming = true;
	ret = hv_machine_create(&r->m, &r->cfg, r->log);
	if (ret)
		return ret;
	r->vcpu_seen = calloc(r->cfg.vcpus, sizeof(bool));
	return r->vcpu_seen ? 0 : -ENOMEM;
}

static int map_ram(void *opaque, void **base, uint64_t *size)
{
	struct hvrun_restored *r = opaque;
	uint64_t pa;

	if (!r->m)
		return -EPROTO;
	*base = hv_machine_ram(r->m);
	hv_machine_ram_layout(r->m, &pa, size);
	return 0;
}

static int on_state(void *opaque, uint32_t type, uint32_t instance,
		    const void *buf, size_t len)
{
	struct hvrun_restored *r = opaque;
	unsigned hart;
	int ret;

	if (!r->m)
		return -EPROTO;
	if (type == STATE_VCPU) {
		if (instance >= r->cfg.vcpus || r->vcpu_seen[instance]) {
			log_err(r->log, "restore: vCPU state %u %s", instance,
				instance >= r->cfg.vcpus ? "out of range"
							 : "twice");
			return -EINVAL;
		}
		ret = state_pb_unpack_vcpu(buf, len, &r->st->vcpu[instance],
					   &hart, r->log);
		if (!ret && hart != instance)
			ret = -EINVAL;
		r->vcpu_seen[instance] = true;
		return ret;
	}
	if (type == STATE_DEVICES && !r->devices_seen) {
		r->devices_seen = true;
		return state_pb_unpack_devices(buf, len, r->st, r->log);
	}
	log_err(r->log, "restore: unexpected state record type %u", type);
	return -EINVAL;
}

static int on_end(void *opaque, const struct stream_manifest *m)
{
	struct hvrun_restored *r = opaque;

	(void)m;
	if (!r->devices_seen)
		return -ENODATA;
	for (unsigned h = 0; h < r->cfg.vcpus; h++)
		if (!r->vcpu_seen[h])
			return -ENODATA;
	return 0;
}

static int restore_ram_fd(void *opaque)
{
	struct hvrun_restored *r = opaque;

	return r->m ? hv_machine_ram_fd(r->m) : -1;
}

static const struct stream_sink_ops restore_ops = {
	.ram_fd = restore_ram_fd,
	.on_config = on_config,
	.map_guest_ram = map_ram,
	.on_state = on_state,
	.on_end = on_end,
};

void hvrun_restore_free(struct hvrun_restored *r)
{
	if (!r)
		return;
	state_pb_config_free(&r->strings);
	free(r->vcpu_seen);
	free(r->st);
	free(r);
}

const struct hv_machine_config *hvrun_restored_config(
	const struct hvrun_restored *r)
{
	return &r->cfg;
}

int hvrun_restore(const char *path, const struct hv_machine_config *tmpl,
		  struct hv_machine **out, struct hvrun_restored **ctx,
		  const struct hv_log *log)
{
	struct hvrun_restored *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	r->log = log;
	r->tmpl = *tmpl;
	r->st = calloc(1, sizeof(*r->st));
	if (!r->st) {
		ret = -ENOMEM;
		goto out;
	}
	ret = save_file_read(path, &restore_ops, r, log);
	if (ret)
		goto out;
	r->st->nr_vcpus = r->cfg.vcpus;
	ret = hv_machine_restore_state(r->m, r->st);
	if (ret) {
		log_err(log, "restore: %s: the saved state does not fit this "
			"machine: %s", path, strerror(-ret));
		goto out;
	}
	*out = r->m;
	r->m = NULL;
	*ctx = r;
	r = NULL;
out:
	if (r) {
		hv_machine_destroy(r->m);
		hvrun_restore_free(r);
	}
	return ret;
}
