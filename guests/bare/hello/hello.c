/*
 * hello: the smallest guest. Greets, then asks the SBI BASE extension which
 * of the extensions every hv guest relies on are present. The spec version
 * and implementation id are checked but not printed: they differ between
 * OpenSBI and hv. With the bootarg `reboot` it asks for a reboot after its
 * PASS line instead of powering off (for restart policies).
 */
#include "sbi.h"

const char guest_name[] = "hello";

static const struct {
	const char *name;
	unsigned long eid;
} exts[] = {
	{ "TIME", SBI_EXT_TIME },
	{ "IPI", SBI_EXT_IPI },
	{ "RFENCE", SBI_EXT_RFENCE },
	{ "HSM", SBI_EXT_HSM },
	{ "SRST", SBI_EXT_SRST },
};

int guest_main(unsigned long hartid, const void *dtb)
{
	long ver = sbi_spec_version();
	int missing = 0;

	con_printf("Hello from a bare S-mode guest\n");
	con_printf("device tree: %s\n", rt_dtb ? "valid" : "missing");
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		int present = sbi_probe(exts[i].eid) != 0;

		con_printf("sbi extension %-6s %s\n", exts[i].name,
			   present ? "yes" : "no");
		missing += !present;
	}
	if (ver < 0 || ((ver >> 24) < 1 && (ver & 0xffffff) < 2))
		rt_fail("SBI spec version %lx older than 0.2",
			(unsigned long)ver);
	if (missing)
		rt_fail("%d required SBI extensions missing", missing);
	if (rt_arg_flag("reboot")) {
		con_printf("PASS %s, rebooting\n", guest_name);
		rt_reboot();
	}
	rt_pass();
}
