#!/bin/bash
# hvrun's console. On a terminal (a pty, driven by hvrun_pty.py): the
# terminal is raw while the guest runs, typed bytes (Ctrl-C included)
# reach the guest, Ctrl-] quits with status 130 from a spinning or
# sleeping guest, input after it is dropped, and the terminal settings are
# restored after the escape key, a clean poweroff and SIGTERM. Through a
# pipe: input reaches the guest in order and complete (100 KB, more than
# the UART holds), Ctrl-] is just a byte, and EOF does not stop the guest.
# Skips (77) when hvrun, python3 or the guest images are missing.
# usage: tests/scripts/test_hvrun_console.sh BUILD
BUILD=${1:?usage: $0 BUILD}
GUESTDIR=${GUESTDIR:-build/guests}
HVRUN=$BUILD/bin/hvrun
PYTHON=/usr/bin/python3
HERE=$(dirname "$0")
. "$HERE/lib-hvrun.sh"

need_guests spin echo hello
if [ ! -x "$PYTHON" ]; then
	echo "skipped: $PYTHON not installed"
	exit 77
fi
ECHO=$GUESTDIR/echo.elf

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# result NAME VERDICT
result() {
	if [ "$2" = ok ]; then
		printf '%-20s ok\n' "$1"
	else
		printf '%-20s FAIL: %s\n' "$1" "$2"
		sed 's/^/    stderr: /' "$tmp/err" | head -20
		failed=1
	fi
}

# pipe_run NAME INPUT_FILE: the echo guest fed INPUT_FILE through a pipe
pipe_run() {
	cat "$2" | timeout -s KILL 60 "$HVRUN" "$ECHO" >"$tmp/out" 2>"$tmp/err"
	rc=${PIPESTATUS[1]}
}

echo "== terminal"
"$PYTHON" "$HERE/hvrun_pty.py" "$HVRUN" "$GUESTDIR" || failed=1

echo "== pipe"
printf 'hello, World 1q' >"$tmp/in"
pipe_run pipe-typing "$tmp/in"
verdict=ok
if [ "$rc" != 0 ]; then
	verdict="exit $rc"
elif ! grep -qx 'HELLO, WORLD 1' "$tmp/out" ||
     ! grep -qx 'echo: 14 bytes' "$tmp/out" ||
     ! grep -qx 'PASS echo' "$tmp/out"; then
	verdict="wrong output: $(head -c 300 "$tmp/out")"
fi
san_report "$tmp/err" && verdict="sanitizer report"
result pipe-typing "$verdict"

# Ctrl-] quits only on a terminal; through a pipe it is guest input.
printf 'a\035bq' >"$tmp/in"
pipe_run pipe-escape-byte "$tmp/in"
verdict=ok
if [ "$rc" != 0 ]; then
	verdict="exit $rc"
elif ! grep -qx "$(printf 'A\035B')" "$tmp/out" ||
     ! grep -qx 'echo: 3 bytes' "$tmp/out"; then
	verdict="wrong output: $(head -c 300 "$tmp/out" | od -c | head -5)"
fi
san_report "$tmp/err" && verdict="sanitizer report"
result pipe-escape-byte "$verdict"

# Far more than the UART holds (4 KiB): nothing lost or reordered.
# (a..p only: a "q" would end the guest)
"$PYTHON" -c '
import sys
sys.stdout.write("".join(chr(97 + i % 16) for i in range(100000)) + "q")
' >"$tmp/in"
pipe_run pipe-100K "$tmp/in"
verdict=ok
want=$(head -c 100000 "$tmp/in" | tr a-z A-Z | md5sum)
got=$(sed -n 2p "$tmp/out" | head -c 100000 | md5sum)
if [ "$rc" != 0 ]; then
	verdict="exit $rc"
elif ! grep -qx 'echo: 100000 bytes' "$tmp/out"; then
	verdict="wrong count: $(grep 'echo:' "$tmp/out" | tail -1)"
elif [ "$want" != "$got" ]; then
	verdict="echoed bytes differ from the input"
fi
san_report "$tmp/err" && verdict="sanitizer report"
result pipe-100K "$verdict"

# EOF on stdin leaves the guest running: it still echoes, then SIGTERM.
rm -f "$tmp/out" "$tmp/err"
# (Not `printf | hvrun &`: $! would be the pipeline's subshell and the
# SIGTERM below would orphan hvrun.)
printf 'ab' >"$tmp/ab"
"$HVRUN" "$ECHO" <"$tmp/ab" >"$tmp/out" 2>"$tmp/err" &
pid=$!
verdict=ok
if ! wait_for_text "$tmp/out" '^AB' "$pid" 30; then
	verdict="'AB' never appeared"
fi
kill -TERM "$pid" 2>/dev/null
wait_exit "$pid" 10
if [ "$verdict" = ok ] && [ "$rc" != 143 ]; then
	verdict="exit $rc, want 143 (SIGTERM after EOF)"
fi
san_report "$tmp/err" && verdict="sanitizer report"
result pipe-eof "$verdict"

# Input the guest never reads, beyond what the UART holds, must not keep
# hvrun from exiting once the guest has powered off.
(head -c 8192 /dev/zero | timeout -s KILL 5 "$HVRUN" \
		"$GUESTDIR/hello.elf" >"$tmp/out" 2>"$tmp/err"
	 exit "${PIPESTATUS[1]}") 2>/dev/null
rc=$?
if [ "$rc" = 0 ]; then
	result unread-input-exit ok
else
	result unread-input-exit "exit $rc: hvrun hangs at poweroff with unread input"
fi

exit $failed
