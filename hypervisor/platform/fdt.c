// SPDX-License-Identifier: MIT
/*
 * The guest's device tree, written with libfdt's sequential-write API.
 *
 * Every libfdt call goes through a small builder that keeps the first
 * error: once a call fails, the later ones do nothing, and fdt_build()
 * checks the builder once at the end. That keeps the node-by-node code
 * below a plain description of the tree while no return value is lost.
 *
 * Phandles are fixed, so the same machine always gets the same blob.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fdt.h"
#include "plic.h"
#include "systest.h"
#include "uart.h"

#define FDT_MAX_HARTS		8
#define FDT_BASE_SIZE		(64 * 1024)
#define FDT_MAX_CMDLINE		(256 * 1024)
#define UART_CLOCK_HZ		3686400
#define PLIC_NDEV		(PLIC_NR_SOURCES - 1)	/* sources 1..95 */
#define IRQ_S_EXT		9	/* scause code of the S-mode external irq */

#define PHANDLE_PLIC		1
#define PHANDLE_TEST		2
#define PHANDLE_CPU(n)		(3 + 2 * (n))
#define PHANDLE_INTC(n)		(4 + 2 * (n))

#define STDOUT_PATH		"/soc/serial@10000000"
#define CPU_ISA			"rv64imafdc_zicsr_zifencei"

/* NUL-separated string lists, sizeof() includes the final NUL */
static const char isa_extensions[] = "i\0m\0a\0f\0d\0c\0zicsr\0zifencei";
static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";

struct fdt_builder {
	void *fdt;
	int err;		/* first libfdt error, 0 if none */
};

static void fb_check(struct fdt_builder *b, int ret)
{
	if (ret < 0 && !b->err)
		b->err = ret;
}

static void fb_begin(struct fdt_builder *b, const char *name)
{
	if (!b->err)
		fb_check(b, fdt_begin_node(b->fdt, name));
}

static void fb_end(struct fdt_builder *b)
{
	if (!b->err)
		fb_check(b, fdt_end_node(b->fdt));
}

static void fb_prop(struct fdt_builder *b, const char *name, const void *val,
		    int len)
{
	if (!b->err)
		fb_check(b, fdt_property(b->fdt, name, val, len));
}

static void fb_empty(struct fdt_builder *b, const char *name)
{
	fb_prop(b, name, NULL, 0);
}

static void fb_string(struct fdt_builder *b, const char *name, const char *s)
{
	fb_prop(b, name, s, (int)strlen(s) + 1);
}

static void fb_u32(struct fdt_builder *b, const char *name, uint32_t v)
{
	if (!b->err)
		fb_check(b, fdt_property_cell(b->fdt, name, v));
}

static void fb_u64(struct fdt_builder *b, const char *name, uint64_t v)
{
	if (!b->err)
		fb_check(b, fdt_property_u64(b->fdt, name, v));
}

static void fb_cells(struct fdt_builder *b, const char *name,
		     const uint32_t *cells, unsigned n)
{
	fdt32_t be[2 * FDT_MAX_HARTS];
	unsigned i;

	if (n > sizeof(be) / sizeof(be[0])) {
		fb_check(b, -FDT_ERR_BADVALUE);
		return;
	}
	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	fb_prop(b, name, be, (int)(n * sizeof(be[0])));
}

/* reg = <base size> with #address-cells = #size-cells = 2 */
static void fb_reg(struct fdt_builder *b, uint64_t base, uint64_t size)
{
	uint32_t cells[4] = {
		(uint32_t)(base >> 32), (uint32_t)base,
		(uint32_t)(size >> 32), (uint32_t)size,
	};

	fb_cells(b, "reg", cells, 4);
}

static void fb_begin_at(struct fdt_builder *b, const char *name,
			uint64_t addr)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s@%llx", name, (unsigned long long)addr);
	fb_begin(b, buf);
}

static void fdt_add_chosen(struct fdt_builder *b,
			   const struct fdt_machine_desc *d)
{
	fb_begin(b, "chosen");
	if (d->cmdline && d->cmdline[0])
		fb_string(b, "bootargs", d->cmdline);
	fb_string(b, "stdout-path", STDOUT_PATH);
	if (d->initrd_start || d->initrd_end) {
		fb_u64(b, "linux,initrd-start", d->initrd_start);
		fb_u64(b, "linux,initrd-end", d->initrd_end);
	}
	fb_end(b);
}

static void fdt_add_memory(struct fdt_builder *b,
			   const struct fdt_machine_desc *d)
{
	fb_begin_at(b, "memory", d->ram_base);
	fb_string(b, "device_type", "memory");
	fb_reg(b, d->ram_base, d->ram_size);
	fb_end(b);
}

static void fdt_add_cpu(struct fdt_builder *b, unsigned n)
{
	fb_begin_at(b, "cpu", n);
	fb_u32(b, "phandle", PHANDLE_CPU(n));
	fb_string(b, "device_type", "cpu");
	fb_u32(b, "reg", n);
	fb_string(b, "status", "okay");
	fb_string(b, "compatible", "riscv");
	fb_string(b, "riscv,isa", CPU_ISA);
	fb_string(b, "riscv,isa-base", "rv64i");
	fb_prop(b, "riscv,isa-extensions", isa_extensions,
		sizeof(isa_extensions));
	fb_string(b, "mmu-type", "riscv,sv39");

	fb_begin(b, "interrupt-controller");
	fb_u32(b, "#interrupt-cells", 1);
	fb_empty(b, "interrupt-controller");
	fb_string(b, "compatible", "riscv,cpu-intc");
	fb_u32(b, "phandle", PHANDLE_INTC(n));
	fb_end(b);

	fb_end(b);
}

static void fdt_add_cpus(struct fdt_builder *b,
			 const struct fdt_machine_desc *d)
{
	char name[16];
	unsigned n;

	fb_begin(b, "cpus");
	fb_u32(b, "#address-cells", 1);
	fb_u32(b, "#size-cells", 0);
	fb_u32(b, "timebase-frequency", (uint32_t)HV_TIMEBASE_HZ);
	for (n = 0; n < d->nr_harts; n++)
		fdt_add_cpu(b, n);

	fb_begin(b, "cpu-map");
	fb_begin(b, "cluster0");
	for (n = 0; n < d->nr_harts; n++) {
		snprintf(name, sizeof(name), "core%u", n);
		fb_begin(b, name);
		fb_u32(b, "cpu", PHANDLE_CPU(n));
		fb_end(b);
	}
	fb_end(b);
	fb_end(b);

	fb_end(b);
}

static void fdt_add_plic(struct fdt_builder *b,
			 const struct fdt_machine_desc *d)
{
	uint32_t ext[2 * FDT_MAX_HARTS];
	unsigned n;

	/* context n = hart n's S-mode external interrupt; no M contexts */
	for (n = 0; n < d->nr_harts; n++) {
		ext[2 * n] = PHANDLE_INTC(n);
		ext[2 * n + 1] = IRQ_S_EXT;
	}
	fb_begin_at(b, "plic", PLIC_BASE);
	fb_u32(b, "phandle", PHANDLE_PLIC);
	fb_u32(b, "riscv,ndev", PLIC_NDEV);
	fb_reg(b, PLIC_BASE, PLIC_SIZE);
	fb_cells(b, "interrupts-extended", ext, 2 * d->nr_harts);
	fb_empty(b, "interrupt-controller");
	fb_prop(b, "compatible", plic_compat, sizeof(plic_compat));
	fb_u32(b, "#address-cells", 0);
	fb_u32(b, "#interrupt-cells", 1);
	fb_end(b);
}

static void fdt_add_devices(struct fdt_builder *b)
{
	int slot;

	fb_begin_at(b, "serial", UART_BASE);
	fb_u32(b, "interrupts", UART_IRQ);
	fb_u32(b, "interrupt-parent", PHANDLE_PLIC);
	fb_u32(b, "clock-frequency", UART_CLOCK_HZ);
	fb_reg(b, UART_BASE, UART_SIZE);
	fb_string(b, "compatible", "ns16550a");
	fb_end(b);

	fb_begin_at(b, "test", SYSTEST_BASE);
	fb_u32(b, "phandle", PHANDLE_TEST);
	fb_reg(b, SYSTEST_BASE, SYSTEST_SIZE);
	fb_prop(b, "compatible", test_compat, sizeof(test_compat));
	fb_end(b);

	/*
	 * Highest slot first, as in QEMU's tree: Linux probes in tree
	 * order, so a machine that fills slots from the top (as QEMU
	 * does) sees its first device probed first.
	 */
	for (slot = FDT_VIRTIO_SLOTS - 1; slot >= 0; slot--) {
		uint64_t base = VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_SIZE;

		fb_begin_at(b, "virtio_mmio", base);
		fb_u32(b, "interrupts", 1 + slot);
		fb_u32(b, "interrupt-parent", PHANDLE_PLIC);
		fb_reg(b, base, VIRTIO_MMIO_SIZE);
		fb_string(b, "compatible", "virtio,mmio");
		fb_end(b);
	}
}

static void fdt_add_soc(struct fdt_builder *b,
			const struct fdt_machine_desc *d)
{
	fb_begin(b, "soc");
	fb_u32(b, "#address-cells", 2);
	fb_u32(b, "#size-cells", 2);
	fb_string(b, "compatible", "simple-bus");
	fb_empty(b, "ranges");
	fdt_add_plic(b, d);
	fdt_add_devices(b);
	fb_end(b);
}

static void fdt_add_syscon(struct fdt_builder *b, const char *name,
			   const char *compat, uint32_t value)
{
	fb_begin(b, name);
	fb_u32(b, "value", value);
	fb_u32(b, "offset", 0);
	fb_u32(b, "regmap", PHANDLE_TEST);
	fb_string(b, "compatible", compat);
	fb_end(b);
}

static void fdt_add_root(struct fdt_builder *b,
			 const struct fdt_machine_desc *d)
{
	fb_begin(b, "");
	fb_u32(b, "#address-cells", 2);
	fb_u32(b, "#size-cells", 2);
	fb_string(b, "compatible", "riscv-virtio");
	fb_string(b, "model", "riscv-virtio,qemu");
	fdt_add_chosen(b, d);
	fdt_add_syscon(b, "poweroff", "syscon-poweroff", 0x5555);
	fdt_add_syscon(b, "reboot", "syscon-reboot", 0x7777);
	fdt_add_memory(b, d);
	fdt_add_cpus(b, d);
	fdt_add_soc(b, d);
	fb_end(b);
}

static int fdt_check_desc(const struct fdt_machine_desc *d)
{
	if (!d || d->nr_harts == 0 || d->nr_harts > FDT_MAX_HARTS)
		return -EINVAL;
	if (d->ram_size == 0 || d->ram_base + d->ram_size < d->ram_base)
		return -EINVAL;
	if (d->initrd_end < d->initrd_start)
		return -EINVAL;
	if (d->cmdline && strlen(d->cmdline) > FDT_MAX_CMDLINE)
		return -E2BIG;
	return 0;
}

static int fdt_errno(int fdt_err)
{
	return fdt_err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
}

int fdt_build(const struct fdt_machine_desc *d, void **blob, size_t *size)
{
	struct fdt_builder b = { 0 };
	size_t bufsize;
	void *shrunk;
	int ret;

	ret = fdt_check_desc(d);
	if (ret)
		return ret;
	bufsize = FDT_BASE_SIZE + (d->cmdline ? strlen(d->cmdline) : 0);
	b.fdt = calloc(1, bufsize);
	if (!b.fdt)
		return -ENOMEM;

	fb_check(&b, fdt_create(b.fdt, (int)bufsize));
	if (!b.err)
		fb_check(&b, fdt_finish_reservemap(b.fdt));
	fdt_add_root(&b, d);
	if (!b.err)
		fb_check(&b, fdt_finish(b.fdt));
	if (b.err) {
		ret = fdt_errno(b.err);
		goto out_free;
	}

	*size = fdt_totalsize(b.fdt);
	shrunk = realloc(b.fdt, *size);
	*blob = shrunk ? shrunk : b.fdt;
	return 0;

out_free:
	free(b.fdt);
	return ret;
}
