#!/bin/bash
# Fuzzes the control protocol's record and envelope decoding
# (tests/fuzz/fuzz_control_decode.c) for a bounded time from the
# generated seed corpus (tests/scripts/fuzz-run.sh).
# usage: tests/scripts/test_fuzz_control.sh BUILD [SECONDS]   (default 10)
exec bash "$(dirname "$0")/fuzz-run.sh" "${1:?usage: $0 BUILD [SECONDS]}" \
	fuzz_control_decode control "${2:-10}" -max_len=70000
