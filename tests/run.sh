#!/bin/bash
# Runs every test binary and test script given, prints one line each and a
# closing "N passed, N failed" line; exits non-zero if anything failed.
# usage: tests/run.sh BUILD BIN... -- SCRIPT...
build=$1; shift
pass=0; fail=0; skip=0; failed=()
scripts=0
logdir=$build/test-logs
mkdir -p "$logdir"
for t in "$@"; do
	if [ "$t" = "--" ]; then scripts=1; continue; fi
	name=${t#"$build"/}
	log=$logdir/$(echo "$name" | tr / _).log
	start=$(date +%s.%N)
	if [ $scripts = 1 ]; then
		bash "$t" "$build" >"$log" 2>&1; rc=$?
	else
		"$t" >"$log" 2>&1; rc=$?
	fi
	secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
	if [ $rc = 0 ]; then
		pass=$((pass + 1)); printf '  PASS    %s (%ss)\n' "$name" "$secs"
	elif [ $rc = 77 ]; then
		skip=$((skip + 1)); printf '  SKIP    %s: %s\n' "$name" "$(tail -1 "$log")"
	else
		fail=$((fail + 1)); failed+=("$name")
		printf '  FAIL    %s (exit %d), last lines of %s:\n' "$name" $rc "$log"
		tail -20 "$log" | sed 's/^/          /'
	fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
