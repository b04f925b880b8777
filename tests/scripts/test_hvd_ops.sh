#!/bin/bash
# hvd's long operations beside its loop (docs/hvd.md): while a big save
# (256 MiB populated) runs, list, info and pause of another domain
# answer before it ends, and
# the busy domain refuses pause with "save in progress"; progress comes as
# JSON lines with --json, as a line redrawn in place on a terminal and not
# at all otherwise; a save or restore whose helper is killed ends in an
# error with the guest running in exactly one place; a client that leaves
# mid-save does not stop it; a save and a restore run at once; a restore's
# refusal reason reaches hvctl.
# usage: tests/scripts/test_hvd_ops.sh BUILD   (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
. tests/scripts/lib-hvrun.sh
. tests/scripts/lib-hvdomain.sh
. tests/scripts/lib-hvd.sh
need_hvdomain dirtier
need_hvd
hvdomain_setup
start_hvd

# helper: the save/restore helper hvd forked (a child named hvd)
helper() { pgrep -P "$hvd_pid" -x hvd; }
# started NAME ARGS...: hvctl --json ARGS in the background, output in
# $tmp/NAME.json and .err, without fd 5 (slow_restore's fifo: a writer
# left open would keep its reader from the end); returns at its first
# progress record ($op)
started() {
	local name=$1
	shift
	"$HVCTL" --json "$@" >"$tmp/$name.json" 2>"$tmp/$name.err" 5>&- &
	op=$!
	pids+=("$op")
	wait_for_text "$tmp/$name.json" '"progress"' "$op" 30 ||
		fail "$name: no progress: $(cat "$tmp/$name.err")"
}

cat >"$tmp/big.cfg" <<CFG
name = "big"
memory = 1100
kernel = "$GUESTDIR/dirtier.elf"
cmdline = "ws=256M ticks=0 tick_ms=50 pattern=sparse"
CFG
cat >"$tmp/dirty.cfg" <<CFG
name = "dirty1"
memory = 64
kernel = "$GUESTDIR/dirtier.elf"
cmdline = "ws=8M ticks=0 tick_ms=20"
CFG
"$HVCTL" create "$tmp/big.cfg" >/dev/null || fail "create big"
"$HVCTL" create "$tmp/dirty.cfg" >/dev/null || fail "create dirty1"
# the console's stdin stays open (fd 4): quiet for seconds while the
# dirtier fills its working set, it would end at EOF
mkfifo "$tmp/hold"
exec 4<>"$tmp/hold"
"$HVCTL" console big <&4 >"$tmp/big.con" 2>"$tmp/big.con.err" &
pids+=("$!")
wait_for_text "$tmp/big.con" "^tick 1 " "$!" 60 || fail "big: no tick: $(cat "$tmp/big.con" "$tmp/big.con.err")"

echo "== a big save does not block the loop"
started save save big "$tmp/big.sav"
save=$op
"$HVCTL" list >"$tmp/list.out" || fail "list during the save"
"$HVCTL" pause dirty1 >/dev/null || fail "pause dirty1 during the save"
"$HVCTL" unpause dirty1 >/dev/null || fail "unpause dirty1 during the save"
"$HVCTL" pause big 2>"$tmp/busy.err" && fail "pause of a domain being saved"
op=$(field big operation)
# the ordering: all of that answered while the save still ran
kill -0 "$save" 2>/dev/null || fail "the save ended before list/pause answered"
grep -q '^{}$' "$tmp/save.json" && fail "the save replied before list/pause"
grep -qE '^[0-9]+ +big +(running|paused) .*  save$' "$tmp/list.out" ||
	fail "list does not show the save: $(cat "$tmp/list.out")"
[ "$op" = save ] || fail "info: operation '$op'"
grep -q 'domain big: save in progress' "$tmp/busy.err" ||
	fail "busy: $(cat "$tmp/busy.err")"
wait_exit "$save" 60
[ "$rc" = 0 ] || fail "save: exit $rc: $(cat "$tmp/save.err")"
python3 - "$tmp/save.json" <<'PY' || fail "save's JSON progress"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
prog = [l["progress"] for l in lines[:-1]]
assert lines[-1] == {}, lines[-1]
assert len(prog) >= 10, len(prog)
last = {}
for p in prog:
    assert p["domain"] == "big" and p["done"] <= p["total"], p
    assert p["done"] >= last.get(p["phase"], 0), p
    last[p["phase"]] = p["done"]
assert prog[-1]["done"] == prog[-1]["total"] >= 256 << 20, prog[-1]
print("%d progress records, %d MiB" % (len(prog), prog[-1]["total"] >> 20))
PY
"$HVCTL" info big >/dev/null 2>&1 && fail "big listed after its save"
echo "meanwhile: $(cat "$tmp/busy.err")"

echo "== progress: none off a terminal, a line on one"
"$HVCTL" save dirty1 "$tmp/d1.sav" -c >/dev/null 2>"$tmp/quiet.err" ||
	fail "save -c dirty1"
[ -s "$tmp/quiet.err" ] && fail "progress noise off a terminal: $(cat "$tmp/quiet.err")"
python3 - "$HVCTL" "$tmp/d1b.sav" <<'PY' || fail "no progress line on a terminal"
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.run([sys.argv[1], "save", "dirty1", sys.argv[2], "-c"],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=slave, timeout=60)
os.close(slave)
out = b""
try:
    while True:
        b = os.read(master, 4096)
        if not b:
            break
        out += b
except OSError:
    pass
assert p.returncode == 0, p.returncode
assert b"\r" in out and b"dirty1: saving memory" in out and b"MiB" in out, out
assert b"100%" in out, out
PY
[ "$(field dirty1 state)" = running ] || fail "dirty1 not running after -c"

echo "== a restore's refusal reason reaches hvctl"
head -c 100000 "$tmp/big.sav" >"$tmp/short.sav"
"$HVCTL" restore "$tmp/short.sav" 2>"$tmp/short.err" && fail "restored a cut file"
grep -q 'truncated\|end of' "$tmp/short.err" || fail "reason: $(cat "$tmp/short.err")"
echo "cut file: $(cat "$tmp/short.err")"
[ "$(hvdomains)" = 1 ] || fail "a failed restore left an hvdomain"

echo "== a restore helper killed: nothing left"
# The restores read a fifo the test feeds (fd 5), so each stops where the
# test wants it: before the config, or with the incoming domain running.
# slow_restore NAME: a restore of $tmp/NAME.fifo, fed through fd 5
slow_restore() {
	rm -f "$tmp/$1.fifo"
	mkfifo "$tmp/$1.fifo"
	exec 5<>"$tmp/$1.fifo"
	started "$1" restore "$tmp/$1.fifo"
}
# nothing_left: no hvdomain but dirty1's, no directory but its
nothing_left() {
	[ "$(hvdomains)" = 1 ] || fail "$1: $(pgrep -fa "hvdomain.*$tmp/state")"
	[ "$(ls "$tmp/state/domains" | wc -l)" = 1 ] ||
		fail "$1: state dir: $(ls "$tmp/state/domains")"
	"$HVCTL" info big >/dev/null 2>&1 && fail "$1: a half restored big"
}
slow_restore r0		# nothing read yet
kill -KILL "$(helper)"
wait_exit "$op" 30
exec 5>&-
[ "$rc" = 1 ] || fail "restore with its helper killed at once: exit $rc"
nothing_left r0
slow_restore r1
head -c 8M "$tmp/big.sav" >&5	# returns once the helper read most of it
grep -q '"done":[1-9]' "$tmp/r1.json" || fail "r1: no progress"
kill -KILL "$(helper)"
wait_exit "$op" 30
exec 5>&-
[ "$rc" = 1 ] || fail "restore with its helper killed: exit $rc"
grep -q 'helper killed by signal 9' "$tmp/r1.err" || fail "r1: $(cat "$tmp/r1.err")"
nothing_left r1

echo "== a restore and a save at once"
slow_restore r2
head -c 8M "$tmp/big.sav" >&5
"$HVCTL" save dirty1 "$tmp/d1c.sav" -c || fail "save during a restore"
kill -0 "$op" 2>/dev/null || fail "the restore ended before the save"
tail -c +$((8 * 1024 * 1024 + 1)) "$tmp/big.sav" >&5
exec 5>&-
wait_exit "$op" 60
[ "$rc" = 0 ] || fail "restore: $(cat "$tmp/r2.err")"
[ "$(field big state)" = running ] || fail "big not running after restore"

echo "== a save helper killed: the guest runs on"
started s2 save big "$tmp/big2.sav"
kill -KILL "$(helper)"
wait_exit "$op" 30
[ "$rc" = 1 ] || fail "save with its helper killed: exit $rc"
grep -q 'killed by signal 9 (SIGKILL); the domain runs on' "$tmp/s2.err" ||
	fail "s2: $(cat "$tmp/s2.err")"
[ -e "$tmp/big2.sav" ] && fail "a half written save file is left"
[ "$(field big state)" = running ] || fail "big: $(field big state)"
[ "$(field big operation)" = "" ] || fail "big still busy"

echo "== a client gone mid-save: the save completes"
started s3 save big "$tmp/big3.sav"
kill -KILL "$op"
wait_for_text "$tmp/hvd.log" "big: saved to $tmp/big3.sav" "$hvd_pid" 60 ||
	fail "the save did not complete without its client"
"$HVCTL" info big >/dev/null 2>&1 && fail "big listed after its save"
[ -s "$tmp/big3.sav" ] || fail "no big3.sav"

kill -TERM "$hvd_pid"
wait "$hvd_pid"
[ "$(hvdomains)" = 1 ] || fail "hvdomains: $(pgrep -fa "hvdomain.*$tmp/state")"
hvd_test_end "hvd operations"
