#!/bin/bash
# The Debian guest under hvd, driven with hvctl only: created from a
# config file, its shell used through `hvctl console` over a pipe; input
# typed while it is paused runs after unpause; saved to a file and
# restored, its shell keeps a variable; shut down gracefully through its
# power button (the guest's own poweroff path, on_poweroff = destroy: it
# is gone); created again and destroyed while it boots.
# usage: tests/scripts/test_hvd_debian.sh BUILD   (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
. tests/scripts/lib-hvrun.sh
. tests/scripts/lib-hvdomain.sh
. tests/scripts/lib-debian.sh
. tests/scripts/lib-hvd.sh
need_hvdomain hello
need_hvd
debian_have_images || { echo "skipped: Debian guest images missing"; exit 77; }
hvdomain_setup
start_hvd

debian_domain_config web1 2 >"$tmp/web1.cfg"

# console N: `hvctl console web1` reading fifo $tmp/in.N (held open on
# fd 4) and writing $tmp/out.N; sets $con_pid
console() {
	mkfifo "$tmp/in.$1"
	exec 4<>"$tmp/in.$1"
	"$HVCTL" console web1 <"$tmp/in.$1" >"$tmp/out.$1" 2>&1 &
	con_pid=$!
	pids+=("$con_pid")
}

echo "== create from a config file, the console"
"$HVCTL" create "$tmp/web1.cfg" >/dev/null || { fail "create web1"; exit 1; }
[ "$(field web1 vcpus)" = 2 ] || fail "web1: $(field web1 vcpus) vCPUs"
console 1
wait_for_text "$tmp/out.1" 'debian-hv# ' "$con_pid" 300 ||
	{ fail "no shell prompt"; tail -5 "$tmp/out.1"; exit 1; }
echo 'X=41; echo "before-$X"' >&4
wait_for_text "$tmp/out.1" '^before-41' "$con_pid" 60 ||
	fail "the shell did not run the first command"

echo "== pause, input while paused, unpause"
"$HVCTL" pause web1 || fail "pause"
[ "$(field web1 state)" = paused ] || fail "state $(field web1 state)"
echo 'echo "typed-while-$((X - 41))paused"' >&4
"$HVCTL" unpause web1 || fail "unpause"
wait_for_text "$tmp/out.1" '^typed-while-0paused' "$con_pid" 60 ||
	fail "input typed while paused never ran"
grep -q '^typed-while-0paused' "$tmp/out.1" && echo "paused input ran after unpause"

echo "== save, restore"
uuid=$(field web1 uuid)
"$HVCTL" save web1 "$tmp/web1.save" || fail "save"
"$HVCTL" info web1 >/dev/null 2>&1 && fail "web1 still there after save"
wait_exit "$con_pid" 30
[ "$rc" = 1 ] || fail "console after save: exit $rc, want 1 (domain gone)"
exec 4>&-
"$HVCTL" restore "$tmp/web1.save" >/dev/null || fail "restore"
[ "$(field web1 state)" = running ] || fail "restored: $(field web1 state)"
[ "$(field web1 uuid)" = "$uuid" ] || fail "restored with another UUID"
console 2
echo 'echo "after-$((X + 1))"' >&4
wait_for_text "$tmp/out.2" '^after-42' "$con_pid" 120 ||
	fail "the restored shell lost its variable: $(tail -3 "$tmp/out.2")"
echo "the shell kept X across save/restore"

echo "== graceful shutdown (power button)"
"$HVCTL" shutdown web1 --timeout 120 >"$tmp/shutdown.out" 2>&1 ||
	fail "shutdown: $(cat "$tmp/shutdown.out")"
wait_exit "$con_pid" 30
[ "$rc" = 0 ] || fail "console after shutdown: exit $rc (want 0: poweroff)"
grep -q 'HV-INIT: power button' "$tmp/out.2" ||
	fail "no power button line from the guest: $(tail -5 "$tmp/out.2")"
"$HVCTL" info web1 >/dev/null 2>&1 && fail "web1 still there after shutdown"
exec 4>&-

echo "== destroy while booting"
"$HVCTL" create "$tmp/web1.cfg" >/dev/null || fail "create web1 again"
pid=$(field web1 pid)
"$HVCTL" destroy web1 || fail "destroy"
wait_gone "$pid" 30 || fail "hvdomain $pid still running after destroy"
"$HVCTL" info web1 >/dev/null 2>&1 && fail "web1 still there after destroy"

for f in "$tmp"/out.*; do
	san_report "$f" && fail "sanitizer report in $f"
done
hvd_test_end "hvd with Debian"
