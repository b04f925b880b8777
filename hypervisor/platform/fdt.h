/* SPDX-License-Identifier: MIT */
/*
 * The guest device tree, built with libfdt, shaped like QEMU's virt
 * machine so that the same kernels and payloads boot:
 *   / compatible "riscv-virtio", model "riscv-virtio,qemu",
 *     #address-cells = #size-cells = 2
 *   /chosen: bootargs, stdout-path = "/soc/serial@10000000",
 *     linux,initrd-start/-end (64-bit) when an initrd is present,
 *     rng-seed is NOT emitted (the guest's view must be reproducible)
 *   /cpus: timebase-frequency, cpu@N (device_type "cpu", reg N,
 *     status "okay", compatible "riscv", riscv,isa "rv64imafdc_zicsr_zifencei",
 *     riscv,isa-base "rv64i", riscv,isa-extensions list, mmu-type
 *     "riscv,sv39", interrupt-controller child "riscv,cpu-intc"
 *     with #interrupt-cells 1 and a phandle), cpu-map/cluster0
 *   /memory@80000000
 *   /soc (simple-bus, ranges): plic@c000000, serial@10000000
 *     (ns16550a, clock-frequency 3686400, interrupts 10),
 *     test@100000 (sifive,test1 sifive,test0 syscon), poweroff and
 *     reboot syscon nodes, virtio_mmio@10001000.. (8 slots, IRQ 1..8)
 *   No clint node: hv has no M-mode; S-mode timer and IPIs are SBI calls.
 */
#ifndef HV_FDT_H
#define HV_FDT_H

#include <stddef.h>
#include <stdint.h>

#define FDT_VIRTIO_SLOTS	8
#define VIRTIO_MMIO_BASE	0x10001000ULL
#define VIRTIO_MMIO_SIZE	0x1000ULL
#define HV_TIMEBASE_HZ		10000000ULL

struct fdt_machine_desc {
	unsigned nr_harts;		/* 1..8 */
	uint64_t ram_base, ram_size;
	const char *cmdline;		/* may be NULL or "" */
	uint64_t initrd_start, initrd_end; /* both 0: no initrd */
};

/*
 * Builds the blob into a malloc'd buffer returned in *blob (caller frees)
 * with its total size in *size. Returns 0 or a negative errno.
 */
int fdt_build(const struct fdt_machine_desc *d, void **blob, size_t *size)
	__attribute__((warn_unused_result));

#endif
