/* SPDX-License-Identifier: MIT */
/*
 * How the interrupt controller reaches the harts: the PLIC drives each
 * hart's S-mode external interrupt line (mip.SEIP) through this callback.
 */
#ifndef HV_IRQ_H
#define HV_IRQ_H

#include <stdbool.h>

struct irq_sink {
	/*
	 * Raise (@level true) or lower hart @hart's SEIP. Called with the
	 * PLIC's lock held, from any thread; must not call back into the
	 * PLIC. Wakes the hart if it sleeps in wfi.
	 */
	void (*set_seip)(void *opaque, unsigned hart, bool level);
	void *opaque;
};

#endif
