#!/bin/bash
# Fuzzes the peer hello, both ways (tests/fuzz/fuzz_peer_hello.c), for a
# bounded time from the generated seed corpus (tests/scripts/fuzz-run.sh).
# usage: tests/scripts/test_fuzz_peer.sh BUILD [SECONDS]   (default 10)
exec bash "$(dirname "$0")/fuzz-run.sh" "${1:?usage: $0 BUILD [SECONDS]}" \
	fuzz_peer_hello peer "${2:-10}" -max_len=4096
