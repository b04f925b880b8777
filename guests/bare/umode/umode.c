/*
 * umode: Sv39 paging, U-mode and the faults a kernel handles itself.
 *
 * The kernel keeps RAM and the low MMIO identity-mapped with gigapages and
 * builds 4 KiB mappings for the U-mode program (user.S), its stack and two
 * pages it maps only when U-mode faults on them. U-mode makes system calls,
 * executes an illegal instruction and touches a supervisor page; S-mode
 * then checks sstatus.SUM and sstatus.MXR and the hardware A/D updates.
 * Every scause/stval is compared with the value the privileged spec
 * requires; the printed values are the same on QEMU and hv.
 */
#include "sbi.h"
#include "trap.h"

const char guest_name[] = "umode";

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define SATP_SV39 (8UL << 60)

/* All U mappings sit in the one 2 MiB region user_l0 covers. */
#define USER_VA 0x40000000UL
#define USER_STACK_VA 0x40100000UL
#define USER_DEMAND_LOAD 0x40180000UL
#define USER_DEMAND_STORE 0x40181000UL
#define USER_DATA_VA 0x40182000UL
#define KTEST_XONLY_VA 0xc0000000UL
#define KTEST_AD_VA 0xc0001000UL
#define DEMAND_PATTERN 0x1122334455667788UL

#define SYS_PUTS 1
#define SYS_REPORT 2
#define SYS_EXIT 3
#define SYS_ANSWER 4

typedef u64 pte_t;

static pte_t root[512] __attribute__((aligned(4096)));
static pte_t user_l1[512] __attribute__((aligned(4096)));
static pte_t user_l0[512] __attribute__((aligned(4096)));
static pte_t ktest_l1[512] __attribute__((aligned(4096)));
static pte_t ktest_l0[512] __attribute__((aligned(4096)));
static u8 pool[8][4096] __attribute__((aligned(4096)));
static unsigned pool_used;

extern char __user_start[], __user_end[];
extern char user_entry[], user_ret[];

static struct rt_kctx kctx;
static int failures;
static u64 reports[8];

static void check(int ok, const char *what)
{
	con_printf("  %-44s %s\n", what, ok ? "ok" : "WRONG");
	failures += !ok;
}

static void *alloc_page(void)
{
	void *p;

	if (pool_used >= ARRAY_SIZE(pool))
		rt_fail("page pool exhausted");
	p = pool[pool_used++];
	memset(p, 0, PAGE_SIZE);
	return p;
}

static pte_t pte_table(const void *next)
{
	return ((uintptr_t)next >> 12) << 10 | PTE_V;
}

static pte_t pte_leaf(uintptr_t pa, u64 flags)
{
	return (pa >> 12) << 10 | flags | PTE_V;
}

static pte_t *user_pte(uintptr_t va)
{
	if (va - USER_VA >= (2UL << 20))
		rt_fail("user address %lx outside the user region",
			(unsigned long)va);
	return &user_l0[(va >> 12) & 511];
}

static pte_t *ktest_pte(uintptr_t va)
{
	return &ktest_l0[(va >> 12) & 511];
}

static void sfence(uintptr_t va)
{
	__asm__ __volatile__("sfence.vma %0, zero" ::"r"(va) : "memory");
}

static void build_tables(void)
{
	uintptr_t pa;
	u8 *stack, *data, *xonly, *ad;

	/* Gigapages: MMIO (sifive,test for the exit fallback) and RAM. */
	root[0] = pte_leaf(0, PTE_R | PTE_W | PTE_A | PTE_D | PTE_G);
	root[2] = pte_leaf(0x80000000UL, PTE_R | PTE_W | PTE_X | PTE_A |
					     PTE_D | PTE_G);
	root[1] = pte_table(user_l1);
	user_l1[0] = pte_table(user_l0);
	root[3] = pte_table(ktest_l1);
	ktest_l1[0] = pte_table(ktest_l0);

	for (pa = (uintptr_t)__user_start; pa < (uintptr_t)__user_end;
	     pa += PAGE_SIZE)
		*user_pte(USER_VA + pa - (uintptr_t)__user_start) =
			pte_leaf(pa, PTE_U | PTE_R | PTE_X | PTE_A);
	stack = alloc_page();
	*user_pte(USER_STACK_VA - PAGE_SIZE) =
		pte_leaf((uintptr_t)stack, PTE_U | PTE_R | PTE_W | PTE_A | PTE_D);
	data = alloc_page();
	((u64 *)data)[0] = 0xda7a;
	*user_pte(USER_DATA_VA) =
		pte_leaf((uintptr_t)data, PTE_U | PTE_R | PTE_W | PTE_A | PTE_D);

	xonly = alloc_page();
	((u64 *)xonly)[0] = 0x0000006f0000006fUL;	/* "j ." twice */
	*ktest_pte(KTEST_XONLY_VA) = pte_leaf((uintptr_t)xonly, PTE_X | PTE_A);
	ad = alloc_page();
	((u64 *)ad)[0] = 0xad;
	*ktest_pte(KTEST_AD_VA) = pte_leaf((uintptr_t)ad, PTE_R | PTE_W);
}

static uintptr_t user_va(const void *sym)
{
	return USER_VA + ((uintptr_t)sym - (uintptr_t)__user_start);
}

static void sys_puts(uintptr_t va)
{
	char buf[64];
	size_t n = 0;

	csr_set(sstatus, SSTATUS_SUM);
	while (n + 1 < sizeof(buf) && *(const char *)(va + n)) {
		buf[n] = *(const char *)(va + n);
		n++;
	}
	csr_clear(sstatus, SSTATUS_SUM);
	buf[n] = '\0';
	con_printf("user says: %s\n", buf);
}

static int handle_ecall(struct trap_frame *tf)
{
	u64 a0 = tf->regs[10], a1 = tf->regs[11];

	tf->sepc += 4;
	switch (tf->regs[17]) {
	case SYS_PUTS:
		sys_puts(a0);
		return 1;
	case SYS_REPORT:
		con_printf("user report %lu: %lx\n", (unsigned long)a0,
			   (unsigned long)a1);
		if (a0 < ARRAY_SIZE(reports))
			reports[a0] = a1;
		return 1;
	case SYS_ANSWER:
		tf->regs[10] = 42;
		return 1;
	case SYS_EXIT:
		rt_leave_user(&kctx, (long)a0);
	default:
		con_printf("unknown system call %lu\n",
			   (unsigned long)tf->regs[17]);
		return 0;
	}
}

static int demand_map(struct trap_frame *tf)
{
	uintptr_t va = ALIGN_DOWN(tf->stval, PAGE_SIZE);
	u64 *page;

	if (va != USER_DEMAND_LOAD && va != USER_DEMAND_STORE)
		return 0;
	if (*user_pte(va) & PTE_V)
		return 0;	/* faulting again on a mapped page: a bug */
	page = alloc_page();
	page[0] = DEMAND_PATTERN;
	/* A and D left clear: the first access must set them. */
	*user_pte(va) = pte_leaf((uintptr_t)page, PTE_U | PTE_R | PTE_W);
	sfence(va);
	return 1;
}

static int handler(struct trap_frame *tf)
{
	u64 cause = tf->scause;

	if (tf->sstatus & SSTATUS_SPP)
		return 0;	/* only U-mode traps are expected here */
	switch (cause) {
	case EXC_ECALL_U:
		return handle_ecall(tf);
	case EXC_LOAD_PAGE_FAULT:
	case EXC_STORE_PAGE_FAULT:
		con_printf("%s page fault from U: stval=%lx sepc=%lx\n",
			   cause == EXC_LOAD_PAGE_FAULT ? "load" : "store",
			   (unsigned long)tf->stval, (unsigned long)tf->sepc);
		if (demand_map(tf)) {
			con_printf("  mapped on demand, retrying\n");
			return 1;
		}
		con_printf("  no mapping for U-mode there: skipped\n");
		tf->sepc += 4;
		return 1;
	case EXC_ILLEGAL_INSN:
		con_printf("illegal instruction from U: stval=%lx sepc=%lx\n",
			   (unsigned long)tf->stval, (unsigned long)tf->sepc);
		tf->regs[11] = 0xbad;
		tf->sepc += 4;
		return 1;
	default:
		return 0;
	}
}

static const char *flag(pte_t pte, u64 bit)
{
	return pte & bit ? "1" : "0";
}

static void test_sum(void)
{
	struct trap_probe p;
	u64 v = 0;
	char what[64];

	con_printf("SUM: S-mode access to a U page at %lx\n", USER_DATA_VA);
	csr_clear(sstatus, SSTATUS_SUM);
	probe_load64(USER_DATA_VA, &v, &p);
	con_printf("  SUM=0 load: scause=%lx stval=%lx\n",
		   (unsigned long)p.scause, (unsigned long)p.stval);
	check(p.scause == EXC_LOAD_PAGE_FAULT && p.stval == USER_DATA_VA,
	      "SUM=0 load faults");
	probe_store64(USER_DATA_VA, 1, &p);
	check(p.scause == EXC_STORE_PAGE_FAULT && p.stval == USER_DATA_VA,
	      "SUM=0 store faults");

	csr_set(sstatus, SSTATUS_SUM);
	probe_load64(USER_DATA_VA, &v, &p);
	rt_snprintf(what, sizeof(what), "SUM=1 load reads %lx",
		    (unsigned long)v);
	check(p.scause == 0 && v == 0xda7a, what);
	probe_store64(USER_DATA_VA + 8, 0x5e5e, &p);
	check(p.scause == 0, "SUM=1 store works");
	probe_call(user_va(user_ret), &p);
	con_printf("  SUM=1 fetch: scause=%lx stval=%lx\n",
		   (unsigned long)p.scause, (unsigned long)p.stval);
	check(p.scause == EXC_INSN_PAGE_FAULT &&
		      p.stval == user_va(user_ret),
	      "SUM=1 fetch from a U page still faults");
	csr_clear(sstatus, SSTATUS_SUM);
}

static void test_mxr(void)
{
	struct trap_probe p;
	u64 v = 0;

	con_printf("MXR: load from an execute-only page at %lx\n",
		   KTEST_XONLY_VA);
	csr_clear(sstatus, SSTATUS_MXR);
	probe_load64(KTEST_XONLY_VA, &v, &p);
	con_printf("  MXR=0 load: scause=%lx stval=%lx\n",
		   (unsigned long)p.scause, (unsigned long)p.stval);
	check(p.scause == EXC_LOAD_PAGE_FAULT && p.stval == KTEST_XONLY_VA,
	      "MXR=0 load faults");
	csr_set(sstatus, SSTATUS_MXR);
	v = 0;
	probe_load64(KTEST_XONLY_VA, &v, &p);
	con_printf("  MXR=1 load: scause=%lx value=%lx\n",
		   (unsigned long)p.scause, (unsigned long)v);
	check(p.scause == 0 && v == 0x0000006f0000006fUL, "MXR=1 load works");
	probe_store64(KTEST_XONLY_VA, 0, &p);
	check(p.scause == EXC_STORE_PAGE_FAULT, "MXR=1 store still faults");
	csr_clear(sstatus, SSTATUS_MXR);
}

static void test_ad(void)
{
	struct trap_probe p;
	pte_t *pte = ktest_pte(KTEST_AD_VA);
	u64 v = 0;

	con_printf("A/D: page at %lx mapped with A=0 D=0\n", KTEST_AD_VA);
	con_printf("  before:      A=%s D=%s\n", flag(*pte, PTE_A),
		   flag(*pte, PTE_D));
	probe_load64(KTEST_AD_VA, &v, &p);
	con_printf("  after load:  A=%s D=%s (scause=%lx value=%lx)\n",
		   flag(*pte, PTE_A), flag(*pte, PTE_D),
		   (unsigned long)p.scause, (unsigned long)v);
	check(p.scause == 0 && (*pte & PTE_A) && !(*pte & PTE_D),
	      "load sets A only");
	probe_store64(KTEST_AD_VA + 8, 1, &p);
	con_printf("  after store: A=%s D=%s (scause=%lx)\n",
		   flag(*pte, PTE_A), flag(*pte, PTE_D),
		   (unsigned long)p.scause);
	check(p.scause == 0 && (*pte & PTE_A) && (*pte & PTE_D),
	      "store sets D");
}

int guest_main(unsigned long hartid, const void *dtb)
{
	unsigned long satp;
	long rc;
	pte_t ld, st;

	trap_set_handler(handler);
	build_tables();
	csr_write(satp, SATP_SV39 | ((uintptr_t)root >> 12));
	__asm__ __volatile__("sfence.vma" ::: "memory");
	satp = csr_read(satp);
	con_printf("satp mode: %lu\n", satp >> 60);
	if (satp >> 60 != 8)
		rt_fail("Sv39 not accepted (satp=%lx)", satp);

	con_printf("entering U-mode at %lx\n", user_va(user_entry));
	rc = rt_enter_user(user_va(user_entry), USER_STACK_VA, &kctx);
	con_printf("U-mode exited with %ld\n", rc);

	con_printf("checks:\n");
	check(rc == 0, "exit status 0");
	check(reports[1] == DEMAND_PATTERN, "demand-mapped load sees the page");
	check(reports[2] == 0x5a5a0001, "demand-mapped store reads back");
	check(reports[3] == 0xbad, "illegal instruction trapped and skipped");
	check(reports[4] == 42, "system call return value");
	check(reports[5] == 0, "U load of a supervisor page refused");
	check(reports[6] == 0x77, "U-mode stack");
	ld = *user_pte(USER_DEMAND_LOAD);
	st = *user_pte(USER_DEMAND_STORE);
	con_printf("demand load page:  A=%s D=%s\n", flag(ld, PTE_A),
		   flag(ld, PTE_D));
	con_printf("demand store page: A=%s D=%s\n", flag(st, PTE_A),
		   flag(st, PTE_D));
	check((ld & PTE_A) && !(ld & PTE_D), "U load set A only");
	check((st & PTE_A) && (st & PTE_D), "U store set A and D");

	test_sum();
	test_mxr();
	test_ad();

	csr_write(satp, 0);
	__asm__ __volatile__("sfence.vma" ::: "memory");
	if (failures)
		rt_fail("%d checks wrong", failures);
	rt_pass();
}
