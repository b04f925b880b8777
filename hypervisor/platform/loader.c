// SPDX-License-Identifier: MIT
/*
 * Payload loading: ELF64 RISC-V executables, Linux RISC-V Images, raw
 * binaries, and files placed high in RAM (the initrd).
 *
 * Nothing read from a file is trusted. Headers are parsed field by field
 * from little-endian bytes (never by casting the file onto a struct), every
 * offset and length is checked against the file size and, with
 * bus_is_ram(), against guest RAM before a single byte is written, and
 * all the segments of an ELF are validated before the first is loaded, so
 * a rejected file leaves RAM untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "loader.h"

#define ELF_EHDR_SIZE	64
#define ELF_PHDR_SIZE	56
#define ELF_CLASS64	2
#define ELF_DATA2LSB	1
#define ELF_EV_CURRENT	1
#define ELF_ET_EXEC	2
#define ELF_ET_DYN	3
#define ELF_EM_RISCV	243
#define ELF_PT_LOAD	1
#define ELF_PN_XNUM	0xffff
#define LOADER_MAX_PHNUM 512

#define IMAGE_HDR_SIZE	64
#define IMAGE_MAGIC2_OFF 0x38

#define LOADER_PAGE	0x1000ULL

/* Largest single pread (Linux transfers at most ~2 GiB per call anyway). */
#define LOADER_CHUNK	(1U << 30)

static const uint8_t elf_magic[4] = { 0x7f, 'E', 'L', 'F' };
static const uint8_t image_magic2[4] = { 'R', 'S', 'C', 0x05 };

/* An open payload file, for messages and bounds. */
struct ld_file {
	int fd;
	const char *path;
	uint64_t size;
	const struct hv_log *log;
};

struct elf_phdr {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)get_le16(p) | (uint32_t)get_le16(p + 2) << 16;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/*
 * Reads exactly @len bytes at @off. The caller has checked that they lie
 * within the size fstat() gave, so running short means the file shrank
 * under us: -EIO.
 */
static int ld_read(const struct ld_file *f, void *buf, uint64_t len,
		   uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		size_t n = len > LOADER_CHUNK ? LOADER_CHUNK : (size_t)len;
		ssize_t r = pread(f->fd, p, n, (off_t)off);

		if (r < 0) {
			int ret = -errno;

			if (ret == -EINTR)
				continue;
			log_err(f->log, "%s: read failed at offset %llu: %s",
				f->path, (unsigned long long)off,
				strerror(-ret));
			return ret;
		}
		if (r == 0) {
			log_err(f->log, "%s: unexpected end of file at offset %llu (file changed while loading?)",
				f->path, (unsigned long long)off);
			return -EIO;
		}
		p += r;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	return 0;
}

/* Host pointer of guest-physical @pa; the caller checked bus_is_ram(). */
static uint8_t *ld_ram(struct bus *bus, uint64_t pa)
{
	return bus->ram + (pa - bus->ram_base);
}

/*
 * Copies [off, off + filesz) of the file to guest @pa and zeroes up to
 * @memsz. The caller has validated both ranges.
 */
static int ld_copy(const struct ld_file *f, struct bus *bus, uint64_t pa,
		   uint64_t off, uint64_t filesz, uint64_t memsz)
{
	int ret;

	ret = ld_read(f, ld_ram(bus, pa), filesz, off);
	if (ret)
		return ret;
	memset(ld_ram(bus, pa) + filesz, 0, memsz - filesz);
	return 0;
}

static int ld_open(struct ld_file *f, const char *path,
		   const struct hv_log *log)
{
	struct stat st;
	int ret;

	f->path = path;
	f->log = log;
	/* O_NONBLOCK: a FIFO must not hang us in open(); it is refused
	 * below as not a regular file. */
	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (f->fd < 0) {
		ret = -errno;
		log_err(log, "%s: cannot open: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(f->fd, &st) < 0) {
		ret = -errno;
		log_err(log, "%s: cannot stat: %s", path, strerror(-ret));
		goto out_close;
	}
	if (S_ISDIR(st.st_mode)) {
		log_err(log, "%s: is a directory", path);
		ret = -EISDIR;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		log_err(log, "%s: not a regular file", path);
		ret = -EINVAL;
		goto out_close;
	}
	if (st.st_size == 0) {
		log_err(log, "%s: empty file", path);
		ret = -ENOEXEC;
		goto out_close;
	}
	f->size = (uint64_t)st.st_size;
	return 0;

out_close:
	close(f->fd);
	f->fd = -1;
	return ret;
}

static void elf_parse_phdr(const uint8_t *p, struct elf_phdr *ph)
{
	ph->type = get_le32(p);
	ph->offset = get_le64(p + 8);
	ph->paddr = get_le64(p + 24);
	ph->filesz = get_le64(p + 32);
	ph->memsz = get_le64(p + 40);
}

/* Checks the ELF header; fills *phoff, *phnum and *entry. */
static int elf_check_ehdr(const struct ld_file *f, const uint8_t *eh,
			  uint64_t *phoff, unsigned *phnum, uint64_t *entry)
{
	uint16_t type = get_le16(eh + 16);
	uint16_t machine = get_le16(eh + 18);
	uint16_t phentsize = get_le16(eh + 54);
	uint64_t table;

	if (eh[4] != ELF_CLASS64) {
		log_err(f->log, "%s: not a 64-bit ELF (class %u)", f->path,
			eh[4]);
		return -ENOEXEC;
	}
	if (eh[5] != ELF_DATA2LSB) {
		log_err(f->log, "%s: not a little-endian ELF", f->path);
		return -ENOEXEC;
	}
	if (eh[6] != ELF_EV_CURRENT || get_le32(eh + 20) != ELF_EV_CURRENT) {
		log_err(f->log, "%s: unknown ELF version", f->path);
		return -ENOEXEC;
	}
	if (machine != ELF_EM_RISCV) {
		log_err(f->log, "%s: ELF machine %u is not RISC-V (%u)",
			f->path, machine, ELF_EM_RISCV);
		return -ENOEXEC;
	}
	if (type != ELF_ET_EXEC && type != ELF_ET_DYN) {
		log_err(f->log, "%s: ELF type %u is not an executable",
			f->path, type);
		return -ENOEXEC;
	}
	if (phentsize != ELF_PHDR_SIZE) {
		log_err(f->log, "%s: ELF program header size %u, expected %u",
			f->path, phentsize, ELF_PHDR_SIZE);
		return -ENOEXEC;
	}
	*phnum = get_le16(eh + 56);
	if (*phnum == 0 || *phnum == ELF_PN_XNUM ||
	    *phnum > LOADER_MAX_PHNUM) {
		log_err(f->log, "%s: ELF has %u program headers (1..%u supported)",
			f->path, *phnum, LOADER_MAX_PHNUM);
		return -ENOEXEC;
	}
	*phoff = get_le64(eh + 32);
	table = (uint64_t)*phnum * ELF_PHDR_SIZE;
	if (*phoff > f->size || table > f->size - *phoff) {
		log_err(f->log, "%s: ELF program headers at %#llx+%#llx lie past the end of the file (%llu bytes)",
			f->path, (unsigned long long)*phoff,
			(unsigned long long)table,
			(unsigned long long)f->size);
		return -ENOEXEC;
	}
	*entry = get_le64(eh + 24);
	return 0;
}

static int elf_check_load(const struct ld_file *f, const struct bus *bus,
			  unsigned i, const struct elf_phdr *ph)
{
	if (ph->filesz > ph->memsz) {
		log_err(f->log, "%s: segment %u: file size %#llx exceeds memory size %#llx",
			f->path, i, (unsigned long long)ph->filesz,
			(unsigned long long)ph->memsz);
		return -ENOEXEC;
	}
	if (ph->offset > f->size || ph->filesz > f->size - ph->offset) {
		log_err(f->log, "%s: segment %u: bytes %#llx+%#llx lie past the end of the file (%llu bytes)",
			f->path, i, (unsigned long long)ph->offset,
			(unsigned long long)ph->filesz,
			(unsigned long long)f->size);
		return -ENOEXEC;
	}
	if (!bus_is_ram(bus, ph->paddr, ph->memsz)) {
		log_err(f->log, "%s: segment %u: [%#llx, +%#llx) is outside guest RAM [%#llx, +%#llx)",
			f->path, i, (unsigned long long)ph->paddr,
			(unsigned long long)ph->memsz,
			(unsigned long long)bus->ram_base,
			(unsigned long long)bus->ram_size);
		return -EFBIG;
	}
	return 0;
}

static int load_elf(const struct ld_file *f, struct bus *bus,
		    struct load_result *res)
{
	uint8_t eh[ELF_EHDR_SIZE];
	struct elf_phdr *ph;
	uint8_t *table;
	uint64_t phoff, entry, start = UINT64_MAX, end = 0;
	unsigned phnum, i, nr_load = 0;
	int ret;

	if (f->size < ELF_EHDR_SIZE) {
		log_err(f->log, "%s: truncated ELF header (%llu of %u bytes)",
			f->path, (unsigned long long)f->size, ELF_EHDR_SIZE);
		return -ENOEXEC;
	}
	ret = ld_read(f, eh, ELF_EHDR_SIZE, 0);
	if (ret)
		return ret;
	ret = elf_check_ehdr(f, eh, &phoff, &phnum, &entry);
	if (ret)
		return ret;

	table = malloc((size_t)phnum * ELF_PHDR_SIZE);
	ph = calloc(phnum, sizeof(*ph));
	if (!table || !ph) {
		log_err(f->log, "%s: out of memory for %u program headers",
			f->path, phnum);
		ret = -ENOMEM;
		goto out_free;
	}
	ret = ld_read(f, table, (uint64_t)phnum * ELF_PHDR_SIZE, phoff);
	if (ret)
		goto out_free;

	/* validate everything before writing anything */
	for (i = 0; i < phnum; i++) {
		elf_parse_phdr(table + (size_t)i * ELF_PHDR_SIZE, &ph[i]);
		if (ph[i].type != ELF_PT_LOAD || ph[i].memsz == 0)
			continue;
		ret = elf_check_load(f, bus, i, &ph[i]);
		if (ret)
			goto out_free;
		nr_load++;
		if (ph[i].paddr < start)
			start = ph[i].paddr;
		if (ph[i].paddr + ph[i].memsz > end)
			end = ph[i].paddr + ph[i].memsz;
	}
	if (!nr_load) {
		log_err(f->log, "%s: ELF has no loadable segment", f->path);
		ret = -ENOEXEC;
		goto out_free;
	}
	if (!bus_is_ram(bus, entry, 4)) {
		log_err(f->log, "%s: ELF entry point %#llx is outside guest RAM",
			f->path, (unsigned long long)entry);
		ret = -ENOEXEC;
		goto out_free;
	}

	for (i = 0; i < phnum; i++) {
		if (ph[i].type != ELF_PT_LOAD || ph[i].memsz == 0)
			continue;
		ret = ld_copy(f, bus, ph[i].paddr, ph[i].offset, ph[i].filesz,
			      ph[i].memsz);
		if (ret)
			goto out_free;
	}
	res->entry = entry;
	res->start = start;
	res->end = end;
	log_debug(f->log, "%s: ELF, %u segments in [%#llx, %#llx), entry %#llx",
		  f->path, nr_load, (unsigned long long)start,
		  (unsigned long long)end, (unsigned long long)entry);

out_free:
	free(ph);
	free(table);
	return ret;
}

/*
 * A flat binary at KERNEL_LOAD_ADDR: @reserve (>= the file size) bytes
 * are claimed, the part past the file zeroed.
 */
static int load_flat(const struct ld_file *f, struct bus *bus,
		     uint64_t reserve, const char *what,
		     struct load_result *res)
{
	int ret;

	if (!bus_is_ram(bus, KERNEL_LOAD_ADDR, reserve)) {
		log_err(f->log, "%s: %s of %llu bytes does not fit in guest RAM at %#llx (RAM [%#llx, +%#llx))",
			f->path, what, (unsigned long long)reserve,
			(unsigned long long)KERNEL_LOAD_ADDR,
			(unsigned long long)bus->ram_base,
			(unsigned long long)bus->ram_size);
		return -EFBIG;
	}
	ret = ld_copy(f, bus, KERNEL_LOAD_ADDR, 0, f->size, reserve);
	if (ret)
		return ret;
	res->entry = KERNEL_LOAD_ADDR;
	res->start = KERNEL_LOAD_ADDR;
	res->end = KERNEL_LOAD_ADDR + reserve;
	log_debug(f->log, "%s: %s, [%#llx, %#llx)", f->path, what,
		  (unsigned long long)res->start,
		  (unsigned long long)res->end);
	return 0;
}

/*
 * Linux's RISC-V Image header (Documentation/arch/riscv/boot-image-header):
 * code0/code1, text_offset @8, image_size @0x10, flags @0x18, version
 * @0x20, reserved, the deprecated magic "RISCV\0\0\0" @0x30 and magic2
 * "RSC\x05" @0x38. image_size covers the BSS, so it is what we reserve.
 */
static int load_image(const struct ld_file *f, struct bus *bus,
		      const uint8_t *hdr, struct load_result *res)
{
	uint64_t image_size = get_le64(hdr + 0x10);
	uint32_t version = get_le32(hdr + 0x20);

	log_debug(f->log, "%s: RISC-V Image v%u.%u, text_offset %#llx, image_size %#llx",
		  f->path, version >> 16, version & 0xffff,
		  (unsigned long long)get_le64(hdr + 8),
		  (unsigned long long)image_size);
	if (image_size < f->size) {
		/* 0 from old kernels; anything short is not to be trusted */
		if (image_size)
			log_warn(f->log, "%s: Image header says %llu bytes, file has %llu; using the file size",
				 f->path, (unsigned long long)image_size,
				 (unsigned long long)f->size);
		image_size = f->size;
	}
	return load_flat(f, bus, image_size, "Image", res);
}

int loader_load_kernel(struct bus *bus, const char *path,
		       const struct hv_log *log, struct load_result *res)
{
	uint8_t hdr[IMAGE_HDR_SIZE];
	struct ld_file f;
	uint64_t n;
	int ret;

	ret = ld_open(&f, path, log);
	if (ret)
		return ret;
	n = f.size < sizeof(hdr) ? f.size : sizeof(hdr);
	ret = ld_read(&f, hdr, n, 0);
	if (ret)
		goto out_close;

	if (n >= sizeof(elf_magic) && !memcmp(hdr, elf_magic, 4))
		ret = load_elf(&f, bus, res);
	else if (n == IMAGE_HDR_SIZE &&
		 !memcmp(hdr + IMAGE_MAGIC2_OFF, image_magic2, 4))
		ret = load_image(&f, bus, hdr, res);
	else
		ret = load_flat(&f, bus, f.size, "raw binary", res);

out_close:
	close(f.fd);
	return ret;
}

int loader_load_high(struct bus *bus, const char *path, uint64_t floor,
		     uint64_t limit, const struct hv_log *log,
		     struct load_result *res)
{
	uint64_t ram_end = bus->ram_base + bus->ram_size;
	uint64_t start;
	struct ld_file f;
	int ret;

	ret = ld_open(&f, path, log);
	if (ret)
		return ret;
	if (limit > ram_end)
		limit = ram_end;
	if (floor < bus->ram_base)
		floor = bus->ram_base;
	if (limit < floor || f.size > limit - floor)
		goto out_fbig;
	start = (limit - f.size) & ~(LOADER_PAGE - 1);
	if (start < floor || !bus_is_ram(bus, start, f.size))
		goto out_fbig;

	ret = ld_copy(&f, bus, start, 0, f.size, f.size);
	if (ret)
		goto out_close;
	res->entry = start;
	res->start = start;
	res->end = start + f.size;
	log_debug(log, "%s: [%#llx, %#llx)", path, (unsigned long long)start,
		  (unsigned long long)res->end);
	goto out_close;

out_fbig:
	log_err(log, "%s: %llu bytes do not fit in guest RAM between %#llx and %#llx",
		path, (unsigned long long)f.size, (unsigned long long)floor,
		(unsigned long long)limit);
	ret = -EFBIG;
out_close:
	close(f.fd);
	return ret;
}
