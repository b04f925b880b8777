#!/bin/bash
# Runs one libFuzzer target for a bounded time from its seed corpus: any
# crash, sanitizer report, leak or timeout fails. The corpus it grows is
# kept in BUILD/fuzz/corpus/NAME for the next run. Used by the
# test_fuzz_*.sh scripts; skips (77) only when clang is not installed.
# usage: tests/scripts/fuzz-run.sh BUILD TARGET NAME SECONDS [LIBFUZZER-OPTION...]
BUILD=${1:?usage: $0 BUILD TARGET NAME SECONDS [OPTION...]}
TARGET=$2
NAME=$3
SECONDS_MAX=$4
shift 4
SEEDS=$BUILD/fuzz/seeds/$NAME
CORPUS=$BUILD/fuzz/corpus/$NAME

if ! command -v "${FUZZ_CC:-clang}" >/dev/null; then
	echo "skipped: clang not installed (scripts/deps.sh installs it)"
	exit 77
fi
if [ ! -x "$BUILD/fuzz/$TARGET" ] || [ ! -f "$SEEDS/.stamp" ]; then
	# run on its own: build what `make check` would have built
	make --no-print-directory -s BUILD="$BUILD" "$BUILD/fuzz/$TARGET" \
		"$SEEDS/.stamp" || exit 1
fi
mkdir -p "$CORPUS"
cd "$BUILD/fuzz" || exit 1
"./$TARGET" -max_total_time="$SECONDS_MAX" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="crash-$NAME-" "$@" \
	"corpus/$NAME" "seeds/$NAME"
rc=$?
if [ $rc != 0 ]; then
	echo "$TARGET failed (exit $rc); reproducer: $BUILD/fuzz/crash-$NAME-*"
	exit 1
fi
