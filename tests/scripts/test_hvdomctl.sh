#!/bin/bash
# hvdomctl's small commands and its console (docs/hvdomctl.md):
#  - info/pause/unpause/destroy move the domain through its states and
#    destroy ends hvdomain with status 0;
#  - console over a pipe: 100000 bytes into the echo guest while it is
#    still created (nothing accepted until unpause) and through the UART's
#    4 KiB queue all arrive, in order; the console ends when the guest
#    powers off;
#  - with stdin at EOF the console ends once the guest is quiet (--idle);
#  - console on a terminal (domctl_console_pty.py): raw while attached,
#    Ctrl-C reaches the guest, Ctrl-] detaches (exit 0) with the guest
#    still running and nothing typed after it delivered, a second attach
#    carries on, SIGTERM ends it (143); the terminal settings come back;
#  - usage errors exit 2, an unreachable socket 1.
# usage: tests/scripts/test_hvdomctl.sh BUILD      (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
. tests/scripts/lib-hvrun.sh
. tests/scripts/lib-hvdomain.sh
need_hvdomain echo spin
hvdomain_setup

state() { "$HVDOMCTL" --socket "$1" info | awk '/^state/ {print $2}'; }

echo "== states"
s=$tmp/spin.sock
if start_domain "$s" "$s.log" --name spinner --memory 32M --vcpus 2 \
	--kernel "$GUESTDIR/spin.elf"; then
	"$HVDOMCTL" --socket "$s" info >"$tmp/info" || fail "info"
	grep -qx 'name      spinner' "$tmp/info" || fail "info: $(cat "$tmp/info")"
	seen=$(state "$s")
	"$HVDOMCTL" --socket "$s" unpause || fail "unpause"
	seen="$seen $(state "$s")"
	"$HVDOMCTL" --socket "$s" pause || fail "pause"
	seen="$seen $(state "$s")"
	"$HVDOMCTL" --socket "$s" unpause || fail "unpause"
	seen="$seen $(state "$s")"
	[ "$seen" = "created running paused running" ] ||
		fail "states: $seen"
	"$HVDOMCTL" --socket "$s" console --replay --idle 200 </dev/null \
		>"$tmp/spin.out" 2>&1
	rc=$?
	[ $rc = 0 ] || fail "console at EOF: exit $rc"
	grep -q '^spinning mode=loop' "$tmp/spin.out" ||
		fail "console --replay: $(cat "$tmp/spin.out")"
	"$HVDOMCTL" --socket "$s" destroy || fail "destroy"
	wait_exit "$dom_pid" 30
	[ "$rc" = 0 ] || fail "hvdomain after destroy: exit $rc"
	echo "states: $seen; destroyed, hvdomain exit $rc"
fi

echo "== console over a pipe"
s=$tmp/echo.sock
if start_domain "$s" "$s.log" --memory 32M --kernel "$GUESTDIR/echo.elf"; then
	{ head -c 100000 /dev/zero | tr '\0' 'a'; printf q; } |
		"$HVDOMCTL" --socket "$s" console --replay >"$tmp/echo.out" \
		2>"$tmp/echo.err" &
	con_pid=$!
	pids+=("$con_pid")
	"$HVDOMCTL" --socket "$s" unpause || fail "unpause"
	wait_exit "$con_pid" 120
	[ "$rc" = 0 ] || fail "console: exit $rc: $(cat "$tmp/echo.err")"
	grep -qx 'echo: 100000 bytes' "$tmp/echo.out" ||
		fail "echo: $(tail -2 "$tmp/echo.out")"
	grep -qx 'PASS echo' "$tmp/echo.out" || fail "echo did not pass"
	a=$(grep -xE 'A+' "$tmp/echo.out" | tr -d '\n' | wc -c)
	[ "$a" = 100000 ] || fail "echo: $a of 100000 bytes came back"
	echo "console: 100000 bytes in, $a back, $(grep -c . "$tmp/echo.out") lines"
	"$HVDOMCTL" --socket "$s" destroy || fail "destroy"
	wait_exit "$dom_pid" 30
fi

echo "== console on a terminal"
e=$tmp/tty-echo.sock p=$tmp/tty-spin.sock
if start_domain "$e" "$e.log" --name tty-echo --memory 32M --start \
	--kernel "$GUESTDIR/echo.elf" &&
   start_domain "$p" "$p.log" --name tty-spin --memory 32M --start \
	--kernel "$GUESTDIR/spin.elf"; then
	spin_pid=$dom_pid
	python3 tests/scripts/domctl_console_pty.py "$HVDOMCTL" "$e" "$p" ||
		fail "console on a terminal"
	[ "$(state "$p")" = running ] ||
		fail "spin guest not running after its console got SIGTERM"
	"$HVDOMCTL" --socket "$p" destroy || fail "destroy spin"
	wait_exit "$spin_pid" 30
fi

echo "== usage and failures"
for args in "" "frobnicate" "info extra" "save" "--socket $s save a b" \
	    "--socket $s info --keep-running" "--socket $s console --idle x" \
	    "restore f.sav"; do
	# shellcheck disable=SC2086
	"$HVDOMCTL" $args >"$tmp/u.out" 2>&1
	rc=$?
	[ $rc = 2 ] || fail "hvdomctl $args: exit $rc, want 2"
done
"$HVDOMCTL" --socket "$tmp/none.sock" info >"$tmp/u.out" 2>&1
rc=$?
if [ $rc != 1 ] || ! grep -q "none.sock" "$tmp/u.out"; then
	fail "unreachable socket: exit $rc: $(cat "$tmp/u.out")"
else
	echo "unreachable: $(cat "$tmp/u.out")"
fi

for f in "$tmp"/*.log "$tmp"/*.err "$tmp"/*.out*; do
	san_report "$f" && fail "sanitizer report in $f"
done
[ $failed = 0 ] && echo "hvdomctl: all ok"
exit $failed
