# shellcheck shell=bash
# Helpers for tests that run hvd. Source it after lib-hvdomain.sh (and
# hvdomain_setup) with BUILD set; it sets HVD, HVCTL and HV_CONTROL.
#
#   need_hvd                  exits 77 (skipped) unless hvd and hvctl are built
#   start_hvd                 hvd on $tmp/state and $HV_CONTROL, logging to
#                             $tmp/hvd.log; returns once it serves (its
#                             --ready-fd); sets $hvd_pid. The hvdomains it
#                             starts (in sessions of their own) are killed
#                             on exit with everything in $pids
#   field DOM KEY             a value from hvctl --json info DOM
#   hvdomains                 how many hvdomains run on $tmp/state
#   hvd_test_end WHAT         stops hvd, checks the logs for sanitizer
#                             reports, says "WHAT: all ok", exits $failed

HVD=$BUILD/bin/hvd
HVCTL=$(realpath -m "$BUILD/bin/hvctl")

need_hvd() {
	local b

	for b in "$HVD" "$HVCTL"; do
		[ -x "$b" ] || { echo "skipped: $b not built"; exit 77; }
	done
}

hvd_cleanup() {
	pkill -KILL -f "hvdomain --socket $tmp/state/" 2>/dev/null
	hvdomain_cleanup
}

start_hvd() {
	local fifo=$tmp/hvd.ready.$((ready_n += 1)) line=

	trap hvd_cleanup EXIT

	export HV_CONTROL=$tmp/hvd.sock
	mkfifo "$fifo"
	"$HVD" --name hostA --state-dir "$tmp/state" --control "$HV_CONTROL" \
		--ready-fd 3 3>"$fifo" >>"$tmp/hvd.log" 2>&1 &
	hvd_pid=$!
	pids+=("$hvd_pid")
	read -r line <"$fifo"
	[ "$line" = ready ] || { fail "hvd did not start"; cat "$tmp/hvd.log"; exit 1; }
}

field() {
	"$HVCTL" --json info "$1" | python3 -c \
		"import json,sys; print(json.load(sys.stdin)['$2'])"
}

hvdomains() {
	pgrep -fc "hvdomain.*$tmp/state" || true
}

# hvd_test_end WHAT: stops hvd (TERM), fails on a sanitizer report in
# $tmp/*.log, prints "WHAT: all ok" when nothing failed and exits $failed
hvd_test_end() {
	local f

	kill -TERM "$hvd_pid" 2>/dev/null	# unless it ended already
	wait "$hvd_pid"
	for f in "$tmp"/*.log; do
		san_report "$f" && fail "sanitizer report in $f"
	done
	[ "$failed" = 0 ] && echo "$1: all ok"
	exit "$failed"
}
