/* SPDX-License-Identifier: MIT */
/*
 * The physical address space of a machine: guest RAM (one host mapping)
 * and a short table of MMIO devices. Built before the vCPUs start and
 * read-only afterwards, so vCPU threads use it without locks.
 */
#ifndef HV_BUS_H
#define HV_BUS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * One MMIO device. read/write are called from any vCPU thread (and from
 * the console thread for devices that take input), with @off relative to
 * the device's base and @size 1, 2, 4 or 8; the device does its own
 * locking. An access the device does not implement reads as 0 and ignores
 * writes (what QEMU's virt devices do), it is never a fault.
 */
struct mmio_ops {
	uint64_t (*read)(void *opaque, uint64_t off, unsigned size);
	void (*write)(void *opaque, uint64_t off, uint64_t val, unsigned size);
};

struct mmio_region {
	uint64_t base;
	uint64_t size;
	const struct mmio_ops *ops;
	void *opaque;		/* borrowed; owned by whoever added it */
	const char *name;	/* static string, for messages */
};

#define BUS_MAX_REGIONS 32

struct bus {
	uint8_t *ram;		/* host mapping of guest RAM; borrowed */
	uint64_t ram_base;	/* guest-physical address of ram[0] */
	uint64_t ram_size;
	unsigned nr_regions;
	struct mmio_region regions[BUS_MAX_REGIONS];
};

/* Adds a region; -ENOSPC when full, -EEXIST when it overlaps another. */
int bus_add_mmio(struct bus *bus, const struct mmio_region *r)
	__attribute__((warn_unused_result));

/* The region containing [pa, pa+size) or NULL (an access fault). */
const struct mmio_region *bus_find_mmio(const struct bus *bus, uint64_t pa,
					unsigned size);

static inline bool bus_is_ram(const struct bus *bus, uint64_t pa, uint64_t len)
{
	return pa >= bus->ram_base && len <= bus->ram_size &&
	       pa - bus->ram_base <= bus->ram_size - len;
}

#endif
