/*
 * spin: a guest that never stops on its own, for testing that the host
 * can still stop it. It masks every interrupt (sstatus.SIE = 0, sie = 0),
 * prints "spinning mode=MODE" and then, forever:
 *   mode=loop  (default) a one-instruction jump-to-self loop;
 *   mode=wfi   wfi, which nothing can wake.
 */
#include "sbi.h"

const char guest_name[] = "spin";

int guest_main(unsigned long hartid, const void *dtb)
{
	char mode[8] = "loop";

	rt_arg("mode", mode, sizeof(mode));
	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(sie, 0);
	if (strcmp(mode, "loop") && strcmp(mode, "wfi"))
		rt_fail("mode=%s: want loop or wfi", mode);
	con_printf("spinning mode=%s\n", mode);
	if (!strcmp(mode, "wfi"))
		for (;;)
			rt_wfi();
	for (;;)
		__asm__ __volatile__("1: j 1b" ::: "memory");
}
