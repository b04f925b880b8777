#!/bin/bash
# Save and restore through hvrun (--save-to, SIGUSR1; --restore): the
# guest continues exactly where it stopped.
#  - the dirtier: its ticks go on without a gap in their numbering, guest
#    time keeps increasing across the save, and it verifies every page it
#    wrote; saved and restored twice in a row.
#  - the Debian guest with 2 vCPUs: a shell variable set before the save
#    is there after the restore, in the same shell session.
#  - damaged save files (a flipped byte, a truncation, an empty file) are
#    refused with exit 125 and a message, never a crash.
# usage: tests/scripts/test_save_restore.sh BUILD      (exit 77: skipped)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${1:?usage: $0 BUILD}
HVRUN=$BUILD/bin/hvrun
G=build/guests
. tests/scripts/lib-hvrun.sh
[ -x "$HVRUN" ] || { echo "skip: $HVRUN not built"; exit 77; }
tmp=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

last_tick() { grep -aE '^tick [0-9]+' "$1" | tail -1 | awk '{print $2}'; }
first_tick() { grep -aE '^tick [0-9]+' "$1" | head -1 | awk '{print $2}'; }
tick_time() { grep -aE "^tick $2 " "$1" | sed 's/.*t=//'; }

# save_running OUT SAVEFILE PATTERN -- ARGS: runs hvrun ARGS --save-to
# SAVEFILE, waits for PATTERN in OUT, saves it with SIGUSR1.
save_running() {
	local out=$1 sav=$2 pat=$3 pid
	shift 4
	"$HVRUN" "$@" --save-to "$sav" </dev/null >"$out" 2>&1 &
	pid=$!
	if ! wait_for_text "$out" "$pat" "$pid" 120; then
		fail "'$pat' never appeared"; cat "$out"; return 1
	fi
	kill -USR1 "$pid"
	wait_exit "$pid" 60
	if [ "$rc" != 0 ] || ! grep -q "guest saved to" "$out"; then
		fail "save: exit $rc"; tail -5 "$out"; return 1
	fi
}

echo "== dirtier, saved twice"
args=(--memory 256M --cmdline "ws=32M ticks=60 tick_ms=20 pattern=dense")
save_running "$tmp/d1" "$tmp/d1.sav" '^tick 10 ' -- "$G/dirtier.elf" \
	"${args[@]}" || exit 1
save_running "$tmp/d2" "$tmp/d2.sav" '^tick [0-9]+ ' -- --restore \
	"$tmp/d1.sav" || exit 1
"$HVRUN" --restore "$tmp/d2.sav" </dev/null >"$tmp/d3" 2>&1
rc=$?
[ $rc = 0 ] || fail "final restore: exit $rc"
grep -q '^PASS dirtier' "$tmp/d3" || fail "dirtier did not pass: $(tail -2 "$tmp/d3")"
for pair in "d1 d2" "d2 d3"; do
	set -- $pair
	a=$(last_tick "$tmp/$1"); b=$(first_tick "$tmp/$2")
	if [ -z "$a" ] || [ -z "$b" ] || [ "$b" != $((a + 1)) ]; then
		fail "ticks $1 -> $2: last $a, then $b (want $((a + 1)))"
	fi
	ta=$(tick_time "$tmp/$1" "$a"); tb=$(tick_time "$tmp/$2" "$b")
	if [ -z "$ta" ] || [ -z "$tb" ] || [ "$tb" -lt "$ta" ]; then
		fail "guest time went backwards across the save: $ta -> $tb"
	fi
	echo "ticks $1 -> $2: $a (t=$ta ms) -> $b (t=$tb ms)"
done
ls -l "$tmp/d1.sav" | awk '{print "save file:", $5, "bytes"}'

echo "== a save that cannot be written leaves the guest running"
"$HVRUN" "$G/dirtier.elf" "${args[@]}" --save-to "$tmp/no/such/dir/x.sav" \
	</dev/null >"$tmp/nosave" 2>&1 &
pid=$!
if wait_for_text "$tmp/nosave" '^tick 5 ' "$pid" 60; then
	kill -USR1 "$pid"
	if ! wait_for_text "$tmp/nosave" 'not saved; it goes on' "$pid" 30; then
		fail "no 'not saved' message"
	else
		n=$(last_tick "$tmp/nosave")
		wait_for_text "$tmp/nosave" "^tick $((n + 2)) " "$pid" 30 ||
			fail "the guest stopped after the failed save"
	fi
	kill -TERM "$pid"
	wait_exit "$pid" 30
	[ "$rc" = 143 ] || fail "after the failed save: exit $rc, want 143"
	grep -q '^PASS\|FAIL' "$tmp/nosave" && fail "unexpected end"
	echo "failed save: $(grep -m1 'save:' "$tmp/nosave"); guest went on"
else
	fail "dirtier did not start"
fi

echo "== a full disk leaves the guest running"
# A 1 MiB tmpfs in a private mount namespace (needs root, as CI is).
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	mkdir -p "$tmp/full"
	unshare -m bash -c 'mount -t tmpfs -o size=1m hvtest "$1" &&
		exec "${@:2}"' _ "$tmp/full" "$HVRUN" "$G/dirtier.elf" \
		"${args[@]}" --save-to "$tmp/full/x.sav" </dev/null \
		>"$tmp/fullout" 2>&1 &
	pid=$!
	if wait_for_text "$tmp/fullout" '^tick 5 ' "$pid" 60; then
		kill -USR1 "$pid"
		wait_for_text "$tmp/fullout" 'not saved; it goes on' "$pid" 60 ||
			fail "full disk: no 'not saved' message"
		n=$(last_tick "$tmp/fullout")
		wait_for_text "$tmp/fullout" "^tick $((n + 2)) " "$pid" 30 ||
			fail "full disk: the guest stopped after the failed save"
		kill -TERM "$pid"
		wait_exit "$pid" 30
		[ "$rc" = 143 ] || fail "full disk: exit $rc, want 143"
		echo "full disk: $(grep -m1 'save:' "$tmp/fullout"); guest went on"
	else
		fail "full disk: dirtier did not start"; cat "$tmp/fullout"
	fi
else
	echo "full disk: skipped (needs root and unshare)"
fi

echo "== damaged save files"
cp "$tmp/d1.sav" "$tmp/flip.sav"
size=$(stat -c %s "$tmp/flip.sav")
printf '\xa5' | dd of="$tmp/flip.sav" bs=1 seek=$((size / 2)) conv=notrunc \
	status=none
head -c $((size / 3)) "$tmp/d1.sav" >"$tmp/trunc.sav"
: >"$tmp/empty.sav"
for f in flip trunc empty; do
	"$HVRUN" --restore "$tmp/$f.sav" </dev/null >"$tmp/$f.out" 2>&1
	rc=$?
	if [ $rc != 125 ] || ! grep -q "restore:" "$tmp/$f.out"; then
		fail "$f: exit $rc, want 125 with a message"; cat "$tmp/$f.out"
	elif san_report "$tmp/$f.out"; then
		fail "$f: sanitizer report"
	else
		echo "$f: refused: $(grep -m1 restore: "$tmp/$f.out")"
	fi
done

echo "== Debian shell, 2 vCPUs"
if [ -f "$G/debian/vmlinux" ]; then
	deb=("$G/debian/vmlinux" --initrd "$G/debian/initrd.cpio.gz"
	     --memory 512M --vcpus 2
	     --cmdline "console=ttyS0 quiet panic=-1 hv.mode=shell")
	mkfifo "$tmp/in1" "$tmp/in2"
	"$HVRUN" "${deb[@]}" --save-to "$tmp/deb.sav" <"$tmp/in1" \
		>"$tmp/deb1" 2>&1 &
	pid=$!
	exec 3>"$tmp/in1"
	if wait_for_text "$tmp/deb1" 'debian-hv# ' "$pid" 300; then
		echo 'X=41; echo "before-$X"' >&3
		wait_for_text "$tmp/deb1" '^before-41' "$pid" 60 ||
			fail "shell did not run the first command"
		kill -USR1 "$pid"
		wait_exit "$pid" 60
		exec 3>&-
		[ "$rc" = 0 ] || fail "Debian save: exit $rc"
		"$HVRUN" --restore "$tmp/deb.sav" <"$tmp/in2" >"$tmp/deb2" 2>&1 &
		pid=$!
		exec 3>"$tmp/in2"
		echo 'echo "after-$((X + 1))"; poweroff -f' >&3
		wait_exit "$pid" 300
		exec 3>&-
		if [ "$rc" != 0 ] || ! grep -q '^after-42' "$tmp/deb2"; then
			fail "Debian restore: exit $rc"; tail -5 "$tmp/deb2"
		else
			echo "Debian shell kept its variable across save/restore"
		fi
	else
		fail "Debian shell prompt never appeared"; tail -5 "$tmp/deb1"
	fi
else
	fail "Debian guest images missing (run make)"
fi

[ $failed = 0 ] && echo "save/restore: all ok"
exit $failed
