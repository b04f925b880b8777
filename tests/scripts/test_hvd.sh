#!/bin/bash
# hvd end to end, with hvctl: domains created from config files, listed
# (table and JSON), paused and unpaused, their consoles read; hvd killed
# with SIGKILL while the dirtier runs: its ticks go on without a gap, and
# a new hvd lists it running and controls it; a guest that powers off
# with on_poweroff = "destroy" is gone; bad configs and unknown domains
# fail with exit 1 and a message; usage errors exit 2; destroy ends the
# hvdomain.
# usage: tests/scripts/test_hvd.sh BUILD   (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
. tests/scripts/lib-hvrun.sh
. tests/scripts/lib-hvdomain.sh
. tests/scripts/lib-hvd.sh
need_hvdomain dirtier hello
need_hvd
hvdomain_setup

cat >"$tmp/dirty.cfg" <<CFG
# the dirtier, forever
name = "dirty1"
vcpus = 1
memory = 64
kernel = "$GUESTDIR/dirtier.elf"
cmdline = "ws=8M ticks=0 tick_ms=20"
on_poweroff = "preserve"
CFG
cat >"$tmp/hello.cfg" <<CFG
name = "hello1"
memory = 32
kernel = "$GUESTDIR/hello.elf"
on_poweroff = "destroy"
CFG
cat >"$tmp/crash.cfg" <<CFG
name = "crash1"
memory = 32
kernel = "$GUESTDIR/dirtier.elf"
cmdline = "ws=999G"
on_crash = "preserve"
CFG
cat >"$tmp/bad.cfg" <<CFG
name = "bad"
memory = 64
colour = "blue"
CFG

start_hvd
echo "== create, list, console"
"$HVCTL" create "$tmp/dirty.cfg" >"$tmp/create.out" ||
	fail "create: $(cat "$tmp/create.out")"
"$HVCTL" list >"$tmp/list.out"
grep -qE '^1 +dirty1 +running +1 +64 ' "$tmp/list.out" ||
	fail "list: $(cat "$tmp/list.out")"
n=$("$HVCTL" --json list | python3 -c \
	"import json,sys; print(len(json.load(sys.stdin)))")
[ "$n" = 1 ] || fail "--json list: $n domains"
pid=$(field dirty1 pid)
"$HVCTL" console dirty1 </dev/null >"$tmp/con1.out" 2>/dev/null &
con=$!
pids+=("$con")
wait_for_text "$tmp/con1.out" '^tick 5 ' "$con" 60 ||
	fail "console: no ticks: $(tail -2 "$tmp/con1.out")"

echo "== pause, unpause"
"$HVCTL" pause dirty1 >/dev/null || fail "pause"
[ "$(field dirty1 state)" = paused ] || fail "state after pause"
"$HVCTL" unpause 1 >/dev/null || fail "unpause by id"
uuid=$(field dirty1 uuid)
[ "$(field "$uuid" state)" = running ] || fail "state by uuid"

echo "== kill -9 hvd: the guest runs on, a new hvd takes it over"
kill -KILL "$hvd_pid"
wait "$hvd_pid" 2>/dev/null
t=$(grep -aE '^tick [0-9]+' "$tmp/con1.out" | tail -1 | awk '{print $2}')
wait_for_text "$tmp/con1.out" "^tick $((t + 3)) " "$con" 30 ||
	fail "ticks stopped with hvd"
start_hvd
[ "$(field dirty1 state)" = running ] || fail "after restart: not running"
[ "$(field dirty1 pid)" = "$pid" ] || fail "after restart: another hvdomain"
"$HVCTL" pause dirty1 >/dev/null && "$HVCTL" unpause dirty1 >/dev/null ||
	fail "the new hvd cannot control the domain"
t=$(grep -aE '^tick [0-9]+' "$tmp/con1.out" | tail -1 | awk '{print $2}')
wait_for_text "$tmp/con1.out" "^tick $((t + 2)) " "$con" 30 ||
	fail "ticks stopped after the restart"
ticks=$(grep -aE '^tick [0-9]+' "$tmp/con1.out" | awk '{print $2}')
python3 - "$ticks" <<'PY' || fail "a gap in the ticks"
import sys
t = [int(x) for x in sys.argv[1].split()]
sys.exit(0 if t == list(range(t[0], t[0] + len(t))) else 1)
PY
echo "ticks $(echo $ticks | awk '{print $1"..."$NF}') without a gap"

echo "== save and restore through hvd"
"$HVCTL" save dirty1 "$tmp/nodir/x.sav" 2>"$tmp/save.err" &&
	fail "save to a missing directory succeeded"
[ "$(field dirty1 state)" = running ] || fail "after a failed save: not running"
echo "failed save: $(cat "$tmp/save.err")"
"$HVCTL" console dirty1 </dev/null >"$tmp/con1b.out" 2>/dev/null &
con=$!
pids+=("$con")
wait_for_text "$tmp/con1b.out" '^tick [0-9]+ ' "$con" 30 || fail "no ticks"
uuid=$(field dirty1 uuid)
(cd "$tmp" && "$HVCTL" save dirty1 dirty1.sav) >/dev/null || fail "save"
wait_gone "$pid" 30 || fail "hvdomain $pid runs on after the save"
"$HVCTL" info dirty1 >/dev/null 2>&1 && fail "dirty1 listed after its save"
wait_exit "$con" 30
last=$(grep -aE '^tick [0-9]+' "$tmp/con1b.out" | tail -1 | awk '{print $2}')
(cd "$tmp" && "$HVCTL" restore dirty1.sav) >/dev/null || fail "restore"
[ "$(field dirty1 state)" = running ] || fail "restored: not running"
[ "$(field dirty1 uuid)" = "$uuid" ] ||
	fail "restored with UUID $(field dirty1 uuid), saved with $uuid"
# hvd's own config travels in the file: the policies are kept
grep -q '^on_poweroff = "preserve"' "$tmp/state/domains/$uuid/config" ||
	fail "restored without its on_poweroff: $(cat "$tmp/state/domains/$uuid/config")"
"$HVCTL" restore "$tmp/dirty1.sav" 2>/dev/null && fail "restored twice"
pid=$(field dirty1 pid)
"$HVCTL" console dirty1 </dev/null >"$tmp/con2.out" 2>/dev/null &
con=$!
pids+=("$con")
wait_for_text "$tmp/con2.out" "^tick $((last + 3)) " "$con" 60 ||
	fail "restored: no tick $((last + 3)): $(tail -2 "$tmp/con2.out")"
first=$(grep -aE '^tick [0-9]+' "$tmp/con2.out" | head -1 | awk '{print $2}')
[ "$first" = $((last + 1)) ] || fail "restored: ticks $last then $first"
echo "saved at tick $last, restored from tick $first"
printf 'garbage' >"$tmp/bad.sav"
"$HVCTL" restore "$tmp/bad.sav" 2>"$tmp/restore.err" && fail "restored garbage"
echo "bad file: $(cat "$tmp/restore.err")"

echo "== on_poweroff = destroy"
"$HVCTL" create "$tmp/hello.cfg" >/dev/null || fail "create hello1"
hpid=$(field hello1 pid 2>/dev/null || echo 0)
[ "$hpid" != 0 ] && wait_gone "$hpid" 30
for i in $(seq 100); do
	"$HVCTL" info hello1 >/dev/null 2>&1 || break
	sleep 0.05	# hvd destroys it after the poweroff event
done
"$HVCTL" info hello1 >/dev/null 2>&1 && fail "hello1 still there"

echo "== on_crash = preserve"
"$HVCTL" create "$tmp/crash.cfg" >/dev/null || fail "create crash1"
for i in $(seq 200); do
	[ "$(field crash1 state)" = crashed ] && break
	sleep 0.05	# until hvd saw the crash event
done
[ "$(field crash1 state)" = crashed ] || fail "crash1: $(field crash1 state)"
[ "$(field crash1 code)" != 0 ] || fail "crash1: code 0"
grep -q '^on_crash = "preserve"' "$tmp/state/domains/$(field crash1 uuid)/config" ||
	fail "the kept config text: $(cat "$tmp"/state/domains/*/config)"
"$HVCTL" destroy crash1 >/dev/null || fail "destroy crash1"

echo "== on_reboot = restart, preserve"
for pol in restart preserve; do
	cat >"$tmp/reboot-$pol.cfg" <<CFG
name = "reboot-$pol"
memory = 32
kernel = "$GUESTDIR/hello.elf"
cmdline = "reboot"
on_reboot = "$pol"
CFG
	"$HVCTL" create "$tmp/reboot-$pol.cfg" >/dev/null ||
		fail "create reboot-$pol"
done
uuid=$(field reboot-restart uuid)
# The hello guest reboots at every boot: hvd starts it again each time,
# as the same domain (name, UUID) in a new hvdomain.
for i in $(seq 400); do
	n=$(grep -c 'reboot-restart: shutdown' "$tmp/hvd.log")
	[ "$n" -ge 3 ] && break
	sleep 0.05	# until hvd has seen three reboots
done
[ "$n" -ge 3 ] || fail "reboot-restart: $n reboots seen in hvd's log"
[ "$(field reboot-restart uuid)" = "$uuid" ] ||
	fail "reboot-restart: the UUID changed over a restart"
"$HVCTL" destroy reboot-restart >/dev/null || fail "destroy reboot-restart"
"$HVCTL" info reboot-restart >/dev/null 2>&1 && fail "reboot-restart still there"
pgrep -f -- "--name reboot-restart" >/dev/null &&
	fail "an hvdomain of reboot-restart is still running"
for i in $(seq 200); do
	[ "$(field reboot-preserve state)" = shutdown ] && break
	sleep 0.05	# until hvd saw the reboot event
done
[ "$(field reboot-preserve state)" = shutdown ] &&
	[ "$(field reboot-preserve reason)" = reboot ] ||
	fail "reboot-preserve: $(field reboot-preserve state) $(field reboot-preserve reason)"
"$HVCTL" destroy reboot-preserve >/dev/null || fail "destroy reboot-preserve"
echo "restart: $n reboots, one UUID; preserve: kept as shut down (reboot)"

echo "== errors"
"$HVCTL" create "$tmp/bad.cfg" 2>"$tmp/bad.err"; rc=$?
[ $rc = 1 ] || fail "bad config: exit $rc"
grep -q 'bad.cfg:3' "$tmp/bad.err" || fail "bad config: $(cat "$tmp/bad.err")"
echo "bad config: $(cat "$tmp/bad.err")"
"$HVCTL" create "$tmp/dirty.cfg" 2>/dev/null && fail "a second dirty1"
"$HVCTL" info web9 2>/dev/null; [ $? = 1 ] || fail "unknown domain: not 1"
"$HVCTL" frobnicate 2>/dev/null; [ $? = 2 ] || fail "unknown command: not 2"
"$HVCTL" --control "$tmp/none.sock" list 2>/dev/null; [ $? = 1 ] ||
	fail "no hvd: not 1"

echo "== keygen"
"$HVCTL" keygen "$tmp/cluster.key" 2>/dev/null || fail "keygen"
[ "$(stat -c %a "$tmp/cluster.key")" = 600 ] || fail "key mode"
grep -qxE '[0-9a-f]{64}' "$tmp/cluster.key" || fail "key: $(cat "$tmp/cluster.key")"
k1=$(cat "$tmp/cluster.key")
"$HVCTL" keygen "$tmp/cluster.key" 2>/dev/null && fail "keygen overwrote a key"
[ "$(cat "$tmp/cluster.key")" = "$k1" ] || fail "keygen changed the key"
"$HVCTL" keygen "$tmp/cluster.key" --force 2>/dev/null || fail "keygen --force"
[ "$(cat "$tmp/cluster.key")" != "$k1" ] || fail "keygen --force: same key"

echo "== hvd.conf"
printf 'name = "fromconf"\ncolour = "blue"\n' >"$tmp/hvd-bad.conf"
"$HVD" --config "$tmp/hvd-bad.conf" 2>"$tmp/conf.err"; rc=$?
[ $rc = 2 ] || fail "bad hvd.conf: exit $rc"
grep -q 'hvd-bad.conf:2: unknown key' "$tmp/conf.err" ||
	fail "bad hvd.conf: $(cat "$tmp/conf.err")"
"$HVD" --config "$tmp/none.conf" 2>/dev/null && fail "a missing --config"
printf 'name = "fromconf"\nlog_level = "warning"\n' >"$tmp/hvd.conf"
mkfifo "$tmp/conf.ready"
"$HVD" --config "$tmp/hvd.conf" --state-dir "$tmp/state2" \
	--control "$tmp/hvd2.sock" --ready-fd 3 3>"$tmp/conf.ready" \
	>"$tmp/hvd2.log" 2>&1 &
pids+=("$!")
read -r line <"$tmp/conf.ready"
"$HVCTL" --control "$tmp/hvd2.sock" host | grep -q '^host *fromconf$' ||
	fail "hvd.conf's name not used"
kill -TERM "$!"

echo "== destroy"
"$HVCTL" destroy dirty1 >/dev/null || fail "destroy"
wait_gone "$pid" 30 || fail "hvdomain $pid still runs"
[ "$("$HVCTL" --json list)" = "[]" ] || fail "list after destroy"
[ -z "$(ls "$tmp/state/domains")" ] || fail "state dir not empty"

kill -TERM "$hvd_pid"
wait "$hvd_pid"
for f in "$tmp"/*.log; do
	san_report "$f" && fail "sanitizer report in $f"
done
[ $failed = 0 ] && echo "hvd: all ok"
exit $failed
