/* SPDX-License-Identifier: MIT */
/*
 * SiFive-compatible PLIC as in QEMU's virt machine ("sifive,plic-1.0.0",
 * "riscv,plic0"): 96 sources (1..95), priorities 0..7, one S-mode context
 * per hart (context n = hart n's S-mode; hv has no M-mode contexts, the DTB
 * says so with interrupts-extended = <&cpuN_intc 9>).
 *
 * Register map (offsets from the base, 0x0c00_0000, size 0x0400_0000):
 *   0x000000 + 4*src   priority
 *   0x001000           pending bits (read-only)
 *   0x002000 + 0x80*c  enable bits of context c
 *   0x200000 + 0x1000*c threshold (+0) and claim/complete (+4) of context c
 */
#ifndef HV_PLIC_H
#define HV_PLIC_H

#include <stdbool.h>
#include <stdint.h>
#include "bus.h"
#include "irq.h"

#define PLIC_BASE	0x0c000000ULL
#define PLIC_SIZE	0x04000000ULL
#define PLIC_NR_SOURCES	96
#define PLIC_WORDS	(PLIC_NR_SOURCES / 32)
#define PLIC_MAX_CONTEXTS 64

/* The PLIC's state as plain data (pending bits derive from level and
 * claimed; each context's SEIP output derives from the rest). */
struct plic_state {
	uint32_t priority[PLIC_NR_SOURCES];
	uint32_t level[PLIC_WORDS];
	uint32_t claimed[PLIC_WORDS];
	unsigned nr_contexts;
	uint32_t enable[PLIC_MAX_CONTEXTS][PLIC_WORDS];
	uint32_t threshold[PLIC_MAX_CONTEXTS];
};

struct plic;

/* Creates a PLIC for @nr_harts contexts; @sink is copied. */
int plic_create(struct plic **out, unsigned nr_harts,
		const struct irq_sink *sink) __attribute__((warn_unused_result));
void plic_destroy(struct plic *plic);	/* NULL is a no-op */

/* The MMIO region to add to the bus (ops + opaque = this PLIC). */
struct mmio_region plic_region(struct plic *plic);

/*
 * A device sets the level of its interrupt line @src (1..95). Level
 * triggered, as QEMU's virt devices are. Any thread.
 */
void plic_set_irq(struct plic *plic, unsigned src, bool level);

/*
 * Save and restore (the machine quiesced: vCPUs paused). Restore checks
 * the state (context count, priorities 0..7, no source 0) and returns
 * -EINVAL without changing anything if it is not one this PLIC can hold;
 * then it drives every context's SEIP output from the restored state.
 */
void plic_save(struct plic *plic, struct plic_state *st);
int plic_restore(struct plic *plic, const struct plic_state *st)
	__attribute__((warn_unused_result));

#endif
