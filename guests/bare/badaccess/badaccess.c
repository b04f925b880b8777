/*
 * badaccess: what a guest gets for touching nothing and for executing
 * garbage. With translation off (satp = 0), loads, stores, AMOs and
 * instruction fetches at physical addresses that neither QEMU virt nor hv
 * maps must raise access faults (load 5, store/AMO 7, fetch 1) with stval
 * = the address; instructions S-mode may not execute must raise illegal
 * instruction (2) with stval = the instruction word. sepc must point at
 * the faulting instruction (at the target, for a fetch). The holes are
 * chosen from QEMU virt's map: 0 (its unpopulated "debug" slot), 0x10000
 * (just past the boot ROM), 0x8000000 (between the platform bus and the
 * PLIC), 0x18000000 (between fw_cfg and the flash), the end of RAM and
 * 64 GiB (below QEMU's high PCIe window). OpenSBI's PMP lets S-mode reach
 * all of them, so QEMU and hv print the same lines, with one exception:
 * QEMU 7.2 reports an AMO to a hole as a load access fault (5), where the
 * privileged spec (and hv) say store/AMO access fault (7). Bootarg "noamo"
 * leaves the AMO lines out, for the differential test.
 */
#include "sbi.h"
#include "trap.h"

const char guest_name[] = "badaccess";

typedef void stub_fn(uintptr_t arg);
extern stub_fn stub_ld, stub_lbu, stub_fld, stub_lr, stub_sd, stub_sb,
	stub_amo, stub_jump, stub_zero_word, stub_custom0, stub_reserved,
	stub_csrr_mstatus, stub_csrw_cycle, stub_mret, stub_fadd;

/* Written by the trap handler, read after the stub "returns". */
static volatile int expecting;
static volatile u64 got_cause, got_tval, got_epc;
static int failures;

/*
 * Every expected trap: record it and resume at the stub's return address,
 * as if the stub had returned. Anything else is a failure.
 */
static int handler(struct trap_frame *tf)
{
	if (!expecting || (tf->scause & SCAUSE_INTR) ||
	    !(tf->sstatus & SSTATUS_SPP))
		return 0;
	expecting = 0;
	got_cause = tf->scause;
	got_tval = tf->stval;
	got_epc = tf->sepc;
	tf->sepc = tf->regs[1];
	return 1;
}

/*
 * Calls fn(arg), expecting one trap of cause @cause with stval @tval at
 * sepc @epc; prints one line and counts a failure when anything differs.
 */
static void expect(const char *what, stub_fn *fn, uintptr_t arg, u64 cause,
		   u64 tval, uintptr_t epc)
{
	int ok;

	got_cause = got_tval = got_epc = ~0UL;
	expecting = 1;
	barrier();
	fn(arg);
	barrier();
	if (expecting) {
		expecting = 0;
		con_printf("  %-32s no trap  WRONG\n", what);
		failures++;
		return;
	}
	ok = got_cause == cause && got_tval == tval && got_epc == epc;
	con_printf("  %-32s scause=%lx stval=%lx %s\n", what,
		   (unsigned long)got_cause, (unsigned long)got_tval,
		   ok ? "ok" : "WRONG");
	if (!ok && got_epc != epc)
		con_printf("    sepc=%lx, want %lx\n", (unsigned long)got_epc,
			   (unsigned long)epc);
	failures += !ok;
}

static const struct {
	const char *name;
	stub_fn *fn;
	u64 cause;
} mem_ops[] = {
	{ "ld", stub_ld, EXC_LOAD_ACCESS },
	{ "lbu", stub_lbu, EXC_LOAD_ACCESS },
	{ "fld", stub_fld, EXC_LOAD_ACCESS },
	{ "lr.d", stub_lr, EXC_LOAD_ACCESS },
	{ "sd", stub_sd, EXC_STORE_ACCESS },
	{ "sb", stub_sb, EXC_STORE_ACCESS },
	{ "amoadd.w", stub_amo, EXC_STORE_ACCESS },
	{ "jump", stub_jump, EXC_INSN_ACCESS },
};

static void test_holes(void)
{
	u64 ram_base, ram_size;
	uintptr_t holes[] = { 0x0, 0x10000, 0x8000000, 0x18000000, 0,
			      0x1000000000UL };
	int noamo = rt_arg_flag("noamo");
	char what[48];

	rt_ram(&ram_base, &ram_size);
	holes[4] = ram_base + ram_size;
	con_printf("unmapped physical addresses, satp=%lx\n",
		   (unsigned long)csr_read(satp));
	for (size_t h = 0; h < ARRAY_SIZE(holes); h++) {
		for (size_t i = 0; i < ARRAY_SIZE(mem_ops); i++) {
			uintptr_t epc = (uintptr_t)mem_ops[i].fn;

			if (noamo && mem_ops[i].fn == stub_amo)
				continue;
			if (mem_ops[i].cause == EXC_INSN_ACCESS)
				epc = holes[h];
			rt_snprintf(what, sizeof(what), "%s %lx",
				    mem_ops[i].name, (unsigned long)holes[h]);
			expect(what, mem_ops[i].fn, holes[h],
			       mem_ops[i].cause, holes[h], epc);
		}
	}
}

static const struct {
	const char *name;
	stub_fn *fn;
} illegal[] = {
	{ "all-zero word", stub_zero_word },
	{ "custom-0 opcode", stub_custom0 },
	{ "reserved opcode", stub_reserved },
	{ "csrr mstatus", stub_csrr_mstatus },
	{ "csrw cycle", stub_csrw_cycle },
	{ "mret", stub_mret },
};

static void test_illegal(void)
{
	uintptr_t pc;

	con_printf("illegal instructions in S-mode\n");
	for (size_t i = 0; i < ARRAY_SIZE(illegal); i++) {
		pc = (uintptr_t)illegal[i].fn;
		expect(illegal[i].name, illegal[i].fn, 0, EXC_ILLEGAL_INSN,
		       *(const u32 *)pc, pc);
	}

	/* Floating point with sstatus.FS = Off. */
	pc = (uintptr_t)stub_fadd;
	csr_clear(sstatus, SSTATUS_FS);
	expect("fadd.d with FS=Off", stub_fadd, 0, EXC_ILLEGAL_INSN,
	       *(const u32 *)pc, pc);
	csr_set(sstatus, SSTATUS_FS_INITIAL);
}

int guest_main(unsigned long hartid, const void *dtb)
{
	trap_set_handler(handler);
	test_holes();
	test_illegal();
	if (failures)
		rt_fail("%d wrong traps", failures);
	rt_pass();
}
