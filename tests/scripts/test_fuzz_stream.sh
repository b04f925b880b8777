#!/bin/bash
# Fuzzes the stream reader (tests/fuzz/fuzz_stream_read.c) for a bounded
# time from the generated seed corpus (tests/scripts/fuzz-run.sh).
# usage: tests/scripts/test_fuzz_stream.sh BUILD [SECONDS]   (default 20)
exec bash "$(dirname "$0")/fuzz-run.sh" "${1:?usage: $0 BUILD [SECONDS]}" \
	fuzz_stream_read stream "${2:-20}" -max_len=131072
