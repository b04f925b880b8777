/*
 * Runtime of the bare S-mode test guests: entry, per-hart stacks, exit,
 * console, DTB queries and the few libc functions the compiler may call.
 * Runs unmodified under QEMU virt + OpenSBI and under hv (which is the SBI).
 *
 * Conventions: tp holds the hart id in S-mode (set by start.S, never changed
 * by guest code, user code included). Every guest defines guest_name and
 * guest_main(); guest_secondary() is optional (default: park the hart).
 */
#ifndef BARE_RT_H
#define BARE_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define RT_MAX_HARTS 8
#define RT_STACK_SIZE 65536
#define PAGE_SIZE 4096UL

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uintptr_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uintptr_t)(a) - 1))
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier() __asm__ __volatile__("" ::: "memory")
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noreturn __attribute__((noreturn))

/* CSR numbers and bits used by the guests. */
#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_SUM (1UL << 18)
#define SSTATUS_MXR (1UL << 19)
#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)
#define SIP_SSIP SIE_SSIE
#define SIP_STIP SIE_STIE
#define SCAUSE_INTR (1UL << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define EXC_INSN_MISALIGNED 0
#define EXC_INSN_ACCESS 1
#define EXC_ILLEGAL_INSN 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INSN_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

#define csr_read(csr)                                                    \
	({                                                               \
		unsigned long __v;                                       \
		__asm__ __volatile__("csrr %0, " #csr : "=r"(__v)::"memory"); \
		__v;                                                     \
	})
#define csr_write(csr, val)                                              \
	__asm__ __volatile__("csrw " #csr ", %0" ::"rK"(val) : "memory")
#define csr_set(csr, val)                                                \
	__asm__ __volatile__("csrs " #csr ", %0" ::"rK"(val) : "memory")
#define csr_clear(csr, val)                                              \
	__asm__ __volatile__("csrc " #csr ", %0" ::"rK"(val) : "memory")

static inline unsigned long rt_hartid(void)
{
	unsigned long id;

	__asm__("mv %0, tp" : "=r"(id));
	return id;
}

static inline u64 rt_time(void)
{
	u64 t;

	__asm__ __volatile__("rdtime %0" : "=r"(t)::"memory");
	return t;
}

static inline void rt_wfi(void)
{
	__asm__ __volatile__("wfi" ::: "memory");
}

static inline void rt_pause(void)
{
	/* "pause" (Zihintpause) is a fence hint: harmless where unknown. */
	__asm__ __volatile__(".4byte 0x0100000f" ::: "memory");
}

/* A test-and-set spinlock (amoswap.w.aq / release store). */
struct rt_lock {
	volatile u32 v;
};
void rt_lock(struct rt_lock *l);
void rt_unlock(struct rt_lock *l);

/* Defined by each guest. */
extern const char guest_name[];
/* Boot hart body; its return value is the exit status (0 = pass). */
int guest_main(unsigned long hartid, const void *dtb);
/* Entry of a hart started by sbi_hart_start(id, rt_secondary_entry, opaque). */
void guest_secondary(unsigned long hartid, unsigned long opaque);
/* Physical address to hand to sbi_hart_start() for guest_secondary(). */
extern char rt_secondary_entry[];

extern const void *rt_dtb;
extern unsigned long rt_boot_hartid;

/*
 * Ends the run: SBI SRST shutdown (reason none when status is 0, failure
 * otherwise), falling back to the sifive,test device at 0x100000.
 */
__noreturn void rt_exit(int status);
/* Asks for a cold reboot: SBI SRST, else sifive,test's reset value. */
__noreturn void rt_reboot(void);
/* Prints "PASS <guest_name>" and exits 0. */
__noreturn void rt_pass(void);
/* Prints "FAIL <guest_name>: <reason>" and exits 1. */
__noreturn __printf(1, 2) void rt_fail(const char *fmt, ...);

/* Console: printf subset %d %i %u %x %X %s %c %p %% with l/ll/z, width, 0 and -. */
__printf(1, 2) int con_printf(const char *fmt, ...);
int con_vprintf(const char *fmt, va_list ap);
__printf(3, 4) int rt_snprintf(char *buf, size_t size, const char *fmt, ...);
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void con_puts(const char *s);

/* DTB queries; every one falls back to the virt machine's defaults. */
u64 rt_timebase(void);
/* /chosen/bootargs, or "" */
const char *rt_bootargs(void);
/* RAM from /memory; returns 0 or -1 when not found. */
int rt_ram(u64 *base, u64 *size);
/* Free memory from _end to the end of RAM, less the DTB and reserved-memory. */
void rt_heap(uintptr_t *start, uintptr_t *end);
/* Hart ids of /cpus/cpu@* that are not disabled; returns the count. */
int rt_cpu_ids(unsigned long *ids, int max);

/* bootargs "key=value" lookup: value copied to buf; 0 found, -1 not. */
int rt_arg(const char *key, char *buf, size_t size);
/* bootargs: key=NUMBER with optional K/M/G suffix; def if absent. */
u64 rt_arg_u64(const char *key, u64 def);
/* bootargs: bare flag "key" (or key=1) present. */
int rt_arg_flag(const char *key);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
