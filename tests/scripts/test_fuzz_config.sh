#!/bin/bash
# Fuzzes the domain config parser and its canonical form
# (tests/fuzz/fuzz_domain_config.c) for a bounded time from the committed
# seed configs (tests/fuzz/config/) with a dictionary of the format's
# keys and tokens (tests/scripts/fuzz-run.sh).
# usage: tests/scripts/test_fuzz_config.sh BUILD [SECONDS]   (default 20)
DICT=$(cd "$(dirname "$0")/../fuzz" && pwd)/domain_config.dict
exec bash "$(dirname "$0")/fuzz-run.sh" "${1:?usage: $0 BUILD [SECONDS]}" \
	fuzz_domain_config config "${2:-20}" -max_len=8192 -dict="$DICT"
