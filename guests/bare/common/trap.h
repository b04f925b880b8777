/*
 * S-mode traps: the frame start.S saves, one guest-wide handler, and
 * "expected fault" probes that let S-mode code test an access and get the
 * scause/stval back instead of dying.
 */
#ifndef BARE_TRAP_H
#define BARE_TRAP_H

#include "rt.h"

struct trap_frame {
	u64 regs[32];		/* x0 slot unused; regs[2] is the trapped sp */
	u64 sstatus;
	u64 sepc;
	u64 scause;
	u64 stval;
};
_Static_assert(sizeof(struct trap_frame) == 36 * 8, "start.S frame layout");

/*
 * Called for every trap that is not an expected fault, on the trapping hart
 * with interrupts off. Returns 1 when it handled the trap (it may change the
 * frame, e.g. advance sepc), 0 to have the runtime fail the test.
 */
typedef int (*trap_handler_fn)(struct trap_frame *tf);
void trap_set_handler(trap_handler_fn fn);

/* Length in bytes of the instruction at pc (2 or 4); pc must be readable. */
unsigned int trap_insn_len(uintptr_t pc);

/* Result of a probe: 0 when the access succeeded, else scause (and stval). */
struct trap_probe {
	u64 scause;
	u64 stval;
};

/*
 * Each probe arms the calling hart's expected-fault slot, performs one
 * access and reports the exception, if any, in *p (which it returns the
 * scause of). A faulting load leaves *val untouched.
 */
u64 probe_load64(uintptr_t addr, u64 *val, struct trap_probe *p);
u64 probe_store64(uintptr_t addr, u64 val, struct trap_probe *p);
/* Calls fn() (which must return normally or fault on fetch). */
u64 probe_call(uintptr_t fn, struct trap_probe *p);

/* Saved by rt_enter_user, restored by rt_leave_user (start.S). */
struct rt_kctx {
	u64 regs[14];
};
long rt_enter_user(unsigned long pc, unsigned long usp, struct rt_kctx *k);
__noreturn void rt_leave_user(struct rt_kctx *k, long ret);

#endif
