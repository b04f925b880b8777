// SPDX-License-Identifier: MIT
/*
 * A domain's guest RAM in dom0: the memfd domctl hands over, mapped
 * shared so that what dom0 reads is the guest's memory and what it
 * writes lands there (and must then be marked, docs/domctl.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "domain_ram.h"
#include "proto/state.pb-c.h"
#include "stream.h"

int domain_call_failed(struct domctl *d, const char *what, const char *path,
		       const char *step, int ret, const struct hv_log *log)
{
	const char *why = domctl_error(d);

	log_err(log, "%s: %s: %s: %s", what, path, step,
		*why ? why : strerror(-ret));
	return ret;
}

int domain_ram_map(struct domctl *d, bool writable, struct domain_ram *r,
		   const char *what, const char *path,
		   const struct hv_log *log)
{
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	int ret;

	ret = domctl_get_memory(d, &r->mem);
	if (ret)
		return domain_call_failed(d, what, path, "get memory", ret,
					  log);
	if (r->mem.page_size != DOMCTL_PAGE_SIZE || !r->mem.nr_pages) {
		log_err(log, "%s: %s: guest RAM of %llu pages of %u bytes; "
			"the stream carries %u-byte pages", what, path,
			(unsigned long long)r->mem.nr_pages, r->mem.page_size,
			DOMCTL_PAGE_SIZE);
		return -EOPNOTSUPP;
	}
	r->len = r->mem.nr_pages * DOMCTL_PAGE_SIZE;
	r->base = mmap(NULL, r->len, prot, MAP_SHARED, r->mem.fd, 0);
	if (r->base == MAP_FAILED) {
		r->base = NULL;
		ret = -errno;
		log_err(log, "%s: %s: mapping %zu bytes of guest RAM: %s",
			what, path, r->len, strerror(-ret));
	}
	return ret;
}

void domain_ram_unmap(struct domain_ram *r)
{
	if (r->base)
		munmap(r->base, r->len);
	if (r->mem.fd >= 0)
		close(r->mem.fd);
	r->base = NULL;
	r->mem.fd = -1;
}

int domain_get_config(struct domctl *d, uint8_t **buf, size_t *len,
		      uint32_t *vcpus, const char *what, const char *path,
		      const struct hv_log *log)
{
	Hv__DomainConfig *c;
	int ret;

	ret = domctl_get_config(d, buf, len);
	if (ret)
		return domain_call_failed(d, what, path, "get config", ret,
					  log);
	c = hv__domain_config__unpack(NULL, *len, *buf);
	if (!c) {
		log_err(log, "%s: %s: the domain's config is not a "
			"DomainConfig message", what, path);
		ret = -EBADMSG;
		goto out_free;
	}
	*vcpus = c->vcpus;
	hv__domain_config__free_unpacked(c, NULL);
	if (*vcpus)
		return 0;
	log_err(log, "%s: %s: the domain's config has no vCPUs", what, path);
	ret = -EINVAL;
out_free:
	free(*buf);
	*buf = NULL;
	return ret;
}

int domain_config_override(uint8_t **buf, size_t *len,
			   const Hv__DomainConfig *full, const char *what,
			   const char *path, const struct hv_log *log)
{
	Hv__DomainConfig *c = hv__domain_config__unpack(NULL, *len, *buf);
	uint8_t *packed;
	size_t n;

	if (!c) {
		log_err(log, "%s: %s: the domain's config is not a "
			"DomainConfig message", what, path);
		return -EBADMSG;
	}
	if (c->vcpus != full->vcpus || c->memory_bytes != full->memory_bytes ||
	    (c->uuid.len == 16 && (full->uuid.len != 16 ||
				   memcmp(c->uuid.data, full->uuid.data,
					  16)))) {
		log_err(log, "%s: %s: dom0's config (%u vCPUs, %llu MiB) is "
			"not the domain's (%u vCPUs, %llu MiB) or names "
			"another UUID", what, path, full->vcpus,
			(unsigned long long)(full->memory_bytes >> 20),
			c->vcpus, (unsigned long long)(c->memory_bytes >> 20));
		hv__domain_config__free_unpacked(c, NULL);
		return -EINVAL;
	}
	hv__domain_config__free_unpacked(c, NULL);
	n = hv__domain_config__get_packed_size(full);
	packed = malloc(n ? n : 1);
	if (!packed) {
		log_err(log, "%s: %s: out of memory", what, path);
		return -ENOMEM;
	}
	hv__domain_config__pack(full, packed);
	free(*buf);
	*buf = packed;
	*len = n;
	return 0;
}

int domain_write_state(struct domctl *d, struct stream_writer *w,
		       uint32_t vcpus, const char *what, const char *path,
		       const struct hv_log *log)
{
	char step[48];
	uint8_t *buf;
	size_t len;
	int ret = 0;

	for (uint32_t v = 0; !ret && v < vcpus; v++) {
		ret = domctl_get_vcpu_context(d, v, &buf, &len);
		if (ret) {
			snprintf(step, sizeof(step), "get vCPU %u context", v);
			return domain_call_failed(d, what, path, step, ret,
						  log);
		}
		ret = stream_write_state(w, STATE_VCPU, v, buf, len);
		free(buf);
	}
	if (ret)
		return ret;
	ret = domctl_save_devices(d, &buf, &len);
	if (ret)
		return domain_call_failed(d, what, path, "save devices", ret,
					  log);
	ret = stream_write_state(w, STATE_DEVICES, 0, buf, len);
	free(buf);
	return ret;
}

#define MARK_CHUNK	1024	/* ranges per mark request (~20 KiB) */

/* Collects the runs the pages went to, and marks them in chunks. */
struct marking {
	struct domctl *d;
	struct domctl_pfn_range ranges[MARK_CHUNK];
	size_t n;
};

static int mark_flush(struct marking *m)
{
	int ret = 0;

	if (m->n)
		ret = domctl_log_dirty_mark(m->d, m->ranges, m->n);
	m->n = 0;
	return ret;
}

static int mark_run(void *opaque, uint64_t first, uint64_t end)
{
	struct marking *m = opaque;

	m->ranges[m->n].first = first;
	m->ranges[m->n].count = end - first;
	return ++m->n == MARK_CHUNK ? mark_flush(m) : 0;
}

int domain_mark_populated(struct domctl *d, const struct domain_ram *r)
{
	struct marking *m = calloc(1, sizeof(*m));
	int ret;

	if (!m)
		return -ENOMEM;
	m->d = d;
	ret = stream_for_each_data(r->mem.fd, r->mem.nr_pages, mark_run, m);
	if (!ret)
		ret = mark_flush(m);
	free(m);
	return ret;
}
