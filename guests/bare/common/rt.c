#include "dt.h"
#include "sbi.h"
#include "trap.h"

#define SIFIVE_TEST_BASE 0x100000UL
#define SIFIVE_TEST_PASS 0x5555
#define SIFIVE_TEST_FAIL 0x3333
#define SIFIVE_TEST_RESET 0x7777
#define VIRT_RAM_BASE 0x80000000UL
#define VIRT_RAM_SIZE (128UL << 20)
#define DEFAULT_TIMEBASE 10000000UL

const void *rt_dtb;
unsigned long rt_boot_hartid;

void rt_boot(unsigned long hartid, const void *dtb);
void rt_secondary(unsigned long hartid, unsigned long opaque);

void rt_boot(unsigned long hartid, const void *dtb)
{
	rt_boot_hartid = hartid;
	rt_dtb = dt_check(dtb) ? NULL : dtb;
	rt_exit(guest_main(hartid, dtb));
}

void rt_secondary(unsigned long hartid, unsigned long opaque)
{
	guest_secondary(hartid, opaque);
	sbi_hart_stop();
}

__attribute__((weak)) void guest_secondary(unsigned long hartid,
					   unsigned long opaque)
{
}

static void sifive_test(u32 v)
{
	*(volatile u32 *)SIFIVE_TEST_BASE = v;
}

void rt_exit(int status)
{
	u32 code = status ? ((u32)status << 16) | SIFIVE_TEST_FAIL
			  : SIFIVE_TEST_PASS;

	/*
	 * OpenSBI 1.1 implements SRST shutdown with the sifive,test "pass"
	 * value whatever the reason, so under it a failure goes straight to
	 * the device to keep QEMU's exit status non-zero.
	 */
	if (status && sbi_impl_id() == SBI_IMPL_OPENSBI)
		sifive_test(code);
	sbi_system_reset(SBI_SRST_SHUTDOWN, status ? SBI_SRST_REASON_FAILURE
						   : SBI_SRST_REASON_NONE);
	sifive_test(code);
	for (;;)
		rt_wfi();
}

void rt_reboot(void)
{
	sbi_system_reset(SBI_SRST_COLD_REBOOT, SBI_SRST_REASON_NONE);
	sifive_test(SIFIVE_TEST_RESET);
	for (;;)
		rt_wfi();
}

void rt_pass(void)
{
	con_printf("PASS %s\n", guest_name);
	rt_exit(0);
}

void rt_fail(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	rt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	con_printf("FAIL %s: %s\n", guest_name, buf);
	rt_exit(1);
}

void rt_lock(struct rt_lock *l)
{
	u32 old;

	for (;;) {
		__asm__ __volatile__("amoswap.w.aq %0, %2, %1"
				     : "=r"(old), "+A"(l->v)
				     : "r"(1u)
				     : "memory");
		if (!old)
			return;
		while (READ_ONCE(l->v))
			rt_pause();
	}
}

void rt_unlock(struct rt_lock *l)
{
	__asm__ __volatile__("amoswap.w.rl zero, zero, %0"
			     : "+A"(l->v)::"memory");
}

u64 rt_timebase(void)
{
	int n, len;
	const void *p;

	if (!rt_dtb || (n = dt_path(rt_dtb, "/cpus")) < 0)
		return DEFAULT_TIMEBASE;
	p = dt_prop(rt_dtb, n, "timebase-frequency", &len);
	if (!p || (len != 4 && len != 8))
		return DEFAULT_TIMEBASE;
	return dt_cells(p, len / 4);
}

const char *rt_bootargs(void)
{
	const char *s;
	int n;

	if (!rt_dtb || (n = dt_path(rt_dtb, "/chosen")) < 0)
		return "";
	s = dt_prop(rt_dtb, n, "bootargs", NULL);
	return s ? s : "";
}

static int root_cells(const char *name, int def)
{
	const void *p = rt_dtb ? dt_prop(rt_dtb, 0, name, NULL) : NULL;

	return p ? (int)dt_cells(p, 1) : def;
}

int rt_ram(u64 *base, u64 *size)
{
	int ac = root_cells("#address-cells", 2);
	int sc = root_cells("#size-cells", 2);
	const void *reg;
	int n, len;

	*base = VIRT_RAM_BASE;
	*size = VIRT_RAM_SIZE;
	if (!rt_dtb || (n = dt_path(rt_dtb, "/memory")) < 0)
		return -1;
	reg = dt_prop(rt_dtb, n, "reg", &len);
	if (!reg || len < 4 * (ac + sc))
		return -1;
	*base = dt_cells(reg, ac);
	*size = dt_cells((const u8 *)reg + 4 * ac, sc);
	return 0;
}

/* Shrinks [*start, *end) so that it does not overlap [lo, hi). */
static void carve(uintptr_t *start, uintptr_t *end, uintptr_t lo, uintptr_t hi)
{
	if (hi <= *start || lo >= *end)
		return;
	if (lo - *start >= *end - hi)
		*end = lo;
	else
		*start = hi;
}

void rt_heap(uintptr_t *start, uintptr_t *end)
{
	extern char _end[];
	u64 base, size;
	int rm, n;

	rt_ram(&base, &size);
	*start = ALIGN_UP((uintptr_t)_end, PAGE_SIZE);
	*end = ALIGN_DOWN((uintptr_t)(base + size), PAGE_SIZE);
	if (!rt_dtb)
		return;
	carve(start, end, ALIGN_DOWN((uintptr_t)rt_dtb, PAGE_SIZE),
	      ALIGN_UP((uintptr_t)rt_dtb + dt_total_size(rt_dtb), PAGE_SIZE));
	rm = dt_path(rt_dtb, "/reserved-memory");
	for (n = rm >= 0 ? dt_first_child(rt_dtb, rm) : -1; n >= 0;
	     n = dt_next_sibling(rt_dtb, n)) {
		int len;
		const u8 *reg = dt_prop(rt_dtb, n, "reg", &len);

		if (reg && len >= 16) {
			u64 lo = dt_cells(reg, 2), sz = dt_cells(reg + 8, 2);

			carve(start, end, ALIGN_DOWN(lo, PAGE_SIZE),
			      ALIGN_UP(lo + sz, PAGE_SIZE));
		}
	}
	if (*end < *start)
		*end = *start;
}

int rt_cpu_ids(unsigned long *ids, int max)
{
	int cpus, n, count = 0;

	if (!rt_dtb || (cpus = dt_path(rt_dtb, "/cpus")) < 0)
		return 0;
	for (n = dt_first_child(rt_dtb, cpus); n >= 0 && count < max;
	     n = dt_next_sibling(rt_dtb, n)) {
		const char *type = dt_prop(rt_dtb, n, "device_type", NULL);
		const char *status = dt_prop(rt_dtb, n, "status", NULL);
		const void *reg;
		int len;

		if (!type || strcmp(type, "cpu"))
			continue;
		if (status && strcmp(status, "okay") && strcmp(status, "ok"))
			continue;
		reg = dt_prop(rt_dtb, n, "reg", &len);
		if (!reg || (len != 4 && len != 8))
			continue;
		ids[count++] = (unsigned long)dt_cells(reg, len / 4);
	}
	return count;
}

int rt_arg(const char *key, char *buf, size_t size)
{
	const char *s = rt_bootargs();
	size_t klen = strlen(key);

	while (*s) {
		const char *w;
		size_t n;

		while (*s == ' ' || *s == '\t')
			s++;
		w = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		n = (size_t)(s - w);
		if (n >= klen && !strncmp(w, key, klen) &&
		    (n == klen || w[klen] == '=')) {
			size_t vlen = n == klen ? 0 : n - klen - 1;

			if (vlen >= size)
				vlen = size - 1;
			memcpy(buf, w + klen + (n == klen ? 0 : 1), vlen);
			buf[vlen] = '\0';
			return 0;
		}
	}
	return -1;
}

u64 rt_arg_u64(const char *key, u64 def)
{
	char buf[32];
	const char *p = buf;
	u64 v = 0;

	if (rt_arg(key, buf, sizeof(buf)) || !buf[0])
		return def;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (u64)(*p++ - '0');
	switch (*p) {
	case 'k': case 'K': v <<= 10; break;
	case 'm': case 'M': v <<= 20; break;
	case 'g': case 'G': v <<= 30; break;
	default: break;
	}
	return v;
}

int rt_arg_flag(const char *key)
{
	char buf[8];

	if (rt_arg(key, buf, sizeof(buf)))
		return 0;
	return buf[0] == '\0' || strcmp(buf, "0") != 0;
}
