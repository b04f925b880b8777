#!/bin/bash
# Fuzzes hvdomain's domctl record decoding and request handling
# (tests/fuzz/fuzz_domctl_server.c) for a bounded time from the generated
# seed corpus (tests/scripts/fuzz-run.sh). The target's own stderr (the
# domain's log lines about rejected state) is closed; libFuzzer's reports
# still print.
# usage: tests/scripts/test_fuzz_domctl.sh BUILD [SECONDS]   (default 20)
exec bash "$(dirname "$0")/fuzz-run.sh" "${1:?usage: $0 BUILD [SECONDS]}" \
	fuzz_domctl_server domctl "${2:-20}" -max_len=8192 -close_fd_mask=2
