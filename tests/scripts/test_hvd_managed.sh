#!/bin/bash
# Managed save (docs/operations.md): `hvctl host save-all` saves every
# domain into the state dir with progress and stops it (no hvdomain is
# left); hvd stops; the next hvd restores them with the same names,
# UUIDs and ids, a paused one paused, each dirtier's ticks going on from
# the next one with its memory verified; a managed save that cannot be
# restored is kept and listed as saved with its reason.
# usage: tests/scripts/test_hvd_managed.sh BUILD   (exit 77: skipped)
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

# last_tick FILE: the last "tick N" on a console
last_tick() { grep -aE '^tick [0-9]+ ' "$1" | tail -1 | awk '{print $2}'; }
first_tick() { grep -aE '^tick [0-9]+ ' "$1" | head -1 | awk '{print $2}'; }
# rows: "name uuid id state" of every domain, sorted
rows() {
	"$HVCTL" --json list | python3 -c '
import json, sys
for d in sorted(json.load(sys.stdin), key=lambda d: d["name"]):
    print(d["name"], d["uuid"], d["id"], d["state"])'
}

for n in 1 2 3; do
	cat >"$tmp/d$n.cfg" <<CFG
name = "dirty$n"
memory = 64
kernel = "$GUESTDIR/dirtier.elf"
cmdline = "ws=8M ticks=0 tick_ms=20"
CFG
	"$HVCTL" create "$tmp/d$n.cfg" >/dev/null || fail "create dirty$n"
	"$HVCTL" console "dirty$n" </dev/null >"$tmp/c$n.a" 2>/dev/null &
	con[n]=$!
	pids+=("$!")
	wait_for_text "$tmp/c$n.a" '^tick 3 ' "$!" 30 || fail "dirty$n: no ticks"
done
"$HVCTL" pause dirty2 >/dev/null || fail "pause dirty2"
rows >"$tmp/before"

echo "== host save-all"
"$HVCTL" --json host save-all >"$tmp/sa.json" 2>"$tmp/sa.err" ||
	fail "save-all: $(cat "$tmp/sa.err")"
python3 - "$tmp/sa.json" <<'PY' || fail "save-all's progress: $(head -3 "$tmp/sa.json")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[-1] == {}, lines[-1]
doms = {l["progress"]["domain"] for l in lines[:-1]}
assert doms == {"dirty1", "dirty2", "dirty3"}, doms
PY
[ "$(hvdomains)" = 0 ] || fail "hvdomains left: $(pgrep -fa "hvdomain.*$tmp/state")"
"$HVCTL" list
rows | awk '{print $1, $4}' | tr '\n' ' ' | grep -qx 'dirty1 saved dirty2 saved dirty3 saved ' ||
	fail "after save-all: $(rows)"
ls "$tmp"/state/domains/*/managed.save | wc -l | grep -qx 3 || fail "not 3 managed saves"
uuid2=$(awk '$1 == "dirty2" {print $2}' "$tmp/before")
[ -e "$tmp/state/domains/$uuid2/managed.paused" ] || fail "dirty2 not marked paused"
for n in 1 2 3; do
	wait_exit "${con[n]}" 30	# its domain gone, its console has it all
	t=$(last_tick "$tmp/c$n.a")
	eval "last$n=$t"
done

echo "== hvd stops and starts: the domains come back"
kill -TERM "$hvd_pid"
wait "$hvd_pid"
pkill -KILL -f "hvdomain.*$tmp/state"	# there should be none
uuid3=$(awk '$1 == "dirty3" {print $2}' "$tmp/before")
truncate -s 100000 "$tmp/state/domains/$uuid3/managed.save"
start_hvd
for n in 1 2; do
	wait_for_text "$tmp/hvd.log" "dirty$n: restored from" "$hvd_pid" 60 ||
		fail "dirty$n not restored: $(tail -5 "$tmp/hvd.log")"
done
wait_for_text "$tmp/hvd.log" "dirty3: managed restore failed" "$hvd_pid" 60 ||
	fail "dirty3's failure not logged"
rows >"$tmp/after"
sed -e 's/ paused$/ P/' -e 's/ running$/ R/' -e 's/ saved$/ S/' "$tmp/after" >"$tmp/after.s"
sed -e 's/ paused$/ P/' -e 's/ running$/ R/' "$tmp/before" >"$tmp/before.s"
sed -i '3s/ R$/ S/' "$tmp/before.s"
diff "$tmp/before.s" "$tmp/after.s" >/dev/null ||
	fail "before/after: $(cat "$tmp/before" "$tmp/after")"
cat "$tmp/after"
[ -n "$(field dirty3 saved_error)" ] || fail "dirty3: no reason"
echo "dirty3: $(field dirty3 saved_error)"
[ -e "$tmp/state/domains/$uuid3/managed.save" ] || fail "dirty3's save removed"
[ "$(ls "$tmp"/state/domains/*/managed.save | wc -l)" = 1 ] ||
	fail "managed saves left: $(ls "$tmp"/state/domains/*/managed.save)"
[ -e "$tmp/state/domains/$uuid2/managed.paused" ] && fail "managed.paused left"

echo "== the dirtiers go on from the next tick, memory verified"
"$HVCTL" unpause dirty2 >/dev/null || fail "unpause dirty2"
for n in 1 2; do
	"$HVCTL" console "dirty$n" </dev/null >"$tmp/c$n.b" 2>/dev/null &
	pids+=("$!")
	eval "want=\$((last$n + 20))"
	wait_for_text "$tmp/c$n.b" "^tick $want " "$!" 60 ||
		fail "dirty$n: no tick $want: $(tail -2 "$tmp/c$n.b")"
	# the next tick; or the one after when the old console missed the
	# last line (hvdomain's console may drop its last output when it is
	# destroyed right after the save; a reboot would start at tick 1)
	eval "want=\$((last$n + 1))"
	first=$(first_tick "$tmp/c$n.b")
	[ "$first" = "$want" ] || [ "$first" = $((want + 1)) ] ||
		fail "dirty$n: ticks $((want - 1)) then $first"
	grep -a FAIL "$tmp/c$n.b" && fail "dirty$n: verification failed"
	echo "dirty$n: saved at tick $((want - 1)), on from tick $want"
done
"$HVCTL" destroy dirty3 >/dev/null || fail "destroy saved dirty3"
[ -e "$tmp/state/domains/$uuid3" ] && fail "dirty3's directory left"

hvd_test_end "managed save"
