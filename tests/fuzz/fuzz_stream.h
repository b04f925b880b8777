/* SPDX-License-Identifier: MIT */
/* What the stream fuzz target and its seed generator agree on. */
#ifndef HV_TESTS_FUZZ_STREAM_H
#define HV_TESTS_FUZZ_STREAM_H

/* Pages of the fuzz target's fake guest RAM: seeds describe such a domain. */
#define FUZZ_STREAM_PAGES 16

#endif
