# shellcheck shell=bash
# Helpers for tests that run hvd. Source it after lib-hvdomain.sh (and
# hvdomain_setup) with BUILD set; it sets HVD, HVCTL and HV_CONTROL.
#
#   need_hvd                  exits 77 (skipped) unless hvd and hvctl are built
#   start_hvd                 hvd on $tmp/state and $HV_CONTROL, logging to
#                             $tmp/hvd.log; returns once it serves (its
#                             --ready-fd); sets $hvd_pid
#   field DOM KEY             a value from hvctl --json info DOM
#   hvdomains                 how many hvdomains run on $tmp/state

HVD=$BUILD/bin/hvd
HVCTL=$(realpath -m "$BUILD/bin/hvctl")

need_hvd() {
	local b

	for b in "$HVD" "$HVCTL"; do
		[ -x "$b" ] || { echo "skipped: $b not built"; exit 77; }
	done
}

start_hvd() {
	local fifo=$tmp/hvd.ready.$((ready_n += 1)) line=

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
