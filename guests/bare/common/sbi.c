#include "sbi.h"

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid,
			unsigned long a0, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r3 __asm__("a3") = a3;
	register unsigned long r4 __asm__("a4") = a4;
	register unsigned long r5 __asm__("a5") = a5;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;
	struct sbiret ret;

	__asm__ __volatile__("ecall"
			     : "+r"(r0), "+r"(r1)
			     : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6),
			       "r"(r7)
			     : "memory");
	ret.error = (long)r0;
	ret.value = (long)r1;
	return ret;
}

void sbi_putchar(int c)
{
	sbi_ecall(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned long)c, 0, 0, 0, 0, 0);
}

int sbi_getchar(void)
{
	/* Legacy calls return their value in a0. */
	return (int)sbi_ecall(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0, 0, 0, 0).error;
}

long sbi_spec_version(void)
{
	return sbi_ecall(SBI_EXT_BASE, 0, 0, 0, 0, 0, 0, 0).value;
}

long sbi_impl_id(void)
{
	return sbi_ecall(SBI_EXT_BASE, 1, 0, 0, 0, 0, 0, 0).value;
}

long sbi_probe(unsigned long ext)
{
	struct sbiret r = sbi_ecall(SBI_EXT_BASE, 3, ext, 0, 0, 0, 0, 0);

	return r.error ? 0 : r.value;
}

long sbi_set_timer(u64 when)
{
	return sbi_ecall(SBI_EXT_TIME, 0, when, 0, 0, 0, 0, 0).error;
}

long sbi_send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_ecall(SBI_EXT_IPI, 0, mask, base, 0, 0, 0, 0).error;
}

long sbi_remote_fence_i(unsigned long mask, unsigned long base)
{
	return sbi_ecall(SBI_EXT_RFENCE, 0, mask, base, 0, 0, 0, 0).error;
}

long sbi_remote_sfence_vma(unsigned long mask, unsigned long base,
			   unsigned long start, unsigned long size)
{
	return sbi_ecall(SBI_EXT_RFENCE, 1, mask, base, start, size, 0, 0)
		.error;
}

long sbi_hart_start(unsigned long hartid, unsigned long addr,
		    unsigned long opaque)
{
	return sbi_ecall(SBI_EXT_HSM, 0, hartid, addr, opaque, 0, 0, 0).error;
}

void sbi_hart_stop(void)
{
	sbi_ecall(SBI_EXT_HSM, 1, 0, 0, 0, 0, 0, 0);
	for (;;)
		rt_wfi();
}

long sbi_hart_status(unsigned long hartid)
{
	struct sbiret r = sbi_ecall(SBI_EXT_HSM, 2, hartid, 0, 0, 0, 0, 0);

	return r.error ? r.error : r.value;
}

long sbi_system_reset(unsigned long type, unsigned long reason)
{
	return sbi_ecall(SBI_EXT_SRST, 0, type, reason, 0, 0, 0, 0).error;
}
