#include "dt.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

struct fdt_header {
	u32 magic;
	u32 totalsize;
	u32 off_dt_struct;
	u32 off_dt_strings;
	u32 off_mem_rsvmap;
	u32 version;
	u32 last_comp_version;
	u32 boot_cpuid_phys;
	u32 size_dt_strings;
	u32 size_dt_struct;
};

static u32 be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static u32 hdr(const void *fdt, size_t field)
{
	return be32((const u8 *)fdt + field);
}

#define HDR(fdt, f) hdr(fdt, offsetof(struct fdt_header, f))

u64 dt_cells(const void *p, int count)
{
	u64 v = 0;

	for (int i = 0; i < count; i++)
		v = v << 32 | be32((const u8 *)p + 4 * i);
	return v;
}

int dt_check(const void *fdt)
{
	if (!fdt || ((uintptr_t)fdt & 3))
		return -1;
	if (HDR(fdt, magic) != FDT_MAGIC || HDR(fdt, version) < 16)
		return -1;
	return 0;
}

u32 dt_total_size(const void *fdt)
{
	return HDR(fdt, totalsize);
}

static const u8 *sblock(const void *fdt)
{
	return (const u8 *)fdt + HDR(fdt, off_dt_struct);
}

static u32 tok(const void *fdt, int off)
{
	return be32(sblock(fdt) + off);
}

/* Offset of the token after the one at off. */
static int tok_next(const void *fdt, int off)
{
	const u8 *s = sblock(fdt);

	switch (tok(fdt, off)) {
	case FDT_BEGIN_NODE:
		off += 4;
		off += (int)strlen((const char *)s + off) + 1;
		return (int)ALIGN_UP((unsigned)off, 4);
	case FDT_PROP:
		return (int)ALIGN_UP((unsigned)off + 12 + be32(s + off + 4), 4);
	case FDT_END_NODE:
	case FDT_NOP:
		return off + 4;
	default:
		return -1;
	}
}

/* Offset just past the FDT_END_NODE that closes the node at off. */
static int node_end(const void *fdt, int off)
{
	int depth = 0;

	do {
		u32 t = tok(fdt, off);

		if (t == FDT_BEGIN_NODE)
			depth++;
		else if (t == FDT_END_NODE)
			depth--;
		else if (t != FDT_PROP && t != FDT_NOP)
			return -1;
		off = tok_next(fdt, off);
	} while (depth > 0 && off >= 0);
	return off;
}

const char *dt_name(const void *fdt, int node)
{
	return (const char *)sblock(fdt) + node + 4;
}

/* First token after the node's properties: a child or FDT_END_NODE. */
static int skip_props(const void *fdt, int off)
{
	off = tok_next(fdt, off);
	while (off >= 0 && (tok(fdt, off) == FDT_PROP || tok(fdt, off) == FDT_NOP))
		off = tok_next(fdt, off);
	return off;
}

int dt_first_child(const void *fdt, int node)
{
	int off = skip_props(fdt, node);

	return off >= 0 && tok(fdt, off) == FDT_BEGIN_NODE ? off : -1;
}

int dt_next_sibling(const void *fdt, int node)
{
	int off = node_end(fdt, node);

	while (off >= 0 && tok(fdt, off) == FDT_NOP)
		off += 4;
	return off >= 0 && tok(fdt, off) == FDT_BEGIN_NODE ? off : -1;
}

const void *dt_prop(const void *fdt, int node, const char *name, int *len)
{
	const char *strs = (const char *)fdt + HDR(fdt, off_dt_strings);
	const u8 *s = sblock(fdt);
	int off = tok_next(fdt, node);

	while (off >= 0) {
		u32 t = tok(fdt, off);

		if (t == FDT_PROP) {
			if (!strcmp(strs + be32(s + off + 8), name)) {
				if (len)
					*len = (int)be32(s + off + 4);
				return s + off + 12;
			}
		} else if (t != FDT_NOP) {
			break;
		}
		off = tok_next(fdt, off);
	}
	return NULL;
}

static int name_matches(const char *node, const char *comp, size_t n)
{
	if (strncmp(node, comp, n))
		return 0;
	/* "memory" also matches "memory@80000000" */
	return node[n] == '\0' || node[n] == '@';
}

int dt_path(const void *fdt, const char *path)
{
	int node = 0;

	if (dt_check(fdt) || tok(fdt, 0) != FDT_BEGIN_NODE || path[0] != '/')
		return -1;
	while (*path) {
		const char *comp;
		size_t n;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		comp = path;
		while (*path && *path != '/')
			path++;
		n = (size_t)(path - comp);
		for (node = dt_first_child(fdt, node); node >= 0;
		     node = dt_next_sibling(fdt, node))
			if (name_matches(dt_name(fdt, node), comp, n))
				break;
		if (node < 0)
			return -1;
	}
	return node;
}
