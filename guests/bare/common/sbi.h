/*
 * SBI calls (v0.2+ calling convention, plus the legacy console). Only what
 * both OpenSBI 1.1 and hv implement: BASE, TIME, IPI, RFENCE, HSM, SRST and
 * legacy putchar/getchar. OpenSBI 1.1 has no DBCN, so the console uses the
 * legacy putchar.
 */
#ifndef BARE_SBI_H
#define BARE_SBI_H

#include "rt.h"

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434E

#define SBI_SUCCESS 0
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6

#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1
#define SBI_HSM_START_PENDING 2
#define SBI_HSM_STOP_PENDING 3

#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_COLD_REBOOT 1
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

/* mimpid-like implementation ids from the SBI spec. */
#define SBI_IMPL_OPENSBI 1

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid,
			unsigned long a0, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4, unsigned long a5);

void sbi_putchar(int c);
int sbi_getchar(void);
long sbi_spec_version(void);
long sbi_impl_id(void);
/* BASE probe_extension: non-zero when present. */
long sbi_probe(unsigned long ext);
long sbi_set_timer(u64 when);
long sbi_send_ipi(unsigned long mask, unsigned long base);
long sbi_remote_fence_i(unsigned long mask, unsigned long base);
long sbi_remote_sfence_vma(unsigned long mask, unsigned long base,
			   unsigned long start, unsigned long size);
long sbi_hart_start(unsigned long hartid, unsigned long addr,
		    unsigned long opaque);
__noreturn void sbi_hart_stop(void);
/* Returns the SBI_HSM_* state, or a negative SBI error. */
long sbi_hart_status(unsigned long hartid);
long sbi_system_reset(unsigned long type, unsigned long reason);

#endif
