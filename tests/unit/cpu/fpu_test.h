/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the FPU unit tests: bit casts, a small seeded
 * generator, and the check macros that print the failing operation.
 */
#ifndef HV_TEST_FPU_TEST_H
#define HV_TEST_FPU_TEST_H

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "cpu/fpu.h"

#define NX FFLAG_NX
#define UF FFLAG_UF
#define OF FFLAG_OF
#define DZ FFLAG_DZ
#define NV FFLAG_NV

#define CANON_S 0xffffffff7fc00000ull	/* boxed canonical NaN */
#define CANON_D 0x7ff8000000000000ull

static inline uint64_t dbits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static inline double bitsd(uint64_t u)
{
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static inline uint32_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static inline float bitsf(uint32_t u)
{
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/* A boxed single from a C float. */
static inline uint64_t sf(float f)
{
	return FPU_BOX(fbits(f));
}

/*
 * Compares a result and the flags it raised with the expected ones and
 * fails the test, naming the expression, if either differs.
 */
#define CHECK(expr, want, want_flags)					\
	do {								\
		unsigned fl_ = 0;					\
		unsigned *flags __attribute__((unused)) = &fl_;	\
		uint64_t got_ = (expr);					\
		uint64_t want_ = (want);				\
		if (got_ != want_ || fl_ != (unsigned)(want_flags))	\
			fail_msg("%s:%d: %s = %#llx flags %#x, want "	\
				 "%#llx flags %#x", __FILE__, __LINE__,	\
				 #expr, (unsigned long long)got_, fl_,	\
				 (unsigned long long)want_,		\
				 (unsigned)(want_flags));		\
	} while (0)

#endif
