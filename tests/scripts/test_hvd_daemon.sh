#!/bin/bash
# hvd --daemon and --log syslog (docs/hvd.md):
#  - `hvd --daemon` returns 0 only once its control socket answers; the
#    pid file names the daemon, a session leader in /, stdio on /dev/null,
#    relative paths made absolute; TERM ends it and removes the pid file;
#  - a daemon that cannot start makes `hvd --daemon` exit non-zero with
#    the error on its stderr;
#  - `daemon = "yes"` and `log = "syslog"` in hvd.conf: the lines go to
#    /dev/log as syslog datagrams of facility daemon with the priority of
#    their level (info 30, warning 28), tagged hvd[PID]. /dev/log is a
#    socket of this test's, bound over /dev in a mount namespace of the
#    daemon's own (no syslog daemon needed, the host's left alone).
# usage: tests/scripts/test_hvd_daemon.sh BUILD      (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
HVD=$(realpath -m "$BUILD/bin/hvd")
HVCTL=$(realpath -m "$BUILD/bin/hvctl")
for b in "$HVD" "$HVCTL"; do
	[ -x "$b" ] || { echo "skipped: $b not built"; exit 77; }
done
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
tmp=$(mktemp -d "$(realpath "$BUILD")/hvd-daemon-test.XXXXXX") || exit 1
failed=0
pids=()
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	local f
	# the daemons, also those a failed check left before recording them
	for f in "$tmp/run/hvd.pid" "$tmp/d3.pid"; do
		[ -f "$f" ] && pids+=("$(cat "$f")")
	done
	[ ${#pids[@]} = 0 ] || kill -KILL "${pids[@]}" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; failed=1; }
: >"$tmp/empty.conf"

# stat_field PID N: field N of /proc/PID/stat (3 the state, 4 the
# parent, 6 the session)
stat_field() {
	local s f
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -ra f <<<"${s##*) }"
	echo "${f[$2 - 3]}"
}
gone() { [ ! -e "/proc/$1" ] || [ "$(stat_field "$1" 3)" = Z ]; }
# wait_gone PID: polled for at most 10 s
wait_gone() {
	local i
	for ((i = 0; i < 200; i++)); do gone "$1" && return 0; sleep 0.05; done
	return 1
}

echo "== --daemon returns once the socket answers"
mkdir -p "$tmp/run"
(cd "$tmp/run" && timeout 20 "$HVD" --daemon --config "$tmp/empty.conf" \
	--name d1 --state-dir state --control d.sock --pid-file hvd.pid \
	--listen off --log stderr 2>"$tmp/d1.err")
rc=$?
[ $rc = 0 ] || fail "hvd --daemon: exit $rc: $(cat "$tmp/d1.err")"
pid=$(cat "$tmp/run/hvd.pid" 2>/dev/null)
[[ $pid =~ ^[0-9]+$ ]] || { fail "pid file: '$pid'"; exit 1; }
pids+=("$pid")
# no wait: the parent returned after the socket listened
out=$("$HVCTL" --control "$tmp/run/d.sock" host 2>&1) || fail "hvctl host: $out"
grep -qx "host  *d1" <<<"$out" || fail "hvctl host: $out"
grep -qx "state dir $tmp/run/state" <<<"$out" ||
	fail "state dir not made absolute: $out"
[ "$(stat_field "$pid" 6)" = "$pid" ] || fail "pid $pid is not a session leader"
[ "$(stat_field "$pid" 4)" != $$ ] || fail "pid $pid is our child"
[ "$(readlink "/proc/$pid/cwd")" = / ] || fail "cwd: $(readlink "/proc/$pid/cwd")"
for fd in 0 1; do
	[ "$(readlink "/proc/$pid/fd/$fd")" = /dev/null ] ||
		fail "fd $fd: $(readlink "/proc/$pid/fd/$fd")"
done
grep -q "info: hvd .* on d1: .*daemon" "$tmp/d1.err" ||
	fail "--log stderr: the daemon's stderr has no start line: $(cat "$tmp/d1.err")"
kill -TERM "$pid"
wait_gone "$pid" || fail "TERM did not end the daemon"
[ ! -e "$tmp/run/hvd.pid" ] || fail "the pid file outlived the daemon"

echo "== a daemon that cannot start: hvd --daemon fails with why"
start=$SECONDS
if timeout 20 "$HVD" --daemon --config "$tmp/empty.conf" --name d2 \
	--state-dir "$tmp/state2" --control /proc/no/such/dir/d.sock \
	--pid-file "$tmp/d2.pid" --listen off >"$tmp/d2.out" 2>&1; then
	fail "hvd --daemon with a bad --control succeeded"
fi
grep -q "control /proc/no/such/dir/d.sock" "$tmp/d2.out" ||
	fail "the daemon's error did not reach us: $(cat "$tmp/d2.out")"
grep -q "before it was ready" "$tmp/d2.out" || fail "no verdict: $(cat "$tmp/d2.out")"
[ ! -e "$tmp/d2.pid" ] || fail "a failed daemon wrote its pid file"
[ $((SECONDS - start)) -le 5 ] || fail "the failure took $((SECONDS - start)) s"

echo "== daemon and log = syslog in hvd.conf: datagrams on /dev/log"
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
	! unshare --mount --net true 2>/dev/null; then
	echo "not root or no unshare: syslog not checked"
	[ $failed = 0 ] && echo "PASS"
	exit $failed
fi
mkdir -p "$tmp/dev"
: >"$tmp/dev/null"
# (in a subshell: not a job of ours, whose KILL bash would report)
(python3 -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready", os.getpid(), flush=True)
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(4096).replace(b"\n", b" ") + b"\n")
' "$tmp/dev/log" "$tmp/syslog.out" >"$tmp/syslogd.out" 2>&1 &)
for ((i = 0; i < 200; i++)); do
	grep -q ready "$tmp/syslogd.out" && break
	sleep 0.05
done
read -r _ pid <"$tmp/syslogd.out" && pids+=("$pid")
"$HVCTL" keygen "$tmp/key" 2>/dev/null || fail "keygen"
cat >"$tmp/hvd.conf" <<EOF
daemon = "yes"
log = "syslog"
name = "d3"
state_dir = "$tmp/state3"
control = "$tmp/d3.sock"
pid_file = "$tmp/d3.pid"
listen = "127.0.0.1:7800"
cluster_key = "$tmp/key"
EOF
# a mount and network namespace of the daemon's own: /dev is $tmp/dev
# (with the real /dev/null), the peer port on its own loopback
# shellcheck disable=SC2016 # expanded by the inner bash
timeout 20 unshare --mount --net --propagation private bash -c '
	ip link set lo up && mount --bind /dev/null "$1/dev/null" &&
	mount --bind "$1/dev" /dev && exec "$2" --config "$1/hvd.conf"' \
	hvd-ns "$tmp" "$HVD" >"$tmp/d3.out" 2>&1 ||
	fail "hvd with daemon = yes: $(cat "$tmp/d3.out")"
pid=$(cat "$tmp/d3.pid" 2>/dev/null)
[[ $pid =~ ^[0-9]+$ ]] && pids+=("$pid")
# a plaintext client on its peer port: a warning
nsenter --net="/proc/$pid/ns/net" python3 -c 'import socket
s = socket.create_connection(("127.0.0.1", 7800), timeout=10)
s.sendall(b"plain text\n")
try:
    s.recv(10)
except ConnectionResetError:
    pass' || fail "plaintext client"
for ((i = 0; i < 200; i++)); do
	grep -q "not TLS" "$tmp/syslog.out" 2>/dev/null && break
	sleep 0.05
done
grep -q "^<30>.* hvd\[$pid\]: info: hvd .* on d3: .*daemon" "$tmp/syslog.out" ||
	fail "no info line at priority daemon.info: $(cat "$tmp/syslog.out")"
grep -q "^<28>.* hvd\[$pid\]: warning: peer 127.0.0.1:[0-9]*: not TLS (plaintext?)" \
	"$tmp/syslog.out" || fail "no warning at daemon.warning: $(cat "$tmp/syslog.out")"
# until it is ready, the caller sees what it logs too; then syslog alone
grep -q "info: peer port 127.0.0.1:7800" "$tmp/d3.out" ||
	fail "the start did not reach the caller: $(cat "$tmp/d3.out")"
grep -q "^<30>.* hvd\[$pid\]: info: peer port 127.0.0.1:7800" "$tmp/syslog.out" ||
	fail "the start did not reach syslog: $(cat "$tmp/syslog.out")"
grep -q "not TLS" "$tmp/d3.out" && fail "a line after ready on stderr: $(cat "$tmp/d3.out")"
kill -TERM "$pid"
wait_gone "$pid" || fail "TERM did not end the syslog daemon"

[ $failed = 0 ] && echo "PASS"
exit $failed
