// SPDX-License-Identifier: MIT
/*
 * Loader: good ELF, Image and raw payloads land where they should with
 * their BSS zeroed; hostile files (truncated, lying offsets and sizes,
 * segments outside RAM, huge counts, empty files, directories, missing
 * files) fail with the documented errno, a message naming the file, and
 * not one byte of guest RAM changed. Run under ASan/UBSan too.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "platform/loader.h"

#define RAM_BASE	0x80000000ULL
#define RAM_SIZE	(8ULL << 20)
#define RAM_END		(RAM_BASE + RAM_SIZE)
#define POISON		0xaa

struct fixture {
	char dir[64];
	char path[128];		/* the file under test */
	char logpath[128];
	struct bus bus;
	struct hv_log log;
	char msg[4096];		/* what the loader logged */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/hv-test-loader-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/payload", fx->dir);
	snprintf(fx->logpath, sizeof(fx->logpath), "%s/log", fx->dir);
	fx->bus.ram = malloc(RAM_SIZE);
	assert_non_null(fx->bus.ram);
	memset(fx->bus.ram, POISON, RAM_SIZE);
	fx->bus.ram_base = RAM_BASE;
	fx->bus.ram_size = RAM_SIZE;
	fx->log.prefix = "test";
	fx->log.level = LOG_ERR;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	unlink(fx->logpath);
	rmdir(fx->dir);
	free(fx->bus.ram);
	free(fx);
	return 0;
}

static void write_file(struct fixture *fx, const void *buf, size_t len)
{
	int fd = open(fx->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static uint8_t *ram(struct fixture *fx, uint64_t pa)
{
	return fx->bus.ram + (pa - RAM_BASE);
}

static void assert_poison(struct fixture *fx, uint64_t pa, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		if (ram(fx, pa)[i] != POISON)
			fail_msg("RAM at %#llx was written",
				 (unsigned long long)(pa + i));
}

enum which { KERNEL, HIGH };

/* Runs a load with stderr captured into fx->msg. */
static int load(struct fixture *fx, enum which w, const char *path,
		uint64_t floor, uint64_t limit, struct load_result *res)
{
	int saved, fd, ret;
	ssize_t n;

	fflush(stderr);
	saved = dup(2);
	fd = open(fx->logpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	if (w == KERNEL)
		ret = loader_load_kernel(&fx->bus, path, &fx->log, res);
	else
		ret = loader_load_high(&fx->bus, path, floor, limit, &fx->log,
				       res);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, fx->msg, sizeof(fx->msg) - 1, 0);
	fx->msg[n > 0 ? n : 0] = '\0';
	close(fd);
	if (fx->msg[0])
		fputs(fx->msg, stderr);	/* keep it visible in the test log */
	return ret;
}

/* A failed load: the errno, a message naming the file, RAM untouched. */
static void expect_fail(struct fixture *fx, enum which w, const char *path,
			uint64_t floor, uint64_t limit, int err)
{
	struct load_result res = { 0 };

	assert_int_equal(load(fx, w, path, floor, limit, &res), err);
	if (!strstr(fx->msg, path))
		fail_msg("message does not name %s: '%s'", path, fx->msg);
	assert_poison(fx, RAM_BASE, RAM_SIZE);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void elf_ehdr(uint8_t *b, uint64_t entry, uint64_t phoff,
		     uint16_t phnum)
{
	memset(b, 0, 64);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = 2;		/* ELFCLASS64 */
	b[5] = 1;		/* little endian */
	b[6] = 1;		/* EV_CURRENT */
	put16(b + 16, 2);	/* ET_EXEC */
	put16(b + 18, 243);	/* EM_RISCV */
	put32(b + 20, 1);
	put64(b + 24, entry);
	put64(b + 32, phoff);
	put16(b + 52, 64);
	put16(b + 54, 56);
	put16(b + 56, phnum);
}

static void elf_phdr(uint8_t *p, uint32_t type, uint64_t off, uint64_t paddr,
		     uint64_t filesz, uint64_t memsz)
{
	memset(p, 0, 56);
	put32(p, type);
	put32(p + 4, 7);
	put64(p + 8, off);
	put64(p + 16, paddr + 0xffffffff00000000ULL);	/* vaddr unused */
	put64(p + 24, paddr);
	put64(p + 32, filesz);
	put64(p + 40, memsz);
	put64(p + 48, 0x1000);
}

/*
 * The reference ELF: text (0x100 bytes) at 0x80200000, data (0x10 bytes
 * + BSS to 0x1000) at 0x80300000, a PT_NOTE and an empty PT_LOAD, both
 * with garbage offsets that must be ignored. Phdrs at 64, data at 0x200.
 */
#define ELF_LEN		0x400
#define ELF_ENTRY	0x80200010ULL
#define PH(n)		(64 + 56 * (n))

static void elf_good(uint8_t *b)
{
	int i;

	memset(b, 0, ELF_LEN);
	elf_ehdr(b, ELF_ENTRY, 64, 4);
	elf_phdr(b + PH(0), 1, 0x200, 0x80200000, 0x100, 0x100);
	elf_phdr(b + PH(1), 4, 0xffffffffff, 0, 0x1000000, 0x1000000);
	elf_phdr(b + PH(2), 1, 0x300, 0x80300000, 0x10, 0x1000);
	elf_phdr(b + PH(3), 1, 0xffffffffff, 0x10, 0, 0);
	for (i = 0; i < 0x110; i++)
		b[0x200 + i] = (uint8_t)(i + 1);
}

static void test_elf_good(void **state)
{
	struct fixture *fx = *state;
	struct load_result res;
	uint8_t b[ELF_LEN];
	int i;

	elf_good(b);
	write_file(fx, b, sizeof(b));
	assert_int_equal(load(fx, KERNEL, fx->path, 0, 0, &res), 0);
	assert_int_equal(res.entry, ELF_ENTRY);
	assert_int_equal(res.start, 0x80200000);
	assert_int_equal(res.end, 0x80301000);
	for (i = 0; i < 0x100; i++)
		assert_int_equal(*ram(fx, 0x80200000 + i), (uint8_t)(i + 1));
	for (i = 0; i < 0x10; i++)
		assert_int_equal(*ram(fx, 0x80300000 + i),
				 (uint8_t)(0x100 + i + 1));
	for (i = 0x10; i < 0x1000; i++)
		assert_int_equal(*ram(fx, 0x80300000 + i), 0);	/* BSS */
	assert_poison(fx, RAM_BASE, 0x200000);
	assert_poison(fx, 0x80200100, 0x80300000 - 0x80200100);
	assert_poison(fx, 0x80301000, RAM_END - 0x80301000);
}

enum elf_bug {
	BUG_CLASS32, BUG_BIG_ENDIAN, BUG_VERSION, BUG_MACHINE, BUG_TYPE_REL,
	BUG_PHENTSIZE, BUG_PHNUM_ZERO, BUG_PHNUM_HUGE, BUG_PHNUM_PAST_EOF,
	BUG_PHOFF_PAST_EOF, BUG_PHOFF_WRAP, BUG_FILESZ_GT_MEMSZ,
	BUG_SEG_PAST_EOF, BUG_SEG_OFFSET_WRAP, BUG_SEG_BELOW_RAM,
	BUG_SEG_PAST_RAM, BUG_SEG_PADDR_WRAP, BUG_ENTRY_OUTSIDE, BUG_NO_LOAD,
	BUG_COUNT
};

static const int elf_bug_errno[BUG_COUNT] = {
	[BUG_CLASS32] = -ENOEXEC, [BUG_BIG_ENDIAN] = -ENOEXEC,
	[BUG_VERSION] = -ENOEXEC, [BUG_MACHINE] = -ENOEXEC,
	[BUG_TYPE_REL] = -ENOEXEC, [BUG_PHENTSIZE] = -ENOEXEC,
	[BUG_PHNUM_ZERO] = -ENOEXEC, [BUG_PHNUM_HUGE] = -ENOEXEC,
	[BUG_PHNUM_PAST_EOF] = -ENOEXEC, [BUG_PHOFF_PAST_EOF] = -ENOEXEC,
	[BUG_PHOFF_WRAP] = -ENOEXEC, [BUG_FILESZ_GT_MEMSZ] = -ENOEXEC,
	[BUG_SEG_PAST_EOF] = -ENOEXEC, [BUG_SEG_OFFSET_WRAP] = -ENOEXEC,
	[BUG_SEG_BELOW_RAM] = -EFBIG, [BUG_SEG_PAST_RAM] = -EFBIG,
	[BUG_SEG_PADDR_WRAP] = -EFBIG, [BUG_ENTRY_OUTSIDE] = -ENOEXEC,
	[BUG_NO_LOAD] = -ENOEXEC,
};

/* The reference ELF with one thing wrong. Segment 2 is loaded second. */
static void elf_break(uint8_t *b, enum elf_bug bug)
{
	elf_good(b);
	switch (bug) {
	case BUG_CLASS32:	b[4] = 1; break;
	case BUG_BIG_ENDIAN:	b[5] = 2; break;
	case BUG_VERSION:	b[6] = 0; break;
	case BUG_MACHINE:	put16(b + 18, 62); break;	/* x86-64 */
	case BUG_TYPE_REL:	put16(b + 16, 1); break;
	case BUG_PHENTSIZE:	put16(b + 54, 32); break;
	case BUG_PHNUM_ZERO:	put16(b + 56, 0); break;
	case BUG_PHNUM_HUGE:	put16(b + 56, 0xfffe); break;
	case BUG_PHNUM_PAST_EOF: put16(b + 56, 100); break;
	case BUG_PHOFF_PAST_EOF: put64(b + 32, ELF_LEN); break;
	case BUG_PHOFF_WRAP:	put64(b + 32, UINT64_MAX - 8); break;
	case BUG_FILESZ_GT_MEMSZ:	/* the bytes are in the file */
		put64(b + PH(2) + 32, 0x100);
		put64(b + PH(2) + 40, 0x80);
		break;
	case BUG_SEG_PAST_EOF:	put64(b + PH(2) + 32, ELF_LEN - 0x300 + 1);
				break;
	case BUG_SEG_OFFSET_WRAP: put64(b + PH(2) + 8, UINT64_MAX - 4); break;
	case BUG_SEG_BELOW_RAM:	put64(b + PH(2) + 24, 0x1000); break;
	case BUG_SEG_PAST_RAM:	put64(b + PH(2) + 24, RAM_END - 0x800); break;
	case BUG_SEG_PADDR_WRAP: put64(b + PH(2) + 24, UINT64_MAX - 0x7ff);
				break;
	case BUG_ENTRY_OUTSIDE:	put64(b + 24, 0xffffffff80000000ULL); break;
	case BUG_NO_LOAD:
		put32(b + PH(0), 6);
		put32(b + PH(2), 6);
		break;
	case BUG_COUNT:
		break;
	}
}

static void test_elf_hostile(void **state)
{
	struct fixture *fx = *state;
	uint8_t b[ELF_LEN];
	int bug;

	for (bug = 0; bug < BUG_COUNT; bug++) {
		print_message("ELF defect %d\n", bug);
		elf_break(b, bug);
		write_file(fx, b, sizeof(b));
		expect_fail(fx, KERNEL, fx->path, 0, 0, elf_bug_errno[bug]);
	}
}

static void test_elf_truncated(void **state)
{
	struct fixture *fx = *state;
	uint8_t b[ELF_LEN];
	size_t cut;

	elf_good(b);
	/* every length from the magic to just short of the header */
	for (cut = 4; cut < 64; cut += 7) {
		write_file(fx, b, cut);
		expect_fail(fx, KERNEL, fx->path, 0, 0, -ENOEXEC);
	}
	/* header complete, program headers cut */
	write_file(fx, b, PH(2) + 10);
	expect_fail(fx, KERNEL, fx->path, 0, 0, -ENOEXEC);
	/* program headers complete, segment data cut */
	write_file(fx, b, 0x300 + 8);
	expect_fail(fx, KERNEL, fx->path, 0, 0, -ENOEXEC);
}

#define IMAGE_LEN 0x1000

static void image_hdr(uint8_t *b, uint64_t image_size)
{
	int i;

	for (i = 0; i < IMAGE_LEN; i++)
		b[i] = (uint8_t)(i * 13 + 5);
	put32(b, 0x0040006f);		/* j +64, like the kernel's code0 */
	put32(b + 4, 0);
	put64(b + 8, 0x200000);		/* text_offset */
	put64(b + 0x10, image_size);
	put64(b + 0x18, 0);
	put32(b + 0x20, 2);		/* version 0.2 */
	put32(b + 0x24, 0);
	put64(b + 0x28, 0);
	memcpy(b + 0x30, "RISCV\0\0\0", 8);
	memcpy(b + 0x38, "RSC\x05", 4);
	put32(b + 0x3c, 0);
}

static void test_image_good(void **state)
{
	struct fixture *fx = *state;
	struct load_result res;
	uint8_t b[IMAGE_LEN];

	image_hdr(b, 0x3000);
	write_file(fx, b, sizeof(b));
	assert_int_equal(load(fx, KERNEL, fx->path, 0, 0, &res), 0);
	assert_int_equal(res.entry, KERNEL_LOAD_ADDR);
	assert_int_equal(res.start, KERNEL_LOAD_ADDR);
	assert_int_equal(res.end, KERNEL_LOAD_ADDR + 0x3000);
	assert_memory_equal(ram(fx, KERNEL_LOAD_ADDR), b, sizeof(b));
	for (uint64_t i = IMAGE_LEN; i < 0x3000; i++)
		assert_int_equal(*ram(fx, KERNEL_LOAD_ADDR + i), 0);
	assert_poison(fx, RAM_BASE, KERNEL_LOAD_ADDR - RAM_BASE);
	assert_poison(fx, KERNEL_LOAD_ADDR + 0x3000,
		      RAM_END - KERNEL_LOAD_ADDR - 0x3000);

	/* image_size 0 (old kernels): the file size */
	memset(fx->bus.ram, POISON, RAM_SIZE);
	image_hdr(b, 0);
	write_file(fx, b, sizeof(b));
	assert_int_equal(load(fx, KERNEL, fx->path, 0, 0, &res), 0);
	assert_int_equal(res.end, KERNEL_LOAD_ADDR + IMAGE_LEN);
	assert_poison(fx, KERNEL_LOAD_ADDR + IMAGE_LEN, 0x1000);
}

static void test_image_too_big(void **state)
{
	struct fixture *fx = *state;
	uint8_t b[IMAGE_LEN];

	/* image_size (BSS included) past the end of RAM */
	image_hdr(b, RAM_END - KERNEL_LOAD_ADDR + 1);
	write_file(fx, b, sizeof(b));
	expect_fail(fx, KERNEL, fx->path, 0, 0, -EFBIG);
	image_hdr(b, UINT64_MAX);
	write_file(fx, b, sizeof(b));
	expect_fail(fx, KERNEL, fx->path, 0, 0, -EFBIG);
}

static void test_raw(void **state)
{
	struct fixture *fx = *state;
	struct load_result res;
	uint8_t b[1000];
	int fd;

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i ^ 0x5a);
	write_file(fx, b, sizeof(b));
	assert_int_equal(load(fx, KERNEL, fx->path, 0, 0, &res), 0);
	assert_int_equal(res.entry, KERNEL_LOAD_ADDR);
	assert_int_equal(res.start, KERNEL_LOAD_ADDR);
	assert_int_equal(res.end, KERNEL_LOAD_ADDR + sizeof(b));
	assert_memory_equal(ram(fx, KERNEL_LOAD_ADDR), b, sizeof(b));
	assert_poison(fx, KERNEL_LOAD_ADDR + sizeof(b), 0x1000);

	/* three bytes of ELF magic are just three bytes */
	write_file(fx, "\x7f" "EL", 3);
	assert_int_equal(load(fx, KERNEL, fx->path, 0, 0, &res), 0);
	assert_int_equal(res.end, KERNEL_LOAD_ADDR + 3);

	/* a raw file one byte larger than the RAM above the load address */
	memset(fx->bus.ram, POISON, RAM_SIZE);
	fd = open(fx->path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, RAM_END - KERNEL_LOAD_ADDR + 1), 0);
	close(fd);
	expect_fail(fx, KERNEL, fx->path, 0, 0, -EFBIG);
}

static void test_bad_files(void **state)
{
	struct fixture *fx = *state;
	char missing[160];

	write_file(fx, "", 0);
	expect_fail(fx, KERNEL, fx->path, 0, 0, -ENOEXEC);
	expect_fail(fx, HIGH, fx->path, RAM_BASE, RAM_END, -ENOEXEC);
	expect_fail(fx, KERNEL, fx->dir, 0, 0, -EISDIR);
	expect_fail(fx, HIGH, fx->dir, RAM_BASE, RAM_END, -EISDIR);
	snprintf(missing, sizeof(missing), "%s/no-such-file", fx->dir);
	expect_fail(fx, KERNEL, missing, 0, 0, -ENOENT);
	expect_fail(fx, HIGH, missing, RAM_BASE, RAM_END, -ENOENT);
	expect_fail(fx, KERNEL, "/dev/null", 0, 0, -EINVAL);
}

static void test_load_high(void **state)
{
	struct fixture *fx = *state;
	struct load_result res;
	uint8_t b[10000];
	uint64_t want = (RAM_END - sizeof(b)) & ~0xfffULL;

	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 3);
	write_file(fx, b, sizeof(b));
	assert_int_equal(load(fx, HIGH, fx->path, 0x80400000, RAM_END, &res),
			 0);
	assert_int_equal(res.start, want);
	assert_int_equal(res.end, want + sizeof(b));
	assert_memory_equal(ram(fx, want), b, sizeof(b));
	assert_poison(fx, want + sizeof(b), RAM_END - want - sizeof(b));
	assert_poison(fx, RAM_BASE, want - RAM_BASE);

	/* a limit past RAM is clamped to it; an unaligned one rounds down */
	assert_int_equal(load(fx, HIGH, fx->path, 0, UINT64_MAX, &res), 0);
	assert_int_equal(res.start, want);
	assert_int_equal(load(fx, HIGH, fx->path, 0, 0x80500123, &res), 0);
	assert_int_equal(res.start, 0x804fd000);
	assert_true(res.end <= 0x80500123);

	/* exactly fits between floor and limit */
	assert_int_equal(load(fx, HIGH, fx->path, want, RAM_END, &res), 0);
	assert_int_equal(res.start, want);

	memset(fx->bus.ram, POISON, RAM_SIZE);
	expect_fail(fx, HIGH, fx->path, want + 1, RAM_END, -EFBIG);
	expect_fail(fx, HIGH, fx->path, RAM_END, RAM_BASE, -EFBIG);
	expect_fail(fx, HIGH, fx->path, 0, RAM_BASE + 100, -EFBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_elf_good),
		T(test_elf_hostile),
		T(test_elf_truncated),
		T(test_image_good),
		T(test_image_too_big),
		T(test_raw),
		T(test_bad_files),
		T(test_load_high),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
