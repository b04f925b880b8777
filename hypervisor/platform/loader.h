/* SPDX-License-Identifier: MIT */
/*
 * Loading the payload into guest RAM. Every length and offset read from a
 * file is validated; nothing is ever written outside guest RAM. Errors are
 * logged through @log with the file name and what is wrong, and returned
 * as a negative errno (-ENOEXEC malformed, -EFBIG does not fit in RAM,
 * -errno of the failed open/read).
 */
#ifndef HV_LOADER_H
#define HV_LOADER_H

#include <stdint.h>
#include "bus.h"
#include "hv/log.h"

#define KERNEL_LOAD_ADDR 0x80200000ULL

struct load_result {
	uint64_t entry;		/* where hart 0 starts, in S-mode */
	uint64_t start, end;	/* guest-physical range written [start, end) */
};

/*
 * The kernel: an ELF64 RISC-V executable (PT_LOAD segments by physical
 * address, which must all lie in RAM; entry from e_entry), or a flat Image
 * (Linux's RISC-V image header: magic "RSC\x05" at 0x38, image_size at
 * 0x10) or any other raw binary, both loaded at KERNEL_LOAD_ADDR with
 * entry there. For an Image, [start, end) covers image_size (its BSS).
 */
int loader_load_kernel(struct bus *bus, const char *path,
		       const struct hv_log *log, struct load_result *res)
	__attribute__((warn_unused_result));

/*
 * A file copied verbatim at the highest 4 KiB-aligned address such that it
 * ends at or below @limit and starts at or above @floor (-EFBIG if it
 * cannot). Used for the initrd (floor = kernel end, limit = where the DTB
 * goes).
 */
int loader_load_high(struct bus *bus, const char *path, uint64_t floor,
		     uint64_t limit, const struct hv_log *log,
		     struct load_result *res) __attribute__((warn_unused_result));

#endif
