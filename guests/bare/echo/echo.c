/*
 * echo: console input. Prints "echo: ready", then reads bytes with the
 * legacy SBI getchar (polling) and writes each back, lower case turned to
 * upper case, until it reads 'q'; then ends with "PASS echo". The byte
 * count is printed so a lost or doubled byte shows.
 */
#include "sbi.h"

const char guest_name[] = "echo";

int guest_main(unsigned long hartid, const void *dtb)
{
	unsigned long n = 0;
	int c;

	con_printf("echo: ready\n");
	for (;;) {
		c = sbi_getchar();
		if (c < 0) {
			rt_pause();
			continue;
		}
		if (c == 'q')
			break;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		sbi_putchar(c);
		n++;
	}
	con_printf("\necho: %lu bytes\n", n);
	rt_pass();
}
