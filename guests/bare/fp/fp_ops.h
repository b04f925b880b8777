/*
 * One small function per (instruction, rounding mode): operands and result
 * travel as raw bits through integer registers, the instruction runs in
 * inline asm with fflags cleared just before and read just after, so the
 * compiler can neither fold nor reorder anything. Single-precision operands
 * are moved in with fmv.d.x, so callers choose the NaN boxing, and results
 * come out with fmv.x.d, so the boxing of results is visible too.
 */
#ifndef BARE_FP_OPS_H
#define BARE_FP_OPS_H

#include "rt.h"

typedef u64 (*fop_fn)(u64 a, u64 b, u64 c, u64 *fl);

enum fop_kind {
	K_FF1,		/* fp -> fp */
	K_FF2,		/* fp, fp -> fp */
	K_FF3,		/* fp, fp, fp -> fp */
	K_IF,		/* fp -> integer */
	K_FI,		/* integer -> fp */
	K_CMP,		/* fp, fp -> integer */
};

struct fop {
	const char *name;
	enum fop_kind kind;
	int has_rm;
	fop_fn fn[6];	/* rne rtz rdn rup rmm dyn; fn[0] only without rm */
};

#define FOP_IN1 "fmv.d.x ft0, %[a]\n\t"
#define FOP_IN2 FOP_IN1 "fmv.d.x ft1, %[b]\n\t"
#define FOP_IN3 FOP_IN2 "fmv.d.x ft2, %[c]\n\t"
#define FOP_CLR "csrw fflags, zero\n\t"
#define FOP_FL "\n\tcsrr %[f], fflags"
#define FOP_OUTF FOP_FL "\n\tfmv.x.d %[r], ft3"
#define FOP_OPS : [r] "=&r"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b), [c] "r"(c) \
	: "ft0", "ft1", "ft2", "ft3"

#define FOP_FN(fn, body)                                                 \
	static u64 fn(u64 a, u64 b, u64 c, u64 *fl)                      \
	{                                                                \
		u64 r, f;                                                \
		__asm__ __volatile__(body FOP_OPS);                       \
		*fl = f;                                                 \
		return r;                                                \
	}

#define DEF_FF1(fn, insn, rm) \
	FOP_FN(fn, FOP_IN1 FOP_CLR insn " ft3, ft0" rm FOP_OUTF)
#define DEF_FF2(fn, insn, rm) \
	FOP_FN(fn, FOP_IN2 FOP_CLR insn " ft3, ft0, ft1" rm FOP_OUTF)
#define DEF_FF3(fn, insn, rm) \
	FOP_FN(fn, FOP_IN3 FOP_CLR insn " ft3, ft0, ft1, ft2" rm FOP_OUTF)
#define DEF_IF(fn, insn, rm) \
	FOP_FN(fn, FOP_IN1 FOP_CLR insn " %[r], ft0" rm FOP_FL)
#define DEF_FI(fn, insn, rm) \
	FOP_FN(fn, FOP_CLR insn " ft3, %[a]" rm FOP_OUTF)
#define DEF_CMP(fn, insn, rm) \
	FOP_FN(fn, FOP_IN2 FOP_CLR insn " %[r], ft0, ft1" FOP_FL)

/* Six functions, one per rounding mode, and the table entry naming them. */
#define DEF_RM(def, id, insn)                     \
	def(id##_rne, insn, ", rne")              \
	def(id##_rtz, insn, ", rtz")              \
	def(id##_rdn, insn, ", rdn")              \
	def(id##_rup, insn, ", rup")              \
	def(id##_rmm, insn, ", rmm")              \
	def(id##_dyn, insn, ", dyn")
#define DEF_NORM(def, id, insn) def(id##_rne, insn, "")
#define FOP_RM(id, insn, kind) \
	{ insn, kind, 1, { id##_rne, id##_rtz, id##_rdn, id##_rup, id##_rmm, id##_dyn } }
#define FOP_NORM(id, insn, kind) { insn, kind, 0, { id##_rne } }

#endif
