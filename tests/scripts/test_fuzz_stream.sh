#!/bin/bash
# Fuzzes the stream reader (tests/fuzz/fuzz_stream_read.c) for a bounded
# time from the generated seed corpus: any crash, sanitizer report, leak or
# timeout fails. The corpus it grows is kept in BUILD/fuzz/corpus/stream
# for the next run. Skips (77) only when clang is not installed.
# usage: tests/scripts/test_fuzz_stream.sh BUILD [SECONDS]   (default 20)
BUILD=${1:?usage: $0 BUILD [SECONDS]}
SECONDS_MAX=${2:-20}
FUZZ=$BUILD/fuzz/fuzz_stream_read
SEEDS=$BUILD/fuzz/seeds/stream
CORPUS=$BUILD/fuzz/corpus/stream

if ! command -v "${FUZZ_CC:-clang}" >/dev/null; then
	echo "skipped: clang not installed (scripts/deps.sh installs it)"
	exit 77
fi
if [ ! -x "$FUZZ" ] || [ ! -f "$SEEDS/.stamp" ]; then
	# run on its own: build what `make check` would have built
	make --no-print-directory -s BUILD="$BUILD" "$FUZZ" "$SEEDS/.stamp" ||
		exit 1
fi
mkdir -p "$CORPUS"
cd "$BUILD/fuzz" || exit 1
./fuzz_stream_read -max_total_time="$SECONDS_MAX" -timeout=10 \
	-rss_limit_mb=2048 -max_len=131072 -print_final_stats=1 \
	-artifact_prefix=crash- corpus/stream seeds/stream
rc=$?
if [ $rc != 0 ]; then
	echo "fuzz_stream_read failed (exit $rc); reproducer: $BUILD/fuzz/crash-*"
	exit 1
fi
