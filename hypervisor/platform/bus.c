// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stddef.h>
#include "bus.h"

int bus_add_mmio(struct bus *bus, const struct mmio_region *r)
{
	unsigned i;

	if (bus->nr_regions == BUS_MAX_REGIONS)
		return -ENOSPC;
	for (i = 0; i < bus->nr_regions; i++) {
		const struct mmio_region *o = &bus->regions[i];

		if (r->base < o->base + o->size && o->base < r->base + r->size)
			return -EEXIST;
	}
	bus->regions[bus->nr_regions++] = *r;
	return 0;
}

const struct mmio_region *bus_find_mmio(const struct bus *bus, uint64_t pa,
					unsigned size)
{
	unsigned i;

	for (i = 0; i < bus->nr_regions; i++) {
		const struct mmio_region *r = &bus->regions[i];

		if (pa >= r->base && pa - r->base + size <= r->size)
			return r;
	}
	return NULL;
}
