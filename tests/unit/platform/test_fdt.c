// SPDX-License-Identifier: MIT
/*
 * The DTB: built, checked with fdt_check_full(), then walked back with
 * libfdt's read API for every property Linux and OpenSBI-style payloads
 * rely on, including the phandle wiring (PLIC contexts to the harts'
 * S-mode external interrupt, devices to the PLIC, syscon to the test
 * device) and what must be absent (clint, rng-seed, M-mode contexts).
 */
#include <errno.h>
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "platform/fdt.h"
#include "platform/plic.h"
#include "platform/systest.h"
#include "platform/uart.h"

static void *build(const struct fdt_machine_desc *d)
{
	void *blob = NULL;
	size_t size = 0;

	assert_int_equal(fdt_build(d, &blob, &size), 0);
	assert_non_null(blob);
	assert_int_equal(fdt_check_full(blob, size), 0);
	assert_int_equal(fdt_totalsize(blob), size);
	return blob;
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("node %s missing: %s", path, fdt_strerror(off));
	return off;
}

static uint32_t u32_prop(const void *fdt, int off, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, off, name, &len);

	if (!p)
		fail_msg("property %s missing", name);
	assert_int_equal(len, 4);
	return fdt32_to_cpu(*p);
}

static uint64_t u64_prop(const void *fdt, int off, const char *name)
{
	int len;
	const void *p = fdt_getprop(fdt, off, name, &len);
	fdt64_t v;

	if (!p)
		fail_msg("property %s missing", name);
	assert_int_equal(len, 8);
	/* 64-bit values in a blob are only 4-byte aligned */
	memcpy(&v, p, sizeof(v));
	return fdt64_to_cpu(v);
}

static void assert_str(const void *fdt, int off, const char *name,
		       const char *want)
{
	int len;
	const char *p = fdt_getprop(fdt, off, name, &len);

	if (!p)
		fail_msg("property %s missing", name);
	assert_int_equal(len, (int)strlen(want) + 1);
	assert_string_equal(p, want);
}

static void assert_reg(const void *fdt, int off, uint64_t base, uint64_t size)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, off, "reg", &len);

	assert_non_null(p);
	assert_int_equal(len, 16);
	assert_int_equal(((uint64_t)fdt32_to_cpu(p[0]) << 32) |
			 fdt32_to_cpu(p[1]), base);
	assert_int_equal(((uint64_t)fdt32_to_cpu(p[2]) << 32) |
			 fdt32_to_cpu(p[3]), size);
}

static void assert_stringlist(const void *fdt, int off, const char *name,
			      const char *const *want, int n)
{
	int i;

	assert_int_equal(fdt_stringlist_count(fdt, off, name), n);
	for (i = 0; i < n; i++)
		assert_string_equal(fdt_stringlist_get(fdt, off, name, i, NULL),
				    want[i]);
}

static const struct fdt_machine_desc desc4 = {
	.nr_harts = 4,
	.ram_base = 0x80000000ULL,
	.ram_size = 0x140000000ULL,	/* 5 GiB: the size needs both cells */
	.cmdline = "console=ttyS0 root=/dev/vda rw",
	.initrd_start = 0x1f0000000ULL,
	.initrd_end = 0x1f8123000ULL,
};

static void test_root_chosen_memory(void **state)
{
	void *fdt = build(&desc4);
	int off;

	assert_int_equal(u32_prop(fdt, 0, "#address-cells"), 2);
	assert_int_equal(u32_prop(fdt, 0, "#size-cells"), 2);
	assert_str(fdt, 0, "compatible", "riscv-virtio");
	assert_str(fdt, 0, "model", "riscv-virtio,qemu");

	off = node(fdt, "/chosen");
	assert_str(fdt, off, "bootargs", desc4.cmdline);
	assert_str(fdt, off, "stdout-path", "/soc/serial@10000000");
	assert_int_equal(u64_prop(fdt, off, "linux,initrd-start"),
			 desc4.initrd_start);
	assert_int_equal(u64_prop(fdt, off, "linux,initrd-end"),
			 desc4.initrd_end);
	assert_null(fdt_getprop(fdt, off, "rng-seed", NULL));
	/* stdout-path names a real ns16550a */
	off = node(fdt, "/soc/serial@10000000");
	assert_int_equal(fdt_node_check_compatible(fdt, off, "ns16550a"), 0);

	off = node(fdt, "/memory@80000000");
	assert_str(fdt, off, "device_type", "memory");
	assert_reg(fdt, off, desc4.ram_base, desc4.ram_size);
	free(fdt);
}

static void test_no_cmdline_no_initrd(void **state)
{
	struct fdt_machine_desc d = desc4;
	void *fdt;
	int off;

	d.cmdline = NULL;
	d.initrd_start = d.initrd_end = 0;
	fdt = build(&d);
	off = node(fdt, "/chosen");
	assert_null(fdt_getprop(fdt, off, "bootargs", NULL));
	assert_null(fdt_getprop(fdt, off, "linux,initrd-start", NULL));
	assert_null(fdt_getprop(fdt, off, "linux,initrd-end", NULL));
	assert_str(fdt, off, "stdout-path", "/soc/serial@10000000");
	free(fdt);

	d.cmdline = "";
	fdt = build(&d);
	assert_null(fdt_getprop(fdt, node(fdt, "/chosen"), "bootargs", NULL));
	free(fdt);
}

static void test_cpus(void **state)
{
	static const char *const exts[] = { "i", "m", "a", "f", "d", "c",
					    "zicsr", "zifencei" };
	void *fdt = build(&desc4);
	char path[64];
	int cpus, off, intc, n, count = 0;

	cpus = node(fdt, "/cpus");
	assert_int_equal(u32_prop(fdt, cpus, "#address-cells"), 1);
	assert_int_equal(u32_prop(fdt, cpus, "#size-cells"), 0);
	assert_int_equal(u32_prop(fdt, cpus, "timebase-frequency"), 10000000);

	fdt_for_each_subnode(off, fdt, cpus) {
		const char *type = fdt_getprop(fdt, off, "device_type", NULL);

		if (type && !strcmp(type, "cpu"))
			count++;
	}
	assert_int_equal(count, 4);

	for (n = 0; n < 4; n++) {
		uint32_t ph;

		snprintf(path, sizeof(path), "/cpus/cpu@%d", n);
		off = node(fdt, path);
		assert_str(fdt, off, "device_type", "cpu");
		assert_int_equal(u32_prop(fdt, off, "reg"), n);
		assert_str(fdt, off, "status", "okay");
		assert_str(fdt, off, "compatible", "riscv");
		assert_str(fdt, off, "riscv,isa", "rv64imafdc_zicsr_zifencei");
		assert_str(fdt, off, "riscv,isa-base", "rv64i");
		assert_stringlist(fdt, off, "riscv,isa-extensions", exts, 8);
		assert_str(fdt, off, "mmu-type", "riscv,sv39");
		ph = fdt_get_phandle(fdt, off);
		assert_int_not_equal(ph, 0);

		intc = fdt_subnode_offset(fdt, off, "interrupt-controller");
		assert_true(intc >= 0);
		assert_str(fdt, intc, "compatible", "riscv,cpu-intc");
		assert_int_equal(u32_prop(fdt, intc, "#interrupt-cells"), 1);
		assert_non_null(fdt_getprop(fdt, intc, "interrupt-controller",
					    NULL));
		assert_int_not_equal(fdt_get_phandle(fdt, intc), 0);
		assert_int_not_equal(fdt_get_phandle(fdt, intc), ph);

		snprintf(path, sizeof(path), "/cpus/cpu-map/cluster0/core%d",
			 n);
		assert_int_equal(u32_prop(fdt, node(fdt, path), "cpu"), ph);
	}
	free(fdt);
}

static void test_plic(void **state)
{
	static const char *const compat[] = { "sifive,plic-1.0.0",
					      "riscv,plic0" };
	void *fdt = build(&desc4);
	const fdt32_t *ext;
	char path[64];
	int soc, off, len, n;

	soc = node(fdt, "/soc");
	assert_str(fdt, soc, "compatible", "simple-bus");
	assert_int_equal(u32_prop(fdt, soc, "#address-cells"), 2);
	assert_int_equal(u32_prop(fdt, soc, "#size-cells"), 2);
	assert_non_null(fdt_getprop(fdt, soc, "ranges", &len));
	assert_int_equal(len, 0);

	off = node(fdt, "/soc/plic@c000000");
	assert_stringlist(fdt, off, "compatible", compat, 2);
	assert_int_equal(u32_prop(fdt, off, "riscv,ndev"), 95);
	assert_int_equal(u32_prop(fdt, off, "#interrupt-cells"), 1);
	assert_int_equal(u32_prop(fdt, off, "#address-cells"), 0);
	assert_non_null(fdt_getprop(fdt, off, "interrupt-controller", NULL));
	assert_reg(fdt, off, PLIC_BASE, PLIC_SIZE);

	/* context n = hart n's S-mode external interrupt (9), nothing else */
	ext = fdt_getprop(fdt, off, "interrupts-extended", &len);
	assert_non_null(ext);
	assert_int_equal(len, 4 * 2 * 4);
	for (n = 0; n < 4; n++) {
		int intc;

		snprintf(path, sizeof(path),
			 "/cpus/cpu@%d/interrupt-controller", n);
		intc = node(fdt, path);
		assert_int_equal(fdt32_to_cpu(ext[2 * n]),
				 fdt_get_phandle(fdt, intc));
		assert_int_equal(fdt32_to_cpu(ext[2 * n + 1]), 9);
	}
	free(fdt);
}

static void test_devices(void **state)
{
	static const char *const test_compat[] = { "sifive,test1",
						   "sifive,test0", "syscon" };
	void *fdt = build(&desc4);
	uint32_t plic_ph, test_ph;
	char path[64];
	int off, slot, prev = -1;

	plic_ph = fdt_get_phandle(fdt, node(fdt, "/soc/plic@c000000"));
	assert_int_not_equal(plic_ph, 0);
	assert_int_equal(fdt_node_offset_by_phandle(fdt, plic_ph),
			 node(fdt, "/soc/plic@c000000"));

	off = node(fdt, "/soc/serial@10000000");
	assert_reg(fdt, off, UART_BASE, UART_SIZE);
	assert_int_equal(u32_prop(fdt, off, "interrupts"), UART_IRQ);
	assert_int_equal(u32_prop(fdt, off, "interrupt-parent"), plic_ph);
	assert_int_equal(u32_prop(fdt, off, "clock-frequency"), 3686400);

	for (slot = 0; slot < FDT_VIRTIO_SLOTS; slot++) {
		uint64_t base = VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_SIZE;

		snprintf(path, sizeof(path), "/soc/virtio_mmio@%llx",
			 (unsigned long long)base);
		off = node(fdt, path);
		assert_str(fdt, off, "compatible", "virtio,mmio");
		assert_reg(fdt, off, base, VIRTIO_MMIO_SIZE);
		assert_int_equal(u32_prop(fdt, off, "interrupts"), 1 + slot);
		assert_int_equal(u32_prop(fdt, off, "interrupt-parent"),
				 plic_ph);
		/* highest slot first, as QEMU orders them */
		if (prev >= 0)
			assert_true(off < prev);
		prev = off;
	}
	snprintf(path, sizeof(path), "/soc/virtio_mmio@%llx",
		 (unsigned long long)(VIRTIO_MMIO_BASE +
				      FDT_VIRTIO_SLOTS * VIRTIO_MMIO_SIZE));
	assert_true(fdt_path_offset(fdt, path) < 0);

	off = node(fdt, "/soc/test@100000");
	assert_stringlist(fdt, off, "compatible", test_compat, 3);
	assert_reg(fdt, off, SYSTEST_BASE, SYSTEST_SIZE);
	test_ph = fdt_get_phandle(fdt, off);
	assert_int_not_equal(test_ph, 0);

	off = node(fdt, "/poweroff");
	assert_str(fdt, off, "compatible", "syscon-poweroff");
	assert_int_equal(u32_prop(fdt, off, "regmap"), test_ph);
	assert_int_equal(u32_prop(fdt, off, "offset"), 0);
	assert_int_equal(u32_prop(fdt, off, "value"), 0x5555);
	off = node(fdt, "/reboot");
	assert_str(fdt, off, "compatible", "syscon-reboot");
	assert_int_equal(u32_prop(fdt, off, "regmap"), test_ph);
	assert_int_equal(u32_prop(fdt, off, "offset"), 0);
	assert_int_equal(u32_prop(fdt, off, "value"), 0x7777);

	/* deliberately absent */
	assert_true(fdt_node_offset_by_compatible(fdt, -1, "riscv,clint0") < 0);
	assert_true(fdt_node_offset_by_compatible(fdt, -1,
						  "sifive,clint0") < 0);
	assert_true(fdt_node_offset_by_compatible(fdt, -1,
						  "pci-host-ecam-generic") < 0);
	assert_true(fdt_path_offset(fdt, "/fw-cfg@10100000") < 0);
	free(fdt);
}

/* Every phandle is unique, and every reference resolves. */
static void test_phandles_unique(void **state)
{
	void *fdt = build(&desc4);
	uint32_t seen[64];
	int off, n = 0, i;

	for (off = fdt_next_node(fdt, -1, NULL); off >= 0;
	     off = fdt_next_node(fdt, off, NULL)) {
		uint32_t ph = fdt_get_phandle(fdt, off);

		if (!ph)
			continue;
		for (i = 0; i < n; i++)
			assert_int_not_equal(seen[i], ph);
		assert_true(n < 64);
		seen[n++] = ph;
	}
	assert_int_equal(n, 2 + 2 * 4);	/* plic, test, cpus, intcs */
	free(fdt);
}

static void test_one_and_eight_harts(void **state)
{
	struct fdt_machine_desc d = desc4;
	void *fdt;
	int len;

	d.nr_harts = 1;
	fdt = build(&d);
	assert_true(fdt_path_offset(fdt, "/cpus/cpu@1") < 0);
	assert_non_null(fdt_getprop(fdt, node(fdt, "/soc/plic@c000000"),
				    "interrupts-extended", &len));
	assert_int_equal(len, 8);
	free(fdt);

	d.nr_harts = 8;
	fdt = build(&d);
	node(fdt, "/cpus/cpu@7");
	node(fdt, "/cpus/cpu-map/cluster0/core7");
	assert_non_null(fdt_getprop(fdt, node(fdt, "/soc/plic@c000000"),
				    "interrupts-extended", &len));
	assert_int_equal(len, 8 * 8);
	free(fdt);
}

static void test_reproducible(void **state)
{
	void *a = NULL, *b = NULL;
	size_t sa, sb;

	assert_int_equal(fdt_build(&desc4, &a, &sa), 0);
	assert_int_equal(fdt_build(&desc4, &b, &sb), 0);
	assert_int_equal(sa, sb);
	assert_memory_equal(a, b, sa);
	free(a);
	free(b);
}

static void test_long_cmdline(void **state)
{
	struct fdt_machine_desc d = desc4;
	size_t n = 100000;
	char *cmd = malloc(n + 1);
	void *fdt;

	assert_non_null(cmd);
	memset(cmd, 'x', n);
	cmd[n] = '\0';
	d.cmdline = cmd;
	fdt = build(&d);
	assert_str(fdt, node(fdt, "/chosen"), "bootargs", cmd);
	free(fdt);
	free(cmd);
}

static void test_bad_desc(void **state)
{
	struct fdt_machine_desc d = desc4;
	void *blob = NULL;
	size_t size = 0;

	assert_int_equal(fdt_build(NULL, &blob, &size), -EINVAL);
	d.nr_harts = 0;
	assert_int_equal(fdt_build(&d, &blob, &size), -EINVAL);
	d.nr_harts = 9;
	assert_int_equal(fdt_build(&d, &blob, &size), -EINVAL);
	d = desc4;
	d.ram_size = 0;
	assert_int_equal(fdt_build(&d, &blob, &size), -EINVAL);
	d = desc4;
	d.initrd_end = d.initrd_start - 1;
	assert_int_equal(fdt_build(&d, &blob, &size), -EINVAL);
	assert_null(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_chosen_memory),
		cmocka_unit_test(test_no_cmdline_no_initrd),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_plic),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_phandles_unique),
		cmocka_unit_test(test_one_and_eight_harts),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_long_cmdline),
		cmocka_unit_test(test_bad_desc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
