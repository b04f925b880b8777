// SPDX-License-Identifier: MIT
/*
 * A domain's guest RAM in dom0: the memfd domctl hands over, mapped
 * shared so that what dom0 reads is the guest's memory and what it
 * writes lands there (and must then be marked, docs/domctl.md).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "domain_ram.h"

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
