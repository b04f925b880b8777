#!/bin/bash
# Helpers for tests that run hvrun directly. Source it with HVRUN set.
#
#   san_report FILE           true when FILE holds an ASan/UBSan/LSan report
#   wait_for_text FILE RE PID SECS
#                             polls FILE until a line matches RE; fails when
#                             PID exits first or SECS pass
#   wait_exit PID SECS        waits at most SECS for background job PID and
#                             sets $rc to its status; kills it (status 137)
#                             when it is still running then

# need_guests NAME...: exits 77 (skipped) unless $HVRUN and
# $GUESTDIR/NAME.elf for each NAME are built.
need_guests() {
	local g

	if [ ! -x "$HVRUN" ]; then
		echo "skipped: $HVRUN not built"
		exit 77
	fi
	for g in "$@"; do
		if [ ! -f "$GUESTDIR/$g.elf" ]; then
			echo "skipped: $GUESTDIR/$g.elf not built (make all)"
			exit 77
		fi
	done
}

san_report() {
	grep -qE 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$1"
}

wait_for_text() {
	local file=$1 re=$2 pid=$3 secs=$4 t=0

	while ! grep -qE "$re" "$file" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || return 1
		[ "$t" -ge $((secs * 20)) ] && return 1
		sleep 0.05
		t=$((t + 1))
	done
}

wait_exit() {
	local pid=$1 secs=$2 t=0

	while kill -0 "$pid" 2>/dev/null; do
		if [ "$t" -ge $((secs * 20)) ]; then
			kill -KILL "$pid" 2>/dev/null
			break
		fi
		sleep 0.05
		t=$((t + 1))
	done
	wait "$pid"
	rc=$?
}
