/*
 * A minimal read-only flattened device tree walker: enough to find a node
 * by path, iterate its children and read properties. Offsets point at a
 * node's FDT_BEGIN_NODE token; negative values mean "not found".
 */
#ifndef BARE_DT_H
#define BARE_DT_H

#include "rt.h"

/* 0 when fdt has a valid header (magic, version >= 16), else -1. */
int dt_check(const void *fdt);
u32 dt_total_size(const void *fdt);
/* "/" is the root; components match with or without their @unit-address. */
int dt_path(const void *fdt, const char *path);
int dt_first_child(const void *fdt, int node);
int dt_next_sibling(const void *fdt, int node);
const char *dt_name(const void *fdt, int node);
const void *dt_prop(const void *fdt, int node, const char *name, int *len);
/* Big-endian cells at p, count cells (1 or 2) */
u64 dt_cells(const void *p, int count);

#endif
